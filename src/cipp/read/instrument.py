"""Instruments: which survey items exist, on which scales, under which CIPP component.

An instrument is declared in YAML (see ``instruments/*.yaml`` and the README's
"Instrument format" section) and loaded into frozen dataclasses. Loading validates the
whole file and reports every problem at once, each with its key path
(``items[3].scale: unknown scale 'likert7'``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from cipp.model.errors import CippError, InstrumentError, listed
from cipp.model.instrument import (
    COMPONENTS,
    DEMOGRAPHIC_KINDS,
    KINDS,
    ORDER_GUESSED,
    UNASSIGNED,
    Bin,
    CollapseGroup,
    Demographic,
    Instrument,
    Item,
    Level,
    Scale,
    normalize_text,
)

# --- loading and validation -------------------------------------------------------------


class _Problems:
    """Collects every validation problem with its key path, then raises them together,
    one per line (the first ten, then how many more)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.messages: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.messages.append(f"{path}: {message}" if path else message)

    def raise_if_any(self) -> None:
        if self.messages:
            count = len(self.messages)
            if count == 1:
                raise InstrumentError(f"{self.source}: 1 problem: {self.messages[0]}")
            raise InstrumentError(f"{self.source}: {count} problems:{listed(self.messages)}")


def _check_keys(
    node: Mapping[str, Any],
    path: str,
    allowed: Iterable[str],
    required: Iterable[str],
    p: _Problems,
) -> None:
    allowed_set = set(allowed)
    for key in node:
        if key not in allowed_set:
            where = f"{path}.{key}" if path else str(key)
            p.add(where, f"unknown key (expected one of: {', '.join(sorted(allowed_set))})")
    for key in required:
        if key not in node:
            p.add(path or "(top level)", f"missing required key '{key}'")


def _as_mapping(node: Any, path: str, p: _Problems) -> Mapping[str, Any] | None:
    if isinstance(node, Mapping):
        return node
    p.add(path, f"expected a mapping of keys, got {type(node).__name__}")
    return None


def _as_list(node: Any, path: str, p: _Problems) -> list[Any]:
    if node is None:
        return []
    if isinstance(node, list):
        return node
    p.add(path, f"expected a list, got {type(node).__name__}")
    return []


def _text(node: Mapping[str, Any], key: str, path: str, p: _Problems, default: str = "") -> str:
    value = node.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool):
        p.add(
            f"{path}.{key}",
            f"expected text, got {value}: put it in quotes (YAML reads "
            "unquoted Yes, No, On and Off as true or false)",
        )
        return default
    if not isinstance(value, str | int | float):
        p.add(f"{path}.{key}", f"expected text, got {type(value).__name__}")
        return default
    return str(value)


def _identifier(node: Mapping[str, Any], path: str, p: _Problems) -> str:
    value = _text(node, "id", path, p)
    if "id" in node and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]*", value):
        p.add(f"{path}.id", f"'{value}' is not a valid id (letters, digits, _ . -)")
    return value


def _strings(node: Mapping[str, Any], key: str, path: str, p: _Problems) -> tuple[str, ...]:
    values = _as_list(node.get(key), f"{path}.{key}", p)
    out = []
    for index, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            p.add(f"{path}.{key}[{index}]", f"expected text, got {type(value).__name__}")
        else:
            out.append(str(value))
    return tuple(out)


def _number(value: Any, path: str, p: _Problems) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        p.add(path, f"expected a number, got {value!r}")
        return None
    return float(value)


def _levels(nodes: Any, path: str, p: _Problems, *, codes_required: bool) -> tuple[Level, ...]:
    levels: list[Level] = []
    seen_codes: set[int] = set()
    #: Each spelling and the level (code, label) it names: two levels with one label
    #: (".5" twice) would make a cell of that label mean either.
    seen_spellings: dict[str, tuple[int, str]] = {}
    for index, raw in enumerate(_as_list(nodes, path, p)):
        where = f"{path}[{index}]"
        if isinstance(raw, str | int) and not codes_required and not isinstance(raw, bool):
            raw = {"label": str(raw)}
        node = _as_mapping(raw, where, p)
        if node is None:
            continue
        _check_keys(node, where, ("code", "label", "aliases"), ("label",), p)
        code_value = node.get("code", index + 1)
        if codes_required and "code" not in node:
            p.add(where, "missing required key 'code'")
        if isinstance(code_value, bool) or not isinstance(code_value, int):
            p.add(f"{where}.code", f"expected a whole number, got {code_value!r}")
            continue
        if code_value in seen_codes:
            p.add(f"{where}.code", f"duplicate code {code_value}")
        seen_codes.add(code_value)
        level = Level(
            code=code_value,
            label=_text(node, "label", where, p),
            aliases=_strings(node, "aliases", where, p),
        )
        for spelling in dict.fromkeys(level.spellings):
            key = normalize_text(spelling)
            if not key:
                continue  # an empty label is reported where it was read
            owner_code, owner = seen_spellings.setdefault(key, (level.code, level.label))
            if owner_code == level.code:
                continue
            if spelling == level.label and normalize_text(owner) == key:
                p.add(
                    where,
                    f"duplicate label '{spelling}': it already names level '{owner}' "
                    f"(code {owner_code}); give each level its own label",
                )
            else:
                p.add(where, f"'{spelling}' already names level '{owner}'")
        levels.append(level)
    return tuple(levels)


def _scale(scale_id: str, raw: Any, path: str, p: _Problems) -> Scale | None:
    node = _as_mapping(raw, path, p)
    if node is None:
        return None
    _check_keys(
        node,
        path,
        ("label", "kind", "levels", "positive", "missing", "collapse", "order"),
        ("levels",),
        p,
    )
    order = _text(node, "order", path, p) or None
    if order is not None and order != ORDER_GUESSED:
        p.add(
            f"{path}.order",
            f"'{order}' is not '{ORDER_GUESSED}' (the only value: delete the key once the "
            "levels are in order)",
        )
    levels = _levels(node.get("levels"), f"{path}.levels", p, codes_required=True)
    if len(levels) < 2:
        p.add(f"{path}.levels", "a scale needs at least two levels")
    kind = _text(node, "kind", path, p, default="binary" if len(levels) == 2 else "rating")
    if kind not in KINDS:
        p.add(f"{path}.kind", f"'{kind}' is not one of {', '.join(KINDS)}")
    positive = _text(node, "positive", path, p, default="high")
    if positive not in ("high", "low"):
        p.add(f"{path}.positive", f"'{positive}' must be 'high' or 'low' (the positive end)")
    missing = _strings(node, "missing", path, p)
    spellings = {normalize_text(s) for level in levels for s in level.spellings}
    for index, value in enumerate(missing):
        if normalize_text(value) in spellings:
            p.add(f"{path}.missing[{index}]", f"'{value}' is also a level of the scale")
    codes = {level.code for level in levels}
    groups: list[CollapseGroup] = []
    grouped: set[int] = set()
    for index, raw_group in enumerate(_as_list(node.get("collapse"), f"{path}.collapse", p)):
        where = f"{path}.collapse[{index}]"
        group = _as_mapping(raw_group, where, p)
        if group is None:
            continue
        _check_keys(group, where, ("label", "codes"), ("label", "codes"), p)
        group_codes = []
        for position, code in enumerate(_as_list(group.get("codes"), f"{where}.codes", p)):
            if isinstance(code, bool) or not isinstance(code, int) or code not in codes:
                p.add(f"{where}.codes[{position}]", f"{code!r} is not a code of this scale")
            elif code in grouped:
                p.add(f"{where}.codes[{position}]", f"code {code} is already in another group")
            else:
                grouped.add(code)
                group_codes.append(code)
        groups.append(
            CollapseGroup(label=_text(group, "label", where, p), codes=tuple(group_codes))
        )
    if groups and grouped != codes:
        left = ", ".join(str(c) for c in sorted(codes - grouped))
        p.add(f"{path}.collapse", f"codes {left} belong to no collapse group")
    return Scale(
        id=scale_id,
        label=_text(node, "label", path, p, default=scale_id),
        levels=levels,
        kind=kind,
        positive=positive,
        missing=missing,
        collapse=tuple(groups),
        order=order,
    )


def _item(raw: Any, path: str, scale_ids: set[str], p: _Problems) -> Item | None:
    node = _as_mapping(raw, path, p)
    if node is None:
        return None
    _check_keys(
        node,
        path,
        ("id", "text", "scale", "component", "subtheme", "aliases", "column", "source_id"),
        ("id", "text", "scale", "component"),
        p,
    )
    scale = _text(node, "scale", path, p)
    if "scale" in node and scale not in scale_ids:
        known = ", ".join(sorted(scale_ids)) or "none declared"
        p.add(f"{path}.scale", f"unknown scale '{scale}' (scales: {known})")
    component = _text(node, "component", path, p).strip().lower()
    if "component" in node and component not in (*COMPONENTS, UNASSIGNED):
        # Name the item too: an imported instrument has many, and the index alone is opaque.
        where = f"{path}.component" + (f" (item '{node['id']}')" if "id" in node else "")
        choices = f"{', '.join(COMPONENTS)} (or {UNASSIGNED} to analyse it apart)"
        if component:
            p.add(where, f"'{component}' is not one of {choices}")
        else:
            p.add(where, f"missing: choose one of {choices}")
    aliases = _strings(node, "aliases", path, p)
    if "column" in node:
        aliases = (_text(node, "column", path, p), *aliases)
    subtheme = node.get("subtheme")
    source_id = node.get("source_id")
    return Item(
        id=_identifier(node, path, p),
        text=_text(node, "text", path, p),
        scale=scale,
        component=component,
        subtheme=None if subtheme is None else _text(node, "subtheme", path, p),
        aliases=aliases,
        source_id=None if source_id is None else _text(node, "source_id", path, p),
    )


def _bins(nodes: Any, path: str, p: _Problems) -> tuple[Bin, ...]:
    bins: list[Bin] = []
    for index, raw in enumerate(_as_list(nodes, path, p)):
        where = f"{path}[{index}]"
        node = _as_mapping(raw, where, p)
        if node is None:
            continue
        _check_keys(node, where, ("label", "min", "max"), ("label",), p)
        low = _number(node.get("min"), f"{where}.min", p)
        high = _number(node.get("max"), f"{where}.max", p)
        if low is not None and high is not None and low > high:
            p.add(where, f"min {low:g} is above max {high:g}")
        bins.append(Bin(label=_text(node, "label", where, p), min=low, max=high))
    ordered = sorted(bins, key=lambda b: -float("inf") if b.min is None else b.min)
    for left, right in zip(ordered, ordered[1:], strict=False):
        if left.max is None or (right.min is not None and right.min <= left.max):
            p.add(path, f"bins '{left.label}' and '{right.label}' overlap")
    return tuple(bins)


def _demographic(raw: Any, path: str, p: _Problems) -> Demographic | None:
    node = _as_mapping(raw, path, p)
    if node is None:
        return None
    _check_keys(
        node,
        path,
        (
            "id",
            "label",
            "type",
            "levels",
            "ordered",
            "bins",
            "test",
            "missing",
            "aliases",
            "column",
        ),
        ("id", "type"),
        p,
    )
    kind = _text(node, "type", path, p)
    if kind not in DEMOGRAPHIC_KINDS:
        p.add(f"{path}.type", f"'{kind}' is not one of {', '.join(DEMOGRAPHIC_KINDS)}")
    levels = _levels(node.get("levels"), f"{path}.levels", p, codes_required=False)
    bins = _bins(node.get("bins"), f"{path}.bins", p)
    if kind == "categorical" and not levels:
        p.add(f"{path}.levels", "a categorical demographic needs its levels")
    if kind == "numeric" and levels:
        p.add(f"{path}.levels", "a numeric demographic takes bins, not levels")
    if kind == "categorical" and bins:
        p.add(f"{path}.bins", "a categorical demographic takes levels, not bins")
    for key in ("ordered", "test"):
        if key in node and not isinstance(node[key], bool):
            p.add(f"{path}.{key}", f"expected true or false, got {node[key]!r}")
    aliases = _strings(node, "aliases", path, p)
    if "column" in node:
        aliases = (_text(node, "column", path, p), *aliases)
    identifier = _identifier(node, path, p)
    return Demographic(
        id=identifier,
        label=_text(node, "label", path, p, default=identifier),
        kind=kind,
        levels=levels,
        ordered=bool(node.get("ordered", False)),
        bins=bins,
        test=bool(node.get("test", False)),
        missing=_strings(node, "missing", path, p),
        aliases=aliases,
    )


def _duplicates(ids: Iterable[str], path: str, p: _Problems) -> None:
    seen: set[str] = set()
    for index, identifier in enumerate(ids):
        if identifier in seen:
            p.add(f"{path}[{index}].id", f"duplicate id '{identifier}'")
        seen.add(identifier)


def instrument_from_dict(document: Any, *, source: str, path: str | None = None) -> Instrument:
    """Validate a parsed YAML document and build an :class:`Instrument`.

    Every problem is collected and raised together in one :class:`InstrumentError`.
    """
    p = _Problems(source)
    node = _as_mapping(document, "(top level)", p)
    if node is None:
        p.raise_if_any()
        raise AssertionError("unreachable")
    _check_keys(
        node,
        "",
        ("id", "title", "description", "scales", "items", "demographics", "free_text", "source"),
        ("id", "title", "scales", "items"),
        p,
    )
    scales_node = node.get("scales") or {}
    scales: list[Scale] = []
    if isinstance(scales_node, Mapping):
        for scale_id, raw in scales_node.items():
            scale = _scale(str(scale_id), raw, f"scales.{scale_id}", p)
            if scale is not None:
                scales.append(scale)
    else:
        p.add("scales", "expected a mapping of scale ids to scales")
    scale_ids = {scale.id for scale in scales}
    items = [
        item
        for index, raw in enumerate(_as_list(node.get("items"), "items", p))
        if (item := _item(raw, f"items[{index}]", scale_ids, p)) is not None
    ]
    if "items" in node and not items:
        p.add("items", "an instrument needs at least one item")
    demographics = [
        demographic
        for index, raw in enumerate(_as_list(node.get("demographics"), "demographics", p))
        if (demographic := _demographic(raw, f"demographics[{index}]", p)) is not None
    ]
    _duplicates((item.id for item in items), "items", p)
    _duplicates((d.id for d in demographics), "demographics", p)
    for index, demographic in enumerate(demographics):
        if demographic.id in {item.id for item in items}:
            p.add(f"demographics[{index}].id", f"'{demographic.id}' is also an item id")
    source_node = node.get("source") or {}
    if not isinstance(source_node, Mapping):
        p.add("source", "expected a mapping (platform, file, sha256)")
        source_node = {}
    p.raise_if_any()
    return Instrument(
        id=_identifier(node, "", p),
        title=_text(node, "title", "", p),
        description=_text(node, "description", "", p),
        scales=tuple(scales),
        items=tuple(items),
        demographics=tuple(demographics),
        free_text=_strings(node, "free_text", "", p),
        source={str(k): str(v) for k, v in source_node.items()},
        path=path,
    )


def load_instrument(path: str | Path) -> Instrument:
    """Load and validate an instrument YAML file (read by cipp.read.safe_yaml: duplicate
    keys and alias bombs refused)."""
    from cipp.read.safe_yaml import load_yaml

    path = Path(path)
    document = load_yaml(
        path,
        error=InstrumentError,
        missing="instrument file not found",
        unreadable="cannot read instrument",
    )
    return instrument_from_dict(document, source=str(path), path=str(path))


def looks_like_codebook(path: str | Path) -> bool:
    """True for a YAML file whose top level has ``themes`` (a focus-group codebook)."""
    from cipp.read.safe_yaml import load_yaml

    try:
        document = load_yaml(path)
    except CippError:
        return False
    return isinstance(document, Mapping) and "themes" in document and "items" not in document


def bundled_folder() -> Path:
    """The folder of instruments shipped with cipp.

    In a wheel they live inside the package (``cipp/instruments``); in a source checkout
    (editable install, tests) they are the repository's top-level ``instruments/``.
    """
    packaged = Path(str(resources.files("cipp"))) / "instruments"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "instruments"


def bundled_paths() -> dict[str, Path]:
    """Bundled instrument files by name (the file's stem)."""
    folder = bundled_folder()
    if not folder.is_dir():
        return {}
    paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    return {path.stem: path for path in paths}


def iter_bundled() -> Iterator[Instrument]:
    for path in bundled_paths().values():
        yield load_instrument(path)


def resolve_instrument(name_or_path: str | Path) -> Instrument:
    """Load an instrument named by a bundled instrument's stem or by a file path."""
    candidate = Path(name_or_path)
    bundled = bundled_paths()
    if str(name_or_path) in bundled and not candidate.suffix:
        return load_instrument(bundled[str(name_or_path)])
    if candidate.suffix.lower() in (".yaml", ".yml") or candidate.exists():
        return load_instrument(candidate)
    names = ", ".join(bundled) or "none"
    raise InstrumentError(
        f"{name_or_path}: no such instrument (bundled instruments: {names}; or give a YAML path)"
    )
