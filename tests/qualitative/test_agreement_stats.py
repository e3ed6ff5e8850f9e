"""Agreement coefficients pinned to published values and cross-checked with statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from cipp.stats.agreement import (
    agreement_parts,
    brennan_prediger,
    coefficients,
    cohen_kappa,
    cohen_kappa_table,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    krippendorff_band,
    landis_koch_band,
    percent_agreement,
    pooled_coefficients,
    table_to_ratings,
)

N = None
# Krippendorff's reliability data: 4 observers (rows) x 12 units, nominal, with missing
# values. Source: K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011),
# and Content Analysis (2004), ch. 11, where nominal alpha = 0.743. The same data are the
# worked example of Gwet, Handbook of Inter-Rater Reliability (4th ed., 2014; the R
# package irrCAC ships them as cac.raw4raters): percent agreement 0.8182, Fleiss' kappa
# 0.7612, Gwet's AC1 0.7754, Brennan-Prediger 0.7727.
KRIPPENDORFF = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
UNITS = [list(unit) for unit in zip(*KRIPPENDORFF, strict=True)]  # units x coders


def test_krippendorff_alpha_published():
    assert krippendorff_alpha(UNITS) == pytest.approx(0.743, abs=5e-4)


def test_gwet_handbook_values_on_krippendorff_data():
    assert percent_agreement(UNITS) == pytest.approx(0.818, abs=5e-4)
    assert fleiss_kappa(UNITS) == pytest.approx(0.761, abs=5e-4)
    assert gwet_ac1(UNITS) == pytest.approx(0.775, abs=5e-4)
    assert brennan_prediger(UNITS) == pytest.approx(0.773, abs=5e-4)


def test_missing_may_be_nan_too():
    as_float = np.array([[math.nan if v is None else v for v in row] for row in UNITS], float)
    assert krippendorff_alpha(as_float) == pytest.approx(krippendorff_alpha(UNITS))
    assert gwet_ac1(as_float) == pytest.approx(gwet_ac1(UNITS))


# Two coders, presence/absence: [[both yes, A yes B no], [A no B yes, both no]].
# Cohen's kappa = 0.40 for [[20, 5], [10, 15]]: the worked example of the Wikipedia
# article "Cohen's kappa" (p_o = 0.70, p_e = 0.50).
# Prevalence paradox: Feinstein and Cicchetti, J Clin Epidemiol 1990;43:543-549 ("High
# agreement but low kappa"), both tables with p_o = 0.60: kappa 0.1304 and 0.2593.
# Rare code: [[40, 5], [5, 0]] gives p_o = 0.80, kappa = -0.111 but AC1 = 0.756
# (Gwet, Br J Math Stat Psychol 2008;61:29-48, on kappa's paradoxes; by hand:
# p_e(kappa) = 0.82, p_e(AC1) = 2 * 0.9 * 0.1 = 0.18).
TABLES = [
    ([[20, 5], [10, 15]], 0.40, 4),
    ([[45, 15], [25, 15]], 0.1304, 4),
    ([[25, 35], [5, 35]], 0.2593, 4),
    ([[40, 5], [5, 0]], -0.111, 3),
]


@pytest.mark.parametrize(("table", "kappa", "places"), TABLES)
def test_cohen_kappa_published_tables(table, kappa, places):
    assert round(cohen_kappa_table(table), places) == pytest.approx(kappa)
    assert cohen_kappa(table_to_ratings(table)) == pytest.approx(cohen_kappa_table(table))


@pytest.mark.parametrize(("table", "kappa", "places"), TABLES)
def test_cohen_kappa_matches_statsmodels(table, kappa, places):
    expected = cohens_kappa(np.asarray(table)).kappa
    assert cohen_kappa_table(table) == pytest.approx(expected, rel=1e-12)


def test_rare_code_ac1_stays_high_while_kappa_collapses():
    ratings = table_to_ratings([[40, 5], [5, 0]])
    assert gwet_ac1(ratings, categories=(0, 1)) == pytest.approx(0.756, abs=5e-4)
    assert cohen_kappa(ratings) == pytest.approx(-0.111, abs=5e-4)
    assert brennan_prediger(ratings, categories=(0, 1)) == pytest.approx(0.6)


def _complete(seed: int, units: int = 40, coders: int = 4, categories: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, categories, units)
    noise = rng.integers(0, categories, (units, coders))
    keep = rng.random((units, coders)) < 0.7
    return np.where(keep, truth[:, None], noise)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fleiss_and_randolph_match_statsmodels_on_complete_data(seed):
    data = _complete(seed)
    counts, _ = aggregate_raters(data, n_cat=3)
    assert fleiss_kappa(data, categories=(0, 1, 2)) == pytest.approx(
        sm_fleiss_kappa(counts, method="fleiss"), rel=1e-10
    )
    # statsmodels' "randolph" is the free-marginal kappa: Brennan-Prediger's coefficient.
    assert brennan_prediger(data, categories=(0, 1, 2)) == pytest.approx(
        sm_fleiss_kappa(counts, method="randolph"), rel=1e-10
    )


def test_fleiss_1971_example_matches_statsmodels():
    # Fleiss (1971), Psychol Bull 76:378: 10 subjects, 14 raters, 5 categories;
    # kappa = 0.210 (also the Wikipedia "Fleiss' kappa" example).
    counts = np.array(
        [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
    )
    ratings = [[k for k in range(5) for _ in range(row[k])] for row in counts]
    assert fleiss_kappa(ratings) == pytest.approx(0.210, abs=5e-4)
    assert fleiss_kappa(ratings) == pytest.approx(sm_fleiss_kappa(counts), rel=1e-10)


def test_pooled_of_one_code_is_that_code():
    parts = agreement_parts(table_to_ratings([[20, 5], [10, 15]]), categories=(0, 1))
    single, pooled = coefficients(parts), pooled_coefficients([parts])
    for name in ("percent_agreement", "kappa", "alpha", "ac1", "brennan_prediger"):
        assert getattr(pooled, name) == pytest.approx(getattr(single, name))


def test_pooled_kappa_follows_de_vries():
    # De Vries et al., Field Methods 2008: (mean p_o - mean p_e) / (1 - mean p_e).
    tables = [[[20, 5], [10, 15]], [[40, 5], [5, 0]]]
    parts = [agreement_parts(table_to_ratings(t), categories=(0, 1)) for t in tables]
    p_o = (0.70 + 0.80) / 2
    p_e = (0.50 + 0.82) / 2
    assert pooled_coefficients(parts).kappa == pytest.approx((p_o - p_e) / (1 - p_e))


def test_undefined_values_are_nan_not_errors():
    everyone_absent = [[0, 0]] * 10
    assert math.isnan(cohen_kappa(everyone_absent, categories=(0, 1)))
    assert math.isnan(krippendorff_alpha(everyone_absent))
    assert gwet_ac1(everyone_absent, categories=(0, 1)) == pytest.approx(1.0)
    assert math.isnan(percent_agreement([[1, None], [None, 0]]))


def test_bands():
    assert landis_koch_band(-0.1) == "poor"
    assert landis_koch_band(0.2) == "slight"
    assert landis_koch_band(0.40) == "fair"
    assert landis_koch_band(0.55) == "moderate"
    assert landis_koch_band(0.8) == "substantial"
    assert landis_koch_band(0.81) == "almost perfect"
    assert landis_koch_band(math.nan) == "undefined"
    assert krippendorff_band(0.800) == "reliable"
    assert krippendorff_band(0.667) == "tentative"
    assert krippendorff_band(0.6669) == "unreliable"


ratings_strategy = st.lists(
    st.lists(st.sampled_from([0, 1, None]), min_size=3, max_size=3), min_size=2, max_size=30
)


@settings(max_examples=60, deadline=None)
@given(ratings_strategy)
def test_invariants(ratings):
    parts = agreement_parts(ratings, categories=(0, 1))
    values = coefficients(parts)
    for name in ("percent_agreement", "kappa", "alpha", "ac1", "brennan_prediger"):
        value = getattr(values, name)
        assert math.isnan(value) or value <= 1 + 1e-12
    if parts.units:
        assert 0 <= values.percent_agreement <= 1
    swapped = [list(reversed(row)) for row in ratings]
    again = coefficients(agreement_parts(swapped, categories=(0, 1)))
    for name in ("percent_agreement", "kappa", "alpha", "ac1", "brennan_prediger"):
        first, second = getattr(values, name), getattr(again, name)
        assert (math.isnan(first) and math.isnan(second)) or first == pytest.approx(second)
