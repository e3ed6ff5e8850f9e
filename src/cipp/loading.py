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

import codecs
import csv
import io
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.errors import DataError, InstrumentError
from cipp.instrument import (
    Demographic,
    Instrument,
    Item,
    Scale,
    iter_bundled,
    normalize_header,
    normalize_text,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

#: Stands for a missing answer in :meth:`Responses.code_array` (no scale uses it as a code).
MISSING_CODE = -(2**31)

#: How much of a CSV file pyarrow parses per block (and per thread at a time); each
#: block becomes one chunk of every column.
CSV_BLOCK_BYTES = 1 << 22

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def column_name(index: int, *, spreadsheet: bool) -> str:
    """Column letters as a spreadsheet shows them (0 -> A, 27 -> AB), or 1-based numbers."""
    if not spreadsheet:
        return str(index + 1)
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text_array(values: Any) -> pa.Array:
    """A column as an Arrow string array with blank cells as nulls.

    Arrow columns come from readers that already turned empty cells into nulls; their
    texts are trimmed later, once per distinct value (normalize_text), not once per cell.
    """
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        if _is_text_dictionary(values.type):
            # Kept in the reader's chunks: the mapper works chunk by chunk, so the
            # chunks never need one shared dictionary (which would copy every index).
            return values
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        if values.type == pa.string() or _is_text_dictionary(values.type):
            return values
        return values.cast(pa.string())
    texts = (_cell_text(v) for v in values)
    return pa.array([t.strip() or None if t is not None else None for t in texts], type=pa.string())


def _is_text_dictionary(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_dictionary(kind) and kind.value_type == pa.string())


def answered_rows(columns: Sequence[Any]) -> np.ndarray:
    """For each row, whether any of ``columns`` (Arrow arrays) holds a value there.

    Works on the validity bitmaps (one bit per cell), so a million rows of 34 columns
    cost a few milliseconds.
    """
    import numpy as np
    import pyarrow.compute as pc

    n_rows = len(columns[0]) if columns else 0
    if not columns or any(column.null_count == 0 for column in columns):
        return np.full(n_rows, bool(columns))
    filled = pc.is_valid(columns[0])
    for column in columns[1:]:
        filled = pc.or_(filled, pc.is_valid(column))
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=bool)


@dataclass(frozen=True, eq=False)
class RawTable:
    """A sheet or CSV file as text cells, before any instrument is applied.

    ``rows`` holds the spreadsheet row number of each data row (the header is row
    ``header_row``); ``cells[j]`` is column ``j`` as an Arrow string array, or a
    dictionary-encoded one (possibly chunked, as the CSV reader returns it), null for a
    blank cell. Any sequence of texts is accepted for ``cells`` and converted, so
    platform readers can build a RawTable from plain lists. ``positions`` are the
    columns' 0-based positions in the sheet (for column letters) when they do not start
    at column A.
    """

    path: Path
    sheet: str | None
    headers: tuple[str, ...]
    header_row: int
    rows: Any
    cells: Any
    positions: tuple[int, ...] | None = None
    #: Values the file itself declares missing, by header (SPSS user-missing codes,
    #: Stata's .a-.z): missing whatever the instrument says.
    file_missing: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import numpy as np

        object.__setattr__(self, "path", Path(self.path))
        object.__setattr__(self, "headers", tuple(self.headers))
        object.__setattr__(self, "rows", np.asarray(self.rows, dtype="int64"))
        object.__setattr__(self, "cells", tuple(_text_array(column) for column in self.cells))
        if len(self.cells) != len(self.headers):
            raise ValueError("RawTable needs one column of cells per header")

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def column_label(self, column: int) -> str:
        """The column's letters in a spreadsheet (its 1-based number in a CSV file)."""
        position = self.positions[column] if self.positions else column
        return column_name(position, spreadsheet=self.sheet is not None)

    def where(self, row: int | None = None, column: int | None = None) -> str:
        """'file, sheet 'S', row R, column C (header)' for messages."""
        parts = [str(self.path)]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {self.column_label(column)} ({self.headers[column]})")
        return ", ".join(parts)


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _table_from_columns(
    path: Path,
    sheet: str | None,
    columns: Sequence[Any],
    *,
    first_row: int = 1,
    positions: Sequence[int] | None = None,
) -> RawTable | None:
    """Find the header (the first non-blank row) and drop wholly blank rows.

    ``columns`` hold every row of the sheet from row ``first_row`` on. Returns None when
    there is no text at all.
    """
    import numpy as np

    texts = [_text_array(column) for column in columns]
    if not texts or len(texts[0]) == 0:
        return None
    nonblank = np.flatnonzero(answered_rows(texts))
    if len(nonblank) == 0:
        return None
    header_at = int(nonblank[0])
    data_rows = nonblank[1:]
    header = [(column[header_at].as_py() or "").strip() or None for column in texts]
    kept = [
        j
        for j, column in enumerate(texts)
        if header[j] is not None
        or column.slice(header_at + 1).null_count < len(column) - header_at - 1
    ]
    sheet_positions = list(positions) if positions is not None else list(range(len(texts)))
    spreadsheet = sheet is not None
    headers = tuple(
        header[j] or f"(column {column_name(sheet_positions[j], spreadsheet=spreadsheet)})"
        for j in kept
    )
    return RawTable(
        path=path,
        sheet=sheet,
        headers=headers,
        header_row=header_at + first_row,
        rows=data_rows + first_row,
        cells=[_select(texts[j], data_rows) for j in kept],
        positions=tuple(sheet_positions[j] for j in kept),
    )


def _select(column: Any, rows: np.ndarray) -> Any:
    """The given rows (ascending) of a column; a zero-copy slice when they are contiguous.

    Otherwise a filter, which keeps a chunked column's chunks and their dictionaries.
    """
    import numpy as np
    import pyarrow as pa

    if len(rows) and rows[-1] - rows[0] == len(rows) - 1:
        return column.slice(int(rows[0]), len(rows))
    keep = np.zeros(len(column), dtype=bool)
    keep[rows] = True
    return column.filter(pa.array(keep))


def _read_spreadsheet(path: Path, sheet: str | None) -> RawTable:
    """Read a workbook with fastexcel (calamine, in Rust) into Arrow string columns."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(path)
    except fastexcel.FastExcelError as error:
        detail = str(error).splitlines()[0].removeprefix("calamine error: ")
        raise DataError(f"{path}: not a readable spreadsheet ({detail})") from None
    names = reader.sheet_names
    if sheet is not None and sheet not in names:
        raise DataError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(names)})")
    for name in [sheet] if sheet is not None else names:
        try:
            loaded = reader.load_sheet(
                name, header_row=None, skip_rows=0, dtypes="string", whitespace_as_null=True
            )
            batch = loaded.to_arrow()
        except fastexcel.FastExcelError as error:
            detail = str(error).splitlines()[0]
            raise DataError(f"{path}, sheet '{name}': cannot be read ({detail})") from None
        positions = [info.absolute_index for info in loaded.selected_columns]
        table = _table_from_columns(path, name, batch.columns, positions=positions)
        if table is not None:
            return table
    if sheet is not None:
        raise DataError(f"{path}, sheet '{sheet}': the sheet is empty")
    raise DataError(f"{path}: every sheet is empty ({', '.join(names)})")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(f"{path}: not a text (CSV) file; expected .xlsx or .csv")
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; cp1252 is Latin-1 plus the
        # printable characters Windows put in 0x80-0x9F. Latin-1 decodes any byte.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(path: Path, sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return "\t" if path.suffix.lower() == ".tsv" else ","


def _head_encoding(head: bytes) -> str | None:
    """The encoding of a CSV file judged from its first bytes; None for UTF-16 (slow path)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still UTF-8.
        if error.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def _read_csv_arrow(
    path: Path, encoding: str, delimiter: str, width: int, quoted: bool
) -> RawTable | None:
    """Parse with pyarrow's multithreaded CSV reader, straight from the file, each column
    dictionary-encoded (a survey column holds few distinct answers, so this is small).

    Returns None when the file needs the slow path: pyarrow rejects ragged rows and text
    that is not in the expected encoding.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{j}" for j in range(width)]
    text = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names,
                block_size=CSV_BLOCK_BYTES,
                encoding="utf8" if encoding.startswith("utf-8") else encoding,
            ),
            # Only a quoted cell can hold a line break; without quotes the faster
            # line-splitting parser is safe.
            # Blank lines are kept as blank rows, so row numbers stay the spreadsheet's.
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False
            ),
            # Texts are checked to be UTF-8 below, once per distinct value, not per cell.
            convert_options=pacsv.ConvertOptions(
                check_utf8=False,
                column_types=dict.fromkeys(names, text),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    try:
        columns: list[Any] = [_spaces_as_blank(column) for column in table.columns]
    except pa.ArrowInvalid:
        return None  # not UTF-8 after all, past the sample the encoding was judged from
    if encoding == "utf-8-sig" and columns:
        # pyarrow keeps the byte-order mark; drop it from the first header (in the
        # first chunk that holds any line).
        chunks = list(columns[0].chunks)
        first = next(j for j, chunk in enumerate(chunks) if len(chunk))
        texts = chunks[first].dictionary.to_pylist()
        fixed = [v.lstrip("\ufeff") if isinstance(v, str) else v for v in texts]
        chunks[first] = pa.DictionaryArray.from_arrays(
            chunks[first].indices, pa.array(fixed, pa.string())
        )
        columns[0] = pa.chunked_array(chunks, type=columns[0].type)
    return _table_from_columns(path, None, columns)


def _spaces_as_blank(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column with cells of nothing but spaces made blank (null), as the other
    readers give them, after checking that its texts are UTF-8 (ArrowInvalid if not).

    Both are done on each chunk's dictionary, once per distinct text.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = []
    changed = False
    for chunk in column.chunks:
        chunk.dictionary.validate(full=True)
        texts = chunk.dictionary.to_pylist()
        spaces = [j for j, text in enumerate(texts) if text is not None and not text.strip()]
        if spaces:
            hit = pc.is_in(chunk.indices, value_set=pa.array(spaces, pa.int32()))
            indices = pc.if_else(hit, pa.scalar(None, pa.int32()), chunk.indices)
            chunk = pa.DictionaryArray.from_arrays(indices, chunk.dictionary)
            changed = True
        chunks.append(chunk)
    return pa.chunked_array(chunks, type=column.type) if changed else column


def _read_csv(path: Path) -> RawTable:
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise DataError(f"{path}: the file is empty")
    encoding = _head_encoding(head)
    if encoding is not None:
        if b"\x00" in head[:4096]:
            raise DataError(f"{path}: not a text (CSV) file; expected .xlsx or .csv")
        sample = head.decode(encoding, errors="ignore").lstrip("\ufeff")
        delimiter = _sniff_delimiter(path, sample)
        first_line = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), [])
        # A quoted cell may hold a line break, which pyarrow handles only with its slower
        # newline-aware parser; when no field of the first 64 kB is quoted, the fast one
        # is used. A quoted line break that still splits a block makes the rows ragged,
        # pyarrow raises, and the file goes through the csv module below.
        quoted = b'"' in head
        if first_line and sample[:1].strip():
            table = _read_csv_arrow(path, encoding, delimiter, len(first_line), quoted)
            if table is not None:
                return table
    text, _ = _decode(path, path.read_bytes())
    body = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(path, body[:65536])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise DataError(f"{path}: not a readable CSV file ({error})") from None
    width = max((len(record) for record in records), default=0)
    columns = [[record[j] if j < len(record) else None for record in records] for j in range(width)]
    table = _table_from_columns(path, None, columns)
    if table is None:
        raise DataError(f"{path}: the file is empty")
    return table


def read_table(path: str | Path, *, sheet: str | None = None) -> RawTable:
    """Read a workbook sheet (the first non-empty one by default) or a CSV file as text.

    Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) are read with fastexcel; CSV files with
    pyarrow, their delimiter (, ; tab |) and encoding (UTF-8 with or without BOM, UTF-16
    with BOM, Windows-1252 / Latin-1) detected.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a response file")
    if not os.access(path, os.R_OK):
        raise DataError(f"{path}: cannot be read (permission denied)")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_spreadsheet(path, sheet)
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise DataError(f"{path}: --sheet applies to workbooks, not CSV files")
        return _read_csv(path)
    raise DataError(f"{path}: unsupported file type '{suffix}' (expected .xlsx or .csv)")


# --- from raw cells to responses ------------------------------------------------------


@dataclass(frozen=True)
class InvalidCell:
    """A cell whose value fits no level (kept when loading leniently)."""

    file: str
    sheet: str | None
    row: int
    column: str
    header: str
    variable: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "variable": self.variable,
            "value": self.value,
        }


@dataclass(frozen=True)
class Responses:
    """One row per respondent, validated against an instrument.

    ``codes`` has one nullable-integer column per item asked (missing is <NA>, never a
    level); ``demographics`` one column per demographic found (categorical labels as an
    ordered pandas Categorical, numbers as floats); ``other`` the remaining columns as
    raw text, by header. The index is the spreadsheet row number of each respondent.
    """

    instrument: Instrument
    codes: pd.DataFrame
    demographics: pd.DataFrame
    other: pd.DataFrame
    source: str
    sheet: str | None
    invalid: tuple[InvalidCell, ...] = ()
    declared_missing: dict[str, int] = field(default_factory=dict)
    items_not_asked: tuple[str, ...] = ()
    demographics_not_found: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    rows_without_answers: int = 0
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _levels: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_respondents(self) -> int:
        return len(self.codes)

    @property
    def items_asked(self) -> tuple[Item, ...]:
        return tuple(item for item in self.instrument.items if item.id in self.codes.columns)

    def code_array(self, item_id: str) -> np.ndarray:
        """An item's codes as a plain int32 array, with :data:`MISSING_CODE` where missing
        (for code outside cipp; cipp's own statistics use :meth:`level_index`)."""
        cached = self._arrays.get(item_id)
        if cached is None:
            cached = self.codes[item_id].to_numpy(dtype="int32", na_value=MISSING_CODE)
            cached.flags.writeable = False
            self._arrays[item_id] = cached
        return cached

    def level_index(self, item_id: str) -> np.ndarray:
        """Each answer to an item as its level's position in ``scale.levels``, and the
        number of levels where the answer is missing.

        A uint8 array (uint16 for a scale of 256 levels or more): counts, crosstabs and
        component scores of a million respondents are computed from these, one byte a
        cell. The loader fills them in as it maps the cells.
        """
        cached = self._levels.get(item_id)
        if cached is None:
            import numpy as np

            scale = self.instrument.scale_of(self.instrument.item(item_id))
            codes = self.codes[item_id].to_numpy(dtype="float64", na_value=np.nan)
            distinct, rows = np.unique(codes, return_inverse=True)
            cached = level_positions(scale, distinct)[rows.reshape(-1)]
            cached.flags.writeable = False
            self._levels[item_id] = cached
        return cached


def _codes_of_levels(scale: Scale, levels: np.ndarray) -> Any:
    """An item's codes from its level positions, as a pandas nullable integer array in the
    smallest integer type that holds every code of the scale."""
    import numpy as np
    import pandas as pd

    low, high = min(scale.codes), max(scale.codes)
    dtype = next(
        d
        for d in ("int8", "int16", "int32", "int64")
        if np.iinfo(d).min <= low and high <= np.iinfo(d).max
    )
    # By level position; the last slot (a missing answer) holds a 0 that the mask hides.
    code_of = np.array([*scale.codes, 0], dtype=dtype)
    return pd.arrays.IntegerArray(np.take(code_of, levels), levels == len(scale.codes))


def level_positions(scale: Scale, codes: np.ndarray) -> np.ndarray:
    """The position of each code (a float, NaN when missing) among ``scale.levels``;
    ``len(scale.levels)`` for a missing or unknown code."""
    import numpy as np

    position = {float(code): j for j, code in enumerate(scale.codes)}
    missing = len(scale.codes)
    return np.array(
        [position.get(float(code), missing) for code in codes],
        dtype=np.min_scalar_type(missing),
    )


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
                f"{table.where()}: '{header}' ({variable}) heads more than one "
                f"column ({letters}); rename or remove the duplicates"
            )
        if positions:
            return positions[0]
    return None


def match_columns(table: RawTable, instrument: Instrument) -> tuple[dict[str, int], dict[str, int]]:
    """Find each item's and demographic's column: by id, by text or label, or by alias."""
    index = _header_index(table)
    items: dict[str, int] = {}
    demographics: dict[str, int] = {}
    taken: dict[int, str] = {}
    for variable, headers, found in (
        *((item.id, item.headers(), items) for item in instrument.items),
        *((d.id, d.headers(), demographics) for d in instrument.demographics),
    ):
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
    return items, demographics


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
        raise InstrumentError("no bundled instruments found; give --instrument PATH")
    n, closest = max(scored, key=lambda pair: pair[0] / len(pair[1].items))
    items, _ = ({}, None) if n == 0 else match_columns(table, closest)
    expected = "; ".join(f"{i.id} ('{i.text}')" for i in closest.items if i.id not in items)
    raise InstrumentError(
        f"{table.where()}: no bundled instrument matches the file's columns; the closest, "
        f"'{closest.id}', found {n} of {len(closest.items)} items and expected columns "
        f"headed by id or question text: {expected} (or give --instrument)"
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
    import pyarrow.compute as pc

    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    number: dict[str | None, int] = {None: 0}
    indices = np.empty(len(column), dtype="int32") if out is None else out
    start = 0
    for chunk in chunks:
        if not len(chunk):
            continue
        encoded = chunk if pa.types.is_dictionary(chunk.type) else pc.dictionary_encode(chunk)
        texts = encoded.dictionary.to_pylist()
        shared = np.array(
            [number.setdefault(text, len(number)) for text in texts] + [0], dtype="int32"
        )
        local = encoded.indices.fill_null(len(texts)).to_numpy(zero_copy_only=False)
        np.take(shared, local, out=indices[start : start + len(chunk)], mode="clip")
        start += len(chunk)
    return list(number), indices


class _Mapper:
    """Maps a column's distinct values to numbers, once per value, collecting invalid cells.

    Arrow's dictionary encoding gives each distinct text an index; the few distinct
    texts are looked up in Python, and the result is spread over the rows with numpy.
    """

    def __init__(self, table: RawTable, lenient: bool, invalid: list[InvalidCell]) -> None:
        self.table = table
        self.lenient = lenient
        self.invalid = invalid
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
        n_declared = int(np.isin(indices, declared).sum()) if declared else 0
        if bad:
            for row in np.flatnonzero(np.isin(indices, bad)):
                self.report(
                    int(self.table.rows[row]),
                    position,
                    variable,
                    str(distinct[indices[row]]),
                    allowed,
                )
        return _Mapped(values, indices, n_declared)

    def report(self, row: int, position: int, variable: str, value: str, allowed: str) -> None:
        """Stop at an invalid cell, or (lenient) record it."""
        table = self.table
        if not self.lenient:
            raise DataError(
                f"{table.where(row, position)}: '{value}' is not an allowed value of "
                f"'{variable}' (allowed: {allowed}; leave blank if missing, or use --lenient)"
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


def _trimmed(column: Any) -> Any:
    """A column's texts without surrounding spaces (blank when nothing is left), as every
    reader leaves them otherwise; the columns outside the instrument are kept this way."""
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = pc.utf8_trim_whitespace(column.cast(pa.string()))
    return pc.if_else(pc.equal(texts, ""), pa.scalar(None, pa.string()), texts)


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
    import pandas as pd

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
    categorical = pd.Categorical.from_codes(  # type: ignore[call-overload]
        np.take(table, mapped.indices),
        categories=labels,
        ordered=demographic.ordered,
    )
    return categorical, mapped.declared


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
    import pandas as pd

    item_columns, demographic_columns = match_columns(table, instrument)
    absent = [item for item in instrument.items if item.id not in item_columns]
    if absent and (require_all_items or len(absent) == len(instrument.items)):
        wanted = "; ".join(f"{item.id} ('{item.text}')" for item in absent)
        raise DataError(
            f"{table.where()}: {len(absent)} of {len(instrument.items)} items of instrument "
            f"'{instrument.id}' have no column; expected a column headed by the item id or "
            f"its question text: {wanted}"
        )
    if not table.n_rows:
        raise DataError(f"{table.where()}: the header row has no responses below it")

    invalid: list[InvalidCell] = []
    mapper = _Mapper(table, lenient, invalid)
    index = pd.Index(table.rows, name="row")
    codes: dict[str, Any] = {}
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
        codes[item.id] = _codes_of_levels(scale, levels[item.id])
        declared_missing[item.id] = mapped.declared
    demographics: dict[str, Any] = {}
    for demographic in instrument.demographics:
        if demographic.id in demographic_columns:
            demographics[demographic.id], declared_missing[demographic.id] = _demographic_column(
                mapper, demographic_columns[demographic.id], demographic
            )
    used = set(item_columns.values()) | set(demographic_columns.values())
    other = {
        table.headers[j]: _trimmed(table.cells[j]).to_pandas()
        for j in range(len(table.headers))
        if j not in used
    }
    columns = {
        variable: table.headers[position]
        for variable, position in (*item_columns.items(), *demographic_columns.items())
    }
    other_frame = pd.DataFrame({k: v.to_numpy(dtype=object) for k, v in other.items()}, index=index)
    codes_frame = pd.DataFrame(codes, index=index, copy=False)
    demographics_frame = pd.DataFrame(demographics, index=index, copy=False)
    # A row with only an id or a timestamp (a survey opened and left) is not a respondent.
    answered = answered_rows([table.cells[position] for position in sorted(used)])
    empty_rows = int(len(answered) - np.count_nonzero(answered))
    if empty_rows:
        codes_frame = codes_frame[answered]
        demographics_frame = demographics_frame[answered]
        other_frame = other_frame[answered]
        levels = {item_id: array[answered] for item_id, array in levels.items()}
    for array in levels.values():
        array.flags.writeable = False
    return Responses(
        instrument=instrument,
        codes=codes_frame,
        demographics=demographics_frame,
        other=other_frame,
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
        _levels=levels,
    )
