"""``cipp report``: the whole evaluation as one document (docx, html, markdown, xlsx, json).

The document is built once as sections of paragraphs and TextTables, then written by
the same table renderers the survey reports use:

1. the joint display (both strands side by side, per CIPP component);
2. per component: the survey items, the significant tests, the themes with quotes;
3. every survey's full tables and tests;
4. inter-coder agreement, with the methods sentence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from cipp.flow.evaluation import Evaluation
from cipp.model.instrument import COMPONENTS
from cipp.model.results import Results
from cipp.render.apa import format_p
from cipp.render.files import write_text, write_with
from cipp.render.numbers import COMPONENT_NAMES, missing, percent
from cipp.render.tabular import TextTable, all_tables, level_table, test_name
from cipp.stats.describe import plain

REPORT_FORMATS = ("docx", "html", "markdown", "json", "xlsx")


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[TextTable, ...] = ()
    level: int = 1


def _quote(text: str | None, label: str | None) -> str:
    return f"“{text}” ({label})" if text else ""


def joint_display_table(evaluation: Evaluation, *, decimals: int = 1) -> TextTable:
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
                + (f"; significant: {'; '.join(s.significant)}" if s.significant else "")
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
            voiced = [t for t in mine if t.valence not in (None, "neutral") and t.quote]
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
    return TextTable(
        "Joint display of the survey and focus-group findings",
        header,
        tuple(rows),
        tuple(notes),
        key="joint_display",
    )


def _component_level_tables(results: Results, component: str, decimals: int) -> list[TextTable]:
    tables = []
    name = COMPONENT_NAMES[component]
    for table in results.tables():
        items = tuple(s for s in table.items if s.component == component)
        if not items:
            continue
        caption = f"{results.instrument.title}, {name}: n (%) (n = {results.n_respondents})"
        text = level_table(
            results,
            replace(table, caption=caption, items=items),
            decimals=decimals,
            by_component=False,
        )
        tables.append(replace(text, key=f"{results.instrument.id}_{component}_{table.number}"))
    return tables


def _component_tests(results: Results, component: str) -> TextTable | None:
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
    return TextTable(
        f"{results.instrument.title}, {name}: tests of association",
        ("Item", "By", "Test", "p", "Adjusted p"),
        rows,
        ("* adjusted p < .05.",),
        key=f"{results.instrument.id}_{component}_tests",
    )


def _themes_table(evaluation: Evaluation, component: str) -> TextTable | None:
    from cipp.render.qualitative import THEME_HEADER, theme_rows

    themes = [
        t for t in evaluation.themes.themes if t.component == component or component in t.also
    ]
    if not themes:
        return None
    rows = tuple(tuple(row) for row in theme_rows(themes))
    return TextTable(
        f"Focus-group themes read through {COMPONENT_NAMES[component]}",
        tuple(THEME_HEADER),
        rows,
        ("Participants: distinct participants of the group who voiced the theme.",),
        key=f"themes_{component}",
    )


def agreement_table(evaluation: Evaluation) -> TextTable:
    from cipp.render.qualitative import agreement_cells, agreement_header

    agreement = evaluation.agreement
    rows = tuple(tuple(agreement_cells(row)) for row in (*agreement.codes, agreement.pooled))
    return TextTable(
        f"Inter-coder agreement ({', '.join(agreement.coders)}; {agreement.units} units)",
        tuple(agreement_header(agreement)),
        rows,
        (agreement.methods, *agreement.notes),
        key="agreement",
    )


def sections(evaluation: Evaluation, *, decimals: int = 1, min_cell: int = 0) -> list[Section]:
    """The report, in reading order."""
    out = [
        Section(
            "Joint display",
            ("Survey and focus-group findings side by side, per CIPP component.",),
            (joint_display_table(evaluation, decimals=decimals),),
        )
    ]
    for row in evaluation.joint.rows:
        component = row.component
        tables: list[TextTable] = []
        for results in evaluation.surveys:
            tables.extend(_component_level_tables(results, component, decimals))
            tests = _component_tests(results, component)
            if tests is not None:
                tables.append(tests)
        themes = _themes_table(evaluation, component)
        if themes is not None:
            tables.append(themes)
        paragraphs = (f"Fit: {row.fit} ({row.fit_source}). {row.meta_inference}",)
        out.append(Section(COMPONENT_NAMES[component], paragraphs, tuple(tables)))
    for results in evaluation.surveys:
        tables = [
            replace(
                t,
                caption=t.caption
                if results.instrument.title in t.caption
                else f"{results.instrument.title}: {t.caption}",
                key=f"{results.instrument.id}_{t.key}",
            )
            for t in all_tables(results, decimals=decimals, min_cell=min_cell)
        ]
        summary = results.association_summary
        paragraphs = (
            f"Source: {results.source}; n = {results.n_respondents} respondents.",
            *(summary.sentences if summary is not None else ()),
        )
        out.append(Section(f"Survey: {results.instrument.title}", paragraphs, tuple(tables)))
    themes = evaluation.themes
    groups = "; ".join(
        f"{g.group}: {g.participants} participants in {g.sessions} sessions" for g in themes.groups
    )
    out.append(
        Section(
            "Focus groups: inter-coder agreement",
            (
                f"Groups: {groups}.",
                evaluation.agreement.methods,
                *(f"Warning: {w}" for w in themes.warnings),
            ),
            (agreement_table(evaluation),),
        )
    )
    if evaluation.notes:
        out.append(Section("Notes", evaluation.notes))
    return out


def _all_text(parts: list[Section]) -> str:
    texts = []
    for section in parts:
        texts += [section.heading, *section.paragraphs]
        for table in section.tables:
            texts += [table.caption, *table.header, *table.notes]
            texts += [cell for row in table.rows for cell in row]
    return "\n".join(texts)


def _share(value: float | None, decimals: int) -> str:
    """A survey's % positive in the joint display; "no answers" when it has none."""
    return "no answers" if missing(value) else f"{percent(value, decimals)}%"


def render_markdown(parts: list[Section], title: str) -> str:
    from cipp.render.markdown import markdown_table

    lines = [f"# {title}", ""]
    for section in parts:
        lines += [f"{'#' * (section.level + 1)} {section.heading}", ""]
        lines += [p + "\n" for p in section.paragraphs]
        for table in section.tables:
            lines += [markdown_table(table), ""]
    return "\n".join(lines)


def render_html(parts: list[Section], title: str) -> str:
    from html import escape

    from cipp import __version__
    from cipp.render.html import _CSS, html_table

    body = []
    contents = []
    for number, section in enumerate(parts, start=1):
        anchor = f"s{number}"
        contents.append(f'<li><a href="#{anchor}">{escape(section.heading)}</a></li>')
        body.append(f'<section id="{anchor}"><h2>{escape(section.heading)}</h2>')
        body += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
        body += [html_table(t, table_id=t.key) for t in section.tables]
        body.append("</section>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8" />',
            '<meta name="viewport" content="width=device-width, initial-scale=1" />',
            f'<meta name="generator" content="cipp {escape(__version__)}" />',
            f"<title>{escape(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            f"<header><h1>{escape(title)}</h1></header>",
            f'<nav aria-label="Contents"><h2>Contents</h2><ol>{"".join(contents)}</ol></nav>',
            *body,
            f"<footer><p>Produced by cipp {escape(__version__)}.</p></footer>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _docx(parts: list[Section], title: str, out: Path, inputs: tuple[Path, ...]) -> None:
    from docx import Document

    from cipp.render.docx import _add_tables, _setup_styles

    document = Document()
    _setup_styles(document)
    document.core_properties.title = title
    document.add_paragraph(title, style="Title")
    number = 1
    for section in parts:
        if not section.tables:
            document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs if not section.tables else ():
            document.add_paragraph(paragraph)
        if section.tables:
            # The heading goes with the first table (it may start a landscape page).
            number = _add_tables(document, list(section.tables), number, heading=section.heading)
            for paragraph in section.paragraphs:
                document.add_paragraph(paragraph)
    write_with(out, lambda tmp: document.save(str(tmp)), inputs=inputs)


def _xlsx(parts: list[Section], out: Path, inputs: tuple[Path, ...]) -> None:
    from openpyxl import Workbook

    from cipp.render.xlsx import add_table_sheet

    workbook = Workbook()
    default = workbook.active
    used: set[str] = set()
    for section in parts:
        for table in section.tables:
            name = table.key.replace("_", " ")[:28] or "Table"
            while name in used:
                name = f"{name[:26]}{len(used) % 100:02d}"
            used.add(name)
            add_table_sheet(workbook, table, title=name)
    if default is not None:
        workbook.remove(default)
    write_with(out, lambda tmp: workbook.save(tmp), inputs=inputs)


def write_report(
    evaluation: Evaluation,
    output_format: str,
    out: Path,
    *,
    decimals: int = 1,
    min_cell: int = 0,
    inputs: tuple[Path, ...] = (),
) -> None:
    """Write the evaluation report; fails before writing if a real name survives in it."""
    parts = sections(evaluation, decimals=decimals, min_cell=min_cell)
    title = "CIPP evaluation: " + " and ".join(r.instrument.title for r in evaluation.surveys)
    names = evaluation.pseudonyms
    if output_format == "json":
        # Missing numbers (a survey with no answers to a component) are null, as in the
        # JSON of cipp analyze.
        document = plain(evaluation.to_dict())
        text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    elif output_format == "markdown":
        text = render_markdown(parts, title)
    elif output_format == "html":
        text = render_html(parts, title)
    else:
        text = _all_text(parts)
    if names is not None:
        names.check(text, where=str(out))
    if output_format in ("json", "markdown", "html"):
        write_text(out, text, inputs=inputs)
    elif output_format == "docx":
        _docx(parts, title, out, inputs)
    else:
        _xlsx(parts, out, inputs)


__all__ = [
    "COMPONENTS",
    "REPORT_FORMATS",
    "Section",
    "joint_display_table",
    "sections",
    "write_report",
]
