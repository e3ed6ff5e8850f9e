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
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.model.errors import DataError
from cipp.model.table import RawTable, _text_array, answered_rows, arrow_mask, column_name
from cipp.read.csvtext import check_single_byte, decode_text, parse_records
from cipp.read.files import check_input
from cipp.read.settings import current

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

#: How much of a CSV file pyarrow parses per block (and per thread at a time); each
#: block becomes one chunk of every column.
CSV_BLOCK_BYTES = 1 << 22

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


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

    if len(rows) and rows[-1] - rows[0] == len(rows) - 1:
        return column.slice(int(rows[0]), len(rows))
    keep = np.zeros(len(column), dtype=bool)
    keep[rows] = True
    return column.filter(arrow_mask(keep))


def _read_spreadsheet(path: Path, sheet: str | None) -> RawTable:
    """Read a workbook with fastexcel (calamine, in Rust) into Arrow string columns.

    Each sheet is checked against the limits before it is loaded (cipp.read.archive).
    """
    import dataclasses

    import fastexcel

    from cipp.read.archive import check_sheets, formula_note

    check_sheets(path, sheets=[])  # the zip members, before calamine opens it
    try:
        reader = fastexcel.read_excel(path)
    except fastexcel.FastExcelError as error:
        detail = str(error).splitlines()[0].removeprefix("calamine error: ")
        raise DataError(f"{path}: not a readable spreadsheet ({detail})") from None
    names = reader.sheet_names
    if sheet is not None and sheet not in names:
        raise DataError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(names)})")
    for name in [sheet] if sheet is not None else names:
        pending = check_sheets(path, sheets=[name]).get(name)
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
            note = formula_note(path, name, pending.result()) if pending is not None else None
            return dataclasses.replace(table, notes=(note,)) if note else table
    if sheet is not None:
        raise DataError(f"{path}, sheet '{sheet}': the sheet is empty")
    raise DataError(f"{path}: every sheet is empty ({', '.join(names)})")


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
        # A multi-byte character cut off at the end of the sample is still UTF-8; UTF-8
        # text before the bad byte makes the file UTF-8 with a foreign row, which the
        # slow path reports.
        if error.start < len(head) - 3 and not re.search(rb"[\x80-\xff]", head[: error.start]):
            return "cp1252"
    return "utf-8"


def _fast_encoding(head: bytes, given: str | None) -> str | None:
    """The encoding the fast reader reads the file in, or None for the slow path."""
    if given is None:
        return _head_encoding(head)
    name = codecs.lookup(given).name
    if "16" in name or "32" in name:
        return None  # not ASCII-compatible: the sample and the sniffing need the slow path
    if name == "utf-8" and head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    return name


def _read_csv_arrow(
    path: Path, encoding: str, delimiter: str, width: int, quoted: bool, longest: int
) -> RawTable | None:
    """Parse with pyarrow's multithreaded CSV reader, straight from the file, each column
    dictionary-encoded (a survey column holds few distinct answers, so this is small).

    Returns None when the file needs the slow path: pyarrow rejects ragged rows and text
    that is not in the expected encoding; a field longer than ``longest`` characters is
    reported by the slow path, which names its row.
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
        columns = _spaces_as_blank(table.columns, longest)
    except pa.ArrowInvalid:
        return None  # not UTF-8 after all, past the sample the encoding was judged from
    except ValueError:
        return None  # a field over the limit
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


def _spaces_as_blank(columns: Sequence[pa.ChunkedArray], longest: int) -> list[Any]:
    """The columns with cells of nothing but spaces made blank (null), as the other
    readers give them, after checking that their texts are UTF-8 (ArrowInvalid if not)
    and no longer than ``longest`` characters (ValueError if they are).

    All is done on the chunks' dictionaries, once per distinct text of a chunk, and on
    all of them at once: a file of many columns and chunks makes thousands of small
    dictionaries, and a call per dictionary cost more than the checks themselves.
    """
    import numpy as np
    import pyarrow as pa

    dictionaries = [chunk.dictionary for column in columns for chunk in column.chunks]
    if not dictionaries:
        return list(columns)
    texts = pa.concat_arrays(dictionaries)
    texts.validate(full=True)
    # In Python: the texts are few, and pyarrow.compute costs a tenth of a second to import.
    values = texts.to_pylist()
    if max((len(text) for text in values if text is not None), default=0) > longest:
        raise ValueError("a field over the limit")
    blank = [j for j, text in enumerate(values) if text is not None and not text.strip()]
    if not blank:
        return list(columns)
    import pyarrow.compute as pc

    starts = np.cumsum([0, *(len(d) for d in dictionaries)])
    out: list[Any] = []
    at = 0
    for column in columns:
        chunks = []
        for chunk in column.chunks:
            low, high = starts[at], starts[at + 1]
            at += 1
            spaces = [j - low for j in blank if low <= j < high]
            if spaces:
                # No pa.array or pa.scalar: either would import pandas (model.table).
                value_set = pa.Array.from_buffers(
                    pa.int32(), len(spaces), [None, pa.py_buffer(np.array(spaces, "int32"))]
                )
                hit = pc.is_in(chunk.indices, value_set=value_set)
                nulls = pa.nulls(len(chunk), pa.int32())
                indices = pc.if_else(hit, nulls, chunk.indices)
                chunk = pa.DictionaryArray.from_arrays(indices, chunk.dictionary)
            chunks.append(chunk)
        out.append(pa.chunked_array(chunks, type=column.type))
    return out


def _read_csv(path: Path) -> RawTable:
    settings = current()
    limits = settings.limits
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise DataError(f"{path}: the file is empty")
    encoding = _fast_encoding(head, settings.encoding)
    # Pyarrow refuses a record longer than its block, which then goes to the slow path:
    # a line limit above the block is kept by the fast reader too.
    if encoding is not None and limits.csv_line >= CSV_BLOCK_BYTES:
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
            table = _read_csv_arrow(
                path, encoding, delimiter, len(first_line), quoted, limits.csv_field
            )
            if table is not None:
                if encoding == "cp1252" and settings.encoding is None:
                    _check_single_byte_file(path)
                return table
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(f"{path}: not a text (CSV) file; expected .xlsx or .csv")
    text, _ = decode_text(path, data, settings.encoding)
    body = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(path, body[:65536])
    records = parse_records(path, body, delimiter, limits)
    width = max((len(record) for record in records), default=0)
    columns = [[record[j] if j < len(record) else None for record in records] for j in range(width)]
    table = _table_from_columns(path, None, columns)
    if table is None:
        raise DataError(f"{path}: the file is empty")
    return table


def _check_single_byte_file(path: Path) -> None:
    """A file the fast reader read as Windows-1252 holds no UTF-8 text (mixed encodings)."""
    import mmap

    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        check_single_byte(path, data)


@dataclass
class _Ahead:
    """A CSV file being read in a background thread (see :func:`read_ahead`)."""

    thread: threading.Thread | None = None
    settings: object = None
    table: RawTable | None = None


#: The files being read ahead, by (resolved path, size, modification time).
_AHEAD: dict[tuple[str, int, int], _Ahead] = {}


def _file_key(path: Path) -> tuple[str, int, int]:
    status = path.stat()
    return str(path.resolve()), status.st_size, status.st_mtime_ns


def read_ahead(path: str | Path) -> None:
    """Start reading a CSV file or a workbook's first non-empty sheet in a background
    thread, for :func:`read_table` to take when it is asked for the same, unchanged file
    (and, for a workbook, no particular sheet) under the same settings.

    The command line calls this before it imports anything else, so that pyarrow or
    fastexcel parses the file (without holding the GIL) while Python imports the
    analysis. A file read ahead but not asked for costs only that work; a problem reading
    it is left for read_table to meet and report as usual.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (*TEXT_SUFFIXES, *SPREADSHEET_SUFFIXES) or not path.is_file():
        return
    ahead = _Ahead()

    def work() -> None:
        ahead.settings = current()
        try:
            spreadsheet = suffix in SPREADSHEET_SUFFIXES
            ahead.table = _read_spreadsheet(path, None) if spreadsheet else _read_csv(path)
        except Exception:  # read_table reads the file again and reports what is wrong
            ahead.table = None

    ahead.thread = threading.Thread(target=work, name="cipp-read-ahead", daemon=True)
    _AHEAD[_file_key(path)] = ahead
    ahead.thread.start()


def _read_already(path: Path) -> RawTable | None:
    """The table :func:`read_ahead` read from this file, when it still holds."""
    ahead = _AHEAD.pop(_file_key(path), None) if _AHEAD else None
    if ahead is None or ahead.thread is None:
        return None
    ahead.thread.join()
    return ahead.table if ahead.settings == current() else None


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
    check_input(path)
    if not os.access(path, os.R_OK):
        raise DataError(f"{path}: cannot be read (permission denied)")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        if sheet is None:
            return _read_already(path) or _read_spreadsheet(path, sheet)
        return _read_spreadsheet(path, sheet)
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise DataError(f"{path}: `sheet` applies to workbooks, not CSV files")
        return _read_already(path) or _read_csv(path)
    raise DataError(f"{path}: unsupported file type '{suffix}' (expected .xlsx or .csv)")


# --- from raw cells to responses ------------------------------------------------------
