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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"): cipp's CSV
#: outputs put a ``'`` before text that starts so (cipp.render.safe), and files cipp reads
#: back (the adjudication sheet) lose it again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def unquote_formula(text: str) -> str:
    """A field as it was before its protective ``'`` (see FORMULA_STARTS)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


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


# pyarrow's own conversions between Arrow and numpy (to_numpy, np.asarray, pa.array,
# pa.scalar) import pandas when it is installed, a third of a second that an analysis
# would spend for nothing; these read and write the Arrow buffers directly instead.


def arrow_valid(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where an Arrow array (or chunked array) holds a value, False where null."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        parts = [arrow_valid(chunk) for chunk in array.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
    validity = array.buffers()[0]
    if validity is None or array.null_count == 0:
        return np.ones(len(array), dtype=bool)
    return _bits(validity, array.offset, len(array))


def arrow_bools(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean array without nulls as a numpy bool array."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        parts = [arrow_bools(chunk) for chunk in array.chunks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
    return _bits(array.buffers()[1], array.offset, len(array))


def arrow_ints(array: pa.Array) -> np.ndarray:
    """An Arrow integer array's values as numpy (a view; a null's slot holds anything)."""
    import numpy as np
    import pyarrow as pa

    kind = "i" if pa.types.is_signed_integer(array.type) else "u"
    dtype = np.dtype(f"{kind}{array.type.bit_width // 8}")
    data = array.buffers()[1]
    if data is None:
        return np.zeros(len(array), dtype=dtype)
    return np.frombuffer(data, dtype=dtype, count=array.offset + len(array))[array.offset :]


def arrow_mask(mask: np.ndarray) -> pa.Array:
    """A numpy bool array as an Arrow boolean array (for ``filter``)."""
    import numpy as np
    import pyarrow as pa

    packed = np.packbits(np.asarray(mask, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(packed)])


def _bits(buffer: pa.Buffer, offset: int, length: int) -> np.ndarray:
    import numpy as np

    bits = np.unpackbits(np.frombuffer(buffer, dtype=np.uint8), bitorder="little")
    return bits[offset : offset + length].astype(bool)


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

    n_rows = len(columns[0]) if columns else 0
    if not columns or any(column.null_count == 0 for column in columns):
        return np.full(n_rows, bool(columns))
    filled = arrow_valid(columns[0])
    for column in columns[1:]:
        filled |= arrow_valid(column)
    return filled


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
    #: What the reader noticed and the results should say (formula cells without a
    #: saved value, read as blank).
    notes: tuple[str, ...] = ()

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
