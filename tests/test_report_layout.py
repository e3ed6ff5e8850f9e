"""The report as its reader sees it (issue 15): the joint display one block per CIPP
component that fits a 1,024 px screen and a Word page, the surveys' figures, a
survey-only report when no focus groups are given, and no slips in any document."""

from __future__ import annotations

import json
import math
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from typer.testing import CliRunner

from cipp.cli import app
from cipp.flow.analysis import AnalysisOptions, analyze_file
from cipp.flow.evaluation import NO_QUALITATIVE, no_agreement, no_themes
from cipp.flow.integration import joint_display
from cipp.model.joint import Evaluation
from cipp.model.results import Results
from cipp.render.document import BRIEF, PAGE, PRINT, Bullets, Table
from cipp.render.report import report_document
from tests.chromium import CHROMIUM, headless
from tests.conftest import DATA
from tests.readable import DOCUMENTS, write_wide_survey

SURVEYS = (DATA / "mentees.xlsx", DATA / "mentors.xlsx")
REPORT = dict(DOCUMENTS)["report"]
COMPONENTS = ("Context", "Input", "Process", "Product")
SUFFIX = {"markdown": "md", "table": "txt"}


def _run(runner, args, fmt: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"out.{SUFFIX.get(fmt, fmt)}"
    result = runner.invoke(app, [*args, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _survey_only(*surveys: Path) -> list[str]:
    return ["report", *(arg for path in surveys for arg in ("--survey", str(path)))]


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> dict[str, Path]:
    """The README's full report, in the formats looked at here (made once)."""
    folder = tmp_path_factory.mktemp("full")
    runner = CliRunner()
    return {fmt: _run(runner, REPORT, fmt, folder) for fmt in ("html", "docx", "json")}


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> dict[str, Path]:
    """Both example surveys without focus groups, in every format (made once)."""
    folder = tmp_path_factory.mktemp("alone")
    runner = CliRunner()
    formats = ("markdown", "json", "docx", "html", "xlsx", "csv", "table")
    return {fmt: _run(runner, _survey_only(*SURVEYS), fmt, folder) for fmt in formats}


# --- the joint display: one narrow block per component -------------------------------


def test_the_joint_display_is_one_narrow_block_per_component():
    from cipp.flow.evaluation import QualitativeInputs, evaluate

    fgd = DATA / "fgd"
    evaluation = evaluate(
        SURVEYS,
        QualitativeInputs(
            segments=(fgd / "segments.csv",),
            codebook=fgd / "codebook.yaml",
            adjudication=fgd / "adjudication.csv",
            pseudonyms=fgd / "pseudonyms.yaml",
        ),
    )
    document = report_document(evaluation)
    for view in (BRIEF, PRINT, PAGE):
        blocks = [s for s in document.shown(view) if s.id.startswith("joint-")]
        assert [s.heading for s in blocks] == [f"Joint display: {c}" for c in COMPONENTS]
        for section in blocks:
            tables = [b for b in section.blocks if isinstance(b, Table)]
            # Brief views: one two-column table; Word and HTML: bullet lists that wrap.
            assert all(len(t.header) == 2 for t in tables)
            assert bool(tables) == (view == BRIEF)
            if view != BRIEF:
                titles = [b.title for b in section.blocks if isinstance(b, Bullets)]
                assert titles == ["Survey strand", "Focus-group strand", "Integration"]
    # The old wide table is gone: no table anywhere has a column per focus group.
    assert not any("Mentee themes" in t.header for t in document.tables(BRIEF))
    product = next(t for t in document.tables(BRIEF) if t.key == "joint_product")
    labels = [row[0] for row in product.rows if len(row) == 2]
    assert labels[:3] == [
        "Mentee evaluation of the mentorship program",
        "Mentor evaluation of the mentorship program",
        "All surveys",
    ]
    assert {"Significant tests", "Mentee themes", "Mentee quote", "Mentor themes"} <= set(labels)
    assert {"Mentor quote", "Fit", "Meta-inference"} <= set(labels)
    cells = dict(row for row in product.rows if len(row) == 2)
    # % positive with its Wilson interval, the answers and items it pools.
    assert re.fullmatch(
        r"80\.2% positive \(95% CI \d+\.\d–\d+\.\d\) of 116 answers to 4 items; n = 29",
        cells["Mentor evaluation of the mentorship program"],
    )
    assert cells["Mentor themes"].startswith("Not mutually beneficial (8 of 8 mentors, negative)")
    assert cells["Mentor quote"].startswith("“") and "(mentor, FGD 5, P" in cells["Mentor quote"]
    assert cells["Fit"] == "discordance, proposed by cipp"
    assert cells["Meta-inference"].startswith("Product: the strands disagree")


class _Text(HTMLParser):
    """The text of an HTML page, and its joint display's tables."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.section = ""
        self.joint_tables = 0

    def handle_starttag(self, tag, attrs):
        ids = dict(attrs).get("id") or ""
        if tag == "section":
            self.section = ids
        if tag == "table" and self.section.startswith("joint"):
            self.joint_tables += 1

    def handle_data(self, data):
        self.text.append(data)


def test_the_html_joint_display_has_no_table_and_fits_1024_px(full, tmp_path):
    page = full["html"]
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.joint_tables == 0
    for component in COMPONENTS:
        assert f">Joint display: {component}</h3>" in page.read_text(encoding="utf-8")
    if CHROMIUM is None:
        pytest.skip("no Chromium to lay the page out")
    measure = (
        "<script>addEventListener('load', () => { let right = 0;"
        " document.querySelectorAll('section[id^=\"joint\"] *').forEach(e => {"
        " right = Math.max(right, e.getBoundingClientRect().right); });"
        " document.body.dataset.right = Math.ceil(right);"
        " document.body.dataset.scroll = document.documentElement.scrollWidth; });</script>"
    )
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", measure + "</body>"), "utf-8"
    )
    dom = subprocess.run(
        headless(
            tmp_path / "profile",
            "--window-size=1024,800",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probe.as_uri(),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    right = re.search(r'data-right="(\d+)"', dom)
    if right is None:
        pytest.skip("Chromium did not lay the page out")
    assert int(right.group(1)) <= 1024
    assert int(re.search(r'data-scroll="(\d+)"', dom).group(1)) <= 1024


def _body_order(document) -> list[tuple[str, str]]:
    """('p', text) and ('table', first cell) in the order of the Word body."""
    out = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(("p", "".join(t.text or "" for t in child.iter(qn("w:t")))))
        elif child.tag == qn("w:tbl"):
            out.append(("table", "".join(t.text or "" for t in child.iter(qn("w:t")))[:40]))
    return out


def test_the_word_joint_display_is_text_that_wraps_on_a_portrait_page(full):
    document = WordDocument(str(full["docx"]))
    order = _body_order(document)
    texts = [text for kind, text in order if kind == "p"]
    start = texts.index("Joint display")
    end = texts.index("Joint display: Product")
    first_table = next(i for i, (kind, _) in enumerate(order) if kind == "table")
    # No table before the last component's block: the joint display is paragraphs.
    assert order.index(("p", "Joint display: Product")) < first_table
    assert start < end
    assert texts.count("Fit: discordance, proposed by cipp") == 4
    # The joint display stays on portrait pages.
    section = document.sections[0]
    assert section.page_width < section.page_height


# --- figures ---------------------------------------------------------------------------


def test_the_report_has_each_surveys_figures(full):
    page = full["html"].read_text(encoding="utf-8")
    # The mentees' Likert items; the mentors' rating and Yes/No items.
    assert page.count("<figure ") == 3
    assert "Mentee evaluation of the mentorship program: 6-point agreement scale items" in page
    assert "Mentor evaluation of the mentorship program: Yes/No items" in page
    # Numbered on across the surveys, so no number (or id) is given twice.
    for number in (1, 2, 3):
        assert page.count(f'<figure id="figure-{number}">') == 1
        assert page.count(f"<strong>Figure {number}.</strong>") == 1
    word = WordDocument(str(full["docx"]))
    assert len(word.inline_shapes) == 3
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Figures: Mentee evaluation of the mentorship program" in headings


def test_no_figures_under_disclosure_control(runner, tmp_path):
    page = _run(runner, [*_survey_only(SURVEYS[1]), "--min-cell", "5"], "html", tmp_path)
    assert "<figure " not in page.read_text(encoding="utf-8")


# --- the survey strand alone -----------------------------------------------------------


def test_report_runs_on_the_surveys_alone(alone):
    for out in alone.values():
        assert out.stat().st_size > 1000
    html = alone["html"].read_text(encoding="utf-8")
    assert html.count("<figure ") == 3 and "was not given" in html
    from openpyxl import load_workbook

    sheets = load_workbook(alone["xlsx"]).sheetnames
    assert {"Joint Context", "Joint Product"} <= set(sheets)


def test_a_survey_only_report_says_the_qualitative_strand_was_not_given(alone):
    text = alone["markdown"].read_text("utf-8")
    assert "The qualitative strand (coded focus-group segments and their codebook) was not " in (
        text
    )
    for component in COMPONENTS:
        assert f"### Joint display: {component}" in text
    assert text.count("| Focus groups | not given: survey strand only |") == 4
    assert "inter-coder agreement" not in text.lower()
    assert "| Mentor evaluation of the mentorship program | 80.2% positive (95% CI" in text
    assert "No recommendations: they come from the focus groups, which were not given." in text
    assert "Fit" not in re.findall(r"^\| (\w+) \|", text, flags=re.MULTILINE)


def test_a_survey_only_report_keeps_the_json_keys(full, alone):
    full = json.loads(full["json"].read_text("utf-8"))
    alone = json.loads(alone["json"].read_text("utf-8"))
    assert alone.keys() == full.keys()
    assert alone["agreement"].keys() == full["agreement"].keys()
    assert alone["themes"].keys() == full["themes"].keys()
    for mine, theirs in zip(alone["joint_display"], full["joint_display"], strict=True):
        assert mine.keys() == theirs.keys()
        assert mine["quantitative"] == theirs["quantitative"]
        assert mine["fit"] is None and mine["proposed_fit"] is None and mine["themes"] == {}
    assert alone["recommendations"] == []
    assert alone["agreement"]["coders"] == [] and alone["agreement"]["units"] == 0
    assert alone["themes"]["themes"] == [] and NO_QUALITATIVE in alone["themes"]["notes"]


@pytest.mark.parametrize("survey", SURVEYS, ids=lambda p: p.stem)
def test_each_example_survey_alone(runner, tmp_path, survey):
    for fmt in ("markdown", "json", "docx", "html"):
        out = _run(runner, _survey_only(survey), fmt, tmp_path / fmt)
        assert out.exists()
    document = json.loads((tmp_path / "json" / "out.json").read_text("utf-8"))
    assert len(document["surveys"]) == 1
    assert [row["component"] for row in document["joint_display"]] == [
        c.lower() for c in COMPONENTS
    ]
    word = WordDocument(str(tmp_path / "docx" / "out.docx"))
    assert len(word.inline_shapes) >= 1  # the survey's figures


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--qual", str(DATA / "fgd" / "segments.csv")], "--qual needs --codebook"),
        (["--codebook", str(DATA / "fgd" / "codebook.yaml")], "--codebook needs --qual"),
        (["--integration", str(DATA / "fgd" / "integration.yaml")], "--integration is about"),
        (["--pseudonyms", str(DATA / "fgd" / "pseudonyms.yaml")], "--pseudonyms is about"),
    ],
)
def test_focus_group_options_need_the_focus_groups(runner, tmp_path, extra, message):
    args = [*_survey_only(SURVEYS[0]), *extra, "--format", "json", "--out", str(tmp_path / "r")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


# --- significant tests, largest effect first, at a large n -------------------------------


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Results:
    folder = tmp_path_factory.mktemp("wide")
    instrument, responses = write_wide_survey(folder)
    return analyze_file(responses, instrument=instrument, options=AnalysisOptions(by=("site",)))


def test_the_joint_display_ranks_significant_tests_by_effect_size(wide):
    evaluation = Evaluation(
        surveys=(wide,),
        agreement=no_agreement(),
        themes=no_themes(),
        joint=joint_display([wide], None),
        qualitative=False,
    )
    tables = {t.key: t for t in report_document(evaluation).tables(BRIEF)}
    process = tables["joint_process"]
    tests = [
        row[1] for row in process.rows if len(row) == 2 and row[0] in ("Significant tests", "")
    ]
    # Three significant tests on Process (two items and the component), largest V first.
    assert len(tests) == 3
    assert tests[0].startswith("“Process (positive share)” by training site: V = .21, small")
    values = [float(re.search(r"V = (\.\d+)", t).group(1)) for t in tests]
    assert values == sorted(values, reverse=True)
    assert all("adjusted p < .001" in t for t in tests)


def test_a_large_surveys_summary_says_what_the_sample_size_does(runner, tmp_path):
    instrument, responses = write_wide_survey(tmp_path)
    args = ["analyze", str(responses), "--instrument", str(instrument), "--by", "site"]
    page = _run(runner, args, "html", tmp_path).read_text(encoding="utf-8")
    summary = page[page.index('<section id="summary"') : page.index("</section>")]
    assert "largest effect first" in summary
    assert "significant from the sample size alone" in summary
    assert "N = 2,400" in summary
    # No longer every test as "p < .001": each card names at most three, with V.
    for card in re.findall(r'<div class="card">.*?</div>', summary, flags=re.DOTALL):
        assert card.count("(V = ") <= 3


# --- slips ------------------------------------------------------------------------------

SLIPS = (
    (re.compile(r"\b1 (answers|sessions|participants|respondents|tests|items|units)\b"), "plural"),
    (re.compile(r"voices\)\)"), "doubled parenthesis"),
    (re.compile(r"(?<!\.)\.\.(?!\.)"), "doubled full stop"),
)


def _slips(text: str) -> list[str]:
    found = []
    for pattern, name in SLIPS:
        for match in pattern.finditer(text):
            found.append(f"{name}: …{text[max(0, match.start() - 40) : match.end() + 10]}…")
    return found


def _word_text(path: Path) -> str:
    document = WordDocument(str(path))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _page_text(path: Path) -> str:
    """An HTML page's text, without its styles and figures."""
    import html

    page = re.sub(r"<(style|svg)\b.*?</\1>", " ", path.read_text("utf-8"), flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize(("name", "args"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_no_slips_in_any_document(runner, tmp_path, name, args, full):
    # HTML holds the long-form view (summaries, component sections); Markdown the brief.
    texts = [_run(runner, args, "markdown", tmp_path).read_text(encoding="utf-8")]
    if name == "report":
        texts += [_page_text(full["html"]), _word_text(full["docx"])]
        texts.append(full["json"].read_text(encoding="utf-8"))
    else:
        texts.append(_page_text(_run(runner, args, "html", tmp_path)))
    found = [slip for text in texts for slip in _slips(text)]
    assert not found, found


def test_no_slips_in_the_large_survey_or_the_survey_only_report(runner, tmp_path, alone):
    instrument, responses = write_wide_survey(tmp_path, rows=600)
    args = ["analyze", str(responses), "--instrument", str(instrument), "--by", "site"]
    texts = [
        _word_text(_run(runner, args, "docx", tmp_path / "wide")),
        _run(runner, args, "json", tmp_path / "wide").read_text(encoding="utf-8"),
        _word_text(alone["docx"]),
        alone["markdown"].read_text(encoding="utf-8"),
    ]
    found = [slip for text in texts for slip in _slips(text)]
    assert not found, found


def test_the_slip_check_can_fail():
    assert _slips("mentor: 8 participants in 1 sessions.")
    assert _slips("made clear to me..")
    assert _slips("(6 negative, 0 positive participant voices));")
    assert not _slips("and so on... the end.")


# --- disclosure control ----------------------------------------------------------------


def test_a_withheld_survey_share_is_left_out_of_the_pooled_share_and_the_fit():
    """Under --min-cell 5 the mentors' Process and Product shares are withheld: the
    pooled share is the mentees' alone (pooling would give the mentors' away), and the
    fit is proposed from it, saying so; never a NaN percentage."""
    from cipp.flow.evaluation import QualitativeInputs, evaluate

    fgd = DATA / "fgd"
    evaluation = evaluate(
        SURVEYS,
        QualitativeInputs(segments=(fgd / "segments.csv",), codebook=fgd / "codebook.yaml"),
        options=AnalysisOptions(min_cell=5),
    )
    product = next(r for r in evaluation.joint.rows if r.component == "product")
    mentees, mentors = product.surveys
    assert mentors.positive is None and math.isnan(mentors.positive_percent)
    assert product.positive_percent == pytest.approx(mentees.positive_percent)
    assert product.proposed_fit == "discordance"  # 70.3% positive; focus groups negative
    assert "not counting a survey whose share is withheld" in product.reason
    document = report_document(evaluation)
    texts = list(document.texts())
    assert not any("nan%" in text for text in texts)
    table = next(t for t in document.tables(BRIEF) if t.key == "joint_product")
    cells = dict(row for row in table.rows if len(row) == 2)
    assert cells["Mentor evaluation of the mentorship program"].startswith("% positive withheld")
    assert "All surveys" not in cells
