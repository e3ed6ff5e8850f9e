"""A batch's trends as tables, and the batch's output folder.

What is in a trends table (captions, column heads, cells, footnotes) is decided once, in
TextTables, and shown in the terminal (rises ▲ green, falls ▼ red), Markdown and Excel
the same way the single-file tables are. :func:`write_batch` writes one folder per wave,
with that wave's outputs by the existing renderers, and the combined summary on top.
Rounding happens here and nowhere else; the numbers come from cipp.flow.batch unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cipp.model.errors import OutputError
from cipp.render.numbers import COMPONENT_NAMES, missing, number, percent
from cipp.render.prose import adjustment_name, trend_rule
from cipp.render.tabular import TextTable, format_p_cell

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from rich.console import Console, RenderableType
    from rich.table import Table

    from cipp.flow.batch import BatchResults, Trend
    from cipp.model.results import Results

#: What ``--format`` names, and the extension of the file each writes per wave.
EXTENSIONS = {"table": "txt", "json": "json", "csv": "csv", "markdown": "md", "xlsx": "xlsx"}
#: Files at the top of the output folder (wave folders never take these names).
SUMMARY_FILES = ("summary.json", "trends.txt", "trends.md", "trends.xlsx", "trends.csv")

RISE, FALL = "▲", "▼"
DIRECTIONS = {"rise": f"{RISE} rise", "fall": f"{FALL} fall", "steady": "steady"}
NOT_ASKED = "not asked"


def direction_text(direction: str | None) -> str:
    return DIRECTIONS.get(direction or "", "–")


def signed(value: float | None, decimals: int = 1) -> str:
    """'+5.2', '-0.5', '–' when there is no change to show."""
    if missing(value):
        return "–"
    assert value is not None  # for mypy: missing() is False
    return f"{value:+.{decimals}f}"


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def waves_table(batch: BatchResults) -> TextTable:
    """One row per wave: its file, respondents and the items its file did not ask."""
    rows = []
    for name, results in batch.waves.items():
        rows.append(
            (
                name,
                batch.sources.get(name, results.source),
                str(results.n_respondents),
                ", ".join(results.items_not_asked) or "–",
            )
        )
    split = f", split by {batch.split_by}" if batch.split_by else ""
    caption = f"Waves of {batch.instrument.title}{split}"
    notes = tuple(batch.notes)
    return TextTable(
        caption, ("Wave", "File", "Respondents", "Items not asked"), tuple(rows), notes, key="waves"
    )


def _wave_header(batch: BatchResults, name: str) -> str:
    results = batch.waves.get(name)
    return f"{name} (n = {results.n_respondents})" if results is not None else name


def _wave_cell(trend: Trend, wave: str, decimals: int) -> str:
    point = next(p for p in trend.points if p.wave == wave)
    return percent(point.positive_percent, decimals) if point.asked else NOT_ASKED


def trends_table(batch: BatchResults, level: str = "item", *, decimals: int = 1) -> TextTable:
    """% positive per wave, the change from first to last, the direction and the tests.

    ``level`` "item" (rows grouped under their CIPP component) or "component".
    """
    trends = batch.trends
    records = trends.items if level == "item" else trends.components
    header = (
        "Item" if level == "item" else "Component",
        *(_wave_header(batch, w) for w in trends.waves),
        "Change",
        "Direction",
        "p",
        "p adj.",
        "Trend p",
    )
    rows: list[tuple[str, ...]] = []
    current = None
    footnotes: list[str] = []
    for trend in records:
        if level == "item" and trend.component != current:
            current = trend.component
            rows.append((COMPONENT_NAMES[current],))
        test = trend.test
        testable = test is not None and test.testable
        p_used = test.p_value_used if test is not None else None
        p_trend = test.p_linear_by_linear if test is not None else None
        mark = " *" if trend.significant else ""
        rows.append(
            (
                trend.text if level == "item" else COMPONENT_NAMES[trend.component],
                *(_wave_cell(trend, w, decimals) for w in trends.waves),
                signed(trend.positive_change, decimals),
                direction_text(trend.direction),
                format_p_cell(p_used) if testable else "–",
                (format_p_cell(trend.p_adjusted) + mark) if testable else "–",
                format_p_cell(p_trend) if testable else "–",
            )
        )
        label = trend.id if level == "item" else COMPONENT_NAMES[trend.component]
        footnotes.extend(f"{label}: {note}" for note in trend.notes)
    span = f"{trends.waves[0]} to {trends.waves[-1]}" if trends.waves else "no waves"
    what = "item" if level == "item" else "CIPP component"
    caption = f"Trends across waves ({span}): % positive per {what}"
    rows_tested = "collapse groups" if trends.collapsed else "response levels"
    method = adjustment_name(trends.adjust)
    if level == "item":
        share = (
            "% positive: share of an item's valid answers in its scale's favourable group "
            "(e.g. Agree); not asked: the wave's file had no column for the item."
        )
        tested = f"wave x {rows_tested}"
    else:
        share = (
            "% positive pools all valid answers to the component's items, as the "
            "component table does; the tests compare respondents mostly positive (more "
            "than half of their answers positive)."
        )
        tested = "wave x respondents mostly positive or not"
    if level == "item":
        notes = [
            share,
            "Change: percentage points from the first to the last wave with answers. "
            f"Direction: {trend_rule(trends)}",
            f"p: Pearson chi-square of {tested}, or Fisher's exact test where more than 20% "
            f"of cells expect fewer than 5 or any fewer than 1; p adj.: {method} across all "
            f"{trends.tests} trend tests; * p adj. < {trends.alpha:g}. Trend p: "
            "linear-by-linear association with the waves scored 1, 2, ... in order (df = 1).",
        ]
    else:
        notes = [share, "Change, direction and p as in the item table."]
    notes.extend(footnotes)
    key = "trends" if level == "item" else "component_trends"
    return TextTable(caption, header, tuple(rows), tuple(notes), key=key)


def details_table(batch: BatchResults, level: str = "item", *, decimals: int = 1) -> TextTable:
    """Every wave's n, % positive, % top level and mean, and the change from the wave before."""
    trends = batch.trends
    records = trends.items if level == "item" else trends.components
    components = level == "component"
    header: tuple[str, ...] = ("Wave", "n", "% positive", "% top level", "Mean")
    if components:
        header += ("% mostly positive",)
    header += ("Δ % positive", "Δ % top level", "Δ mean")
    rows: list[tuple[str, ...]] = []
    for trend in records:
        rows.append((COMPONENT_NAMES[trend.component] if components else trend.text,))
        for p in trend.points:
            if not p.asked:
                rows.append((p.wave, NOT_ASKED, *[""] * (len(header) - 2)))
                continue
            cells = [
                p.wave,
                str(p.n),
                percent(p.positive_percent, decimals),
                percent(p.top_percent, decimals),
                number(p.mean, 2),
            ]
            if components:
                cells.append(percent(p.mostly_positive_percent, decimals))
            cells += [
                signed(p.positive_change, decimals),
                signed(p.top_change, decimals),
                signed(p.mean_change, 2),
            ]
            rows.append(tuple(cells))
    what = "item" if level == "item" else "CIPP component"
    caption = f"Trend details per {what} and wave"
    notes = [
        "n: valid answers (components: respondents who answered any of their items). "
        "Mean: of the level codes (rating and Likert scales; components only when their "
        "items share one scale). Δ: change from the previous wave that asked it, in "
        "percentage points for percentages.",
    ]
    if components:
        notes.append(
            "% mostly positive: respondents with more than half of their answers positive."
        )
    key = "item_details" if level == "item" else "component_details"
    return TextTable(caption, header, tuple(rows), tuple(notes), key=key)


def errors_table(batch: BatchResults) -> TextTable | None:
    """The files that failed, with their messages (None when every file was analysed)."""
    if not batch.errors:
        return None
    rows = tuple((name, message) for name, message in batch.errors.items())
    caption = f"Files that could not be analysed ({len(rows)}); the other waves finished"
    return TextTable(caption, ("File", "Error"), rows, key="errors")


def trend_tables(
    batch: BatchResults, *, decimals: int = 1, details: bool = True
) -> list[TextTable]:
    """Every table of the batch summary, in reading order."""
    tables = [waves_table(batch)]
    if batch.trends.items:
        tables.append(trends_table(batch, "item", decimals=decimals))
    if batch.trends.components:
        tables.append(trends_table(batch, "component", decimals=decimals))
    if details:
        if batch.trends.items:
            tables.append(details_table(batch, "item", decimals=decimals))
        if batch.trends.components:
            tables.append(details_table(batch, "component", decimals=decimals))
    errors = errors_table(batch)
    if errors is not None:
        tables.append(errors)
    return tables


# --------------------------------------------------------------------------------------------
# Terminal
# --------------------------------------------------------------------------------------------


def _style_of(row: Sequence[str], header: Sequence[str]) -> str | None:
    if "Direction" not in header or len(row) != len(header):
        return None
    cell = row[header.index("Direction")]
    return "green" if cell.startswith(RISE) else "red" if cell.startswith(FALL) else None


def rich_trend_table(table: TextTable, width: int = 120) -> Table:
    """A rich Table of a TextTable: number columns as wide as their widest cell; a rise's
    change and direction in green, a fall's in red, significant p values in bold."""
    from rich.text import Text

    from cipp.render.terminal import add_section_row, table_frame

    out = table_frame(table, width, min_first=12)
    coloured = {"Change", "Direction"}
    for row in table.rows:
        if len(row) == 1:
            add_section_row(out, row[0], len(table.header))
            continue
        style = _style_of(row, table.header)
        cells: list[Text] = []
        for head, cell in zip(table.header, row, strict=True):
            cell_style = style if style and head in coloured else ""
            if cell.endswith(" *"):
                cell_style = "bold"
            cells.append(Text(cell, style=cell_style))
        out.add_row(*cells)
    return out


def trend_renderables(
    batch: BatchResults, *, decimals: int = 1, width: int = 120, details: bool = False
) -> list[RenderableType]:
    from rich.text import Text

    title = Text(f"{batch.instrument.title}: {len(batch.waves)} waves", style="bold")
    parts: list[RenderableType] = [title]
    for table in trend_tables(batch, decimals=decimals, details=details):
        parts.append(rich_trend_table(table, width))
    return parts


def print_trends(
    batch: BatchResults, console: Console, *, decimals: int = 1, details: bool = False
) -> None:
    """The terminal view: waves, trends of items and components, failed files."""
    for part in trend_renderables(batch, decimals=decimals, width=console.width, details=details):
        console.print(part)
        console.print()


def render_trends_text(batch: BatchResults, *, decimals: int = 1, width: int = 120) -> str:
    """The terminal view as plain text, with the detail tables (trends.txt)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    print_trends(batch, console, decimals=decimals, details=True)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def render_trends_markdown(batch: BatchResults, *, decimals: int = 1) -> str:
    from cipp.render.markdown import markdown_table

    parts = [f"# Trends across waves: {batch.instrument.title}", ""]
    for table in trend_tables(batch, decimals=decimals):
        parts.extend([markdown_table(table), ""])
    return "\n".join(parts)


SHEETS = {
    "waves": "Waves",
    "trends": "Trends",
    "component_trends": "Component trends",
    "item_details": "Item details",
    "component_details": "Component details",
    "errors": "Errors",
}


def build_trends_workbook(batch: BatchResults, *, decimals: int = 1) -> Workbook:
    """The summary workbook: a Trends sheet (items), component trends, details, waves and
    failed files, each formatted like the single-file tables; rises green, falls red."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from cipp.render.xlsx import add_table_sheet

    workbook = Workbook()
    default = workbook.active
    tables = trend_tables(batch, decimals=decimals)
    # The trends first: they are what a reader opens the workbook for.
    tables.sort(key=lambda t: t.key not in ("trends", "component_trends"))
    for table in tables:
        add_table_sheet(workbook, table, SHEETS.get(table.key, table.key)[:31])
        sheet = workbook[SHEETS.get(table.key, table.key)[:31]]
        for row in sheet.iter_rows(min_row=4):
            colour = None
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith((RISE, FALL)):
                    colour = "00A050" if cell.value.startswith(RISE) else "C00000"
            if colour is None:
                continue
            for cell in row[1:]:
                if isinstance(cell.value, str) and cell.value.startswith((RISE, FALL, "+", "-")):
                    cell.font = Font(color=colour, bold=cell.value.startswith((RISE, FALL)))
    if default is not None:
        workbook.remove(default)
    return workbook


CSV_COLUMNS = (
    "level",
    "id",
    "text",
    "component",
    "wave",
    "asked",
    "n",
    "positive_percent",
    "top_percent",
    "mean",
    "mostly_positive_percent",
    "previous_wave",
    "positive_change_from_previous",
    "top_change_from_previous",
    "mean_change_from_previous",
    "positive_change_first_to_last",
    "direction",
    "p_value",
    "p_trend",
    "p_adjusted",
    "significant",
)


def _csv_number(value: float | None) -> str:
    return "" if missing(value) else repr(value)


def render_trends_csv(batch: BatchResults) -> str:
    """One tidy row per item or component and wave, unrounded; not asked is empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for trend in (*batch.trends.items, *batch.trends.components):
        test = trend.test
        testable = test is not None and test.testable
        for p in trend.points:
            writer.writerow(
                (
                    trend.level,
                    trend.id,
                    trend.text,
                    trend.component,
                    p.wave,
                    "true" if p.asked else "false",
                    "" if p.n is None else p.n,
                    _csv_number(p.positive_percent),
                    _csv_number(p.top_percent),
                    _csv_number(p.mean),
                    _csv_number(p.mostly_positive_percent),
                    p.previous_wave or "",
                    _csv_number(p.positive_change),
                    _csv_number(p.top_change),
                    _csv_number(p.mean_change),
                    _csv_number(trend.positive_change),
                    trend.direction or "",
                    _csv_number(test.p_value_used) if test is not None and testable else "",
                    _csv_number(test.p_linear_by_linear) if test is not None and testable else "",
                    _csv_number(trend.p_adjusted) if testable else "",
                    "true" if trend.significant else "false",
                )
            )
    return buffer.getvalue()


def render_summary_json(batch: BatchResults) -> str:
    """summary.json: the batch's JSON (cipp.render.json.to_dict), unrounded."""
    from cipp.render.json import render_json

    return render_json(batch)


# --------------------------------------------------------------------------------------------
# The output folder
# --------------------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{k}" for d in ("COM", "LPT") for k in range(10)}


def safe_name(name: str) -> str:
    """A file or folder name that every common file system accepts, close to ``name``."""
    text = " ".join(_UNSAFE.sub("_", name).split()).strip(". ")
    if not text:
        text = "wave"
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text[:80]


def wave_folders(names: Iterable[str]) -> dict[str, str]:
    """A distinct safe folder name per wave (distinct ignoring case, as on macOS/Windows)."""
    taken = {name.casefold() for name in SUMMARY_FILES}
    folders = {}
    for name in names:
        base = safe_name(name)
        candidate, k = base, 1
        while candidate.casefold() in taken:
            k += 1
            candidate = f"{base}-{k}"
        taken.add(candidate.casefold())
        folders[name] = candidate
    return folders


def _write_wave(
    results: Results, output_format: str, path: Path, *, decimals: int, inputs: Sequence[Path]
) -> None:
    from cipp.render.files import write_text

    if output_format == "xlsx":
        from cipp.render.xlsx import render_xlsx

        render_xlsx(results, path, decimals=decimals, inputs=tuple(inputs))
        return
    if output_format == "json":
        from cipp.render.json import render_json

        text = render_json(results)
    elif output_format == "csv":
        from cipp.render.csv import render_csv

        text = render_csv(results)
    elif output_format == "markdown":
        from cipp.render.markdown import render_markdown

        text = render_markdown(results, decimals=decimals)
    else:
        from cipp.render.terminal import render_text

        text = render_text(results, decimals=decimals)
    write_text(path, text, inputs=inputs)


def _folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a folder; choose another `out`")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{path}: cannot create the folder ({error.strerror})") from None


def write_batch(
    batch: BatchResults, out: Path, formats: Sequence[str], *, decimals: int = 1
) -> tuple[Path, ...]:
    """Write every wave's outputs and the summary under ``out``; return the files written.

    ``out/<wave>/<wave>.<ext>`` per wave and format (txt, json, csv, md, xlsx: the same
    renderers as ``cipp analyze``; files are named after the wave too, so that two waves'
    workbooks can be open in Excel at once), then at the top ``trends.txt`` / ``trends.md``
    / ``trends.xlsx`` / ``trends.csv`` for the table, markdown, xlsx and csv formats, and
    ``summary.json`` (always, last: ``BatchResults.to_dict()``). Every file is written to
    a temporary file and renamed, and none may be one of the batch's inputs.
    """
    from cipp.render.files import check_not_input, write_text, write_with

    unknown = [f for f in formats if f not in EXTENSIONS]
    if unknown:
        raise OutputError(f"unknown format(s) {', '.join(unknown)}: use {', '.join(EXTENSIONS)}")
    out = Path(out)
    inputs = list(batch.inputs)
    check_not_input(out, inputs)
    _folder(out)
    written: list[Path] = []
    for name, folder in wave_folders(batch.waves).items():
        _folder(out / folder)
        for output_format in formats:
            path = out / folder / f"{folder}.{EXTENSIONS[output_format]}"
            _write_wave(batch.waves[name], output_format, path, decimals=decimals, inputs=inputs)
            written.append(path)
    tops = {
        "table": ("trends.txt", lambda: render_trends_text(batch, decimals=decimals)),
        "markdown": ("trends.md", lambda: render_trends_markdown(batch, decimals=decimals)),
        "csv": ("trends.csv", lambda: render_trends_csv(batch)),
    }
    for output_format in formats:
        if output_format in tops:
            file_name, render = tops[output_format]
            write_text(out / file_name, render(), inputs=inputs)
            written.append(out / file_name)
        elif output_format == "xlsx":
            workbook = build_trends_workbook(batch, decimals=decimals)
            write_with(out / "trends.xlsx", workbook.save, inputs=inputs)
            written.append(out / "trends.xlsx")
    write_text(out / "summary.json", render_summary_json(batch), inputs=inputs)
    written.append(out / "summary.json")
    return tuple(written)
