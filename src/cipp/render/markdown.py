"""Markdown tables (GitHub style) for quick sharing."""

from __future__ import annotations

from cipp.model.results import Results
from cipp.render.prose import association_sentences
from cipp.render.tabular import TextTable, all_tables


def _escape(cell: str) -> str:
    # Asterisks mark significance in cells and notes; in Markdown they would start emphasis.
    return cell.replace("|", "\\|").replace("*", "\\*").replace("\n", " ")


def _numeric(table: TextTable, column: int) -> bool:
    """Whether a column holds numbers (right-aligned) rather than text."""
    cells = [row[column] for row in table.rows if len(row) > column and row[column]]
    return all(cell[:1].isdigit() or cell[:1] in "<>–.-" for cell in cells)


def markdown_table(table: TextTable) -> str:
    width = len(table.header)
    lines = [f"**{_escape(table.caption)}**", ""]
    lines.append("| " + " | ".join(_escape(h) for h in table.header) + " |")
    lines.append(
        "|"
        + "|".join(":---" if j == 0 or not _numeric(table, j) else "---:" for j in range(width))
        + "|"
    )
    for row in table.rows:
        cells = (
            [f"**{_escape(row[0])}**", *[""] * (width - 1)]
            if len(row) == 1
            else [_escape(c) for c in row]
        )
        lines.append("| " + " | ".join(cells) + " |")
    if table.notes:
        lines.append("")
        lines.extend(f"*{_escape(note)}*  " for note in table.notes)
    return "\n".join(lines)


def render_markdown(
    results: Results,
    *,
    decimals: int = 1,
    extra: list[TextTable] | None = None,
    min_cell: int = 0,
) -> str:
    parts = [
        f"# {results.instrument.title}",
        "",
        f"Source: `{results.source}`"
        f"{f' (sheet {results.sheet})' if results.sheet else ''}; "
        f"n = {results.n_respondents} respondents.",
        "",
    ]
    for table in [*all_tables(results, decimals=decimals, min_cell=min_cell), *(extra or [])]:
        parts.extend([markdown_table(table), ""])
    if results.association_summary is not None:
        sentences = association_sentences(results.association_summary, results.associations)
        parts.extend([sentences[-1], ""])
    if results.notes:
        parts.append("Notes:")
        parts.extend(f"- {note}" for note in results.notes)
        parts.append("")
    return "\n".join(parts)
