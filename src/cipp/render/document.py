"""The one document model every command builds and every format writes.

A command (analyze, batch, qual agreement, qual themes, report) builds its
:class:`Document` once, from its result records: sections of blocks (paragraphs, bullet
lists, tables, summary cards, figures), the record the JSON contract is made from, and the
tidy rows of its CSV. One writer per format (cipp.render.formats lists them) lays any
document out; a writer computes nothing and decides only how things look.

A document has three views. BRIEF is a reader's digest: the terminal, Markdown and
spreadsheets print the tables straight through (a spreadsheet adds every figure). PRINT
(Word) and PAGE (HTML) are long-form reports with an executive summary; a web page also
has a section per CIPP component, which on paper would repeat the tables. A section
says which views show it: ALL, FULL (both reports), or any tuple of views.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from cipp.model.paired import Comparison
from cipp.model.results import Results

#: The views of a document, and the sets of views a section can be shown in.
BRIEF, PRINT, PAGE = "brief", "print", "page"
FULL = (PRINT, PAGE)
ALL = (BRIEF, PRINT, PAGE)

#: Semantic styles of table cells and paragraphs; each writer maps them to its own look.
#: KEY marks a paragraph that sums up what came before (bold in a terminal).
RISE, FALL, STRONG, KEY, WARNING = "rise", "fall", "strong", "key", "warning"

#: What kind of number a cell holds, for writers that keep numbers as numbers (Excel):
#: a count, a percentage, a p value (APA style), any other decimal, a value bounded by 1
#: printed without its leading zero (Cramér's V), and a change printed with its sign.
COUNT, PERCENT, P_VALUE, DECIMAL, UNIT = "count", "percent", "p", "decimal", "unit"
SIGNED = "signed"


@dataclass(frozen=True)
class Number:
    """One number a table cell shows, unrounded, with how it is shown.

    ``kind``: COUNT, PERCENT, P_VALUE, DECIMAL, UNIT or SIGNED; ``decimals``: the digits the text
    shows (p values: as APA style decides); ``head``: its own column's heading where a
    cell shows more than one number ("n" and "%" of "8 (4.4)"); ``suffix``: a mark
    printed after it ("*" of a significant p, ▲ of a driving cell). ``value`` None: no
    number (the cell's text says why).
    """

    value: float | None
    kind: str = DECIMAL
    decimals: int = 0
    head: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Table:
    """A captioned table of text cells. A row with a single cell is a section heading.

    ``styles``: per row, a style per cell ("" or one of RISE, FALL, STRONG), or an empty
    tuple for a row without styles. ``hidden_in_terminal``: columns too wide for a
    terminal (the APA lines), shown in documents. ``first_min``: the narrowest the first
    column may get in a terminal. ``align_numbers``: right-align number columns where
    the format can (Markdown). ``sheet``: the spreadsheet's name for it, when it is not
    derived from ``key``; ``sheet_first`` puts it before the others in a workbook.
    ``values``: optional, per row and cell, the numbers the cell's text shows (an empty
    tuple where it shows none, or for a row without values), so that a spreadsheet can
    hold them as numbers; the text stays what every other format prints.
    """

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    key: str = ""
    hidden_in_terminal: tuple[str, ...] = ()
    styles: tuple[tuple[str, ...], ...] = ()
    first_min: int = 16
    align_numbers: bool = True
    sheet: str = ""
    sheet_first: bool = False
    values: tuple[tuple[tuple[Number, ...], ...], ...] = ()

    def without(self, names: tuple[str, ...]) -> Table:
        """The table without the named columns (section rows are kept)."""
        keep = [j for j, head in enumerate(self.header) if head not in names]
        rows = tuple(row if len(row) == 1 else tuple(row[j] for j in keep) for row in self.rows)
        styles = tuple(
            style if len(style) <= 1 else tuple(style[j] for j in keep) for style in self.styles
        )
        values = tuple(
            cells if len(cells) <= 1 else tuple(cells[j] for j in keep if j < len(cells))
            for cells in self.values
        )
        return replace(
            self,
            header=tuple(self.header[j] for j in keep),
            rows=rows,
            styles=styles,
            hidden_in_terminal=(),
            values=values,
        )

    def style_of(self, row: int, column: int) -> str:
        if row < len(self.styles) and column < len(self.styles[row]):
            return self.styles[row][column]
        return ""

    def numbers_of(self, row: int, column: int) -> tuple[Number, ...]:
        """The numbers cell (row, column) shows; empty when it has none recorded."""
        if row < len(self.values) and column < len(self.values[row]):
            return self.values[row][column]
        return ()


#: The name the table builders have always used.
TextTable = Table


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``style``: "" (plain), STRONG, KEY or WARNING."""

    text: str
    style: str = ""


@dataclass(frozen=True)
class Source:
    """Where the data came from: the file, its sheet and the respondents."""

    file: str
    sheet: str | None
    n: int

    @property
    def where(self) -> str:
        return f"{self.file}{f' (sheet {self.sheet})' if self.sheet else ''}"


@dataclass(frozen=True)
class Bullets:
    """A bullet list; ``title`` is printed on the line above it; ``loose`` lists have a
    blank line between items (Markdown)."""

    items: tuple[str, ...]
    title: str = ""
    style: str = ""
    loose: bool = False


@dataclass(frozen=True)
class Card:
    """One headline block of an executive summary (a CIPP component)."""

    id: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """An executive summary: cards, then what the tests found overall."""

    cards: tuple[Card, ...]
    overall: tuple[str, ...]
    lead: str = ""


@dataclass(frozen=True)
class Figures:
    """The figures of one analysis or comparison (drawn by the writer that shows them)."""

    results: Results | Comparison


Block = Paragraph | Bullets | Table | Summary | Figures


@dataclass(frozen=True)
class Section:
    """A headed part of a document; ``heading`` None for an unheaded run of blocks."""

    heading: str | None
    blocks: tuple[Block, ...]
    id: str = ""
    level: int = 1
    show: tuple[str, ...] = ALL


@dataclass(frozen=True)
class Records:
    """The tidy rows of a document's CSV (None where a number does not exist)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Document:
    """What one command produced, ready for any format.

    ``title``: the document's title (None: the first section heading stands for it);
    ``banner``: a shorter title line for the terminal; ``source``: the file analysed;
    ``data``: the record whose JSON (cipp.render.json.to_dict) is the document's JSON;
    ``records``: its CSV rows; ``names``: real names that must not appear in any output
    (checked when written).
    """

    title: str | None
    sections: tuple[Section, ...]
    data: Any = None
    records: Records | None = None
    source: Source | None = None
    banner: str | None = None
    names: Any = None
    meta: tuple[str, ...] = field(default=())

    def shown(self, view: str) -> Iterator[Section]:
        """The sections a view (BRIEF, PRINT or PAGE) shows, in order."""
        return (s for s in self.sections if view in s.show)

    def tables(self, view: str = BRIEF) -> list[Table]:
        return [b for s in self.shown(view) for b in s.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figures]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figures)]

    def texts(self) -> Iterator[str]:
        """Every text the document holds (for checking that no real name survives)."""
        for text in (self.title, self.banner, *self.meta):
            if text:
                yield text
        for section in self.sections:
            if section.heading:
                yield section.heading
            for block in section.blocks:
                yield from _texts(block)


def _texts(block: Block) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield block.text
    elif isinstance(block, Bullets):
        yield from (block.title, *block.items)
    elif isinstance(block, Table):
        yield from (block.caption, *block.header, *block.notes)
        yield from (cell for row in block.rows for cell in row)
    elif isinstance(block, Summary):
        yield from (block.lead, *block.overall)
        yield from (text for card in block.cards for text in (card.title, *card.lines))
