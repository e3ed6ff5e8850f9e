"""cipp report: both strands in one document, with the joint display (issue 8)."""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser

import pytest
from docx import Document
from openpyxl import load_workbook

from cipp import to_dict
from cipp.cli import app
from cipp.flow.evaluation import QualitativeInputs, evaluate
from cipp.model.errors import InstrumentError
from cipp.read.integration import load_integration
from tests.conftest import DATA

FGD = DATA / "fgd"
SURVEYS = [DATA / "mentees.xlsx", DATA / "mentors.xlsx"]


def report_args(fmt: str, out, *extra: str) -> list[str]:
    return [
        "report",
        "--survey",
        str(SURVEYS[0]),
        "--survey",
        str(SURVEYS[1]),
        "--qual",
        str(FGD / "segments.csv"),
        "--codebook",
        str(FGD / "codebook.yaml"),
        "--adjudication",
        str(FGD / "adjudication.csv"),
        "--pseudonyms",
        str(FGD / "pseudonyms.yaml"),
        "--format",
        fmt,
        "--out",
        str(out),
        *extra,
    ]


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(
        SURVEYS,
        QualitativeInputs(
            segments=(FGD / "segments.csv",),
            codebook=FGD / "codebook.yaml",
            adjudication=FGD / "adjudication.csv",
            pseudonyms=FGD / "pseudonyms.yaml",
        ),
    )


def test_joint_display_marks_the_studys_discordance(evaluation):
    rows = {row.component: row for row in evaluation.joint.rows}
    product = rows["product"]
    # Surveys satisfied (most answers positive) ...
    assert product.positive_percent > 50
    # ... focus groups not: more participants voiced negative than positive codes.
    assert product.negative_voices > product.positive_voices
    assert product.fit == product.proposed_fit == "discordance"
    # The mentors' "not mutually beneficial" theme is quoted from one of its negative codes,
    # not from the two mentors who found the relationship rewarding.
    mentors = next(t for t in product.themes if t.theme == "not_mutually_beneficial")
    assert mentors.quote is not None
    with (FGD / "segments.csv").open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle) if row["text"] == mentors.quote}
    assert codes and "rewarding_relationship" not in codes
    assert product.fit_source == "proposed"
    assert {row.fit for row in evaluation.joint.rows} == {"discordance"}


def test_json_has_every_section(evaluation):
    document = to_dict(evaluation)
    assert [s["instrument"]["id"] for s in document["surveys"]] == ["mentee", "mentor"]
    assert {"coders", "units", "codes", "pooled"} <= set(document["agreement"])
    assert document["themes"]["groups"]
    entry = document["joint_display"][3]
    assert entry["component"] == "product"
    assert {"component", "quantitative", "themes", "fit", "fit_source"} <= set(entry)
    assert set(entry["themes"]) == {"mentee", "mentor"}
    assert entry["quantitative"]["surveys"][0]["instrument"] == "mentee"


def test_integration_yaml_sets_fit_and_meta_inference(tmp_path):
    path = tmp_path / "integration.yaml"
    path.write_text(
        "components:\n  product:\n    fit: discordance\n"
        "    meta_inference: Surveys looked satisfied; the focus groups did not.\n"
        "  context:\n    fit: expansion\n"
    )
    decisions = load_integration(path)
    assert decisions.fits == {"product": "discordance", "context": "expansion"}
    result = evaluate(
        SURVEYS[1:],
        QualitativeInputs(
            segments=(FGD / "segments.csv",),
            codebook=FGD / "codebook.yaml",
            adjudication=FGD / "adjudication.csv",
        ),
        integration=path,
    )
    rows = {row.component: row for row in result.joint.rows}
    assert rows["product"].fit_source == "set"
    assert rows["product"].meta_inference.startswith("Surveys looked satisfied")
    # Mentors alone: 41% positive on context, focus groups negative: both lean negative.
    assert rows["context"].fit == "expansion" and rows["context"].proposed_fit == "confirmation"
    assert rows["input"].fit_source == "proposed"


def test_integration_yaml_problems_have_paths(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "components:\n  outcome: {fit: discordance}\n  product: {fit: clash, note: x}\nextra: 1\n"
    )
    with pytest.raises(InstrumentError) as caught:
        load_integration(path)
    message = str(caught.value)
    for expected in (
        "components.outcome: 'outcome' is not one of",
        "components.product.fit: 'clash' is not one of",
        "components.product.note: unknown key",
        "extra: unknown key",
    ):
        assert expected in message


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_report_docx_and_html(runner, tmp_path):
    docx_out, html_out = tmp_path / "report.docx", tmp_path / "report.html"
    for fmt, out in (("docx", docx_out), ("html", html_out)):
        result = runner.invoke(app, report_args(fmt, out))
        assert result.exit_code == 0, result.output
    document = Document(str(docx_out))
    # The joint display is a bullet list per strand and component, no wide table.
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.count("Fit: discordance, proposed by cipp") == 4
    assert any("(8 of 8 mentors, negative)" in text for text in paragraphs)  # not mutual
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("2 of 8 mentors, positive" in text for text in texts)  # rewarding relationship
    assert "18 (62.1)" in texts  # mentors' Table 1, the program rated Good
    page = html_out.read_text(encoding="utf-8")
    parser = _Cells()
    parser.feed(page)
    assert "script" not in parser.tags
    assert page.count("<li>Fit: discordance, proposed by cipp</li>") == 4
    assert any("2 of 8 mentors, positive" in cell for cell in parser.cells)
    assert "Imran" not in page


def test_report_markdown_json_xlsx(runner, tmp_path):
    for fmt in ("markdown", "json", "xlsx"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(app, report_args(fmt, out))
        assert result.exit_code == 0, result.output
    assert "## Joint display" in (tmp_path / "report.markdown").read_text()
    document = json.loads((tmp_path / "report.json").read_text())
    assert [row["fit"] for row in document["joint_display"]] == ["discordance"] * 4
    workbook = load_workbook(tmp_path / "report.xlsx")
    assert {"Joint Context", "Joint Product"} <= set(workbook.sheetnames)


def test_report_fails_when_a_real_name_survives(runner, tmp_path):
    codebook = tmp_path / "codebook.yaml"
    text = (FGD / "codebook.yaml").read_text(encoding="utf-8")
    codebook.write_text(
        text.replace(
            "name: No meaningful relationship", "name: No meaningful relationship with Imran"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    args = report_args("html", out)
    args[args.index("--codebook") + 1] = str(codebook)
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "Imran" in result.stderr
    assert not out.exists()


def test_report_rejects_unknown_format(runner, tmp_path):
    result = runner.invoke(app, report_args("pdf", tmp_path / "r.pdf"))
    assert result.exit_code == 2 and "is not one of table, json" in result.stderr


def test_a_survey_without_answers_to_a_component_adds_nothing_to_it(runner, tmp_path):
    """Blank every mentee product item: the product row is the mentors' alone, not NaN."""
    workbook = load_workbook(SURVEYS[0])
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    product = [
        "My mentor motivated me to improve my work productivity.",
        "The goals of the mentorship program were achieved.",
    ]
    for text in product:
        column = headers.index(text) + 1
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=column).value = None
    blanked = tmp_path / "mentees-no-product.xlsx"
    workbook.save(blanked)
    qualitative = QualitativeInputs(
        segments=(FGD / "segments.csv",),
        codebook=FGD / "codebook.yaml",
        adjudication=FGD / "adjudication.csv",
        pseudonyms=FGD / "pseudonyms.yaml",
    )
    both = {r.component: r for r in evaluate([blanked, SURVEYS[1]], qualitative).joint.rows}
    mentors = {r.component: r for r in evaluate([SURVEYS[1]], qualitative).joint.rows}
    assert both["product"].positive_percent == pytest.approx(mentors["product"].positive_percent)
    assert both["product"].proposed_fit == mentors["product"].proposed_fit
    out = tmp_path / "report.json"
    args = report_args("json", out)
    args[args.index(str(SURVEYS[0]))] = str(blanked)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "NaN" not in text  # missing numbers are null
    document = json.loads(text)
    joint = {row["component"]: row for row in document["joint_display"]}
    mentee_product = joint["product"]["quantitative"]["surveys"][0]
    assert mentee_product["positive_percent"] is None
    markdown = tmp_path / "report.md"
    args = report_args("markdown", markdown)
    args[args.index(str(SURVEYS[0]))] = str(blanked)
    assert runner.invoke(app, args).exit_code == 0
    assert "| no answers (2 items) |" in markdown.read_text()


def test_report_csv_ends_with_the_recommendations(runner, tmp_path, evaluation):
    out = tmp_path / "report.csv"
    result = runner.invoke(app, report_args("csv", out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {row["instrument"] for row in rows if row["record"] == "level"} == {"mentee", "mentor"}
    written = [row for row in rows if row["record"] == "recommendation"]
    assert [row["item"] for row in written] == [r.id for r in evaluation.recommendations]
    for row, recommendation in zip(written, evaluation.recommendations, strict=True):
        assert row["text"] == recommendation.text and row["source"] == recommendation.source
        for group in recommendation.groups:
            assert f"{group.group} {group.participants} of {group.of}" in row["raised_by"]
        for item in recommendation.weak_items:
            assert f"{item.id} ({item.percent_positive:.1f}% positive)" in row["weak_items"]
        if recommendation.quote is not None:
            assert recommendation.quote.text in row["quote"]
