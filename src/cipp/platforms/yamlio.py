"""Writing an instrument as the documented YAML, and finding items that still need a component.

:func:`instrument_to_yaml` emits the format :func:`cipp.read.instrument.load_instrument`
reads (the tests load every written file back and compare it field by field). The
output is deterministic (no dates, stable order), so re-importing a changed
questionnaire diffs cleanly. An item without a component is written as
``component: unassigned`` with a TODO comment (analysed, but shown apart from the CIPP
components), and :func:`missing_components` lists those items for ``cipp validate``. A
scale whose order a draft could not establish is written ``order: guessed`` with a
comment saying what to check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cipp.model.errors import InstrumentError
from cipp.model.instrument import (
    COMPONENTS,
    UNASSIGNED,
    Demographic,
    Instrument,
    Item,
    Level,
    Scale,
)

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ .()/'?!-]*")
# Characters YAML may not hold unescaped, or reads as line breaks (JSON escapes only
# those below U+0020).
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_TODO = f"  # TODO: choose {' | '.join(COMPONENTS)}"
_ORDER_TODO = (
    "  # TODO: check that the levels run from the lowest to the highest (fix the codes), "
    "then delete this line"
)


def _scalar(value: object) -> str:
    """A YAML scalar: plain when that reads back as the same string, else double-quoted.

    JSON string syntax is a subset of YAML's double-quoted style, so ``json.dumps``
    quotes safely (commas, colons, '#', leading digits, "yes"/"no" all survive).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text == text.strip() and "  " not in text:
        import yaml

        # Checked inside a flow list, the stricter context ("Oui ?" is fine in a block,
        # not in [..]).
        try:
            if yaml.safe_load(f"[{text}]") == [text]:
                return text
        except yaml.YAMLError:
            pass
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _flow_list(values: Iterable[object]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _level(level: Level, *, with_code: bool = True) -> str:
    parts = [f"code: {level.code}"] if with_code else []
    parts.append(f"label: {_scalar(level.label)}")
    if level.aliases:
        parts.append(f"aliases: {_flow_list(level.aliases)}")
    return "{" + ", ".join(parts) + "}"


def _scale_lines(scale: Scale) -> list[str]:
    lines = [
        f"  {scale.id}:",
        f"    label: {_scalar(scale.label)}",
        f"    kind: {scale.kind}",
        f"    positive: {scale.positive}",
        *([f"    order: {scale.order}{_ORDER_TODO}"] if scale.order else []),
        "    levels:",
        *(f"      - {_level(level)}" for level in scale.levels),
    ]
    if scale.missing:
        lines.append(f"    missing: {_flow_list(scale.missing)}")
    if scale.collapse:
        lines.append("    collapse:")
        lines.extend(
            f"      - {{label: {_scalar(g.label)}, codes: {_flow_list(g.codes)}}}"
            for g in scale.collapse
        )
    return lines


def _item_lines(item: Item) -> list[str]:
    lines = [
        f"  - id: {_scalar(item.id)}",
        f"    text: {_scalar(item.text)}",
        f"    scale: {_scalar(item.scale)}",
        f"    component: {item.component}"
        if item.component and item.component != UNASSIGNED
        else f"    component: {UNASSIGNED}{_TODO}",
    ]
    if item.subtheme:
        lines.append(f"    subtheme: {_scalar(item.subtheme)}")
    if item.aliases:
        lines.append(f"    aliases: {_flow_list(item.aliases)}")
    if item.source_id:
        lines.append(f"    source_id: {_scalar(item.source_id)}")
    return lines


def _demographic_lines(demographic: Demographic) -> list[str]:
    lines = [
        f"  - id: {_scalar(demographic.id)}",
        f"    label: {_scalar(demographic.label)}",
        f"    type: {demographic.kind}",
    ]
    if demographic.ordered:
        lines.append("    ordered: true")
    if demographic.test:
        lines.append("    test: true")
    if demographic.levels:
        lines.append("    levels:")
        lines.extend(f"      - {_level(level)}" for level in demographic.levels)
    if demographic.bins:
        lines.append("    bins:")
        for b in demographic.bins:
            parts = [f"label: {_scalar(b.label)}"]
            if b.min is not None:
                parts.append(f"min: {_scalar(b.min)}")
            if b.max is not None:
                parts.append(f"max: {_scalar(b.max)}")
            lines.append("      - {" + ", ".join(parts) + "}")
    if demographic.missing:
        lines.append(f"    missing: {_flow_list(demographic.missing)}")
    if demographic.aliases:
        lines.append(f"    aliases: {_flow_list(demographic.aliases)}")
    return lines


def instrument_to_yaml(instrument: Instrument, *, header: Sequence[str] = ()) -> str:
    """The instrument as YAML text in the documented format, ``header`` lines as comments."""
    lines = [f"# {line}".rstrip() for text in header for line in text.splitlines() or [""]]
    if lines:
        lines.append("")
    lines += [f"id: {_scalar(instrument.id)}", f"title: {_scalar(instrument.title)}"]
    if instrument.description:
        lines.append(f"description: {_scalar(instrument.description)}")
    if instrument.source:
        lines.append("source:")
        lines.extend(f"  {key}: {_scalar(value)}" for key, value in instrument.source.items())
    lines += ["", "scales:"]
    for scale in instrument.scales:
        lines.extend(_scale_lines(scale))
    lines += ["", "items:"]
    for item in instrument.items:
        lines.extend(_item_lines(item))
    if instrument.demographics:
        lines += ["", "demographics:"]
        for demographic in instrument.demographics:
            lines.extend(_demographic_lines(demographic))
    if instrument.free_text:
        lines += [
            "",
            "# Free-text questions, for the focus-group (qualitative) strand.",
            "free_text:",
        ]
        lines.extend(f"  - {_scalar(name)}" for name in instrument.free_text)
    return "\n".join(lines) + "\n"


def missing_components(path: str | Path) -> list[str]:
    """Ids of the items of an instrument YAML whose ``component`` is missing, empty or
    ``unassigned``.

    Reads the YAML without validating it (an empty component is exactly what makes
    :func:`cipp.read.instrument.load_instrument` refuse the file), so ``cipp validate`` can
    say which items still need one. Items without an id are listed as ``items[N]``.
    """
    from cipp.read.safe_yaml import load_yaml

    path = Path(path)
    document: Any = load_yaml(
        path,
        error=InstrumentError,
        missing="instrument file not found",
        unreadable="cannot read instrument",
    )
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        return []
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        component = item.get("component")
        if component is None or str(component).strip().lower() in ("", UNASSIGNED):
            out.append(str(item.get("id") or f"items[{index}]"))
    return out
