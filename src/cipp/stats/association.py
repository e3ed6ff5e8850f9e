"""Tests of independence of a survey table: chi-square, Fisher's exact, effect sizes, trend.

Fisher's exact test itself is in cipp.stats.fisher, the adjustment of p-values in
cipp.stats.adjust, goodness of fit in cipp.stats.goodness_of_fit. Nothing is rounded here;
rounding happens in the renderers (see ``cipp.render.apa``).

Orientation of a contingency table: by convention the rows are the response levels of an
item and the columns are the groups of a demographic. Every statistic in this module is
symmetric in rows and columns, so the other orientation gives the same numbers; only the
labels, the dropped-level lists and the (optional) scores follow the orientation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from cipp.model.errors import CippError, DataError
from cipp.model.tests import ContingencyResult
from cipp.stats.counting import count_table
from cipp.stats.fisher import fisher_exact_rxc

__all__ = ["ContingencyResult", "test_contingency"]

#: Cochran's rule as SPSS words it: an expected count below this is "small" ...
SMALL_EXPECTED = 5.0
#: ... and more than this share of small cells (or any cell below 1) calls for an exact test.
SMALL_SHARE_LIMIT = 0.20

# Expected counts are ratios of integers; a cell whose expected count is 5 up to float error
# must not be flagged as below 5.
_EXPECTED_EPS = 1e-9


# --------------------------------------------------------------------------------------------
# Contingency tables
# --------------------------------------------------------------------------------------------


def _labels(labels: Sequence[Any], size: int, what: str) -> tuple[str, ...]:
    out = tuple(str(label) for label in labels)
    if len(out) != size:
        raise DataError(f"contingency table: {len(out)} {what} labels for {size} {what}s")
    return out


def _scores(scores: Sequence[float] | None, size: int, what: str) -> np.ndarray:
    if scores is None:
        # Original level positions 1..k, so dropping an empty level keeps the spacing.
        return np.arange(1, size + 1, dtype=float)
    array = np.asarray(scores, dtype=float)
    if array.shape != (size,):
        raise DataError(f"contingency table: {array.size} {what} scores for {size} {what}s")
    if not np.all(np.isfinite(array)):
        raise DataError(f"contingency table: {what} scores must be finite numbers")
    return array


def _spss_expected_note(cells_below: int, cells: int, min_expected: float) -> str:
    share = 100.0 * cells_below / cells
    return (
        f"{cells_below} cells ({share:.1f}%) have expected count less than 5. "
        f"The minimum expected count is {min_expected:.2f}."
    )


def _linear_by_linear(table: np.ndarray, rs: np.ndarray, cs: np.ndarray) -> tuple[float, float]:
    """M^2 = (N - 1) r^2 with r the Pearson correlation of the scores, weighted by counts."""
    counts = table.astype(float)
    n = counts.sum()
    row_tot = counts.sum(axis=1)
    col_tot = counts.sum(axis=0)
    mean_r = float(row_tot @ rs) / n
    mean_c = float(col_tot @ cs) / n
    dr = rs - mean_r
    dc = cs - mean_c
    cov = float(dr @ counts @ dc)
    var_r = float(row_tot @ (dr * dr))
    var_c = float(col_tot @ (dc * dc))
    if var_r <= 0 or var_c <= 0:
        return math.nan, math.nan
    r = cov / math.sqrt(var_r * var_c)
    m2 = (n - 1.0) * r * r
    return m2, float(stats.chi2.sf(m2, 1))


def _bergsma_v(chi2: float, n: int, n_rows: int, n_cols: int) -> float:
    """Bias-corrected Cramer's V of Bergsma (2013), J. Korean Stat. Soc. 42, 323-328."""
    if n <= 1:
        return math.nan
    phi2 = max(0.0, chi2 / n - (n_rows - 1) * (n_cols - 1) / (n - 1))
    rows_tilde = n_rows - (n_rows - 1) ** 2 / (n - 1)
    cols_tilde = n_cols - (n_cols - 1) ** 2 / (n - 1)
    denominator = min(rows_tilde - 1, cols_tilde - 1)
    if denominator <= 0:
        return math.nan
    return math.sqrt(phi2 / denominator)


def test_contingency(
    table: Any,
    *,
    row_labels: Sequence[Any],
    col_labels: Sequence[Any],
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
       to ``dropped_rows`` / ``dropped_cols`` and a note. Fewer than two non-empty rows or
       columns gives ``testable=False`` with a ``reason`` (never an exception).
    2. Pearson chi-square without continuity correction (agrees with R's
       ``chisq.test(correct = FALSE)``; pinned to R's ?chisq.test example, Agresti 2007
       p. 39: X-squared = 30.07, df = 2, p = 2.954e-07); for 2 x 2 tables also Yates'
       corrected p (``chisq.test`` default; pinned to ?chisq.test's 0.4233).
    3. Expected counts: the minimum, the number and share of cells below 5, and SPSS's
       footnote "k cells (x%) have expected count less than 5. The minimum expected count
       is m."
    4. When more than 20% of cells expect fewer than 5 or any cell expects fewer than 1,
       Fisher's exact test (Freeman-Halton for R x C) decides instead: exactly for 2 x 2
       (scipy, agrees with R's ``fisher.test``) and for R x C when the enumeration of
       ``fisher_exact_rxc`` fits its work budget, else by Monte Carlo with ``resamples``
       tables drawn from a ``numpy`` Generator seeded with ``seed`` (recorded in
       ``exact_resamples`` and ``exact_seed``). ``exact_max_steps`` sets that budget
       (default ``fisher.EXACT_MAX_STEPS``).
    5. Cramer's V (scipy ``association(method='cramer')``, no correction) and, when
       ``bias_corrected=True``, Bergsma's (2013) bias-corrected V in
       ``cramers_v_corrected`` (NaN otherwise); ``effect_size`` picks the one to report.
    6. ``ordinal=True``: the linear-by-linear association test as SPSS prints it,
       M^2 = (N - 1) r^2 with df 1, r the Pearson correlation of the row and column scores
       over the N responses. Scores default to the original level positions 1..k (as
       given, before dropping empty levels: a dropped middle level leaves a gap, just as
       SPSS uses the codes of the levels present), or ``row_scores`` / ``col_scores``, one
       per original row / column. Dropping empty levels does not change M^2. Agrees with
       Agresti (2007, p. 42, infant malformation x alcohol: M^2 = 6.57 with scores
       0, 0.5, 1.5, 4, 7) and with statsmodels' ``Table.test_ordinal_association``.
    """
    counts = count_table(table)
    rows_all = _labels(row_labels, counts.shape[0], "row")
    cols_all = _labels(col_labels, counts.shape[1], "column")
    rs_all = _scores(row_scores, counts.shape[0], "row")
    cs_all = _scores(col_scores, counts.shape[1], "column")
    if resamples < 1:
        raise CippError(f"resamples must be at least 1, got {resamples}")

    keep_r = counts.sum(axis=1) > 0
    keep_c = counts.sum(axis=0) > 0
    dropped_rows = tuple(lab for lab, keep in zip(rows_all, keep_r, strict=True) if not keep)
    dropped_cols = tuple(lab for lab, keep in zip(cols_all, keep_c, strict=True) if not keep)
    kept = counts[np.ix_(keep_r, keep_c)]
    rows = tuple(lab for lab, keep in zip(rows_all, keep_r, strict=True) if keep)
    cols = tuple(lab for lab, keep in zip(cols_all, keep_c, strict=True) if keep)
    n = int(kept.sum())

    notes: list[str] = []
    if dropped_rows:
        notes.append("Rows with no responses were left out: " + ", ".join(dropped_rows) + ".")
    if dropped_cols:
        notes.append("Columns with no responses were left out: " + ", ".join(dropped_cols) + ".")

    base: dict[str, Any] = {
        "n": n,
        "row_labels": rows,
        "col_labels": cols,
        "table": tuple(tuple(int(x) for x in row) for row in kept),
        "dropped_rows": dropped_rows,
        "dropped_cols": dropped_cols,
        "bias_corrected": bias_corrected,
        "ordinal": ordinal,
        "row_scores": tuple(float(x) for x in rs_all[keep_r]) if ordinal else None,
        "col_scores": tuple(float(x) for x in cs_all[keep_c]) if ordinal else None,
    }

    if len(rows) < 2 or len(cols) < 2:
        if n == 0:
            reason = "no responses"
        else:
            reason = (
                "needs at least two non-empty rows and two non-empty columns; "
                f"found {len(rows)} row(s) and {len(cols)} column(s)"
            )
        notes.append(f"Not testable: {reason}.")
        return ContingencyResult(
            testable=False,
            reason=reason,
            statistic=math.nan,
            df=None,
            p_value=math.nan,
            p_yates=math.nan,
            expected=(),
            min_expected=math.nan,
            cells_expected_below_5=None,
            share_expected_below_5=math.nan,
            expected_note=None,
            p_exact=math.nan,
            exact_method=None,
            exact_resamples=None,
            exact_seed=None,
            test_used=None,
            test_reason=None,
            cramers_v=math.nan,
            cramers_v_corrected=math.nan,
            linear_by_linear=math.nan,
            p_linear_by_linear=math.nan,
            notes=tuple(notes),
            **base,
        )

    chi = stats.chi2_contingency(kept, correction=False)
    statistic = float(chi.statistic)
    df = int(chi.dof)
    p_value = float(chi.pvalue)
    expected = np.asarray(chi.expected_freq, dtype=float)
    is_2x2 = kept.shape == (2, 2)
    p_yates = float(stats.chi2_contingency(kept, correction=True).pvalue) if is_2x2 else math.nan

    cells = kept.size
    below = int(np.sum(expected < SMALL_EXPECTED - _EXPECTED_EPS))
    share = below / cells
    min_expected = float(expected.min())
    expected_note = _spss_expected_note(below, cells, min_expected)

    needs_exact = share > SMALL_SHARE_LIMIT or min_expected < 1.0 - _EXPECTED_EPS
    p_exact = math.nan
    exact_method: str | None = None
    exact_resamples: int | None = None
    exact_seed: int | None = None
    if needs_exact:
        test_used = "fisher exact"
        why = [f"{below} of {cells} cells ({100.0 * share:.1f}%) expect fewer than 5"]
        if min_expected < 1.0 - _EXPECTED_EPS:
            why.append(f"the minimum expected count is {min_expected:.2f} (below 1)")
        if is_2x2:
            p_exact = float(stats.fisher_exact(kept).pvalue)
            exact_method = "exact"
            how = "exact"
        else:
            exact_p = fisher_exact_rxc(kept, max_steps=exact_max_steps)
            if exact_p is not None:
                p_exact = exact_p
                exact_method = "exact"
                how = "exact, Freeman-Halton"
            else:
                method = stats.MonteCarloMethod(
                    n_resamples=resamples, rng=np.random.default_rng(seed)
                )
                # scipy 1.17 returns some Monte Carlo p values as a one-element array.
                p_exact = float(np.ravel(stats.fisher_exact(kept, method=method).pvalue)[0])
                exact_method = "monte carlo"
                exact_resamples = resamples
                exact_seed = seed
                how = (
                    f"Monte Carlo, {resamples} resamples, seed {seed}; too many tables to enumerate"
                )
        test_reason = f"Fisher's exact test ({how}): " + " and ".join(why)
    else:
        test_used = "pearson chi-square"
        if below == 0:
            test_reason = "Pearson chi-square: every cell expects at least 5"
        else:
            test_reason = (
                f"Pearson chi-square: {below} of {cells} cells ({100.0 * share:.1f}%) "
                "expect fewer than 5, within the 20% rule, and none fewer than 1"
            )

    cramers_v = float(stats.contingency.association(kept, method="cramer"))
    cramers_v_corrected = (
        _bergsma_v(statistic, n, kept.shape[0], kept.shape[1]) if bias_corrected else math.nan
    )

    m2 = p_m2 = math.nan
    if ordinal:
        m2, p_m2 = _linear_by_linear(kept, rs_all[keep_r], cs_all[keep_c])

    return ContingencyResult(
        testable=True,
        reason=None,
        statistic=statistic,
        df=df,
        p_value=p_value,
        p_yates=p_yates,
        expected=tuple(tuple(float(x) for x in row) for row in expected),
        min_expected=min_expected,
        cells_expected_below_5=below,
        share_expected_below_5=share,
        expected_note=expected_note,
        p_exact=p_exact,
        exact_method=exact_method,
        exact_resamples=exact_resamples,
        exact_seed=exact_seed,
        test_used=test_used,
        test_reason=test_reason,
        cramers_v=cramers_v,
        cramers_v_corrected=cramers_v_corrected,
        linear_by_linear=m2,
        p_linear_by_linear=p_m2,
        notes=tuple(notes),
        **base,
    )


# The name starts with "test_" (it is the interface); keep pytest from collecting it when a
# test module imports it.
test_contingency.__test__ = False  # type: ignore[attr-defined]
