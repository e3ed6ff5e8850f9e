"""The document of ``cipp compare``: the same respondents before and after.

Brief view (terminal, Markdown, spreadsheets): how the files matched, the items, the
components and the notes. Full view (HTML, Word): the same with the figure of before /
after bars and each item's table of pairs by answer before and after.
"""

from __future__ import annotations

from cipp.model.paired import Comparison, Matching, PairedItem
from cipp.render.document import (
    ALL,
    FULL,
    Block,
    Bullets,
    Document,
    Figures,
    Paragraph,
    Records,
    Section,
    Source,
    Table,
)
from cipp.render.numbers import COMPONENT_NAMES, missing, number, percent
from cipp.render.tabular import format_p_cell

#: The tidy CSV: one row per item and component, unrounded.
CSV_COLUMNS = (
    "level",
    "item",
    "text",
    "component",
    "n_pairs",
    "positive_label",
    "positive_before",
    "positive_after",
    "difference",
    "ci_low",
    "ci_high",
    "mean_before",
    "mean_after",
    "mcnemar_statistic",
    "mcnemar_p",
    "mcnemar_p_exact",
    "marginal_homogeneity_statistic",
    "marginal_homogeneity_df",
    "marginal_homogeneity_p",
    "wilcoxon_statistic",
    "wilcoxon_p",
)

#: The brief view lists at most this many ids per list (JSON has them all).
IDS_SHOWN = 30

METHODS = (
    "Pairs: respondents whose id is on exactly one row of each file and who answered the "
    "item both times. Change: % positive after minus before, in percentage points, with "
    "Newcombe's (1998) 95% interval for paired proportions (method 10). McNemar: "
    "continuity-corrected chi-square on the pairs that changed between positive and not "
    "(exact binomial p beside it). Stuart-Maxwell: marginal homogeneity over all levels. "
    "Wilcoxon: signed-rank test of the level codes (normal approximation with continuity "
    "correction, as R's wilcox.test(paired = TRUE, exact = FALSE))."
)
COMPONENT_NOTE = (
    "Components: each respondent's mean positivity is the share of their answers to the "
    "component's items that are positive; % positive is the share of pairs mostly "
    "(more than half) positive, and the Wilcoxon test compares the mean positivity."
)


def signed(value: float | None, decimals: int) -> str:
    if missing(value):
        return "–"
    assert value is not None
    rounded = round(value, decimals) + 0.0  # no "-0.0"
    return f"{rounded:+.{decimals}f}"


def change_cell(record: PairedItem, decimals: int) -> str:
    """'+12.1 [3.4, 20.5]': the change in points with its interval."""
    p = record.positive
    if missing(p.difference):
        return "–"
    return (
        f"{signed(p.difference, decimals)} "
        f"[{signed(p.ci_low, decimals)}, {signed(p.ci_high, decimals)}]"
    )


def _test_cell(statistic: float, p: float, df: int | None = None) -> str:
    if missing(statistic):
        return "–"
    within = f"({df}) " if df is not None else ""
    return f"{within}{number(statistic, 2)}, {format_p_cell(p)}"


def matching_table(comparison: Comparison) -> Table:
    header = ("File", "Respondents", "Paired", "Duplicate ids", "Unmatched ids", "Without id")

    def row(name: str, m: Matching) -> tuple[str, ...]:
        return (
            f"{name}: {m.file}",
            str(m.n_respondents),
            str(comparison.n_pairs),
            str(len(m.duplicates)),
            str(len(m.unmatched)),
            str(m.missing_id),
        )

    return Table(
        f"Respondents matched by '{comparison.id_column}' (n = {comparison.n_pairs} pairs)",
        header,
        (row("Before", comparison.before), row("After", comparison.after)),
        ("An id on more than one row of a file is not paired; the ids are listed below.",),
        key="matching",
        sheet="Matching",
        align_numbers=True,
    )


_HEADER = (
    "n pairs",
    "% positive before",
    "% positive after",
    "Change [95% CI]",
    "McNemar χ², p",
    "Exact p",
    "Stuart-Maxwell χ²(df), p",
    "Wilcoxon V, p",
)


def _cells(record: PairedItem, decimals: int) -> tuple[str, ...]:
    p = record.positive
    mh = record.marginal_homogeneity
    return (
        str(record.n_pairs),
        percent(p.before, decimals),
        percent(p.after, decimals),
        change_cell(record, decimals),
        _test_cell(record.mcnemar.statistic, record.mcnemar.p),
        format_p_cell(record.mcnemar.p_exact),
        _test_cell(mh.statistic, mh.p, mh.df),
        _test_cell(record.wilcoxon.statistic, record.wilcoxon.p),
    )


def items_table(comparison: Comparison, decimals: int) -> Table:
    rows: list[tuple[str, ...]] = []
    current = None
    for record in comparison.items:
        if record.component != current:
            current = record.component
            rows.append((COMPONENT_NAMES[current],))
        rows.append((record.text, *_cells(record, decimals)))
    return Table(
        f"{comparison.instrument.title}: items before and after (n = {comparison.n_pairs} pairs)",
        ("Item", *_HEADER),
        tuple(rows),
        (METHODS,),
        key="paired_items",
        sheet="Items",
    )


def components_table(comparison: Comparison, decimals: int) -> Table:
    rows = tuple(
        (
            COMPONENT_NAMES[record.component],
            *_cells(record, decimals),
            percent(record.mean_before, decimals),
            percent(record.mean_after, decimals),
        )
        for record in comparison.components
    )
    header = (
        "Component",
        *_HEADER[:1],
        "% mostly positive before",
        "% mostly positive after",
        *_HEADER[3:],
        "Mean positivity before",
        "after",
    )
    return Table(
        f"CIPP components before and after (n = {comparison.n_pairs} pairs)",
        header,
        rows,
        (COMPONENT_NOTE,),
        key="paired_components",
        sheet="Components",
        hidden_in_terminal=("Mean positivity before", "after"),
    )


def pairs_table(record: PairedItem) -> Table:
    """The pairs by answer before (rows) and after (columns)."""
    rows = tuple(
        (label, *(str(n) for n in counts), str(sum(counts)))
        for label, counts in zip(record.labels, record.table, strict=True)
    )
    totals = tuple(str(sum(column)) for column in zip(*record.table, strict=True))
    return Table(
        f"{record.text}: answers before (rows) and after (columns)",
        ("Before \\ after", *record.labels, "Total"),
        (*rows, ("Total", *totals, str(record.n_pairs))),
        key=f"pairs-{record.item}",
    )


def _id_lists(comparison: Comparison) -> list[Block]:
    blocks: list[Block] = []
    for name, matching in (("before", comparison.before), ("after", comparison.after)):
        for what, ids in (
            ("Duplicate ids (not paired)", matching.duplicates),
            ("Ids not in the other file", matching.unmatched),
        ):
            if not ids:
                continue
            shown = [*ids[:IDS_SHOWN]]
            if len(ids) > IDS_SHOWN:
                shown.append(f"... and {len(ids) - IDS_SHOWN} more")
            blocks.append(Bullets((", ".join(shown),), title=f"{what}, {name}: {matching.file}"))
    return blocks


def comparison_records(comparison: Comparison) -> Records:
    rows = tuple(
        (
            r.level,
            r.item,
            r.text,
            r.component,
            r.n_pairs,
            r.positive_label,
            r.positive.before,
            r.positive.after,
            r.positive.difference,
            r.positive.ci_low,
            r.positive.ci_high,
            r.mean_before,
            r.mean_after,
            r.mcnemar.statistic,
            r.mcnemar.p,
            r.mcnemar.p_exact,
            r.marginal_homogeneity.statistic,
            r.marginal_homogeneity.df,
            r.marginal_homogeneity.p,
            r.wilcoxon.statistic,
            r.wilcoxon.p,
        )
        for r in (*comparison.items, *comparison.components)
    )
    return Records(CSV_COLUMNS, rows)


def comparison_document(
    comparison: Comparison, *, decimals: int = 1, figures: bool = True
) -> Document:
    """The document of ``comparison`` (``figures=False`` leaves the figure out)."""
    notes: list[Block] = list(_id_lists(comparison))
    if comparison.notes:
        notes.append(Bullets(comparison.notes))
    sections = [
        Section(None, (matching_table(comparison),), show=ALL),
        Section(
            "Items",
            (items_table(comparison, decimals), components_table(comparison, decimals)),
            id="paired",
            show=ALL,
        ),
    ]
    if figures and comparison.components:
        sections.append(Section("Figure", (Figures(comparison),), id="figures", show=FULL))
    if comparison.items:
        sections.append(
            Section(
                "Pairs by answer",
                tuple(pairs_table(record) for record in comparison.items),
                id="pairs",
                show=FULL,
            )
        )
    if notes:
        sections.append(Section("Notes", tuple(notes), id="notes", show=ALL))
    else:
        sections.append(Section(None, (Paragraph("Every id was paired."),), show=FULL))
    before, after = comparison.before, comparison.after
    return Document(
        title=f"{comparison.instrument.title}: before and after",
        sections=tuple(sections),
        data=comparison,
        records=comparison_records(comparison),
        source=Source(f"{before.file} (before) and {after.file} (after)", None, comparison.n_pairs),
    )
