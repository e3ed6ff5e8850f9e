"""A batch's trends as tables, and the batch's output folder.

What is in a trends table (captions, column heads, cells, footnotes) is decided once, in
Tables, and shown in the terminal (rises ▲ green, falls ▼ red), Markdown and Excel
the same way the single-file tables are. :func:`write_batch` writes one folder per wave,
with that wave's outputs by the existing renderers, and the combined summary on top.
Rounding happens here and nowhere else; the numbers come from cipp.flow.batch unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from cipp.model.errors import OutputError
from cipp.model.instrument import Scale
from cipp.model.results import Proportion
from cipp.model.tests import ContingencyResult
from cipp.model.trends import BatchResults, Change, Trend, TrendPoint
from cipp.render.document import (
    ALL,
    DECIMAL,
    FALL,
    RISE,
    SIGNED,
    STRONG,
    Document,
    Number,
    Records,
    Section,
    Table,
)
from cipp.render.numbers import (
    COMPONENT_NAMES,
    confidence_label,
    count,
    missing,
    number,
)
from cipp.render.prose import adjustment_name, expected_note, trend_rule
from cipp.render.tabular import (
    Cell,
    count_cell,
    decimal_cell,
    make_table,
    p_cell,
    percent_cell,
    positive_cell,
    positive_groups,
)

#: The batch's JSON at the top of the output folder, always written.
SUMMARY = "summary.json"
#: The trends' files at the top of the output folder are named trends.<suffix>.
TRENDS = "trends"

RISE_MARK, FALL_MARK = "▲", "▼"
DIRECTIONS = {"rise": f"{RISE_MARK} rise", "fall": f"{FALL_MARK} fall", "steady": "steady"}
NOT_ASKED = "not asked"


def direction_text(direction: str | None) -> str:
    return DIRECTIONS.get(direction or "", "–")


def signed(value: float | None, decimals: int = 1) -> str:
    """'+5.2', '-0.5', '–' when there is no change to show."""
    if missing(value):
        return "–"
    assert value is not None  # for mypy: missing() is False
    return f"{value:+.{decimals}f}"


def change_text(change: Change | None, decimals: int = 1) -> str:
    """'▲ +12.0 (3.1 to 20.2)': a change with its interval, marked when it is a rise or a
    fall (its interval excludes 0, and with --min-change it is at least that large); '–'
    when there is none."""
    return change_cell(change, decimals)[0]


def change_cell(change: Change | None, decimals: int = 1) -> Cell:
    """change_text, held as the change and its interval's ends (the mark after the
    change in a spreadsheet, whose number formats only append)."""
    if change is None or missing(change.difference):
        return ("–", ())
    mark = {"rise": RISE_MARK, "fall": FALL_MARK}.get(change.direction or "", "")
    low, high = number(change.ci_low, decimals), number(change.ci_high, decimals)
    text = f"{mark + ' ' if mark else ''}{signed(change.difference, decimals)} ({low} to {high})"
    return (
        text,
        (
            Number(
                change.difference, SIGNED, decimals, head="Δ", suffix=f" {mark}" if mark else ""
            ),
            Number(
                None if missing(change.ci_low) else change.ci_low, DECIMAL, decimals, head="CI low"
            ),
            Number(
                None if missing(change.ci_high) else change.ci_high,
                DECIMAL,
                decimals,
                head="CI high",
            ),
        ),
    )


def signed_cell(value: float | None, decimals: int = 1) -> Cell:
    return (signed(value, decimals), (Number(None if missing(value) else value, SIGNED, decimals),))


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def waves_table(batch: BatchResults) -> Table:
    """One row per wave: its file, respondents and the items its file did not ask."""
    rows = [
        (
            name,
            batch.sources.get(name, results.source),
            count_cell(results.n_respondents),
            ", ".join(results.items_not_asked) or "–",
        )
        for name, results in batch.waves.items()
    ]
    split = f", split by {batch.split_by}" if batch.split_by else ""
    caption = f"Waves of {batch.instrument.title}{split}"
    notes = tuple(batch.notes)
    return make_table(
        caption, ("Wave", "File", "Respondents", "Items not asked"), rows, notes, key="waves"
    )


def _wave_header(batch: BatchResults, name: str) -> str:
    results = batch.waves.get(name)
    return f"{name} (n = {count(results.n_respondents)})" if results is not None else name


def _wave_cell(trend: Trend, wave: str, decimals: int) -> str | Cell:
    point = next(p for p in trend.points if p.wave == wave)
    return percent_cell(point.positive_percent, decimals) if point.asked else NOT_ASKED


def _item_scales(batch: BatchResults) -> list[Scale]:
    """The scales the instrument's items use, once each, in order."""
    instrument = batch.instrument
    return list({item.scale: instrument.scale(item.scale) for item in instrument.items}.values())


def trends_table(batch: BatchResults, level: str = "item", *, decimals: int = 1) -> Table:
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
    rows: list[Sequence[str | Cell]] = []
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
        mark = "*" if trend.significant else ""
        rows.append(
            (
                trend.text if level == "item" else COMPONENT_NAMES[trend.component],
                *(_wave_cell(trend, w, decimals) for w in trends.waves),
                change_cell(trend.overall, decimals),
                direction_text(trend.direction),
                p_cell(p_used) if testable else "–",
                p_cell(trend.p_adjusted, mark) if testable else "–",
                p_cell(p_trend) if testable else "–",
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
            f"({positive_groups(_item_scales(batch))}); not asked: the wave's file had "
            "no column for the item."
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
            "Change: percentage points from the first to the last wave with answers, with "
            f"its interval. Direction: {trend_rule(trends)}",
            f"p: Pearson chi-square of {tested}, or Fisher's exact test where more than 20% "
            f"of cells expect fewer than 5 or any fewer than 1; p adj.: {method} across all "
            f"{trends.tests} trend tests; * p adj. < {trends.alpha:g}. Trend p: "
            "linear-by-linear association with the waves scored 1, 2, ... in order (df = 1).",
        ]
    else:
        notes = [share, "Change, direction and p as in the item table."]
    notes.extend(footnotes)
    key = "trends" if level == "item" else "component_trends"
    return make_table(caption, header, rows, tuple(notes), key=key)


def _positive_share(batch: BatchResults, trend: Trend, wave: str) -> Proportion | None:
    """The wave's % positive with its Wilson interval, as the wave's own tables give it."""
    results = batch.waves.get(wave)
    if results is None:
        return None
    if trend.level == "item":
        return next((s.positive for s in results.items if s.id == trend.id), None)
    return next((c.positive for c in results.components if c.component == trend.component), None)


def _positive_cell(batch: BatchResults, trend: Trend, point: TrendPoint, decimals: int) -> Cell:
    share = _positive_share(batch, trend, point.wave)
    if share is None:
        return percent_cell(point.positive_percent, decimals)
    return positive_cell(share, decimals)


def details_table(batch: BatchResults, level: str = "item", *, decimals: int = 1) -> Table:
    """Every wave's n, % positive, % top level and mean, and the change from the wave before."""
    trends = batch.trends
    records = trends.items if level == "item" else trends.components
    components = level == "component"
    positive = f"% positive ({confidence_label(trends.confidence)})"
    header: tuple[str, ...] = ("Wave", "n", positive, "% top level", "Mean")
    if components:
        header += ("% mostly positive",)
    header += ("Δ % positive", "Δ % top level", "Δ mean")
    rows: list[Sequence[str | Cell]] = []
    for trend in records:
        rows.append((COMPONENT_NAMES[trend.component] if components else trend.text,))
        changes = {change.to_wave: change for change in trend.changes}
        for p in trend.points:
            if not p.asked:
                rows.append((p.wave, NOT_ASKED, *[""] * (len(header) - 2)))
                continue
            cells: list[str | Cell] = [
                p.wave,
                count_cell(p.n),
                _positive_cell(batch, trend, p, decimals),
                percent_cell(p.top_percent, decimals),
                decimal_cell(p.mean, 2),
            ]
            if components:
                cells.append(percent_cell(p.mostly_positive_percent, decimals))
            cells += [
                change_cell(changes.get(p.wave), decimals),
                signed_cell(p.top_change, decimals),
                signed_cell(p.mean_change, 2),
            ]
            rows.append(cells)
    what = "item" if level == "item" else "CIPP component"
    caption = f"Trend details per {what} and wave"
    notes = [
        "n: valid answers (components: respondents who answered any of their items). "
        "Mean: of the level codes (rating and Likert scales; components only when their "
        "items share one scale). % positive with its Wilson interval, as each wave's "
        "own tables give it. Δ: change from the previous wave that asked it, in "
        "percentage points for percentages; Δ % positive with its interval (Newcombe's "
        f"hybrid score, {confidence_label(batch.trends.confidence)}; for components from "
        "the intervals at each wave's effective n), "
        f"{RISE_MARK} / {FALL_MARK} where {_marked_when(batch)}.",
    ]
    if components:
        notes.append(
            "% mostly positive: respondents with more than half of their answers positive."
        )
    key = "item_details" if level == "item" else "component_details"
    return make_table(caption, header, rows, tuple(notes), key=key)


def errors_table(batch: BatchResults) -> Table | None:
    """The files that failed, with their messages (None when every file was analysed)."""
    if not batch.errors:
        return None
    rows = tuple((name, message) for name, message in batch.errors.items())
    caption = f"Files that could not be analysed ({len(rows)}); the other waves finished"
    return Table(caption, ("File", "Error"), rows, key="errors")


def _marked_when(batch: BatchResults) -> str:
    """When a change is marked ▲ / ▼: its interval excludes 0 (and, with --min-change, it
    is at least that large)."""
    rule = "the interval excludes 0"
    if batch.trends.min_change is not None:
        rule += f" and the change is at least {batch.trends.min_change:g} points"
    return rule


def trend_tables(batch: BatchResults, *, decimals: int = 1, details: bool = True) -> list[Table]:
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


SHEETS = {
    "waves": "Waves",
    "trends": "Trends",
    "component_trends": "Component trends",
    "item_details": "Item details",
    "component_details": "Component details",
    "errors": "Errors",
}
#: The columns a rise or a fall colours.
_COLOURED = ("Change", "Direction")


def _styled(table: Table) -> Table:
    """Rises green and falls red (their change and direction), significant p values strong;
    12 columns at least for the first column in a terminal; the workbook's sheet name
    (trends first)."""
    styles: list[tuple[str, ...]] = []
    for row in table.rows:
        if len(row) != len(table.header):
            styles.append(())
            continue
        direction = row[table.header.index("Direction")] if "Direction" in table.header else ""
        trend = RISE if direction.startswith(RISE_MARK) else ""
        trend = FALL if direction.startswith(FALL_MARK) else trend
        styles.append(
            tuple(
                STRONG if cell.endswith(" *") else trend if head in _COLOURED else ""
                for head, cell in zip(table.header, row, strict=True)
            )
        )
    return replace(
        table,
        styles=tuple(styles),
        first_min=12,
        sheet=SHEETS.get(table.key, table.key),
        sheet_first=table.key in ("trends", "component_trends"),
    )


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
    "positive_change_ci_low",
    "positive_change_ci_high",
    "positive_change_significant",
    "test_used",
    "statistic",
    "df",
    "v",
    "cells_expected_below_5",
    "share_expected_below_5",
    "min_expected",
    "expected_note",
)


def _test_fields(test: ContingencyResult | None) -> tuple[object, ...]:
    """A trend test's statistics for the tidy rows (empty when there was no test)."""
    if test is None:
        return (None,) * 8
    return (
        test.test_used,
        test.statistic,
        test.df,
        test.effect_size,
        test.cells_expected_below_5,
        test.share_expected_below_5,
        test.min_expected,
        expected_note(test),
    )


def trends_records(batch: BatchResults) -> Records:
    """One tidy row per item or component and wave, unrounded; not asked is empty."""
    rows = []
    for trend in (*batch.trends.items, *batch.trends.components):
        test = trend.test if trend.test is not None and trend.test.testable else None
        changes = {change.to_wave: change for change in trend.changes}
        for p in trend.points:
            change = changes.get(p.wave)
            rows.append(
                (
                    trend.level,
                    trend.id,
                    trend.text,
                    trend.component,
                    p.wave,
                    p.asked,
                    p.n,
                    p.positive_percent,
                    p.top_percent,
                    p.mean,
                    p.mostly_positive_percent,
                    p.previous_wave or "",
                    p.positive_change,
                    p.top_change,
                    p.mean_change,
                    trend.positive_change,
                    trend.direction or "",
                    test.p_value_used if test is not None else None,
                    test.p_linear_by_linear if test is not None else None,
                    trend.p_adjusted if test is not None else None,
                    trend.significant,
                    change.ci_low if change else None,
                    change.ci_high if change else None,
                    change.significant if change else None,
                    *_test_fields(test),
                )
            )
    return Records(CSV_COLUMNS, tuple(rows))


def trends_document(batch: BatchResults, *, decimals: int = 1, details: bool = True) -> Document:
    """The batch's summary: waves, trends of items and components, (details), failed files."""
    tables = [_styled(t) for t in trend_tables(batch, decimals=decimals, details=details)]
    return Document(
        title=f"Trends across waves: {batch.instrument.title}",
        banner=f"{batch.instrument.title}: {len(batch.waves)} waves",
        sections=(Section(None, tuple(tables), show=ALL),),
        data=batch,
        records=trends_records(batch),
    )


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


def _top_files() -> set[str]:
    from cipp.render.formats import FORMATS

    return {SUMMARY, *(f"{TRENDS}{f.suffix}" for f in FORMATS.values())}


def wave_folders(names: Iterable[str]) -> dict[str, str]:
    """A distinct safe folder name per wave (distinct ignoring case, as on macOS/Windows)."""
    taken = {name.casefold() for name in _top_files()}
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

    ``out/<wave>/<wave>.<suffix>`` per wave and format (as ``cipp analyze`` writes them;
    files are named after the wave too, so that two waves' workbooks can be open in Excel
    at once), then at the top ``trends.<suffix>`` per format but JSON, and
    ``summary.json`` (always, last: the batch's JSON). Every file is written to a
    temporary file and renamed, and none may be one of the batch's inputs. The files an
    earlier run into ``out`` wrote and this one did not are removed (see
    :func:`cipp.render.files.replace_run_files`).
    """
    from cipp.render.files import check_not_input, replace_run_files
    from cipp.render.formats import output_format, write
    from cipp.render.survey import survey_document

    chosen = [output_format(name) for name in formats]
    out = Path(out)
    inputs = tuple(batch.inputs)
    check_not_input(out, inputs)
    _folder(out)
    written: list[Path] = []
    for name, folder in wave_folders(batch.waves).items():
        _folder(out / folder)
        document = survey_document(batch.waves[name], decimals=decimals)
        for fmt in chosen:
            path = out / folder / f"{folder}{fmt.suffix}"
            written.append(write(document, fmt.name, path, inputs=inputs))
    summary = trends_document(batch, decimals=decimals)
    for fmt in chosen:
        if fmt.name != "json":
            written.append(write(summary, fmt.name, out / f"{TRENDS}{fmt.suffix}", inputs=inputs))
    written.append(write(summary, "json", out / SUMMARY, inputs=inputs))
    replace_run_files(out, written)
    return tuple(written)
