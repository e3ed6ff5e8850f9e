"""Response exports as they come: recognise the platform, hand the loader raw text cells.

:func:`read_export` returns the same :class:`~cipp.model.table.RawTable` that
:func:`cipp.read.tables.read_table` returns for a plain file, so
:func:`cipp.read.responses.load_responses` maps labels, codes, aliases and missing values the
same way for every platform. Cells stay text: an answer "N/A" is missing only if the
instrument's scale says so.

Multi-select questions arrive in three shapes, all turned into one ``0``/``1`` column
per option (the binary items ``<question>__<option>`` that the importers write):

- split columns that are already 0/1 (REDCap ``q___1``, Kobo ``q/a``): renamed;
- split columns holding 1 (or the option's label) or blank (Qualtrics): with an
  instrument, a blank next to a checked option of the same question becomes 0;
- one joined column (Google ``"A, B"``, Microsoft ``"A;B;"``, Kobo/ODK ``"a b"``,
  Qualtrics ``"1,3"``): with an instrument, each answer is split on the instrument's
  option codes and labels (longest first, so labels holding ", " survive), without
  one only Microsoft's unambiguous ``;`` form is split. A blank answer stays blank
  (missing), an answer with an unknown part is kept as is, so the loader reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import Any

from cipp.model.errors import DataError, InstrumentError, listed, shown
from cipp.model.instrument import Instrument, Item, fold_typography, normalize_header
from cipp.model.table import RawTable
from cipp.platforms import tables
from cipp.platforms.draft import split_option_text
from cipp.platforms.registry import (
    ReadRequest,
    complete_only_refused,
    detect,
    find,
    metadata_headers,
)
from cipp.read.responses import match_columns, missing_columns_message, path_keys

_UNCHECKED = frozenset({"0", "unchecked", "not selected", "false", "no"})
_SEPARATORS = " ,;\t\n"
_FOLD = re.compile(r"\s+")


def read_export(
    path: str | Path,
    *,
    source: str = "auto",
    sheet: str | None = None,
    complete_only: bool = False,
    instrument: Instrument | None = None,
) -> RawTable:
    """Read a response export as raw text cells, whichever platform wrote it.

    ``source`` is one of :data:`~cipp.platforms.registry.SOURCES`; ``auto`` recognises
    the platform by extension and headers, anything else forces it (and fails if the
    file does not look like it). A plain .xlsx/.csv comes back exactly as
    :func:`cipp.read.tables.read_table` returns it. ``complete_only`` keeps Qualtrics
    responses with ``Finished`` = 1 and REDCap records whose forms are Complete. With an
    ``instrument``, joined or partly blank multi-select answers are expanded to its
    option items (see the module docstring); pass it whenever it is known.
    """
    path = Path(path)
    forced = source != "auto"
    request = ReadRequest(
        sheet=sheet, complete_only=complete_only, instrument=instrument, forced=forced
    )
    platform = find(source) if forced else detect(path)
    table = platform.open(path, request)
    if not forced:
        platform = detect(path, table)
    if complete_only and not platform.marks_complete:
        raise complete_only_refused(path, platform.name)
    table = platform.read(table, request)
    if instrument is not None:
        table = expand_choices(table, instrument)
    return table


# --- multi-select expansion -------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    item: Item
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class _Group:
    question: str
    headers: tuple[str, ...]
    options: tuple[_Option, ...]


def _fold(text: str) -> str:
    return _FOLD.sub(" ", fold_typography(text)).strip().casefold()


def multi_select_groups(instrument: Instrument) -> list[_Group]:
    """The instrument's multi-select questions: binary items ``<question>__<option>``.

    The question is found by its id or its text (the part of the item text before
    `` [<option>]``); an option is spelled by its id suffix or its label.
    """
    groups: dict[str, tuple[set[str], list[_Option]]] = {}
    for item in instrument.items:
        if "__" not in item.id or instrument.kind_of(item) != "binary":
            continue
        question, option = item.id.rsplit("__", 1)
        spellings = [option]
        headers = {question}
        parts = split_option_text(item.text)
        if parts is not None:
            headers.add(parts[0])
            spellings.append(parts[1])
        for alias in item.aliases:
            alias_parts = split_option_text(alias)
            if alias_parts is not None:
                headers.add(alias_parts[0])
                spellings.append(alias_parts[1])
        entry = groups.setdefault(question, (set(), []))
        entry[0].update(headers)
        entry[1].append(_Option(item, tuple(dict.fromkeys(_fold(s) for s in spellings if s))))
    return [
        _Group(question, tuple(sorted(headers)), tuple(options))
        for question, (headers, options) in groups.items()
    ]


def _split_answer(value: str, group: _Group) -> set[str] | None:
    """Item ids of the options a joined answer names, or None if a part is unknown."""
    text = _fold(value)
    spellings = sorted(
        ((s, option.item.id) for option in group.options for s in option.spellings),
        key=lambda pair: -len(pair[0]),
    )
    chosen: set[str] = set()
    position = 0
    while position < len(text):
        if text[position] in _SEPARATORS:
            position += 1
            continue
        for spelling, item_id in spellings:
            end = position + len(spelling)
            if text.startswith(spelling, position) and (
                end == len(text) or text[end] in _SEPARATORS
            ):
                chosen.add(item_id)
                position = end
                break
        else:
            return None
    return chosen


def expand_choices(table: RawTable, instrument: Instrument) -> RawTable:
    """One 0/1 column per multi-select option the instrument declares (see module doc).

    Idempotent: options that already have their column are only completed (blank next
    to a checked option becomes 0; an option's label becomes 1).
    """
    items, _ = _safe_match(table, instrument)
    used = set(items.values())
    index: dict[str, int] = {}
    for position, header in enumerate(table.headers):
        index.setdefault(normalize_header(header), position)
    for position, header in enumerate(table.headers):
        for key in path_keys(header):  # a joined multi-select under its group path
            index.setdefault(key, position)
    completed: dict[int, list[str | None]] = {}
    replaced: dict[int, list[tuple[str, list[str | None]]]] = {}
    for group in multi_select_groups(instrument):
        found = {o.item.id: items[o.item.id] for o in group.options if o.item.id in items}
        if found:
            columns = {p: completed.get(p) or tables.texts(table, p) for p in found.values()}
            if _complete_split(columns, group, found):
                completed.update(columns)
            continue
        joined = next(
            (
                index[normalize_header(h)]
                for h in (group.question, *group.headers)
                if normalize_header(h) in index and index[normalize_header(h)] not in used
            ),
            None,
        )
        if joined is not None:
            replaced[joined] = _split_joined(tables.texts(table, joined), group)
    if not replaced and not completed:
        return table
    sheet_positions = tables.positions(table)
    out: list[tuple[str, Any, int]] = []
    for position, header in enumerate(table.headers):
        if position in replaced:
            out.extend((h, cells, sheet_positions[position]) for h, cells in replaced[position])
        elif position in completed:
            out.append((header, completed[position], sheet_positions[position]))
        else:
            out.append((header, table.cells[position], sheet_positions[position]))
    return tables.rebuilt(table, out)


def _safe_match(table: RawTable, instrument: Instrument) -> tuple[dict[str, int], dict[str, int]]:
    try:
        return match_columns(table, instrument)
    except (DataError, InstrumentError):
        # Duplicate or doubly matched headers: load_responses reports them properly.
        return {}, {}


def _is_checked(value: str | None) -> bool:
    return value is not None and _fold(value) not in _UNCHECKED


def _complete_split(
    columns: dict[int, list[str | None]], group: _Group, found: dict[str, int]
) -> bool:
    """Blank next to a checked option -> 0; an option's own label -> 1. True if changed."""
    spellings = {option.item.id: set(option.spellings) for option in group.options}
    changed = False
    length = len(next(iter(columns.values())))
    for row in range(length):
        values = {item_id: columns[p][row] for item_id, p in found.items()}
        if not any(_is_checked(v) for v in values.values()):
            continue
        for item_id, position in found.items():
            value = values[item_id]
            if value is None:
                columns[position][row] = "0"
                changed = True
            elif _fold(value) in spellings[item_id] and _fold(value) not in ("0", "1"):
                columns[position][row] = "1"
                changed = True
    return changed


def _split_joined(column: list[str | None], group: _Group) -> list[tuple[str, list[str | None]]]:
    parsed: dict[str, set[str] | None] = {}
    for value in set(column):
        if value is not None:
            parsed[value] = _split_answer(value, group)
    out = []
    for option in group.options:
        values: list[str | None] = []
        for value in column:
            if value is None:
                values.append(None)
            elif parsed[value] is None:
                values.append(value)
            else:
                values.append("1" if option.item.id in (parsed[value] or set()) else "0")
        out.append((option.item.id, values))
    return out


# --- unmatched columns ------------------------------------------------------------------


@cache
def _metadata() -> frozenset[str]:
    """Every platform's own columns (timestamps, ids, form status), normalized."""
    return frozenset(normalize_header(header) for header in metadata_headers())


#: Groups that hold a form's metadata in ODK and KoboToolbox exports (``meta/instanceID``,
#: ``meta-instanceID``, ``formhub/uuid``, ODK Central's ``__system``).
_METADATA_GROUPS = frozenset({"meta", "formhub", "__system"})


def is_metadata(header: str) -> bool:
    """Whether a header is a platform's own column (also under a group path, with any
    separator: ``meta.instanceID``, ``meta:instanceID``)."""
    key = normalize_header(header)
    if key in _metadata():
        return True
    keys = path_keys(header)
    first = re.split(r"[/.:\-]", header.strip())[0].casefold()
    return bool(keys) and (first in _METADATA_GROUPS or any(k in _metadata() for k in keys))


def unmatched_report(table: RawTable, instrument: Instrument) -> str:
    """Why an export does not fit an instrument: "" when every item has its column.

    Lists the items without a column (with the nearest headers) and the file's
    question columns no item claims (with the nearest item ids), one per line, the
    first ten of each, ignoring the platforms' own metadata columns (timestamps, ids,
    form status).
    """
    items, demographics = match_columns(table, instrument)
    absent = [item for item in instrument.items if item.id not in items]
    if not absent:
        return ""
    used = set(items.values()) | set(demographics.values())
    free = {normalize_header(name) for name in instrument.free_text}
    unmatched = [
        header
        for position, header in enumerate(table.headers)
        if position not in used
        and not is_metadata(header)
        and normalize_header(header) not in free
        and not header.startswith("(column ")
    ]
    ids = [item.id for item in instrument.items if item.id not in items]
    near: dict[str, str] = {}
    named: set[str] = set()
    for item in absent:
        close = get_close_matches(item.id, unmatched, n=2, cutoff=0.5) or get_close_matches(
            item.text, unmatched, n=2, cutoff=0.5
        )
        if close:
            near[item.id] = ", ".join(shown(h) for h in close)
            named.update(close)
    message = missing_columns_message(table, instrument, absent, near)
    others = []
    for header in unmatched:
        close = get_close_matches(header, ids, n=2, cutoff=0.5)
        if header not in named or len(absent) > 1:
            others.append(shown(header) + (f" (nearest item: {', '.join(close)})" if close else ""))
    if others:
        message += "\n  Columns no item claims:" + listed(others).replace("\n  - ", "\n    - ")
    elif not unmatched:
        message += "; no unmatched columns are left in the file"
    return message


def check_columns(table: RawTable, instrument: Instrument) -> None:
    """Raise a :class:`DataError` with :func:`unmatched_report` if an item has no column."""
    report = unmatched_report(table, instrument)
    if report:
        raise DataError(f"{table.where()}: {report}")
