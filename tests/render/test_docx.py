"""The Word report opened with python-docx: tables equal the document's tables, APA
captions, rules and notes, the figures embedded, the summary."""

from __future__ import annotations

import re
from dataclasses import replace

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from cipp.render.document import PRINT
from cipp.render.docx import glued, table_title, write_docx
from cipp.render.survey import survey_document
from cipp.render.tabular import (
    association_tables,
    breakdown_tables,
    components_table,
    demographics_table,
    level_table,
    nonresponse_tables,
)
from tests.render.conftest import without_tests


def word(results, tmp_path, name="report.docx", **options):
    out = tmp_path / name
    out.write_bytes(write_docx(survey_document(results, **options)))
    return docx.Document(str(out))


@pytest.fixture(scope="module")
def document(mentors_docx):
    return docx.Document(str(mentors_docx))


@pytest.fixture(scope="module")
def expected(mentors):
    tables = [level_table(mentors, t) for t in mentors.tables()]
    return [
        *tables,
        components_table(mentors),
        *association_tables(mentors),
        *breakdown_tables(mentors),
        demographics_table(mentors),
        *nonresponse_tables(mentors),
    ]


def cell_rows(word_table):
    return [[cell.text for cell in row.cells] for row in word_table.rows]


def test_every_table_is_a_word_table_with_the_same_cells(document, expected):
    assert len(document.tables) == len(expected)
    for word_table, table in zip(document.tables, expected, strict=True):
        rows = cell_rows(word_table)
        assert rows[0] == list(table.header)
        assert len(rows) == 1 + len(table.rows)
        for got, want in zip(rows[1:], table.rows, strict=True):
            if len(want) == 1:
                # A component heading spans the row: Word reports the merged cell per column.
                assert set(got) == {want[0]}
            else:
                assert got == list(want)


def test_captions_are_apa_number_then_italic_title(document, expected):
    paragraphs = document.paragraphs
    for number, table in enumerate(expected, start=1):
        label = next(i for i, p in enumerate(paragraphs) if p.text == f"Table {number}")
        assert all(run.bold for run in paragraphs[label].runs)
        title = paragraphs[label + 1]
        assert title.text == table_title(table.caption)
        assert all(run.italic for run in title.runs)
    assert table_title("Table 2. Mentor evaluation: Yes/No items") == (
        "Mentor evaluation: Yes/No items"
    )


def test_notes_follow_each_table_starting_with_italic_note(document, expected):
    notes = [p for p in document.paragraphs if p.text.startswith("Note.")]
    for table in expected:
        # Word keeps "p = .75" on one line (no-break spaces around the sign).
        assert any(glued(" ".join(table.notes)) in p.text for p in notes), table.caption
    assert all(p.runs[0].text == "Note." and p.runs[0].italic for p in notes)


def _borders(cell):
    tc_borders = cell._tc.tcPr.find(qn("w:tcBorders")) if cell._tc.tcPr is not None else None
    if tc_borders is None:
        return set()
    return {child.tag.split("}")[1] for child in tc_borders}


def test_apa_rules_only_above_and_below_the_head_and_under_the_last_row(document):
    word_table = document.tables[1]  # Table 2: Yes/No items
    assert document.tables[1].style is None or "Grid" not in document.tables[1].style.name
    for cell in word_table.rows[0].cells:
        assert _borders(cell) == {"top", "bottom"}
    for row in word_table.rows[1:-1]:
        for cell in row.cells:
            assert _borders(cell) == set()
    for cell in word_table.rows[-1].cells:
        assert _borders(cell) == {"bottom"}
    assert word_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_figures_are_embedded_as_png_with_captions(document, mentors):
    assert len(document.inline_shapes) == len(mentors.tables()) == 2
    images = [
        part for part in document.part.related_parts.values() if part.content_type == "image/png"
    ]
    assert len(images) == 2
    assert all(image.blob.startswith(b"\x89PNG") for image in images)
    texts = [p.text for p in document.paragraphs]
    assert "Figure 1" in texts and "Figure 2" in texts
    assert f"{mentors.instrument.title}: Yes/No items (n = 29)" in texts


def test_header_and_per_component_summary(document, mentors):
    paragraphs = document.paragraphs
    assert paragraphs[0].text == mentors.instrument.title
    assert paragraphs[0].style.name == "Title"
    assert f"Source: {mentors.source} (sheet Mentors). n = 29 respondents." in paragraphs[1].text
    headings = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert headings == ["Context", "Input", "Process", "Product"]
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    # Product: the strongest item by positive share is the overall rating (86.2% Good or
    # better), the weakest "I learned personally" (72.4% Yes).
    assert (
        "Strongest: “How would you rate the mentorship program?” (86.2% Good or better)." in bullets
    )
    assert "Weakest: “I learned personally from this relationship” (72.4% Yes)." in bullets
    # The conftest made the first test by year of mentoring significant (adjusted p .0123).
    flagged = next(t for t in mentors.associations if t.significant_adjusted)
    assert any(
        "significant after Benjamini-Hochberg adjustment, largest effect first: “" + flagged.text
        in b
        and glued(f"by {flagged.by_label} (V = .54, large; adjusted p = .012)") in b
        for b in bullets
    )


def test_wide_tables_get_a_landscape_section(tmp_path, mentees):
    document = word(mentees, tmp_path, "mentees.docx", figures=False)
    orientations = [section.orientation for section in document.sections]
    assert orientations[0] == WD_ORIENT.PORTRAIT
    assert WD_ORIENT.LANDSCAPE in orientations  # Table 1 has 9 columns
    assert orientations[-1] == WD_ORIENT.PORTRAIT
    assert len(document.inline_shapes) == 0  # figures=False
    # The run's association tables (one per grouping variable) are Word tables too.
    expected = survey_document(mentees, figures=False).tables(PRINT)
    assert len(document.tables) == len(expected)
    titles = {p.text for p in document.paragraphs}
    for table in expected:
        assert table_title(table.caption) in titles
    word_tables = [cell_rows(t) for t in document.tables]
    for table in association_tables(mentees):
        assert [list(table.header), *map(list, table.rows)] in word_tables, table.caption


def test_no_tests_says_so(tmp_path, mentors):
    plain = replace(without_tests(mentors), notes=("A note of the run.",))
    texts = [p.text for p in word(plain, tmp_path, figures=False).paragraphs]
    assert "No tests of association were run." in texts
    assert "A note of the run." in texts


def test_no_line_breaks_inside_a_statistic_and_its_value(document):
    """Notes and prose: "p = .75" and "N = 182" hold no-break spaces, so that a line never
    ends on "p" with "= .75" on the next."""
    texts = [p.text for p in document.paragraphs if p.text.startswith("Note.") or p.runs]
    assert any("p\u00a0=\u00a0" in text or "p\u00a0<\u00a0" in text for text in texts)
    assert not [t for t in texts if re.search(r"\b[pNV] [=<]", t)]
    assert glued("χ²(2, N = 182) = 3.10, p < .001") == (
        "χ²(2, N\u00a0=\u00a0182)\u00a0=\u00a03.10, p\u00a0<\u00a0.001"
    )
