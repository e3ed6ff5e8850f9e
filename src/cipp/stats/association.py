"""Association tests for survey tables: chi-square, Fisher's exact, effect sizes, trend, adjustment.

Everything here is a plain function that returns a frozen dataclass with stable lowercase
field names and a ``to_dict()`` that gives JSON-ready Python values (NaN becomes ``None``).
Nothing is rounded here; rounding happens in the renderers (see ``cipp.render.apa``).

Orientation of a contingency table: by convention the rows are the response levels of an
item and the columns are the groups of a demographic. Every statistic in this module is
symmetric in rows and columns, so the other orientation gives the same numbers; only the
labels, the dropped-level lists and the (optional) scores follow the orientation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import stats

from cipp.model.errors import CippError, DataError
from cipp.model.tests import ContingencyResult, GoodnessOfFit

__all__ = [
    "EXACT_MAX_STEPS",
    "ContingencyResult",
    "GoodnessOfFit",
    "adjust_pvalues",
    "fisher_exact_rxc",
    "goodness_of_fit",
    "test_contingency",
]

#: Cochran's rule as SPSS words it: an expected count below this is "small" ...
SMALL_EXPECTED = 5.0
#: ... and more than this share of small cells (or any cell below 1) calls for an exact test.
SMALL_SHARE_LIMIT = 0.20
#: Work budget of the exact R x C enumeration (see ``fisher_exact_rxc``): this many steps
#: for the preferred orientation of the table and a quarter of it for the transpose. About
#: a microsecond per step, so a table that is too large costs 1.3-2.5 s before it gives
#: way to Monte Carlo.
EXACT_MAX_STEPS = 1_000_000

# Expected counts are ratios of integers; a cell whose expected count is 5 up to float error
# must not be flagged as below 5.
_EXPECTED_EPS = 1e-9
# R's fisher.test counts tables whose probability is within a relative 1e-7 of the observed
# table's as "as extreme"; on the log scale that is an absolute tolerance of 1e-7.
_LOG_TIE = 1e-7


# --------------------------------------------------------------------------------------------
# Contingency tables
# --------------------------------------------------------------------------------------------


def _as_count_table(table: Any) -> np.ndarray:
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
       (default ``EXACT_MAX_STEPS``).
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
    counts = _as_count_table(table)
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


# --------------------------------------------------------------------------------------------
# Exact R x C test
# --------------------------------------------------------------------------------------------


def _lf(k: int) -> float:
    return math.lgamma(k + 1)


def _split_evenly(total: int, parts: int) -> float:
    if parts <= 0 or total == 0:
        return 0.0
    q, r = divmod(total, parts)
    return r * _lf(q + 1) + (parts - r) * _lf(q)


def _most_even(total: int, caps: Sequence[int]) -> float:
    """min of sum log(x_i!) over x with sum = total and 0 <= x_i <= caps_i (water-filling)."""
    open_caps = sorted(cap for cap in caps if cap > 0)
    out = 0.0
    for i, cap in enumerate(open_caps):
        parts = len(open_caps) - i
        if cap * parts <= total:
            out += _lf(cap)
            total -= cap
        else:
            return out + _split_evenly(total, parts)
    return out


def _most_uneven(total: int, caps: Sequence[int]) -> float:
    """max of sum log(x_i!) over the same set: fill the largest caps first."""
    out = 0.0
    for cap in sorted(caps, reverse=True):
        take = min(cap, total)
        out += _lf(take)
        total -= take
        if total == 0:
            break
    return out


def _next_states(total: int, caps: tuple[int, ...], lf: list[float]) -> Any:
    """For every column x with sum = total and 0 <= x_i <= caps_i: (sorted caps - x, sum
    log x_i!). ``lf[k]`` is log(k!)."""
    size = len(caps)
    room = [0] * (size + 1)
    for i in range(size - 1, -1, -1):
        room[i] = room[i + 1] + caps[i]
    left = list(caps)
    last = size - 1

    def fill(i: int, rest: int, add: float) -> Any:
        cap = caps[i]
        if i == last:
            left[i] = cap - rest
            yield tuple(sorted(left)), add + lf[rest]
            return
        for x in range(max(0, rest - room[i + 1]), min(cap, rest) + 1):
            left[i] = cap - x
            yield from fill(i + 1, rest - x, add + lf[x])

    if total <= room[0]:
        yield from fill(0, total, 0.0)


class _TooManyTables(Exception):
    pass


def _fisher_network(table: np.ndarray, max_steps: int) -> float:
    """Freeman-Halton p: the probability of all tables no more probable than the observed.

    Columns are filled one at a time (largest first). A node is the sorted vector of what
    is left of the row totals (rows are exchangeable for what remains); at each node the
    partial tables are kept as (sum of log cell factorials, count) pairs, merged when equal.
    Bounds on what the remaining columns can add (most even and most uneven fillings)
    settle whole nodes at once, as in Mehta & Patel's network algorithm: nodes that cannot
    reach the observed table's improbability are dropped, nodes that cannot miss it add
    their total probability in closed form.
    """
    rows = [int(x) for x in table.sum(axis=1)]
    cols = sorted((int(x) for x in table.sum(axis=0)), reverse=True)
    n = sum(rows)
    lf = [_lf(k) for k in range(n + 1)]
    # P(table) = exp(log_k - sum log(n_ij!)); "as extreme" = score >= observed score.
    log_k = sum(_lf(x) for x in rows) + sum(_lf(x) for x in cols) - _lf(n)
    threshold = sum(_lf(int(x)) for x in table.ravel()) - _LOG_TIE
    n_cols = len(cols)
    cols_lf_from = [0.0] * (n_cols + 1)
    for j in range(n_cols - 1, -1, -1):
        cols_lf_from[j] = cols_lf_from[j + 1] + _lf(cols[j])

    p = 0.0
    steps = 0
    layer: dict[tuple[int, ...], tuple[np.ndarray, np.ndarray]] = {
        tuple(sorted(rows)): (np.zeros(1), np.ones(1))
    }
    for k in range(n_cols):
        rest = cols[k:]
        grown: dict[tuple[int, ...], list[tuple[np.ndarray, np.ndarray]]] = {}
        for state, (score, count) in layer.items():
            rows_lf = sum(_lf(x) for x in state)
            if k == n_cols - 1:
                # The last column is what is left of the rows: one completion per path.
                final = score + rows_lf
                hit = final >= threshold
                p += float(np.sum(count[hit] * np.exp(log_k - final[hit])))
                continue
            high = min(
                sum(_most_uneven(c, state) for c in rest),
                sum(_most_uneven(x, rest) for x in state),
            )
            low = max(
                sum(_most_even(c, state) for c in rest),
                sum(_most_even(x, rest) for x in state),
            )
            alive = score + high >= threshold
            score, count = score[alive], count[alive]
            settled = score + low >= threshold
            if settled.any():
                # sum over completions of 1/prod(n_ij!) = N'! / (prod r'! prod c'!)
                log_all = _lf(sum(state)) - rows_lf - cols_lf_from[k]
                p += float(np.sum(count[settled] * np.exp(log_k - score[settled] + log_all)))
                score, count = score[~settled], count[~settled]
            if score.size == 0:
                continue
            cost = 1 + score.size
            for left, add in _next_states(cols[k], state, lf):
                steps += cost
                if steps > max_steps:
                    raise _TooManyTables
                grown.setdefault(left, []).append((score + add, count))
        layer = {}
        for state, parts in grown.items():
            scores = np.concatenate([part[0] for part in parts])
            counts = np.concatenate([part[1] for part in parts])
            # Equal partial tables up to float noise share a key; the count adds up.
            keys, where = np.unique(np.round(scores, 9), return_inverse=True)
            merged_counts = np.zeros(keys.size)
            np.add.at(merged_counts, where, counts)
            merged_scores = np.zeros(keys.size)
            merged_scores[where] = scores
            layer[state] = (merged_scores, merged_counts)
    return min(p, 1.0)


def fisher_exact_rxc(table: Any, *, max_steps: int | None = None) -> float | None:
    """Exact Fisher (Freeman-Halton) p-value of an R x C table, or None if too large.

    The p-value is the total probability, under independence with both margins fixed, of
    the tables whose probability is at most that of the observed table (ties within a
    relative 1e-7, as R's ``fisher.test``). scipy's own exact R x C route
    (``PermutationMethod``) enumerates all N! pairings and is unusable beyond N of about 8
    (N = 9 takes 14 s), so the tables are enumerated here with a network algorithm (see
    ``_fisher_network``).

    Feasibility rule: the enumeration is tried with the smaller dimension as the state
    (ties: the dimension with the larger largest total) within ``max_steps`` steps
    (default ``EXACT_MAX_STEPS`` = 1,000,000; one step = one partial table extended by one
    column), then transposed within a quarter of that; if both run out, None is returned
    and the caller falls back to Monte Carlo. The rule depends only on the table, never on
    timing, so results are reproducible. A step costs about a microsecond: R's 4 x 4 job
    satisfaction table (N = 96) is exact in about 0.3 s, sparse 5 x 3 survey tables with
    N = 182 in about 0.5 s, small tables (N below about 60) in milliseconds; a table past
    the budget (e.g. 5 x 4 with N = 180) costs 1.3-2.5 s before giving way.

    Checked against R's ``fisher.test`` (?fisher.test: Job satisfaction p = 0.7827,
    TeaTasting p = 0.4857), against scipy's exact 2 x 2 test and against scipy's
    exhaustive permutation test on small R x C tables.
    """
    budget = EXACT_MAX_STEPS if max_steps is None else max_steps
    counts = _as_count_table(table)
    counts = counts[np.ix_(counts.sum(axis=1) > 0, counts.sum(axis=0) > 0)]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return 1.0
    rows_first = counts.shape[0] < counts.shape[1] or (
        counts.shape[0] == counts.shape[1] and counts.sum(axis=1).max() >= counts.sum(axis=0).max()
    )
    first, second = (counts, counts.T) if rows_first else (counts.T, counts)
    for oriented, steps in ((first, budget), (second, budget // 4)):
        try:
            return _fisher_network(oriented, steps)
        except _TooManyTables:
            continue
    return None


# --------------------------------------------------------------------------------------------
# Multiple testing
# --------------------------------------------------------------------------------------------


def adjust_pvalues(pvalues: Sequence[float | None], method: str = "bh") -> list[float]:
    """Adjust a family of p-values: Benjamini-Hochberg ("bh") or Holm ("holm").

    NaN or None (a test that was not testable) stays NaN and is left out of the family, so
    m counts only the real tests. BH uses ``scipy.stats.false_discovery_control``; Holm's
    step-down is p_(i) * (m - i + 1), made monotone and capped at 1. Both agree with
    statsmodels' ``multipletests`` (methods "fdr_bh" and "holm") and R's ``p.adjust``.
    """
    key = method.lower()
    if key not in {"bh", "holm"}:
        raise CippError(f"p-value adjustment: unknown method {method!r}; use 'bh' or 'holm'")
    values = np.array([math.nan if p is None else float(p) for p in pvalues], dtype=float)
    present = ~np.isnan(values)
    family = values[present]
    if np.any((family < 0) | (family > 1)):
        raise DataError("p-value adjustment: p-values must lie between 0 and 1")
    out = np.full(values.shape, math.nan)
    if family.size:
        if key == "bh":
            adjusted = stats.false_discovery_control(family, method="bh")
        else:
            m = family.size
            order = np.argsort(family, kind="stable")
            stepped = np.maximum.accumulate(family[order] * (m - np.arange(m)))
            adjusted = np.empty(m)
            adjusted[order] = np.minimum(stepped, 1.0)
        out[present] = adjusted
    return [float(x) for x in out]


# --------------------------------------------------------------------------------------------
# Goodness of fit
# --------------------------------------------------------------------------------------------


def goodness_of_fit(
    counts: Sequence[int],
    labels: Sequence[Any],
    expected: Mapping[str, float] | None = None,
) -> GoodnessOfFit:
    """Pearson chi-square goodness of fit of counts against equal or given shares.

    ``expected`` maps each label to a number: numbers that sum to 1 (within 1e-6) are
    shares; otherwise they are expected counts or relative weights and are rescaled to N
    (R's ``rescale.p = TRUE``). Every label needs a value and every value a label, else
    ``DataError``. Zero categories stay in (a level nobody chose still counts against its
    share). No responses, or fewer than two categories, gives ``testable=False``.

    Agrees with R's ``chisq.test(x, p = p)``: ?chisq.test's c(A = 20, B = 15, C = 25)
    gives X-squared = 2.5, df = 2, p = 0.2865, and x = c(89, 37, 30, 28, 2) with
    p = c(.40, .20, .20, .19, .01) gives 5.7947, df = 4, p = 0.215; the study's counts
    33, 43, 44, 39, 23 against equal shares give chi2(4) = 8.22, p = .084.
    """
    names = tuple(str(label) for label in labels)
    try:
        observed_arr = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"goodness of fit: counts are not numbers ({exc})") from None
    if observed_arr.ndim != 1:
        raise DataError("goodness of fit: counts must be a flat list, one per label")
    valid = np.isfinite(observed_arr) & (observed_arr >= 0)
    if not np.all(valid & (observed_arr == np.round(observed_arr))):
        raise DataError("goodness of fit: counts must be non-negative whole numbers")
    if len(names) != observed_arr.size:
        raise DataError(f"goodness of fit: {observed_arr.size} counts for {len(names)} labels")
    if len(set(names)) != len(names):
        raise DataError("goodness of fit: labels must be unique")
    k = len(names)
    n = int(observed_arr.sum())
    observed = tuple(int(x) for x in observed_arr)

    if expected is None:
        weights = np.ones(k)
        source = "equal shares"
    else:
        given = {str(key): value for key, value in expected.items()}
        problems = [f"no expected value for {name!r}" for name in names if name not in given]
        problems += [
            f"{key!r} is not one of the labels ({', '.join(names)})"
            for key in given
            if key not in names
        ]
        if problems:
            raise DataError("goodness of fit: " + "; ".join(problems))
        weights = np.array([float(given[name]) for name in names])
        if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
            raise DataError("goodness of fit: expected values must be positive numbers")
        close_to_one = math.isclose(float(weights.sum()), 1.0, abs_tol=1e-6)
        source = "given shares" if close_to_one else "given counts or weights"

    if n == 0 or k < 2:
        reason = "no responses" if n == 0 else "needs at least two categories"
        return GoodnessOfFit(
            testable=False,
            reason=reason,
            labels=names,
            observed=observed,
            expected=tuple(math.nan for _ in names),
            expected_source=source,
            n=n,
            statistic=math.nan,
            df=None,
            p_value=math.nan,
            min_expected=math.nan,
        )

    exp = weights / weights.sum() * n
    result = stats.chisquare(observed_arr.astype(float), exp)
    return GoodnessOfFit(
        testable=True,
        reason=None,
        labels=names,
        observed=observed,
        expected=tuple(float(x) for x in exp),
        expected_source=source,
        n=n,
        statistic=float(result.statistic),
        df=k - 1,
        p_value=float(result.pvalue),
        min_expected=float(exp.min()),
    )
