"""The paper's tables as rows of display text, shared by the terminal, Markdown and Excel.

A renderer decides how a table looks; what is in it (captions, column heads, n (%)
cells, footnotes) is decided once, here.
"""

from __future__ import annotations

from cipp.model.findings import SHOWN, SMALL, GroupShare
from cipp.model.results import AssociationTest, LevelTable, Proportion, Results
from cipp.render.apa import apa_chi_square, apa_goodness_of_fit, format_p
from cipp.render.document import Table, TextTable
from cipp.render.numbers import (
    COMPONENT_NAMES,
    confidence_label,
    mean_sd,
    n_percent,
    number,
    percent,
    percent_ci,
)
from cipp.render.prose import adjustment_name, association_sentences, lower_first


def _unit(value: float | None) -> str:
    """A value bounded by 1 (Cramér's V) the APA way: '.24', no leading zero."""
    text = number(value, 2)
    return text.replace("0.", ".", 1) if text.startswith("0.") else text


def number_text(value: float | None, decimals: int) -> str:
    return number(value, decimals)


def format_p_cell(p: float | None) -> str:
    """'.084', '< .001', '–' (APA style without the 'p =')."""
    if p is None or p != p:
        return "–"
    return format_p(p).removeprefix("p = ").removeprefix("p ")


def level_table_caption(results: Results, table: LevelTable) -> str:
    """'Table 1. <title>: Rating items, n (%) (n = 29)'."""
    what = "Yes/No items" if table.kind == "binary" else f"{table.kind.capitalize()} items"
    return (
        f"Table {table.number}. {results.instrument.title}: {what}, n (%) "
        f"(n = {results.n_respondents})"
    )


def level_table(
    results: Results,
    table: LevelTable,
    *,
    decimals: int = 1,
    by_component: bool = True,
    caption: str | None = None,
) -> TextTable:
    """Table 1 / Table 2: items in rows, n (%) per level, grouped by CIPP component."""
    show_missing = any(s.n_missing or s.n_invalid for s in table.items)
    positive_head = f"% positive ({confidence_label(results.confidence)})"
    header = ("Item", *table.columns, "n", positive_head)
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
            *(
                mask_text(level.masked, results.findings.min_cell)
                if level.masked
                else n_percent(level.n, level.percent, decimals)
                for level in summary.levels
            ),
            str(summary.n_valid),
            SUPPRESSED if summary.suppressed else _positive_cell(summary.positive, decimals),
        ]
        if show_missing:
            cells.append(str(summary.n_missing + summary.n_invalid))
        rows.append(tuple(cells))
    notes = [
        "Percentages are of valid answers to each item. % positive: the share in the "
        "scale's favourable group (e.g. Agree, Good or better, Yes) with its Wilson "
        f"{confidence_label(results.confidence)}."
    ]
    if show_missing:
        notes.append("Missing: blank, not applicable or invalid answers, excluded from the %.")
    if any(summary.suppressed for summary in table.items):
        notes.append(mask_note(results.findings.min_cell))
    caption = caption if caption is not None else level_table_caption(results, table)
    return TextTable(caption, header, tuple(rows), tuple(notes), key=f"table{table.number}")


#: What a table shows for a statistic withheld under disclosure control.
SUPPRESSED = "suppressed"


def _suppressed_row(test: AssociationTest, width: int) -> tuple[str, ...]:
    """A test whose table has a masked count: its statistics withheld."""
    return (test.text, SUPPRESSED, *[""] * (width - 3), SUPPRESSED)


def _positive_cell(share: Proportion, decimals: int) -> str:
    return percent_ci(share.percent, share.ci_low, share.ci_high, decimals)


def components_table(results: Results, *, decimals: int = 1) -> TextTable:
    """One row per CIPP component: items, % top level, % positive, mean ± SD, alpha."""
    header = (
        "Component",
        "Items",
        "Answers",
        "% top level",
        f"% positive ({confidence_label(results.confidence)})",
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
                SUPPRESSED if c.suppressed else _positive_cell(c.positive, decimals),
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


#: How a count masked only so that another cannot be worked out by subtraction shows.
SECONDARY_MASK = "masked"


def mask_note(min_cell: int) -> str:
    return (
        f"Counts from 1 to {min_cell - 1} and their percentages are masked (< {min_cell}); "
        "enough other counts are masked too, shown as "
        f'"{SECONDARY_MASK}", that none can be worked out from the totals printed beside '
        "them (or a group's positive count from its other answers), and statistics that "
        f'could reveal a masked count are withheld ("{SUPPRESSED}").'
    )


def mask_text(mask: str, min_cell: int) -> str:
    """A masked cell: "< N" for a small count, SECONDARY_MASK for one masked to protect it."""
    return f"< {min_cell}" if mask == SMALL else SECONDARY_MASK


def demographics_table(results: Results, *, decimals: int = 1) -> TextTable:
    """n (%) per category; numeric demographics also as mean ± SD.

    Categories the findings mask (``min_cell``) show as "< N" or "masked".
    """
    findings = results.findings
    header = ("Characteristic", "n (%)")
    rows: list[tuple[str, ...]] = []
    hidden = False
    for d in results.demographics:
        rows.append((d.label,))
        if d.kind == "numeric":
            rows.append(("Mean ± SD", mean_sd(d.mean, d.sd)))
        masks = findings.demographics.get(d.id, (SHOWN,) * len(d.categories))
        for category, mask in zip(d.categories, masks, strict=True):
            if mask != SHOWN:
                hidden = True
                rows.append((category.label, mask_text(mask, findings.min_cell)))
            else:
                rows.append((category.label, n_percent(category.n, category.percent, decimals)))
        if d.n_missing:
            rows.append(("Missing", str(d.n_missing)))
    caption = f"Respondents' characteristics (n = {results.n_respondents})"
    notes = ["Percentages are of respondents who answered."]
    if hidden:
        notes.append(mask_note(findings.min_cell))
    return TextTable(caption, header, tuple(rows), tuple(notes), key="demographics")


def _share_cell(cell: GroupShare | None, min_cell: int, decimals: int) -> str:
    if cell is None:
        return "–"
    if cell.mask != SHOWN:
        return mask_text(cell.mask, min_cell)
    return n_percent(cell.k, cell.percent if cell.n else None, decimals)


#: How a crosstab marks a cell that drives a significant result (more, fewer than expected).
MORE, FEWER = "▲", "▼"


def crosstab_table(test: AssociationTest, decimals: int = 1, min_cell: int = 0) -> Table:
    """One tested item (or component) by one grouping: each group's answers across the
    levels, n (row %), the cells that drive a significant result marked."""
    r = test.result
    marks = {(c.row, c.column): MORE if c.residual > 0 else FEWER for c in test.cells_driving}
    masks = test.masks or tuple((SHOWN,) * len(r.col_labels) for _ in r.row_labels)
    rows = []
    for j, group in enumerate(r.col_labels):
        total = sum(row[j] for row in r.table)
        cells = [
            mask_text(mask_row[j], min_cell)
            if mask_row[j] != SHOWN
            else n_percent(row[j], 100 * row[j] / total if total else None, decimals)
            + (f" {marks[(level, group)]}" if (level, group) in marks else "")
            for row, level, mask_row in zip(r.table, r.row_labels, masks, strict=True)
        ]
        rows.append((group, *cells, str(total)))
    return Table(
        f"\u201c{test.text}\u201d by {test.by_label.lower()}: n (row %)",
        (test.by_label, *r.row_labels, "n"),
        tuple(rows),
        (
            f"Row %: of each group's answers. {MORE} / {FEWER}: more / fewer answers than "
            "expected under independence (adjusted standardised residual beyond the normal "
            "quantile at .05 divided by the table's cells), in tables significant after "
            "adjustment.",
        ),
        key=f"crosstab_{test.by}_{test.item}",
    )


def crosstab_tables(results: Results, *, decimals: int = 1) -> list[Table]:
    """Every tested table in full (``cipp analyze --crosstabs``)."""
    min_cell = results.findings.min_cell
    return [
        crosstab_table(t, decimals, min_cell) for t in results.associations if t.result.testable
    ]


def breakdown_tables(results: Results, *, decimals: int = 1) -> list[TextTable]:
    """Per grouping variable: each item's positive answers in each group, n (%), as the
    findings give them (masked cells as "< N" or "masked")."""
    findings = results.findings
    tables = []
    for breakdown in findings.breakdowns:
        rows = tuple(
            (row.text, *(_share_cell(c, findings.min_cell, decimals) for c in row.cells))
            for row in breakdown.rows
        )
        notes = [
            "n (%) of each group's valid answers in the scale's positive group "
            "(e.g. Agree, Good or better, Yes)."
        ]
        if any(c is not None and c.mask != SHOWN for row in breakdown.rows for c in row.cells):
            notes.append(mask_note(findings.min_cell))
        tables.append(
            TextTable(
                f"Positive answers by {breakdown.label.lower()}",
                ("Item", *breakdown.groups),
                rows,
                tuple(notes),
                key=f"groups_{breakdown.by}",
            )
        )
    return tables


def nonresponse_tables(results: Results, *, decimals: int = 1) -> list[Table]:
    """Item non-response (asked, answered, missing, declared missing values by name), and
    response by group against the roster when it gives group sizes."""
    found = results.nonresponse
    if found is None:
        return []
    texts = {item.id: item.text for item in results.instrument.items}
    rows = tuple(
        (
            texts.get(item.id, item.id),
            str(item.asked),
            str(item.answered),
            str(item.missing),
            "; ".join(f"{label}: {n}" for label, n in item.declared_missing) or "–",
            percent(100 * item.answered / item.asked if item.asked else None, decimals),
        )
        for item in found.items
    )
    notes = [
        "Missing: respondents who left the item blank, gave a declared missing value "
        "(named with its count) or an invalid answer; items not asked have 0 asked."
    ]
    if found.roster:
        notes.append(
            f"Response rate: {found.respondents:,} of {found.roster:,} asked "
            f"({percent(found.response_rate, decimals)}%)."
        )
    tables = [
        Table(
            f"Item non-response (n = {results.n_respondents})",
            ("Item", "Asked", "Answered", "Missing", "Declared missing", "% answered"),
            rows,
            tuple(notes),
            key="nonresponse",
        )
    ]
    for grouping in found.by_group:
        if not any(group.roster for group in grouping.groups):
            continue
        group_rows = tuple(
            (
                group.group,
                str(group.respondents),
                "–" if group.roster is None else str(group.roster),
                percent(group.response_rate, decimals),
            )
            for group in grouping.groups
        )
        group_notes = (
            (f"Participation against the roster: {apa_goodness_of_fit(grouping.fit)}.",)
            if grouping.fit is not None
            else ()
        )
        tables.append(
            Table(
                f"Response by {grouping.label.lower()}",
                ("Group", "Respondents", "Roster", "Response rate (%)"),
                group_rows,
                group_notes,
                key=f"response_{grouping.by}",
            )
        )
    return tables


def all_tables(results: Results, *, decimals: int = 1) -> list[TextTable]:
    """Every table of a report, in reading order."""
    tables = [level_table(results, t, decimals=decimals) for t in results.tables()]
    tables.append(components_table(results, decimals=decimals))
    if results.demographics:
        tables.append(demographics_table(results, decimals=decimals))
    tables.extend(participation_table(results))
    tables.extend(association_tables(results))
    tables.extend(breakdown_tables(results, decimals=decimals))
    tables.extend(nonresponse_tables(results, decimals=decimals))
    return tables


def test_name(test: AssociationTest) -> str:
    r = test.result
    if not r.testable:
        return "not testable"
    if r.test_used == "fisher exact":
        return "Fisher exact" if r.exact_method == "exact" else "Fisher (Monte Carlo)"
    return "Pearson χ²"


def _expected_short(test: AssociationTest) -> str:
    r = test.result
    if not r.testable:
        return r.reason or ""
    share = 100 * r.share_expected_below_5
    return f"{r.cells_expected_below_5} ({share:.1f}%) < 5; min {r.min_expected:.2f}"


def association_tables(results: Results) -> list[TextTable]:
    """One table of tests per grouping variable; significant rows marked with an asterisk."""
    summary = results.association_summary
    if not results.associations or summary is None:
        return []
    method = adjustment_name(summary.adjust)
    tables = []
    by_ids = list(dict.fromkeys(t.by for t in results.associations))
    for by in by_ids:
        tests = [t for t in results.associations if t.by == by]
        trend = any(t.result.ordinal for t in tests)
        header: tuple[str, ...] = ("Item", "Test", "χ²", "df", "p", "p adj.", "V")
        header += ("Trend p",) if trend else ()
        header += ("Expected counts", "APA")
        rows: list[tuple[str, ...]] = []
        for test in tests:
            r = test.result
            mark = " *" if test.significant_adjusted else ""
            if test.suppressed:
                rows.append(_suppressed_row(test, len(header)))
                continue
            cells = [
                test.text,
                test_name(test),
                number_text(r.statistic, 2),
                "" if r.df is None else str(r.df),
                format_p_cell(r.p_value_used),
                format_p_cell(test.p_adjusted) + mark,
                _unit(r.effect_size),
            ]
            if trend:
                cells.append(format_p_cell(r.p_linear_by_linear))
            cells.append(_expected_short(test))
            cells.append(apa_chi_square(r))
            rows.append(tuple(cells))
        label = tests[0].by_label
        what = "collapse groups" if summary.collapsed else "response levels"
        caption = f"Association with {label.lower()}: tests of independence ({what})"
        notes = [
            next(
                (
                    s
                    for s in association_sentences(summary, results.associations)
                    if f"with {lower_first(label)}" in s
                ),
                "",
            )
        ]
        notes.append(
            f"p: Pearson chi-square, or Fisher's exact test where more than 20% of cells "
            f"expect fewer than 5 or any expects fewer than 1. p adj.: {method} across all "
            f"{summary.tests} tests of the run; * p adj. < {summary.alpha:g}. "
            "V: Cramér's V. Components: respondents with more than half of their answers "
            "positive."
        )
        if trend:
            notes.append("Trend p: linear-by-linear association (Mantel-Haenszel), df = 1.")
        tables.append(
            TextTable(
                caption,
                header,
                tuple(rows),
                tuple(n for n in notes if n),
                key=f"tests_{by}",
                hidden_in_terminal=("APA",),
            )
        )
    return tables


def participation_table(results: Results) -> list[TextTable]:
    """Observed and expected respondents per category, with the goodness-of-fit test;
    observed counts masked as the findings say."""
    fit = results.goodness_of_fit
    if fit is None:
        return []
    r = fit.result
    findings = results.findings
    masks = findings.participation or (SHOWN,) * len(r.observed)
    rows = tuple(
        (label, mask_text(mask, findings.min_cell) if mask != SHOWN else str(o), number_text(e, 1))
        for label, o, e, mask in zip(r.labels, r.observed, r.expected, masks, strict=True)
    )
    caption = f"Participation by {fit.label.lower()}"
    notes: tuple[str, ...] = (
        f"Chi-square goodness of fit against {r.expected_source}: "
        f"{SUPPRESSED if fit.suppressed else apa_goodness_of_fit(r)}.",
    )
    if any(mask != SHOWN for mask in masks):
        notes += (mask_note(findings.min_cell),)
    return [
        TextTable(caption, ("Category", "Observed", "Expected"), rows, notes, key="participation")
    ]
