"""Tests of association wired through analyze() and the CLI (issue 3).

The statistics themselves are pinned to R and textbook values in test_association.py;
here the crosstabs cipp builds are checked against an independent pandas crosstab, and
the study's participation and sample-size figures come out of the CLI.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from cipp.cli import app
from cipp.flow.analysis import AnalysisOptions, analyze, load_file, parse_expected
from cipp.model.errors import CippError
from cipp.render.prose import association_sentences
from tests.conftest import DATA

ASSOCIATION_KEYS = {
    "item",
    "by",
    "n",
    "table",
    "statistic",
    "df",
    "p_value",
    "p_yates",
    "p_exact",
    "exact_method",
    "p_adjusted",
    "cramers_v",
    "min_expected",
    "cells_expected_below_5",
    "test_used",
}


@pytest.fixture(scope="module")
def mentees():
    return load_file(DATA / "mentees.xlsx").responses


@pytest.fixture(scope="module")
def mentee_results(mentees):
    return analyze(mentees)


def test_default_tests_are_the_instruments_tested_demographics(mentee_results):
    summary = mentee_results.association_summary
    assert summary.by == ("age", "gender", "year_of_study")
    # 10 items + 4 components against each of 3 demographics
    assert summary.tests == 42 and len(mentee_results.associations) == 42
    assert (
        "No item or component was associated with gender after Benjamini-Hochberg "
        "adjustment (14 tests)." in association_sentences(summary, mentee_results.associations)
    )


def test_crosstab_equals_an_independent_pandas_crosstab(mentees, mentee_results):
    """Rebuild the table from the raw file with pandas and test it with scipy."""
    raw = pd.read_excel(DATA / "mentees.xlsx", dtype=str)
    answers = (
        raw["My mentor was accessible to me."]
        .str.strip()
        .str.lower()
        .replace({"sa": "strongly agree", "sd": "strongly disagree"})
    )
    expected = pd.crosstab(answers, raw["Gender"])
    test = next(
        t for t in mentee_results.associations if t.item == "mentor_accessible" and t.by == "gender"
    )
    order = [
        "strongly disagree",
        "disagree",
        "slightly disagree",
        "slightly agree",
        "agree",
        "strongly agree",
    ]
    assert [list(row) for row in test.result.table] == expected.loc[
        order, ["Female", "Male"]
    ].to_numpy().tolist()
    chi2, p, df, _ = chi2_contingency(expected.to_numpy(), correction=False)
    assert test.result.statistic == pytest.approx(chi2) and test.result.df == df
    assert test.result.p_value == pytest.approx(p)


def test_component_score_table_counts_respondents(mentees, mentee_results):
    test = next(t for t in mentee_results.associations if t.item == "product" and t.by == "gender")
    assert test.level == "component"
    assert sum(map(sum, test.result.table)) == 182
    assert test.result.row_labels == ("Not mostly positive", "Mostly positive")


def test_collapse_tests_on_collapse_groups(mentees):
    results = analyze(mentees, AnalysisOptions(by=("gender",), collapse=True))
    test = next(t for t in results.associations if t.item == "goals_achieved")
    assert test.result.row_labels == ("Disagree", "Agree")
    assert test.collapsed and test.result.p_yates is not None


def test_holm_is_at_least_as_strict_as_bh(mentees):
    bh = analyze(mentees, AnalysisOptions(by=("gender", "age"), collapse=True, adjust="bh"))
    holm = analyze(mentees, AnalysisOptions(by=("gender", "age"), collapse=True, adjust="holm"))
    for a, b in zip(bh.associations, holm.associations, strict=True):
        assert b.p_adjusted >= a.p_adjusted - 1e-12


def test_unknown_grouping_and_bad_expected_are_user_errors(mentees):
    with pytest.raises(CippError, match="no such demographic or column"):
        analyze(mentees, AnalysisOptions(by=("shoe size",)))
    with pytest.raises(CippError, match="not LABEL=NUMBER"):
        parse_expected("Year 1=150,Year 2")


def test_grouping_by_a_column_outside_the_instrument(tmp_path):
    results = analyze(load_file(DATA / "mentors.xlsx").responses, AnalysisOptions(by=("Mentor",)))
    test = results.associations[0]
    assert test.by == "Mentor" and len(test.result.col_labels) == 29


def test_json_associations_keys_and_values(runner):
    result = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx"), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["association_summary"]["tests"] == 30
    for entry in document["associations"]:
        assert set(entry) >= ASSOCIATION_KEYS
        assert sum(map(sum, entry["table"]["counts"])) == entry["n"]
        two_by_two = len(entry["table"]["rows"]) == 2 and len(entry["table"]["columns"]) == 2
        assert (entry["p_yates"] is not None) == two_by_two
        assert (entry["p_exact"] is not None) == (entry["test_used"] == "fisher exact")
    sparse = next(
        e
        for e in document["associations"]
        if e["item"] == "program_rating" and e["by"] == "experience"
    )
    assert sparse["test_used"] == "fisher exact" and sparse["exact_method"] == "exact"
    assert "expect fewer than 5" in sparse["test_reason"]
    assert sparse["apa"].startswith("Fisher's exact test, N = 29, p = ")


def test_terminal_shows_tests_per_grouping_and_summary(runner):
    result = runner.invoke(app, ["analyze", str(DATA / "mentees.xlsx"), "--by", "gender"])
    assert result.exit_code == 0, result.output
    assert "Association with gender" in result.stdout
    assert (
        "No item or component was associated with gender after Benjamini-Hochberg "
        "adjustment (14 tests)." in " ".join(result.stdout.split())
    )
    assert "Association with age" not in result.stdout


def test_participation_reproduces_the_study(runner):
    result = runner.invoke(
        app,
        [
            "analyze",
            str(DATA / "mentees.xlsx"),
            "--no-tests",
            "--participation",
            "year_of_study",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    fit = json.loads(result.stdout)["goodness_of_fit"]
    assert fit["observed"] == [33, 43, 44, 39, 23] and fit["df"] == 4
    assert f"{fit['statistic']:.2f}" == "8.22" and f"{fit['p_value']:.3f}" == "0.084"
    assert fit["apa"] == "χ²(4, N = 182) = 8.22, p = .084"
    result = runner.invoke(
        app,
        ["analyze", str(DATA / "mentees.xlsx"), "--no-tests", "--participation", "Year of study"],
    )
    assert "χ²(4, N = 182) = 8.22, p = .084" in result.stdout


def test_participation_against_enrolment(runner):
    result = runner.invoke(
        app,
        [
            "analyze",
            str(DATA / "mentees.xlsx"),
            "--no-tests",
            "--format",
            "json",
            "--participation",
            "year_of_study",
            "--expected",
            "Year 1=150,Year 2=150,Year 3=150,Year 4=150,Year 5=150",
        ],
    )
    fit = json.loads(result.stdout)["goodness_of_fit"]
    assert fit["expected"] == [36.4] * 5  # equal enrolment: the same as equal shares


@pytest.mark.parametrize(
    "args,expected",
    [
        (["--population", "1000000"], "Sample size: 384"),  # OpenEpi's exercise: 384 persons
        ([], "Sample size: 385"),  # infinite population: Cochran's 384.15, rounded up
        (["--base-n", "170", "--nonresponse", "0.10"], "Sample size: 187"),  # the study's step
    ],
)
def test_sample_size_cli(runner, args, expected):
    result = runner.invoke(app, ["sample-size", *args])
    assert result.exit_code == 0, result.output
    assert expected in result.stdout and "Formula: n" in result.stdout


def test_documents_carry_the_apa_line_and_the_terminal_does_not(runner):
    markdown = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx"), "-f", "markdown"])
    assert "| APA |" in markdown.stdout
    assert "Fisher's exact test, N = 29, p = " in markdown.stdout
    table = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx")])
    assert "APA" not in table.stdout


# --- columns outside the instrument ----------------------------------------------------


@pytest.fixture()
def with_site(tmp_path):
    """The mentor file with a Site column typed inconsistently, and a copy headed twice."""
    frame = pd.read_excel(DATA / "mentors.xlsx")
    frame["Site"] = (["North", "north ", "2", "2.0", "South", "  SOUTH"] * 5)[: len(frame)]
    path = tmp_path / "site.csv"
    frame.to_csv(path, index=False)
    return path


def test_an_extra_column_groups_as_instrument_columns_read(with_site):
    from cipp.flow.grouping import resolve_grouping

    responses = load_file(with_site, instrument="mentor").responses
    grouping = resolve_grouping(responses, "site")
    # case, spacing and a number's spelling make no new group; each group is labelled
    # by its most common spelling, in natural order
    assert grouping.labels == ("2", "North", "South")
    raw = pd.read_csv(with_site)["Site"].str.strip().str.lower().replace({"2.0": "2"})
    expected = raw.map({"2": 0, "north": 1, "south": 2}).tolist()
    assert grouping.codes.tolist() == expected


def test_an_extra_column_headed_twice_is_an_error(tmp_path, runner):
    frame = pd.read_excel(DATA / "mentors.xlsx")
    frame["Site"] = "North"
    frame["site"] = "South"
    path = tmp_path / "twice.csv"
    frame.to_csv(path, index=False)
    result = runner.invoke(app, ["analyze", str(path), "--by", "Site"])
    assert result.exit_code == 2
    assert "2 columns of" in result.stderr and "'Site', 'site'" in result.stderr


def test_participation_names_its_own_option_and_matches_labels_loosely(runner):
    result = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx"), "--participation", "Nope"])
    assert result.exit_code == 2
    assert "--participation Nope: no such demographic or column" in result.stderr
    loaded = load_file(DATA / "mentors.xlsx").responses
    options = AnalysisOptions(by=(), participation="gender", expected={"female": 1, "MALE": 1})
    fit = analyze(loaded, options).goodness_of_fit
    assert fit is not None and fit.result.labels == ("Female", "Male")


def test_expected_category_absent_from_an_extra_column_counts_zero(with_site):
    loaded = load_file(with_site, instrument="mentor").responses
    expected = {"North": 1, "South": 1, "2": 1, "East": 1}
    options = AnalysisOptions(by=(), participation="Site", expected=expected)
    fit = analyze(loaded, options).goodness_of_fit
    assert fit is not None
    assert fit.result.labels == ("2", "North", "South", "East")
    assert fit.result.observed[-1] == 0 and sum(fit.result.observed) == 29


def test_expected_label_given_twice_is_an_error():
    with pytest.raises(CippError, match="given twice"):
        parse_expected("Year 1=150,year 1=10")


def test_group_keys_keep_long_ids_and_odd_numbers_apart():
    from cipp.flow.grouping import _group_key

    assert _group_key("2") == _group_key("2.0") == _group_key(" 2 ") == _group_key("2e0")
    assert _group_key("12345678901234567890") != _group_key("12345678901234567891")
    assert _group_key("1,000") != _group_key("1")
    assert _group_key("1_0") != _group_key("10")
    assert _group_key("North") == _group_key(" north")
