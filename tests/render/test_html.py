"""The HTML report read back with html.parser and a strict XML parser: self-contained,
accessible, tables equal to the TextTables, figures inlined, the executive summary."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from cipp.render.html import write_html
from cipp.render.prose import overall_sentences
from cipp.render.survey import survey_document
from cipp.render.tabular import (
    association_tables,
    components_table,
    demographics_table,
    level_table,
)
from tests.render.conftest import flag_first_test, without_tests


def render_html(results, figures=True):
    return write_html(survey_document(results, figures=figures))


SVG = "{http://www.w3.org/2000/svg}"


class Collector(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def collect(page: str) -> Collector:
    parser = Collector()
    parser.feed(page)
    parser.close()
    return parser


def text_of(element: ET.Element) -> str:
    return "".join(element.itertext())


@pytest.fixture(scope="module")
def root(mentors_html):
    return ET.fromstring(mentors_html.split("\n", 1)[1])  # after <!DOCTYPE html>


def by_id(root, element_id):
    return next(e for e in root.iter() if e.get("id") == element_id)


def table_rows(table: ET.Element) -> list[list[str]]:
    rows = []
    for tr in table.iter("tr"):
        rows.append([text_of(cell) for cell in tr if cell.tag in ("th", "td")])
    return rows


def test_is_one_self_contained_file(mentors_html):
    parser = collect(mentors_html)
    tags = [tag for tag, _ in parser.tags]
    assert mentors_html.startswith("<!DOCTYPE html>")
    for forbidden in ("script", "link", "img", "iframe", "object", "embed", "base"):
        assert forbidden not in tags
    for tag, attrs in parser.tags:
        assert "src" not in attrs, tag
        for key in ("href", "xlink:href"):
            if key in attrs:
                assert (attrs[key] or "").startswith("#"), (tag, attrs[key])
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert "url(http" not in mentors_html and "@import" not in mentors_html


def test_one_style_sheet_and_svg_styles_scoped_to_their_figure(root):
    assert len(list(root.iter("style"))) == 1
    assert root.find("head/style") is not None
    for svg in root.iter(f"{SVG}svg"):
        for style in svg.iter(f"{SVG}style"):
            assert style.text.startswith(f"#{svg.get('id')} "), style.text


def test_language_title_and_in_page_links_resolve(root, mentors):
    assert root.tag == "html" and root.get("lang") == "en"
    assert root.find("head/title").text == mentors.instrument.title
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    svg_ids = {e.get("id") for e in root.iter() if e.get("id") and e.tag.startswith(SVG)}
    assert len(ids) == len(set(ids)), "ids are unique across the page and its SVGs"
    for element in root.iter():
        for key in ("href", "{http://www.w3.org/1999/xlink}href"):
            target = element.get(key)
            if target:
                assert target[1:] in ids, target
    assert svg_ids  # figures inlined with their own (prefixed) ids


def test_every_table_has_a_caption_and_scoped_headers(root):
    tables = list(root.iter("table"))
    assert tables
    for table in tables:
        assert table.find("caption") is not None and text_of(table.find("caption"))
        for th in table.iter("th"):
            assert th.get("scope") in ("col", "row", "rowgroup"), ET.tostring(th)
        assert table.find("thead") is not None


@pytest.mark.parametrize(
    "key", ["table1", "table2", "components", "demographics", "tests_mentoring_year"]
)
def test_full_tables_equal_the_text_tables(root, mentors, key):
    expected = {
        t.key: t
        for t in [
            *(level_table(mentors, lt) for lt in mentors.tables()),
            components_table(mentors),
            demographics_table(mentors),
            *association_tables(mentors),
        ]
    }[key]
    block = by_id(root, key)
    table = block.find("table")
    assert text_of(table.find("caption")) == expected.caption
    rows = table_rows(table)
    assert rows[0] == list(expected.header)
    assert rows[1:] == [list(row) for row in expected.rows]
    note = block.find("p")
    assert note is not None and text_of(note) == "Note. " + " ".join(expected.notes)


def test_sections_per_cipp_component_hold_only_their_items(root, mentors):
    for component in ("context", "input", "process", "product"):
        section = by_id(root, component)
        shown = {text_of(th) for th in section.iter("th") if th.get("scope") == "row"}
        assert shown == {s.text for s in mentors.items if s.component == component}


def test_figures_are_inline_svg_with_every_item_text(root, mentors):
    from cipp.render.figures import wrap_label

    figures = list(by_id(root, "figures").iter("figure"))
    assert len(figures) == 2
    for figure, table in zip(figures, mentors.tables(), strict=True):
        svg = figure.find(f"{SVG}svg")
        assert svg is not None and svg.get("role") == "img" and svg.get("aria-label")
        texts = [t.text or "" for t in svg.iter(f"{SVG}text")]
        for summary in table.items:
            for line in wrap_label(summary.text).split("\n"):
                assert any(t.startswith(line) for t in texts), line
        caption = text_of(figure.find("figcaption"))
        assert caption.startswith(f"Figure {table.number}. ") and "(n = 29)" in caption


def test_executive_summary_names_strongest_weakest_and_test_results(root, mentors):
    summary = text_of(by_id(root, "summary"))
    for component in ("context", "input", "process", "product"):
        items = [s for s in mentors.items if s.component == component]
        best = max(items, key=lambda s: s.positive_percent)
        worst = min(items, key=lambda s: s.positive_percent)
        assert f"“{best.text}”" in summary and f"“{worst.text}”" in summary
    assert "(86.2% Good or better)" in summary
    # The conftest made the first item test by year of mentoring significant.
    flagged = next(t for t in mentors.associations if t.significant_adjusted)
    tests = [t for t in mentors.associations if t.component == flagged.component]
    assert (
        f"1 of {len(tests)} tests significant after Benjamini-Hochberg adjustment, largest "
        f"effect first: “{flagged.text}” by {flagged.by_label} (V = .54, large; adjusted "
        "p = .012)." in summary
    )
    assert "No association with Year of mentoring in the program or Teaching experience" in (
        summary
    )


def test_summary_reads_the_runs_association_records(mentees):
    """The mentee run tests every item and component against age, gender and year."""
    results, flagged = flag_first_test(mentees, "gender")
    records = results.associations
    page = render_html(results, figures=False)
    root = ET.fromstring(page.split("\n", 1)[1])
    summary = text_of(by_id(root, "summary"))
    n_component = sum(1 for r in records if r.component == flagged.component and r.result.testable)
    assert (
        f"1 of {n_component} tests significant after Benjamini-Hochberg adjustment, largest "
        f"effect first: “{flagged.text}” by Gender (V = " in summary
    )
    assert "; adjusted p = .012)." in summary
    for sentence in overall_sentences(results):
        assert sentence in summary
    # Every record is shown in the tests section, one table per grouping variable (the
    # section also holds the positive-share-by-group tables, keyed groups_*).
    tests = by_id(root, "tests")
    shown = [
        row
        for block in tests.iter("div")
        if block.get("id", "").startswith("tests_")
        for table in block.iter("table")
        for row in table_rows(table)[1:]
    ]
    assert len(shown) == len(records)


def test_without_tests_or_figures(mentors):
    page = render_html(without_tests(mentors), figures=False)
    root = ET.fromstring(page.split("\n", 1)[1])
    assert not list(root.iter(f"{SVG}svg"))
    assert "No tests of association were run." in text_of(by_id(root, "summary"))
    assert "No tests of association were run." in text_of(by_id(root, "tests"))


def test_all_text_is_escaped(mentors):
    hostile = "<script>alert('x')</script> & <b>bold</b>"
    instrument = replace(mentors.instrument, title=hostile)
    items = tuple(replace(s, text=hostile) if i == 0 else s for i, s in enumerate(mentors.items))
    page = render_html(replace(mentors, instrument=instrument, items=items), figures=False)
    tags = [tag for tag, _ in collect(page).tags]
    assert "script" not in tags and "b" not in tags
    root = ET.fromstring(page.split("\n", 1)[1])
    assert root.find("head/title").text == hostile
    assert hostile in text_of(by_id(root, "table1"))
