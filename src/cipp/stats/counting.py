"""Counting small integer codes (level positions, rows, groups) over many respondents, and
checking a table of counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cipp.model.errors import DataError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: Up to this many distinct values, one vectorised comparison per value beats bincount
#: on one-byte codes (bincount first widens every code to 8 bytes).
FEW_VALUES = 16


def tally(values: np.ndarray, n_values: int) -> np.ndarray:
    """How many times each of 0 .. n_values - 1 occurs in ``values`` (int64 counts);
    values outside that range are not counted."""
    import numpy as np

    if n_values <= FEW_VALUES and values.dtype.itemsize == 1:
        return np.array([np.count_nonzero(values == v) for v in range(n_values)], dtype="int64")
    return np.bincount(values, minlength=n_values)[:n_values]


def count_table(table: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """A two-dimensional table of counts (anything numpy reads: lists of lists, arrays) as
    int64, or a DataError saying what is wrong with it: not numbers, not 2-dimensional,
    not finite, negative or not whole."""
    import numpy as np

    try:
        array = np.asarray(table, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"contingency table: not a table of numbers ({exc})") from None
    if array.ndim != 2:
        raise DataError(f"contingency table: needs 2 dimensions, got {array.ndim}")
    if not np.all(np.isfinite(array)):
        raise DataError("contingency table: counts must be finite numbers")
    if np.any(array < 0):
        raise DataError("contingency table: counts must not be negative")
    if np.any(array != np.round(array)):
        raise DataError("contingency table: counts must be whole numbers")
    return array.astype(np.int64)
