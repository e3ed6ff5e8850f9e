"""The researcher's integration YAML: a fit and a meta-inference per CIPP component.

components:
  product:
    fit: discordance
    meta_inference: Surveys looked satisfied; the focus groups were not.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cipp.model.errors import InstrumentError
from cipp.model.instrument import COMPONENTS
from cipp.model.joint import FITS, Integration


def _entry(
    component: str, entry: Any, fits: dict[str, str], inferences: dict[str, str]
) -> list[str]:
    """Check one component's entry, filling ``fits`` and ``inferences``; its problems."""
    where = f"components.{component}"
    if component not in COMPONENTS:
        return [f"{where}: '{component}' is not one of {', '.join(COMPONENTS)}"]
    if not isinstance(entry, Mapping):
        return [f"{where}: expected a mapping with fit and/or meta_inference"]
    problems = []
    for key, value in entry.items():
        if key == "fit":
            if value not in FITS:
                problems.append(f"{where}.fit: '{value}' is not one of {', '.join(FITS)}")
            else:
                fits[component] = value
        elif key == "meta_inference":
            if not isinstance(value, str):
                problems.append(f"{where}.meta_inference: expected text")
            else:
                inferences[component] = " ".join(value.split())
        else:
            problems.append(f"{where}.{key}: unknown key (expected: fit, meta_inference)")
    return problems


def load_integration(path: str | Path) -> Integration:
    """Read and validate an integration YAML (every problem reported with its key path)."""
    from cipp.read.safe_yaml import load_yaml

    path = Path(path)
    document = load_yaml(
        path,
        error=InstrumentError,
        missing="integration file not found",
        unreadable="not a readable YAML file",
    )
    if not isinstance(document, Mapping):
        raise InstrumentError(f"{path}: expected a mapping with 'components'")
    problems = [
        f"{key}: unknown key (expected: components)" for key in document if key != "components"
    ]
    components = document.get("components") or {}
    if not isinstance(components, Mapping):
        problems.append("components: expected a mapping of component -> {fit, meta_inference}")
        components = {}
    fits: dict[str, str] = {}
    inferences: dict[str, str] = {}
    for component, entry in components.items():
        problems += _entry(component, entry, fits, inferences)
    if problems:
        raise InstrumentError(f"{path}: {len(problems)} problems: " + "; ".join(problems))
    return Integration(fits, inferences)
