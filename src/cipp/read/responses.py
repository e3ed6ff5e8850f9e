"""Read survey exports (.xlsx, .csv) into validated responses.

Reading happens in two steps. :func:`read_table` turns a file into raw text cells with
their spreadsheet row numbers, knowing nothing about instruments. :func:`load_responses`
finds each item's and demographic's column, then maps every distinct cell value to a
level code once (not once per cell): by code, label or alias, ignoring case and spacing.
Blank cells and the scale's declared missing values become missing; anything else is an
error naming the file, sheet, row, column and value (or, when lenient, an invalid cell
that is reported and counted).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches
from typing import TYPE_CHECKING, Any

from cipp.model.errors import DataError, InstrumentError, listed, shown
from cipp.model.instrument import Demographic, Instrument, Item, normalize_header, normalize_text
from cipp.model.responses import InvalidCell, Responses, level_positions
from cipp.model.table import RawTable, answered_rows, arrow_ints, arrow_valid, column_name
from cipp.read.instrument import iter_bundled

if TYPE_CHECKING:
    import numpy as np


def _header_index(table: RawTable) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for position, header in enumerate(table.headers):
        index.setdefault(normalize_header(header), []).append(position)
    return index


def _find_column(
    table: RawTable, index: dict[str, list[int]], variable: str, headers: Iterable[str]
) -> int | None:
    for header in headers:
        positions = index.get(normalize_header(header), [])
        if len(positions) > 1:
            letters = ", ".join(table.column_label(p) for p in positions)
            raise DataError(
                f"{table.where()}: {shown(header)} ({variable}) heads more than one "
                f"column ({letters}); rename or remove the duplicates"
            )
        if positions:
            return positions[0]
    return None


#: How platforms join a question's group path and a multi-select's option to its name:
#: Kobo ``group/question``, ODK Central ``group-question``, ``group.question`` and
#: ``group:question`` in other exports and export settings.
_PATH_SEPARATOR = re.compile(r"[/.:\-]")
_PATH_SEGMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def path_keys(header: str) -> list[str]:
    """What a header with a group path may name, most specific first: the path without
    its leading groups (``grp.sub.q`` -> ``sub.q``, ``q``), and a split multi-select
    column as the option item ``<question>__<option>`` (``grp.q.choice`` ->
    ``q__choice``). Empty for a header that is no path of names."""
    text = header.strip()
    segments = _PATH_SEPARATOR.split(text)
    if len(segments) < 2 or not all(_PATH_SEGMENT.match(s) for s in segments):
        return []
    starts = [m.end() for m in _PATH_SEPARATOR.finditer(text)]
    keys = [normalize_header(text[start:]) for start in starts]
    keys.append(normalize_header(f"{segments[-2]}__{segments[-1]}"))
    return list(dict.fromkeys(keys))


def _same_path(text: str) -> str:
    """A path with every separator written '/', to compare ``grp.q`` with ``grp/q``."""
    return _PATH_SEPARATOR.sub("/", normalize_header(text))


def _path_index(table: RawTable, free: set[int]) -> dict[str, list[int]]:
    """The keys the free columns' group paths may stand for (see :func:`path_keys`)."""
    index: dict[str, list[int]] = {}
    for position in sorted(free):
        header = table.headers[position]
        keys = path_keys(header)
        if keys:
            keys.append(_same_path(header))
        for key in dict.fromkeys(keys):
            index.setdefault(key, []).append(position)
    return index


def _by_path(
    table: RawTable,
    variables: list[tuple[str, tuple[str, ...], dict[str, int], str | None]],
    taken: dict[int, str],
) -> None:
    """Match what found no column by its exact header to a header with a group path:
    ``grp.q`` to item ``q``, ``grp/q/choice`` to ``q__choice``, ``grp-q`` to the item
    whose source id is ``grp/q``. A key two columns share matches neither."""
    missing = [v for v in variables if v[0] not in v[2]]
    if not missing:
        return
    index = _path_index(table, set(range(len(table.headers))) - set(taken))
    if not index:
        return
    for variable, headers, found, source_id in missing:
        keys = [normalize_header(h) for h in headers]
        if source_id:
            keys.append(_same_path(source_id))
        for key in keys:
            positions = [p for p in index.get(key, []) if p not in taken]
            if len(positions) == 1:
                taken[positions[0]] = variable
                found[variable] = positions[0]
                break


def match_columns(table: RawTable, instrument: Instrument) -> tuple[dict[str, int], dict[str, int]]:
    """Find each item's and demographic's column: by id, by text or label, or by alias;
    then, for those still without one, by a header that adds the platform's group path
    (see :func:`path_keys`)."""
    index = _header_index(table)
    items: dict[str, int] = {}
    demographics: dict[str, int] = {}
    taken: dict[int, str] = {}
    variables = [
        *((item.id, item.headers(), items, item.source_id) for item in instrument.items),
        *((d.id, d.headers(), demographics, None) for d in instrument.demographics),
    ]
    for variable, headers, found, _ in variables:
        position = _find_column(table, index, variable, headers)
        if position is None:
            continue
        if position in taken:
            raise InstrumentError(
                f"{table.where(column=position)}: the column matches both "
                f"'{taken[position]}' and '{variable}' in instrument '{instrument.id}'"
            )
        taken[position] = variable
        found[variable] = position
    _by_path(table, variables, taken)
    return items, demographics


def _plain(text: str) -> bool:
    return text.isascii() and text.isprintable()


def _points(text: str) -> str:
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in text) or "nothing"


def code_point_hint(value: str, spellings: Iterable[str]) -> str:
    """When ``value`` looks like one of ``spellings`` but for characters that typographic
    folding leaves apart (a Cyrillic 'е' for a Latin 'e', a division slash for '/'),
    the characters that differ, by code point: ``" (it differs from 'agree' in U+0435
    CYRILLIC SMALL LETTER IE where that has U+0065 LATIN SMALL LETTER E)"``; else ""."""
    spellings = [str(s) for s in spellings]
    if _plain(value) and all(_plain(s) for s in spellings):
        return ""
    key = normalize_text(value)
    by_key = {normalize_text(s): s for s in spellings}
    close = get_close_matches(key, list(by_key), n=1, cutoff=0.6)
    if not close:
        return ""
    target = close[0]
    parts: list[tuple[str, str]] = []
    if len(key) == len(target):
        parts = [(a, b) for a, b in zip(key, target, strict=True) if a != b]
    else:
        matcher = SequenceMatcher(None, key, target, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                parts.append((key[i1:i2], target[j1:j2]))
    odd = [c for ours, theirs in parts for c in ours + theirs]
    if not parts or all(c.isascii() and c.isprintable() for c in odd):
        return ""
    differences = "; ".join(
        f"{_points(ours)} where that has {_points(theirs)}" for ours, theirs in parts[:3]
    )
    return f" (it differs from {shown(by_key[target])} in {differences})"


def _absent(table: RawTable, absent: list[Item], near: Mapping[str, str]) -> list[str]:
    """Each item without a column, with the header it resembles but for code points (or
    the nearest header, from ``near``)."""
    out = []
    for item in absent:
        hint = ""
        for header in table.headers:
            hint = code_point_hint(header, item.headers())
            if hint:
                hint = f"; the column {shown(header)} looks like it{hint}"
                break
        if not hint and item.id in near:
            hint = f"; nearest column: {near[item.id]}"
        out.append(f"{item.id} ({shown(item.text)}{hint})")
    return out


def missing_columns_message(
    table: RawTable,
    instrument: Instrument,
    absent: list[Item],
    near: Mapping[str, str] | None = None,
) -> str:
    """Which items have no column, one per line (the first ten, then how many more);
    the caller puts the file before it. ``near``: the headers each item resembles."""
    return (
        f"{len(absent)} of {len(instrument.items)} items of instrument "
        f"'{instrument.id}' have no column; give each a column headed by the item id or "
        f"its question text:{listed(_absent(table, absent, near or {}))}"
    )


@dataclass(frozen=True)
class InstrumentChoice:
    """Which bundled instrument was picked for a file, and why."""

    instrument: Instrument
    matched: int
    total: int


#: How far down a sheet the header row is looked for (title lines above it are common).
HEADER_SEARCH_ROWS = 10


def header_lower_down(table: RawTable, instruments: Iterable[Instrument]) -> RawTable:
    """The table re-read with its header further down, when that row names more items.

    Hand-made sheets often put a title or a note above the header row ("Mentor survey
    2024", a blank line, then the questions). The first non-blank row is tried first;
    a later row among the next few wins only if more items of any of ``instruments``
    match it, so a sheet whose header is already right is returned unchanged.
    """
    instruments = list(instruments)

    def matched(candidate: RawTable) -> int:
        best = 0
        for instrument in instruments:
            try:
                items, _ = match_columns(candidate, instrument)
            except (DataError, InstrumentError):
                continue
            best = max(best, len(items))
        return best

    best_table, best_count = table, matched(table)
    if instruments and best_count == max(len(i.items) for i in instruments):
        return table
    for offset in range(min(HEADER_SEARCH_ROWS, table.n_rows - 1)):
        candidate = _header_at(table, offset)
        count = matched(candidate)
        if count > best_count:
            best_table, best_count = candidate, count
    return best_table


def _header_at(table: RawTable, offset: int) -> RawTable:
    """The table with its data row ``offset`` as the header (rows above it dropped)."""
    header = [column[offset].as_py() for column in table.cells]
    spreadsheet = table.sheet is not None
    positions = table.positions or tuple(range(len(table.headers)))
    headers = tuple(
        str(text).strip()
        if text is not None and str(text).strip()
        else f"(column {column_name(positions[j], spreadsheet=spreadsheet)})"
        for j, text in enumerate(header)
    )
    return RawTable(
        path=table.path,
        sheet=table.sheet,
        headers=headers,
        header_row=int(table.rows[offset]),
        rows=table.rows[offset + 1 :],
        cells=[column.slice(offset + 1) for column in table.cells],
        positions=table.positions,
    )


def detect_instrument(
    table: RawTable, candidates: Iterable[Instrument] | None = None
) -> InstrumentChoice:
    """Pick the bundled instrument whose items all match the file's columns.

    With several complete matches, the one with more items wins (a file with 11 mentor
    columns is not the 3-item subset of another instrument).
    """
    scored = []
    for instrument in candidates if candidates is not None else iter_bundled():
        try:
            items, _ = match_columns(table, instrument)
        except (DataError, InstrumentError):
            items = {}
        scored.append((len(items), instrument))
    complete = [(n, i) for n, i in scored if n == len(i.items)]
    if complete:
        n, best = max(complete, key=lambda pair: pair[0])
        return InstrumentChoice(best, n, len(best.items))
    if not scored:
        raise InstrumentError("no bundled instruments found; give `instrument` (a YAML path)")
    n, closest = max(scored, key=lambda pair: pair[0] / len(pair[1].items))
    items, _ = ({}, None) if n == 0 else match_columns(table, closest)
    expected = [f"{i.id} ({shown(i.text)})" for i in closest.items if i.id not in items]
    raise InstrumentError(
        f"{table.where()}: no bundled instrument matches the file's columns; draft one "
        f"from this file with 'cipp instrument scaffold {table.path}' and give it as "
        f"`instrument` (the closest bundled one, '{closest.id}', found {n} of "
        f"{len(closest.items)} items and expected columns headed by id or question text "
        f"for:{listed(expected).replace(chr(10) + '  - ', chr(10) + '    ')})"
    )


@dataclass(frozen=True, eq=False)
class _Mapped:
    """A column mapped to numbers: ``values[indices[i]]`` is row i's (NaN when missing).

    ``indices`` is the mapper's shared buffer: use it before mapping the next column.
    """

    values: np.ndarray
    indices: np.ndarray
    declared: int

    def floats(self) -> np.ndarray:
        return self.values[self.indices]


def _distinct_and_indices(
    column: Any, out: np.ndarray | None = None
) -> tuple[list[str | None], np.ndarray]:
    """A column's distinct texts (None, the blank, first) and each row's index into them
    (written into ``out`` when given: an int32 array as long as the column).

    Dictionary-encoded chunks (as the CSV reader returns them) each bring their own small
    dictionary; every chunk's indices are translated into one shared numbering with a
    single numpy gather, straight into the output.
    """
    import numpy as np
    import pyarrow as pa

    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    number: dict[str | None, int] = {None: 0}
    indices = np.empty(len(column), dtype="int32") if out is None else out
    start = 0
    for chunk in chunks:
        if not len(chunk):
            continue
        encoded = chunk if pa.types.is_dictionary(chunk.type) else chunk.dictionary_encode()
        texts = encoded.dictionary.to_pylist()
        shared = np.array(
            [number.setdefault(text, len(number)) for text in texts] + [0], dtype="int32"
        )
        part = indices[start : start + len(chunk)]
        # A null's slot may hold any number: clipped here, then made the blank's 0.
        np.take(shared, arrow_ints(encoded.indices), out=part, mode="clip")
        if encoded.null_count:
            part[~arrow_valid(encoded.indices)] = 0
        start += len(chunk)
    return list(number), indices


def distinct_counts(column: Any) -> list[tuple[str, int]]:
    """A column's distinct texts (blank cells left out) and how many cells hold each, in
    order of first appearance within the reader's chunks: the few distinct answers of a
    column of a million cells, without turning the cells into Python strings."""
    import numpy as np

    distinct, indices = _distinct_and_indices(column)
    counts = np.bincount(indices, minlength=len(distinct))
    # A sliced column's dictionary may hold texts of the rows cut off (the header): n = 0.
    return [(t, int(n)) for t, n in zip(distinct, counts, strict=True) if t is not None and n]


class _Mapper:
    """Maps a column's distinct values to numbers, once per value, collecting invalid cells.

    Arrow's dictionary encoding gives each distinct text an index; the few distinct
    texts are looked up in Python, and the result is spread over the rows with numpy.
    """

    def __init__(self, table: RawTable, lenient: bool, invalid: list[InvalidCell]) -> None:
        self.table = table
        self.lenient = lenient
        self.invalid = invalid
        #: Per variable with declared missing values (N/A), on each row the number of the
        #: one it holds (in the order of ``declared_labels``), -1 on the others.
        self.declared_rows: dict[str, np.ndarray] = {}
        #: Per variable, how many answers gave each declared missing value, by its
        #: spelling in the file (the most common one where several fold together).
        self.declared_labels: dict[str, dict[str, int]] = {}
        # One buffer for every column's row indices: a column's mapping is used up
        # before the next column is mapped, and fresh memory for each (4 bytes a row)
        # costs more in page faults than the mapping itself.
        self._indices: np.ndarray | None = None

    def map_column(
        self,
        position: int,
        variable: str,
        lookup: Mapping[str, float],
        missing: frozenset[str],
        allowed: str,
        parse: Callable[[str], float | None] | None = None,
    ) -> _Mapped:
        """Map each distinct value once; the rows refer to them by index."""
        import numpy as np

        if self._indices is None:
            self._indices = np.empty(self.table.n_rows, dtype="int32")
        distinct, indices = _distinct_and_indices(self.table.cells[position], self._indices)
        values = np.full(len(distinct), np.nan)
        declared: list[int] = []
        bad: list[int] = []
        for index, text in enumerate(distinct):
            if text is None:
                continue
            key = normalize_text(text)
            if key in lookup:
                values[index] = lookup[key]
            elif not key:
                continue  # a cell of spaces is blank
            elif key in missing:
                declared.append(index)
            elif parse is not None and (number := parse(text)) is not None:
                values[index] = number
            else:
                bad.append(index)
        n_declared = 0
        if declared:
            labels, number_of = _declared_labels(distinct, indices, declared)
            which = np.full(len(distinct), -1, dtype=np.int16)
            for index, number in number_of.items():
                which[index] = number
            self.declared_rows[variable] = which[indices]
            n_declared = int(np.count_nonzero(self.declared_rows[variable] >= 0))
            self.declared_labels[variable] = labels
        if bad:
            hints = {index: code_point_hint(str(distinct[index]), lookup) for index in bad}
            for row in np.flatnonzero(np.isin(indices, bad)):
                self.report(
                    int(self.table.rows[row]),
                    position,
                    variable,
                    str(distinct[indices[row]]),
                    allowed,
                    hints[int(indices[row])],
                )
        return _Mapped(values, indices, n_declared)

    def report(
        self, row: int, position: int, variable: str, value: str, allowed: str, hint: str = ""
    ) -> None:
        """Stop at an invalid cell, or (lenient) record it."""
        table = self.table
        if not self.lenient:
            raise DataError(
                f"{table.where(row, position)}: {shown(value)} is not an allowed value of "
                f"'{variable}'{hint} (allowed: {allowed}; leave blank if missing, or use "
                "`lenient`)"
            )
        self.invalid.append(
            InvalidCell(
                file=str(table.path),
                sheet=table.sheet,
                row=row,
                column=table.column_label(position),
                header=table.headers[position],
                variable=variable,
                value=value,
            )
        )


def _declared_labels(
    distinct: Any, indices: np.ndarray, declared: list[int]
) -> tuple[dict[str, int], dict[int, int]]:
    """Each declared missing value's count, named by its most common spelling, and the
    number (position in that mapping) of each distinct spelling's value."""
    import numpy as np

    uses = np.bincount(indices, minlength=len(distinct))
    spelled: dict[str, tuple[int, str]] = {}
    totals: dict[str, int] = {}
    for index in declared:
        text = str(distinct[index]).strip()
        key = normalize_text(text)
        n = int(uses[index])
        totals[key] = totals.get(key, 0) + n
        if key not in spelled or n > spelled[key][0]:
            spelled[key] = (n, text)
    position = {key: number for number, key in enumerate(totals)}
    number_of = {index: position[normalize_text(str(distinct[index]))] for index in declared}
    return {spelled[key][1]: n for key, n in totals.items()}, number_of


def _file_missing(table: RawTable, position: int) -> frozenset[str]:
    """The values a column's file declares missing, as normalized texts."""
    declared = table.file_missing.get(table.headers[position], frozenset())
    return frozenset(normalize_text(value) for value in declared)


def _parse_number(value: str) -> float | None:
    """A number as people type it, also with a decimal comma ("21,5")."""
    text = value.replace(",", ".") if value.count(",") == 1 and "." not in value else value
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _demographic_column(
    mapper: _Mapper, position: int, demographic: Demographic
) -> tuple[Any, int]:
    import numpy as np

    missing = frozenset(normalize_text(v) for v in demographic.missing) | _file_missing(
        mapper.table, position
    )
    if demographic.kind == "numeric":
        mapped = mapper.map_column(
            position, demographic.id, {}, missing, "a number", parse=_parse_number
        )
        numbers = mapped.floats()
        if demographic.bins:
            inside = demographic.bin_codes(numbers) >= 0
            bins = ", ".join(b.label for b in demographic.bins)
            for row in np.flatnonzero(~inside & ~np.isnan(numbers)):
                mapper.report(
                    int(mapper.table.rows[row]),
                    position,
                    demographic.id,
                    f"{numbers[row]:g}",
                    f"a number inside the bins {bins}",
                )
                numbers[row] = np.nan
        return numbers, mapped.declared
    labels = list(demographic.group_labels)
    lookup = {key: float(labels.index(label)) for key, label in demographic.lookup().items()}
    mapped = mapper.map_column(position, demographic.id, lookup, missing, ", ".join(labels))
    table = np.where(np.isnan(mapped.values), -1, mapped.values).astype(
        "int8" if len(labels) < 127 else "int32"
    )
    # The label's position in group_labels, -1 where missing (Responses.demographic_values).
    return np.take(table, mapped.indices), mapped.declared


def load_responses(
    table: RawTable,
    instrument: Instrument,
    *,
    lenient: bool = False,
    require_all_items: bool = True,
) -> Responses:
    """Validate a raw table against an instrument and map every cell to a code.

    With ``require_all_items=False`` (batches of waves that used different versions of
    an instrument), an item without a column is recorded as not asked instead of failing.
    Rows that answer no item and no demographic (only an id or a timestamp) are left out
    and counted in ``rows_without_answers``.
    """
    import numpy as np

    item_columns, demographic_columns = match_columns(table, instrument)
    absent = [item for item in instrument.items if item.id not in item_columns]
    if absent and (require_all_items or len(absent) == len(instrument.items)):
        raise DataError(f"{table.where()}: {missing_columns_message(table, instrument, absent)}")
    if not table.n_rows:
        raise DataError(f"{table.where()}: the header row has no responses below it")

    invalid: list[InvalidCell] = []
    mapper = _Mapper(table, lenient, invalid)
    levels: dict[str, np.ndarray] = {}
    declared_missing: dict[str, int] = {}
    for item in instrument.items:
        if item.id not in item_columns:
            continue
        scale = instrument.scale_of(item)
        allowed = scale.allowed_text()
        if scale.missing:
            allowed += f"; missing: {', '.join(scale.missing)}"
        lookup = {key: float(code) for key, code in scale.lookup().items()}
        mapped = mapper.map_column(
            item_columns[item.id],
            item.id,
            lookup,
            scale.missing_keys() | _file_missing(table, item_columns[item.id]),
            allowed,
        )
        levels[item.id] = np.take(level_positions(scale, mapped.values), mapped.indices)
        declared_missing[item.id] = mapped.declared
    demographics: dict[str, Any] = {}
    for demographic in instrument.demographics:
        if demographic.id in demographic_columns:
            demographics[demographic.id], declared_missing[demographic.id] = _demographic_column(
                mapper, demographic_columns[demographic.id], demographic
            )
    used = set(item_columns.values()) | set(demographic_columns.values())
    # The columns outside the instrument stay Arrow arrays until one is asked for (--by).
    other = {table.headers[j]: table.cells[j] for j in range(len(table.headers)) if j not in used}
    columns = {
        variable: table.headers[position]
        for variable, position in (*item_columns.items(), *demographic_columns.items())
    }
    # A row with only an id or a timestamp (a survey opened and left) is not a respondent.
    answered = answered_rows([table.cells[position] for position in sorted(used)])
    empty_rows = int(len(answered) - np.count_nonzero(answered))
    keep = answered if empty_rows else None
    declared_rows = {k: rows for k, rows in mapper.declared_rows.items() if k in levels}
    answers = _read_only(levels, keep)
    return Responses(
        instrument=instrument,
        rows=np.asarray(table.rows if keep is None else table.rows[keep], dtype=np.int64),
        answers=answers,
        demographic_values=_read_only(demographics, keep),
        other_cells=other,
        answered=answered if empty_rows else None,
        rows_without_answers=empty_rows,
        source=str(table.path),
        sheet=table.sheet,
        invalid=tuple(invalid),
        declared_missing=declared_missing,
        items_not_asked=tuple(item.id for item in absent),
        demographics_not_found=tuple(
            d.id for d in instrument.demographics if d.id not in demographic_columns
        ),
        columns=columns,
        notes=table.notes,
        _levels=dict(answers),
        _declared=_read_only(declared_rows, keep),
        declared_labels={
            variable: labels
            for variable, labels in mapper.declared_labels.items()
            if variable in levels
        },
    )


def _read_only(arrays: dict[str, np.ndarray], keep: np.ndarray | None) -> dict[str, np.ndarray]:
    """Per-respondent arrays, cut to the rows ``keep`` (when given) and made read-only:
    the responses share them with whoever asks."""
    if keep is not None:
        arrays = {key: array[keep] for key, array in arrays.items()}
    for array in arrays.values():
        array.flags.writeable = False
    return arrays
