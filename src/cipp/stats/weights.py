"""Weighted estimates: raking, Kish's effective n, design-based intervals, Rao-Scott.

The design is the one R's ``survey::svydesign(ids = ~1, weights = ~w)`` describes:
respondents drawn independently with unequal weights, no strata or clusters. Variances
are by linearisation (Taylor series) with the with-replacement factor n/(n - 1), and the
weights are treated as fixed: raked weights too (R's ``rake()`` design would also take the
calibration into its variances; cipp does not). Plain functions over arrays of codes and
weights; tests/test_weights.py pins every number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cipp.model.errors import CippError
from cipp.model.weights import RaoScott, WeightedShare

if TYPE_CHECKING:
    import numpy as np

NAN = math.nan

#: Raking stops when every weighted margin is within this of its population count.
RAKE_TOLERANCE = 1e-6
RAKE_MAX_SWEEPS = 1000


def rake(
    margins: Sequence[tuple[np.ndarray, Sequence[float]]],
    base: np.ndarray,
    *,
    tolerance: float = RAKE_TOLERANCE,
    max_sweeps: int = RAKE_MAX_SWEEPS,
) -> tuple[np.ndarray, int, float]:
    """Iterative proportional fitting (raking) of ``base`` weights to population margins.

    ``margins``: per variable, each respondent's category (0..k-1) and the k population
    counts. Each sweep post-stratifies to every margin in turn, as R's ``survey::rake``
    does (by calling ``postStratify`` per margin), until every weighted margin is within
    ``tolerance`` of its count. Returns (weights, sweeps, largest error left). Checked in
    tests by the properties that define the raking solution (margins met; each weight
    the base weight times one factor per category, Deming and Stephan 1940) and against
    post-stratification by hand for one margin.
    """
    import numpy as np

    weights = np.asarray(base, dtype="float64").copy()
    targets = [np.asarray(counts, dtype="float64") for _, counts in margins]
    error = math.inf
    for sweep in range(1, max_sweeps + 1):
        for (codes, _), target in zip(margins, targets, strict=True):
            totals = np.bincount(codes, weights=weights, minlength=len(target))
            factor = np.divide(target, totals, out=np.zeros_like(target), where=totals > 0)
            weights *= factor[codes]
        error = max(
            float(np.abs(np.bincount(c, weights=weights, minlength=len(t)) - t).max())
            for (c, _), t in zip(margins, targets, strict=True)
        )
        if error < tolerance:
            return weights, sweep, error
    raise CippError(
        f"raking did not converge in {max_sweeps} sweeps (a margin is still off by "
        f"{error:.3g}): the roster's margins may be impossible to meet together"
    )


def kish(weights: np.ndarray) -> tuple[int, float, float, float]:
    """(n, sum of weights, Kish's effective n = (sum w)^2 / sum w^2, design effect of
    weighting = n / effective n = 1 + CV^2 of the weights) (Kish 1965, Survey Sampling,
    11.7); checked by hand in tests."""
    import numpy as np

    w = np.asarray(weights, dtype="float64")
    n = len(w)
    total = float(w.sum())
    squares = float((w * w).sum())
    effective = total * total / squares if squares else NAN
    return n, total, effective, n / effective if effective else NAN


def _t_quantile(df: int, confidence: float) -> float:
    from scipy.stats import t

    return float(t.ppf(1 - (1 - confidence) / 2, df)) if df > 0 else NAN


def _logit_interval(p: float, se: float, df: int, confidence: float) -> tuple[float, float]:
    """expit(logit(p) -/+ t * se / (p(1 - p))): ``svyciprop(method = "logit")``."""
    if not 0 < p < 1 or not math.isfinite(se):
        return NAN, NAN
    half = _t_quantile(df, confidence) * se / (p * (1 - p))
    centre = math.log(p / (1 - p))
    return 1 / (1 + math.exp(-(centre - half))), 1 / (1 + math.exp(-(centre + half)))


def weighted_share(
    numerator: np.ndarray,
    weights: np.ndarray,
    denominator: np.ndarray | None = None,
    *,
    confidence: float = 0.95,
) -> WeightedShare:
    """The weighted share sum(w y) / sum(w a) of the respondents given, in percent.

    With ``denominator`` None (a = 1) it is a proportion, y each respondent's 0/1:
    its standard error is ``svymean``'s and its interval ``svyciprop(method =
    "logit")``'s, with a t quantile on n - 1 df (R's ``degf``): expit(logit p -/+ t se /
    (p (1 - p))). With ``denominator`` it is a ratio (``svyratio``: a component's positive
    answers over its answers), linearised as z = w (y - R a) / sum(w a), with the same
    logit interval. Checked against statsmodels' sandwich (HC1) variance of the weighted
    mean and of an intercept-only weighted logistic model, which equal the
    linearisation of ``svydesign(ids = ~1, weights = ~w)``.
    """
    import numpy as np

    w = np.asarray(weights, dtype="float64")
    y = np.asarray(numerator, dtype="float64")
    a = np.ones_like(y) if denominator is None else np.asarray(denominator, dtype="float64")
    n = len(w)
    total = float((w * a).sum())
    if n == 0 or total <= 0:
        return WeightedShare(NAN, NAN, NAN, NAN, int(y.sum()), int(a.sum()))
    ratio = float((w * y).sum()) / total
    z = w * (y - ratio * a) / total
    z -= z.mean()
    se = math.sqrt(n / (n - 1) * float((z * z).sum())) if n > 1 else NAN
    low, high = _logit_interval(ratio, se, n - 1, confidence)
    return WeightedShare(100 * ratio, 100 * low, 100 * high, 100 * se, int(y.sum()), int(a.sum()))


def rao_scott(
    rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, n_rows: int, n_cols: int
) -> RaoScott:
    """Rao and Scott's (1984) second-order corrected test of independence, as R's
    ``svychisq(~rows + cols, design, statistic = "F")`` on ``svydesign(ids = ~1,
    weights = ~w)`` over the respondents given (categories 0..n-1; pass only those with
    both known).

    X^2 is Pearson's statistic on the weighted table scaled to n; Delta the design
    effect matrix of the (r - 1)(c - 1) interaction contrasts; F = X^2 / tr(Delta) on
    d = tr(Delta)^2 / tr(Delta^2) and d (n - 1) df. Empty rows and columns are dropped
    first. With equal weights Delta = n/(n - 1) I, so F = X^2 (n - 1) / (n df) on (df,
    df (n - 1)): tests check this, and samplics (MIT; its Rao-Scott follows R's) on an
    unequally weighted table.
    """
    import numpy as np
    from scipy.stats import f

    w = np.asarray(weights, dtype="float64")
    n = len(w)
    table = np.zeros((n_rows, n_cols))
    np.add.at(table, (rows, cols), w)
    keep_r, keep_c = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    r, c = int(keep_r.sum()), int(keep_c.sum())
    if r < 2 or c < 2 or n < 2:
        return RaoScott(NAN, NAN, NAN, NAN)
    row_of = np.cumsum(keep_r) - 1
    col_of = np.cumsum(keep_c) - 1
    cell = row_of[rows] + r * col_of[cols]  # rows vary fastest, as R's expand.grid
    indicators = np.zeros((n, r * c))
    indicators[np.arange(n), cell] = 1.0
    p = (w @ indicators) / w.sum()
    x = w[:, None] * (indicators - p) / w.sum()
    x -= x.mean(axis=0)
    variance = n / (n - 1) * (x.T @ x)
    main = _effects(r, c, interaction=False)
    full = _effects(r, c, interaction=True)[:, r + c - 1 :]
    contrasts = full - main @ np.linalg.lstsq(main, full, rcond=None)[0]
    inverse = np.diag(np.divide(1.0, p, out=np.zeros_like(p), where=p > 0))
    denominator = contrasts.T @ (inverse / n) @ contrasts
    numerator = contrasts.T @ inverse @ variance @ inverse @ contrasts
    delta = np.linalg.solve(denominator, numerator)
    trace = float(np.trace(delta))
    d = trace * trace / float(np.trace(delta @ delta))
    shares = table[np.ix_(keep_r, keep_c)] / table.sum()
    expected = np.outer(shares.sum(axis=1), shares.sum(axis=0))
    pearson = n * float(((shares - expected) ** 2 / expected).sum())
    statistic = pearson / trace
    return RaoScott(statistic, d, d * (n - 1), float(f.sf(statistic, d, d * (n - 1))))


def _effects(r: int, c: int, *, interaction: bool) -> np.ndarray:
    """Treatment-coded model matrix over the r x c cells (rows fastest): intercept, rows,
    columns and, with ``interaction``, their products (R's ``model.matrix``)."""
    import numpy as np

    row = np.tile(np.arange(r), c)
    col = np.repeat(np.arange(c), r)
    parts = [np.ones(r * c)]
    parts += [(row == i).astype(float) for i in range(1, r)]
    parts += [(col == j).astype(float) for j in range(1, c)]
    if interaction:
        parts += [((row == i) & (col == j)).astype(float) for j in range(1, c) for i in range(1, r)]
    return np.column_stack(parts)
