"""The document of ``cipp compare``: the same respondents before and after.

Brief view (terminal, Markdown, spreadsheets): how the files matched, the items, the
components and the notes. Full view (HTML, Word): the same with the figure of before /
after bars and each item's table of pairs by answer before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cipp.model.paired import Comparison, Matching, PairedItem
from cipp.render.document import (
    ALL,
    COUNT,
    DECIMAL,
    FULL,
    P_VALUE,
    SIGNED,
    Block,
    Bullets,
    Document,
    Figures,
    Number,
    Paragraph,
    Records,
    Section,
    Source,
    Table,
)
from cipp.render.numbers import COMPONENT_NAMES, count, missing, number
from cipp.render.tabular import (
    Cell,
    count_cell,
    format_p_cell,
    make_table,
    p_cell,
    percent_cell,
)

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


def change_cell(record: PairedItem, decimals: int) -> Cell:
    """'+12.1 [3.4, 20.5]': the change in points with its interval (held as the three
    numbers)."""
    p = record.positive
    if missing(p.difference):
        return ("–", ())
    text = (
        f"{signed(p.difference, decimals)} "
        f"[{signed(p.ci_low, decimals)}, {signed(p.ci_high, decimals)}]"
    )
    ends = (_value(p.ci_low), _value(p.ci_high))
    return (
        text,
        (
            Number(p.difference, SIGNED, decimals, head="Change"),
            Number(ends[0], SIGNED, decimals, head="CI low"),
            Number(ends[1], SIGNED, decimals, head="CI high"),
        ),
    )


def _value(value: float) -> float | None:
    return None if missing(value) else value


def _test_cell(statistic: float, p: float, df: int | None = None, name: str = "χ²") -> Cell:
    """'(3) 4.20, .041': the statistic (with its df) and p, held as those numbers."""
    if missing(statistic):
        return ("–", ())
    within = f"({df}) " if df is not None else ""
    numbers = (
        *((Number(df, COUNT, head="df"),) if df is not None else ()),
        Number(statistic, DECIMAL, 2, head=name),
        p_cell(p)[1][0],
    )
    numbers = tuple(replace(n, head="p") if n.kind == P_VALUE else n for n in numbers)
    return (f"{within}{number(statistic, 2)}, {format_p_cell(p)}", numbers)


def matching_table(comparison: Comparison) -> Table:
    header = ("File", "Respondents", "Paired", "Duplicate ids", "Unmatched ids", "Without id")

    def row(name: str, m: Matching) -> tuple[str | Cell, ...]:
        return (
            f"{name}: {m.file}",
            count_cell(m.n_respondents),
            count_cell(comparison.n_pairs),
            count_cell(len(m.duplicates)),
            count_cell(len(m.unmatched)),
            count_cell(m.missing_id),
        )

    table = make_table(
        f"Respondents matched by '{comparison.id_column}' (n = {count(comparison.n_pairs)} pairs)",
        header,
        (row("Before", comparison.before), row("After", comparison.after)),
        ("An id on more than one row of a file is not paired; the ids are listed below.",),
        key="matching",
    )
    return replace(table, sheet="Matching")


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


def _cells(record: PairedItem, decimals: int) -> tuple[Cell, ...]:
    p = record.positive
    mh = record.marginal_homogeneity
    return (
        count_cell(record.n_pairs),
        percent_cell(p.before, decimals),
        percent_cell(p.after, decimals),
        change_cell(record, decimals),
        _test_cell(record.mcnemar.statistic, record.mcnemar.p),
        p_cell(record.mcnemar.p_exact),
        _test_cell(mh.statistic, mh.p, mh.df),
        _test_cell(record.wilcoxon.statistic, record.wilcoxon.p, name="V"),
    )


def items_table(comparison: Comparison, decimals: int) -> Table:
    rows: list[Sequence[str | Cell]] = []
    current = None
    for record in comparison.items:
        if record.component != current:
            current = record.component
            rows.append((COMPONENT_NAMES[current],))
        rows.append((record.text, *_cells(record, decimals)))
    table = make_table(
        f"{comparison.instrument.title}: items before and after "
        f"(n = {count(comparison.n_pairs)} pairs)",
        ("Item", *_HEADER),
        rows,
        (METHODS,),
        key="paired_items",
    )
    return replace(table, sheet="Items")


def components_table(comparison: Comparison, decimals: int) -> Table:
    rows: list[Sequence[str | Cell]] = [
        (
            COMPONENT_NAMES[record.component],
            *_cells(record, decimals),
            percent_cell(record.mean_before, decimals),
            percent_cell(record.mean_after, decimals),
        )
        for record in comparison.components
    ]
    header = (
        "Component",
        *_HEADER[:1],
        "% mostly positive before",
        "% mostly positive after",
        *_HEADER[3:],
        "Mean positivity before",
        "after",
    )
    table = make_table(
        f"CIPP components before and after (n = {count(comparison.n_pairs)} pairs)",
        header,
        rows,
        (COMPONENT_NOTE,),
        key="paired_components",
        hidden_in_terminal=("Mean positivity before", "after"),
    )
    return replace(table, sheet="Components")


def pairs_table(record: PairedItem) -> Table:
    """The pairs by answer before (rows) and after (columns)."""
    rows: list[Sequence[str | Cell]] = [
        (label, *(count_cell(n) for n in counts), count_cell(sum(counts)))
        for label, counts in zip(record.labels, record.table, strict=True)
    ]
    totals: list[str | Cell] = [
        count_cell(sum(column)) for column in zip(*record.table, strict=True)
    ]
    return make_table(
        f"{record.text}: answers before (rows) and after (columns)",
        ("Before \\ after", *record.labels, "Total"),
        [*rows, ["Total", *totals, count_cell(record.n_pairs)]],
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
