"""Reading a pseudonym file: each real name and its replacement in quotes.

YAML (a mapping ``name: replacement``, or a list of ``{name, replacement}``) or CSV/xlsx
with the columns ``name, replacement``. Every problem (an empty name or replacement, a
name listed twice ignoring case and spacing) is reported at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cipp.model.errors import DataError
from cipp.model.qualitative import Pseudonyms, name_key
from cipp.read.safe_yaml import load_yaml
from cipp.read.segments import read_table


def load_pseudonyms(path: str | Path) -> Pseudonyms:
    """Read a pseudonym file (YAML mapping/list, or CSV/xlsx ``name, replacement``)."""
    path = Path(path)
    problems: list[str] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        items = _yaml_items(path, problems)
    else:
        items = _table_items(path)
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for name, replacement, where in items:
        name, replacement = name.strip(), replacement.strip()
        if not name:
            problems.append(f"{where}: empty name")
            continue
        if not replacement:
            problems.append(f"{where}: no replacement for '{name}'")
            continue
        if name_key(name) in seen:
            problems.append(f"{where}: '{name}' is listed twice (also {seen[name_key(name)]})")
            continue
        seen[name_key(name)] = where
        pairs.append((name, replacement))
    if problems:
        raise DataError(f"{path}: " + "; ".join(problems))
    pairs.sort(key=lambda pair: -len(pair[0]))
    return Pseudonyms(pairs=tuple(pairs), source=str(path))


def _yaml_items(path: Path, problems: list[str]) -> list[tuple[str, str, str]]:
    """(name, replacement, where) of a YAML mapping or list; bad entries go to ``problems``."""
    data: Any = load_yaml(path, error=DataError, unreadable="cannot read the pseudonym file")
    if isinstance(data, dict):
        return [(str(k), "" if v is None else str(v), f"key '{k}'") for k, v in data.items()]
    if not isinstance(data, list):
        raise DataError(f"{path}: expected a mapping of name: replacement")
    items = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or "name" not in entry:
            problems.append(f"[{index}]: expected a mapping with name and replacement")
            continue
        replacement = entry.get("replacement")
        items.append(
            (str(entry["name"]), "" if replacement is None else str(replacement), f"[{index}]")
        )
    return items


def _table_items(path: Path) -> list[tuple[str, str, str]]:
    """(name, replacement, where) of a CSV or xlsx file with those two columns."""
    headers, records = read_table(path)
    normal = [header.strip().lower() for header in headers]
    if "name" not in normal or "replacement" not in normal:
        raise DataError(f"{path}: needs the columns name, replacement; found {', '.join(headers)}")
    name_at, replacement_at = normal.index("name"), normal.index("replacement")
    return [
        (
            cells[name_at] if name_at < len(cells) else "",
            cells[replacement_at] if replacement_at < len(cells) else "",
            f"row {number}",
        )
        for number, cells in records
    ]
