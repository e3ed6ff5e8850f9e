"""Effect sizes in the summary (issue 15): Cramér's V named by Cohen's (1988) thresholds
for its table, the significant tests ranked by it, and a sentence saying when a large n
alone makes a small effect significant. Thresholds pinned to Cohen's published values."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from cipp.flow.analysis import AnalysisOptions, analyze_file
from cipp.flow.findings import cohen_thresholds, effect_size, magnitude, small_effect_n
from cipp.model.findings import MAGNITUDES
from cipp.model.results import AssociationTest
from cipp.render.prose import overall_sentences, what_tests_found
from cipp.stats.contingency import test_contingency
from tests.conftest import DATA
from tests.readable import write_wide_survey

# Cohen (1988), Table 7.2 / p. 227: V for w = .10, .30, .50 at df* = min(r, c) - 1,
# printed to two decimals.
COHEN_V = {
    1: (0.10, 0.30, 0.50),
    2: (0.07, 0.21, 0.35),
    3: (0.06, 0.17, 0.29),
    4: (0.05, 0.15, 0.25),
    5: (0.04, 0.13, 0.22),
}

# Cohen (1988), Table 7.4.6: n for power .80 at alpha .05 and w = .10, by df (u).
COHEN_N_SMALL = {1: 785, 2: 964, 3: 1090, 4: 1194, 5: 1283, 6: 1362}

# Agresti (2007, p. 38): party identification by gender, N = 2,757, chi-square 30.1 on
# df 2, so V = sqrt(30.1 / 2,757) = .104: significant, and a small effect.
PARTY = [[762, 327, 468], [484, 239, 477]]


@pytest.mark.parametrize("df_star", sorted(COHEN_V))
def test_thresholds_agree_with_cohens_table(df_star):
    got = cohen_thresholds(df_star)
    for value, want in zip(got, COHEN_V[df_star], strict=True):
        assert round(value + 1e-12, 2) == pytest.approx(want)


def test_thresholds_are_w_over_root_df_star():
    assert cohen_thresholds(1) == pytest.approx((0.10, 0.30, 0.50))
    assert cohen_thresholds(4) == pytest.approx((0.05, 0.15, 0.25))
    with pytest.raises(ValueError):
        cohen_thresholds(0)


@pytest.mark.parametrize(
    ("v", "df_star", "name"),
    [
        (0.0, 1, "negligible"),
        (0.099, 1, "negligible"),
        (0.10, 1, "small"),
        (0.299, 1, "small"),
        (0.30, 1, "medium"),
        (0.50, 1, "large"),
        (0.99, 1, "large"),
        # At df* = 2 the thresholds are .071, .212, .354: a V of .20 is small, .25 medium.
        (0.06, 2, "negligible"),
        (0.08, 2, "small"),
        (0.20, 2, "small"),
        (0.25, 2, "medium"),
        (0.36, 2, "large"),
        # At df* = 4: .05, .15, .25.
        (0.15, 4, "medium"),
        (0.30, 4, "large"),
    ],
)
def test_magnitude_follows_the_thresholds_of_its_df(v, df_star, name):
    assert magnitude(v, df_star) == name
    assert name in MAGNITUDES


@pytest.mark.parametrize("df", sorted(COHEN_N_SMALL))
def test_small_effect_n_agrees_with_cohens_power_table(df):
    # Cohen rounds lambda to two decimals; the exact n may differ by one.
    assert abs(small_effect_n(df) - COHEN_N_SMALL[df]) <= 1


def _test_of(table, *, significant: bool) -> AssociationTest:
    result = test_contingency(table, row_labels=["F", "M"], col_labels=["D", "I", "R"])
    return AssociationTest(
        item="party",
        text="Party identification",
        level="item",
        component="context",
        by="gender",
        by_label="Gender",
        collapsed=False,
        result=result,
        p_adjusted=result.p_value,
        significant=significant,
        significant_adjusted=significant,
    )


def test_a_small_effect_at_a_large_n_is_significant_from_the_sample_size_alone():
    effect = effect_size(_test_of(PARTY, significant=True))
    assert effect.v == pytest.approx(math.sqrt(30.07 / 2757), abs=0.001)
    assert effect.df_star == 1
    assert effect.magnitude == "small"
    assert effect.n == 2757 and effect.n_small == small_effect_n(2)
    assert effect.sample_size_alone


def test_a_small_effect_at_a_small_n_is_not_put_down_to_the_sample_size():
    # The same shares at a tenth of the n: still small, but n < 964.
    small = [[round(x / 10) for x in row] for row in PARTY]
    effect = effect_size(_test_of(small, significant=True))
    assert effect.magnitude in ("negligible", "small")
    assert effect.n < effect.n_small
    assert not effect.sample_size_alone


def test_a_large_effect_at_a_large_n_is_not_put_down_to_the_sample_size():
    strong = [[900, 100, 100], [100, 400, 900]]
    effect = effect_size(_test_of(strong, significant=True))
    assert effect.magnitude == "large"
    assert not effect.sample_size_alone


def test_a_non_significant_test_is_never_put_down_to_the_sample_size():
    assert not effect_size(_test_of(PARTY, significant=False)).sample_size_alone


def test_the_sentence_names_v_and_cohens_word_and_the_sample_size():
    effect = effect_size(_test_of(PARTY, significant=True))
    sentence = what_tests_found([effect], True, "bh")
    assert "“Party identification” by Gender (V = .10, small;" in sentence
    assert "sample size alone" in sentence and "N = 2,757" in sentence


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> object:
    folder: Path = tmp_path_factory.mktemp("wide")
    instrument, responses = write_wide_survey(folder)
    return analyze_file(responses, instrument=instrument, options=AnalysisOptions(by=("site",)))


def test_a_large_survey_ranks_its_tests_by_effect_size(wide):
    effects = wide.findings.effects
    assert len(effects) == len([t for t in wide.associations if t.result.testable])
    values = [e.v for e in effects]
    assert values == sorted(values, reverse=True)
    for finding in wide.findings.components:
        assert [e.v for e in finding.effects] == sorted(
            (e.v for e in finding.effects), reverse=True
        )
        assert {e.test.item for e in finding.effects} == {t.item for t in finding.tests}


def test_a_large_survey_says_its_significance_comes_from_the_sample_size(wide):
    assert wide.n_respondents == 2400
    significant = [e for e in wide.findings.effects if e.significant]
    assert significant and all(e.magnitude in ("negligible", "small") for e in significant)
    assert all(e.sample_size_alone for e in significant)
    sentences = overall_sentences(wide)
    largest = wide.findings.effects[0]
    assert f"(V = {f'{largest.v:.2f}'.lstrip('0')}, small)" in sentences[0]
    assert "largest effect first" in sentences[0]
    assert any("sample size alone" in s and "N = 2,400" in s for s in sentences)
    # The counts sentence stays last (the brief view prints only it).
    assert sentences[-1].startswith("10 tests ran")
    # No more than three tests are named per grouping; the rest are counted by size.
    assert sentences[0].count("(V = ") == 3
    assert "the other 7: 7 small" in sentences[0]


def test_the_mentee_survey_does_not_blame_its_sample_size():
    results = analyze_file(DATA / "mentees.xlsx", options=AnalysisOptions(by=("year_of_study",)))
    assert results.n_respondents == 182
    assert not any(e.sample_size_alone for e in results.findings.effects)
    assert not any("sample size alone" in s for s in overall_sentences(results))
