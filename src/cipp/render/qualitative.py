"""The documents of ``cipp qual agreement`` and ``cipp qual themes``, and the adjudication
sheet of two coders' disagreements (CSV).

Coefficients are rounded to three decimals and agreement shown as a percentage to one;
the CSV keeps full precision, one tidy row per code (agreement) or per theme, group and
code (themes).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence

from cipp.model.coding import ADJUDICATION_COLUMNS, Disagreement
from cipp.model.qualitative import (
    KRIPPENDORFF_RELIABLE,
    KRIPPENDORFF_TENTATIVE,
    NO_GROUP,
    AgreementResults,
    CodeAgreement,
    ThemeInGroup,
    ThemeResults,
    ThemeSummary,
)
from cipp.render.document import (
    COUNT,
    STRONG,
    Block,
    Bullets,
    Document,
    Number,
    Paragraph,
    Records,
    Section,
    Table,
)
from cipp.render.prose import agreement_methods
from cipp.render.safe import csv_value

LEGEND = (
    "kappa: Cohen's (two coders) or Fleiss' (more), with Landis and Koch's band; "
    f"alpha: Krippendorff's, reliable >= {KRIPPENDORFF_RELIABLE:.3f}, tentative >= "
    f"{KRIPPENDORFF_TENTATIVE:.3f}; AC1: Gwet's; BP: Brennan-Prediger."
)


def _coef(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


# --- agreement ------------------------------------------------------------------------


def agreement_header(results: AgreementResults) -> list[str]:
    return [
        "Code",
        "Units",
        *(f"% {coder}" for coder in results.coders),
        "Agree",
        "Kappa",
        "Band",
        "Alpha",
        "Verdict",
        "AC1",
        "BP",
        "Disagree",
    ]


def agreement_cells(row: CodeAgreement, *, names: bool = True) -> list[str]:
    label = row.name if names or row.code == "pooled" else row.code
    if names and row.code != "pooled":
        label = f"{row.name} ({row.code})"
    return [
        label,
        str(row.units),
        *(_percent(share) for _, share in row.prevalence),
        _percent(row.percent_agreement),
        _coef(row.kappa),
        row.kappa_band,
        _coef(row.alpha),
        row.alpha_band,
        _coef(row.ac1),
        _coef(row.brennan_prediger),
        str(row.disagreements),
    ]


def agreement_table(results: AgreementResults) -> Table:
    """One row per code and the pooled row (strong), with the agreement's caption."""
    rows = tuple(tuple(agreement_cells(row)) for row in (*results.codes, results.pooled))
    styles = (*((),) * len(results.codes), (STRONG,) * len(rows[-1]))
    caption = f"Inter-coder agreement ({', '.join(results.coders)}; {results.units} units)"
    return Table(
        caption,
        tuple(agreement_header(results)),
        rows,
        key="agreement",
        styles=styles,
        align_numbers=False,
    )


AGREEMENT_COLUMNS = (
    "code",
    "name",
    "theme",
    "units",
    "percent_agreement",
    "kappa",
    "kappa_band",
    "alpha",
    "alpha_band",
    "ac1",
    "brennan_prediger",
    "disagreements",
)


def _agreement_records(results: AgreementResults) -> Records:
    columns = (
        *AGREEMENT_COLUMNS[:4],
        *(f"prevalence_{coder}" for coder in results.coders),
        *AGREEMENT_COLUMNS[4:],
    )
    rows = tuple(
        (
            row.code,
            row.name,
            row.theme,
            row.units,
            *(float(share) for _, share in row.prevalence),
            float(row.percent_agreement),
            float(row.kappa),
            row.kappa_band,
            float(row.alpha),
            row.alpha_band,
            float(row.ac1),
            float(row.brennan_prediger),
            row.disagreements,
        )
        for row in (*results.codes, results.pooled)
    )
    return Records(columns, rows)


def agreement_document(results: AgreementResults) -> Document:
    """``cipp qual agreement``: the table per code, the legend, the methods sentence."""
    table = agreement_table(results)
    blocks: tuple[Block, ...] = (table, Paragraph(LEGEND), Paragraph(agreement_methods(results)))
    if results.notes:
        blocks += (Bullets(tuple(results.notes), loose=True),)
    return Document(
        title=None,
        sections=(Section(table.caption, blocks),),
        data=results,
        records=_agreement_records(results),
    )


# --- themes ---------------------------------------------------------------------------


def _plural(group: str) -> str:
    if group == NO_GROUP:
        return "participants"
    return group if group.endswith("s") else f"{group}s"


def of_group(count: int, total: int, group: str) -> str:
    """'2 of 8 mentors' (or just the count when the group size is unknown)."""
    return f"{count} of {total} {_plural(group)}" if total else str(count)


def _codes_cell(entry: ThemeInGroup) -> str:
    return "; ".join(
        f"{code.name} ({of_group(code.participants, entry.of_participants, entry.group)}"
        + (f", {code.valence}" if code.valence else "")
        + ")"
        for code in entry.codes
    )


def _quote_cell(entry: ThemeInGroup) -> str:
    return " / ".join(f"\u201c{quote.text}\u201d ({quote.label})" for quote in entry.quotes)


def theme_rows(themes: list[ThemeSummary]) -> list[list[str]]:
    rows = []
    for theme in themes:
        for entry in theme.groups:
            rows.append(
                [
                    theme.name + (f" (also {', '.join(theme.also)})" if theme.also else ""),
                    theme.valence or "",
                    entry.group,
                    of_group(entry.participants, entry.of_participants, entry.group),
                    f"{entry.sessions} of {entry.of_sessions}",
                    str(entry.segments),
                    _codes_cell(entry),
                    _quote_cell(entry),
                ]
            )
    return rows


THEME_HEADER = [
    "Theme",
    "Valence",
    "Group",
    "Participants",
    "Sessions",
    "Segments",
    "Codes (participants)",
    "Quotes",
]


def groups_line(results: ThemeResults) -> str:
    return "Groups: " + "; ".join(
        f"{group.group}: {group.participants} participants in {group.sessions} "
        + ("session" if group.sessions == 1 else "sessions")
        for group in results.groups
    )


def _theme_values(themes: list[ThemeSummary]) -> tuple[tuple[tuple[Number, ...], ...], ...]:
    """The counts theme_rows prints as "4 of 27 mentees", held as numbers (a spreadsheet's
    cells), row for row."""
    blank: tuple[Number, ...] = ()
    return tuple(
        (
            blank,
            blank,
            blank,
            (
                Number(entry.participants, COUNT, head="n"),
                Number(entry.of_participants, COUNT, head="of"),
            ),
            (Number(entry.sessions, COUNT, head="n"), Number(entry.of_sessions, COUNT, head="of")),
            (Number(entry.segments, COUNT),),
            blank,
            blank,
        )
        for theme in themes
        for entry in theme.groups
    )


def themes_table(themes: list[ThemeSummary], caption: str, key: str) -> Table:
    rows = tuple(tuple(row) for row in theme_rows(themes))
    return Table(
        caption,
        tuple(THEME_HEADER),
        rows,
        key=key,
        align_numbers=False,
        values=_theme_values(themes),
    )


def _component_section(
    results: ThemeResults, component: str, themes: list[ThemeSummary]
) -> Section:
    name = component.capitalize()
    blocks: list[Block] = [
        themes_table(themes, name, f"themes_{component}") if themes else Paragraph("(no themes)")
    ]
    also = results.also_in(component)
    if also:
        blocks.append(Paragraph("Also read here: " + ", ".join(theme.name for theme in also)))
    return Section(name, tuple(blocks), level=2)


THEMES_COLUMNS = (
    "component",
    "theme",
    "theme_name",
    "theme_valence",
    "group",
    "level",
    "code",
    "code_name",
    "valence",
    "segments",
    "participants",
    "of_participants",
    "sessions",
    "of_sessions",
    "quotes",
)


def _themes_records(results: ThemeResults) -> Records:
    rows: list[tuple[object, ...]] = []
    for theme in results.themes:
        for entry in theme.groups:
            base = (
                theme.component or "",
                theme.theme,
                theme.name,
                theme.valence or "",
                entry.group,
            )
            quotes = "\n".join(f"{q.label}: {q.text}" for q in entry.quotes)
            rows.append(
                (
                    *base,
                    "theme",
                    "",
                    "",
                    theme.valence or "",
                    entry.segments,
                    entry.participants,
                    entry.of_participants,
                    entry.sessions,
                    entry.of_sessions,
                    quotes,
                )
            )
            for code in entry.codes:
                quotes = "\n".join(f"{q.label}: {q.text}" for q in code.quotes)
                rows.append(
                    (
                        *base,
                        "code",
                        code.code,
                        code.name,
                        code.valence or "",
                        code.segments,
                        code.participants,
                        entry.of_participants,
                        code.sessions,
                        entry.of_sessions,
                        quotes,
                    )
                )
    return Records(THEMES_COLUMNS, tuple(rows))


def themes_document(results: ThemeResults) -> Document:
    """``cipp qual themes``: per CIPP component, each theme by group with quotes."""
    sections = [Section("Themes by CIPP component", (Paragraph(groups_line(results)),))]
    for component, themes in results.by_component().items():
        sections.append(_component_section(results, component, themes))
    closing: list[Block] = []
    if results.warnings:
        closing += [Paragraph("Warnings", STRONG), Bullets(tuple(results.warnings))]
    if results.notes:
        closing += [Paragraph("Notes:"), Bullets(tuple(results.notes))]
    if closing:
        sections.append(Section(None, tuple(closing)))
    return Document(
        title=None, sections=tuple(sections), data=results, records=_themes_records(results)
    )


def disagreements_csv(disagreements: Sequence[Disagreement]) -> str:
    """The adjudication sheet as CSV text (decisions carried over when already set); read
    back by :func:`cipp.read.adjudication.read_adjudication`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ADJUDICATION_COLUMNS)
    for item in disagreements:
        # Adjudicators open this in Excel: text that would run as a formula gets a
        # leading ' (render.safe), which cipp.read.adjudication removes again.
        writer.writerow(
            csv_value(value)
            for value in [
                item.segment_id,
                item.code,
                item.said_a,
                item.said_b,
                item.decision or "",
                item.adjudicator,
                item.note,
                item.text,
            ]
        )
    return buffer.getvalue()
