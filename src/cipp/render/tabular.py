"""The paper's tables as rows of display text, shared by the terminal, Markdown and Excel.

A renderer decides how a table looks; what is in it (captions, column heads, n (%)
cells, footnotes) is decided once, here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cipp.model.findings import SHOWN, SMALL, WITHHELD, GroupShare
from cipp.model.instrument import Scale
from cipp.model.results import (
    AssociationSummary,
    AssociationTest,
    ItemSummary,
    LevelTable,
    Proportion,
    Results,
)
from cipp.render.apa import apa_chi_square, apa_goodness_of_fit, format_p
from cipp.render.document import (
    COUNT,
    DECIMAL,
    P_VALUE,
    PERCENT,
    UNIT,
    Number,
    Table,
    TextTable,
)
from cipp.render.numbers import (
    COMPONENT_NAMES,
    confidence_label,
    count,
    mean_sd,
    missing,
    n_percent,
    number,
    percent,
    percent_ci,
)
from cipp.render.prose import adjustment_name, association_sentences, expected_note, lower_first

#: A cell as the builders make it: its text, and the numbers it shows (for spreadsheets).
Cell = tuple[str, tuple[Number, ...]]


def _value(value: float | None) -> float | None:
    """None for a number that does not exist (NaN), else the number."""
    return None if missing(value) else value


def text_cell(text: str) -> Cell:
    return (text, ())


def count_cell(n: int | None) -> Cell:
    """'2,400', held as the count."""
    return (count(n), () if n is None else (Number(n, COUNT),))


def decimal_cell(value: float | None, decimals: int) -> Cell:
    return (number(value, decimals), (Number(_value(value), DECIMAL, decimals),))


def percent_cell(value: float | None, decimals: int) -> Cell:
    return (percent(value, decimals), (Number(_value(value), PERCENT, decimals),))


def n_percent_cell(n: int, pct: float | None, decimals: int, mark: str = "") -> Cell:
    """'8 (4.4)', held as the count and the percentage (each its own column in a
    spreadsheet, so that both sort and filter as numbers)."""
    suffix = f" {mark}" if mark else ""
    return (
        n_percent(n, pct, decimals) + suffix,
        (
            Number(n, COUNT, head="n"),
            Number(_value(pct), PERCENT, decimals, head="%", suffix=suffix),
        ),
    )


def p_cell(p: float | None, mark: str = "") -> Cell:
    """'.084', '< .001' (APA style without the 'p ='), held as the unrounded p."""
    suffix = f" {mark}" if mark else ""
    text = format_p_cell(p)
    places = len(text.rsplit(".", 1)[1]) if "." in text else 3
    return (text + suffix, (Number(_value(p), P_VALUE, places, suffix=suffix),))


def make_table(
    caption: str,
    header: tuple[str, ...],
    rows: Iterable[Sequence[str | Cell]],
    notes: tuple[str, ...] = (),
    *,
    key: str = "",
    hidden_in_terminal: tuple[str, ...] = (),
) -> Table:
    """A table from rows of cells, each a text or a Cell (text with its numbers)."""
    texts: list[tuple[str, ...]] = []
    values: list[tuple[tuple[Number, ...], ...]] = []
    for row in rows:
        cells = [text_cell(cell) if isinstance(cell, str) else cell for cell in row]
        texts.append(tuple(text for text, _ in cells))
        values.append(tuple(numbers for _, numbers in cells))
    has_values = any(numbers for row_values in values for numbers in row_values)
    return Table(
        caption,
        header,
        tuple(texts),
        notes,
        key=key,
        hidden_in_terminal=hidden_in_terminal,
        values=tuple(values) if has_values else (),
    )


def _unit(value: float | None) -> str:
    """A value bounded by 1 (Cramér's V) the APA way: '.24', no leading zero."""
    text = number(value, 2)
    return text.replace("0.", ".", 1) if text.startswith("0.") else text


def unit_cell(value: float | None) -> Cell:
    return (_unit(value), (Number(_value(value), UNIT, 2),))


def number_text(value: float | None, decimals: int) -> str:
    return number(value, decimals)


def format_p_cell(p: float | None) -> str:
    """'.084', '< .001', '–' (APA style without the 'p =')."""
    if p is None or p != p:
        return "–"
    return format_p(p).removeprefix("p = ").removeprefix("p ")


def table_scales(results: Results, items: Iterable[str]) -> tuple[Scale, ...]:
    """The scales of the given item summaries' scale ids, once each, in order."""
    scales: dict[str, Scale] = {}
    for scale_id in items:
        if scale_id not in scales:
            try:
                scales[scale_id] = results.instrument.scale(scale_id)
            except KeyError:
                continue
    return tuple(scales.values())


def level_table_what(results: Results, table: LevelTable) -> str:
    """What a table of levels holds, named by its scale: '4-point agreement scale items'
    (scales that share the table's levels are named together)."""
    scales = table_scales(results, (s.scale for s in table.items))
    labels = list(dict.fromkeys(scale.label for scale in scales if scale.label))
    # "Yes / No", "yes-no": a Yes/No table says so the one way.
    if table.columns == ("Yes", "No") or not labels:
        return "Yes/No items" if table.kind == "binary" else f"{table.kind.capitalize()} items"
    return f"{' and '.join(labels)} items"


def positive_group_text(scale: Scale) -> str:
    """A scale's favourable group spelled out: 'Agree = Agree or Strongly agree', 'Yes'."""
    group = scale.positive_group
    labels = [level.label for level in scale.levels if level.code in group.codes]
    if labels == [group.label]:
        return group.label
    spelled = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
    return f"{group.label} = {spelled}"


def positive_groups(scales: Iterable[Scale]) -> str:
    """Each scale's favourable group spelled out; where the scales' groups differ, each
    named by its scale: '5-point rating scale: Good or better = Excellent, Very good or
    Good; Yes / No: Yes; Yes / No (No is favourable): No'."""
    texts = {scale.label or scale.id: positive_group_text(scale) for scale in scales}
    if len(set(texts.values())) <= 1:
        return next(iter(texts.values()), "")
    return "; ".join(f"{label}: {text}" for label, text in texts.items())


def level_table_caption(results: Results, table: LevelTable) -> str:
    """'Table 1. <title>: 4-point agreement scale items, n (%) (n = 2,400)'."""
    return (
        f"Table {table.number}. {results.instrument.title}: "
        f"{level_table_what(results, table)}, n (%) (n = {count(results.n_respondents)})"
    )


def _level_row(
    summary: ItemSummary, results: Results, decimals: int, show_missing: bool
) -> list[str | Cell]:
    min_cell = results.findings.min_cell
    cells: list[str | Cell] = [
        summary.text,
        *(
            mask_text(level.masked, min_cell)
            if level.masked
            else n_percent_cell(level.n, level.percent, decimals)
            for level in summary.levels
        ),
        count_cell(summary.n_valid),
        SUPPRESSED if summary.suppressed else positive_cell(summary.positive, decimals),
    ]
    if show_missing:
        cells.append(count_cell(summary.n_missing + summary.n_invalid))
    return cells


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
    rows: list[Sequence[str | Cell]] = []
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
        rows.append(_level_row(summary, results, decimals, show_missing))
    scales = table_scales(results, (s.scale for s in table.items))
    notes = [
        "Percentages are of valid answers to each item. % positive: the share in the "
        f"scale's favourable group ({positive_groups(scales)}) with its Wilson "
        f"{confidence_label(results.confidence)}."
    ]
    if show_missing:
        notes.append("Missing: blank, not applicable or invalid answers, excluded from the %.")
    if any(summary.suppressed for summary in table.items):
        notes.append(mask_note(results.findings.min_cell))
    caption = caption if caption is not None else level_table_caption(results, table)
    return make_table(caption, header, rows, tuple(notes), key=f"table{table.number}")


#: What a table shows for a statistic withheld under disclosure control.
SUPPRESSED = "suppressed"


def _suppressed_row(test: AssociationTest, width: int) -> tuple[str, ...]:
    """A test whose table has a masked count: its statistics withheld."""
    return (test.text, SUPPRESSED, *[""] * (width - 3), SUPPRESSED)


def positive_cell(share: Proportion, decimals: int) -> Cell:
    """'72.4 (54.3–85.3)', held as the percentage and its interval's ends."""
    return (
        percent_ci(share.percent, share.ci_low, share.ci_high, decimals),
        (
            Number(_value(share.percent), PERCENT, decimals, head="%"),
            Number(_value(share.ci_low), PERCENT, decimals, head="CI low"),
            Number(_value(share.ci_high), PERCENT, decimals, head="CI high"),
        ),
    )


def _alpha_cell(alpha: float, alpha_n: int) -> Cell:
    """ "0.84 (n = 120)": Cronbach's alpha and the respondents it rests on."""
    text = number(alpha, 2)
    numbers = (Number(_value(alpha), DECIMAL, 2, head="α"),)
    if alpha_n and text != "–":
        return (f"{text} (n = {count(alpha_n)})", (*numbers, Number(alpha_n, COUNT, head="n")))
    return (text, numbers)


def _mean_sd_cell(mean: float | None, sd: float | None) -> Cell:
    return (
        mean_sd(mean, sd),
        (Number(_value(mean), DECIMAL, 2, head="Mean"), Number(_value(sd), DECIMAL, 2, head="SD")),
    )


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
    rows: list[Sequence[str | Cell]] = []
    notes = []
    for c in results.components:
        rows.append(
            (
                COMPONENT_NAMES[c.component],
                count_cell(c.n_items),
                count_cell(c.n_answers),
                percent_cell(c.top_percent, decimals),
                SUPPRESSED if c.suppressed else positive_cell(c.positive, decimals),
                _mean_sd_cell(c.mean, c.sd),
                decimal_cell(c.median, 1),
                _alpha_cell(c.alpha, c.alpha_n),
            )
        )
        if c.note:
            notes.append(f"{COMPONENT_NAMES[c.component]}: {c.note}")
    scales = table_scales(results, (s.scale for s in results.items))
    notes.insert(
        0,
        "% top level and % positive pool all valid answers to the component's "
        f"items; positive = the scale's favourable collapse group ({positive_groups(scales)}). "
        "The interval of % positive counts each respondent's answers as one cluster (Wilson "
        "interval at the effective n of Kish's design effect), not as independent answers.",
    )
    caption = f"CIPP component summary (n = {count(results.n_respondents)})"
    return make_table(caption, header, rows, tuple(notes), key="components")


#: How a count masked only so that another cannot be worked out by subtraction shows.
SECONDARY_MASK = "masked"
#: How each count of a table too small to protect cell by cell shows.
WITHHELD_MASK = "withheld"


def mask_note(min_cell: int) -> str:
    return (
        f"Counts from 1 to {min_cell - 1} and their percentages are masked (< {min_cell}); "
        "enough other counts are masked too, shown as "
        f'"{SECONDARY_MASK}", that none can be worked out from the totals printed beside '
        "them (or a group's positive count from its other answers), and statistics that "
        f'could reveal a masked count are withheld ("{SUPPRESSED}"). A table with too few '
        f'people in it to protect that way shows every count as "{WITHHELD_MASK}".'
    )


def mask_text(mask: str, min_cell: int) -> str:
    """A masked cell: "< N" for a small count, SECONDARY_MASK for one masked to protect it,
    WITHHELD_MASK for every cell of a table too small to protect cell by cell."""
    if mask == WITHHELD:
        return WITHHELD_MASK
    return f"< {min_cell}" if mask == SMALL else SECONDARY_MASK


def demographics_table(results: Results, *, decimals: int = 1) -> TextTable:
    """n (%) per category; numeric demographics also as mean ± SD.

    Categories the findings mask (``min_cell``) show as "< N" or "masked".
    """
    findings = results.findings
    header = ("Characteristic", "n (%)")
    rows: list[Sequence[str | Cell]] = []
    hidden = False
    for d in results.demographics:
        rows.append((d.label,))
        if d.kind == "numeric":
            rows.append(("Mean ± SD", _mean_sd_cell(d.mean, d.sd)))
        masks = findings.demographics.get(d.id, (SHOWN,) * len(d.categories))
        for category, mask in zip(d.categories, masks, strict=True):
            if mask != SHOWN:
                hidden = True
                rows.append((category.label, mask_text(mask, findings.min_cell)))
            else:
                rows.append(
                    (category.label, n_percent_cell(category.n, category.percent, decimals))
                )
        if d.n_missing:
            rows.append(("Missing", count_cell(d.n_missing)))
    caption = f"Respondents' characteristics (n = {count(results.n_respondents)})"
    notes = ["Percentages are of respondents who answered."]
    if hidden:
        notes.append(mask_note(findings.min_cell))
    return make_table(caption, header, rows, tuple(notes), key="demographics")


def _share_cell(cell: GroupShare | None, min_cell: int, decimals: int) -> str | Cell:
    if cell is None:
        return "–"
    if cell.mask != SHOWN:
        return mask_text(cell.mask, min_cell)
    return n_percent_cell(cell.k, cell.percent if cell.n else None, decimals)


#: How a crosstab marks a cell that drives a significant result (more, fewer than expected).
MORE, FEWER = "▲", "▼"


def crosstab_table(test: AssociationTest, decimals: int = 1, min_cell: int = 0) -> Table:
    """One tested item (or component) by one grouping: each group's answers across the
    levels, n (row %), the cells that drive a significant result marked."""
    r = test.result
    marks = {(c.row, c.column): MORE if c.residual > 0 else FEWER for c in test.cells_driving}
    masks = test.masks or tuple((SHOWN,) * len(r.col_labels) for _ in r.row_labels)
    rows: list[Sequence[str | Cell]] = []
    for j, group in enumerate(r.col_labels):
        total = sum(row[j] for row in r.table)
        cells = [
            mask_text(mask_row[j], min_cell)
            if mask_row[j] != SHOWN
            else n_percent_cell(
                row[j],
                100 * row[j] / total if total else None,
                decimals,
                marks.get((level, group), ""),
            )
            for row, level, mask_row in zip(r.table, r.row_labels, masks, strict=True)
        ]
        rows.append((group, *cells, count_cell(total)))
    return make_table(
        f"\u201c{test.text}\u201d by {test.by_label.lower()}: n (row %)",
        (test.by_label, *r.row_labels, "n"),
        rows,
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
    scales = table_scales(results, (s.scale for s in results.items))
    tables = []
    for breakdown in findings.breakdowns:
        rows = [
            (row.text, *(_share_cell(c, findings.min_cell, decimals) for c in row.cells))
            for row in breakdown.rows
        ]
        notes = [
            "n (%) of each group's valid answers in the scale's positive group "
            f"({positive_groups(scales)})."
        ]
        if any(c is not None and c.mask != SHOWN for row in breakdown.rows for c in row.cells):
            notes.append(mask_note(findings.min_cell))
        tables.append(
            make_table(
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
    rows = [
        (
            texts.get(item.id, item.id),
            count_cell(item.asked),
            count_cell(item.answered),
            count_cell(item.missing),
            "; ".join(f"{label}: {count(n)}" for label, n in item.declared_missing) or "–",
            percent_cell(100 * item.answered / item.asked if item.asked else None, decimals),
        )
        for item in found.items
    ]
    notes = [
        "Missing: respondents who left the item blank, gave a declared missing value "
        "(named with its count) or an invalid answer; items not asked have 0 asked."
    ]
    if found.roster:
        notes.append(
            f"Response rate: {count(found.respondents)} of {count(found.roster)} asked "
            f"({percent(found.response_rate, decimals)}%)."
        )
    tables = [
        make_table(
            f"Item non-response (n = {count(results.n_respondents)})",
            ("Item", "Asked", "Answered", "Missing", "Declared missing", "% answered"),
            rows,
            tuple(notes),
            key="nonresponse",
        )
    ]
    for grouping in found.by_group:
        if not any(group.roster for group in grouping.groups):
            continue
        group_rows = [
            (
                group.group,
                mask_text(group.masked, results.findings.min_cell)
                if group.masked
                else count_cell(group.respondents),
                count_cell(group.roster),
                "–" if group.masked else percent_cell(group.response_rate, decimals),
            )
            for group in grouping.groups
        ]
        group_notes = (
            (f"Participation against the roster: {apa_goodness_of_fit(grouping.fit)}.",)
            if grouping.fit is not None
            else ()
        )
        tables.append(
            make_table(
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


def note_mark(index: int) -> str:
    """The letter keying a footnote to a row, as SPSS letters its footnotes: a, b, ...,
    z, aa, ab, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _test_row(test: AssociationTest, trend: bool, mark: str) -> list[str | Cell]:
    r = test.result
    star = "*" if test.significant_adjusted else ""
    cells: list[str | Cell] = [
        test.text,
        test_name(test),
        decimal_cell(r.statistic, 2),
        count_cell(r.df),
        p_cell(r.p_value_used),
        p_cell(test.p_adjusted, star),
        unit_cell(r.effect_size),
    ]
    if trend:
        cells.append(p_cell(r.p_linear_by_linear))
    cells.append(mark if r.testable else (r.reason or ""))
    cells.append(apa_chi_square(r))
    return cells


def _tests_table(
    results: Results, summary: AssociationSummary, tests: list[AssociationTest]
) -> TextTable:
    method = adjustment_name(summary.adjust)
    trend = any(t.result.ordinal for t in tests)
    header: tuple[str, ...] = ("Item", "Test", "χ²", "df", "p", "p adj.", "V")
    header += ("Trend p",) if trend else ()
    header += ("Expected counts", "APA")
    rows: list[Sequence[str | Cell]] = []
    # SPSS's footnote per tested table, lettered; tables with the same footnote share it.
    expected: dict[str, str] = {}
    for test in tests:
        if test.suppressed and test.result.testable:
            rows.append(_suppressed_row(test, len(header)))
            continue
        note = expected_note(test.result) if test.result.testable else None
        if note and note not in expected:
            expected[note] = note_mark(len(expected))
        rows.append(_test_row(test, trend, expected[note] if note else ""))
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
        ),
        f"p: Pearson chi-square, or Fisher's exact test where more than 20% of cells "
        f"expect fewer than 5 or any expects fewer than 1. p adj.: {method} across all "
        f"{count(summary.tests)} tests of the run; * p adj. < {summary.alpha:g}. "
        "V: Cramér's V. Components: respondents with more than half of their answers "
        "positive.",
    ]
    if trend:
        notes.append("Trend p: linear-by-linear association (Mantel-Haenszel), df = 1.")
    notes.extend(f"{mark}. {note}" for note, mark in expected.items())
    return make_table(
        caption,
        header,
        rows,
        tuple(n for n in notes if n),
        key=f"tests_{tests[0].by}",
        hidden_in_terminal=("APA",),
    )


def association_tables(results: Results) -> list[TextTable]:
    """One table of tests per grouping variable; significant rows marked with an asterisk,
    and each tested table's expected counts in SPSS's words, as a lettered note."""
    summary = results.association_summary
    if not results.associations or summary is None:
        return []
    by_ids = list(dict.fromkeys(t.by for t in results.associations))
    return [
        _tests_table(results, summary, [t for t in results.associations if t.by == by])
        for by in by_ids
    ]


def participation_table(results: Results) -> list[TextTable]:
    """Observed and expected respondents per category, with the goodness-of-fit test;
    observed counts masked as the findings say."""
    fit = results.goodness_of_fit
    if fit is None:
        return []
    r = fit.result
    findings = results.findings
    masks = findings.participation or (SHOWN,) * len(r.observed)
    rows = [
        (
            label,
            mask_text(mask, findings.min_cell) if mask != SHOWN else count_cell(o),
            decimal_cell(e, 1),
        )
        for label, o, e, mask in zip(r.labels, r.observed, r.expected, masks, strict=True)
    ]
    caption = f"Participation by {fit.label.lower()}"
    notes: tuple[str, ...] = (
        f"Chi-square goodness of fit against {r.expected_source}: "
        f"{SUPPRESSED if fit.suppressed else apa_goodness_of_fit(r)}.",
    )
    if any(mask != SHOWN for mask in masks):
        notes += (mask_note(findings.min_cell),)
    return [
        make_table(caption, ("Category", "Observed", "Expected"), rows, notes, key="participation")
    ]
