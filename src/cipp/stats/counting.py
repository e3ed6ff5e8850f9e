"""Counting small integer codes (level positions, rows, groups) over many respondents."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

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
