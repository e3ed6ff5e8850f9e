"""The codebook: themes holding codes, each theme read through one CIPP component.

A codebook is a YAML file::

    title: Mentorship focus groups          # optional
    description: ...                        # optional
    themes:
      - id: difficult_access
        name: Difficult accessibility
        component: process                  # context | input | process | product
        also: [input]                       # optional further components
        valence: negative                   # positive | negative | mixed | neutral
        kind: finding                       # optional: finding (default) | recommendation
        description: ...                    # optional
        guid: ...                           # optional REFI-QDA guid (kept from a .qdc)
        codes:
          - id: mentor_unavailable
            name: Mentor hard to reach
            definition: ...                 # optional
            include: ...                    # optional inclusion criteria
            exclude: ...                    # optional exclusion criteria
            example: ...                    # optional
            valence: positive               # optional, overrides the theme's
            related: [other_code_id]        # optional references to other codes
            guid: ...                       # optional REFI-QDA guid

A theme of ``kind: recommendation`` holds what participants proposed to change:
``cipp report`` traces each to its evidence and does not count it for a fit.

Theme and code ids share one namespace. Loading checks everything and reports every
problem at once with its YAML path (``themes[2].codes[0].id: duplicate id 'access'``).
A theme without ``component`` or ``valence`` (as seeded from a REFI-QDA ``.qdc``) is
reported as "missing component" / "missing valence": :func:`validate_codebook` lists
them, and :func:`load_codebook` accepts them only with ``complete=False`` (agreement
needs no components; themes by CIPP component do).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from cipp.model.coding import FINDING, THEME_KINDS, VALENCES, Code, Codebook, Theme
from cipp.model.errors import InstrumentError
from cipp.model.instrument import COMPONENTS

_TOP_KEYS = ("title", "description", "themes")
_THEME_KEYS = (
    "id",
    "name",
    "component",
    "also",
    "valence",
    "kind",
    "description",
    "guid",
    "codes",
)
_CODE_KEYS = (
    "id",
    "name",
    "definition",
    "include",
    "exclude",
    "example",
    "valence",
    "related",
    "guid",
)
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class _Checker:
    """Collects problems with their YAML paths while building the dataclasses."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.missing: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def unknown_keys(self, path: str, mapping: Mapping[Any, Any], allowed: tuple[str, ...]) -> None:
        for key in mapping:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.add(where, f"unknown key '{key}' (allowed: {', '.join(allowed)})")

    def string(self, path: str, mapping: Mapping[Any, Any], key: str, *, required: bool) -> str:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(f"{path}.{key}", f"missing {key}")
            return ""
        if isinstance(value, (dict, list)):
            self.add(f"{path}.{key}", f"must be text, not a {type(value).__name__}")
            return ""
        return _text(value)

    def ident(self, path: str, mapping: Mapping[Any, Any]) -> str:
        value = self.string(path, mapping, "id", required=True)
        if value and not _ID_PATTERN.match(value):
            self.add(f"{path}.id", f"invalid id '{value}' (letters, digits, _ . - only)")
        return value

    def choice(
        self, path: str, value: Any, allowed: tuple[str, ...], what: str, missing: bool
    ) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if missing:
                self.missing.append(f"{path}: missing {what} (one of {', '.join(allowed)})")
            return None
        text = _text(value).lower()
        if text not in allowed:
            self.add(path, f"invalid {what} '{value}' (one of {', '.join(allowed)})")
            return None
        return text

    def string_list(self, path: str, value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(path, "must be a list")
            return []
        return [_text(item) for item in value if _text(item)]


def parse_codebook(data: Any, *, source: str = "") -> tuple[Codebook | None, list[str], list[str]]:
    """Build a Codebook from parsed YAML; return it with (problems, missing) lists.

    ``problems`` are errors with their YAML paths; ``missing`` are themes lacking a
    component or valence. The codebook is None if there is any problem.
    """
    check = _Checker()
    if not isinstance(data, dict):
        check.add("(top)", "a codebook is a mapping with a 'themes' list")
        return None, check.problems, check.missing
    check.unknown_keys("", data, _TOP_KEYS)
    raw_themes = data.get("themes")
    if not isinstance(raw_themes, list) or not raw_themes:
        check.add("themes", "missing or empty list of themes")
        raw_themes = []

    seen: dict[str, str] = {}  # id -> path where first defined
    references: list[tuple[str, str]] = []  # (path, code id referenced)
    themes: list[Theme] = []
    for t_index, raw_theme in enumerate(raw_themes):
        t_path = f"themes[{t_index}]"
        if not isinstance(raw_theme, dict):
            check.add(t_path, "a theme is a mapping (id, name, component, valence, codes)")
            continue
        check.unknown_keys(t_path, raw_theme, _THEME_KEYS)
        theme_id = check.ident(t_path, raw_theme)
        _register(check, seen, theme_id, f"{t_path}.id")
        name = check.string(t_path, raw_theme, "name", required=True)
        component = check.choice(
            f"{t_path}.component", raw_theme.get("component"), COMPONENTS, "component", True
        )
        valence = check.choice(
            f"{t_path}.valence", raw_theme.get("valence"), VALENCES, "valence", True
        )
        also: list[str] = []
        for a_index, item in enumerate(check.string_list(f"{t_path}.also", raw_theme.get("also"))):
            value = check.choice(f"{t_path}.also[{a_index}]", item, COMPONENTS, "component", False)
            if value is not None and value != component and value not in also:
                also.append(value)
        raw_codes = raw_theme.get("codes")
        codes: list[Code] = []
        if not isinstance(raw_codes, list) or not raw_codes:
            check.add(f"{t_path}.codes", f"theme '{theme_id}' has no codes")
            raw_codes = []
        for c_index, raw_code in enumerate(raw_codes):
            c_path = f"{t_path}.codes[{c_index}]"
            if not isinstance(raw_code, dict):
                check.add(c_path, "a code is a mapping (id, name, definition, ...)")
                continue
            codes.append(_code(check, seen, references, c_path, raw_code, theme_id))
        themes.append(
            Theme(
                id=theme_id,
                name=name,
                component=component,
                valence=valence,
                codes=tuple(codes),
                also=tuple(also),
                kind=check.choice(
                    f"{t_path}.kind", raw_theme.get("kind"), THEME_KINDS, "kind", False
                )
                or FINDING,
                description=check.string(t_path, raw_theme, "description", required=False),
                guid=check.string(t_path, raw_theme, "guid", required=False) or None,
            )
        )
    code_ids = {code.id for theme in themes for code in theme.codes}
    for path, target in references:
        if target not in code_ids:
            kind = "a theme, not a code" if target in seen else "no such code"
            check.add(path, f"dangling reference '{target}' ({kind})")
    if check.problems:
        return None, check.problems, check.missing
    codebook = Codebook(
        themes=tuple(themes),
        title=_text(data.get("title")),
        description=_text(data.get("description")),
        source=source,
    )
    return codebook, check.problems, check.missing


def _code(
    check: _Checker,
    seen: dict[str, str],
    references: list[tuple[str, str]],
    c_path: str,
    raw_code: Mapping[Any, Any],
    theme_id: str,
) -> Code:
    """One code of a theme; its references to other codes are added to ``references``."""
    check.unknown_keys(c_path, raw_code, _CODE_KEYS)
    code_id = check.ident(c_path, raw_code)
    _register(check, seen, code_id, f"{c_path}.id")
    related = check.string_list(f"{c_path}.related", raw_code.get("related"))
    for r_index, target in enumerate(related):
        references.append((f"{c_path}.related[{r_index}]", target))
    return Code(
        id=code_id,
        name=check.string(c_path, raw_code, "name", required=True),
        theme=theme_id,
        definition=check.string(c_path, raw_code, "definition", required=False),
        include=check.string(c_path, raw_code, "include", required=False),
        exclude=check.string(c_path, raw_code, "exclude", required=False),
        example=check.string(c_path, raw_code, "example", required=False),
        valence=check.choice(
            f"{c_path}.valence", raw_code.get("valence"), VALENCES, "valence", False
        ),
        related=tuple(related),
        guid=check.string(c_path, raw_code, "guid", required=False) or None,
    )


def _register(check: _Checker, seen: dict[str, str], ident: str, path: str) -> None:
    if not ident:
        return
    if ident in seen:
        check.add(path, f"duplicate id '{ident}' (first defined at {seen[ident]})")
    else:
        seen[ident] = path


def _read_yaml(path: Path) -> Any:
    from cipp.read.safe_yaml import load_yaml

    return load_yaml(
        path,
        error=InstrumentError,
        missing="codebook not found",
        unreadable="cannot read the codebook",
    )


def validate_codebook(path: str | Path) -> list[str]:
    """Every problem of a codebook file, each as ``FILE: yaml.path: message``.

    Lists errors (unknown keys, duplicate ids, dangling references, bad component,
    valence or kind) and themes still missing a component or valence. An empty list means the
    codebook is complete. A file that cannot be read or parsed gives one line.
    """
    try:
        data = _read_yaml(Path(path))
    except InstrumentError as error:
        return [str(error)]
    _codebook, problems, missing = parse_codebook(data, source=str(path))
    return [f"{path}: {line}" for line in (*problems, *missing)]


def load_codebook(path: str | Path, *, complete: bool = True) -> Codebook:
    """Read and validate a codebook YAML file (cipp.read.safe_yaml).

    Raises InstrumentError naming the file and every problem with its YAML path. With
    ``complete=True`` (the default) a theme missing its component or valence is an
    error too; ``complete=False`` accepts them (enough for inter-coder agreement).
    """
    data = _read_yaml(Path(path))
    codebook, problems, missing = parse_codebook(data, source=str(path))
    if complete:
        problems = [*problems, *missing]
    if problems or codebook is None:
        count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
        raise InstrumentError(f"{path}: {count}: " + "; ".join(problems))
    return codebook


def codebook_to_data(codebook: Codebook) -> dict[str, Any]:
    """The codebook as plain YAML-ready data (what :func:`parse_codebook` reads back)."""
    data: dict[str, Any] = {}
    if codebook.title:
        data["title"] = codebook.title
    if codebook.description:
        data["description"] = codebook.description
    themes = []
    for theme in codebook.themes:
        entry: dict[str, Any] = {"id": theme.id, "name": theme.name}
        entry["component"] = theme.component
        if theme.also:
            entry["also"] = list(theme.also)
        entry["valence"] = theme.valence
        if theme.kind != FINDING:
            entry["kind"] = theme.kind
        if theme.description:
            entry["description"] = theme.description
        if theme.guid:
            entry["guid"] = theme.guid
        codes = []
        for code in theme.codes:
            item: dict[str, Any] = {"id": code.id, "name": code.name}
            for key in ("definition", "include", "exclude", "example", "valence"):
                value = getattr(code, key)
                if value:
                    item[key] = value
            if code.related:
                item["related"] = list(code.related)
            if code.guid:
                item["guid"] = code.guid
            codes.append(item)
        entry["codes"] = codes
        themes.append(entry)
    data["themes"] = themes
    return data


def codebook_to_yaml(codebook: Codebook, *, header: str = "") -> str:
    """The codebook as YAML text; ``header`` lines are written first as comments."""
    body = yaml.safe_dump(codebook_to_data(codebook), sort_keys=False, allow_unicode=True, width=88)
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    return ("\n".join(lines) + "\n" if lines else "") + body


def iter_codes(codebook: Codebook) -> Iterator[tuple[Theme, Code]]:
    """Every (theme, code) pair in codebook order."""
    for theme in codebook.themes:
        for code in theme.codes:
            yield theme, code
