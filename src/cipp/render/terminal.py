"""Rich tables for the terminal: any document's brief view.

Nothing is elided at any width: a table whose columns fit is a boxed table (number
columns as wide as their widest cell, the first column gets the rest); one that does
not is stacked, each row's first cell on a line of its own and its values below it as
``label value`` pairs in aligned slots, as many slots to a line as fit.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.table import Table as RichTable
from rich.text import Text

from cipp.render.document import (
    BRIEF,
    FALL,
    KEY,
    RISE,
    STRONG,
    WARNING,
    Block,
    Bullets,
    Document,
    Paragraph,
    Section,
    Table,
)

#: How the semantic styles look in a terminal.
STYLES = {RISE: "green", FALL: "red", STRONG: "bold", KEY: "bold", WARNING: "yellow"}


#: The width when neither a terminal nor $COLUMNS says (most terminals open 80 wide).
DEFAULT_WIDTH = 80
#: The first column of a boxed table gets at least this many characters (or its widest
#: cell, if narrower); a table that cannot give it that much is stacked.
FIRST_COLUMN = 20
#: The indent of a stacked row's values and the gap between their slots.
_INDENT, _GAP = 2, 3


def terminal_width(stream: TextIO | None = None) -> int:
    """The width to lay a document out in: the terminal's own when ``stream`` (stdout)
    is one, else $COLUMNS, else 80 (never under 20)."""
    stream = sys.stdout if stream is None else stream
    try:
        if stream.isatty():
            return max(20, os.get_terminal_size(stream.fileno()).columns)
    except (OSError, ValueError, AttributeError):
        pass  # not a real terminal (a test's buffer, a closed stream): go by $COLUMNS
    columns = os.environ.get("COLUMNS", "").strip()
    return max(20, int(columns)) if columns.isdigit() else DEFAULT_WIDTH


def _column_widths(table: Table) -> list[int]:
    """The width of each column but the first: its widest cell or header word."""
    widths = []
    for position, head in enumerate(table.header[1:], start=1):
        cells = [row[position] for row in table.rows if len(row) > position]
        words = head.split() or [""]
        widths.append(max([cell_len(w) for w in words] + [cell_len(c) for c in cells]))
    return widths


def _widest_first(table: Table) -> int:
    """The width of the first column's widest cell (its header included)."""
    return max([cell_len(table.header[0])] + [cell_len(r[0]) for r in table.rows if r])


def fits(table: Table, width: int) -> bool:
    """Whether the boxed table fits ``width`` with every number whole and the first
    column at least FIRST_COLUMN (or its widest cell) wide."""
    widest_first = _widest_first(table)
    room = width - sum(_column_widths(table)) - 3 * len(table.header) - 1
    return room >= min(widest_first, max(FIRST_COLUMN, table.first_min))


def _titled(table: Table, width: int, *, caption: bool) -> RichTable:
    """An empty rich Table with ``table``'s caption (unless ``caption`` is False) above
    and its notes below, no columns yet."""
    # Texts are plain (Text, not strings): rich would read "Question [Option]" as markup.
    title = table.caption if caption else ""
    return RichTable(
        title=Text(title) if title else None,
        title_justify="left",
        title_style="bold",
        caption=Text("\n".join(table.notes)) if table.notes else None,
        caption_justify="left",
        header_style="bold",
        # At least as wide as the caption, so a narrow table does not break its title.
        min_width=min(cell_len(title), width),
    )


def table_frame(table: Table, width: int = 120, *, caption: bool = True) -> RichTable:
    """An empty rich Table for ``table``: caption, notes and columns, no rows yet.

    Number columns are exactly as wide as their widest cell or word, and the item text
    gets the rest: rich's own column collapsing crops the right-most columns of a wide
    Likert table.
    """
    out = _titled(table, width, caption=caption)
    widths = _column_widths(table)
    widest_first = _widest_first(table)
    room = width - sum(widths) - 3 * len(table.header) - 1
    out.add_column(
        Text(table.header[0]),
        overflow="fold",
        # Its cells whole up to first_min, else what the number columns leave (fits()
        # checked that this is enough).
        width=max(
            min(widest_first, table.first_min),
            min(max(widest_first, table.first_min), room, 60),
        ),
    )
    for head, column_width in zip(table.header[1:], widths, strict=True):
        out.add_column(Text(head), justify="right", width=column_width)
    return out


def add_section_row(out: RichTable, label: str, width: int) -> None:
    """A component heading inside a table (a rule above it, except at the top)."""
    if out.row_count:
        out.add_section()
    out.add_row(Text(label, style="bold cyan"), *[""] * (width - 1))


def rich_table(table: Table, width: int = 120, *, caption: bool = True) -> RichTable:
    """The terminal view of a table (columns too wide for a terminal left out)."""
    table = table.without(table.hidden_in_terminal)
    return _filled(table_frame(table, width, caption=caption), table)


def _filled(out: RichTable, table: Table) -> RichTable:
    """``out`` with ``table``'s rows added (a one-cell row as a section heading)."""
    for index, row in enumerate(table.rows):
        if len(row) == 1:
            add_section_row(out, row[0], len(table.header))
            continue
        cells = [
            Text(cell, style=STYLES.get(table.style_of(index, column), ""))
            for column, cell in enumerate(row)
        ]
        out.add_row(*cells)
    return out


def table_view(table: Table, width: int = 120, *, caption: bool = True) -> RenderableType:
    """The table boxed when it fits ``width`` (:func:`fits`), a label and its text side by
    side for a two-column text table (:func:`key_value_table`), else stacked."""
    table = table.without(table.hidden_in_terminal)
    if fits(table, width):
        return rich_table(table, width, caption=caption)
    if len(table.header) == 2 and not table.align_numbers:
        return key_value_table(table, width, caption=caption)
    return stacked_table(table, width, caption=caption)


#: The widest the label column of a key/value table gets, as a share of the width.
KEY_SHARE = 0.3


def key_value_table(table: Table, width: int, *, caption: bool = True) -> RichTable:
    """A two-column text table (a label, then a finding or piece of evidence) boxed with
    its labels whole up to ``first_min`` (or KEY_SHARE of the width, if wider) and the
    texts wrapped in what is left: stacked, every row would repeat the column's name."""
    first = min(_widest_first(table), max(table.first_min, int(KEY_SHARE * width)))
    # Borders and padding take 7 characters; the text column gets the rest.
    second = max(10, width - first - 7)
    out = _titled(table, width, caption=caption)
    out.add_column(Text(table.header[0]), overflow="fold", width=first)
    out.add_column(Text(table.header[1]), overflow="fold", width=second)
    return _filled(out, table)


def stacked_table(table: Table, width: int, *, caption: bool = True) -> RenderableType:
    """The rows one after another: the first cell on its own line (bold), then the other
    columns as ``label value`` pairs; short pairs in aligned slots, as many to a line as
    ``width`` holds, a long text on lines of its own."""
    table = table.without(table.hidden_in_terminal)
    labels = table.header[1:]
    values = [[row[j] for row in table.rows if len(row) > j] for j in range(1, len(table.header))]
    # A pair wider than half a line, or much wider than most (or a long text), gets
    # lines of its own, so that it does not spread the pairs sharing its slot apart.
    pairs = [
        cell_len(label) + 1 + max(map(cell_len, cells), default=0)
        for label, cells in zip(labels, values, strict=True)
    ]
    wide = max(20, 1.6 * statistics.median(pairs or [0]))
    long = [
        pair > min(wide, (width - _INDENT) // 2) or max(map(len, cells), default=0) > 40
        for pair, cells in zip(pairs, values, strict=True)
    ]
    # Runs of short pairs between the long ones keep the columns' order; each run has
    # its own slots (a long pair has none: it is written on lines of its own).
    runs = [
        (run, [] if long[run[0]] else _slots([pairs[j] for j in run], width - _INDENT))
        for run in _runs(long)
    ]
    parts: list[RenderableType] = [Text(table.caption, style="bold")] if caption else []
    for index, row in enumerate(table.rows):
        if len(row) == 1:
            parts.append(_group_heading(row[0], width))
            continue
        parts.append(Text(row[0], style="bold"))
        cells = [
            Text(cell, style=STYLES.get(table.style_of(index, column), ""))
            for column, cell in enumerate(row[1:], start=1)
        ]
        for run, slots in runs:
            if slots:
                parts.extend(_pair_lines([labels[j] for j in run], [cells[j] for j in run], slots))
            else:
                text = Text(f"{labels[run[0]]}: ").append_text(cells[run[0]])
                parts.append(_indented(text, width))
    if table.notes:
        parts.append(Text("\n".join(table.notes)))
    return Group(*parts)


def _group_heading(label: str, width: int) -> RenderableType:
    """A one-cell row (a CIPP component) as a rule titled with it; a title too long for
    a rule (rich would cut it) as wrapped text."""
    title = Text(label, style="bold cyan")
    return Rule(title, align="left", style="cyan") if cell_len(label) + 6 <= width else title


def _indented(text: Text, width: int) -> Text:
    """``text`` wrapped to ``width`` with every line indented (without the trailing
    spaces rich's Padding would add)."""
    console = Console(file=io.StringIO(), width=width, color_system=None)
    lines = text.wrap(console, width - _INDENT)
    for line in lines:
        line.rstrip()
    return Text("\n").join(Text(" " * _INDENT).append_text(line) for line in lines)


def _runs(long: list[bool]) -> list[list[int]]:
    """The columns in order, each long one alone, the short ones between in runs."""
    runs: list[list[int]] = []
    for column, is_long in enumerate(long):
        if is_long or not runs or long[runs[-1][0]]:
            runs.append([column])
        else:
            runs[-1].append(column)
    return runs


def _slots(pairs: list[int], width: int) -> list[int]:
    """The widths of the slots of a line of pairs: the most slots that fit ``width``
    (pair i goes in slot i mod slots, so a column's values line up from row to row)."""
    for count in range(len(pairs), 0, -1):
        slots = [max(pairs[i::count]) for i in range(count)]
        if sum(slots) + _GAP * (count - 1) <= width:
            return slots
    return [width]


def _pair_lines(labels: list[str], cells: list[Text], slots: list[int]) -> list[Text]:
    lines = []
    for start in range(0, len(labels), len(slots)):
        line = Text(" " * _INDENT)
        for slot, label, cell in zip(slots, labels[start:], cells[start:], strict=False):
            if len(line) > _INDENT:
                line.append(" " * _GAP)
            line.append(label)
            line.append(" " * max(1, slot - cell_len(label) - cell.cell_len))
            line.append_text(cell)
        lines.append(line)
    return lines


def _block(block: Block, section: Section, width: int) -> RenderableType | None:
    if isinstance(block, Table):
        return table_view(block, width, caption=block.caption != section.heading)
    if isinstance(block, Paragraph):
        return Text(block.text, style=STYLES.get(block.style, ""))
    if isinstance(block, Bullets):
        lines = [f"- {item}" for item in block.items]
        text = "\n".join([block.title, *lines] if block.title else lines)
        return Text(text, style=STYLES.get(block.style, ""))
    return None


def renderables(document: Document, width: int = 120) -> list[RenderableType]:
    """The brief view: a title line, then each section's heading and blocks."""
    title = document.banner or document.title or ""
    if document.banner is None and document.source is not None:
        title = f"{title} — {document.source.where}"
    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    for section in document.shown(BRIEF):
        if section.heading:
            parts.append(Text(section.heading, style="bold"))
        for block in section.blocks:
            shown = _block(block, section, width)
            if shown is not None:
                parts.append(shown)
    return parts


def print_document(document: Document, console: Console) -> None:
    for part in renderables(document, console.width):
        console.print(part)
        console.print()


def write_terminal(document: Document, width: int = 120) -> str:
    """The terminal view as plain text (``--format table`` written to a file)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    print_document(document, console)
    return buffer.getvalue()
