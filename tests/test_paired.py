"""Paired before/after tests (cipp.stats.paired) and ``cipp compare``, pinned to published
and independent values (sources beside each number)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import SquareTable
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from cipp.cli.app import app
from cipp.stats.paired import mcnemar, newcombe_paired, signed_rank, stuart_maxwell
from tests.conftest import write_xlsx

# R's ?mcnemar.test example (Agresti 1990, p. 350: presidential approval, 1st x 2nd survey
# = 794, 150 / 86, 570): McNemar's chi-squared = 16.818, df = 1, p-value = 4.115e-05.
APPROVAL = [[794, 150], [86, 570]]


def test_mcnemar_matches_r_example_and_statsmodels():
    result = mcnemar(150, 86)
    assert result.statistic == pytest.approx(16.818, abs=5e-4)
    assert result.p == pytest.approx(4.115e-05, rel=1e-3)
    corrected = sm_mcnemar(APPROVAL, exact=False, correction=True)
    assert result.statistic == pytest.approx(corrected.statistic, rel=1e-12)
    assert result.p_exact == pytest.approx(sm_mcnemar(APPROVAL, exact=True).pvalue, rel=1e-12)


def test_mcnemar_edge_cases():
    # R applies the correction only to an asymmetric table: b = c gives 0, p = 1.
    assert mcnemar(5, 5).statistic == 0.0 and mcnemar(5, 5).p == pytest.approx(1.0)
    assert math.isnan(mcnemar(0, 0).p)
    # Exact p of 0 vs 6 discordant: 2 * 0.5**6 (binom.test(0, 6)).
    assert mcnemar(0, 6).p_exact == pytest.approx(2 * 0.5**6)


# Stuart (1955) unaided distance vision of 7477 women, right eye (rows) x left eye:
# Stuart-Maxwell W = 11.96 on 3 df (Agresti, Categorical Data Analysis, 2nd ed., 10.3).
VISION = [[1520, 266, 124, 66], [234, 1512, 432, 78], [117, 362, 1772, 205], [36, 82, 179, 492]]


def test_stuart_maxwell_matches_published_and_statsmodels():
    result = stuart_maxwell(VISION)
    assert result.statistic == pytest.approx(11.96, abs=5e-3)
    assert result.df == 3
    reference = SquareTable(np.array(VISION), shift_zeros=False).homogeneity()
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert result.p == pytest.approx(reference.pvalue, rel=1e-8)


def test_stuart_maxwell_drops_empty_levels_and_handles_no_change():
    table = [[3, 1, 0], [2, 4, 0], [0, 0, 0]]
    result = stuart_maxwell(table, ["a", "b", "c"])
    assert result.dropped == ("c",) and result.df == 1
    # On 2 levels it is McNemar's statistic without correction: (1 - 2)^2 / 3.
    assert result.statistic == pytest.approx(1 / 3)
    assert math.isnan(stuart_maxwell([[4, 0], [0, 5]]).statistic)


# R's ?wilcox.test paired example (Hollander & Wolfe, depression scale): V = 40.
DEPRESSION_X = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
DEPRESSION_Y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


def test_signed_rank_matches_r_statistic_and_scipy_p():
    from scipy.stats import wilcoxon

    result = signed_rank(DEPRESSION_Y, DEPRESSION_X)  # after - before = x - y
    assert result.statistic == 40
    reference = wilcoxon(
        DEPRESSION_X, DEPRESSION_Y, zero_method="wilcox", correction=True, method="approx"
    )
    assert result.p == pytest.approx(reference.pvalue, rel=1e-12)


def test_signed_rank_with_ties_and_zeros_matches_scipy():
    from scipy.stats import wilcoxon

    rng = np.random.default_rng(5)
    before = rng.integers(1, 7, 80)
    after = np.clip(before + rng.integers(-1, 3, 80), 1, 6)
    result = signed_rank(before, after)
    reference = wilcoxon(after, before, zero_method="wilcox", correction=True, method="approx")
    assert result.p == pytest.approx(reference.pvalue, rel=1e-10)
    assert math.isnan(signed_rank([1, 2], [1, 2]).p)


def test_newcombe_method_10_matches_published_example():
    # Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency Tables,
    # ch. 8 (Cavo et al. 2012, complete response before x after consolidation therapy):
    # Newcombe square-and-add estimate = -0.0621 (95% CI -0.1186 to -0.0046).
    theta, low, high = newcombe_paired(59, 6, 16, 80)
    assert theta == pytest.approx(-0.0621, abs=5e-5)
    assert low == pytest.approx(-0.1186, abs=5e-5)
    assert high == pytest.approx(-0.0046, abs=5e-5)


def _pair_files(tmp_path):
    header = ["Respondent", "Gender", "The goals of the mentorship program were achieved."]
    before = [header, ["A", "Female", "Agree"], ["B", "Male", "Disagree"], ["C", "Male", "Agree"]]
    before += [["D", "Male", "Disagree"], ["E", "Female", "Disagree"], ["", "Male", "Agree"]]
    after = [header, ["A", "Female", "Agree"], ["B", "Male", "Agree"], ["C", "Male", "Agree"]]
    after += [["D", "Male", "Strongly agree"], ["D", "Male", "Agree"], ["E", "Female", "Agree"]]
    after += [["F", "Male", "Agree"]]
    return write_xlsx(tmp_path / "before.xlsx", before), write_xlsx(tmp_path / "after.xlsx", after)


def test_compare_matches_by_id_and_lists_what_it_could_not(tmp_path, runner):
    from cipp.flow.compare import compare_files

    before, after = _pair_files(tmp_path)
    result = compare_files(before, after, id_column="respondent", instrument="mentee")
    assert result.n_pairs == 4  # A, B, C and E; D is on two rows after
    assert result.after.duplicates == ("D",)
    assert result.after.unmatched == ("F",)
    assert result.before.missing_id == 1
    (item,) = result.items
    # Pairs A (agree, agree), B (disagree -> agree), C (agree, agree), E (disagree -> agree).
    assert item.n_pairs == 4
    assert (item.mcnemar.b, item.mcnemar.c) == (0, 2)
    assert item.positive.before == 50 and item.positive.after == 100
    out = tmp_path / "compare.json"
    args = ["compare", str(before), str(after), "--id", "Respondent", "-i", "mentee"]
    outcome = runner.invoke(app, [*args, "--format", "json", "--out", str(out)])
    assert outcome.exit_code == 0, outcome.output
    document = json.loads(out.read_text())
    entry = document["paired"][0]
    assert set(entry) >= {"item", "n_pairs", "table", "mcnemar", "marginal_homogeneity"}
    assert set(entry["mcnemar"]) >= {"statistic", "p", "p_exact"}
    assert set(entry["wilcoxon"]) >= {"statistic", "p"}
    assert document["matching"]["after"]["duplicates"] == ["D"]


def test_compare_unknown_id_column_is_one_line(tmp_path, runner):
    before, after = _pair_files(tmp_path)
    outcome = runner.invoke(
        app, ["compare", str(before), str(after), "--id", "nope", "-i", "mentee"]
    )
    assert outcome.exit_code == 2
    assert "--id nope: no such column" in outcome.output


@pytest.mark.parametrize("fmt", ["markdown", "csv", "html"])
def test_compare_writes_every_text_format(tmp_path, runner, fmt):
    before, after = _pair_files(tmp_path)
    out = tmp_path / f"c.{fmt}"
    args = ["compare", str(before), str(after), "--id", "Respondent", "-i", "mentee"]
    outcome = runner.invoke(app, [*args, "-f", fmt, "-o", str(out)])
    assert outcome.exit_code == 0, outcome.output
    assert "goals of the mentorship" in out.read_text().lower()


def test_compare_json_is_to_dict_of_the_library_record(tmp_path, runner):
    import cipp

    before, after = _pair_files(tmp_path)
    record = cipp.compare_files(before, after, id_column="Respondent", instrument="mentee")
    out = tmp_path / "c.json"
    args = ["compare", str(before), str(after), "--id", "Respondent", "-i", "mentee"]
    assert runner.invoke(app, [*args, "-f", "json", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text()) == json.loads(json.dumps(cipp.to_dict(record)))
    assert cipp.output(record, "markdown").startswith("# Mentee evaluation")
