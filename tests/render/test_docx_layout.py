"""Word documents a reader can read (issue 15): every document the README shows, written
through the command line as .docx and read back from its XML the way Word lays it out.

Word sets a fixed table's columns from the grid (w:gridCol) and the cells (w:tcW); a cell's
text has its width less the cell margins. So a table fits its page when its grid fits
between the margins of its section, and a word or number is never broken when it is no
wider than its cell's text (measured with the same Times New Roman advance widths the
writer uses, checked here against the font file where one is installed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from cipp.cli import app
from cipp.render.document import Table
from cipp.render.docx import CELL_MARGIN_IN, TABLE_PT, plan_table, text_width, usable_width
from tests.readable import BATCH, DOCUMENTS, write_wide_survey

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS = 1440
NUMBER = re.compile(r"^[-−–(<>=]*\d[\d.,%–−-]*[)%;,]*$")


# --- reading a .docx ---------------------------------------------------------------------


def _body(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return root.find(f"{W}body")


def _room_twips(section: etree._Element) -> tuple[int, int]:
    """The width and height between a section's margins, in twips."""
    size = section.find(f"{W}pgSz")
    margins = section.find(f"{W}pgMar")
    width, height = int(size.get(f"{W}w")), int(size.get(f"{W}h"))
    if size.get(f"{W}orient") == "landscape":
        assert width > height, "landscape page narrower than high"
    return (
        width - int(margins.get(f"{W}left")) - int(margins.get(f"{W}right")),
        height - int(margins.get(f"{W}top")) - int(margins.get(f"{W}bottom")),
    )


def _blocks_with_room(body: etree._Element) -> Iterator[tuple[etree._Element, tuple[int, int]]]:
    """Each table and paragraph with the room (twips) of the section it is in: a section
    ends with the paragraph holding its w:sectPr, the last one with the body's own."""
    waiting: list[etree._Element] = []
    for child in body:
        waiting.append(child)
        section = child if child.tag == f"{W}sectPr" else child.find(f"{W}pPr/{W}sectPr")
        if section is not None:
            room = _room_twips(section)
            yield from ((block, room) for block in waiting)
            waiting = []
    assert not waiting, "blocks after the last section"


def _tables_with_room(body: etree._Element) -> Iterator[tuple[etree._Element, int]]:
    """Each table with the usable width (twips) of its section."""
    for block, (width, _) in _blocks_with_room(body):
        if block.tag == f"{W}tbl":
            yield block, width


def _picture_problems(body: etree._Element, where: str) -> list[str]:
    """Every picture fits between its page's margins (Word clips one that does not)."""
    problems = []
    extent = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
    for block, (width, height) in _blocks_with_room(body):
        for picture in block.iter(extent):
            cx, cy = (int(picture.get(name)) * TWIPS // 914400 for name in ("cx", "cy"))
            if cx > width or cy > height:
                problems.append(f"{where}: a {cx} x {cy} picture on a {width} x {height} page")
    return problems


def _cell_text(cell: etree._Element) -> tuple[str, float]:
    """The cell's text (paragraphs on lines of their own) and the size of its type."""
    sizes = [int(s.get(f"{W}val")) / 2 for s in cell.iter(f"{W}sz")]
    lines = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in cell.iter(f"{W}p")]
    return "\n".join(lines), max(sizes, default=TABLE_PT)


def _margin_twips(table: etree._Element, side: str) -> int:
    margin = table.find(f"{W}tblPr/{W}tblCellMar/{W}{side}")
    # Without margins of its own a table has those of Word's "Normal Table" style.
    return 108 if margin is None else int(margin.get(f"{W}w"))


def _table_problems(table: etree._Element, room: int, where: str) -> list[str]:
    problems = []
    grid = [int(col.get(f"{W}w")) for col in table.iterfind(f"{W}tblGrid/{W}gridCol")]
    layout = table.find(f"{W}tblPr/{W}tblLayout")
    if layout is None or layout.get(f"{W}type") != "fixed":
        problems.append(f"{where}: layout is not fixed")
    if sum(grid) > room:
        problems.append(f"{where}: {sum(grid)} twips wide, the page has {room}")
    margins = _margin_twips(table, "left") + _margin_twips(table, "right")
    rows = table.findall(f"{W}tr")
    if rows and rows[0].find(f"{W}trPr/{W}tblHeader") is None:
        problems.append(f"{where}: the head row does not repeat on each page")
    for row_number, row in enumerate(rows):
        column = 0
        for cell in row.iterfind(f"{W}tc"):
            span_element = cell.find(f"{W}tcPr/{W}gridSpan")
            span = 1 if span_element is None else int(span_element.get(f"{W}val"))
            width = int(cell.find(f"{W}tcPr/{W}tcW").get(f"{W}w"))
            if width != sum(grid[column : column + span]):
                problems.append(f"{where} row {row_number}: w:tcW {width} differs from the grid")
            text, size = _cell_text(cell)
            for token in text.split():
                need = round(text_width(token, size) * TWIPS) + margins
                if need > width:
                    problems.append(f"{where} row {row_number}: {token!r} needs {need} of {width}")
            column += span
    return problems


def _caption_problems(body: etree._Element, where: str) -> list[str]:
    """The two caption paragraphs above each table keep with it."""
    children = list(body)
    problems = []
    for index, child in enumerate(children):
        if child.tag != f"{W}tbl":
            continue
        for paragraph in children[index - 2 : index]:
            if paragraph.find(f"{W}pPr/{W}keepNext") is None:
                problems.append(f"{where}: a caption paragraph does not keep with its table")
    return problems


#: The order ECMA-376 gives the children of a table's and a cell's properties; Word may
#: refuse a file whose elements are out of it.
_SCHEMA_ORDER = {
    "tblPr": [
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
    ],
    "tcPr": [
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
    ],
}


def _order_problems(body: etree._Element, where: str) -> list[str]:
    problems = []
    for name, order in _SCHEMA_ORDER.items():
        for element in body.iter(f"{W}{name}"):
            children = [child.tag.removeprefix(W) for child in element]
            if children != sorted(children, key=order.index):
                problems.append(f"{where}: w:{name} children out of order: {children}")
    return problems


def layout_problems(path: Path) -> list[str]:
    body = _body(path)
    problems = _caption_problems(body, path.name) + _order_problems(body, path.name)
    problems += _picture_problems(body, path.name)
    for number, (table, room) in enumerate(_tables_with_room(body), start=1):
        problems += _table_problems(table, room, f"{path.name} table {number}")
    return problems


# --- the documents -----------------------------------------------------------------------

_RUNNER = CliRunner()


def _cli(*args: str) -> None:
    result = _RUNNER.invoke(app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Documents written so far, by name (each is written once, when first asked for)."""
    return {"": tmp_path_factory.mktemp("docx")}


def _document(written: dict[str, Path], name: str) -> Path:
    if name not in written:
        out = written[""] / f"{name}.docx"
        _cli(*dict(DOCUMENTS)[name], "--format", "docx", "--out", str(out))
        written[name] = out
    return written[name]


@pytest.mark.parametrize("name", [name for name, _ in DOCUMENTS])
def test_every_table_fits_its_page_and_no_word_is_broken(written, name):
    path = _document(written, name)
    assert layout_problems(path) == []


def test_a_large_survey_with_long_items_fits(tmp_path):
    instrument, responses = write_wide_survey(tmp_path)
    out = tmp_path / "wide.docx"
    _cli("analyze", str(responses), "--instrument", str(instrument), "-f", "docx", "-o", str(out))
    assert layout_problems(out) == []


def test_batch_documents_fit(tmp_path):
    _cli(*BATCH, "--out", str(tmp_path / "batch"), "-f", "docx")
    files = sorted((tmp_path / "batch").rglob("*.docx"))
    assert files
    assert [problem for path in files for problem in layout_problems(path)] == []


# --- the layout rules, on tables made to need them ---------------------------------------

_LONG = "a statement long enough to wrap over several lines of a narrow column of text"


def _table(columns: int, rows: int = 3, *, apa: bool = False) -> Table:
    header = ("Item", *(f"Group {n}" for n in range(1, columns)))
    body = tuple(
        (f"{_LONG} {r}", *(f"{r * 7} (12.{n}%)" for n in range(1, columns))) for r in range(rows)
    )
    if not apa:
        return Table("Table 1. Made up", header, body)
    return Table(
        "Table 1. Made up",
        (*header, "APA"),
        tuple(
            (*row, f"χ²(15, N = 1,820) = 13.{n}8, p = .53, V = .16") for n, row in enumerate(body)
        ),
        hidden_in_terminal=("APA",),
    )


def test_narrow_tables_stay_portrait_and_give_text_the_room():
    layout = plan_table(_table(3))
    assert not layout.landscape
    assert layout.text == (True, False, False)
    assert sum(layout.widths) <= usable_width(False)
    # The numbers stay on one line; the item text takes what is left.
    assert layout.widths[1] >= text_width("14 (12.1%)") + 2 * CELL_MARGIN_IN
    assert layout.widths[0] > 2.5


def test_wide_tables_go_landscape_before_losing_a_column():
    layout = plan_table(_table(6, apa=True))
    assert layout.landscape
    assert layout.table.header[-1] == "APA"
    assert sum(layout.widths) <= usable_width(True)


def test_the_apa_column_moves_to_the_note_when_nothing_else_fits():
    table = _table(10, apa=True)
    layout = plan_table(table)
    assert layout.landscape and "APA" not in layout.table.header
    assert len(layout.widths) == len(table.header) - 1
    # Each row's APA line is in the note, after the row it belongs to.
    (note,) = layout.table.notes
    assert note.startswith(f"APA by row: {_LONG} 0 — χ²(15, N = 1,820) = 13.08, p = .53")
    assert note.count(" — ") == len(table.rows)


def test_numbers_are_never_narrower_than_their_column_even_when_nothing_fits():
    layout = plan_table(_table(16))
    assert layout.landscape and layout.size < TABLE_PT
    widths = layout.widths
    for row in layout.table.rows:
        for text, width in zip(row[1:], widths[1:], strict=True):
            for token in text.split():
                assert text_width(token, layout.size) + 2 * CELL_MARGIN_IN <= width


def _times_metric_fonts() -> list[str]:
    from matplotlib import font_manager, ft2font

    found = []
    for path in font_manager.findSystemFonts(fontext="ttf"):
        try:
            face = ft2font.FT2Font(path)
        except (OSError, RuntimeError):
            continue
        family = face.family_name in ("Liberation Serif", "Times New Roman", "Tinos")
        if family and face.style_name == "Regular":
            found.append(path)
    return found


def test_advance_widths_are_those_of_the_font():
    """The writer's advance widths against Times New Roman or a font metric-compatible
    with it (Liberation Serif, Tinos), wherever one is installed."""
    from matplotlib import ft2font

    paths = _times_metric_fonts()
    if not paths:
        pytest.skip("no Times New Roman, Liberation Serif or Tinos installed")
    sample = "0123456789.,()%–− χ²ηαω ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz“”"
    for path in paths:
        face = ft2font.FT2Font(path)
        for char in sample:
            glyph = face.load_char(ord(char), flags=ft2font.LoadFlags.NO_SCALE)
            em = glyph.horiAdvance / face.units_per_EM
            assert text_width(char, 72) == pytest.approx(em, abs=1e-9), (path, char)


# --- what LibreOffice makes of it --------------------------------------------------------


def test_libreoffice_sets_no_number_over_two_lines(written, tmp_path):
    """The report and the mentee analysis converted to PDF by LibreOffice: every number
    in their tables (χ² values, df, p values, percentages) comes out whole in the text."""
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if soffice is None or pdftotext is None:
        pytest.skip("needs LibreOffice (soffice) and poppler-utils (pdftotext)")
    sources = [_document(written, "report"), _document(written, "analyze-mentees")]
    # A profile of its own, so that a LibreOffice already running does not take the job.
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for source in sources:
        pdf = tmp_path / f"{source.stem}.pdf"
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        printed = text.split()
        numbers = [
            token
            for table, _ in _tables_with_room(_body(source))
            for cell in table.iter(f"{W}tc")
            for token in _cell_text(cell)[0].split()
            if NUMBER.match(token)
        ]
        assert len(numbers) > 50
        broken = sorted({n for n in numbers if printed.count(n) < numbers.count(n)})
        assert broken == [], f"{source.name}: numbers broken over lines: {broken[:10]}"


def test_a_tall_figure_is_narrowed_to_fit_its_page_with_caption_and_note():
    from cipp.render.docx import FIGURE_MAX_IN, FIGURE_TEXT_IN, _picture_width

    def png(width: int, height: int) -> bytes:
        return (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
            + width.to_bytes(4, "big")
            + height.to_bytes(4, "big")
        )

    assert _picture_width(png(2000, 1500), landscape=False) == FIGURE_MAX_IN
    # 9 inches between the margins of a portrait page, 6.5 on a landscape one.
    assert _picture_width(png(1000, 4000), landscape=False) == pytest.approx(
        (9 - FIGURE_TEXT_IN) / 4
    )
    assert _picture_width(png(1000, 1000), landscape=True) == pytest.approx(6.5 - FIGURE_TEXT_IN)
