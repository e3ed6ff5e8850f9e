"""Internal consistency of a set of items."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
