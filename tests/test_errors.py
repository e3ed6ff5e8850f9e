"""Bad input gets one clear line on stderr, exit code 2 and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from cipp.cli import app
from tests.conftest import DATA, ROOT, write_xlsx

MENTEE_HEADERS = [
    "Age",
    "Gender",
    "Year of study",
    "program_important",
    "goals_clear",
    "mentor_accessible",
    "satisfied_resources",
    "sessions_often_enough",
    "mentor_supportive",
    "constructive_feedback",
    "satisfied_response",
    "motivated_productivity",
    "goals_achieved",
]


def mentee_rows(n: int = 3) -> list[list]:
    return [list(MENTEE_HEADERS)] + [[20, "Female", 2, *(["Agree"] * 10)] for _ in range(n)]


def one_line_error(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cipp: error: ")
    return lines[0]


def test_value_off_the_scale_names_file_sheet_row_column_and_value(runner, tmp_path):
    rows = mentee_rows()
    rows[2][5] = 7  # mentor_accessible of the second respondent (spreadsheet row 3)
    path = write_xlsx(tmp_path / "answers.xlsx", rows, sheet="Wave 1")
    line = one_line_error(runner.invoke(app, ["analyze", str(path), "-i", "mentee"]))
    assert str(path) in line and "sheet 'Wave 1'" in line and "row 3" in line
    assert "column F (mentor_accessible)" in line and "'7'" in line
    assert "6 = Strongly agree" in line  # the allowed values are listed


def test_lenient_counts_invalid_cells_and_goes_on(runner, tmp_path):
    rows = mentee_rows()
    rows[2][5] = 7
    path = write_xlsx(tmp_path / "answers.xlsx", rows)
    result = runner.invoke(
        app, ["analyze", str(path), "-i", "mentee", "--lenient", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    import json

    document = json.loads(result.stdout)
    item = next(i for i in document["items"] if i["id"] == "mentor_accessible")
    assert item["n_valid"] == 2 and item["n_invalid"] == 1 and item["n_missing"] == 0
    assert document["invalid_cells"] == [
        {
            "file": str(path),
            "sheet": "Sheet1",
            "row": 3,
            "column": "F",
            "header": "mentor_accessible",
            "variable": "mentor_accessible",
            "value": "7",
        }
    ]


def test_wrong_column_lists_expected_columns(runner, tmp_path):
    rows = mentee_rows()
    rows[0][5] = "mentor accesible"  # misspelt header
    path = write_xlsx(tmp_path / "answers.xlsx", rows)
    line = one_line_error(runner.invoke(app, ["analyze", str(path), "-i", "mentee"]))
    assert "mentor_accessible" in line and "My mentor was accessible to me." in line


def listed_error(result) -> list[str]:
    """A message of many problems: its first line, then one problem a line."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("cipp: error: ")
    assert all(line.startswith(("  - ", "    ")) for line in lines[1:]), lines
    return lines


def test_no_bundled_instrument_matches(runner, tmp_path):
    path = write_xlsx(tmp_path / "other.xlsx", [["q1", "q2"], ["Yes", "No"]])
    lines = listed_error(runner.invoke(app, ["analyze", str(path)]))
    assert "no bundled instrument matches" in lines[0] and "expected columns" in lines[0]
    # it says how to make an instrument for this file
    assert f"cipp instrument scaffold {path}" in lines[0]


def test_empty_sheet(runner, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Empty"
    workbook.save(tmp_path / "empty.xlsx")
    line = one_line_error(runner.invoke(app, ["analyze", str(tmp_path / "empty.xlsx")]))
    assert "empty" in line and "Empty" in line


def test_named_empty_sheet(runner, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(MENTEE_HEADERS)
    workbook.create_sheet("Blank")
    workbook.save(tmp_path / "two.xlsx")
    line = one_line_error(
        runner.invoke(app, ["analyze", str(tmp_path / "two.xlsx"), "--sheet", "Blank"])
    )
    assert "sheet 'Blank': the sheet is empty" in line


def test_missing_file(runner, tmp_path):
    line = one_line_error(runner.invoke(app, ["analyze", str(tmp_path / "nope.xlsx")]))
    assert "nope.xlsx: file not found" in line


@pytest.mark.parametrize(
    "name,content",
    [
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 100),
        ("report.pdf", b"%PDF-1.4"),
    ],
)
def test_non_spreadsheet_file(runner, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    line = one_line_error(runner.invoke(app, ["analyze", str(path)]))
    assert name in line


def test_malformed_instrument_lists_every_problem_with_its_path(runner, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\ntitle: Bad\nscales:\n  s:\n    levels:\n      - {code: 1, label: No}\n"
        "      - {code: 2, label: Yes}\n    colour: red\n"
        "items:\n  - {id: q1, text: Q1, scale: likert7, component: context}\n"
        "  - {id: q2, text: Q2, scale: s, component: outcome}\n"
    )
    lines = listed_error(runner.invoke(app, ["validate", str(path)]))
    assert "5 problems:" in lines[0]
    assert "  - scales.s.colour: unknown key" in lines[1]
    assert "  - items[0].scale: unknown scale 'likert7' (scales: s)" in lines
    assert any("items[1].component (item 'q2'): 'outcome' is not one of" in x for x in lines)
    lines = listed_error(
        runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx"), "-i", str(path)])
    )
    assert "bad.yaml" in lines[0]


def test_invalid_yaml_syntax(runner, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nitems: [\n")
    line = one_line_error(runner.invoke(app, ["validate", str(path)]))
    assert "not valid YAML" in line and "line" in line


def test_debug_shows_the_traceback(runner, tmp_path):
    result = runner.invoke(app, ["--debug", "analyze", str(tmp_path / "nope.xlsx")])
    assert result.exit_code != 0 and result.exception is not None


def test_output_never_overwrites_the_input(runner, tmp_path):
    path = write_xlsx(tmp_path / "answers.xlsx", mentee_rows())
    before = path.read_bytes()
    line = one_line_error(
        runner.invoke(app, ["analyze", str(path), "--format", "xlsx", "--out", str(path)])
    )
    assert "refusing to overwrite an input" in line
    assert path.read_bytes() == before
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["answers.xlsx"]


def test_unwritable_output_is_one_line(runner, tmp_path):
    line = one_line_error(
        runner.invoke(
            app,
            [
                "analyze",
                str(DATA / "mentors.xlsx"),
                "--no-tests",
                "--format",
                "json",
                "--out",
                str(tmp_path / "missing" / "x.json"),
            ],
        )
    )
    assert "does not exist" in line
    line = one_line_error(
        runner.invoke(
            app,
            [
                "analyze",
                str(DATA / "mentors.xlsx"),
                "--no-tests",
                "--format",
                "json",
                "--out",
                str(tmp_path),
            ],
        )
    )
    assert "is a folder" in line


def test_the_stderr_console_works_as_a_progress_bars_console():
    """A progress bar enters its console (``with console:``); the lazy stderr console must
    allow it (a long scaffold on a terminal crashed here)."""
    from rich.progress import Progress

    from cipp.cli.common import err_console

    with Progress(console=err_console) as progress:
        task = progress.add_task("work", total=1)
        progress.advance(task)


@pytest.mark.parametrize("option", ["--instrument", "--roster", "--rake"])
def test_output_never_overwrites_an_instrument_roster_or_rake_file(runner, tmp_path, option):
    """Every file the run reads is an input, not only the responses."""
    source = {
        "--instrument": ROOT / "instruments" / "mentee.yaml",
        "--roster": DATA / "roster.csv",
        "--rake": DATA / "roster.csv",
    }[option]
    given = tmp_path / source.name
    given.write_bytes(source.read_bytes() if option != "--roster" else b"size\n400\n")
    responses = DATA / "mentees.xlsx"
    line = one_line_error(
        runner.invoke(app, ["analyze", str(responses), option, str(given), "--out", str(given)])
    )
    assert "refusing to overwrite an input" in line
    assert given.read_bytes() == (source.read_bytes() if option != "--roster" else b"size\n400\n")


def test_compare_never_overwrites_its_instrument(runner, tmp_path):
    instrument = tmp_path / "mentee.yaml"
    instrument.write_bytes((ROOT / "instruments" / "mentee.yaml").read_bytes())
    before = DATA / "prepost" / "before.xlsx"
    after = DATA / "prepost" / "after.xlsx"
    args = ["compare", str(before), str(after), "--id", "Respondent", "-i", str(instrument)]
    args += ["-o", str(instrument)]
    assert "refusing to overwrite an input" in one_line_error(runner.invoke(app, args))
