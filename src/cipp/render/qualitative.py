"""Rendering agreement and theme results: a rich table, JSON, CSV or Markdown text; and
the adjudication sheet of two coders' disagreements (CSV).

Renderers compute nothing; they round (tables and Markdown: coefficients to three
decimals, agreement as a percentage to one) and lay out. JSON is ``to_dict()`` as is;
CSV keeps full precision, one tidy row per code (agreement) or per theme, group and
code (themes).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from cipp.model.coding import ADJUDICATION_COLUMNS, Disagreement
from cipp.model.errors import OutputError
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
from cipp.render.dispatch import TEXT_FORMATS

#: The text formats but HTML, which only ``cipp report`` writes for the focus groups.
FORMATS: tuple[str, ...] = tuple(fmt for fmt in TEXT_FORMATS if fmt != "html")
LEGEND = (
    "kappa: Cohen's (two coders) or Fleiss' (more), with Landis and Koch's band; "
    f"alpha: Krippendorff's, reliable >= {KRIPPENDORFF_RELIABLE:.3f}, tentative >= "
    f"{KRIPPENDORFF_TENTATIVE:.3f}; AC1: Gwet's; BP: Brennan-Prediger."
)


def render(results: AgreementResults | ThemeResults, fmt: str, *, width: int = 120) -> str:
    """Render ``results`` in format ``fmt`` (table, json, csv or markdown) as text."""
    if fmt not in FORMATS:
        raise OutputError(f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
    if fmt == "json":
        return json.dumps(results.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if isinstance(results, AgreementResults):
        if fmt == "csv":
            return _agreement_csv(results)
        if fmt == "markdown":
            return _agreement_markdown(results)
        return _to_text(_agreement_tables(results), width)
    if fmt == "csv":
        return _themes_csv(results)
    if fmt == "markdown":
        return _themes_markdown(results)
    return _to_text(_themes_tables(results), width)


def _to_text(items: list[Any], width: int) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    for item in items:
        console.print(item)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return str(output)


def _coef(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


def _full(value: float) -> str:
    return "" if math.isnan(value) else repr(float(value))


# --- agreement ------------------------------------------------------------------------


def agreement_header(results: AgreementResults) -> list[str]:
    """The header of the agreement table: code, units, each coder's prevalence, coefficients."""
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
    """One row of the agreement table, rounded; ``names``: label codes by name (and id)."""
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


def _agreement_tables(results: AgreementResults) -> list[Any]:
    table = Table(
        title=f"Inter-coder agreement ({', '.join(results.coders)}; {results.units} units)",
        caption=LEGEND,
        show_lines=False,
    )
    rows = [agreement_cells(row, names=False) for row in (*results.codes, results.pooled)]
    for index, header in enumerate(agreement_header(results)):
        if index == 0:
            table.add_column(header, overflow="fold")
        else:  # numbers never shrink: the code column folds instead
            widest = max(len(row[index]) for row in rows)
            table.add_column(header, justify="right", min_width=widest, no_wrap=True)
    for row in results.codes:
        table.add_row(*agreement_cells(row, names=False))
    table.add_section()
    table.add_row(*agreement_cells(results.pooled, names=False), style="bold")
    return [table, "", results.methods, *(f"Note: {note}" for note in results.notes)]


def _agreement_markdown(results: AgreementResults) -> str:
    lines = [
        f"## Inter-coder agreement ({', '.join(results.coders)}; {results.units} units)",
        "",
    ]
    lines += _md_table(
        agreement_header(results),
        [agreement_cells(row) for row in results.codes]
        + [[f"**{cell}**" for cell in agreement_cells(results.pooled)]],
    )
    lines += ["", LEGEND, "", results.methods]
    lines += [f"\n- {note}" for note in results.notes]
    return "\n".join(lines) + "\n"


def _agreement_csv(results: AgreementResults) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "code",
            "name",
            "theme",
            "units",
            *(f"prevalence_{coder}" for coder in results.coders),
            "percent_agreement",
            "kappa",
            "kappa_band",
            "alpha",
            "alpha_band",
            "ac1",
            "brennan_prediger",
            "disagreements",
        ]
    )
    for row in (*results.codes, results.pooled):
        writer.writerow(
            [
                row.code,
                row.name,
                row.theme,
                row.units,
                *(_full(share) for _, share in row.prevalence),
                _full(row.percent_agreement),
                _full(row.kappa),
                row.kappa_band,
                _full(row.alpha),
                row.alpha_band,
                _full(row.ac1),
                _full(row.brennan_prediger),
                row.disagreements,
            ]
        )
    return buffer.getvalue()


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
    """One row per theme and group, under :data:`THEME_HEADER`: counts, codes and quotes."""
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


#: The columns of the themes table (:func:`theme_rows`).
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


def _groups_line(results: ThemeResults) -> str:
    return "Groups: " + "; ".join(
        f"{group.group}: {group.participants} participants in {group.sessions} "
        + ("session" if group.sessions == 1 else "sessions")
        for group in results.groups
    )


def _themes_tables(results: ThemeResults) -> list[Any]:
    items: list[Any] = [_groups_line(results)]
    for component, themes in results.by_component().items():
        rows = theme_rows(themes)
        table = Table(title=f"{component.capitalize()}", show_lines=True)
        for header in THEME_HEADER:
            table.add_column(header)
        for row in rows:
            table.add_row(*row)
        if not rows:
            table.add_row("(no themes)", *[""] * (len(THEME_HEADER) - 1))
        items.append(table)
    items += [f"Warning: {line}" for line in results.warnings]
    items += [f"Note: {line}" for line in results.notes]
    return items


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md(cell) for cell in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
    return lines


def _themes_markdown(results: ThemeResults) -> str:
    lines = ["## Themes by CIPP component", "", _groups_line(results)]
    for component, themes in results.by_component().items():
        lines += ["", f"### {component.capitalize()}", ""]
        rows = theme_rows(themes)
        lines += _md_table(THEME_HEADER, rows) if rows else ["(no themes)"]
        also = results.also_in(component)
        if also:
            lines += ["", "Also read here: " + ", ".join(theme.name for theme in also)]
    if results.warnings:
        lines += ["", "**Warnings**", ""] + [f"- {_md(line)}" for line in results.warnings]
    if results.notes:
        lines += ["", "Notes:", ""] + [f"- {_md(line)}" for line in results.notes]
    return "\n".join(lines) + "\n"


def _themes_csv(results: ThemeResults) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
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
        ]
    )
    for theme in results.themes:
        for entry in theme.groups:
            base = [
                theme.component or "",
                theme.theme,
                theme.name,
                theme.valence or "",
                entry.group,
            ]
            quotes = "\n".join(f"{q.label}: {q.text}" for q in entry.quotes)
            writer.writerow(
                [
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
                ]
            )
            for code in entry.codes:
                quotes = "\n".join(f"{q.label}: {q.text}" for q in code.quotes)
                writer.writerow(
                    [
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
                    ]
                )
    return buffer.getvalue()


# --- the adjudication sheet -----------------------------------------------------------


def disagreements_csv(disagreements: Sequence[Disagreement]) -> str:
    """The adjudication sheet as CSV text (decisions carried over when already set); read
    back by :func:`cipp.read.adjudication.read_adjudication`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ADJUDICATION_COLUMNS)
    for item in disagreements:
        writer.writerow(
            [
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
