"""The document of one analysis (``cipp analyze``, and each wave of ``cipp batch``).

The brief view (terminal, Markdown, spreadsheets) is the paper's tables straight through:
Table 1, Table 2, the component summary, the respondents, participation, the tests and
the positive answers by group, then what the tests found and the notes. The full view
(HTML, Word) is a report: an executive summary per CIPP component, a section per
component, the tables, the figures, the tests, the respondents and the notes.
"""

from __future__ import annotations

from dataclasses import replace

from cipp.model.errors import shown
from cipp.model.results import LevelTable, Results
from cipp.render.document import (
    BRIEF,
    FULL,
    KEY,
    PAGE,
    WARNING,
    Block,
    Bullets,
    Card,
    Document,
    Figures,
    Paragraph,
    Section,
    Source,
    Summary,
    Table,
)
from cipp.render.numbers import COMPONENT_NAMES, count
from cipp.render.prose import (
    adjustment_name,
    overall_sentences,
    strongest_weakest,
    what_tests_found,
)
from cipp.render.tabular import (
    all_tables,
    association_tables,
    breakdown_tables,
    components_table,
    crosstab_tables,
    demographics_table,
    level_table,
    level_table_what,
    nonresponse_tables,
    participation_table,
    positive_groups,
    table_scales,
)
from cipp.render.tidy import CSV_COLUMNS, LEVEL_COLUMNS, TEST_COLUMNS, tidy_records
from cipp.render.weights import weighted_tables

CIPP_NOTE = (
    "Items are grouped under Stufflebeam's CIPP components: Context, Input, Process and Product."
)
PERCENT_NOTE = (
    "Percentages are of valid answers to each item; missing and invalid answers are "
    "excluded and counted in the tables' Missing column."
)
INVALID_TITLE = "Invalid cells (counted as invalid, not as any level):"
#: The brief view lists at most this many invalid cells (JSON has them all).
INVALID_SHOWN = 50


def _invalid_cells(results: Results) -> Bullets | None:
    if not results.invalid_cells:
        return None
    lines = [
        f"{c.file}{f', sheet {c.sheet}' if c.sheet else ''}, row {c.row}, column "
        f"{c.column} ({c.variable}): {shown(c.value)}"
        for c in results.invalid_cells[:INVALID_SHOWN]
    ]
    more = len(results.invalid_cells) - INVALID_SHOWN
    if more > 0:
        lines.append(f"... and {more} more")
    return Bullets(tuple(lines), title=INVALID_TITLE, style=WARNING)


def _brief(results: Results, decimals: int) -> Section:
    blocks: list[Block] = list(all_tables(results, decimals=decimals))
    blocks += weighted_tables(results, decimals)
    if results.association_summary is not None:
        blocks.append(Paragraph(overall_sentences(results)[-1], KEY))
    if results.notes:
        blocks.append(Bullets(results.notes, title="Notes:"))
    invalid = _invalid_cells(results)
    if invalid is not None:
        blocks.append(invalid)
    return Section(None, tuple(blocks), show=(BRIEF,))


def _summary(results: Results, decimals: int) -> Section:
    ran = bool(results.associations)
    method = results.association_summary.adjust if results.association_summary else "bh"
    cards = tuple(
        Card(
            finding.component,
            COMPONENT_NAMES[finding.component],
            (
                *strongest_weakest(results, finding, decimals),
                *((what_tests_found(finding.effects, ran, method),) if ran else ()),
            ),
        )
        for finding in results.findings.components
    )
    scales = table_scales(results, (s.scale for s in results.items))
    lead = (
        f"{count(results.n_respondents)} respondents. Strongest and weakest items by "
        "positive share: the percentage of valid answers in the scale's favourable group "
        f"({positive_groups(scales)})."
    )
    summary = Summary(cards, overall_sentences(results), lead=lead)
    return Section("Executive summary", (summary,), id="summary", show=FULL)


def _component_tables(results: Results, component: str, decimals: int) -> list[Table]:
    """This component's items, one table per response scale, without the heading rows."""
    name = COMPONENT_NAMES[component]
    tables = []
    for table in results.tables():
        items = tuple(s for s in table.items if s.component == component)
        if not items:
            continue
        subset: LevelTable = replace(table, items=items)
        what = level_table_what(results, subset)
        text = level_table(
            results,
            subset,
            decimals=decimals,
            by_component=False,
            caption=f"{name}: {what}, n (%) (n = {count(results.n_respondents)})",
        )
        tables.append(replace(text, key=f"{component}-{text.key}"))
    return tables


def _components(results: Results, decimals: int) -> list[Section]:
    return [
        Section(
            COMPONENT_NAMES[finding.component],
            (
                Paragraph(" ".join(strongest_weakest(results, finding, decimals))),
                *_component_tables(results, finding.component, decimals),
            ),
            id=finding.component,
            show=(PAGE,),
        )
        for finding in results.findings.components
    ]


def _tests(results: Results, decimals: int) -> Section:
    tables: list[Block] = [
        *participation_table(results),
        *association_tables(results),
        *breakdown_tables(results, decimals=decimals),
    ]
    blocks = tables or [Paragraph(sentence) for sentence in overall_sentences(results)]
    return Section("Tests of association", tuple(blocks), id="tests", show=FULL)


def survey_document(
    results: Results, *, decimals: int = 1, figures: bool = True, crosstabs: bool = False
) -> Document:
    """The document of ``results`` (``figures=False`` leaves the figures out;
    ``crosstabs=True`` adds every tested table in full)."""
    full = [
        _summary(results, decimals),
        *_components(results, decimals),
        Section(
            "Tables",
            (
                *(level_table(results, t, decimals=decimals) for t in results.tables()),
                components_table(results, decimals=decimals),
            ),
            id="tables",
            show=FULL,
        ),
    ]
    # Figures show every level's share: none under disclosure control.
    if figures and results.tables() and results.findings.min_cell <= 1:
        full.append(Section("Figures", (Figures(results),), id="figures", show=FULL))
    full.append(_tests(results, decimals))
    if crosstabs and results.associations:
        tables = tuple(crosstab_tables(results, decimals=decimals))
        full.append(Section("Crosstabs", tables, id="crosstabs"))
    if results.weighting is not None:
        weighted = tuple(weighted_tables(results, decimals))
        full.append(Section("Weighted estimates", weighted, id="weighted", show=FULL))
    respondents = [
        *([demographics_table(results, decimals=decimals)] if results.demographics else []),
        *nonresponse_tables(results, decimals=decimals),
    ]
    if respondents:
        full.append(Section("Respondents", tuple(respondents), id="respondents", show=FULL))
    notes: list[Block] = [Bullets((PERCENT_NOTE, *results.notes))]
    invalid = _invalid_cells(results)
    if invalid is not None:
        notes.append(invalid)
    full.append(Section("Notes", tuple(notes), id="notes", show=FULL))
    return Document(
        title=results.instrument.title,
        sections=(_brief(results, decimals), *full),
        data=results,
        records=tidy_records(results),
        source=Source(results.source, results.sheet, results.n_respondents),
        meta=(CIPP_NOTE,),
    )


__all__ = [
    "CSV_COLUMNS",
    "LEVEL_COLUMNS",
    "TEST_COLUMNS",
    "survey_document",
    "tidy_records",
    "adjustment_name",
]
