"""The paper's tables as rows of display text, shared by the terminal, Markdown and Excel.

A renderer decides how a table looks; what is in it (captions, column heads, n (%)
cells, footnotes) is decided once, here.
"""

from __future__ import annotations

from dataclasses import dataclass

from cipp.render.numbers import COMPONENT_NAMES, mean_sd, n_percent, number, percent
from cipp.results import LevelTable, Results


@dataclass(frozen=True)
class TextTable:
    """A captioned table of text cells. A row with a single cell is a section heading."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    key: str = ""


def level_table(
    results: Results, table: LevelTable, *, decimals: int = 1, by_component: bool = True
) -> TextTable:
    """Table 1 / Table 2: items in rows, n (%) per level, grouped by CIPP component."""
    show_missing = any(s.n_missing or s.n_invalid for s in table.items)
    header = ("Item", *table.columns, "n")
    if show_missing:
        header += ("Missing",)
    rows: list[tuple[str, ...]] = []
    items = (
        sorted(table.items, key=lambda s: list(COMPONENT_NAMES).index(s.component))
        if by_component
        else table.items
    )
    current = None
    for summary in items:
        if by_component and summary.component != current:
            current = summary.component
            rows.append((COMPONENT_NAMES[current],))
        cells = [
            summary.text,
            *(n_percent(level.n, level.percent, decimals) for level in summary.levels),
            str(summary.n_valid),
        ]
        if show_missing:
            cells.append(str(summary.n_missing + summary.n_invalid))
        rows.append(tuple(cells))
    notes = ["Percentages are of valid answers to each item."]
    if show_missing:
        notes.append("Missing: blank, not applicable or invalid answers, excluded from the %.")
    return TextTable(table.caption, header, tuple(rows), tuple(notes), key=f"table{table.number}")


def components_table(results: Results, *, decimals: int = 1) -> TextTable:
    """One row per CIPP component: items, % top level, % positive, mean ± SD, alpha."""
    header = (
        "Component",
        "Items",
        "Answers",
        "% top level",
        "% positive",
        "Mean ± SD",
        "Median",
        "Cronbach's α",
    )
    rows = []
    notes = []
    for c in results.components:
        alpha = number(c.alpha, 2)
        if c.alpha_n and alpha != "–":
            alpha = f"{alpha} (n = {c.alpha_n})"
        rows.append(
            (
                COMPONENT_NAMES[c.component],
                str(c.n_items),
                str(c.n_answers),
                percent(c.top_percent, decimals),
                percent(c.positive_percent, decimals),
                mean_sd(c.mean, c.sd),
                number(c.median, 1),
                alpha,
            )
        )
        if c.note:
            notes.append(f"{COMPONENT_NAMES[c.component]}: {c.note}")
    notes.insert(
        0,
        "% top level and % positive pool all valid answers to the component's "
        "items; positive = the scale's favourable collapse group (e.g. Agree).",
    )
    caption = f"CIPP component summary (n = {results.n_respondents})"
    return TextTable(caption, header, tuple(rows), tuple(notes), key="components")


def demographics_table(results: Results, *, decimals: int = 1) -> TextTable:
    """n (%) per category; numeric demographics also as mean ± SD."""
    header = ("Characteristic", "n (%)")
    rows: list[tuple[str, ...]] = []
    for d in results.demographics:
        rows.append((d.label,))
        if d.kind == "numeric":
            rows.append(("Mean ± SD", mean_sd(d.mean, d.sd)))
        for category in d.categories:
            rows.append((category.label, n_percent(category.n, category.percent, decimals)))
        if d.n_missing:
            rows.append(("Missing", str(d.n_missing)))
    caption = f"Respondents' characteristics (n = {results.n_respondents})"
    notes = ("Percentages are of respondents who answered.",)
    return TextTable(caption, header, tuple(rows), notes, key="demographics")


def all_tables(results: Results, *, decimals: int = 1) -> list[TextTable]:
    """Every table of a report, in reading order."""
    tables = [level_table(results, t, decimals=decimals) for t in results.tables()]
    tables.append(components_table(results, decimals=decimals))
    if results.demographics:
        tables.append(demographics_table(results, decimals=decimals))
    return tables
