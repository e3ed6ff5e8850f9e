"""``cipp report``: the whole evaluation as one document, in any format.

Its sections, in reading order:

1. the joint display: one block per CIPP component (the surveys' % positive with its
   interval and significant tests, each group's themes and a quote, the fit and the
   meta-inference); a two-column table in the brief view and spreadsheets, a bullet list
   per strand in Word and HTML, so that it wraps on a page and a narrow screen;
2. per component: the survey items, the tests, the themes with quotes;
3. every survey's full tables and tests, then (Word, HTML) its figures;
4. inter-coder agreement, with the methods sentence;
5. the recommendations, each traced to its evidence (cipp.render.recommendations).

Without focus groups (a survey-only evaluation) the joint display shows the survey strand
and says the qualitative strand was not given; there is no agreement section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cipp.model.coding import RECOMMENDATION
from cipp.model.joint import Evaluation, JointRow, SurveyEvidence
from cipp.model.results import Results
from cipp.render.apa import format_p
from cipp.render.document import (
    BRIEF,
    FULL,
    Bullets,
    Document,
    Figures,
    Paragraph,
    Records,
    Section,
    Table,
)
from cipp.render.numbers import (
    COMPONENT_NAMES,
    confidence_label,
    count,
    interval,
    missing,
    percent,
)
from cipp.render.prose import (
    NAMED_EFFECTS,
    adjustment_name,
    agreement_methods,
    association_sentences,
    effect_text,
    plural,
    quoted,
    subject_of,
)
from cipp.render.qualitative import of_group
from cipp.render.recommendations import recommendations_sections
from cipp.render.tabular import all_tables, level_table, make_table, p_cell, test_name
from cipp.render.tidy import CSV_COLUMNS, recommendation_row, tidy_records


def _section(heading: str, paragraphs: Sequence[str] = (), tables: Sequence[Table] = ()) -> Section:
    return Section(heading, (*(Paragraph(p) for p in paragraphs), *tables))


def _quote(text: str | None, label: str | None) -> str:
    return f"“{text}” ({label})" if text else ""


#: A row of a joint display block: (label, text), or (heading,) for a strand.
_Row = tuple[str, ...]
SURVEY_STRAND, QUALITATIVE_STRAND, INTEGRATION = (
    "Survey strand",
    "Focus-group strand",
    "Integration",
)
#: The widest label of the first column (a terminal keeps the column this wide).
_LONGEST_LABEL = "Significant tests"


def _survey_share(survey: SurveyEvidence, decimals: int) -> str:
    """'66.5% positive (95% CI 61.5–71.2) of 364 answers to 2 items; n = 182'."""
    items = plural(len(survey.items), "item")
    if survey.positive is None:
        return f"% positive withheld under disclosure control ({items})"
    if not survey.n_answers or missing(survey.positive.percent):
        return f"no answers ({items})"
    share = survey.positive
    return (
        f"{percent(share.percent, decimals)}% positive ({confidence_label(survey.confidence)} "
        f"{interval(share.ci_low, share.ci_high, decimals)}) of "
        f"{plural(survey.n_answers, 'answer')} to {items}; n = {survey.n_respondents:,}"
    )


def _test_rows(row: JointRow) -> list[_Row]:
    """The significant tests, largest effect first per survey, at most three named."""
    texts = []
    for survey in row.surveys:
        for effect in survey.effects[:NAMED_EFFECTS]:
            test = effect.test
            where = f" ({survey.title})" if len(row.surveys) > 1 else ""
            texts.append(
                f"{quoted(subject_of(test))} by {test.by_label.lower()}{where}: "
                f"{effect_text(effect)}; adjusted {format_p(test.p_adjusted)}"
            )
        more = len(survey.effects) - NAMED_EFFECTS
        if more > 0:
            texts.append(f"{plural(more, 'more test')} in {survey.title}")
    if not texts:
        tested = [s for s in row.surveys if s.n_answers]
        method = adjustment_name(row.surveys[0].adjust) if tested else ""
        text = f"none after {method} adjustment" if method else "none"
        return [("Significant tests", text)]
    return [("Significant tests" if i == 0 else "", text) for i, text in enumerate(texts)]


def _survey_rows(row: JointRow, decimals: int) -> list[_Row]:
    if not row.surveys:
        return [(SURVEY_STRAND,), ("Surveys", "no survey item on this component")]
    rows: list[_Row] = [(SURVEY_STRAND,)]
    rows += [(s.title, _survey_share(s, decimals)) for s in row.surveys]
    shown = all(s.positive is not None for s in row.surveys)
    if len(row.surveys) > 1 and shown and not missing(row.positive_percent):
        answers = sum(s.n_answers for s in row.surveys)
        rows.append(
            (
                "All surveys",
                f"{percent(row.positive_percent, decimals)}% positive of "
                f"{plural(answers, 'answer')} pooled",
            )
        )
    return rows + _test_rows(row)


def _group_rows(evaluation: Evaluation, row: JointRow) -> list[_Row]:
    """Per focus group: its themes read through the component, largest first, and a quote."""
    rows: list[_Row] = [(QUALITATIVE_STRAND,)]
    for group in evaluation.themes.groups:
        mine = sorted(
            (t for t in row.themes if t.group == group.group), key=lambda t: -t.participants
        )
        name = group.group.capitalize()
        if not mine:
            rows.append((f"{name} themes", "none read through this component"))
            continue
        themes = "; ".join(
            f"{t.name} ({of_group(t.participants, t.of_participants, t.group)}"
            + (f", {t.valence})" if t.valence else ")")
            for t in mine
        )
        rows.append((f"{name} themes", themes))
        # The quote comes from the largest theme that takes a side, not a recommendation.
        voiced = [
            t
            for t in mine
            if t.kind != RECOMMENDATION and t.valence not in (None, "neutral") and t.quote
        ]
        quoted_theme = voiced[0] if voiced else next((t for t in mine if t.quote), None)
        if quoted_theme is not None:
            rows.append((f"{name} quote", _quote(quoted_theme.quote, quoted_theme.quote_label)))
    return rows


def _fit_text(row: JointRow) -> str:
    # The default meta-inference already gives the reason; a researcher's may not.
    reason = "" if row.reason in row.meta_inference else f" ({row.reason})"
    if row.fit_source == "set":
        proposed = f"; cipp proposed {row.proposed_fit}" if row.proposed_fit != row.fit else ""
        return f"{row.fit}, set by the researcher{proposed}{reason}"
    return f"{row.fit}, proposed by cipp{reason}"


def joint_rows(evaluation: Evaluation, row: JointRow, *, decimals: int = 1) -> list[_Row]:
    """One component's block: the survey strand, the focus groups, the fit and the
    meta-inference, as (label, text) rows under a heading row per strand."""
    rows = _survey_rows(row, decimals)
    if not evaluation.qualitative:
        return [*rows, (QUALITATIVE_STRAND,), ("Focus groups", "not given: survey strand only")]
    rows += _group_rows(evaluation, row)
    rows += [(INTEGRATION,), ("Fit", _fit_text(row)), ("Meta-inference", row.meta_inference)]
    return rows


def _joint_notes(evaluation: Evaluation) -> tuple[str, ...]:
    rows = evaluation.joint.rows
    notes = [
        "% positive: the share of valid answers to the component's items in the scale's "
        "favourable group, with its Wilson interval; significant tests: after adjustment "
        "across each survey's tests, largest Cramér's V first, named by Cohen's (1988) "
        "thresholds for the table.",
    ]
    if evaluation.qualitative:
        proposed = [COMPONENT_NAMES[r.component] for r in rows if r.fit_source == "proposed"]
        chosen = [COMPONENT_NAMES[r.component] for r in rows if r.fit_source == "set"]
        notes += [
            "Themes: those read through the component (main or also), with the "
            "participants of the group who voiced them. Fit: confirmation (both strands "
            "lean the same way), discordance (they lean opposite ways), expansion (the "
            "focus groups add what the items do not measure).",
            f"Fits proposed by cipp: {', '.join(proposed) or 'none'}; set by the "
            f"researcher: {', '.join(chosen) or 'none'}.",
        ]
    return tuple(notes)


def joint_display_table(evaluation: Evaluation, row: JointRow, *, decimals: int = 1) -> Table:
    """One component's block as a two-column table (the brief view and spreadsheets)."""
    name = COMPONENT_NAMES[row.component]
    return Table(
        f"Joint display: {name}",
        ("Evidence", "Finding"),
        tuple(joint_rows(evaluation, row, decimals=decimals)),
        key=f"joint_{row.component}",
        first_min=len(_LONGEST_LABEL),
        align_numbers=False,
    )


def _joint_lists(evaluation: Evaluation, row: JointRow, decimals: int) -> tuple[Bullets, ...]:
    """One component's block as a bullet list per strand (Word and HTML: it wraps)."""
    lists: list[Bullets] = []
    for cells in joint_rows(evaluation, row, decimals=decimals):
        if len(cells) == 1:
            lists.append(Bullets((), title=cells[0]))
            continue
        label, text = cells
        item = f"{label}: {text}" if label else text
        last = lists[-1]
        lists[-1] = replace(last, items=(*last.items, item))
    return tuple(lists)


def joint_display_sections(evaluation: Evaluation, *, decimals: int = 1) -> list[Section]:
    """The joint display: a lead, then one block per CIPP component."""
    lead = (
        "Survey and focus-group findings side by side, one block per CIPP component."
        if evaluation.qualitative
        else "The survey strand per CIPP component. The qualitative strand (coded "
        "focus-group segments and their codebook) was not given: this report has no "
        "themes, fits or recommendations."
    )
    notes = Paragraph("Note. " + " ".join(_joint_notes(evaluation)))
    out = [Section("Joint display", (Paragraph(lead), notes), id="joint")]
    for row in evaluation.joint.rows:
        name = f"Joint display: {COMPONENT_NAMES[row.component]}"
        table = joint_display_table(evaluation, row, decimals=decimals)
        out.append(Section(name, (table,), id=f"joint-{row.component}", level=2, show=(BRIEF,)))
        blocks = _joint_lists(evaluation, row, decimals)
        out.append(Section(name, blocks, id=f"joint-{row.component}", level=2, show=FULL))
    return out


def _component_level_tables(results: Results, component: str, decimals: int) -> list[Table]:
    tables = []
    name = COMPONENT_NAMES[component]
    for table in results.tables():
        items = tuple(s for s in table.items if s.component == component)
        if not items:
            continue
        caption = f"{results.instrument.title}, {name}: n (%) (n = {count(results.n_respondents)})"
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
    # p values are held as numbers (a spreadsheet sorts them), shown as APA prints them
    # in a column headed p: '.084', '< .001'.
    rows = tuple(
        (
            t.text,
            t.by_label,
            test_name(t),
            p_cell(t.result.p_value_used),
            p_cell(t.p_adjusted, "*" if t.significant_adjusted else ""),
        )
        for t in tests
    )
    name = COMPONENT_NAMES[component]
    return make_table(
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
    fit = f"Fit: {row.fit} ({row.fit_source}). " if row.fit is not None else ""
    paragraphs = (f"{fit}{row.meta_inference}",)
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
        f"Source: {results.source}; n = {plural(results.n_respondents, 'respondent')}.",
        *sentences,
    )
    return _section(f"Survey: {results.instrument.title}", paragraphs, tuple(tables))


def _figures_section(results: Results) -> Section | None:
    """The survey's diverging (Likert) and Yes/No bar charts, in Word and HTML; none
    under disclosure control (they show every level's share)."""
    if not results.tables() or results.findings.min_cell > 1:
        return None
    return Section(
        f"Figures: {results.instrument.title}",
        (Figures(results),),
        id=f"figures-{results.instrument.id}",
        show=FULL,
    )


def _agreement_section(evaluation: Evaluation) -> Section:
    themes = evaluation.themes
    groups = "; ".join(
        f"{g.group}: {plural(g.participants, 'participant')} in {plural(g.sessions, 'session')}"
        for g in themes.groups
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
    """The report, in reading order (without focus groups: no agreement section)."""
    out = [
        *joint_display_sections(evaluation, decimals=decimals),
        *(_component_section(evaluation, row, decimals) for row in evaluation.joint.rows),
    ]
    for results in evaluation.surveys:
        out.append(_survey_section(results, decimals))
        figures = _figures_section(results)
        if figures is not None:
            out.append(figures)
    if evaluation.qualitative:
        out.append(_agreement_section(evaluation))
    out += recommendations_sections(evaluation, decimals=decimals)
    if evaluation.notes:
        out.append(_section("Notes", evaluation.notes))
    return out


def _records(evaluation: Evaluation) -> Records:
    """Every survey's tidy rows, each led by its instrument's id, then the
    recommendations (with weights, the weighted columns follow, empty elsewhere)."""
    tidy = [(results.instrument.id, tidy_records(results)) for results in evaluation.surveys]
    columns = max((records.columns for _, records in tidy), key=len, default=CSV_COLUMNS)

    def padded(line: tuple[object, ...]) -> tuple[object, ...]:
        return (*line, *(None,) * (len(columns) + 1 - len(line)))

    rows = [padded((survey, *line)) for survey, records in tidy for line in records.rows]
    rows += [padded((None, *recommendation_row(r))) for r in evaluation.recommendations]
    return Records(("instrument", *columns), tuple(rows))


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
