"""Internal consistency of a set of items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cipp.stats.counting import tally

if TYPE_CHECKING:
    import numpy as np


def cronbach_alpha(scores: np.ndarray) -> float:
    """Cronbach's alpha of a respondents x items matrix of complete answers.

    alpha = k / (k - 1) * (1 - sum of item variances / variance of the total score), with
    sample variances (ddof = 1), as SPSS RELIABILITY and R's psych::alpha (raw_alpha)
    compute it. Respondents with a missing answer must be removed first (listwise, as SPSS
    does). Returns NaN with fewer than two items or two respondents, or when the total
    score does not vary.
    """
    import numpy as np

    matrix = np.asarray(scores, dtype="float64")
    if matrix.ndim != 2:
        return float("nan")
    return cronbach_alpha_columns([matrix[:, j] for j in range(matrix.shape[1])])


def cronbach_alpha_columns(columns: list[np.ndarray]) -> float:
    """Cronbach's alpha from one array per item (complete answers, equal lengths).

    Computed column by column so that a million respondents never need a 2-D float
    copy; :func:`cronbach_alpha` takes the matrix. Checked by hand in the tests.
    """
    import numpy as np

    if len(columns) < 2 or len(columns[0]) < 2:
        return float("nan")
    k = len(columns)
    item_variances = 0.0
    total = np.zeros(len(columns[0]), dtype="float64")
    for column in columns:
        values = column.astype("float64")
        item_variances += float(values.var(ddof=1))
        total += values
    total_variance = float(total.var(ddof=1))
    if total_variance == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - item_variances / total_variance))


def variance_of_counts(counts: Sequence[int], values: Sequence[int]) -> float:
    """The sample variance (n - 1) of integers given how many times each occurs.

    The sums are exact Python integers, so the result is the exact variance rounded
    once (at least as accurate as numpy's var on the values themselves).
    """
    n = sum(counts)
    if n < 2:
        return float("nan")
    total = sum(c * v for c, v in zip(counts, values, strict=True))
    squares = sum(c * v * v for c, v in zip(counts, values, strict=True))
    return (n * squares - total * total) / (n * (n - 1))


def cronbach_alpha_levels(levels: list[np.ndarray], codes: Sequence[int]) -> tuple[float, int]:
    """Cronbach's alpha, and its n, over the respondents who answered every item.

    ``levels`` holds one array per item of level positions (Responses.level_index, all
    items on the scale whose level codes are ``codes``; ``len(codes)`` where missing).
    Variances come from counts of each code and of each total score, never from a float
    copy of the answers; equal to :func:`cronbach_alpha_columns` on the complete answers.
    """
    import numpy as np

    missing = len(codes)
    if len(levels) < 2:
        return float("nan"), 0
    highest = levels[0].copy()
    for item in levels[1:]:
        np.maximum(highest, item, out=highest)
    # Few respondents skip an item: count everyone, then take away the incomplete rows.
    incomplete = np.flatnonzero(highest >= missing)
    n_complete = len(highest) - len(incomplete)
    if n_complete < 2:
        return float("nan"), n_complete
    k = len(levels)
    lowest = min(codes)
    # Each level's code above the lowest, 0 for a missing answer; totals stay small.
    shifted = np.array([code - lowest for code in codes] + [0], dtype="int32")
    totals = np.zeros(len(highest), dtype="int32")
    item_variances = 0.0
    for item in levels:
        counts = tally(item, missing) - tally(item[incomplete], missing)
        item_variances += variance_of_counts(counts.tolist(), codes)
        totals += np.take(shifted, item)
    highest_total = int(totals.max())
    counts = tally(totals, highest_total + 1) - tally(totals[incomplete], highest_total + 1)
    total_variance = variance_of_counts(counts.tolist(), range(highest_total + 1))
    if total_variance == 0:
        return float("nan"), n_complete
    return float(k / (k - 1) * (1 - item_variances / total_variance)), n_complete
