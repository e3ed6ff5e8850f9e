"""Small helpers for reshaping a :class:`~cipp.model.table.RawTable` (Arrow string columns).

Platform readers rename headers, drop header-like rows and replace a joined
multi-select column by one column per option. These helpers keep the row numbers
and the columns' sheet positions (used for column letters in messages) consistent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from cipp.model.table import RawTable


def texts(table: RawTable, column: int) -> list[str | None]:
    """The cells of one column as Python strings (None for blank)."""
    return list(table.cells[column].to_pylist())


def first_texts(table: RawTable, count: int) -> list[list[str | None]]:
    """The first ``count`` data rows of every column (cheap on large tables)."""
    return [list(column.slice(0, count).to_pylist()) for column in table.cells]


def positions(table: RawTable) -> tuple[int, ...]:
    return table.positions or tuple(range(len(table.headers)))


def renamed(table: RawTable, headers: Sequence[str]) -> RawTable:
    """The table with new headers (same columns)."""
    new_name = dict(zip(table.headers, headers, strict=True))
    return replace(
        table,
        headers=tuple(headers),
        positions=positions(table),
        file_missing={new_name[h]: values for h, values in table.file_missing.items()},
    )


def drop_first_rows(table: RawTable, count: int) -> RawTable:
    """The table without its first ``count`` data rows; the others keep their row numbers."""
    return replace(
        table,
        rows=table.rows[count:],
        cells=tuple(column.slice(count) for column in table.cells),
        positions=positions(table),
    )


def keep_rows(table: RawTable, keep: Sequence[int]) -> RawTable:
    """Only the data rows at the given 0-based positions (row numbers unchanged)."""
    import numpy as np
    import pyarrow as pa

    index = pa.array(list(keep), type=pa.int64())
    return replace(
        table,
        rows=np.asarray(table.rows)[list(keep)] if keep else np.asarray([], dtype="int64"),
        cells=tuple(column.take(index) for column in table.cells),
        positions=positions(table),
    )


def rebuilt(
    table: RawTable,
    columns: Sequence[tuple[str, Any, int]],
) -> RawTable:
    """A table of (header, cells, sheet position) columns with the same rows."""
    return replace(
        table,
        headers=tuple(header for header, _, _ in columns),
        cells=tuple(cells for _, cells, _ in columns),
        positions=tuple(position for _, _, position in columns),
    )
