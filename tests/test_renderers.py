"""Each written format, opened with its own library: the tables' content, not just a file."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from cipp.cli import app
from cipp.flow.analysis import analyze_file
from cipp.render.csv import write_csv
from cipp.render.markdown import write_markdown
from cipp.render.survey import survey_document
from tests.conftest import DATA


@pytest.fixture(scope="module")
def mentors():
    return analyze_file(DATA / "mentors.xlsx")


def test_xlsx_workbook_holds_the_papers_tables(runner, tmp_path):
    out = tmp_path / "tables.xlsx"
    result = runner.invoke(
        app, ["analyze", str(DATA / "mentors.xlsx"), "--format", "xlsx", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames[:4] == ["Table 1", "Table 2", "Components", "Demographics"]
    assert "Tests Mentoring Year" in workbook.sheetnames and "Data" in workbook.sheetnames
    table_1 = list(workbook["Table 1"].iter_rows(values_only=True))
    assert table_1[0][0].startswith("Table 1.") and "(n = 29)" in table_1[0][0]
    assert table_1[2][:3] == ("Item", "Excellent", None)  # each level over its n and %
    assert table_1[2][11:13] == ("n", "% positive (95% CI)")
    assert table_1[3][1:5] == ("n", "%", "n", "%")
    assert table_1[3][12:15] == ("%", "CI low", "CI high")
    rows = {row[0]: row[1:] for row in table_1[4:] if row[0] and row[1] is not None}
    rating = rows["How would you rate the mentorship program?"]
    assert rating[:10] == pytest.approx(
        (2, 200 / 29, 5, 500 / 29, 18, 1800 / 29, 3, 300 / 29, 1, 100 / 29)
    )
    assert rating[10] == 29 and rating[11] == pytest.approx(2500 / 29)
    assert workbook["Table 1"]["A1"].font.bold
    data = list(workbook["Data"].iter_rows(values_only=True))
    assert data[0][:3] == ("item", "text", "component")
    record = data[0].index("record")
    tests = [row for row in data[1:] if row[record] == "test"]
    levels = [row for row in data[1:] if row[record] == "level"]
    assert len(levels) == 3 * 5 + 8 * 2 and tests


def test_markdown_tables(mentors):
    text = write_markdown(survey_document(mentors))
    assert (
        "**Table 1. Mentor evaluation of the mentorship program: 5-point rating scale items" in text
    )
    assert (
        "| How would you rate the mentorship program? | 2 (6.9) | 5 (17.2) | 18 (62.1) | "
        "3 (10.3) | 1 (3.4) | 29 |" in text
    )
    assert (
        "| Would have liked additional training for mentors | 21 (72.4) | 8 (27.6) | 29 |" in text
    )


def test_csv_is_tidy_and_unrounded(mentors):
    rows = list(csv.DictReader(io.StringIO(write_csv(survey_document(mentors)))))
    poor = next(r for r in rows if r["item"] == "program_rating" and r["label"] == "Poor")
    assert poor["n"] == "3" and float(poor["percent"]) == pytest.approx(100 * 3 / 29)
    assert float(poor["ci_low"]) < float(poor["percent"]) < float(poor["ci_high"])


def test_wilson_interval_agrees_with_statsmodels(mentors):
    from statsmodels.stats.proportion import proportion_confint

    poor = mentors.item("program_rating").levels[3]
    low, high = proportion_confint(3, 29, alpha=0.05, method="wilson")
    assert poor.ci_low == pytest.approx(100 * low) and poor.ci_high == pytest.approx(100 * high)


def test_cronbach_alpha_by_hand():
    """3 respondents x 2 items: item variances 1 and 1, total scores 2, 4, 6 (variance 4):
    alpha = 2/1 * (1 - 2/4) = 1.0; and a worked example with alpha = 0.5."""
    from cipp.stats.reliability import cronbach_alpha

    assert cronbach_alpha([[1, 1], [2, 2], [3, 3]]) == pytest.approx(1.0)
    # items (1,2,3) and (1,3,2): variances 1, 1; totals 2, 5, 5 (variance 3);
    # alpha = 2 * (1 - 2/3) = 2/3
    assert cronbach_alpha([[1, 1], [2, 3], [3, 2]]) == pytest.approx(2 / 3)


def test_table_and_markdown_written_with_out(runner, tmp_path):
    for fmt, name in (
        ("table", "t.txt"),
        ("markdown", "t.md"),
        ("csv", "t.csv"),
        ("json", "t.json"),
    ):
        out = tmp_path / name
        result = runner.invoke(
            app,
            [
                "analyze",
                str(DATA / "mentors.xlsx"),
                "--no-tests",
                "--format",
                fmt,
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        text = out.read_text(encoding="utf-8")
        assert "18" in text
    assert json.loads((tmp_path / "t.json").read_text())["n_respondents"] == 29
    assert "Table 1." in (tmp_path / "t.txt").read_text()


def test_docx_html_and_figures_from_the_cli(runner, tmp_path):
    from docx import Document

    docx_out = tmp_path / "report.docx"
    figures = tmp_path / "figures"
    result = runner.invoke(
        app,
        [
            "analyze",
            str(DATA / "mentors.xlsx"),
            "--format",
            "docx",
            "--out",
            str(docx_out),
            "--figures",
            str(figures),
        ],
    )
    assert result.exit_code == 0, result.output
    document = Document(str(docx_out))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "18 (62.1)" in texts and "3 (10.3)" in texts
    assert sorted(p.name for p in figures.iterdir()) == [
        "mentor-table1-rating.png",
        "mentor-table1-rating.svg",
        "mentor-table2-binary.png",
        "mentor-table2-binary.svg",
    ]
    result = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx"), "--format", "html"])
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")
    assert "3 (10.3)" in result.stdout and "<script" not in result.stdout
    result = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx"), "--format", "docx"])
    assert result.exit_code == 2 and "give --out" in result.stderr


def test_min_cell_masks_small_groups(runner, tmp_path):
    result = runner.invoke(
        app, ["analyze", str(DATA / "mentors.xlsx"), "--min-cell", "5", "--format", "markdown"]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "| 34 or younger | < 5 |" in text  # 4 mentors aged 34 or younger
    # ... and the next smallest age group (5: not small itself, so not "< 5"), or
    # 4 = 29 - 12 - 8 - 5 could be worked out
    assert "| 55 or older | masked |" in text
    assert 'are masked too, shown as "masked"' in text
    assert "statistics that could reveal a masked count are withheld" in text
    assert "withheld under disclosure control" in text
    assert "| Female | 24 (82.8) |" in text  # large enough to show
    assert "Counts from 1 to 4 and their percentages are masked" in text
    participation = runner.invoke(
        app,
        [
            "analyze",
            str(DATA / "mentors.xlsx"),
            "--min-cell",
            "6",
            "--no-tests",
            "--participation",
            "gender",
            "--format",
            "markdown",
        ],
    )
    # 5 men: masked in the participation table too, with the women's 24 beside it
    assert "| Male | < 6 | 14.5 |" in participation.stdout
    assert "| Female | masked | 14.5 |" in participation.stdout
    by_gender = runner.invoke(
        app,
        [
            "analyze",
            str(DATA / "mentors.xlsx"),
            "--by",
            "gender",
            "--min-cell",
            "5",
            "-f",
            "markdown",
        ],
    )
    # 20 of 24 women positive would show that 4 were not: masked, with the men's cell
    assert "| Quality of your experience as a participant in the program | masked | masked |" in (
        by_gender.stdout
    )
    data = runner.invoke(
        app, ["analyze", str(DATA / "mentors.xlsx"), "--min-cell", "5", "--format", "json"]
    )
    document = json.loads(data.stdout)
    young = document["demographics"][0]["categories"][0]
    assert young["n"] is None and young["masked"] is True
    plain = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx"), "--format", "markdown"])
    assert "| 34 or younger | 4 (13.8) |" in plain.stdout
    assert "masked" not in plain.stdout


def test_xlsx_gains_figure_sheets(runner, tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(
        app,
        [
            "analyze",
            str(DATA / "mentors.xlsx"),
            "--no-tests",
            "--format",
            "xlsx",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert {"Figure 1", "Figure 2"} <= set(workbook.sheetnames)
    assert len(workbook["Figure 1"]._images) == 1
    assert oct(out.stat().st_mode & 0o777) != "0o600"
