"""Batches of waves and their trends (issue 4).

Waves are checked against the whole file (split waves add up to it, level by level), the
trend tests against a chi-square and a linear-by-linear statistic computed here from the
raw workbook with pandas, scipy and numpy, and the CLI's files by opening each with its
own library. Wave files are made in a temporary folder from the example mentee data.
"""

from __future__ import annotations

import csv
import io
import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from scipy.stats import chi2, chi2_contingency

from cipp import to_dict
from cipp.cli import app
from cipp.cli.batch import parse_formats
from cipp.flow.analysis import AnalysisOptions, analyze, load_file
from cipp.flow.batch import (
    BatchResults,
    _Job,
    _run_job,
    direction_of,
    expand_inputs,
    natural_key,
    run_batch,
)
from cipp.model.errors import CippError, DataError
from cipp.model.trends import Change
from cipp.render.csv import write_csv
from cipp.render.trends import safe_name, trends_document, wave_folders
from tests.conftest import DATA, write_xlsx

MENTEES = DATA / "mentees.xlsx"
NO_TESTS = AnalysisOptions(by=())
GOALS_CLEAR = "The goals of the mentorship program were made clear to me."
SUPPORTIVE = "My mentor was supportive and encouraging."
AGREEMENT = {  # the cell texts of the example file, as the instrument reads them
    "strongly disagree": 1,
    "sd": 1,
    "disagree": 2,
    "slightly disagree": 3,
    "slightly agree": 4,
    "agree": 5,
    "strongly agree": 6,
    "sa": 6,
}


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_excel(MENTEES, dtype=str)


@pytest.fixture(scope="module")
def split():
    return run_batch([MENTEES], split_by="academic_year", options=NO_TESTS, workers=1)


@pytest.fixture(scope="module")
def whole():
    return analyze(load_file(MENTEES).responses, NO_TESTS)


@pytest.fixture(scope="module")
def waves_folder(tmp_path_factory, raw):
    """wave_2022.csv (an older version: no goals_clear column), wave_2023.xlsx, wave_2024.csv."""
    folder = tmp_path_factory.mktemp("waves")
    frame = raw.drop(columns=["academic_year"])
    y2023, y2024 = (frame[raw["academic_year"] == year] for year in ("2023", "2024"))
    y2023.drop(columns=[GOALS_CLEAR]).to_csv(folder / "wave_2022.csv", index=False)
    rows = [list(y2023.columns)] + y2023.astype(object).where(y2023.notna(), None).values.tolist()
    write_xlsx(folder / "wave_2023.xlsx", rows)
    y2024.to_csv(folder / "wave_2024.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def three_waves(waves_folder):
    return run_batch([waves_folder], options=NO_TESTS, workers=1)


# --- splitting one file -----------------------------------------------------------------


def test_split_by_academic_year_gives_two_waves_that_add_up_to_the_file(split, whole):
    assert list(split.waves) == ["2023", "2024"]
    assert [r.n_respondents for r in split.waves.values()] == [88, 94]
    assert not split.errors
    for summary in whole.items:
        parts = [wave.item(summary.id) for wave in split.waves.values()]
        assert sum(p.n_valid for p in parts) == summary.n_valid
        assert sum(p.n_missing for p in parts) == summary.n_missing
        for position, level in enumerate(summary.levels):
            assert sum(p.levels[position].n for p in parts) == level.n, (summary.id, level)
    for component in whole.components:
        parts = [
            next(c for c in wave.components if c.component == component.component)
            for wave in split.waves.values()
        ]
        assert sum(p.n_answers for p in parts) == component.n_answers
    assert any("detected from" in note for note in split.notes)


def test_split_by_the_demographics_label_or_a_plain_column(raw, tmp_path):
    by_label = run_batch(MENTEES, split_by="Academic year", options=NO_TESTS, workers=1)
    assert list(by_label.waves) == ["2023", "2024"]
    # A column outside the instrument: its values, in natural order ('9' before '10').
    frame = raw.assign(cohort=np.where(raw["academic_year"] == "2023", "10", "9"))
    frame.drop(columns=["academic_year"]).to_csv(tmp_path / "cohorts.csv", index=False)
    cohorts = run_batch(tmp_path / "cohorts.csv", split_by="cohort", options=NO_TESTS, workers=1)
    assert list(cohorts.waves) == ["9", "10"]
    assert [r.n_respondents for r in cohorts.waves.values()] == [94, 88]


def test_trend_figures_are_each_waves_own(split):
    trend = next(t for t in split.trends.items if t.id == "mentor_supportive")
    for point in trend.points:
        summary = split.waves[point.wave].item("mentor_supportive")
        assert point.n == summary.n_valid
        assert point.positive_percent == summary.positive_percent
        assert point.top_percent == summary.top_percent
        assert point.mean == summary.mean
    first, last = trend.points
    assert last.previous_wave == "2023"
    assert last.positive_change == pytest.approx(last.positive_percent - first.positive_percent)
    assert trend.positive_change == last.positive_change
    assert trend.direction == direction_of(trend.overall)
    # The change and its interval: Newcombe's method 10 on the waves' positive counts,
    # as statsmodels computes it.
    from statsmodels.stats.proportion import confint_proportions_2indep

    a = split.waves["2023"].item("mentor_supportive").positive
    b = split.waves["2024"].item("mentor_supportive").positive
    low, high = confint_proportions_2indep(b.k, b.n, a.k, a.n, method="newcomb")
    (change,) = trend.changes
    assert change.difference == pytest.approx(trend.positive_change)
    assert (change.ci_low, change.ci_high) == pytest.approx((100 * low, 100 * high))
    assert trend.overall == change


def test_trend_test_matches_an_independent_crosstab(split, raw):
    """Chi-square from a pandas crosstab of the raw cells (scipy), and the linear-by-linear
    M^2 = (N - 1) r^2 from numpy's Pearson r of level code and wave over respondents."""
    codes = raw[SUPPORTIVE].str.strip().str.lower().str.split().str.join(" ").map(AGREEMENT)
    answered = codes.notna()
    table = pd.crosstab(codes[answered], raw["academic_year"][answered])
    expected = chi2_contingency(table.to_numpy(), correction=False)
    test = next(t for t in split.trends.items if t.id == "mentor_supportive").test
    assert test.col_labels == ("2023", "2024")
    assert np.array_equal(np.array(test.table), table.to_numpy())
    assert test.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert test.df == expected.dof
    wave = (raw["academic_year"][answered] == "2024").astype(float)
    r = np.corrcoef(codes[answered].astype(float), wave)[0, 1]
    m2 = (answered.sum() - 1) * r * r
    assert test.linear_by_linear == pytest.approx(m2, rel=1e-10)
    assert test.p_linear_by_linear == pytest.approx(chi2.sf(m2, 1), rel=1e-10)


def test_component_trend_counts_respondents_mostly_positive(split):
    trend = next(t for t in split.trends.components if t.id == "process")
    assert trend.test.row_labels == ("Not mostly positive", "Mostly positive")
    columns = np.array(trend.test.table).sum(axis=0)
    assert columns.tolist() == [p.n for p in trend.points] == [88, 94]
    for point, mostly in zip(trend.points, np.array(trend.test.table)[1], strict=True):
        assert point.mostly_positive_percent == pytest.approx(100 * mostly / point.n)


def test_trend_p_values_are_adjusted_across_the_batch(split):
    trends = split.trends
    assert trends.tests == len(trends.items) + len(trends.components) == 14
    for trend in (*trends.items, *trends.components):
        assert trend.p_adjusted >= trend.test.p_value_used
        assert trend.significant == (trend.p_adjusted < 0.05)


# --- versions of an instrument, folders and globs -----------------------------------------


def test_an_item_missing_from_one_wave_is_not_asked_never_zero(three_waves):
    assert list(three_waves.waves) == ["wave_2022", "wave_2023", "wave_2024"]
    assert three_waves.waves["wave_2022"].items_not_asked == ("goals_clear",)
    trend = next(t for t in three_waves.trends.items if t.id == "goals_clear")
    missing, *asked = trend.points
    assert not missing.asked and missing.n is None and math.isnan(missing.positive_percent)
    assert [p.n for p in asked] == [88, 94]
    assert asked[0].previous_wave is None  # the first wave that asked it
    assert trend.first_wave == "wave_2023"
    # The wave that did not ask it is left out of the test, not counted as a zero column.
    assert trend.test.col_labels == ("wave_2023", "wave_2024")
    assert trend.test.dropped_cols == ()
    assert trend.notes == ("Not asked in wave_2022.",)
    point = to_dict(trend)["waves"][0]
    assert point["asked"] is False
    assert point["n"] is None and point["positive_percent"] is None and point["mean"] is None
    row = next(
        r
        for r in csv.DictReader(io.StringIO(write_csv(trends_document(three_waves))))
        if r["id"] == "goals_clear" and r["wave"] == "wave_2022"
    )
    assert row["asked"] == "false" and row["n"] == "" and row["positive_percent"] == ""
    # The component pools the items each wave asked, and says so.
    context = next(t for t in three_waves.trends.components if t.id == "context")
    assert any("same items" in note for note in context.notes)
    # Items every wave asked compare all three waves.
    accessible = next(t for t in three_waves.trends.items if t.id == "mentor_accessible")
    assert accessible.test.col_labels == ("wave_2022", "wave_2023", "wave_2024")
    assert accessible.test.col_scores == (1.0, 2.0, 3.0)


def test_folder_and_glob_inputs(waves_folder, tmp_path):
    (waves_folder / "~$wave_2023.xlsx").write_bytes(b"lock")  # Excel's lock file: skipped
    (waves_folder / "notes.txt").write_text("not a wave")
    try:
        names = [p.name for p in expand_inputs([waves_folder])]
        assert names == ["wave_2022.csv", "wave_2023.xlsx", "wave_2024.csv"]
        globbed = expand_inputs([str(waves_folder / "wave_202[34].*")])
        assert [p.name for p in globbed] == ["wave_2023.xlsx", "wave_2024.csv"]
        both = expand_inputs([waves_folder / "wave_2024.csv", str(waves_folder / "*.csv")])
        assert [p.name for p in both] == ["wave_2024.csv", "wave_2022.csv"]  # no duplicates
    finally:
        (waves_folder / "~$wave_2023.xlsx").unlink()
        (waves_folder / "notes.txt").unlink()
    with pytest.raises(DataError, match="file not found"):
        expand_inputs([tmp_path / "missing.xlsx"])
    with pytest.raises(DataError, match="no .xlsx or .csv file matches"):
        expand_inputs([str(tmp_path / "*.xlsx")])
    with pytest.raises(DataError, match="holds no .xlsx or .csv"):
        expand_inputs([tmp_path])


def test_waves_are_in_natural_order_whatever_order_the_files_come_in(waves_folder):
    given = [waves_folder / "wave_2024.csv", waves_folder / "wave_2023.xlsx"]
    batch = run_batch(given, instrument="mentee", options=NO_TESTS, workers=1)
    assert list(batch.waves) == ["wave_2023", "wave_2024"]
    assert sorted(["wave 10", "wave 2", "Wave 1"], key=natural_key) == [
        "Wave 1",
        "wave 2",
        "wave 10",
    ]


# --- failures -------------------------------------------------------------------------------


@pytest.fixture
def folder_with_bad_files(tmp_path, waves_folder):
    for name in ("wave_2022.csv", "wave_2024.csv"):
        (tmp_path / name).write_bytes((waves_folder / name).read_bytes())
    (tmp_path / "wave_2023.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook" * 20)
    (tmp_path / "wave_2025.csv").write_text("colour,size\nred,2\n")
    return tmp_path


def test_a_corrupt_file_is_listed_and_the_other_waves_finish(folder_with_bad_files):
    batch = run_batch([folder_with_bad_files], options=NO_TESTS, workers=1)
    assert list(batch.waves) == ["wave_2022", "wave_2024"]
    assert list(batch.errors) == ["wave_2023", "wave_2025"]
    assert "not a readable spreadsheet" in batch.errors["wave_2023"]
    assert "have no column" in batch.errors["wave_2025"]
    assert all("\n" not in message for message in batch.errors.values())
    assert to_dict(batch)["errors"] == batch.errors
    assert batch.trends.waves == ("wave_2022", "wave_2024")


def test_cli_exit_codes_for_failed_waves(runner, folder_with_bad_files, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(
        app, ["batch", str(folder_with_bad_files), "--no-tests", "--out", str(out), "-f", "json"]
    )
    assert result.exit_code == 1, result.output
    assert "failed: wave_2023" in result.stderr and "2 of 4 files failed" in result.stderr
    assert "analysing waves" not in result.stderr  # no progress bar when not a terminal
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert sorted(summary["errors"]) == ["wave_2023", "wave_2025"]
    assert sorted(p.name for p in out.iterdir()) == [
        ".cipp-batch.files",  # what the next run into the folder may replace
        "summary.json",
        "wave_2022",
        "wave_2024",
    ]
    # Nothing analysable, or a usage error: 2.
    bad = folder_with_bad_files / "wave_2023.xlsx"
    result = runner.invoke(app, ["batch", str(bad), "--instrument", "mentee"])
    assert result.exit_code == 2 and "no wave could be analysed" in result.stderr
    result = runner.invoke(app, ["batch", str(folder_with_bad_files / "nope.csv")])
    assert result.exit_code == 2 and "file not found" in result.stderr


def test_usage_errors(runner, folder_with_bad_files):
    good = str(folder_with_bad_files / "wave_2024.csv")
    for args, message in (
        (["-f", "xlsx"], "give --out FOLDER"),
        (["-f", "pdf"], "is not one of"),
        (["--adjust", "bonferroni"], "--adjust 'bonferroni'"),
        (["--out", good], "refusing to overwrite an input"),
    ):
        result = runner.invoke(app, ["batch", good, "--no-tests", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
    assert parse_formats(["json,xlsx", "markdown", "json"]) == ("json", "xlsx", "markdown")
    with pytest.raises(CippError):
        run_batch([good], workers=0)


# --- parallel ---------------------------------------------------------------------------------


def test_parallel_equals_serial(waves_folder):
    # With tests of association (exact and Monte Carlo seeds included) in every wave.
    options = AnalysisOptions(by=("gender",), collapse=True)
    calls: list[tuple[int, int, str]] = []
    parallel = run_batch(
        [waves_folder], options=options, workers=2, progress=lambda *call: calls.append(call)
    )
    serial = run_batch([waves_folder], options=options, workers=1)
    assert to_dict(parallel) == to_dict(serial)
    assert json.dumps(to_dict(parallel), allow_nan=False) == json.dumps(
        to_dict(serial), allow_nan=False
    )
    assert all(r.associations for r in parallel.waves.values())
    assert calls[0] == (0, 3, "") and [c[0] for c in calls] == [0, 1, 2, 3]
    assert all(total == 3 for _, total, _ in calls)


def test_what_crosses_the_process_boundary_pickles(three_waves, waves_folder):
    instrument = three_waves.instrument
    job = _Job(0, waves_folder / "wave_2022.csv", instrument, None, NO_TESTS, None, False)
    assert pickle.loads(pickle.dumps(job)) == job
    outcome = pickle.loads(pickle.dumps(_run_job(job)))
    (wave,) = outcome.waves
    loaded = load_file(job.path, instrument=instrument, require_all_items=False)
    assert to_dict(wave.results) == to_dict(analyze(loaded.responses, NO_TESTS))
    assert wave.counts.items["mentor_accessible"] == tuple(
        level.n for level in wave.results.item("mentor_accessible").levels
    )
    copy = pickle.loads(pickle.dumps(three_waves))
    assert isinstance(copy, BatchResults) and to_dict(copy) == to_dict(three_waves)


# --- the direction rule and names -------------------------------------------------------


def test_direction_rule():
    """A change is a rise or a fall when its interval excludes 0 and, with min_change,
    when it is at least that large; 5.0 - 5.0 float noise still reaches a threshold of 5."""
    rise = Change("a", "b", 55.0 - 50.0, 1.0, 9.0, True)
    assert direction_of(rise) == "rise"
    assert direction_of(rise, min_change=5.0) == "rise"
    assert direction_of(rise, min_change=6.0) == "steady"
    assert direction_of(Change("a", "b", -8.0, -12.0, -1.0, True)) == "fall"
    assert direction_of(Change("a", "b", 30.0, -2.0, 50.0, False)) == "steady"
    assert direction_of(Change("a", "b", math.nan, math.nan, math.nan, False)) is None
    assert direction_of(None) is None


def test_min_change_takes_the_marks_off_smaller_changes():
    # mentor_supportive rises 12.5 points with an interval that excludes 0: marked by
    # default, steady (no ▲ anywhere) with --min-change 15, though still significant.
    from cipp.render.trends import change_text

    loose = run_batch([MENTEES], split_by="academic_year", options=NO_TESTS, workers=1)
    strict = run_batch(
        [MENTEES], split_by="academic_year", options=NO_TESTS, workers=1, min_change=15
    )
    for batch, direction in ((loose, "rise"), (strict, "steady")):
        trend = next(t for t in batch.trends.items if t.id == "mentor_supportive")
        assert trend.overall is not None and trend.overall.significant
        assert round(trend.overall.difference, 1) == 12.5
        assert trend.direction == trend.overall.direction == direction
        assert [c.direction for c in trend.changes] == [direction]
        assert change_text(trend.overall).startswith("▲") == (direction == "rise")
        assert to_dict(trend)["changes"][0]["direction"] == direction


def test_safe_folder_names():
    assert safe_name("2023") == "2023"
    assert safe_name("campus A/2023: spring?") == "campus A_2023_ spring_"
    assert safe_name("CON") == "_CON" and safe_name("..") == "wave"
    folders = wave_folders(["2023", "summary.json", "A", "a", "x/y", "x:y"])
    assert folders == {
        "2023": "2023",
        "summary.json": "summary.json-2",
        "A": "A",
        "a": "a-2",
        "x/y": "x_y",
        "x:y": "x_y-2",
    }


# --- the CLI's outputs -------------------------------------------------------------------


def test_cli_writes_wave_folders_and_the_summary(runner, tmp_path):
    out = tmp_path / "report"
    args = ["batch", str(MENTEES), "--split-by", "academic_year", "--no-tests", "--out", str(out)]
    result = runner.invoke(app, [*args, "-f", "json,xlsx", "-f", "markdown", "-f", "csv,table"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        ".cipp-batch.files",
        "2023",
        "2024",
        "summary.json",
        "trends.csv",
        "trends.md",
        "trends.txt",
        "trends.xlsx",
    ]
    for wave, n in (("2023", 88), ("2024", 94)):
        files = sorted(p.name for p in (out / wave).iterdir())
        assert files == [f"{wave}.{ext}" for ext in ("csv", "json", "md", "txt", "xlsx")]
        document = json.loads((out / wave / f"{wave}.json").read_text(encoding="utf-8"))
        assert document["n_respondents"] == n
        assert document["wave"] == {
            "name": wave,
            "file": str(MENTEES),
            "split_by": "academic_year",
            "value": wave,
        }
        workbook = load_workbook(out / wave / f"{wave}.xlsx")
        assert "Table 1" in workbook.sheetnames and "Data" in workbook.sheetnames
        rows = list(csv.DictReader((out / wave / f"{wave}.csv").open(encoding="utf-8")))
        assert (
            sum(
                int(r["n"])
                for r in rows
                if r["item"] == "mentor_accessible" and r["record"] == "level"
            )
            == n
        )
        assert f"n = {n} respondents" in (out / wave / f"{wave}.md").read_text(encoding="utf-8")
    # summary.json is the API's to_dict(BatchResults).
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    api = run_batch([str(MENTEES)], split_by="academic_year", options=NO_TESTS, workers=1)
    assert summary == json.loads(json.dumps(to_dict(api)))
    assert set(summary) >= {"waves", "trends", "errors"} and summary["errors"] == {}
    assert [t["id"] for t in summary["trends"]["components"]] == [
        "context",
        "input",
        "process",
        "product",
    ]
    workbook = load_workbook(out / "trends.xlsx")
    assert workbook.sheetnames[:2] == ["Trends", "Component trends"]
    trends = list(workbook["Trends"].iter_rows(values_only=True))
    assert trends[2][:3] == ("Item", "2023 (n = 88)", "2024 (n = 94)")
    # Goals clear: +7.7 points, an interval across 0 (steady); supportive: +12.5, an
    # interval above 0 (a rise).
    # The change is three numeric columns (change, CI low, CI high) under one head.
    assert trends[3][3:6] == ("Δ", "CI low", "CI high")
    row = next(r for r in trends if r[0] == GOALS_CLEAR)
    assert row[6] == "steady" and round(row[3], 1) == 7.7
    row = next(r for r in trends if r[0] == SUPPORTIVE)
    assert row[6] == "▲ rise" and [round(v, 1) for v in row[3:6]] == [12.5, 0.2, 24.5]
    cell = next(c for c in workbook["Trends"]["G"] if c.value == "▲ rise")
    assert cell.font.color.rgb.endswith("00A050")
    rows = list(csv.DictReader((out / "trends.csv").open(encoding="utf-8")))
    assert len(rows) == 2 * (10 + 4)
    markdown = (out / "trends.md").read_text(encoding="utf-8")
    assert "| The goals of the mentorship program were made clear to me. | 46.6 | 54.3 |" in (
        markdown
    )
    # The terminal view went to stdout too.
    assert "▲ rise" in result.stdout and "Trends across waves (2023 to 2024)" in result.stdout


def test_cli_json_to_stdout_equals_the_api(runner, waves_folder):
    result = runner.invoke(app, ["batch", str(waves_folder), "--no-tests", "--format", "json"])
    assert result.exit_code == 0, result.output
    api = run_batch([str(waves_folder)], options=NO_TESTS, workers=1)
    assert json.loads(result.stdout) == json.loads(json.dumps(to_dict(api)))


def test_cli_help(runner):
    result = runner.invoke(app, ["batch", "--help"])
    assert result.exit_code == 0
    assert "--split-by" in result.output and "--workers" in result.output


def test_the_same_value_in_two_files_names_both_waves(tmp_path, raw):
    raw.to_csv(tmp_path / "campus_a.csv", index=False)
    raw[raw["academic_year"] == "2024"].to_csv(tmp_path / "campus_b.csv", index=False)
    batch = run_batch([tmp_path], split_by="academic_year", options=NO_TESTS, workers=1)
    assert list(batch.waves) == ["2023", "2024 (campus_a)", "2024 (campus_b)"]
    assert [r.n_respondents for r in batch.waves.values()] == [88, 94, 94]


def test_terminal_marks_rises_green_and_falls_red():
    from rich.console import Console

    from cipp.render.document import Table
    from cipp.render.terminal import rich_table
    from cipp.render.trends import _styled

    header = ("Item", "2023", "2024", "Change", "Direction", "p", "p adj.", "Trend p")
    rows = (
        ("Better", "40.0", "60.0", "+20.0", "▲ rise", ".01", ".02 *", ".01"),
        ("Worse", "60.0", "40.0", "-20.0", "▼ fall", ".01", ".02 *", ".01"),
        ("Same", "50.0", "51.0", "+1.0", "steady", ".90", ".90", ".90"),
    )
    table = rich_table(_styled(Table("Trends", header, rows, key="trends")))
    direction, change = table.columns[4], table.columns[3]
    assert [c.style for c in direction._cells] == ["green", "red", ""]
    assert [c.style for c in change._cells] == ["green", "red", ""]
    assert [c.style for c in table.columns[6]._cells] == ["bold", "bold", ""]
    console = Console(record=True, width=100, force_terminal=True, color_system="standard")
    console.print(table)
    assert "\x1b[32m" in console.export_text(styles=True)  # green


# --- participation within waves ---------------------------------------------------------


def test_participation_is_tested_within_each_wave(raw):
    from scipy.stats import chisquare

    options = AnalysisOptions(by=(), participation="gender")
    batch = run_batch([MENTEES], split_by="academic_year", options=options, workers=1)
    assert list(batch.waves) == ["2023", "2024"]
    for year, results in batch.waves.items():
        counts = raw.loc[raw["academic_year"] == year, "Gender"].value_counts()
        observed = [int(counts["Female"]), int(counts["Male"])]
        fit = to_dict(results)["goodness_of_fit"]
        assert fit["column"] == "gender"
        assert fit["labels"] == ["Female", "Male"] and fit["observed"] == observed
        expected = chisquare(observed)
        assert fit["statistic"] == pytest.approx(expected.statistic, rel=1e-12)
        assert fit["p_value"] == pytest.approx(expected.pvalue, rel=1e-12)


def test_participation_with_expected_shares_in_every_wave():
    options = AnalysisOptions(by=(), participation="gender", expected={"Female": 1, "Male": 1})
    batch = run_batch([MENTEES], split_by="academic_year", options=options, workers=1)
    even = run_batch(
        [MENTEES],
        split_by="academic_year",
        options=AnalysisOptions(by=(), participation="gender"),
        workers=1,
    )
    for year in batch.waves:
        assert (
            to_dict(batch.waves[year])["goodness_of_fit"]["statistic"]
            == to_dict(even.waves[year])["goodness_of_fit"]["statistic"]
        )


def test_participation_in_the_split_column_is_refused(runner):
    result = runner.invoke(
        app,
        ["batch", str(MENTEES), "--split-by", "academic_year", "--participation", "Academic year"],
    )
    assert result.exit_code == 2
    assert "is the --split-by column" in result.stderr
    assert "analyse the whole file with --participation" in result.stderr


def test_expected_without_participation_is_refused(runner):
    result = runner.invoke(app, ["batch", str(MENTEES), "--expected", "Female=1,Male=1"])
    assert result.exit_code == 2
    assert "--expected needs --participation" in result.stderr


def test_batch_participation_reaches_the_summary(tmp_path, runner):
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "batch",
            str(MENTEES),
            "--split-by",
            "academic_year",
            "--participation",
            "gender",
            "--no-tests",
            "--workers",
            "1",
            "--out",
            str(out),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    for wave in summary["waves"].values():
        assert wave["goodness_of_fit"]["column"] == "gender"


def test_a_value_spelled_differently_in_two_files_names_both_waves_by_file(tmp_path):
    frame = pd.read_excel(DATA / "mentors.xlsx")
    first, second = frame.iloc[:15].copy(), frame.iloc[15:].copy()
    first["Site"], second["Site"] = "North", "north"
    first.to_csv(tmp_path / "s2023.csv", index=False)
    second.to_csv(tmp_path / "s2024.csv", index=False)
    batch = run_batch([tmp_path], instrument="mentor", split_by="Site", options=NO_TESTS, workers=1)
    assert list(batch.waves) == ["North (s2023)", "north (s2024)"]


def test_split_waves_test_participation_over_the_whole_files_categories(raw, tmp_path):
    frame = raw.copy()
    sites = ["North", "South", "East"]
    frame["Site"] = [sites[i % 3] for i in range(len(frame))]
    frame.loc[(frame["academic_year"] == "2023") & (frame["Site"] == "East"), "Site"] = "north"
    path = tmp_path / "sites.csv"
    frame.to_csv(path, index=False)
    options = AnalysisOptions(by=(), participation="Site")
    batch = run_batch([path], split_by="academic_year", options=options, workers=1)
    fits = {year: to_dict(r)["goodness_of_fit"] for year, r in batch.waves.items()}
    assert fits["2023"]["labels"] == fits["2024"]["labels"] == ["East", "North", "South"]
    assert fits["2023"]["observed"][0] == 0 and fits["2023"]["df"] == fits["2024"]["df"] == 2
    for year, fit in fits.items():
        wave = frame[frame["academic_year"] == year]["Site"].str.lower()
        assert fit["observed"] == [int((wave == s.lower()).sum()) for s in fit["labels"]]


def test_no_bundled_instrument_lists_the_missing_items_one_per_line(tmp_path):
    from cipp.model.errors import InstrumentError

    for name in ("w1.csv", "w2.csv"):
        (tmp_path / name).write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InstrumentError) as caught:
        run_batch([tmp_path], options=NO_TESTS, workers=1)
    lines = str(caught.value).splitlines()
    assert "cipp instrument scaffold" in lines[0] and len(lines) > 5
    assert max(map(len, lines[1:])) < 120 and "goals_clear" not in lines[0]


def test_a_second_run_into_a_folder_removes_the_first_runs_files_it_did_not_write(
    three_waves, tmp_path
):
    from dataclasses import replace

    from cipp.render.trends import write_batch

    out = tmp_path / "out"
    first = write_batch(three_waves, out, ["json", "csv"])
    (out / "notes.txt").write_text("mine")  # the user's own file stays
    fewer = replace(three_waves, waves={k: three_waves.waves[k] for k in ["wave_2023"]})
    second = write_batch(fewer, out, ["json"])
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert left == sorted(
        [*(p.relative_to(out).as_posix() for p in second), "notes.txt", ".cipp-batch.files"]
    )
    assert not (out / "wave_2022").exists() and len(first) > len(second)
