"""Word report (python-docx): the paper's tables as real Word tables in APA 7 style, the
figures, and a short summary per CIPP component.

APA 7 tables (Publication Manual, 7.8-7.21): the number in bold ("Table 1") on its own
line above the table, the title in italic below it, horizontal rules only above and
below the column heads and under the last row, no vertical rules, and notes under the
table starting with an italic "Note." Figures follow the same pattern ("Figure 1", title
in italic, the image, then the note). Nothing here computes a statistic: the cells are
the Tables every renderer shares.

Column widths come from the cells, measured with the advance widths of Times New Roman:
no column is narrower than its widest word or number, so Word and LibreOffice never break
a number ("10.56") or a head ("adj.") inside; short cells stay on one line and columns of
running text (items, themes, quotes) share what is left and wrap at spaces.
:func:`plan_table` says how a table goes on the page: portrait when it fits, else on
landscape pages, else with its APA-line column moved into the note, else in a smaller
type. A part of the document (a top-level section with its subsections) that holds a
table too wide for a portrait page is set on landscape pages throughout, so pages turn
only where a part starts. Heads repeat on every page a table spans, its caption stays
with it, and a table that fits on one page with its caption and note is kept whole.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
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
from cipp.render.numbers import count
from cipp.render.safe import xml_safe

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table as WordTable
    from docx.table import _Cell

__all__ = [
    "CELL_MARGIN_IN",
    "TableLayout",
    "build_document",
    "plan_table",
    "table_title",
    "text_width",
    "usable_width",
    "write_docx",
]

FONT = "Times New Roman"
BODY_PT = 12
TABLE_PT = 10
#: The smaller sizes a table too wide for a landscape page is set in, largest first.
SMALLER_PT = (9.0, 8.0)
MARGIN_IN = 1.0
PAGE_LONG_IN, PAGE_SHORT_IN = 11.0, 8.5
#: A cell's left and right margins (w:tblCellMar), and room for rounding to twips.
CELL_MARGIN_IN = 0.06
SLACK_IN = 0.02
PAD_IN = 2 * CELL_MARGIN_IN + SLACK_IN
#: A column whose widest cell is wider than this on one line is running text: it wraps.
TEXT_IN = 1.6
#: The narrowest a column of running text reads well at, when the page has room for it.
TEXT_MIN_IN = 1.5
#: Last resort only: the narrowest a text column gets, its words broken (never numbers).
TEXT_FLOOR_IN = 0.45
#: Height of a single-spaced line of Times New Roman, as a multiple of its size (ascent
#: plus descent is 1.107 em), and a cell's space above and below its text; used to
#: estimate heights (which rows may stay whole, which tables fit on a page).
LINE_HEIGHT = 1.15
ROW_SPACE_PT = 2.0

_TABLE_NUMBER = re.compile(r"^\s*Table\s+\d+\s*[.:]\s*")
_DIGIT = re.compile(r"\d")


# --- measuring text ----------------------------------------------------------------------

#: Advance widths of Times New Roman in 1/2048 em: three hex digits a character, from the
#: code point keying each run ("000": no glyph). Read with matplotlib's ft2font from
#: Liberation Serif 2, which is metric-compatible with Times New Roman (each glyph has the
#: same advance); tests/render/test_docx_layout.py checks them against the font file where
#: one is installed. Kept here rather than read at run time so that a document is laid out
#: the same, byte for byte, on every machine.
_ADVANCES: dict[int, str] = {
    0x0020: (
        "2002aa3444004006aa6391712aa2aa4004832002aa200239400400400400400400400400400400239239"
        "48348348338d75e5c75565565c74e34735c75c72aa31d5c74e371d5c75c74735c75564734e35c75c778d"
        "5c75c74e32aa2392aa3c14002aa38d40038d40038d2aa4004002392394002396394004004004002aa31d"
        "2394004005c740040038d3d719a3d7454"
    ),
    0x00A0: (
        "2002aa40040040040019a4002aa6142354004832aa6144003334642662662aa49c3a02aa2aa26627b400"
        "60060060038d5c75c75c75c75c75c771d5564e34e34e34e32aa2aa2aa2aa5c75c75c75c75c75c75c7483"
        "5c75c75c75c75c75c747340038d38d38d38d38d38d55638d38d38d38d38d239239239239400400400400"
        "400400400464400400400400400400400400"
    ),
    0x0391: (
        "5c75564a05254e34e35c75c72aa5c75cd71d5c75255c75c74730004a84e35c75d95c75e75f22aa5c7431"
        "35c42f2273f64314123893c535c35042f3d52274083e144a39e39140040a3fe32b4503373f649e38d502"
        "544"
    ),
    0x2010: (
        "2aa00040040080080023f4002aa2aa2aa2aa38d38d38d38d4004002cd000000000800000000000000000"
        "00000000019a8000001c03553550000000000002aa2aa"
    ),
    0x2070: ("0000000000002ca2ca2ca2ca2ca2ca"),
    0x2190: ("800400800400"),
    0x2212: ("483"),
    0x2260: ("464483800000464464"),
}
_UNITS_PER_EM = 2048
#: Characters outside those runs: as wide as a capital (a Word fallback font may be used).
_UNKNOWN_EM = 0.8


@lru_cache(maxsize=4096)
def _advance(char: str) -> float:
    """The advance width of one character, in em."""
    code = ord(char)
    for start, run in _ADVANCES.items():
        index = code - start
        if 0 <= index < len(run) // 3:
            units = int(run[3 * index : 3 * index + 3], 16)
            if units:
                return units / _UNITS_PER_EM
            break
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return _UNKNOWN_EM


def text_width(text: str, size: float = TABLE_PT) -> float:
    """The width in inches of ``text`` on one line, set in Times New Roman at ``size`` pt."""
    return sum(_advance(char) for char in text) * size / 72


def _line_count(text: str, width: float, size: float) -> int:
    """How many lines ``text`` takes in a cell ``width`` inches wide (wrapping at spaces)."""
    room = width - PAD_IN
    space = text_width(" ", size)
    lines = 0
    for paragraph in text.splitlines() or [""]:
        lines += 1
        used = 0.0
        for word in paragraph.split():
            word_in = text_width(word, size)
            if used and used + space + word_in > room:
                lines += 1
                used = 0.0
            elif used:
                used += space
            # A word wider than the cell is broken over as many lines as it needs.
            extra = int(word_in // room) if room > 0 and word_in > room else 0
            lines += extra
            used += word_in - extra * room
    return lines


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


# --- table layout ------------------------------------------------------------------------


@dataclass(frozen=True)
class TableLayout:
    """How one table goes on the page.

    ``table``: the table as set (its APA-line columns may have moved into the note);
    ``widths``: the column widths in inches; ``landscape``: on a landscape page;
    ``size``: its type size in points; ``text``: which columns hold running text (set
    flush left; the others are centred, as APA sets numbers).
    """

    table: Table
    widths: tuple[float, ...]
    landscape: bool
    size: float
    text: tuple[bool, ...] = ()


@dataclass(frozen=True)
class _Column:
    """What a column needs, in inches with the cell's margins: ``least``, its widest word
    or number (a narrower column would break it); ``natural``, its widest cell on one line;
    ``numbers``, its widest token with a digit in it."""

    least: float
    natural: float
    numbers: float

    @property
    def text(self) -> bool:
        return self.natural > TEXT_IN

    @property
    def comfortable(self) -> float:
        if not self.text:
            return self.natural
        return max(self.least, TEXT_MIN_IN)


def usable_width(landscape: bool) -> float:
    """The width between the margins of a portrait or landscape US Letter page, inches."""
    return (PAGE_LONG_IN if landscape else PAGE_SHORT_IN) - 2 * MARGIN_IN


def _usable_height(landscape: bool) -> float:
    return (PAGE_SHORT_IN if landscape else PAGE_LONG_IN) - 2 * MARGIN_IN


def _body_cells(table: Table, column: int) -> list[str]:
    # A row of one cell is a section heading spanning the table: it has no column.
    return [row[column] for row in table.rows if len(row) > max(1, column)]


def _measure(table: Table, size: float) -> list[_Column]:
    columns = []
    for index, head in enumerate(table.header):
        cells = _body_cells(table, index)
        tokens = [token for text in (head, *cells) for token in text.split()]
        least = max((text_width(token, size) for token in tokens), default=0.0)
        numbers = max(
            (text_width(token, size) for token in tokens if _DIGIT.search(token)), default=0.0
        )
        lines = [line for cell in cells for line in cell.splitlines()]
        natural = max((text_width(line, size) for line in lines), default=0.0)
        columns.append(
            _Column(least=least + PAD_IN, natural=max(least, natural) + PAD_IN, numbers=numbers)
        )
    return columns


def _floors(columns: Sequence[_Column], relax: int) -> list[float]:
    """The narrowest each column may be: 0, short cells on one line and text columns at a
    comfortable width; 1, short cells may wrap at their spaces; 2, text columns too; 3
    (last resort), text columns may break their words, but never a number."""
    if relax == 0:
        return [column.comfortable for column in columns]
    if relax == 1:
        return [column.comfortable if column.text else column.least for column in columns]
    if relax == 2:
        return [column.least for column in columns]
    return [
        max(column.numbers + PAD_IN, TEXT_FLOOR_IN) if column.text else column.least
        for column in columns
    ]


def _fit(columns: Sequence[_Column], usable: float, floors: Sequence[float]) -> list[float] | None:
    """Widths from ``floors`` up that fit ``usable``, or None when the floors do not fit.

    What room is left goes first to short cells (so that they stay on one line), then to
    text columns up to a comfortable width, then up to their longest cell, each time in
    proportion to what a column still wants; a table that needs less stays narrower.
    """
    if sum(floors) > usable:
        return None
    widths = list(floors)
    stages = (
        [column.least if column.text else column.natural for column in columns],
        [column.comfortable for column in columns],
        [column.natural for column in columns],
    )
    for targets in stages:
        wants = [max(0.0, target - width) for target, width in zip(targets, widths, strict=True)]
        wanted = sum(wants)
        if wanted <= 0:
            continue
        share = min(1.0, (usable - sum(widths)) / wanted)
        widths = [width + want * share for width, want in zip(widths, wants, strict=True)]
        if share < 1.0:
            break
    return widths


def _apa_in_note(table: Table, columns: tuple[str, ...]) -> Table:
    """The table without its APA-line columns, each column's lines added to its note as
    one sentence, row by row ("APA by row: <first cell> — <line>; ...")."""
    notes = []
    for name in columns:
        index = table.header.index(name)
        lines = [
            f"{row[0].rstrip('.')} — {row[index].rstrip('.')}"
            for row in table.rows
            if len(row) > index and row[index].strip()
        ]
        if lines:
            notes.append(f"{name} by row: {'; '.join(lines)}.")
    shaped = table.without(columns)
    return replace(shaped, notes=(*shaped.notes, *notes))


def _layout(
    table: Table, columns: Sequence[_Column], widths: Sequence[float], landscape: bool, size: float
) -> TableLayout:
    text = tuple(column.text for column in columns)
    return TableLayout(table, tuple(widths), landscape, size, text)


def plan_table(table: Table, *, landscape: bool = False) -> TableLayout:
    """How ``table`` goes on a page, trying in turn until it fits between the margins:

    portrait, short cells on one line and text columns at a comfortable width; the same on
    a landscape page; landscape with the APA-line columns (``hidden_in_terminal``) in the
    note; then, landscape at 10, 9 and 8 pt, short cells wrapping at their spaces and at
    last text columns as narrow as their widest word. Only when even that is too wide do
    text columns break their words. No column is ever narrower than its widest number.
    ``landscape``: the page is landscape already (the table may use all of its width).
    """
    shapes = [(True, table)] if landscape else [(False, table), (True, table)]
    moved = tuple(name for name in table.hidden_in_terminal if name in table.header)
    if moved and len(moved) < len(table.header):
        shapes.append((True, _apa_in_note(table, moved)))
    for landscape, shaped in shapes:
        columns = _measure(shaped, TABLE_PT)
        widths = _fit(columns, usable_width(landscape), _floors(columns, 0))
        if widths is not None:
            return _layout(shaped, columns, widths, landscape, TABLE_PT)
    shaped = shapes[-1][1]
    usable = usable_width(True)
    for size in (TABLE_PT, *SMALLER_PT):
        columns = _measure(shaped, size)
        for relax in (1, 2, 3) if size == SMALLER_PT[-1] else (1, 2):
            widths = _fit(columns, usable, _floors(columns, relax))
            if widths is not None:
                return _layout(shaped, columns, widths, True, size)
    # Wider than the page even so (its numbers alone): let the page cut it rather than a
    # number.
    return _layout(shaped, columns, _floors(columns, 3), True, SMALLER_PT[-1])


def _row_heights(layout: TableLayout) -> list[float]:
    """Estimated height in inches of the head row and of each row."""
    size, widths = layout.size, layout.widths
    line = size * LINE_HEIGHT / 72
    space = ROW_SPACE_PT / 72
    heights = []
    for row in (layout.table.header, *layout.table.rows):
        if len(row) == 1 and len(widths) > 1:
            lines = _line_count(row[0], sum(widths), size)
        else:
            lines = max(
                (_line_count(text, width, size) for text, width in zip(row, widths, strict=False)),
                default=1,
            )
        heights.append(lines * line + space)
    return heights


# --- page layout -------------------------------------------------------------------------


def _set_orientation(document: DocumentObject, landscape: bool, *, new: bool) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Inches

    section = document.add_section(WD_SECTION.NEW_PAGE) if new else document.sections[-1]
    long_side, short_side = Inches(PAGE_LONG_IN), Inches(PAGE_SHORT_IN)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = long_side if landscape else short_side
    section.page_height = short_side if landscape else long_side
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(MARGIN_IN))


# --- tables ------------------------------------------------------------------------------

_RULE = {"val": "single", "sz": "6", "space": "0", "color": "000000"}
_AFTER_BORDERS = ("shd", "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")


def _borders(cell: _Cell, *, top: bool = False, bottom: bool = False) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    borders = properties.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        # The schema's order: tcBorders goes before shading, margins and alignment (a
        # cell's vertical alignment may be set already); Word may refuse it elsewhere.
        later = [properties.find(qn(f"w:{name}")) for name in _AFTER_BORDERS]
        following = next((element for element in later if element is not None), None)
        if following is None:
            properties.append(borders)
        else:
            following.addprevious(borders)
    for edge, wanted in (("top", top), ("bottom", bottom)):
        if not wanted:
            continue
        element = borders.find(qn(f"w:{edge}"))
        if element is None:
            element = OxmlElement(f"w:{edge}")
            borders.append(element)
        for key, value in _RULE.items():
            element.set(qn(f"w:{key}"), value)


def _twips(inches: float) -> int:
    # Rounded down, so that columns measured to fit still fit.
    return int(inches * 1440)


def _table_geometry(word_table: WordTable, widths: Sequence[float]) -> None:
    """Fixed layout with the widths in the grid (w:gridCol), in every cell (w:tcW) and in
    the table (w:tblW): Word keeps a fixed table's widths only when all three agree, and
    LibreOffice reads the same. The cell margins are the ones the widths were measured
    with."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Twips

    word_table.autofit = False
    twips = [_twips(width) for width in widths]
    for index, width in enumerate(twips):
        word_table.columns[index].width = Twips(width)
    for row in word_table.rows:
        for cell, width in zip(row.cells, twips, strict=True):
            cell.width = Twips(width)
    properties = word_table._tbl.tblPr
    table_width = properties.find(qn("w:tblW"))
    if table_width is None:
        table_width = OxmlElement("w:tblW")
        properties.append(table_width)
    table_width.set(qn("w:w"), str(sum(twips)))
    table_width.set(qn("w:type"), "dxa")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(_twips(CELL_MARGIN_IN)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    # The schema orders tblCellMar after tblLayout and before tblLook.
    look = properties.find(qn("w:tblLook"))
    if look is None:
        properties.append(margins)
    else:
        look.addprevious(margins)


def _row_flags(row: Any, *, header: bool, whole: bool, keep: bool) -> None:
    """``whole``: the row never breaks across pages (rows taller than half a page may, or
    they would leave pages half empty). ``header``: it repeats on every page the table
    spans. ``keep``: it stays on the page of the row after it."""
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    if whole:
        properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))
    if keep:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                _keep_with_next(paragraph)


def _cell_text(cell: _Cell, text: str, *, align: Any, size: float, italic: bool = False) -> None:
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(ROW_SPACE_PT / 2)
    paragraph.paragraph_format.space_after = Pt(ROW_SPACE_PT / 2)
    # Single-spaced, as the heights are estimated (the template's default is 1.15 lines).
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.italic = italic


def _keep_with_next(paragraph: Any) -> None:
    paragraph.paragraph_format.keep_with_next = True


#: A relation between a statistic and its value: "p = .75", "N = 182", "p < .001".
_RELATION = re.compile(r"(?<=[\w²)]) ([=<>≤≥]) (?=[\w.\-−–])")


def glued(text: str) -> str:
    """``text`` with no line break inside "p = .75" or "N = 182" (no-break spaces around
    the sign): in running text a line must not end on "p" and start on "= .75"."""
    return _RELATION.sub("\u00a0\\1\u00a0", text)


def _caption(document: DocumentObject, label: str, title: str) -> None:
    """APA caption: the bold label on one line, the italic title on the next; both stay
    with what follows, so that a caption never ends a page."""
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
    rest = paragraph.add_run(" " + glued(" ".join(notes)))
    rest.font.size = Pt(TABLE_PT)


def _kept_rows(layout: TableLayout, heights: Sequence[float]) -> list[bool]:
    """Which rows stay on the page of the next one. A table that fits on one page with its
    caption and note is kept whole (Word and LibreOffice then move it to the next page
    rather than split it); a longer one keeps its head with the first two rows, each
    section heading with the row under it, and its last two rows with the note."""
    table = layout.table
    last = len(heights) - 1
    line = BODY_PT * LINE_HEIGHT / 72
    caption = 2 * line + 18 / 72  # two lines, 12 pt above and 6 pt below
    note = " ".join(("Note.", *table.notes)) if table.notes else ""
    note_height = _line_count(note, sum(layout.widths), TABLE_PT) * line if note else 0.0
    if caption + sum(heights) + note_height <= 0.95 * _usable_height(layout.landscape):
        return [index < last or bool(table.notes) for index in range(last + 1)]
    rows = (table.header, *table.rows)
    return [
        index < 2
        or index == last - 1
        or (index == last and bool(table.notes))
        or (len(rows[index]) == 1 and index < last)
        for index in range(last + 1)
    ]


def add_table(document: DocumentObject, layout: TableLayout, number: int) -> WordTable:
    """Append one laid-out table as an APA table (caption, rules, notes) and return it."""
    from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table, size = layout.table, layout.size
    _caption(document, f"Table {number}", table_title(table.caption))
    width = len(table.header)
    word_table = document.add_table(rows=1 + len(table.rows), cols=width)
    word_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Widths go in before cells are merged: a merged cell adds up the widths it spans.
    _table_geometry(word_table, layout.widths)
    heights = _row_heights(layout)
    kept = _kept_rows(layout, heights)
    whole = [height <= _usable_height(layout.landscape) / 2 for height in heights]
    left, centre = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER

    header_row = word_table.rows[0]
    for index, (cell, head) in enumerate(zip(header_row.cells, table.header, strict=True)):
        align = left if index == 0 or layout.text[index] else centre
        _cell_text(cell, head, align=align, size=size)
        # One-line heads sit on the rule under them, beside two-line ones (APA).
        cell.vertical_alignment = WD_ALIGN_VERTICAL.BOTTOM
        _borders(cell, top=True, bottom=True)
    _row_flags(header_row, header=True, whole=True, keep=kept[0])
    for row_index, row in enumerate(table.rows, start=1):
        word_row = word_table.rows[row_index]
        cells = word_row.cells
        if len(row) == 1:
            merged = cells[0].merge(cells[-1]) if width > 1 else cells[0]
            _cell_text(merged, row[0], align=WD_ALIGN_PARAGRAPH.LEFT, size=size, italic=True)
        else:
            for index, text in enumerate(row[:width]):
                align = left if index == 0 or layout.text[index] else centre
                _cell_text(cells[index], text, align=align, size=size)
        _row_flags(word_row, header=False, whole=whole[row_index], keep=kept[row_index])
    for cell in word_table.rows[-1].cells:
        _borders(cell, bottom=True)
    _note(document, table.notes)
    return word_table


def _orient(document: DocumentObject, landscape: bool) -> None:
    """Go on in the orientation asked for, on a new page only when it changes."""
    from docx.enum.section import WD_ORIENT

    if (document.sections[-1].orientation == WD_ORIENT.LANDSCAPE) != landscape:
        _set_orientation(document, landscape, new=True)


def _chapters(sections: Sequence[Section]) -> list[list[Section]]:
    """The sections grouped by top-level heading: each group shares one orientation, so
    that pages turn only where a new part starts, never between a table and its text."""
    chapters: list[list[Section]] = []
    for section in sections:
        if section.level <= 1 or not chapters:
            chapters.append([])
        chapters[-1].append(section)
    return chapters


def _needs_landscape(sections: Sequence[Section]) -> bool:
    return any(
        plan_table(block).landscape
        for section in sections
        for block in section.blocks
        if isinstance(block, Table)
    )


# --- the document ------------------------------------------------------------------------


def _meta(document: DocumentObject, source: Document) -> None:
    if source.source is None:
        return
    where = source.source
    meta = " ".join(source.meta)
    document.add_paragraph(
        f"Source: {where.where}. n = {count(where.n)} respondents. "
        f"{meta + ' ' if meta else ''}Produced by cipp {__version__}."
    )


def _summary(document: DocumentObject, summary: Summary) -> None:
    for card in summary.cards:
        document.add_heading(card.title, level=2)
        for line in card.lines:
            document.add_paragraph(glued(line), style="List Bullet")
    heading = document.add_paragraph()
    heading.add_run("Tests of association").bold = True
    for sentence in summary.overall:
        document.add_paragraph(glued(sentence), style="List Bullet")


def _bullets(document: DocumentObject, block: Bullets) -> None:
    if block.title:
        document.add_paragraph().add_run(block.title).bold = True
    for item in block.items:
        document.add_paragraph(glued(item), style="List Bullet")


#: The room a figure leaves on its page for its caption above and its note below, inches.
FIGURE_TEXT_IN = 1.4
FIGURE_MAX_IN = 6.5


def _picture_width(png: bytes, landscape: bool) -> float:
    """The widest a PNG may be set (at most 6.5 inches) with its caption and note still on
    the same page: a tall figure (many items) is narrowed to the page's height."""
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    room = _usable_height(landscape) - FIGURE_TEXT_IN
    by_height = room * width / height if width > 0 and height > 0 else FIGURE_MAX_IN
    return min(FIGURE_MAX_IN, usable_width(landscape), by_height)


def _figures(
    document: DocumentObject, block: Figures, first_number: int, *, landscape: bool
) -> int:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    from cipp.render.figures import figure_images

    number = first_number
    for image in figure_images(block.results, "png", title=False):
        _caption(document, f"Figure {number}", image.caption)
        width = _picture_width(image.data, landscape)
        document.add_picture(io.BytesIO(image.data), width=Inches(width))
        picture = document.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _keep_with_next(picture)
        _note(document, [image.note])
        number += 1
    return number


def _section(
    document: DocumentObject, section: Section, numbers: list[int], *, landscape: bool
) -> None:
    """Add one section; ``numbers`` holds the next table's and the next figure's number;
    ``landscape``: the section is on landscape pages."""
    heading = section.heading
    if heading is not None:
        document.add_heading(heading, level=section.level)
        _keep_with_next(document.paragraphs[-1])
    blocks = section.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            add_table(document, plan_table(block, landscape=landscape), numbers[0])
            numbers[0] += 1
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph()
            paragraph.add_run(glued(block.text)).bold = block.style == STRONG
            # A paragraph that leads into a table stays on its page (with the heading).
            if index + 1 < len(blocks) and isinstance(blocks[index + 1], Table):
                _keep_with_next(paragraph)
        elif isinstance(block, Bullets):
            _bullets(document, block)
        elif isinstance(block, Summary):
            _summary(document, block)
        else:
            numbers[1] = _figures(document, block, numbers[1], landscape=landscape)


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
    # A part with a table too wide for a portrait page is on landscape pages throughout.
    for chapter in _chapters(sections):
        landscape = _needs_landscape(chapter)
        _orient(document, landscape)
        for section in chapter:
            _section(document, section, numbers, landscape=landscape)
    return document


def write_docx(source: Document, width: int = 0) -> bytes:
    """The document's full view as Word (.docx) bytes: APA tables, figures, summaries."""
    from cipp.render.stable import stable_zip

    buffer = io.BytesIO()
    build_document(xml_safe(source)).save(buffer)
    return stable_zip(buffer.getvalue())
