"""Rich tables for the terminal: any document's brief view."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
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


def table_frame(table: Table, width: int = 120, *, caption: bool = True) -> RichTable:
    """An empty rich Table for ``table``: caption, notes and columns, no rows yet.

    Number columns are exactly as wide as their widest cell or word, and the item text
    gets the rest: rich's own column collapsing crops the right-most columns of a wide
    Likert table.
    """
    # Texts are plain (Text, not strings): rich would read "Question [Option]" as markup.
    title = table.caption if caption else ""
    out = RichTable(
        title=Text(title) if title else None,
        title_justify="left",
        title_style="bold",
        caption=Text("\n".join(table.notes)) if table.notes else None,
        caption_justify="left",
        header_style="bold",
        # At least as wide as the caption, so a narrow table does not break its title.
        min_width=min(len(title), width),
    )
    widths = []
    for position, head in enumerate(table.header[1:], start=1):
        cells = [row[position] for row in table.rows if len(row) > position]
        words = head.split() or [""]
        widths.append(max([len(w) for w in words] + [len(c) for c in cells]))
    widest_first = max([len(table.header[0])] + [len(r[0]) for r in table.rows if r])
    room = width - sum(widths) - 3 * len(table.header) - 1
    out.add_column(
        Text(table.header[0]),
        overflow="fold",
        width=max(table.first_min, min(widest_first, room, 60)),
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
    out = table_frame(table, width, caption=caption)
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


def _block(block: Block, section: Section, width: int) -> RenderableType | None:
    if isinstance(block, Table):
        return rich_table(block, width, caption=block.caption != section.heading)
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
