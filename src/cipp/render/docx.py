"""Word report (python-docx): the paper's tables as real Word tables in APA 7 style, the
figures, and a short summary per CIPP component.

APA 7 tables (Publication Manual, 7.8-7.21): the number in bold ("Table 1") on its own
line above the table, the title in italic below it, horizontal rules only above and
below the column heads and under the last row, no vertical rules, and notes under the
table starting with an italic "Note." Figures follow the same pattern ("Figure 1", title
in italic, the image, then the note). Tables too wide for a portrait page get a
landscape section of their own. Nothing here computes a statistic: the cells are the
Tables every renderer shares.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cipp import __version__
from cipp.render.document import (
    PRINT,
    STRONG,
    Bullets,
    Document,
    Figures,
    Paragraph,
    Section,
    Summary,
    Table,
)
from cipp.render.safe import xml_safe

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table as WordTable
    from docx.table import _Cell

__all__ = ["build_document", "table_title", "write_docx"]

FONT = "Times New Roman"
BODY_PT = 12
TABLE_PT = 10
MARGIN_IN = 1.0
# Average width of a character of 10 pt Times New Roman, in inches, plus a cell's padding:
# enough to decide column widths and whether a table needs a landscape page.
CHAR_IN = 0.072
PAD_IN = 0.16
FIRST_MIN_IN = 1.6
FIRST_MAX_IN = 3.2

_TABLE_NUMBER = re.compile(r"^\s*Table\s+\d+\s*[.:]\s*")


def table_title(caption: str) -> str:
    """A Table caption without its "Table N." prefix (the document numbers tables)."""
    return _TABLE_NUMBER.sub("", caption, count=1)


# --- styles ------------------------------------------------------------------------------


def _set_font(
    style: Any, *, size: float, bold: bool | None = None, italic: bool | None = None
) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    # The template's headings name theme fonts, which win over an explicit font name.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), FONT)


def _setup_styles(document: DocumentObject) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    styles = document.styles
    _set_font(styles["Normal"], size=BODY_PT)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    # APA 7 headings: level 1 bold and centred, level 2 bold and flush left.
    for name, size, align in (
        ("Title", 14, WD_ALIGN_PARAGRAPH.CENTER),
        ("Heading 1", BODY_PT, WD_ALIGN_PARAGRAPH.CENTER),
        ("Heading 2", BODY_PT, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        style = styles[name]
        _set_font(style, size=size, bold=True, italic=False)
        style.paragraph_format.alignment = align
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)
    # The template's Title has a coloured bottom border; APA titles have none.
    title_ppr = styles["Title"].element.pPr
    if title_ppr is not None:
        for border in title_ppr.findall(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr"
        ):
            title_ppr.remove(border)
    _set_font(styles["List Bullet"], size=BODY_PT)


# --- page layout -------------------------------------------------------------------------


def _usable_width(document: DocumentObject) -> float:
    section = document.sections[-1]
    emu = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    return emu / 914400  # EMU per inch


def _set_orientation(document: DocumentObject, landscape: bool, *, new: bool) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Inches

    section = document.add_section(WD_SECTION.NEW_PAGE) if new else document.sections[-1]
    long_side, short_side = Inches(11), Inches(8.5)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = long_side if landscape else short_side
    section.page_height = short_side if landscape else long_side
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(MARGIN_IN))


def _column_widths(table: Table, usable: float) -> list[float] | None:
    """Column widths in inches that fit ``usable``, or None when the table cannot fit."""
    others = []
    for index, head in enumerate(table.header[1:], start=1):
        words = max((len(word) for word in head.split()), default=1)
        cells = max((len(row[index]) for row in table.rows if len(row) > index), default=1)
        others.append(max(words, cells) * CHAR_IN + PAD_IN)
    longest_first = max([len(table.header[0])] + [len(row[0]) for row in table.rows if row])
    natural_first = longest_first * CHAR_IN + PAD_IN
    wanted_first = min(max(natural_first, FIRST_MIN_IN), FIRST_MAX_IN)
    room = usable - sum(others)
    # A short first column (component names) may be narrower than the usual minimum.
    if room < min(natural_first, FIRST_MIN_IN):
        return None
    return [min(wanted_first, room), *others]


# --- tables ------------------------------------------------------------------------------

_RULE = {"val": "single", "sz": "6", "space": "0", "color": "000000"}


def _borders(cell: _Cell, *, top: bool = False, bottom: bool = False) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    borders = properties.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        properties.append(borders)
    for edge, wanted in (("top", top), ("bottom", bottom)):
        if not wanted:
            continue
        element = borders.find(qn(f"w:{edge}"))
        if element is None:
            element = OxmlElement(f"w:{edge}")
            borders.append(element)
        for key, value in _RULE.items():
            element.set(qn(f"w:{key}"), value)


def _row_flags(row: Any, *, header: bool) -> None:
    """Keep a row on one page; repeat the header row on every page a table spans."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _cell_text(cell: _Cell, text: str, *, align: Any, italic: bool = False) -> None:
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(1)
    paragraph.paragraph_format.space_after = Pt(1)
    run = paragraph.add_run(text)
    run.font.size = Pt(TABLE_PT)
    run.italic = italic


def _keep_with_next(paragraph: Any) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _caption(document: DocumentObject, label: str, title: str) -> None:
    """APA caption: the bold label on one line, the italic title on the next."""
    from docx.shared import Pt

    number = document.add_paragraph()
    number.add_run(label).bold = True
    number.paragraph_format.space_before = Pt(12)
    number.paragraph_format.space_after = Pt(0)
    _keep_with_next(number)
    heading = document.add_paragraph()
    heading.add_run(title).italic = True
    heading.paragraph_format.space_after = Pt(6)
    _keep_with_next(heading)


def _note(document: DocumentObject, notes: Sequence[str]) -> None:
    from docx.shared import Pt

    if not notes:
        return
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(4)
    note = paragraph.add_run("Note.")
    note.italic = True
    note.font.size = Pt(TABLE_PT)
    rest = paragraph.add_run(" " + " ".join(notes))
    rest.font.size = Pt(TABLE_PT)


def add_table(document: DocumentObject, table: Table, number: int) -> WordTable:
    """Append one Table as an APA table (caption, rules, notes) and return it."""
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    _caption(document, f"Table {number}", table_title(table.caption))
    width = len(table.header)
    widths = _column_widths(table, _usable_width(document))
    if widths is None:
        # Too wide even for landscape: share the width out in proportion.
        wanted = _column_widths(table, 100.0) or [1.0] * width
        scale = _usable_width(document) / sum(wanted)
        widths = [w * scale for w in wanted]
    word_table = document.add_table(rows=1 + len(table.rows), cols=width)
    word_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    word_table.autofit = False
    for index, column_width in enumerate(widths):
        word_table.columns[index].width = Inches(column_width)
        for cell in word_table.columns[index].cells:
            cell.width = Inches(column_width)

    header_row = word_table.rows[0]
    _row_flags(header_row, header=True)
    for index, (cell, head) in enumerate(zip(header_row.cells, table.header, strict=True)):
        align = WD_ALIGN_PARAGRAPH.LEFT if index == 0 else WD_ALIGN_PARAGRAPH.CENTER
        _cell_text(cell, head, align=align)
        # One-line heads sit on the rule under them, beside two-line ones (APA).
        cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM
        _borders(cell, top=True, bottom=True)
    for row_index, row in enumerate(table.rows, start=1):
        word_row = word_table.rows[row_index]
        _row_flags(word_row, header=False)
        cells = word_row.cells
        if len(row) == 1:
            merged = cells[0].merge(cells[-1]) if width > 1 else cells[0]
            _cell_text(merged, row[0], align=WD_ALIGN_PARAGRAPH.LEFT, italic=True)
            continue
        for index, text in enumerate(row[:width]):
            align = WD_ALIGN_PARAGRAPH.LEFT if index == 0 else WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cells[index], text, align=align)
    for cell in word_table.rows[-1].cells:
        _borders(cell, bottom=True)
        if table.notes:
            # The note never starts a page on its own: the last row goes with it.
            for paragraph in cell.paragraphs:
                _keep_with_next(paragraph)
    _note(document, table.notes)
    return word_table


def _add_tables(
    document: DocumentObject,
    tables: Sequence[Table],
    first_number: int,
    heading: str | None = None,
    level: int = 1,
) -> int:
    """Add a level-1 heading and tables numbered from ``first_number``; return the next.

    A table too wide for a portrait page goes on landscape pages, shared with the wide
    tables that follow it; the document returns to portrait afterwards. The heading goes
    after any switch to landscape, so that it never stays behind alone on a page.
    """
    number = first_number
    landscape = False
    for table in tables:
        wide = _column_widths(table, 8.5 - 2 * MARGIN_IN) is None
        if wide != landscape:
            _set_orientation(document, wide, new=True)
            landscape = wide
        if heading is not None:
            document.add_heading(heading, level=level)
            heading = None
        add_table(document, table, number)
        number += 1
    if landscape:
        _set_orientation(document, False, new=True)
    return number


# --- the document ------------------------------------------------------------------------


def _meta(document: DocumentObject, source: Document) -> None:
    if source.source is None:
        return
    where = source.source
    meta = " ".join(source.meta)
    document.add_paragraph(
        f"Source: {where.where}. n = {where.n} respondents. "
        f"{meta + ' ' if meta else ''}Produced by cipp {__version__}."
    )


def _summary(document: DocumentObject, summary: Summary) -> None:
    for card in summary.cards:
        document.add_heading(card.title, level=2)
        for line in card.lines:
            document.add_paragraph(line, style="List Bullet")
    heading = document.add_paragraph()
    heading.add_run("Tests of association").bold = True
    for sentence in summary.overall:
        document.add_paragraph(sentence, style="List Bullet")


def _bullets(document: DocumentObject, block: Bullets) -> None:
    if block.title:
        document.add_paragraph().add_run(block.title).bold = True
    for item in block.items:
        document.add_paragraph(item, style="List Bullet")


def _figures(document: DocumentObject, block: Figures, first_number: int) -> int:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    from cipp.render.figures import figure_images

    number = first_number
    for image in figure_images(block.results, "png", title=False):
        _caption(document, f"Figure {number}", image.caption)
        document.add_picture(io.BytesIO(image.data), width=Inches(6.5))
        picture = document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _keep_with_next(picture)
        _note(document, [image.note])
        number += 1
    return number


def _section(document: DocumentObject, section: Section, numbers: list[int]) -> None:
    """Add one section; ``numbers`` holds the next table's and the next figure's number."""
    heading = section.heading
    blocks = list(section.blocks)
    while blocks:
        block = blocks.pop(0)
        if isinstance(block, Table):
            # A run of tables shares landscape pages; the heading goes with the first.
            run = [block]
            while blocks and isinstance(following := blocks[0], Table):
                run.append(following)
                blocks.pop(0)
            numbers[0] = _add_tables(
                document, run, numbers[0], heading=heading, level=section.level
            )
            heading = None
            continue
        if heading is not None:
            document.add_heading(heading, level=section.level)
            heading = None
        if isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            paragraph.add_run(block.text).bold = block.style == STRONG
        elif isinstance(block, Bullets):
            _bullets(document, block)
        elif isinstance(block, Summary):
            _summary(document, block)
        else:
            numbers[1] = _figures(document, block, numbers[1])
    if heading is not None:
        document.add_heading(heading, level=section.level)


def build_document(source: Document) -> DocumentObject:
    """The Word document of a document's full view."""
    from docx import Document as new_document

    document = new_document()
    _setup_styles(document)
    _set_orientation(document, False, new=False)
    sections = list(source.shown(PRINT))
    title = source.title or next((s.heading for s in sections if s.heading), "cipp")
    document.core_properties.title = title
    document.core_properties.author = "cipp"
    document.core_properties.comments = f"Produced by cipp {__version__}"
    document.add_paragraph(title, style="Title")
    _meta(document, source)
    numbers = [1, 1]
    for section in sections:
        _section(document, section, numbers)
    return document


def write_docx(source: Document, width: int = 0) -> bytes:
    """The document's full view as Word (.docx) bytes: APA tables, figures, summaries."""
    from cipp.render.stable import stable_zip

    buffer = io.BytesIO()
    build_document(xml_safe(source)).save(buffer)
    return stable_zip(buffer.getvalue())
