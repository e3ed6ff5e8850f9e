"""Rich tables for the terminal."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from cipp.model.results import Results
from cipp.render.prose import association_sentences
from cipp.render.tabular import TextTable, all_tables


def table_frame(table: TextTable, width: int = 120, *, min_first: int = 16) -> Table:
    """An empty rich Table for ``table``: caption, notes and columns, no rows yet.

    Number columns are exactly as wide as their widest cell or word, and the item text
    gets the rest: rich's own column collapsing crops the right-most columns of a wide
    Likert table.
    """
    # Texts are plain (Text, not strings): rich would read "Question [Option]" as markup.
    out = Table(
        title=Text(table.caption),
        title_justify="left",
        title_style="bold",
        caption=Text("\n".join(table.notes)) if table.notes else None,
        caption_justify="left",
        header_style="bold",
        # At least as wide as the caption, so a narrow table does not break its title.
        min_width=min(len(table.caption), width),
    )
    widths = []
    for position, head in enumerate(table.header[1:], start=1):
        cells = [row[position] for row in table.rows if len(row) > position]
        words = head.split() or [""]
        widths.append(max([len(w) for w in words] + [len(c) for c in cells]))
    widest_first = max([len(table.header[0])] + [len(r[0]) for r in table.rows if r])
    room = width - sum(widths) - 3 * len(table.header) - 1
    out.add_column(
        Text(table.header[0]), overflow="fold", width=max(min_first, min(widest_first, room, 60))
    )
    for head, column_width in zip(table.header[1:], widths, strict=True):
        out.add_column(Text(head), justify="right", width=column_width)
    return out


def add_section_row(out: Table, label: str, width: int) -> None:
    """A component heading inside a table (a rule above it, except at the top)."""
    if out.row_count:
        out.add_section()
    out.add_row(Text(label, style="bold cyan"), *[""] * (width - 1))


def rich_table(table: TextTable, width: int = 120) -> Table:
    """The terminal view of a TextTable (columns too wide for a terminal left out)."""
    table = table.without(table.hidden_in_terminal)
    out = table_frame(table, width)
    for row in table.rows:
        if len(row) == 1:
            add_section_row(out, row[0], len(table.header))
        else:
            out.add_row(*(Text(cell) for cell in row))
    return out


def renderables(
    results: Results,
    *,
    decimals: int = 1,
    width: int = 120,
    extra: list[TextTable] | None = None,
    min_cell: int = 0,
) -> list[RenderableType]:
    title = Text(
        f"{results.instrument.title} — {results.source}"
        f"{f' (sheet {results.sheet})' if results.sheet else ''}",
        style="bold",
    )
    parts: list[RenderableType] = [title]
    for table in [*all_tables(results, decimals=decimals, min_cell=min_cell), *(extra or [])]:
        parts.append(rich_table(table, width))
    if results.association_summary is not None:
        sentences = association_sentences(results.association_summary, results.associations)
        parts.append(
            Text(
                sentences[-1],
                style="bold",
            )
        )
    if results.notes:
        parts.append(Text("Notes:\n" + "\n".join(f"- {note}" for note in results.notes)))
    if results.invalid_cells:
        lines = [
            f"- {c.file}{f', sheet {c.sheet}' if c.sheet else ''}, row {c.row}, column "
            f"{c.column} ({c.variable}): {c.value!r}"
            for c in results.invalid_cells[:50]
        ]
        more = len(results.invalid_cells) - 50
        if more > 0:
            lines.append(f"- ... and {more} more")
        parts.append(
            Text(
                "Invalid cells (counted as invalid, not as any level):\n" + "\n".join(lines),
                style="yellow",
            )
        )
    return parts


def render_text(
    results: Results,
    *,
    decimals: int = 1,
    width: int = 120,
    extra: list[TextTable] | None = None,
    min_cell: int = 0,
) -> str:
    """The terminal view as plain text (for --out with --format table)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    print_results(results, console, decimals=decimals, extra=extra, min_cell=min_cell)
    return buffer.getvalue()


def print_results(
    results: Results,
    console: Console,
    *,
    decimals: int = 1,
    extra: list[TextTable] | None = None,
    min_cell: int = 0,
) -> None:
    for part in renderables(
        results, decimals=decimals, width=console.width, extra=extra, min_cell=min_cell
    ):
        console.print(part)
        console.print()
