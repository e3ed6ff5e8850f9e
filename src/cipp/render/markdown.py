"""Markdown (GitHub style) of any document, for quick sharing: its brief view."""

from __future__ import annotations

from cipp.render.document import (
    BRIEF,
    STRONG,
    Block,
    Bullets,
    Document,
    Paragraph,
    Section,
    Table,
)
from cipp.render.numbers import count
from cipp.render.safe import markdown_code, markdown_text


def _escape(cell: str, *, block: bool = False) -> str:
    # Any text may come from an input (labels, answers, quotes, file names): HTML and
    # Markdown syntax in it is escaped (render.safe), as are the asterisks that mark
    # significance in cells and notes. ``block``: the text starts a paragraph or item.
    return markdown_text(cell, block=block)


def _numeric(table: Table, column: int) -> bool:
    """Whether a column holds numbers (right-aligned) rather than text."""
    cells = [row[column] for row in table.rows if len(row) > column and row[column]]
    return all(cell[:1].isdigit() or cell[:1] in "<>–.-" for cell in cells)


def _rule(table: Table) -> str:
    if not table.align_numbers:
        return "|" + "|".join("---" for _ in table.header) + "|"
    return (
        "|"
        + "|".join(
            ":---" if j == 0 or not _numeric(table, j) else "---:" for j in range(len(table.header))
        )
        + "|"
    )


def markdown_table(table: Table, *, caption: bool = True) -> str:
    width = len(table.header)
    lines = [f"**{_escape(table.caption)}**", ""] if caption and table.caption else []
    lines.append("| " + " | ".join(_escape(h) for h in table.header) + " |")
    lines.append(_rule(table))
    for index, row in enumerate(table.rows):
        if len(row) == 1:
            cells = [f"**{_escape(row[0])}**", *[""] * (width - 1)]
        else:
            cells = [_escape(c) for c in row]
            if table.style_of(index, 0) == STRONG:
                cells = [f"**{cell}**" for cell in cells]
        lines.append("| " + " | ".join(cells) + " |")
    if table.notes:
        lines.append("")
        lines.extend(f"*{_escape(note)}*  " for note in table.notes)
    return "\n".join(lines)


def _bullets(block: Bullets) -> str:
    items = [f"- {_escape(item, block=True)}" for item in block.items]
    text = ("\n\n" if block.loose else "\n").join(items)
    return f"{_escape(block.title)}\n{text}" if block.title else text


def _block(block: Block, section: Section) -> str | None:
    if isinstance(block, Table):
        # A caption that only repeats its section's heading is not printed twice.
        return markdown_table(block, caption=block.caption != section.heading)
    if isinstance(block, Paragraph):
        text = _escape(block.text, block=True)
        return f"**{text}**" if block.style == STRONG else text
    if isinstance(block, Bullets):
        return _bullets(block)
    return None  # summaries and figures belong to the long-form formats


def write_markdown(document: Document, width: int = 0) -> str:
    """The document's brief view as Markdown: title, source, sections and their blocks."""
    parts = []
    if document.title:
        parts.append(f"# {_escape(document.title)}")
    source = document.source
    if source is not None:
        sheet = f" (sheet {_escape(source.sheet)})" if source.sheet else ""
        parts.append(
            f"Source: {markdown_code(source.file)}{sheet}; n = {count(source.n)} respondents."
        )
    for section in document.shown(BRIEF):
        if section.heading:
            parts.append(f"{'#' * (section.level + 1)} {_escape(section.heading)}")
        parts.extend(text for b in section.blocks if (text := _block(b, section)) is not None)
    return "\n\n".join(parts) + "\n"
