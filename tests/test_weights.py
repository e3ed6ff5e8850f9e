"""Survey weights (cipp.stats.weights, cipp.flow.weighting, --weight / --rake), pinned to
independent values with their source beside each number."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cipp.cli.app import app
from cipp.model.errors import CippError
from cipp.stats.weights import kish, rake, rao_scott, weighted_share
from tests.conftest import DATA

# A small unequally weighted sample (24 respondents): a 3-level row variable, a 2-level
# column variable and the weights.
ROWS = [0, 1, 2, 0, 1, 2, 0, 0, 1, 2, 2, 1, 0, 1, 2, 0, 1, 1, 2, 0, 0, 2, 1, 0]
COLS = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0]
WEIGHTS = [1.5, 2.0, 0.7, 3.1, 1.2, 0.9, 2.4, 1.1, 0.8, 1.7, 2.2, 1.3, 0.6, 2.8, 1.0, 1.9]
WEIGHTS += [0.5, 2.6, 1.4, 0.9, 1.6, 2.1, 1.2, 0.7]


def test_weighted_proportion_matches_samplics_and_statsmodels():
    import statsmodels.api as sm

    y = (np.array(ROWS) == 1).astype(float)
    w = np.array(WEIGHTS)
    share = weighted_share(y, w)
    # samplics 0.6.1 (MIT) TaylorEstimator(PopParam.prop), one PSU per respondent:
    # 0.34254143646408836, SE 0.11092544996630811, CI 0.15830356325612624 to
    # 0.5907161599730486 (logit interval, t on n - 1 df, as svyciprop(method = "logit")).
    assert share.percent == pytest.approx(34.254143646408836, rel=1e-12)
    assert share.se == pytest.approx(11.092544996630811, rel=1e-10)
    assert share.ci_low == pytest.approx(15.830356325612624, rel=1e-9)
    assert share.ci_high == pytest.approx(59.07161599730486, rel=1e-9)
    # statsmodels: the weighted mean's sandwich (HC1 = n/(n - 1) HC0) standard error.
    fit = sm.WLS(y, np.ones((len(y), 1)), weights=w).fit(cov_type="HC1")
    assert share.se / 100 == pytest.approx(float(fit.bse[0]), rel=1e-10)


def test_rao_scott_matches_samplics_and_reduces_to_pearson():
    from scipy.stats import chi2_contingency

    result = rao_scott(np.array(ROWS), np.array(COLS), np.array(WEIGHTS), 3, 2)
    # samplics 0.6.1 CrossTabulation's design-effect matrix (its own construction, an SRS-
    # covariance projection; its `else:` that zeroes the matrix after a successful
    # inversion removed): tr(D) = 2.1127725374219004, tr(D^2) = 2.234045644220921, so
    # F = X^2 / tr(D) = 1.3591518738893078, d = tr^2 / tr(D^2) = 1.9980826293461158,
    # ddf = 23 d.
    assert result.statistic == pytest.approx(1.3591518738893078, rel=1e-9)
    assert result.df_num == pytest.approx(1.9980826293461158, rel=1e-9)
    assert result.df_den == pytest.approx(23 * 1.9980826293461158, rel=1e-9)
    # Equal weights: Delta = n/(n - 1) I, so F = X^2 (n - 1) / (n df) on (df, df (n - 1)).
    n = len(ROWS)
    equal = rao_scott(np.array(ROWS), np.array(COLS), np.ones(n), 3, 2)
    table = np.zeros((3, 2))
    np.add.at(table, (ROWS, COLS), 1)
    pearson = chi2_contingency(table, correction=False)[0]
    assert equal.statistic == pytest.approx(pearson * (n - 1) / (n * 2), rel=1e-10)
    assert equal.df_num == pytest.approx(2) and equal.df_den == pytest.approx(2 * (n - 1))


def test_kish_effective_n_by_hand():
    # Weights 1, 1, 2, 4: (sum w)^2 / sum w^2 = 64 / 22; design effect 4 / (64 / 22).
    n, total, effective, deff = kish(np.array([1.0, 1.0, 2.0, 4.0]))
    assert (n, total) == (4, 8.0)
    assert effective == pytest.approx(64 / 22)
    assert deff == pytest.approx(4 * 22 / 64)


def test_rake_one_margin_is_post_stratification():
    codes = np.array([0, 0, 1, 1, 1])
    weights, _, _ = rake([(codes, [10.0, 30.0])], np.ones(5))
    assert weights.tolist() == pytest.approx([5, 5, 10, 10, 10])


def test_rake_two_margins_meets_them_with_a_product_of_factors():
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 3, 200), rng.integers(0, 2, 200)
    base = rng.uniform(0.5, 2, 200)
    targets_a, targets_b = [300.0, 500.0, 200.0], [450.0, 550.0]
    weights, _, error = rake([(a, targets_a), (b, targets_b)], base)
    assert error < 1e-6
    assert np.bincount(a, weights=weights).tolist() == pytest.approx(targets_a, abs=1e-6)
    assert np.bincount(b, weights=weights).tolist() == pytest.approx(targets_b, abs=1e-6)
    # The raking solution (Deming & Stephan 1940): w = base * r[a] * c[b].
    ratio = weights / base
    for i in range(3):
        for j in range(2):
            cell = ratio[(a == i) & (b == j)]
            assert np.ptp(cell) < 1e-9
    with pytest.raises(CippError, match="did not converge"):
        rake([(np.array([0, 0]), [1.0, 1.0])], np.ones(2), max_sweeps=3)


def test_analyze_rake_and_weight_in_json(tmp_path, runner):
    out = tmp_path / "raked.json"
    args = ["analyze", str(DATA / "mentees.xlsx"), "--rake", str(DATA / "roster.csv")]
    outcome = runner.invoke(app, [*args, "--by", "gender", "-f", "json", "-o", str(out)])
    assert outcome.exit_code == 0, outcome.output
    document = json.loads(out.read_text())
    weights = document["weights"]
    assert set(weights) >= {"source", "n", "sum", "effective_n", "design_effect"}
    assert weights["n"] == 182 and weights["sum"] == pytest.approx(750)
    level = document["items"][0]["levels"][0]
    assert {"n", "weighted_percent", "weighted_ci_low", "weighted_ci_high"} <= set(level)
    assert set(document["associations"][0]["rao_scott"]) == {"statistic", "df_num", "df_den", "p"}


def test_weight_column_errors_name_the_cell(tmp_path, runner):
    from cipp.read.instrument import resolve_instrument
    from tests.conftest import write_xlsx

    texts = [item.text for item in resolve_instrument("mentee").items]
    rows = [["Gender", "w", *texts], ["Female", 2, *["Agree"] * 10], ["Male", "x", *["SA"] * 10]]
    path = write_xlsx(tmp_path / "w.xlsx", rows)
    outcome = runner.invoke(app, ["analyze", str(path), "-i", "mentee", "--weight", "w"])
    assert outcome.exit_code == 2
    assert "row 3, column w: 'x' is not a positive number" in outcome.output
    assert "--weight" in outcome.output


def test_roster_that_names_an_absent_category_is_refused(tmp_path, runner):
    roster = tmp_path / "roster.csv"
    roster.write_text("variable,level,count\ngender,Female,10\ngender,Other,3\ngender,Male,5\n")
    args = ["analyze", str(DATA / "mentees.xlsx"), "--rake", str(roster), "--no-tests"]
    outcome = runner.invoke(app, args)
    assert outcome.exit_code == 2
    assert "'Other'" in outcome.output and "row 3" in outcome.output


def test_batch_weighs_every_wave(tmp_path):
    from cipp.flow.analysis import AnalysisOptions
    from cipp.flow.batch import run_batch

    options = AnalysisOptions(by=(), weight="weight")
    result = run_batch(
        DATA / "prepost" / "before.xlsx", split_by="Gender", options=options, workers=1
    )
    assert all(wave.weighting is not None for wave in result.waves.values())
