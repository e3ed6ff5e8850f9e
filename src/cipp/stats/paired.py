"""Tests for paired answers: the same respondents before and after.

Plain functions over counts and codes; each docstring names what it was checked against
(tests/test_paired.py pins the numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cipp.model.paired import MarginalHomogeneity, McNemar, PairedProportions, SignedRank

if TYPE_CHECKING:
    import numpy as np

NAN = math.nan


def mcnemar(b: int, c: int) -> McNemar:
    """McNemar's test from the discordant counts of a paired 2 x 2 table.

    As R's ``mcnemar.test(x, correct = TRUE)``: (|b - c| - 1)^2 / (b + c) on 1 df, without
    the correction when b = c (R applies it only when the table is not symmetric); NaN
    when there is no discordant pair. ``p_exact`` is the two-sided binomial test of b
    successes in b + c at 1/2 (``binom.test``; scipy's binomtest), the exact McNemar test.
    Pinned to R's ``?mcnemar.test`` example (Agresti 1990, p. 350, presidential approval:
    McNemar's chi-squared = 16.818, p = 4.115e-05) and cross-checked with statsmodels'
    ``mcnemar(exact=True)`` and ``mcnemar(exact=False, correction=True)``.
    """
    from scipy.stats import binomtest, chi2

    n = b + c
    if n == 0:
        return McNemar(NAN, NAN, NAN, b, c)
    difference = abs(b - c) - (1 if b != c else 0)
    statistic = difference**2 / n
    p = float(chi2.sf(statistic, 1))
    p_exact = float(binomtest(b, n, 0.5).pvalue)
    return McNemar(float(statistic), p, min(1.0, p_exact), b, c)


def stuart_maxwell(
    table: Sequence[Sequence[int]], labels: Sequence[str] = ()
) -> MarginalHomogeneity:
    """Stuart-Maxwell test of marginal homogeneity of a square k x k table (rows: before).

    W = d' S^-1 d on k - 1 df, d the differences of the row and column totals and S their
    covariance (Stuart 1955, Maxwell 1970), over the first k - 1 levels. Levels with no
    answer before or after are dropped first (``dropped``); NaN when fewer than two levels
    remain or S is singular (no discordant pair). Agrees with statsmodels'
    ``SquareTable(table).homogeneity()`` and with Stuart's (1955) unaided-vision data
    (W = 11.96 on 3 df, as Agresti's Categorical Data Analysis reports).
    """
    import numpy as np
    from scipy.stats import chi2

    counts = np.asarray(table, dtype="float64")
    names = list(labels) or [str(j) for j in range(len(counts))]
    used = (counts.sum(axis=0) + counts.sum(axis=1)) > 0
    dropped = tuple(name for name, keep in zip(names, used, strict=True) if not keep)
    counts = counts[np.ix_(used, used)]
    k = len(counts)
    if k < 2:
        return MarginalHomogeneity(NAN, max(k - 1, 0), NAN, dropped)
    rows, cols = counts.sum(axis=1), counts.sum(axis=0)
    d = (rows - cols)[:-1]
    covariance = -(counts + counts.T)
    np.fill_diagonal(covariance, rows + cols - 2 * np.diag(counts))
    covariance = covariance[:-1, :-1]
    try:
        statistic = float(d @ np.linalg.solve(covariance, d))
    except np.linalg.LinAlgError:
        return MarginalHomogeneity(NAN, k - 1, NAN, dropped)
    return MarginalHomogeneity(statistic, k - 1, float(chi2.sf(statistic, k - 1)), dropped)


def signed_rank(
    before: Sequence[float] | np.ndarray, after: Sequence[float] | np.ndarray
) -> SignedRank:
    """Wilcoxon signed-rank test of after - before, as R's ``wilcox.test(after, before,
    paired = TRUE, exact = FALSE, correct = TRUE)``.

    Zero differences are dropped; ties get average ranks and the variance R's tie
    correction; V is the sum of the ranks of the positive differences; z has the
    continuity correction 0.5 * sign(z); p is two-sided normal. NaN when every
    difference is zero. Equal to scipy's ``wilcoxon(zero_method="wilcox",
    correction=True, method="approx")`` p (tests/test_paired.py), and V = 40 on R's
    ``?wilcox.test`` depression example.
    """
    import numpy as np
    from scipy.stats import norm, rankdata

    differences = np.asarray(after, dtype="float64") - np.asarray(before, dtype="float64")
    differences = differences[differences != 0]
    n = len(differences)
    if n == 0:
        return SignedRank(0.0, NAN, 0)
    ranks = rankdata(np.abs(differences))
    v = float(ranks[differences > 0].sum())
    _, ties = np.unique(ranks, return_counts=True)
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - float((ties**3 - ties).sum()) / 48)
    if sigma == 0:
        return SignedRank(v, NAN, n)
    z = v - n * (n + 1) / 4
    z = (z - 0.5 * math.copysign(1.0, z) * (z != 0)) / sigma
    p = 2 * min(float(norm.cdf(z)), float(norm.sf(z)))
    return SignedRank(v, min(1.0, p), n)


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson's score interval for k of n (proportions 0-1)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def newcombe_paired(
    a: int, b: int, c: int, d: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Newcombe's (1998b) method 10 interval for p1 - p2 from paired data.

    ``a``: positive on both occasions, ``b``: on the first only, ``c``: on the second
    only, ``d``: on neither; p1 = (a + b)/n, p2 = (a + c)/n. Wilson score limits of each
    proportion are combined by square-and-add with the correlation phi of the 2 x 2 table,
    corrected as the paper says: (ad - bc - n/2)/sqrt(efgh) when ad - bc > n/2, 0 when
    0 <= ad - bc <= n/2, (ad - bc)/sqrt(efgh) when negative, and 0 when a margin is 0.
    Returns (p1 - p2, lower, upper) as proportions. Pinned to Fagerland, Lydersen and
    Laake (2017, Statistical Analysis of Contingency Tables, ch. 8): Cavo et al.'s table
    (59, 6, 16, 80) gives -0.0621 (-0.1186 to -0.0046).
    """
    from scipy.stats import norm

    n = a + b + c + d
    if n == 0:
        return NAN, NAN, NAN
    z = float(norm.ppf(1 - (1 - confidence) / 2))
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = _wilson(a + b, n, z)
    l2, u2 = _wilson(a + c, n, z)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    cross = a * d - b * c
    if margins == 0 or 0 <= cross <= n / 2:
        phi = 0.0
    elif cross > n / 2:
        phi = (cross - n / 2) / math.sqrt(margins)
    else:
        phi = cross / math.sqrt(margins)
    theta = p1 - p2
    low = theta - math.sqrt(
        max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0)
    )
    high = theta + math.sqrt(
        max((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0.0)
    )
    return theta, low, high


def paired_proportions(
    a: int, b: int, c: int, d: int, confidence: float = 0.95
) -> PairedProportions:
    """% positive before ((a + b)/n) and after ((a + c)/n) and the change after - before
    in points, with Newcombe's method 10 interval (``newcombe_paired`` turned round)."""
    n = a + b + c + d
    if n == 0:
        return PairedProportions(NAN, NAN, NAN, NAN, NAN, confidence)
    theta, low, high = newcombe_paired(a, b, c, d, confidence)
    return PairedProportions(
        100 * (a + b) / n,
        100 * (a + c) / n,
        -100 * theta,
        -100 * high,
        -100 * low,
        confidence,
    )
