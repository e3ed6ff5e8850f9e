"""``cipp report``: the whole evaluation as one document, in any format.

Its sections, in reading order:

1. the joint display (both strands side by side, per CIPP component);
2. per component: the survey items, the significant tests, the themes with quotes;
3. every survey's full tables and tests;
4. inter-coder agreement, with the methods sentence;
5. the recommendations, each traced to its evidence (cipp.render.recommendations).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cipp.model.coding import RECOMMENDATION
from cipp.model.joint import Evaluation, JointRow
from cipp.model.results import Results
from cipp.render.apa import format_p
from cipp.render.document import Document, Paragraph, Records, Section, Table
from cipp.render.numbers import COMPONENT_NAMES, missing, percent
from cipp.render.prose import agreement_methods, association_sentences, significant_test_line
from cipp.render.recommendations import recommendations_sections
from cipp.render.survey import CSV_COLUMNS, tidy_records
from cipp.render.tabular import all_tables, level_table, test_name


def _section(heading: str, paragraphs: Sequence[str] = (), tables: Sequence[Table] = ()) -> Section:
    return Section(heading, (*(Paragraph(p) for p in paragraphs), *tables))


def _quote(text: str | None, label: str | None) -> str:
    return f"“{text}” ({label})" if text else ""


def joint_display_table(evaluation: Evaluation, *, decimals: int = 1) -> Table:
    """One row per component: survey % positive, each group's themes with a quote, the fit."""
    groups = [g.group for g in evaluation.themes.groups]
    header = (
        "Component",
        "Surveys: % positive",
        *(f"{g.capitalize()} themes" for g in groups),
        "Fit",
        "Meta-inference",
    )
    rows = []
    for row in evaluation.joint.rows:
        surveys = (
            "; ".join(
                f"{s.title}: {_share(s.positive_percent, decimals)} "
                f"({len(s.items)} item{'' if len(s.items) == 1 else 's'}"
                + (
                    f"; significant: {'; '.join(map(significant_test_line, s.significant))}"
                    if s.significant
                    else ""
                )
                + ")"
                for s in row.surveys
            )
            or "no survey items"
        )
        cells = [COMPONENT_NAMES[row.component], surveys]
        for group in groups:
            mine = sorted(
                (t for t in row.themes if t.group == group), key=lambda t: -t.participants
            )
            text = "; ".join(
                f"{t.name} ({t.participants} of {t.of_participants}"
                f"{', ' + t.valence if t.valence else ''})"
                for t in mine
            )
            # The quote comes from the largest theme that takes a side, not a recommendation.
            voiced = [
                t
                for t in mine
                if t.kind != RECOMMENDATION and t.valence not in (None, "neutral") and t.quote
            ]
            quoted = voiced[0] if voiced else next((t for t in mine if t.quote), None)
            if quoted is not None:
                text += f". {_quote(quoted.quote, quoted.quote_label)}"
            cells.append(text or "–")
        fit = row.fit + (" (set)" if row.fit_source == "set" else " (proposed)")
        cells += [fit, row.meta_inference]
        rows.append(tuple(cells))
    proposed = [
        COMPONENT_NAMES[r.component] for r in evaluation.joint.rows if r.fit_source == "proposed"
    ]
    chosen = [COMPONENT_NAMES[r.component] for r in evaluation.joint.rows if r.fit_source == "set"]
    notes = [
        "% positive pools every valid survey answer to the component's items. Themes are "
        "those read through the component (main or also); counts are participants of the "
        "group. Fit: confirmation (both strands lean the same way), discordance (they "
        "lean opposite ways), expansion (the focus groups add what the items do not "
        "measure).",
        f"Fits proposed by cipp: {', '.join(proposed) or 'none'}; set by the researcher: "
        f"{', '.join(chosen) or 'none'}.",
    ]
    return Table(
        "Joint display of the survey and focus-group findings",
        header,
        tuple(rows),
        tuple(notes),
        key="joint_display",
    )


def _component_level_tables(results: Results, component: str, decimals: int) -> list[Table]:
    tables = []
    name = COMPONENT_NAMES[component]
    for table in results.tables():
        items = tuple(s for s in table.items if s.component == component)
        if not items:
            continue
        caption = f"{results.instrument.title}, {name}: n (%) (n = {results.n_respondents})"
        text = level_table(
            results,
            replace(table, items=items),
            decimals=decimals,
            by_component=False,
            caption=caption,
        )
        tables.append(replace(text, key=f"{results.instrument.id}_{component}_{table.number}"))
    return tables


def _component_tests(results: Results, component: str) -> Table | None:
    tests = [t for t in results.associations if t.component == component and t.result.testable]
    if not tests:
        return None
    rows = tuple(
        (
            t.text,
            t.by_label,
            test_name(t),
            format_p(t.result.p_value_used),
            format_p(t.p_adjusted) + (" *" if t.significant_adjusted else ""),
        )
        for t in tests
    )
    name = COMPONENT_NAMES[component]
    return Table(
        f"{results.instrument.title}, {name}: tests of association",
        ("Item", "By", "Test", "p", "Adjusted p"),
        rows,
        ("* adjusted p < .05.",),
        key=f"{results.instrument.id}_{component}_tests",
    )


def _themes_table(evaluation: Evaluation, component: str) -> Table | None:
    from cipp.render.qualitative import themes_table

    themes = [
        t for t in evaluation.themes.themes if t.component == component or component in t.also
    ]
    if not themes:
        return None
    table = themes_table(
        themes,
        f"Focus-group themes read through {COMPONENT_NAMES[component]}",
        f"themes_{component}",
    )
    return replace(
        table,
        notes=("Participants: distinct participants of the group who voiced the theme.",),
        align_numbers=True,
    )


def agreement_table(evaluation: Evaluation) -> Table:
    from cipp.render.qualitative import agreement_table as table_of

    agreement = evaluation.agreement
    return replace(
        table_of(agreement),
        notes=(agreement_methods(agreement), *agreement.notes),
        styles=(),
        align_numbers=True,
    )


def _component_section(evaluation: Evaluation, row: JointRow, decimals: int) -> Section:
    """One CIPP component: each survey's items and tests, the themes read through it."""
    component = row.component
    tables: list[Table] = []
    for results in evaluation.surveys:
        tables.extend(_component_level_tables(results, component, decimals))
        tests = _component_tests(results, component)
        if tests is not None:
            tables.append(tests)
    themes_table = _themes_table(evaluation, component)
    if themes_table is not None:
        tables.append(themes_table)
    paragraphs = (f"Fit: {row.fit} ({row.fit_source}). {row.meta_inference}",)
    return _section(COMPONENT_NAMES[component], paragraphs, tuple(tables))


def _survey_section(results: Results, decimals: int) -> Section:
    """One survey's full tables and tests, captions naming the survey."""
    tables = [
        replace(
            t,
            caption=t.caption
            if results.instrument.title in t.caption
            else f"{results.instrument.title}: {t.caption}",
            key=f"{results.instrument.id}_{t.key}",
        )
        for t in all_tables(results, decimals=decimals)
    ]
    summary = results.association_summary
    sentences = association_sentences(summary, results.associations) if summary else ()
    paragraphs = (
        f"Source: {results.source}; n = {results.n_respondents} respondents.",
        *sentences,
    )
    return _section(f"Survey: {results.instrument.title}", paragraphs, tuple(tables))


def _agreement_section(evaluation: Evaluation) -> Section:
    themes = evaluation.themes
    groups = "; ".join(
        f"{g.group}: {g.participants} participants in {g.sessions} sessions" for g in themes.groups
    )
    return _section(
        "Focus groups: inter-coder agreement",
        (
            f"Groups: {groups}.",
            agreement_methods(evaluation.agreement),
            *(f"Warning: {w}" for w in themes.warnings),
        ),
        (agreement_table(evaluation),),
    )


def sections(evaluation: Evaluation, *, decimals: int = 1) -> list[Section]:
    """The report, in reading order."""
    out = [
        _section(
            "Joint display",
            ("Survey and focus-group findings side by side, per CIPP component.",),
            (joint_display_table(evaluation, decimals=decimals),),
        ),
        *(_component_section(evaluation, row, decimals) for row in evaluation.joint.rows),
        *(_survey_section(results, decimals) for results in evaluation.surveys),
        _agreement_section(evaluation),
        *recommendations_sections(evaluation, decimals=decimals),
    ]
    if evaluation.notes:
        out.append(_section("Notes", evaluation.notes))
    return out


def _share(value: float | None, decimals: int) -> str:
    """A survey's % positive in the joint display; "no answers" when it has none."""
    return "no answers" if missing(value) else f"{percent(value, decimals)}%"


def _records(evaluation: Evaluation) -> Records:
    """Every survey's tidy rows, each led by its instrument's id."""
    rows = tuple(
        (results.instrument.id, *row)
        for results in evaluation.surveys
        for row in tidy_records(results).rows
    )
    return Records(("instrument", *CSV_COLUMNS), rows)


def report_document(evaluation: Evaluation, *, decimals: int = 1) -> Document:
    """The evaluation report; writing it fails if a real name from the pseudonym file
    survives in it (cipp.render.formats.write)."""
    title = "CIPP evaluation: " + " and ".join(r.instrument.title for r in evaluation.surveys)
    return Document(
        title=title,
        sections=tuple(sections(evaluation, decimals=decimals)),
        data=evaluation,
        records=_records(evaluation),
        names=evaluation.pseudonyms,
    )
