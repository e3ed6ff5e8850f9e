"""Excel keeps every number a number: each document the README shows, written as a
workbook, is opened the way a researcher's spreadsheet would open it (openpyxl), and its
counts, percentages, p values and statistics must be numeric cells whose number formats
show them as the document's text does; the tidy Data sheet and the CSV must carry every
test of association as numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import cipp.render.figures as figures
import cipp.render.xlsx as xlsx
from cipp.cli import app
from cipp.render.document import BRIEF, P_VALUE, Document, Table
from tests.readable import BATCH, DOCUMENTS, write_wide_survey

#: Text a spreadsheet would hold as "number stored as text": one number (a count, a
#: percentage, a decimal, a signed change), n (%), a p value, a % with its interval.
NUMBER_AS_TEXT = re.compile(
    r"^[▲▼]?\s*[-+]?\d[\d,]*(\.\d+)?%?( [*▲▼])?$"  # 1,234 / 12.5 / +3.4 / 12.5%
    r"|^\d[\d,]* \(\d+(\.\d+)?\)"  # 8 (4.4)
    r"|^([<>] )?\.\d+( \*)?$"  # .084 / < .001 / .03 *
    r"|^\d+(\.\d+)? \(\d+(\.\d+)?–"  # 72.4 (54.3–85.3)
)
#: Sheets that are not tables of the paper.
NOT_TABLES = ("Data",)


def _run(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every README document as xlsx, the documents the writer was given, the batch's
    folder, and the wide three-scale survey (n = 2,400) as xlsx, CSV and JSON."""
    folder = tmp_path_factory.mktemp("xlsx")
    runner = CliRunner()
    documents: list[Document] = []
    build = xlsx.build_workbook

    def capture(document: Document) -> Any:
        documents.append(document)
        return build(document)

    patch = pytest.MonkeyPatch()
    patch.setattr(xlsx, "build_workbook", capture)
    # The README documents' figure sheets hold pictures, no cells: drawing them (most of
    # this fixture's time) is left to the figure tests. The wide survey keeps its figures.
    no_figures = pytest.MonkeyPatch()
    no_figures.setattr(figures, "figure_pngs", lambda *args, **kwargs: [])
    try:
        books = {}
        for name, args in DOCUMENTS:
            books[name] = folder / f"{name}.xlsx"
            _run(runner, [*args, "--format", "xlsx", "--out", str(books[name])])
        _run(runner, [*BATCH, "--out", str(folder / "batch"), "-f", "xlsx"])
        books.update({f"batch/{p.name}": p for p in sorted((folder / "batch").rglob("*.xlsx"))})
        no_figures.undo()
        instrument, responses = write_wide_survey(folder)
        wide = [str(responses), "--instrument", str(instrument), "--by", "site"]
        books["wide"] = folder / "wide.xlsx"
        _run(runner, ["analyze", *wide, "--format", "xlsx", "--out", str(books["wide"])])
    finally:
        no_figures.undo()
        patch.undo()
    texts = {}
    for fmt in ("csv", "json", "markdown"):
        result = runner.invoke(app, ["analyze", *wide, "--format", fmt])
        assert result.exit_code == 0, result.output
        texts[fmt] = result.stdout
    return {"books": books, "documents": documents, "wide": texts}


def _table_sheets(path: Path) -> list[Any]:
    workbook = load_workbook(path)
    return [
        sheet
        for sheet in workbook.worksheets
        if sheet.title not in NOT_TABLES and not sheet.title.startswith("Figure")
    ]


def _header_rows(sheet: Any) -> int:
    """The last header row: 4 when the sheet has sub-heads (n, %), else 3."""
    return 4 if sheet.freeze_panes == "B5" else 3


def test_every_workbook_was_written(outputs):
    names = set(outputs["books"])
    assert {name for name, _ in DOCUMENTS} <= names and "wide" in names
    assert "batch/trends.xlsx" in names and len(outputs["documents"]) == len(names)


def test_no_number_is_stored_as_text(outputs):
    """Counts, percentages, n (%) cells, p values and % (CI) are never text cells."""
    found = []
    for name, path in outputs["books"].items():
        for sheet in _table_sheets(path):
            for row in sheet.iter_rows(min_row=_header_rows(sheet) + 1):
                for cell in row[1:]:
                    if isinstance(cell.value, str) and NUMBER_AS_TEXT.match(cell.value):
                        found.append((name, sheet.title, cell.coordinate, cell.value))
    assert not found, found[:10]


#: "p = .084", "p < .001" as text.
APA_P = re.compile(r"^p [=<>] ?\.\d+")


def test_the_reports_component_tests_hold_p_as_numbers(outputs):
    texts = [
        (sheet.title, cell.value)
        for sheet in _table_sheets(outputs["books"]["report"])
        for row in sheet.iter_rows(min_row=4)
        for cell in row[1:]
        if isinstance(cell.value, str) and APA_P.match(cell.value)
    ]
    assert not texts, texts[:5]


def test_numbers_have_number_formats(outputs):
    """Every numeric cell of a table has a number format: counts #,##0 (whole numbers),
    p values APA's (unrounded, '< .001' below .001)."""
    numeric = 0
    for name, path in outputs["books"].items():
        for sheet in _table_sheets(path):
            for row in sheet.iter_rows(min_row=_header_rows(sheet) + 1):
                for cell in row[1:]:
                    if not isinstance(cell.value, int | float) or isinstance(cell.value, bool):
                        continue
                    numeric += 1
                    where = (name, sheet.title, cell.coordinate)
                    assert cell.number_format != "General", where
                    if cell.number_format.startswith("#,##0"):
                        assert cell.value == int(cell.value), where
                    if '"< .001"' in cell.number_format:
                        assert 0 <= cell.value <= 1, where
    assert numeric > 1000


def _tests_sheets(path: Path) -> list[Any]:
    """The tests tables (one per grouping: statistic, df, p, p adj., V)."""
    return [
        sheet
        for sheet in _table_sheets(path)
        if "Tests" in sheet.title and "χ²" in [cell.value for cell in sheet[3]]
    ]


def test_tests_sheets_hold_p_statistic_df_and_v_as_numbers(outputs):
    checked = 0
    for name, path in outputs["books"].items():
        for sheet in _tests_sheets(path):
            header = [cell.value for cell in sheet[3]]
            columns = {head: header.index(head) for head in ("χ²", "df", "p", "p adj.", "V")}
            for row in sheet.iter_rows(min_row=4):
                if row[0].value is None:
                    break  # the notes follow a blank row
                if row[1].value in ("not testable", "suppressed"):
                    continue
                checked += 1
                for head, index in columns.items():
                    cell = row[index]
                    assert isinstance(cell.value, int | float), (name, head, cell.value)
                    if head.startswith("p"):
                        assert '[<0.001]"< .001"' in cell.number_format
    assert checked >= 50


def test_the_data_sheet_has_one_numeric_row_per_test(outputs):
    """As many test rows in the tidy sheet as rows in the tests sheets, each with its
    statistic, df, p, adjusted p and V as numbers and SPSS's footnote."""
    with_tests = 0
    for name, path in outputs["books"].items():
        if "Data" not in load_workbook(path, read_only=True).sheetnames:
            continue
        data = list(load_workbook(path)["Data"].iter_rows(values_only=True))
        columns = data[0]
        if "by" not in columns:
            continue  # not a survey analysis (qualitative, trends, compare)
        tests = [
            dict(zip(columns, row, strict=True))
            for row in data[1:]
            if row[columns.index("record")] == "test"
        ]
        shown = sum(sheet.max_row - 3 - len(_notes(sheet)) for sheet in _tests_sheets(path))
        assert len(tests) == shown, name
        for test in tests:
            if test["test_used"] is None:
                continue
            for key in ("statistic", "df", "p_used", "p_adjusted", "v", "min_expected"):
                assert isinstance(test[key], int | float), (name, key, test[key])
            assert test["expected_note"].endswith(
                f"The minimum expected count is {test['min_expected']:.2f}."
            )
        with_tests += bool(tests)
    assert with_tests >= 5


def _notes(sheet: Any) -> list[str]:
    """The notes under a table: the italic text cells of column A after the last row."""
    notes = []
    for row in range(sheet.max_row, 3, -1):
        cell = sheet.cell(row=row, column=1)
        if cell.value is None:
            break
        if cell.font.italic and cell.font.size == 9:
            notes.append(cell.value)
    return notes + [""] * bool(notes)  # the blank row between the table and its notes


def test_the_csv_carries_every_test_as_the_json_gives_it(outputs):
    rows = list(csv.DictReader(io.StringIO(outputs["wide"]["csv"])))
    tests = [row for row in rows if row["record"] == "test"]
    associations = json.loads(outputs["wide"]["json"])["associations"]
    assert len(tests) == len(associations) == 6 + 4
    for row, test in zip(tests, associations, strict=True):
        assert (row["item"], row["by"]) == (test["item"], test["by"])
        assert float(row["statistic"]) == test["statistic"]
        assert int(row["df"]) == test["df"]
        assert float(row["p_used"]) == test["p_used"]
        assert float(row["p_adjusted"]) == test["p_adjusted"]
        assert float(row["v"]) == test["cramers_v"]
        assert row["test_used"] == test["test_used"]
        assert row["expected_note"] == test["expected_note"]
    # The levels' rows are as before: one per item and level, their test columns empty.
    levels = [row for row in rows if row["record"] == "level"]
    assert len(levels) == 2 * 4 + 2 * 5 + 2 * 6 and not any(row["p_used"] for row in levels)


def test_the_csv_carries_the_findings_as_the_json_gives_them(outputs):
    # % positive with its interval, each group's, every cell with its residual, and the
    # item non-response: the same numbers as the JSON, unrounded.
    rows = list(csv.DictReader(io.StringIO(outputs["wide"]["csv"])))
    document = json.loads(outputs["wide"]["json"])
    kinds = {row["record"] for row in rows}
    assert {"positive", "component_positive", "group_positive", "cell", "nonresponse"} <= kinds

    def share(row):
        return {key: float(row[key]) for key in ("k", "n", "percent", "ci_low", "ci_high")}

    positive = [share(row) for row in rows if row["record"] == "positive"]
    assert positive == [{k: float(v) for k, v in i["positive"].items()} for i in document["items"]]
    components = [share(row) for row in rows if row["record"] == "component_positive"]
    keys = ("k", "n", "percent", "ci_low", "ci_high")
    expected = [{k: float(c["positive"][k]) for k in keys} for c in document["components"]]
    assert components == expected
    groups = [share(row) for row in rows if row["record"] == "group_positive"]
    assert groups == [
        {key: float(g[key]) for key in ("k", "n", "percent", "ci_low", "ci_high")}
        for a in document["associations"]
        for g in a["positive_by_group"]
    ]
    cells = [row for row in rows if row["record"] == "cell"]
    flat = [
        (a["item"], a["by"], group, label, n, a["residuals"][i][j])
        for a in document["associations"]
        for i, (label, counts) in enumerate(
            zip(a["table"]["rows"], a["table"]["counts"], strict=True)
        )
        for j, (group, n) in enumerate(zip(a["table"]["columns"], counts, strict=True))
    ]
    assert [
        (c["item"], c["by"], c["group"], c["label"], int(c["n"]), float(c["residual"]))
        for c in cells
    ] == flat
    driving = {
        (a["item"], a["by"], d["row"], d["column"])
        for a in document["associations"]
        for d in a["cells_driving"]
    }
    marked = {(c["item"], c["by"], c["label"], c["group"]) for c in cells if c["driving"] == "true"}
    assert marked == driving
    missing = [
        (row["item"], int(row["asked"]), int(row["answered"]), int(row["n_missing"]))
        for row in rows
        if row["record"] == "nonresponse" and not row["group"]
    ]
    assert missing == [
        (i["id"], i["asked"], i["answered"], i["missing"]) for i in document["nonresponse"]["items"]
    ]


# --------------------------------------------------------------------------------------------
# What a number format shows, to check it against the text every other format prints
# --------------------------------------------------------------------------------------------

_CONDITION = re.compile(r"^\[(<|>=)([\d.]+)\]")


def _sections(fmt: str) -> list[str]:
    parts, current, quoted = [], "", False
    for char in fmt:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def _show_section(section: str, value: float) -> str:
    literal = re.findall(r'"([^"]*)"', section)
    pattern = re.sub(r'"[^"]*"', "", section)
    if not pattern.strip():
        return "".join(literal)
    sign = "+" if pattern.startswith("+") else ""
    pattern = pattern.lstrip("+-")
    if pattern.startswith("#,##0"):
        text = f"{round(value):,}"
    else:
        places = len(pattern.split(".")[1]) if "." in pattern else 0
        text = f"{value:.{places}f}"
        if pattern.startswith("."):
            text = text.removeprefix("0")
    return sign + text + "".join(literal)


def shown(value: float, fmt: str) -> str:
    """The text Excel shows for ``value`` under the number formats cipp writes."""
    sections = _sections(fmt)
    if _CONDITION.match(sections[0]):
        for section in sections[:-1]:
            match = _CONDITION.match(section)
            assert match is not None
            op, bound = match.group(1), float(match.group(2))
            if (value < bound) if op == "<" else (value >= bound):
                return _show_section(section[match.end() :], value)
        return _show_section(sections[-1], value)
    if len(sections) == 3:  # positive; negative; zero
        index = 0 if value > 0 else 1 if value < 0 else 2
        return ("-" if value < 0 else "") + _show_section(sections[index], abs(value))
    return _show_section(sections[0], value)


def test_shown_reads_the_formats_as_excel_does():
    assert shown(0.0004, xlsx.number_format(_p(0.0004))) == "< .001"
    assert shown(0.084, xlsx.number_format(_p(0.084, 3))) == ".084"
    assert shown(0.996, xlsx.number_format(_p(0.996, 2))) == "> .99"
    assert shown(2400, "#,##0") == "2,400"
    assert shown(-3.25, "+0.0;-0.0;0.0") == "-3.2" or shown(-3.25, "+0.0;-0.0;0.0") == "-3.3"


def _p(value: float, places: int = 3) -> Any:
    from cipp.render.document import Number

    return Number(value, P_VALUE, places)


def _cell_numbers_match(table: Table) -> list[tuple[str, str, str]]:
    """Every number a cell holds, as its number format shows it, appears in the cell's
    text, in order (a mark after a number may stand before it in the text)."""
    wrong = []
    for r, row in enumerate(table.rows):
        for c, text in enumerate(row):
            position = 0
            for number in table.numbers_of(r, c):
                if number.value is None:
                    # A number that does not exist: the text says so ("–", one for all).
                    if "–" not in text:
                        wrong.append((table.caption, text, "–"))
                    continue
                fmt = xlsx.number_format(number)
                seen = shown(number.value, fmt).removesuffix(number.suffix)
                found = text.find(seen, position)
                if found < 0 or number.suffix.strip() not in text:
                    wrong.append((table.caption, text, seen))
                    break
                position = found + len(seen)
    return wrong


def test_number_formats_show_what_the_text_says(outputs):
    wrong = []
    cells = 0
    for document in outputs["documents"]:
        for table in document.tables(BRIEF):
            wrong += _cell_numbers_match(table)
            cells += sum(bool(numbers) for row in table.values for numbers in row)
    assert not wrong, wrong[:10]
    assert cells > 1000


def test_n_and_percent_are_two_columns_under_each_level(outputs):
    sheet = load_workbook(outputs["books"]["wide"])["Table 1"]
    header = [cell.value for cell in sheet[3]]
    subheads = [cell.value for cell in sheet[4]]
    levels = ("Strongly disagree", "Disagree", "Agree", "Strongly agree")
    for level in levels:
        column = header.index(level)
        assert subheads[column : column + 2] == ["n", "%"]
    positive = header.index("% positive (95% CI)")
    assert subheads[positive : positive + 3] == ["%", "CI low", "CI high"]
    row = [cell for cell in sheet[6]]  # the first item, under its component's heading
    counts = [row[header.index(level)].value for level in levels]
    percents = [row[header.index(level) + 1].value for level in levels]
    n = row[header.index("n")].value
    assert sum(counts) == n and n > 1000 and row[header.index("n")].number_format == "#,##0"
    assert percents == pytest.approx([100 * k / n for k in counts])
    low, high = row[positive + 1].value, row[positive + 2].value
    assert low < row[positive].value < high
    assert row[positive].value == pytest.approx(percents[2] + percents[3])


# --------------------------------------------------------------------------------------------
# Captions name the scale; one number format for n
# --------------------------------------------------------------------------------------------


def test_captions_of_the_wide_survey_name_each_scale(outputs):
    workbook = load_workbook(outputs["books"]["wide"])
    captions = [workbook[f"Table {k}"]["A1"].value for k in (1, 2, 3)]
    assert captions == [
        f"Table {k}. Residency program survey: {scale} items, n (%) (n = 2,400)"
        for k, scale in enumerate(
            ("4-point agreement scale", "5-point quality rating", "6-point frequency scale"),
            start=1,
        )
    ]
    figures = [sheet["A1"].value for sheet in workbook if sheet.title.startswith("Figure")]
    assert len(set(figures)) == len(figures) == 3
    assert all("(n = 2,400)" in caption for caption in figures)
    markdown = outputs["wide"]["markdown"]
    for group in (
        "Agree = Agree or Strongly agree",
        "Good or better = Good or Excellent",
        "Occasionally or more = Occasionally, Frequently or Very frequently",
    ):
        assert f"favourable group ({group})" in markdown
    assert "e.g. Agree" not in markdown


def test_n_has_a_thousands_separator_in_readable_outputs_only(outputs):
    markdown = outputs["wide"]["markdown"]
    assert "2400" not in markdown and "4800" not in markdown
    assert "n = 2,400 respondents" in markdown and "| 4,800 |" in markdown
    rows = list(csv.DictReader(io.StringIO(outputs["wide"]["csv"])))
    assert {row["n_valid"] for row in rows if row["n_valid"]} == {"2400"}
    assert json.loads(outputs["wide"]["json"])["n_respondents"] == 2400


def test_expected_counts_are_spss_footnotes_keyed_to_the_rows(outputs):
    markdown = outputs["wide"]["markdown"]
    assert "< 5; min" not in markdown
    notes = re.findall(
        r"\*([a-z]+)\. (\d+) cells \(([\d.]+)%\) have expected count less "
        r"than 5\. The minimum expected count is ([\d.]+)\.\*",
        markdown,
    )
    assert notes and notes[0][0] == "a"
    table = markdown.split("**Association with training site")[1].split("\n\n")[1]
    marks = [line.split(" | ")[-2] for line in table.splitlines()[2:]]
    assert set(marks) == {mark for mark, *_ in notes}
