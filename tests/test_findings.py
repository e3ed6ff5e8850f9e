"""Findings a program director acts on (issue 19): % positive with its interval, the
cells that drive a significant table, changes between waves, non-response, disclosure
control. Each number is pinned to an independent value, named beside it."""

from __future__ import annotations

import json

import pytest

from cipp import to_dict
from cipp.cli import app
from cipp.flow.analysis import AnalysisOptions, analyze_file, cells_driving, load_file
from cipp.stats.contingency import adjusted_residuals, test_contingency
from cipp.stats.describe import proportion
from tests.conftest import DATA

# R: M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477))); chisq.test(M)$stdres
# (?chisq.test; Agresti 2007, p. 39, prints the adjusted residuals 4.50, 0.70, -5.32).
PARTY = [[762, 327, 468], [484, 239, 477]]
PARTY_STDRES = [[4.5020535, 0.6994517, -5.3159455], [-4.5020535, -0.6994517, 5.3159455]]


def test_adjusted_residuals_agree_with_r():
    result = test_contingency(PARTY, row_labels=["F", "M"], col_labels=["D", "I", "R"])
    for got, want in zip(result.residuals, PARTY_STDRES, strict=True):
        assert got == pytest.approx(want, abs=1e-6)
    assert adjusted_residuals(PARTY, result.expected) == result.residuals


def test_cells_driving_use_a_bonferroni_normal_quantile():
    result = test_contingency(PARTY, row_labels=["F", "M"], col_labels=["D", "I", "R"])
    # 6 cells: z(1 - .05 / 12) = 2.638; 4.50 and 5.32 exceed it, 0.70 does not.
    driving = cells_driving(result, 0.05)
    assert [(c.row, c.column) for c in driving] == [("F", "D"), ("F", "R"), ("M", "D"), ("M", "R")]
    assert driving[0].residual == pytest.approx(4.5020535, abs=1e-6)


def test_positive_share_interval_agrees_with_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    mentors = analyze_file(DATA / "mentors.xlsx", options=AnalysisOptions(by=()))
    rating = mentors.item("program_rating").positive  # Good or better: 25 of 29
    assert (rating.k, rating.n) == (25, 29)
    low, high = proportion_confint(25, 29, alpha=0.05, method="wilson")
    assert rating.ci_low == pytest.approx(100 * low) and rating.ci_high == pytest.approx(100 * high)
    wide = proportion(25, 29, 0.99)
    low99, high99 = proportion_confint(25, 29, alpha=0.01, method="wilson")
    assert wide.ci_low == pytest.approx(100 * low99) and wide.ci_high == pytest.approx(100 * high99)


def test_positive_by_group_counts_each_groups_positive_answers():
    mentees = analyze_file(DATA / "mentees.xlsx", options=AnalysisOptions(by=("gender",)))
    test = next(t for t in mentees.associations if t.item == "mentor_accessible")
    shares = dict(test.positive_by_group)
    positive = {"Slightly agree", "Agree", "Strongly agree"}
    for j, group in enumerate(test.result.col_labels):
        k = sum(
            row[j]
            for row, label in zip(test.result.table, test.result.row_labels, strict=True)
            if label in positive
        )
        assert (shares[group].k, shares[group].n) == (k, sum(r[j] for r in test.result.table))


def test_json_and_crosstabs_from_the_cli(runner, tmp_path):
    out = tmp_path / "m.json"
    args = ["analyze", str(DATA / "mentees.xlsx"), "--by", "gender", "--confidence", "0.9"]
    result = runner.invoke(app, [*args, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["confidence"] == 0.9
    assert set(document["items"][0]["positive"]) == {"k", "n", "percent", "ci_low", "ci_high"}
    association = document["associations"][0]
    assert {"positive_by_group", "residuals", "cells_driving"} <= set(association)
    assert len(association["residuals"]) == len(association["table"]["counts"])
    markdown = runner.invoke(app, [*args, "--crosstabs", "--format", "markdown"])
    assert "## Crosstabs" in markdown.stdout and "n (row %)" in markdown.stdout
    assert "% positive (90% CI)" in markdown.stdout


def test_api_json_carries_the_same_keys():
    mentors = analyze_file(DATA / "mentors.xlsx")
    document = to_dict(mentors)
    assert document["components"][0]["positive"]["n"] == mentors.components[0].n_answers


def test_nonresponse_counts_declared_missing_by_name(runner, tmp_path):
    mentees = analyze_file(DATA / "mentees.xlsx", options=AnalysisOptions(by=()))
    found = mentees.nonresponse
    assert found is not None and found.respondents == 182 and found.roster is None
    critiques = next(i for i in found.items if i.id == "constructive_feedback")
    summary = mentees.item("constructive_feedback")
    assert (critiques.asked, critiques.answered) == (182, summary.n_valid)
    assert critiques.missing == 182 - summary.n_valid
    assert dict(critiques.declared_missing) == {"N/A": mentees.declared_missing[critiques.id]}


def test_declared_missing_answers_are_counted_in_their_groups(tmp_path):
    # Two declared values (one in two spellings, named by the commoner) in several groups:
    # each group's counts by name add up to the whole file's, each in its own group.
    import pandas as pd

    frame = pd.read_excel(DATA / "mentees.xlsx", dtype=str)
    critiques = "My mentor gave me constructive critiques of my work."
    year = next(c for c in frame.columns if "year" in c.lower() and "study" in c.lower())
    frame.loc[frame.index[:3], critiques] = "n/a"
    frame.loc[frame.index[3:5], critiques] = "Don't know"
    path = tmp_path / "mentees.csv"
    frame.to_csv(path, index=False)
    instrument = (DATA.parent / "instruments" / "mentee.yaml").read_text(encoding="utf-8")
    instrument = instrument.replace('missing: ["N/A",', 'missing: ["Don\'t know", "N/A",', 1)
    assert "Don't know" in instrument
    (tmp_path / "mentee.yaml").write_text(instrument, encoding="utf-8")
    options = AnalysisOptions(by=("year_of_study",))
    found = analyze_file(path, instrument=tmp_path / "mentee.yaml", options=options).nonresponse
    whole = dict(next(i for i in found.items if i.id == "constructive_feedback").declared_missing)
    not_applicable = int(frame[critiques].str.lower().eq("n/a").sum())
    assert not_applicable >= 3 and whole == {"n/a": not_applicable, "Don't know": 2}
    (grouping,) = found.by_group
    summed: dict[str, int] = {}
    for group in grouping.groups:
        item = next(i for i in group.items if i.id == "constructive_feedback")
        for label, n in item.declared_missing:
            summed[label] = summed.get(label, 0) + n
        rows = frame[frame[year] == group.group][critiques]
        assert dict(item.declared_missing).get("Don't know", 0) == int((rows == "Don't know").sum())
    assert summed == whole


def test_roster_gives_response_rates_and_tests_participation(tmp_path):
    from scipy.stats import chisquare

    from cipp.read.roster import load_group_sizes

    roster = tmp_path / "roster.csv"
    roster.write_text("group,size\nFemale,300\nMale,200\n", encoding="utf-8")
    options = AnalysisOptions(by=("gender",), roster=load_group_sizes(roster))
    mentees = analyze_file(DATA / "mentees.xlsx", options=options)
    found = mentees.nonresponse
    assert found.roster == 500 and found.response_rate == pytest.approx(100 * 182 / 500)
    (by_gender,) = found.by_group
    counts = {g.group: g.respondents for g in by_gender.groups}
    assert counts["Female"] + counts["Male"] == 182
    female = next(g for g in by_gender.groups if g.group == "Female")
    assert female.response_rate == pytest.approx(100 * counts["Female"] / 300)
    # Independent: scipy's chi-square goodness of fit on the counts against 300:200.
    expected = [182 * 300 / 500, 182 * 200 / 500]
    reference = chisquare([counts["Female"], counts["Male"]], expected)
    assert by_gender.fit.statistic == pytest.approx(reference.statistic)
    assert by_gender.fit.p_value == pytest.approx(reference.pvalue)
    assert load_group_sizes("750").total == 750


def test_roster_groups_must_match_a_grouping(runner, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("group,size\nNorth,10\n", encoding="utf-8")
    result = runner.invoke(
        app, ["analyze", str(DATA / "mentees.xlsx"), "--by", "gender", "--roster", str(roster)]
    )
    assert result.exit_code == 2 and "not the groups of any grouping" in result.stderr


def test_a_components_interval_counts_respondents_not_answers():
    # A component pools each respondent's answers to its items: they are a cluster, not
    # independent answers. The design effect is checked against statsmodels' cluster-
    # robust variance of the mean of the 0/1 answers (an OLS on a constant, clustered by
    # respondent, without its small-sample factor, times m / (m - 1)); the interval is
    # the Wilson interval at the effective n.
    import numpy as np
    import statsmodels.api as sm

    from cipp.stats.describe import wilson_limits

    mentees = analyze_file(DATA / "mentees.xlsx", options=AnalysisOptions(by=()))
    responses = load_file(DATA / "mentees.xlsx").responses
    instrument = responses.instrument
    for component in mentees.components:
        answers, clusters = [], []
        for item in (i for i in instrument.items if i.component == component.component):
            scale = instrument.scale_of(item)
            index = responses.level_index(item.id)
            for respondent, position in enumerate(index):
                if position < len(scale.codes):
                    answers.append(scale.codes[position] in scale.positive_group.codes)
                    clusters.append(respondent)
        y = np.array(answers, dtype=float)
        fit = sm.OLS(y, np.ones_like(y)).fit(
            cov_type="cluster", cov_kwds={"groups": np.array(clusters), "use_correction": False}
        )
        m = len(set(clusters))
        variance = float(fit.bse[0]) ** 2 * m / (m - 1)
        p, n = y.mean(), len(y)
        effective = n / max(1.0, variance / (p * (1 - p) / n))
        share = component.positive
        assert share.n == n and share.n_effective == pytest.approx(effective)
        assert share.n_effective < n  # answers of one respondent agree with each other
        low, high = wilson_limits(p, effective)
        assert (share.ci_low, share.ci_high) == pytest.approx((low, high))
    # Items keep the plain Wilson interval of k of n.
    assert mentees.items[0].positive.n_effective is None
