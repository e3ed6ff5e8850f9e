"""The researcher's integration YAML: a fit and a meta-inference per CIPP component, and
recommendations added or reworded.

components:
  product:
    fit: discordance
    meta_inference: Surveys looked satisfied; the focus groups were not.
recommendations:
  - id: mentor_training                 # a theme's id rewords the recommendation cipp
    text: Train mentors every year.     # proposed from that theme
    component: input                    # optional: else its first theme's component
    themes: [mentee_rec_training, mentor_rec_training]   # optional
    items: [wants_more_training]        # optional: else the component's least positive

The file is checked on its own when it is read (:func:`load_integration`), and its themes
and items against the codebook and the surveys once they are known
(:func:`check_recommendations`); every problem is reported with its key path.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from cipp.model.errors import InstrumentError
from cipp.model.instrument import COMPONENTS
from cipp.model.joint import FITS, Integration, WrittenRecommendation

_TOP_KEYS = ("components", "recommendations")
_RECOMMENDATION_KEYS = ("id", "text", "component", "themes", "items")


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


def _text(value: Any) -> str:
    """A scalar as one line of text ("" for anything else)."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return " ".join(str(value).split())
    return ""


def _names(where: str, value: Any, problems: list[str]) -> tuple[str, ...]:
    """A list of ids (one id alone is a list of one)."""
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        problems.append(f"{where}: expected a list of ids")
        return ()
    names = []
    for index, item in enumerate(values):
        name = _text(item)
        if name:
            names.append(name)
        else:
            problems.append(f"{where}[{index}]: expected an id, not {item!r}")
    return tuple(names)


def _recommendation(
    index: int, entry: Any, seen: set[str], problems: list[str]
) -> WrittenRecommendation | None:
    """One entry of ``recommendations``, its problems added to ``problems``."""
    where = f"recommendations[{index}]"
    if not isinstance(entry, Mapping):
        problems.append(f"{where}: expected a mapping with {', '.join(_RECOMMENDATION_KEYS)}")
        return None
    before = len(problems)
    for key in entry:
        if key not in _RECOMMENDATION_KEYS:
            problems.append(
                f"{where}.{key}: unknown key (expected: {', '.join(_RECOMMENDATION_KEYS)})"
            )
    ident, text = _text(entry.get("id")), _text(entry.get("text"))
    if not ident:
        problems.append(f"{where}.id: missing id")
    elif ident in seen:
        problems.append(f"{where}.id: duplicate id '{ident}'")
    seen.add(ident)
    if not text:
        problems.append(f"{where}.text: missing text")
    component = entry.get("component")
    if component is not None and component not in COMPONENTS:
        problems.append(f"{where}.component: '{component}' is not one of {', '.join(COMPONENTS)}")
    themes = _names(f"{where}.themes", entry.get("themes"), problems)
    items = _names(f"{where}.items", entry.get("items"), problems)
    if len(problems) > before:
        return None
    return WrittenRecommendation(ident, text, component, themes, items, where)


def _recommendations(value: Any, problems: list[str]) -> tuple[WrittenRecommendation, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append("recommendations: expected a list of {id, text, component, themes, items}")
        return ()
    seen: set[str] = set()
    found = (_recommendation(index, entry, seen, problems) for index, entry in enumerate(value))
    return tuple(entry for entry in list(found) if entry is not None)


def _fail(path: str | Path, problems: list[str]) -> InstrumentError:
    count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
    return InstrumentError(f"{path}: {count}: " + "; ".join(problems))


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
        raise InstrumentError(f"{path}: expected a mapping with 'components' or 'recommendations'")
    problems = [
        f"{key}: unknown key (expected: {', '.join(_TOP_KEYS)})"
        for key in document
        if key not in _TOP_KEYS
    ]
    components = document.get("components") or {}
    if not isinstance(components, Mapping):
        problems.append("components: expected a mapping of component -> {fit, meta_inference}")
        components = {}
    fits: dict[str, str] = {}
    inferences: dict[str, str] = {}
    for component, entry in components.items():
        problems += _entry(component, entry, fits, inferences)
    recommendations = _recommendations(document.get("recommendations"), problems)
    if problems:
        raise _fail(path, problems)
    return Integration(fits, inferences, recommendations, str(path))


def check_recommendations(
    integration: Integration, themes: Mapping[str, str | None], items: Collection[str]
) -> None:
    """Check the recommendations' themes and items against what the evaluation holds.

    ``themes``: the codebook's theme ids, each with its component; ``items``: every item
    id of the surveys' instruments. Raises InstrumentError naming the integration file
    and each unknown theme or item, or recommendation left without a component, by its
    key path.
    """
    problems = []
    for entry in integration.recommendations:
        for index, theme in enumerate(entry.themes):
            if theme not in themes:
                problems.append(f"{entry.where}.themes[{index}]: unknown theme '{theme}'")
        for index, item in enumerate(entry.items):
            if item not in items:
                problems.append(
                    f"{entry.where}.items[{index}]: unknown item '{item}' (in no survey's "
                    "instrument)"
                )
        if entry.component is None and not entry.themes and themes.get(entry.id) is None:
            problems.append(
                f"{entry.where}.component: missing component (no theme to take it from)"
            )
    if problems:
        raise _fail(integration.source or "integration file", problems)
