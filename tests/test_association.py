"""Association tests pinned to published values (R help pages, Agresti) and cross-checked.

R is not run here: each expected number is quoted from the R help page or textbook named
next to it, together with the R call that prints it.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from cipp import to_dict
from cipp.model.errors import CippError, DataError
from cipp.render.prose import chosen_test_reason, contingency_notes, expected_note
from cipp.stats import fisher
from cipp.stats.adjust import adjust_pvalues
from cipp.stats.contingency import test_contingency
from cipp.stats.fisher import fisher_exact_rxc
from cipp.stats.goodness_of_fit import goodness_of_fit

# R: Job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4)  (filled by column)
JOB = np.array([1, 2, 1, 0, 3, 3, 6, 1, 10, 10, 14, 9, 6, 7, 12, 11]).reshape(4, 4).T
JOB_ROWS = ["<15k", "15-25k", "25-40k", ">40k"]
JOB_COLS = ["VeryD", "LittleD", "ModerateS", "VeryS"]

# Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed., Table 2.7:
# infant malformation (absent / present) by mother's alcohol consumption (drinks per day).
MALFORMATION = np.array([[17066, 14464, 788, 126, 37], [48, 38, 5, 1, 1]])
ALCOHOL = ["0", "<1", "1-2", "3-5", ">=6"]


@pytest.fixture(scope="module")
def job():
    """Job satisfaction, tested once per module: its exact test is the slowest here."""
    return test_contingency(
        JOB, row_labels=JOB_ROWS, col_labels=JOB_COLS, ordinal=True, bias_corrected=True
    )


def labels(prefix: str, k: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(k)]


def run(table, **options):
    table = np.asarray(table)
    return test_contingency(
        table,
        row_labels=labels("r", table.shape[0]),
        col_labels=labels("c", table.shape[1]),
        **options,
    )


# --- Pearson chi-square -----------------------------------------------------------------------


def test_chisq_agresti_party_by_gender():
    # R ?chisq.test, "From Agresti(2007) p.39":
    #   M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477))); chisq.test(M)
    #   X-squared = 30.07, df = 2, p-value = 2.954e-07
    res = test_contingency(
        [[762, 327, 468], [484, 239, 477]],
        row_labels=["F", "M"],
        col_labels=["Democrat", "Independent", "Republican"],
    )
    assert res.testable
    assert res.statistic == pytest.approx(30.07, abs=0.005)
    assert res.df == 2
    assert res.p_value == pytest.approx(2.954e-07, rel=1e-3)
    assert res.n == 2757
    assert res.test_used == "pearson chi-square"
    assert math.isnan(res.p_exact)
    assert res.p_value_used == res.p_value
    assert math.isnan(res.p_yates)  # only for 2 x 2
    assert res.cells_expected_below_5 == 0
    note = expected_note(res)
    assert note is not None
    assert note.startswith("0 cells (0.0%) have expected count less than 5.")
    # V = sqrt(X^2 / (N (min(R, C) - 1))) with Agresti's X^2
    assert res.cramers_v == pytest.approx(math.sqrt(30.07 / 2757), rel=1e-3)


def test_yates_p_for_2x2():
    # R ?chisq.test: x <- matrix(c(12, 5, 7, 7), ncol = 2); chisq.test(x)$p.value  # 0.4233
    res = run([[12, 7], [5, 7]])
    assert res.p_yates == pytest.approx(0.4233, abs=5e-5)
    assert res.p_value < res.p_yates  # without the correction


# --- Fisher's exact test -------------------------------------------------------------------------


def test_fisher_tea_tasting():
    # R ?fisher.test: TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2)
    #   fisher.test(TeaTasting, alternative = "greater")  # p-value = 0.2429
    #   two-sided: p-value = 0.4857
    res = test_contingency([[3, 1], [1, 3]], row_labels=["Milk", "Tea"], col_labels=["Milk", "Tea"])
    assert res.test_used == "fisher exact"
    assert res.exact_method == "exact"
    assert res.p_exact == pytest.approx(0.4857, abs=5e-5)
    assert res.p_value_used == res.p_exact
    assert res.cells_expected_below_5 == 4
    assert expected_note(res) == (
        "4 cells (100.0%) have expected count less than 5. The minimum expected count is 2.00."
    )
    assert res.many_expected_below_5 and not res.any_expected_below_1
    assert "4 of 4 cells (100.0%)" in (chosen_test_reason(res) or "")


def test_fisher_job_satisfaction_exact_rxc(job):
    # R ?fisher.test: Job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, 4)
    #   fisher.test(Job)  # 0.7827
    res = job
    assert res.test_used == "fisher exact"
    assert res.exact_method == "exact"
    assert res.exact_seed is None and res.exact_resamples is None
    assert res.p_exact == pytest.approx(0.7827, abs=5e-5)
    assert expected_note(res) == (
        "8 cells (50.0%) have expected count less than 5. The minimum expected count is 0.83."
    )
    assert chosen_test_reason(res) == (
        "Fisher's exact test (exact, Freeman-Halton): 8 of 16 cells (50.0%) expect fewer "
        "than 5 and the minimum expected count is 0.83 (below 1)"
    )
    # Same p whichever way round the table is given.
    assert fisher_exact_rxc(JOB.T) == pytest.approx(res.p_exact, abs=1e-12)


def test_fisher_monte_carlo_fallback(monkeypatch):
    # With no budget for enumeration, the seeded Monte Carlo test takes over. R's
    # ?fisher.test: fisher.test(Job, simulate.p.value = TRUE, B = 1e5) is "close to 0.78";
    # 10,000 resamples have a standard error of about 0.004.
    monkeypatch.setattr(fisher, "EXACT_MAX_STEPS", 10)
    assert fisher_exact_rxc(JOB) is None
    res = test_contingency(JOB, row_labels=JOB_ROWS, col_labels=JOB_COLS)
    assert res.exact_method == "monte carlo"
    assert res.exact_resamples == 10000
    assert res.exact_seed == 20250101
    assert res.p_exact == pytest.approx(0.7827, abs=0.015)
    assert "10000 resamples, seed 20250101" in (chosen_test_reason(res) or "")
    again = test_contingency(JOB, row_labels=JOB_ROWS, col_labels=JOB_COLS)
    assert again.p_exact == res.p_exact  # reproducible from the seed
    other = test_contingency(JOB, row_labels=JOB_ROWS, col_labels=JOB_COLS, seed=7, resamples=500)
    assert other.exact_seed == 7 and other.exact_resamples == 500


@pytest.mark.parametrize(
    "table",
    [
        [[2, 10], [15, 3]],  # R ?fisher.test Convictions (2 x 2)
        [[8, 2], [1, 5]],  # scipy docs example
        [[0, 5], [6, 1]],
        [[1, 0, 2], [2, 1, 0]],
        [[2, 1, 1], [0, 1, 2]],
        [[1, 1], [0, 2], [2, 0]],
    ],
)
def test_network_enumeration_agrees_with_scipy(table):
    table = np.array(table)
    ours = fisher_exact_rxc(table)
    if table.shape == (2, 2):
        reference = stats.fisher_exact(table).pvalue
    else:
        # scipy's exact R x C test enumerates all N! pairings: keep N <= 7 (N = 10 takes
        # minutes).
        method = stats.PermutationMethod(n_resamples=np.inf)
        reference = stats.fisher_exact(table, method=method).pvalue
    assert ours == pytest.approx(reference, abs=1e-9)


def test_sparse_table_where_chi_square_and_fisher_disagree():
    # All four cells expect 4.5 < 5: chi-square says p = .018 ("significant"), Fisher's
    # exact test says p = .057; the conclusion must rest on Fisher's p.
    res = run([[7, 2], [2, 7]])
    assert res.p_value == pytest.approx(0.01842, abs=1e-5)
    assert res.test_used == "fisher exact"
    assert res.p_exact == pytest.approx(0.05668, abs=1e-5)
    assert res.p_value_used == res.p_exact
    assert chosen_test_reason(res) == (
        "Fisher's exact test (exact): 4 of 4 cells (100.0%) expect fewer than 5"
    )


def test_twenty_percent_rule_keeps_chi_square():
    # 1 of 6 cells (16.7%) expects fewer than 5, none fewer than 1: Pearson chi-square.
    res = run([[30, 30, 3], [30, 30, 7]])
    assert res.cells_expected_below_5 == 1
    assert res.share_expected_below_5 == pytest.approx(1 / 6)
    assert res.min_expected >= 1
    assert res.test_used == "pearson chi-square"
    assert not res.many_expected_below_5 and not res.any_expected_below_1
    assert chosen_test_reason(res) == (
        "Pearson chi-square: 1 of 6 cells (16.7%) expect fewer than 5, within the 20% rule, "
        "and none fewer than 1"
    )


def test_expected_below_one_calls_for_fisher():
    # Only 1 of 10 cells expects fewer than 5, but it expects fewer than 1.
    res = run([[40, 40], [40, 40], [40, 40], [40, 40], [1, 0]])
    assert res.share_expected_below_5 <= 0.2
    assert res.min_expected < 1
    assert res.test_used == "fisher exact"
    assert res.any_expected_below_1 and not res.many_expected_below_5
    assert "below 1" in (chosen_test_reason(res) or "")


# --- Linear-by-linear association ----------------------------------------------------------------


def test_linear_by_linear_agresti_malformation():
    # Agresti (2007) Sec. 2.5.3, Table 2.7: with scores (0, 0.5, 1.5, 4.0, 7.0),
    # r = 0.0142, M^2 = 6.57, P = 0.01 (df 1); equally spaced scores give M^2 = 1.83
    # (P = 0.18); Pearson X^2 = 12.1 (df 4).
    res = test_contingency(
        MALFORMATION,
        row_labels=["absent", "present"],
        col_labels=ALCOHOL,
        ordinal=True,
        col_scores=[0, 0.5, 1.5, 4.0, 7.0],
    )
    assert res.linear_by_linear == pytest.approx(6.57, abs=0.005)
    assert res.p_linear_by_linear == pytest.approx(0.0104, abs=5e-4)
    assert res.statistic == pytest.approx(12.1, abs=0.05)
    equal = test_contingency(
        MALFORMATION, row_labels=["absent", "present"], col_labels=ALCOHOL, ordinal=True
    )
    assert equal.col_scores == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert equal.linear_by_linear == pytest.approx(1.83, abs=0.005)
    assert equal.p_linear_by_linear == pytest.approx(0.18, abs=0.005)


def test_linear_by_linear_matches_statsmodels(job):
    from statsmodels.stats.contingency_tables import Table

    res = job
    # shift_zeros=False: statsmodels would otherwise add 0.5 to the empty cell.
    sm = Table(JOB, shift_zeros=False).test_ordinal_association()
    assert res.linear_by_linear == pytest.approx(sm.zscore**2, rel=1e-10)
    assert res.p_linear_by_linear == pytest.approx(sm.pvalue, rel=1e-8)


def test_linear_by_linear_uses_original_positions_after_dropping():
    full = np.array([[5, 3, 1], [0, 0, 0], [2, 4, 6], [1, 2, 9]])
    res = run(full, ordinal=True)
    assert res.dropped_rows == ("r1",)
    assert res.row_scores == (1.0, 3.0, 4.0)  # level 2 nobody chose leaves a gap
    kept = full[[0, 2, 3]]
    explicit = run(kept, ordinal=True, row_scores=[1, 3, 4])
    assert res.linear_by_linear == pytest.approx(explicit.linear_by_linear, rel=1e-12)


# --- Dropping empty levels, not testable ---------------------------------------------------------


def test_empty_rows_and_columns_are_dropped_with_a_note():
    table = [[10, 0, 12], [0, 0, 0], [7, 0, 15]]
    res = test_contingency(table, row_labels=["SD", "N", "SA"], col_labels=["a", "b", "c"])
    assert res.dropped_rows == ("N",)
    assert res.dropped_cols == ("b",)
    assert res.row_labels == ("SD", "SA") and res.col_labels == ("a", "c")
    assert res.table == ((10, 12), (7, 15))
    assert contingency_notes(res) == (
        "Rows with no responses were left out: N.",
        "Columns with no responses were left out: b.",
    )
    assert res.df == 1
    reference = stats.chi2_contingency([[10, 12], [7, 15]], correction=False)
    assert res.statistic == pytest.approx(reference.statistic)


def test_one_non_empty_row_is_not_testable():
    res = test_contingency(
        [[0, 0], [4, 6], [0, 0]], row_labels=["a", "b", "c"], col_labels=["x", "y"]
    )
    assert not res.testable
    assert res.reason is not None and "two non-empty rows" in res.reason
    assert contingency_notes(res)[-1] == f"Not testable: {res.reason}."
    assert expected_note(res) is None and chosen_test_reason(res) is None
    assert math.isnan(res.p_value_used)
    assert res.dropped_rows == ("a", "c")
    payload = to_dict(res)
    assert payload["p_value"] is None and payload["p_value_used"] is None
    json.dumps(payload)


def test_all_zero_table_is_not_testable():
    res = run(np.zeros((3, 2), dtype=int))
    assert not res.testable and res.reason == "no responses"
    assert res.n == 0


def test_bad_input_raises_data_error():
    with pytest.raises(DataError, match="negative"):
        run([[1, -1], [2, 3]])
    with pytest.raises(DataError, match="whole numbers"):
        run([[1.5, 1], [2, 3]])
    with pytest.raises(DataError, match="labels"):
        test_contingency([[1, 2], [3, 4]], row_labels=["a"], col_labels=["x", "y"])
    with pytest.raises(DataError, match="scores"):
        run([[1, 2], [3, 4]], ordinal=True, row_scores=[1, 2, 3])


# --- Effect sizes --------------------------------------------------------------------------------


def bergsma(chi2: float, n: int, r: int, k: int) -> float:
    """Bergsma (2013), J. Korean Stat. Soc. 42:323-328, eqs. for phi~^2, r~, k~ and V~."""
    phi2 = max(0.0, chi2 / n - (k - 1) * (r - 1) / (n - 1))
    r_t = r - (r - 1) ** 2 / (n - 1)
    k_t = k - (k - 1) ** 2 / (n - 1)
    return math.sqrt(phi2 / min(k_t - 1, r_t - 1))


def test_bias_corrected_v():
    table = [[762, 327, 468], [484, 239, 477]]
    res = run(table, bias_corrected=True)
    assert res.cramers_v_corrected == pytest.approx(bergsma(res.statistic, 2757, 2, 3))
    assert res.cramers_v_corrected < res.cramers_v
    assert res.effect_size == res.cramers_v_corrected
    plain = run(table)
    assert math.isnan(plain.cramers_v_corrected) and plain.effect_size == plain.cramers_v


def test_bias_corrected_v_is_zero_when_association_is_below_its_bias(job):
    assert job.cramers_v > 0
    assert job.cramers_v_corrected == 0.0


def test_to_dict_is_json_ready(job):
    payload = to_dict(job)
    text = json.dumps(payload, allow_nan=False)
    assert json.loads(text)["table"][0] == [1, 3, 10, 6]
    assert payload["p_value_used"] == payload["p_exact"]


# --- Invariants ----------------------------------------------------------------------------------

small_tables = st.integers(2, 4).flatmap(
    lambda r: st.integers(2, 4).flatmap(
        lambda c: st.lists(
            st.lists(st.integers(0, 6), min_size=c, max_size=c), min_size=r, max_size=r
        )
    )
)


@settings(max_examples=60, deadline=None)
@given(small_tables, st.integers(0, 4))
def test_invariants(table, insert_at):
    res = run(table, ordinal=True, bias_corrected=True)
    if not res.testable:
        assert math.isnan(res.p_value_used)
        return
    for p in (res.p_value, res.p_value_used, res.p_linear_by_linear):
        assert 0.0 <= p <= 1.0 or math.isnan(p)
    assert 0.0 <= res.cramers_v <= 1.0 + 1e-12
    corrected = res.cramers_v_corrected
    assert math.isnan(corrected) or 0.0 <= corrected <= 1.0 + 1e-12
    assert res.n == sum(map(sum, table))
    # An empty level inserted anywhere changes nothing.
    padded = np.insert(np.asarray(table), min(insert_at, len(table)), 0, axis=0)
    again = run(padded)
    assert again.statistic == pytest.approx(res.statistic)
    assert again.p_value_used == pytest.approx(res.p_value_used)
    assert len(again.dropped_rows) == len(res.dropped_rows) + 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=4, max_size=4))
def test_network_agrees_with_scipy_on_2x2(cells):
    table = np.array(cells).reshape(2, 2)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return
    assert fisher_exact_rxc(table) == pytest.approx(stats.fisher_exact(table).pvalue, abs=1e-9)


# --- Multiple testing ----------------------------------------------------------------------------

# Benjamini & Hochberg (1995), JRSS B 57:289-300, Sec. 4.2: 15 p-values; at q = 0.05
# BH rejects the 4 smallest, Holm-type procedures only 3.
BH_1995 = [
    0.0001,
    0.0004,
    0.0019,
    0.0095,
    0.0201,
    0.0278,
    0.0298,
    0.0344,
    0.0459,
    0.3240,
    0.4262,
    0.5719,
    0.6528,
    0.7590,
    1.0000,
]


def test_adjust_benjamini_hochberg_1995_example():
    assert sum(p <= 0.05 for p in adjust_pvalues(BH_1995, "bh")) == 4
    assert sum(p <= 0.05 for p in adjust_pvalues(BH_1995, "holm")) == 3


@pytest.mark.parametrize(("ours", "theirs"), [("bh", "fdr_bh"), ("holm", "holm")])
def test_adjust_matches_statsmodels_and_keeps_nan(ours, theirs):
    from statsmodels.stats.multitest import multipletests

    with_gaps = [0.04, math.nan, 0.001, 0.3, None, 0.02, 0.02, 0.9]
    present = [p for p in with_gaps if p is not None and not math.isnan(p)]
    expected = iter(multipletests(present, method=theirs)[1])
    got = adjust_pvalues(with_gaps, method=ours)
    assert len(got) == len(with_gaps)
    for p, adjusted in zip(with_gaps, got, strict=True):
        if p is None or math.isnan(p):
            assert math.isnan(adjusted)
        else:
            assert adjusted == pytest.approx(next(expected), abs=1e-12)


def test_adjust_edge_cases():
    assert adjust_pvalues([]) == []
    assert all(math.isnan(p) for p in adjust_pvalues([math.nan, None], "holm"))
    with pytest.raises(CippError, match="unknown method"):
        adjust_pvalues([0.1], method="bonferroni")
    with pytest.raises(DataError, match="between 0 and 1"):
        adjust_pvalues([1.2])


# --- Goodness of fit -----------------------------------------------------------------------------


def test_goodness_of_fit_reproduces_the_study():
    # The study's item: 33, 43, 44, 39, 23 against equal shares -> chi2(4) = 8.22, p = .084.
    gof = goodness_of_fit([33, 43, 44, 39, 23], ["SD", "D", "N", "A", "SA"])
    assert gof.statistic == pytest.approx(8.22, abs=0.005)
    assert gof.df == 4
    assert gof.p_value == pytest.approx(0.084, abs=5e-4)
    assert gof.n == 182
    assert gof.expected == pytest.approx((36.4,) * 5)
    assert gof.min_expected == pytest.approx(36.4)
    assert gof.expected_source == "equal shares"


def test_goodness_of_fit_r_examples():
    # R ?chisq.test: x <- c(A = 20, B = 15, C = 25); chisq.test(x)
    #   X-squared = 2.5, df = 2, p-value = 0.2865
    gof = goodness_of_fit([20, 15, 25], ["A", "B", "C"])
    assert gof.statistic == pytest.approx(2.5)
    assert gof.p_value == pytest.approx(0.2865, abs=5e-5)
    # x <- c(89,37,30,28,2); p <- c(0.40,0.20,0.20,0.19,0.01); chisq.test(x, p = p)
    #   X-squared = 5.7947, df = 4, p-value = 0.215 ("Expected count in category 5 is 1.86")
    names = ["a", "b", "c", "d", "e"]
    shares = dict(zip(names, [0.40, 0.20, 0.20, 0.19, 0.01], strict=True))
    gof = goodness_of_fit([89, 37, 30, 28, 2], names, expected=shares)
    assert gof.statistic == pytest.approx(5.7947, abs=5e-5)
    assert gof.p_value == pytest.approx(0.215, abs=5e-4)
    assert gof.min_expected == pytest.approx(1.86)
    assert gof.expected_source == "given shares"
    # p <- c(40,20,20,15,5); chisq.test(x, p = p, rescale.p = TRUE)
    #   X-squared = 9.9901, df = 4, p-value = 0.04059
    weights = dict(zip(names, [40, 20, 20, 15, 5], strict=True))
    gof = goodness_of_fit([89, 37, 30, 28, 2], names, expected=weights)
    assert gof.statistic == pytest.approx(9.9901, abs=5e-5)
    assert gof.p_value == pytest.approx(0.04059, abs=5e-6)
    assert gof.expected_source == "given counts or weights"


def test_goodness_of_fit_label_mismatch_is_a_data_error():
    with pytest.raises(DataError, match=r"no expected value for 'C'.*'Z' is not one of"):
        goodness_of_fit([1, 2, 3], ["A", "B", "C"], expected={"A": 1, "B": 1, "Z": 1})
    with pytest.raises(DataError, match="positive"):
        goodness_of_fit([1, 2], ["A", "B"], expected={"A": 1, "B": 0})
    with pytest.raises(DataError, match="counts for"):
        goodness_of_fit([1, 2], ["A", "B", "C"])


def test_goodness_of_fit_without_responses_is_not_testable():
    gof = goodness_of_fit([0, 0, 0], ["A", "B", "C"])
    assert not gof.testable and gof.reason == "no responses"
    assert to_dict(gof)["p_value"] is None
