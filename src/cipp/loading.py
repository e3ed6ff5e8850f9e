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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.errors import DataError, InstrumentError
from cipp.instrument import (
    Demographic,
    Instrument,
    Item,
    iter_bundled,
    normalize_header,
    normalize_text,
)

if TYPE_CHECKING:
    import pandas as pd

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class RawTable:
    """A sheet or CSV file as text cells.

    ``rows`` holds the spreadsheet row number of each data row (the header row is
    ``header_row``); ``cells[j][i]`` is the text of column ``j`` in data row ``i``
    (None for a blank cell).
    """

    path: Path
    sheet: str | None
    headers: tuple[str, ...]
    header_row: int
    rows: tuple[int, ...]
    cells: tuple[tuple[str | None, ...], ...]

    def where(self, row: int | None = None, column: int | None = None) -> str:
        """'file, sheet 'S', row R, column C (header)' for messages."""
        parts = [str(self.path)]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(
                f"column {column_name(column, spreadsheet=self.sheet is not None)}"
                f" ({self.headers[column]})"
            )
        return ", ".join(parts)


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


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value).strip()
    return text or None


def _table_from_rows(
    path: Path, sheet: str | None, rows: Iterable[tuple[int, Sequence[Any]]]
) -> RawTable | None:
    """Build a RawTable from (row number, values) pairs; None when there is no data at all."""
    header: list[str] | None = None
    header_row = 0
    numbers: list[int] = []
    records: list[list[str | None]] = []
    for number, values in rows:
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            continue
        if header is None:
            header = [t or "" for t in texts]
            header_row = number
            continue
        numbers.append(number)
        records.append(texts)
    if header is None:
        return None
    width = max([len(header), *(len(r) for r in records)])
    while (
        width
        and not header[width - 1]
        and not any(len(r) >= width and r[width - 1] for r in records)
    ):
        width -= 1
    header = (header + [""] * width)[:width]
    padded = [(r + [None] * width)[:width] for r in records]
    columns = tuple(tuple(r[j] for r in padded) for j in range(width))
    headers = tuple(
        h or f"(column {column_name(j, spreadsheet=sheet is not None)})"
        for j, h in enumerate(header)
    )
    return RawTable(path, sheet, headers, header_row, tuple(numbers), columns)


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise DataError(
            f"{path}: not a readable Excel workbook ({error.__class__.__name__})"
        ) from None
    try:
        names = workbook.sheetnames
        if sheet is not None:
            if sheet not in names:
                raise DataError(f"{path}: no sheet '{sheet}' (sheets: {', '.join(names)})")
            candidates = [sheet]
        else:
            candidates = names
        for name in candidates:
            rows = workbook[name].iter_rows(values_only=True)
            table = _table_from_rows(path, name, enumerate(rows, start=1))
            if table is not None:
                return table
        if sheet is not None:
            raise DataError(f"{path}, sheet '{sheet}': the sheet is empty")
        raise DataError(f"{path}: every sheet is empty ({', '.join(names)})")
    finally:
        workbook.close()


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(f"{path}: not a text (CSV) file; expected .xlsx or .csv")
    for boms, encoding in (
        ((codecs.BOM_UTF8,), "utf-8-sig"),
        ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16"),
    ):
        if data.startswith(boms):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page; cp1252 is Latin-1 plus the
        # printable characters Windows put in 0x80-0x9F. Latin-1 decodes any byte.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    text = _decode(path, data)
    if not text.strip():
        raise DataError(f"{path}: the file is empty")
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        table = _table_from_rows(path, None, enumerate(reader, start=1))
    except csv.Error as error:
        raise DataError(f"{path}: not a readable CSV file ({error})") from None
    if table is None:
        raise DataError(f"{path}: the file is empty")
    return table


def read_table(path: str | Path, *, sheet: str | None = None) -> RawTable:
    """Read a .xlsx sheet (the first non-empty one by default) or a .csv file as text cells.

    CSV files: the delimiter (, ; tab |) and the encoding (UTF-8 with or without BOM,
    UTF-16 with BOM, Windows-1252 / Latin-1) are detected.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a response file")
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_xlsx(path, sheet)
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise DataError(f"{path}: --sheet applies to Excel workbooks, not CSV files")
        return _read_csv(path)
    if suffix == ".xls":
        raise DataError(f"{path}: old Excel .xls files are not supported; save it as .xlsx")
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

    @property
    def n_respondents(self) -> int:
        return len(self.codes)

    @property
    def items_asked(self) -> tuple[Item, ...]:
        return tuple(item for item in self.instrument.items if item.id in self.codes.columns)


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
            letters = ", ".join(
                column_name(p, spreadsheet=table.sheet is not None) for p in positions
            )
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


class _Mapper:
    """Maps the distinct raw values of one column to codes, collecting invalid cells."""

    def __init__(self, table: RawTable, lenient: bool, invalid: list[InvalidCell]) -> None:
        self.table = table
        self.lenient = lenient
        self.invalid = invalid

    def map_column(
        self,
        position: int,
        variable: str,
        lookup: dict[str, Any],
        missing: frozenset[str],
        allowed: str,
        parse: Any = None,
    ) -> tuple[list[Any], int]:
        """Return the mapped values (None where missing) and the count of declared missing."""
        cells = self.table.cells[position]
        mapped: dict[str | None, Any] = {None: None}
        bad: set[str] = set()
        declared = 0
        for value in set(cells):
            if value is None:
                continue
            key = normalize_text(value)
            if key in lookup:
                mapped[value] = lookup[key]
            elif key in missing or not key:
                mapped[value] = None
            elif parse is not None and (number := parse(value)) is not None:
                mapped[value] = number
            else:
                mapped[value] = None
                bad.add(value)
        missing_values = {v for v, m in mapped.items() if v is not None and m is None} - bad
        out = [mapped[value] for value in cells]
        if missing_values:
            declared = sum(1 for value in cells if value in missing_values)
        if bad:
            for row, value in zip(self.table.rows, cells, strict=True):
                if value in bad:
                    self._invalid(row, position, variable, value, allowed)
        return out, declared

    def _invalid(self, row: int, position: int, variable: str, value: str, allowed: str) -> None:
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
                column=column_name(position, spreadsheet=table.sheet is not None),
                header=table.headers[position],
                variable=variable,
                value=value,
            )
        )


def _parse_number(value: str) -> float | None:
    try:
        number = (
            float(value.replace(",", "."))
            if value.count(",") == 1 and "." not in value
            else float(value)
        )
    except ValueError:
        return None
    return number if number == number else None


def _demographic_column(
    mapper: _Mapper, position: int, demographic: Demographic
) -> tuple[Any, int]:
    import pandas as pd

    missing = frozenset(normalize_text(v) for v in demographic.missing)
    if demographic.kind == "numeric":
        values, declared = mapper.map_column(
            position, demographic.id, {}, missing, "a number", parse=_parse_number
        )
        series = pd.Series(values, index=list(mapper.table.rows), dtype="float64")
        outside = [
            (row, value)
            for row, value in zip(mapper.table.rows, values, strict=True)
            if value is not None
            and demographic.bins
            and not any(b.contains(value) for b in demographic.bins)
        ]
        for row, value in outside:
            bins = ", ".join(b.label for b in demographic.bins)
            mapper._invalid(
                row, position, demographic.id, f"{value:g}", f"a number inside the bins {bins}"
            )
            series[row] = float("nan")
        return series, declared
    labels = demographic.group_labels
    allowed = ", ".join(labels)
    values, declared = mapper.map_column(
        position, demographic.id, demographic.lookup(), missing, allowed
    )
    categorical = pd.Categorical(values, categories=list(labels), ordered=demographic.ordered)
    return pd.Series(categorical, index=list(mapper.table.rows)), declared


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
    """
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
    if not table.rows:
        raise DataError(f"{table.where()}: the header row has no responses below it")

    invalid: list[InvalidCell] = []
    mapper = _Mapper(table, lenient, invalid)
    index = list(table.rows)
    codes: dict[str, Any] = {}
    declared_missing: dict[str, int] = {}
    for item in instrument.items:
        if item.id not in item_columns:
            continue
        scale = instrument.scale_of(item)
        allowed = f"{scale.allowed_text()}"
        if scale.missing:
            allowed += f"; missing: {', '.join(scale.missing)}"
        values, declared = mapper.map_column(
            item_columns[item.id], item.id, scale.lookup(), scale.missing_keys(), allowed
        )
        codes[item.id] = pd.array(values, dtype="Int64")
        declared_missing[item.id] = declared
    demographics: dict[str, Any] = {}
    for demographic in instrument.demographics:
        if demographic.id in demographic_columns:
            series, declared = _demographic_column(
                mapper, demographic_columns[demographic.id], demographic
            )
            demographics[demographic.id] = (
                series.to_numpy() if demographic.kind == "numeric" else series.array
            )
            declared_missing[demographic.id] = declared
    used = set(item_columns.values()) | set(demographic_columns.values())
    other = {table.headers[j]: table.cells[j] for j in range(len(table.headers)) if j not in used}
    columns = {
        variable: table.headers[position]
        for variable, position in (*item_columns.items(), *demographic_columns.items())
    }
    return Responses(
        instrument=instrument,
        codes=pd.DataFrame(codes, index=index),
        demographics=pd.DataFrame(demographics, index=index),
        other=pd.DataFrame(other, index=index, dtype=object),
        source=str(table.path),
        sheet=table.sheet,
        invalid=tuple(invalid),
        declared_missing=declared_missing,
        items_not_asked=tuple(item.id for item in absent),
        demographics_not_found=tuple(
            d.id for d in instrument.demographics if d.id not in demographic_columns
        ),
        columns=columns,
    )
