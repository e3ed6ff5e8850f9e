"""Tests of independence of an R x C table of counts, the way SPSS Crosstabs reports them.

Plain functions, each computing one thing: Pearson chi-square and the expected counts
(``pearson_chi_square``), Cochran's rule on the expected counts (``check_expected``),
Cramér's V and Bergsma's bias-corrected V, and the linear-by-linear trend test. One
policy, ``choose_test``, decides between chi-square and Fisher's exact test (cipp.stats.
fisher) and records why; ``test_contingency`` composes them into a ContingencyResult.
Nothing is rounded and no sentence is written here: cipp.render does both.

Orientation of a table: by convention the rows are the response levels of an item and the
columns are the groups of a demographic. Every statistic here is symmetric in rows and
columns, so the other orientation gives the same numbers; only the labels, the
dropped-level lists and the (optional) scores follow the orientation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from cipp.model.errors import CippError, DataError, option
from cipp.model.tests import ChiSquare, ChosenTest, ContingencyResult, ExactTest, ExpectedCheck
from cipp.stats import fisher
from cipp.stats.counting import count_table
from cipp.stats.tails import chi2_sf

__all__ = [
    "SMALL_EXPECTED",
    "SMALL_SHARE_LIMIT",
    "bergsma_v",
    "check_expected",
    "choose_test",
    "cramers_v",
    "linear_by_linear",
    "pearson_chi_square",
    "test_contingency",
]

#: Cochran's rule as SPSS words it: an expected count below this is "small" ...
SMALL_EXPECTED = 5.0
#: ... and more than this share of small cells (or any cell below 1) calls for an exact test.
SMALL_SHARE_LIMIT = 0.20

# Expected counts are ratios of integers; a cell whose expected count is 5 up to float error
# must not be flagged as below 5.
_EXPECTED_EPS = 1e-9

_Counts = npt.NDArray[np.int64]
_Floats = npt.NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# The statistics
# --------------------------------------------------------------------------------------------


def adjusted_residuals(
    table: _Counts, expected: tuple[tuple[float, ...], ...]
) -> tuple[tuple[float, ...], ...]:
    """Adjusted standardised residuals (O - E) / sqrt(E (1 - r_i/n) (1 - c_j/n)), one per
    cell: about standard normal under independence, so a cell beyond +-1.96 holds more
    (fewer) answers than independence would give.

    Agrees with R's ``chisq.test(x)$stdres``: ?chisq.test's party table (Agresti 2007,
    p. 39: F 762, 327, 468; M 484, 239, 477) gives 4.50, 0.70, -5.32 for F.
    """
    counts = np.asarray(table, dtype=np.float64)
    n = float(counts.sum())
    rows = counts.sum(axis=1, keepdims=True) / n
    cols = counts.sum(axis=0, keepdims=True) / n
    fitted = np.asarray(expected, dtype=np.float64)
    residuals = (counts - fitted) / np.sqrt(fitted * (1.0 - rows) * (1.0 - cols))
    return tuple(tuple(float(x) for x in row) for row in residuals)


def _chi_square(observed: _Floats, expected: _Floats, dof: int) -> tuple[float, float]:
    """Pearson's statistic and its p, summed as scipy's power_divergence sums them."""
    statistic = float(((observed - expected) ** 2 / expected).sum())
    return statistic, chi2_sf(statistic, dof)


def pearson_chi_square(table: _Counts) -> ChiSquare:
    """Pearson chi-square without continuity correction, its expected counts and, for a
    2 x 2 table, Yates' corrected p.

    The arithmetic of ``scipy.stats.chi2_contingency`` step for step (expected counts from
    the margins, the terms summed over the table, the p from scipy.special.chdtrc), so
    the same floats (a test checks it), without importing scipy.stats. The table has at
    least two non-empty rows and columns (test_contingency drops empty ones). Agrees with
    R's ``chisq.test(correct = FALSE)`` (?chisq.test's example from Agresti 2007 p. 39:
    X-squared = 30.07, df = 2, p = 2.954e-07); Yates' p with ``chisq.test``'s default
    (?chisq.test: 0.4233).
    """
    observed = np.asarray(table, dtype=np.float64)
    rows = observed.sum(axis=1, keepdims=True)
    columns = observed.sum(axis=0, keepdims=True)
    expected = rows * columns / observed.sum()
    dof = expected.size - sum(expected.shape) + expected.ndim - 1
    statistic, p_value = _chi_square(observed, expected, dof)
    p_yates = math.nan
    if observed.shape == (2, 2):
        # Yates: each count moved half a unit towards its expected count, never past it.
        difference = expected - observed
        moved = observed + np.minimum(0.5, np.abs(difference)) * np.sign(difference)
        p_yates = _chi_square(moved, expected, dof)[1]
    return ChiSquare(
        statistic=statistic,
        df=int(dof),
        p_value=p_value,
        p_yates=p_yates,
        expected=tuple(tuple(float(x) for x in row) for row in expected),
    )


def check_expected(expected: Sequence[Sequence[float]] | _Floats) -> ExpectedCheck:
    """Cochran's rule on expected counts, as SPSS applies it: the cells expecting fewer
    than 5 (their number and share, as in SPSS's footnote "k cells (x%) have expected count
    less than 5"), the minimum, and whether more than 20% of the cells expect fewer than 5
    or any cell fewer than 1 (either calls for an exact test). Counts within 1e-9 of 5 or
    1 are not below it."""
    array = np.asarray(expected, dtype=float)
    cells = int(array.size)
    below = int(np.sum(array < SMALL_EXPECTED - _EXPECTED_EPS))
    share = below / cells
    min_expected = float(array.min())
    return ExpectedCheck(
        cells=cells,
        below_5=below,
        share_below_5=share,
        min_expected=min_expected,
        many_below_5=share > SMALL_SHARE_LIMIT,
        any_below_1=min_expected < 1.0 - _EXPECTED_EPS,
    )


def cramers_v(table: _Counts, statistic: float | None = None) -> float:
    """Cramér's V without bias correction, as scipy's ``association(method='cramer')``
    computes it: sqrt(chi2 / n / min(r - 1, c - 1)); ``statistic`` is the table's
    Pearson chi-square when already known."""
    counts = np.asarray(table)
    chi2 = pearson_chi_square(counts).statistic if statistic is None else statistic
    phi2 = chi2 / counts.sum()
    return math.sqrt(phi2 / min(counts.shape[0] - 1, counts.shape[1] - 1))


def bergsma_v(chi2: float, n: int, n_rows: int, n_cols: int) -> float:
    """Bias-corrected Cramér's V of Bergsma (2013), J. Korean Stat. Soc. 42, 323-328;
    0 when the association is below its bias, NaN when it is undefined."""
    if n <= 1:
        return math.nan
    phi2 = max(0.0, chi2 / n - (n_rows - 1) * (n_cols - 1) / (n - 1))
    rows_tilde = n_rows - (n_rows - 1) ** 2 / (n - 1)
    cols_tilde = n_cols - (n_cols - 1) ** 2 / (n - 1)
    denominator = min(rows_tilde - 1, cols_tilde - 1)
    if denominator <= 0:
        return math.nan
    return math.sqrt(phi2 / denominator)


def linear_by_linear(
    table: _Counts, row_scores: _Floats, col_scores: _Floats
) -> tuple[float, float]:
    """The linear-by-linear association test as SPSS prints it: (M^2, p) with
    M^2 = (N - 1) r^2, df 1, r the Pearson correlation of the row and column scores over
    the N responses; (NaN, NaN) when either score has no variance.

    Agrees with Agresti (2007, p. 42, infant malformation x alcohol: M^2 = 6.57 with scores
    0, 0.5, 1.5, 4, 7) and with statsmodels' ``Table.test_ordinal_association``.
    """
    counts = table.astype(float)
    n = counts.sum()
    row_tot = counts.sum(axis=1)
    col_tot = counts.sum(axis=0)
    mean_r = float(row_tot @ row_scores) / n
    mean_c = float(col_tot @ col_scores) / n
    dr = row_scores - mean_r
    dc = col_scores - mean_c
    cov = float(dr @ counts @ dc)
    var_r = float(row_tot @ (dr * dr))
    var_c = float(col_tot @ (dc * dc))
    if var_r <= 0 or var_c <= 0:
        return math.nan, math.nan
    r = cov / math.sqrt(var_r * var_c)
    m2 = (n - 1.0) * r * r
    return m2, chi2_sf(m2, 1)


# --------------------------------------------------------------------------------------------
# The policy
# --------------------------------------------------------------------------------------------


def choose_test(
    table: _Counts,
    expected: Sequence[Sequence[float]] | _Floats,
    *,
    resamples: int,
    seed: int,
    max_steps: int | None = None,
) -> ChosenTest:
    """Which test of independence a table's conclusion relies on, and why.

    Pearson chi-square, unless the expected counts break Cochran's rule (``check_expected``:
    more than 20% of the cells expect fewer than 5, or any cell fewer than 1); then
    Fisher's exact test (Freeman-Halton for R x C): exact for 2 x 2 (scipy, as R's
    ``fisher.test``), exact for R x C when ``fisher.fisher_exact_rxc`` enumerates the table
    within ``max_steps`` (default ``fisher.EXACT_MAX_STEPS``), else Monte Carlo with
    ``resamples`` tables from a Generator seeded with ``seed``.
    """
    check = check_expected(expected)
    if not check.calls_for_exact:
        return ChosenTest(test_used="pearson chi-square", check=check, exact=None)
    if table.shape == (2, 2):
        exact = ExactTest(p_value=fisher.fisher_exact_2x2(table), method="exact")
    else:
        p = fisher.fisher_exact_rxc(table, max_steps=max_steps)
        if p is not None:
            exact = ExactTest(p_value=p, method="exact")
        else:
            p = fisher.fisher_monte_carlo(table, resamples=resamples, seed=seed)
            exact = ExactTest(p_value=p, method="monte carlo", resamples=resamples, seed=seed)
    return ChosenTest(test_used="fisher exact", check=check, exact=exact)


# --------------------------------------------------------------------------------------------
# The table and the whole test
# --------------------------------------------------------------------------------------------


class _Levels(NamedTuple):
    """A table without its all-zero rows and columns, and what was dropped."""

    table: _Counts
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    dropped_rows: tuple[str, ...]
    dropped_cols: tuple[str, ...]
    row_scores: _Floats
    col_scores: _Floats


def _labels(labels: Sequence[object], size: int, what: str) -> tuple[str, ...]:
    out = tuple(str(label) for label in labels)
    if len(out) != size:
        raise DataError(f"contingency table: {len(out)} {what} labels for {size} {what}s")
    return out


def _scores(scores: Sequence[float] | None, size: int, what: str) -> _Floats:
    if scores is None:
        # Original level positions 1..k, so dropping an empty level keeps the spacing.
        return np.arange(1, size + 1, dtype=float)
    array = np.asarray(scores, dtype=float)
    if array.shape != (size,):
        raise DataError(f"contingency table: {array.size} {what} scores for {size} {what}s")
    if not np.all(np.isfinite(array)):
        raise DataError(f"contingency table: {what} scores must be finite numbers")
    return array


def _drop_empty(
    counts: _Counts,
    row_labels: tuple[str, ...],
    col_labels: tuple[str, ...],
    row_scores: _Floats,
    col_scores: _Floats,
) -> _Levels:
    keep_r = counts.sum(axis=1) > 0
    keep_c = counts.sum(axis=0) > 0
    return _Levels(
        table=counts[np.ix_(keep_r, keep_c)],
        rows=tuple(lab for lab, keep in zip(row_labels, keep_r, strict=True) if keep),
        cols=tuple(lab for lab, keep in zip(col_labels, keep_c, strict=True) if keep),
        dropped_rows=tuple(lab for lab, keep in zip(row_labels, keep_r, strict=True) if not keep),
        dropped_cols=tuple(lab for lab, keep in zip(col_labels, keep_c, strict=True) if not keep),
        row_scores=row_scores[keep_r],
        col_scores=col_scores[keep_c],
    )


def _not_testable(levels: _Levels, *, ordinal: bool, bias_corrected: bool) -> ContingencyResult:
    """The result of a table with fewer than two non-empty rows or columns."""
    n = int(levels.table.sum())
    if n == 0:
        reason = "no responses"
    else:
        reason = (
            "needs at least two non-empty rows and two non-empty columns; "
            f"found {len(levels.rows)} row(s) and {len(levels.cols)} column(s)"
        )
    return ContingencyResult(
        testable=False,
        reason=reason,
        n=n,
        row_labels=levels.rows,
        col_labels=levels.cols,
        table=tuple(tuple(int(x) for x in row) for row in levels.table),
        dropped_rows=levels.dropped_rows,
        dropped_cols=levels.dropped_cols,
        statistic=math.nan,
        df=None,
        p_value=math.nan,
        p_yates=math.nan,
        expected=(),
        min_expected=math.nan,
        cells_expected_below_5=None,
        share_expected_below_5=math.nan,
        many_expected_below_5=False,
        any_expected_below_1=False,
        p_exact=math.nan,
        exact_method=None,
        exact_resamples=None,
        exact_seed=None,
        test_used=None,
        cramers_v=math.nan,
        cramers_v_corrected=math.nan,
        bias_corrected=bias_corrected,
        ordinal=ordinal,
        row_scores=tuple(float(x) for x in levels.row_scores) if ordinal else None,
        col_scores=tuple(float(x) for x in levels.col_scores) if ordinal else None,
        linear_by_linear=math.nan,
        p_linear_by_linear=math.nan,
    )


def _tested(
    levels: _Levels, chi: ChiSquare, choice: ChosenTest, *, ordinal: bool, bias_corrected: bool
) -> ContingencyResult:
    """The result of a table with at least two non-empty rows and columns: the chi-square,
    the chosen test, the effect sizes and (``ordinal``) the trend test."""
    kept = levels.table
    n = int(kept.sum())
    check, exact = choice.check, choice.exact
    m2, p_m2 = (
        linear_by_linear(kept, levels.row_scores, levels.col_scores)
        if ordinal
        else (math.nan, math.nan)
    )
    return ContingencyResult(
        testable=True,
        reason=None,
        n=n,
        row_labels=levels.rows,
        col_labels=levels.cols,
        table=tuple(tuple(int(x) for x in row) for row in kept),
        dropped_rows=levels.dropped_rows,
        dropped_cols=levels.dropped_cols,
        statistic=chi.statistic,
        df=chi.df,
        p_value=chi.p_value,
        p_yates=chi.p_yates,
        expected=chi.expected,
        min_expected=check.min_expected,
        cells_expected_below_5=check.below_5,
        share_expected_below_5=check.share_below_5,
        many_expected_below_5=check.many_below_5,
        any_expected_below_1=check.any_below_1,
        p_exact=math.nan if exact is None else exact.p_value,
        exact_method=None if exact is None else exact.method,
        exact_resamples=None if exact is None else exact.resamples,
        exact_seed=None if exact is None else exact.seed,
        test_used=choice.test_used,
        cramers_v=cramers_v(kept, chi.statistic),
        cramers_v_corrected=(
            bergsma_v(chi.statistic, n, kept.shape[0], kept.shape[1])
            if bias_corrected
            else math.nan
        ),
        bias_corrected=bias_corrected,
        ordinal=ordinal,
        row_scores=tuple(float(x) for x in levels.row_scores) if ordinal else None,
        col_scores=tuple(float(x) for x in levels.col_scores) if ordinal else None,
        linear_by_linear=m2,
        p_linear_by_linear=p_m2,
        residuals=adjusted_residuals(kept, chi.expected),
    )


def test_contingency(
    table: npt.ArrayLike,
    *,
    row_labels: Sequence[object],
    col_labels: Sequence[object],
    ordinal: bool = False,
    bias_corrected: bool = False,
    seed: int = 20250101,
    resamples: int = 10000,
    row_scores: Sequence[float] | None = None,
    col_scores: Sequence[float] | None = None,
    exact_max_steps: int | None = None,
) -> ContingencyResult:
    """Test independence in an R x C table of counts, the way SPSS Crosstabs reports it.

    ``table`` holds counts, by convention rows = response levels of an item and columns =
    groups of a demographic (all statistics are symmetric, so the transpose gives the same
    numbers). Steps:

    1. All-zero rows and columns (levels nobody chose) are dropped first; their labels go
       to ``dropped_rows`` / ``dropped_cols``. Fewer than two non-empty rows or columns
       gives ``testable=False`` with a ``reason`` (never an exception).
    2. Pearson chi-square and the expected counts (``pearson_chi_square``).
    3. Cochran's rule on the expected counts and the choice between chi-square and
       Fisher's exact test (``choose_test``); a Monte Carlo p records ``exact_resamples``
       and ``exact_seed``. ``exact_max_steps`` sets the enumeration's work budget
       (default ``fisher.EXACT_MAX_STEPS``).
    4. Cramér's V and, when ``bias_corrected=True``, Bergsma's (2013) bias-corrected V in
       ``cramers_v_corrected`` (NaN otherwise); ``effect_size`` picks the one to report.
    5. ``ordinal=True``: the linear-by-linear association test (``linear_by_linear``).
       Scores default to the original level positions 1..k (as given, before dropping
       empty levels: a dropped middle level leaves a gap, just as SPSS uses the codes of
       the levels present), or ``row_scores`` / ``col_scores``, one per original row /
       column. Dropping empty levels does not change M^2.
    """
    counts = count_table(table)
    levels = _drop_empty(
        counts,
        _labels(row_labels, counts.shape[0], "row"),
        _labels(col_labels, counts.shape[1], "column"),
        _scores(row_scores, counts.shape[0], "row"),
        _scores(col_scores, counts.shape[1], "column"),
    )
    if resamples < 1:
        raise CippError(f"{option('resamples', resamples)}: must be at least 1")
    if len(levels.rows) < 2 or len(levels.cols) < 2:
        return _not_testable(levels, ordinal=ordinal, bias_corrected=bias_corrected)
    chi = pearson_chi_square(levels.table)
    choice = choose_test(
        levels.table, chi.expected, resamples=resamples, seed=seed, max_steps=exact_max_steps
    )
    return _tested(levels, chi, choice, ordinal=ordinal, bias_corrected=bias_corrected)


# The name starts with "test_" (it is the interface); keep pytest from collecting it when a
# test module imports it.
test_contingency.__test__ = False  # type: ignore[attr-defined]
