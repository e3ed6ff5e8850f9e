"""Waves and trends: every academic year's survey analysed the same way, and what changed.

:func:`run_batch` analyses several *waves* (one per response file, or one per value of a
column with ``split_by``) with the same instrument and options, in worker processes when
there are several files, and then compares the waves item by item and component by
component (:class:`Trend`). One bad file does not stop the batch: its one-line error is
kept in :attr:`BatchResults.errors` and the other waves finish.

Waves are aligned by item id: files are loaded with ``require_all_items=False``, so a wave
that used an older version of the instrument (an item added or dropped since) simply has
that item *not asked*. Not asked is ``None`` in every trend figure, never zero, and such
a wave is left out of that item's test.

Nothing here prints or exits; a ``progress`` callback lets the caller show a bar.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.flow.analysis import AnalysisOptions
from cipp.model.errors import CippError, DataError, InstrumentError, option
from cipp.model.findings import SHOWN
from cipp.model.instrument import COMPONENTS, Instrument, Scale, normalize_header, normalize_text
from cipp.model.results import WaveInfo
from cipp.model.tests import ADJUST_METHODS
from cipp.model.trends import BatchResults, Change, Trend, TrendPoint, Trends, WaveCounts
from cipp.read.instrument import resolve_instrument
from cipp.read.settings import DEFAULT_SETTINGS, ReadSettings, current, reading
from cipp.stats.describe import COMPONENT_ROWS

if TYPE_CHECKING:
    from cipp.model.responses import Responses
    from cipp.model.results import Results
    from cipp.model.table import RawTable

__all__ = [
    "MIN_CHANGE",
    "BatchResults",
    "ProgressCallback",
    "Trend",
    "TrendPoint",
    "Trends",
    "WaveCounts",
    "compute_trends",
    "expand_inputs",
    "natural_key",
    "run_batch",
]

#: Folders contribute the files with these suffixes (temporary "~$" and hidden files aside).
RESPONSE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv")

#: The practical threshold that earlier versions used alone (a change of at least this
#: many points was a rise or a fall); now optional (``min_change``) beside the interval.
MIN_CHANGE = 5.0

# Differences of percentages are not exact in binary floating point (55.0 - 50.0 may come
# out a hair below 5.0); a change within this of the threshold counts as reaching it.
_EPS = 1e-9

#: ``progress(done, total, name)``: ``done`` of ``total`` files are finished, ``name`` is
#: the file that just finished ("" for the first call, before any work starts).
ProgressCallback = Callable[[int, int, str], None]

DEFAULT_OPTIONS = AnalysisOptions()

NAN = math.nan


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that orders digit runs by value: '2023' < '2024', 'wave 2' < 'wave 10'."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


def _one_line(message: object) -> str:
    """A wave's error on one line: it is a value in summary.json and a table cell."""
    return " ".join(str(message).split())


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def _is_response_file(path: Path) -> bool:
    return (
        path.is_file()
        and path.suffix.lower() in RESPONSE_SUFFIXES
        and not path.name.startswith(("~$", "."))
    )


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[Path, ...]:
    """The response files named by INPUTS: files as given, folders' response files and
    glob matches (``*``, ``?``, ``[...]``, ``**``) in natural order; duplicates dropped.

    A path that does not exist and matches nothing is an error (a typo), as is a folder
    or glob without any .xlsx / .csv file; an unreadable *file* is not an error here but
    a failed wave later.
    """
    import glob

    files: list[Path] = []
    for given in inputs:
        text = str(given)
        path = Path(text)
        if path.is_dir():
            found = sorted(
                (p for p in path.iterdir() if _is_response_file(p)),
                key=lambda p: natural_key(p.name),
            )
            if not found:
                raise DataError(f"{path}: the folder holds no .xlsx or .csv response files")
            files.extend(found)
        elif path.exists():
            files.append(path)
        elif any(ch in text for ch in "*?["):
            found = sorted(
                (Path(m) for m in glob.glob(text, recursive=True) if _is_response_file(Path(m))),
                key=lambda p: natural_key(str(p)),
            )
            if not found:
                raise DataError(f"{text}: no .xlsx or .csv file matches this pattern")
            files.extend(found)
        else:
            raise DataError(f"{path}: file not found")
    unique: dict[Path, Path] = {}
    for path in files:
        unique.setdefault(path.resolve(), path)
    if not unique:
        raise DataError("no input files given")
    return tuple(unique.values())


def _file_names(files: Sequence[Path]) -> list[str]:
    """One distinct name per file: its stem; where stems clash, its file name, then
    folder/name, then a number."""
    names = [p.stem for p in files]
    for longer in (lambda p: p.name, lambda p: f"{p.parent.name}/{p.name}"):
        clashes = Counter(n.casefold() for n in names)
        names = [
            longer(p) if clashes[n.casefold()] > 1 else n for p, n in zip(files, names, strict=True)
        ]
    seen: Counter[str] = Counter()
    out = []
    for name in names:
        seen[name.casefold()] += 1
        out.append(name if seen[name.casefold()] == 1 else f"{name} #{seen[name.casefold()]}")
    return out


# --------------------------------------------------------------------------------------------
# One file's work (runs in a worker process)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    index: int
    path: Path
    instrument: Instrument
    split_by: str | None
    options: AnalysisOptions
    sheet: str | None
    lenient: bool
    source: str = "auto"
    complete_only: bool = False
    #: The caller's limits and encoding, which a worker process reads with too.
    settings: ReadSettings = DEFAULT_SETTINGS


@dataclass(frozen=True)
class _Wave:
    value: str | None  # the split column's value; None when the whole file is the wave
    order: tuple[Any, ...]
    results: Results
    counts: WaveCounts


@dataclass(frozen=True)
class _Outcome:
    index: int
    waves: tuple[_Wave, ...] = ()
    error: str | None = None
    notes: tuple[str, ...] = ()


def _wave_counts(responses: Responses, options: AnalysisOptions) -> WaveCounts:
    import numpy as np

    from cipp.stats.counting import tally
    from cipp.stats.crosstab import level_rows
    from cipp.stats.describe import component_rows

    instrument = responses.instrument
    items: dict[str, tuple[int, ...]] = {}
    rows: dict[str, tuple[str, ...]] = {}
    for item in responses.items_asked:
        lookup, labels = level_rows(instrument.scale_of(item), collapse=options.collapse)
        counts = tally(np.take(lookup, responses.level_index(item.id)), len(labels))
        items[item.id] = tuple(int(n) for n in counts)
        rows[item.id] = labels
    components: dict[str, tuple[int, int]] = {}
    for component in COMPONENTS:
        if any(i.component == component for i in responses.items_asked):
            not_mostly, mostly = tally(component_rows(responses, component), 2)
            components[component] = (int(not_mostly), int(mostly))
    return WaveCounts(items=items, rows=rows, components=components)


def _analyze_wave(
    responses: Responses, value: str | None, order: tuple[Any, ...], options: AnalysisOptions
) -> _Wave:
    from cipp.flow.analysis import analyze

    return _Wave(value, order, analyze(responses, options), _wave_counts(responses, options))


def _take_rows(table: RawTable, mask: Any) -> RawTable:
    """The rows of a raw table where ``mask`` is true, with their spreadsheet row numbers."""
    import numpy as np
    import pyarrow as pa

    take = pa.array(np.flatnonzero(mask))
    return replace(
        table, rows=table.rows[mask], cells=[column.take(take) for column in table.cells]
    )


def _analyze_job(job: _Job, table: RawTable | None) -> _Outcome:
    import numpy as np

    from cipp.flow.grouping import resolve_grouping
    from cipp.platforms import read_export
    from cipp.read.responses import load_responses

    if table is None:
        # As cipp.flow.analysis.load_file reads: any platform's export, multi-select answers
        # expanded to the instrument's option items.
        table = read_export(
            job.path,
            sheet=job.sheet,
            instrument=job.instrument,
            source=job.source,
            complete_only=job.complete_only,
        )
    responses = load_responses(table, job.instrument, lenient=job.lenient, require_all_items=False)
    if job.split_by is None:
        return _Outcome(job.index, (_analyze_wave(responses, None, (), job.options),))
    grouping = resolve_grouping(responses, job.split_by, parameter="split_by")
    demographic = any(d.id == grouping.id for d in job.instrument.demographics)
    options = job.options
    if options.participation:
        # Every wave is tested over the whole file's categories, also those it lacks.
        tested = resolve_grouping(responses, options.participation, parameter="participation")
        options = replace(options, participation_categories=tested.labels)
    waves = []
    # Respondents by their spreadsheet row: rows that answered nothing are in the table
    # but are no respondents (and so in no wave).
    respondent_rows = responses.rows
    for position, label in enumerate(grouping.labels):
        wave_rows = respondent_rows[grouping.codes == position]
        if not len(wave_rows):
            continue
        # Reloading the wave's own rows (rather than slicing the loaded responses) keeps
        # every per-file figure exact per wave: declared-missing counts, invalid cells.
        part = load_responses(
            _take_rows(table, np.isin(table.rows, wave_rows)),
            job.instrument,
            lenient=job.lenient,
            require_all_items=False,
        )
        # A demographic's waves follow the instrument's level order; any other column's
        # values sort naturally ('2023' before '2024', 'Wave 2' before 'Wave 10').
        order = (0, position, ()) if demographic else (1, 0, natural_key(label))
        waves.append(_analyze_wave(part, label, order, options))
    notes = []
    unknown = int((grouping.codes < 0).sum())
    if unknown:
        notes.append(
            f"{job.path}: {unknown} respondents with no {grouping.label} are in no wave "
            f"(of {responses.n_respondents})."
        )
    if not waves:
        raise DataError(f"{job.path}: {option('split_by', job.split_by)}: the column is empty")
    return _Outcome(job.index, tuple(waves), notes=tuple(notes))


def _run_job(job: _Job, table: RawTable | None = None) -> _Outcome:
    """Analyse one file; a problem with the file becomes the outcome's error, not an exception.

    Module-level so that worker processes can unpickle it by name.
    """
    try:
        with reading(limits=job.settings.limits, encoding=job.settings.encoding):
            return _analyze_job(job, table)
    except CippError as error:
        return _Outcome(job.index, error=_one_line(error))
    except OSError as error:  # unreadable: permissions, a file that vanished mid-run
        return _Outcome(job.index, error=_one_line(f"{job.path}: {error.strerror or error}"))


def _mp_context() -> Any:
    """Worker processes start from a fork server that has imported the heavy libraries once.

    Forking the caller itself is unsafe once pyarrow's or fastexcel's threads run in it;
    spawning re-imports pandas and scipy in every worker. The fork server does neither.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        [
            "cipp.flow.batch",
            "cipp.flow.analysis",
            "cipp.stats.contingency",
            "cipp.read.tables",
            "cipp.read.responses",
            "pandas",
            "pyarrow",
        ]
    )
    return context


def _main_reimportable() -> bool:
    """Whether worker processes can import the calling program's main module, as the
    fork server and spawn start methods do: not when it was read from standard input."""
    import sys
    from multiprocessing import process

    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None):
        return True
    path = getattr(main, "__file__", None)
    if path is None:  # interactive sessions and notebooks: nothing to import
        return True
    return os.path.isfile(os.path.join(getattr(process, "ORIGINAL_DIR", None) or "", path))


def _execute(
    jobs: Sequence[_Job],
    names: Sequence[str],
    workers: int,
    progress: ProgressCallback | None,
    cached: dict[int, RawTable],
) -> list[_Outcome]:
    total = len(jobs)
    outcomes: dict[int, _Outcome] = {}
    if progress is not None:
        progress(0, total, "")
    if workers == 1 or total == 1 or not _main_reimportable():
        for done, job in enumerate(jobs, start=1):
            outcomes[job.index] = _run_job(job, cached.pop(job.index, None))
            if progress is not None:
                progress(done, total, names[job.index])
        return [outcomes[job.index] for job in jobs]

    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    cached.clear()  # the workers read their files themselves
    pool = ProcessPoolExecutor(max_workers=min(workers, total), mp_context=_mp_context())
    try:
        futures = {pool.submit(_run_job, job): job for job in jobs}
        for done, future in enumerate(as_completed(futures), start=1):
            job = futures[future]
            try:
                outcomes[job.index] = future.result()
            except BrokenProcessPool as error:
                outcomes[job.index] = _Outcome(
                    job.index,
                    error=_one_line(
                        f"{job.path}: the worker process analysing it stopped unexpectedly "
                        f"({error or 'killed'}); try `workers=1`"
                    ),
                )
            if progress is not None:
                progress(done, total, names[job.index])
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [outcomes[job.index] for job in jobs]


def _detect(
    files: Sequence[Path], sheet: str | None, source: str = "auto", complete_only: bool = False
) -> tuple[Instrument, str, dict[int, RawTable]]:
    """The bundled instrument of the first file that matches one, with a note saying so."""
    from cipp.platforms import expand_choices, read_export
    from cipp.read.responses import detect_instrument

    first_error: CippError | None = None
    for index, path in enumerate(files):
        try:
            table = read_export(path, sheet=sheet, source=source, complete_only=complete_only)
            choice = detect_instrument(table)
            # As cipp.flow.analysis.load_file does after detecting: multi-select answers
            # expanded to the instrument's option items.
            table = expand_choices(table, choice.instrument)
        except CippError as error:
            first_error = first_error or error
            continue
        note = (
            f"using bundled instrument '{choice.instrument.id}' for every wave, detected from "
            f"{path} ({choice.matched} of {choice.total} items matched its columns)"
        )
        return choice.instrument, note, {index: table}
    raise InstrumentError(
        f"no input file matches a bundled instrument (give `instrument`); first problem: "
        # kept as written: its list of missing items is one line each (cipp.model.errors.
        # listed), which the command line's one_line keeps
        f"{first_error}"
    )


# --------------------------------------------------------------------------------------------
# Trends
# --------------------------------------------------------------------------------------------


def direction_of(change: Change | None, min_change: float | None = None) -> str | None:
    """'rise' or 'fall' when the interval of a change in % positive excludes 0 (and, with
    ``min_change``, the change is at least that many points: a practical threshold beside
    the statistical one), 'steady' otherwise; None when there is no change to judge."""
    if change is None or math.isnan(change.difference):
        return None
    large = min_change is None or abs(change.difference) >= min_change - _EPS
    if change.significant and large:
        return "rise" if change.difference > 0 else "fall"
    return "steady"


def _change(before: tuple[str, _Figures], after: tuple[str, _Figures], confidence: float) -> Change:
    from cipp.stats.describe import newcombe_difference

    (first, a), (second, b) = before, after
    effective = None
    if a.positive_n_effective is not None and b.positive_n_effective is not None:
        effective = (a.positive_n_effective, b.positive_n_effective)
    difference, low, high = newcombe_difference(
        a.positive_k, a.positive_n, b.positive_k, b.positive_n, confidence, effective
    )
    significant = not math.isnan(low) and (low > 0 or high < 0)
    return Change(first, second, difference, low, high, significant)


def _changes(
    names: Sequence[str],
    figures: Sequence[_Figures | None],
    confidence: float,
    min_change: float | None = None,
) -> tuple[tuple[Change, ...], Change | None]:
    """Each change between consecutive waves with answers, and the first-to-last change,
    each with its direction under ``min_change``."""

    def judged(change: Change) -> Change:
        return replace(change, direction=direction_of(change, min_change))

    answered = [(n, f) for n, f in zip(names, figures, strict=True) if f is not None and f.n]
    steps = tuple(
        judged(_change(answered[i], answered[i + 1], confidence)) for i in range(len(answered) - 1)
    )
    overall = judged(_change(answered[0], answered[-1], confidence)) if len(answered) >= 2 else None
    return steps, overall


@dataclass(frozen=True)
class _Figures:
    n: int
    positive: float
    top: float
    mean: float
    mostly_positive: float = NAN
    #: The positive share as counts: k of n answers (for the changes' intervals), and for
    #: a component the effective n of answers pooled over respondents.
    positive_k: int = 0
    positive_n: int = 0
    positive_n_effective: float | None = None


def _points(
    names: Sequence[str], figures: Sequence[_Figures | None]
) -> tuple[tuple[TrendPoint, ...], str | None, str | None, tuple[float, float, float]]:
    points = []
    previous: tuple[str, _Figures] | None = None
    answered: list[tuple[str, _Figures]] = []
    for name, f in zip(names, figures, strict=True):
        if f is None:
            points.append(TrendPoint(name, False, None, NAN, NAN, NAN, NAN, None, NAN, NAN, NAN))
            continue
        before = previous[1] if previous is not None else None
        points.append(
            TrendPoint(
                wave=name,
                asked=True,
                n=f.n,
                positive_percent=f.positive,
                top_percent=f.top,
                mean=f.mean,
                mostly_positive_percent=f.mostly_positive,
                previous_wave=previous[0] if previous is not None else None,
                positive_change=f.positive - before.positive if before is not None else NAN,
                top_change=f.top - before.top if before is not None else NAN,
                mean_change=f.mean - before.mean if before is not None else NAN,
            )
        )
        previous = (name, f)
        if f.n:
            answered.append((name, f))
    if len(answered) < 2:
        return tuple(points), None, None, (NAN, NAN, NAN)
    (first, a), (last, b) = answered[0], answered[-1]
    return tuple(points), first, last, (b.positive - a.positive, b.top - a.top, b.mean - a.mean)


def _test(
    columns: Sequence[tuple[int, str, Sequence[int]]],
    row_labels: Sequence[str],
    options: AnalysisOptions,
    shown_masked: Sequence[Sequence[bool]] = (),
) -> tuple[Any, tuple[tuple[str, ...], ...]]:
    """test_contingency of the rows x waves table, and its masks under ``min_cell``
    (empty when nothing is masked); ``columns``: (position, wave, counts).

    ``shown_masked[j][i]``: whether wave j's own tables mask row i's count; those cells are
    masked here too, so the trend table never shows a count a wave's table hides.
    """
    import numpy as np

    from cipp.flow.disclosure import table_masks, withhold_statistics
    from cipp.model.findings import SECONDARY
    from cipp.stats.contingency import test_contingency

    table = np.array([counts for _, _, counts in columns], dtype="int64").T
    result = test_contingency(
        table,
        row_labels=row_labels,
        col_labels=[name for _, name, _ in columns],
        ordinal=True,
        col_scores=[position + 1 for position, _, _ in columns],
        bias_corrected=options.bias_corrected,
        seed=options.seed,
        resamples=options.resamples,
        exact_max_steps=options.exact_max_steps,
    )
    if options.min_cell <= 1:
        return result, ()
    masks = [list(row) for row in table_masks(table.tolist(), options.min_cell)]
    for j, wave_masked in enumerate(shown_masked):
        for i, hidden in enumerate(wave_masked):
            if hidden and masks[i][j] == SHOWN:
                masks[i][j] = SECONDARY
    if all(mask == SHOWN for row in masks for mask in row):
        return result, ()
    # A wave x response table with a masked count: every statistic that could narrow it
    # down is withheld (as cipp.flow.disclosure does for the association tests).
    withheld = replace(
        withhold_statistics(result),
        testable=False,
        reason="withheld under disclosure control (a count below the threshold)",
    )
    return withheld, tuple(tuple(row) for row in masks)


def _wave_masked(
    results: Results, item_id: str, rows: Sequence[str], scale: Scale
) -> tuple[bool, ...]:
    """Which of ``rows`` the wave's own Table 1 masks: a level it masks, or a collapse
    group holding one (the group's sum would give the masked count away)."""
    masked = {level.label for level in results.item(item_id).levels if level.masked}
    members = {g.label: {scale.label_of(code) for code in g.codes} for g in scale.collapse}
    return tuple(bool({row} & masked or members.get(row, set()) & masked) for row in rows)


def _item_pending(
    waves: Sequence[tuple[str, Results, WaveCounts]],
    instrument: Instrument,
    options: AnalysisOptions,
) -> list[dict[str, Any]]:
    """Each item some wave asked: its per-wave figures and its wave x response test."""
    names = [name for name, _, _ in waves]
    pending: list[dict[str, Any]] = []
    for item in instrument.items:
        asked = [item.id in counts.items for _, _, counts in waves]
        if not any(asked):
            continue
        scale = instrument.scale_of(item)
        figures: list[_Figures | None] = []
        columns = []
        wave_masked = []
        rows = next(counts.rows[item.id] for _, _, counts in waves if item.id in counts.items)
        for position, (name, results, counts) in enumerate(waves):
            if item.id not in counts.items:
                figures.append(None)
                continue
            s = results.item(item.id)
            wave_masked.append(_wave_masked(results, item.id, rows, scale))
            mean = s.mean if s.kind != "binary" else NAN
            figures.append(
                _Figures(
                    s.n_valid,
                    s.positive_percent,
                    s.top_percent,
                    mean,
                    positive_k=s.positive.k,
                    positive_n=0 if s.suppressed else s.positive.n,
                )
            )
            columns.append((position, name, counts.items[item.id]))
        notes = [
            f"Not asked in {', '.join(n for n, a in zip(names, asked, strict=True) if not a)}."
        ]
        pending.append(
            {
                "level": "item",
                "id": item.id,
                "text": item.text,
                "component": item.component,
                "scale": scale.id,
                "kind": scale.kind,
                "positive_label": scale.positive_group.label,
                "figures": figures,
                "test": _test(columns, rows, options, wave_masked),
                "notes": notes if not all(asked) else [],
            }
        )
    return pending


def _component_pending(
    waves: Sequence[tuple[str, Results, WaveCounts]],
    instrument: Instrument,
    options: AnalysisOptions,
    component: str,
) -> dict[str, Any] | None:
    """One component's per-wave figures and test (None when no wave asked it)."""
    figures: list[_Figures | None] = []
    columns = []
    members: list[tuple[str, ...]] = []
    shared: set[str | None] = set()
    for position, (name, results, counts) in enumerate(waves):
        summary = next((c for c in results.components if c.component == component), None)
        if summary is None or component not in counts.components:
            figures.append(None)
            continue
        split = counts.components[component]
        n = sum(split)
        binary = summary.scale is not None and instrument.scale(summary.scale).kind == "binary"
        figures.append(
            _Figures(
                n,
                summary.positive_percent,
                summary.top_percent,
                NAN if binary else summary.mean,
                100 * split[1] / n if n else NAN,
                positive_k=summary.positive.k,
                positive_n=0 if summary.suppressed else summary.positive.n,
                positive_n_effective=summary.positive.n_effective,
            )
        )
        columns.append((position, name, split))
        members.append(summary.items)
        shared.add(summary.scale)
    if not columns:
        return None
    notes = []
    if len(set(members)) > 1:
        notes.append(
            "Not every wave asked the same items of this component; each wave's "
            "figures pool the items it asked."
        )
    scale_id = next(iter(shared)) if len(shared) == 1 else None
    test, masks = _test(columns, COMPONENT_ROWS, options)
    for j, (position, _, _) in enumerate(columns):
        point = figures[position]
        if masks and point is not None and any(row[j] != SHOWN for row in masks):
            # n and the share mostly positive would give the masked split away.
            figures[position] = replace(point, mostly_positive=NAN)
    return {
        "level": "component",
        "id": component,
        "text": component.capitalize(),
        "component": component,
        "scale": scale_id,
        "kind": instrument.scale(scale_id).kind if scale_id else None,
        "positive_label": None,
        "figures": figures,
        "test": (test, masks),
        "notes": notes,
    }


def compute_trends(
    waves: Sequence[tuple[str, Results, WaveCounts]],
    instrument: Instrument,
    options: AnalysisOptions = DEFAULT_OPTIONS,
    *,
    min_change: float | None = None,
) -> Trends:
    """Compare waves (in the order given) item by item and component by component.

    Each wave's n, % positive, % top level and mean are its own Results' figures (so they
    equal its tables); the tests are described on :class:`Trend`; p values are adjusted
    with ``options.adjust`` across all trend tests. Checked in tests/test_batch.py against
    the whole file's counts (waves add up to it) and against a chi-square and a
    linear-by-linear test computed independently from a pandas crosstab.
    """
    from cipp.stats.adjust import adjust_pvalues

    names = [name for name, _, _ in waves]
    pending = _item_pending(waves, instrument, options)
    for component in COMPONENTS:
        record = _component_pending(waves, instrument, options, component)
        if record is not None:
            pending.append(record)
    p_used = [r["test"][0].p_value_used if r["test"][0].testable else NAN for r in pending]
    adjusted = adjust_pvalues(p_used, method=options.adjust) if pending else []
    items: list[Trend] = []
    components: list[Trend] = []
    for record, p_adj in zip(pending, adjusted, strict=True):
        figures = record.pop("figures")
        points, first, last, change = _points(names, figures)
        steps, overall = _changes(names, figures, options.confidence, min_change)
        test, masks = record.pop("test")
        if not test.testable:
            record["notes"].append(f"Not tested: {test.reason}.")
        trend = Trend(
            **{k: v for k, v in record.items() if k != "notes"},
            points=points,
            first_wave=first,
            last_wave=last,
            positive_change=change[0],
            top_change=change[1],
            mean_change=change[2],
            direction=direction_of(overall, min_change),
            test=test,
            p_adjusted=p_adj,
            significant=bool(test.testable and p_adj < options.alpha),
            notes=tuple(record["notes"]),
            changes=steps,
            overall=overall,
            masks=masks,
        )
        (items if trend.level == "item" else components).append(trend)
    return Trends(
        waves=tuple(names),
        items=tuple(items),
        components=tuple(components),
        min_change=min_change,
        alpha=options.alpha,
        adjust=options.adjust,
        collapsed=options.collapse,
        tests=sum(1 for p in p_used if not math.isnan(p)),
        confidence=options.confidence,
    )


# --------------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------------


def _value_key(value: str | None) -> str | None:
    return None if value is None else normalize_text(value)


def _same_column(instrument: Instrument, first: str, second: str) -> bool:
    """Whether two option values name the same column (the same header, or the same
    demographic by its id, label or an alias)."""
    a, b = normalize_header(first), normalize_header(second)
    return a == b or any(
        a in headers and b in headers
        for headers in ({normalize_header(h) for h in d.headers()} for d in instrument.demographics)
    )


def _check_request(options: AnalysisOptions, workers: int | None) -> None:
    if workers is not None and workers < 1:
        raise CippError(f"{option('workers', workers)}: must be at least 1")
    if options.adjust not in ADJUST_METHODS:
        raise CippError(
            f"{option('adjust', repr(options.adjust))} is not one of {', '.join(ADJUST_METHODS)}"
        )
    if options.expected is not None and not options.participation:
        raise CippError("`expected` needs `participation` (the column whose shares it gives)")


def _gather(
    outcomes: Sequence[_Outcome],
    files: Sequence[Path],
    names: Sequence[str],
    split_by: str | None,
    notes: list[str],
) -> tuple[
    dict[str, Results], list[tuple[str, Results, WaveCounts]], dict[str, str], dict[str, str]
]:
    """The waves in order (each Results knowing its wave), their counts, their files and
    the errors; ``notes`` gains the outcomes' notes."""
    errors: dict[str, str] = {}
    found: list[tuple[tuple[Any, ...], int, str, _Wave]] = []
    # A value in several files ("North" in one, "north" in another) names waves with the
    # file's name in brackets, told apart as groups are.
    values = Counter(_value_key(w.value) for o in outcomes for w in o.waves)
    for outcome in outcomes:
        notes.extend(outcome.notes)
        file_name = names[outcome.index]
        if outcome.error is not None:
            errors[file_name] = outcome.error
            continue
        for wave in outcome.waves:
            if wave.value is None:
                name, key = file_name, natural_key(file_name)
            else:
                once = values[_value_key(wave.value)] == 1
                name = wave.value if once else f"{wave.value} ({file_name})"
                key = wave.order
            found.append((key, outcome.index, name, wave))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    waves: dict[str, Results] = {}
    counts: list[tuple[str, Results, WaveCounts]] = []
    sources: dict[str, str] = {}
    for _, index, name, wave in found:
        detail = WaveInfo(name=name, file=str(files[index]), split_by=split_by, value=wave.value)
        results = replace(wave.results, wave=detail)
        waves[name] = results
        sources[name] = str(files[index])
        counts.append((name, results, wave.counts))
    return waves, counts, sources, errors


def run_batch(
    inputs: Iterable[str | Path] | str | Path,
    *,
    instrument: str | Path | Instrument | None = None,
    split_by: str | None = None,
    options: AnalysisOptions = DEFAULT_OPTIONS,
    sheet: str | None = None,
    lenient: bool = False,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    source: str = "auto",
    complete_only: bool = False,
    min_change: float | None = None,
) -> BatchResults:
    """Analyse every wave of INPUTS with one instrument and options, then their trends.

    ``inputs``: files, folders (their .xlsx/.csv files) or glob patterns. Each file is one
    wave named after its stem; with ``split_by`` (a demographic's id or label, or any
    column's header, resolved like ``--by``) each value of that column in each file is
    one wave named after the value (a value found in several files gets the file's name
    in brackets). Waves are in natural order of their names ('2023' before '2024', 'wave
    2' before 'wave 10'; a demographic's values in the instrument's order).

    ``instrument``: an Instrument, a bundled name or a YAML path; None detects it once,
    from the first file that matches a bundled instrument, and uses it for every wave
    (``notes`` says so). Give the newest version of an instrument: waves without one of
    its items have it as not asked.

    ``source`` and ``complete_only``: as for ``cipp analyze`` (the platform that wrote the
    exports, auto-detected by default; keep only finished Qualtrics or REDCap responses).

    ``workers``: processes analysing files at once (default ``min(files, cpu count)``;
    1 runs in this process). The result is identical whatever the number: each file is
    analysed by the same code with the same seeds, and waves are put in order afterwards.
    Workers start from a fork server, which imports the calling script's main module: in
    a script, call run_batch under ``if __name__ == "__main__":`` (the multiprocessing
    rule), or pass ``workers=1``. Code read from standard input runs serially.

    Files are read with the limits and encoding in force (cipp.read.settings.reading),
    in the worker processes too; a file over a limit is a failed wave like any other.

    A file that cannot be read or analysed becomes an entry of ``errors`` and the other
    waves go on. Raises CippError only for problems with the request itself (no input,
    an unknown instrument, bad options, no file matching any bundled instrument).
    """
    _check_request(options, workers)
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    given = expand_inputs(inputs)
    given_names = _file_names(given)
    order = sorted(range(len(given)), key=lambda k: (natural_key(given_names[k]), k))
    files = [given[k] for k in order]
    names = [given_names[k] for k in order]

    notes: list[str] = []
    settings = current()
    cached: dict[int, RawTable] = {}
    if instrument is None:
        chosen, note, cached = _detect(files, sheet, source, complete_only)
        notes.append(note)
    elif isinstance(instrument, Instrument):
        chosen = instrument
    else:
        chosen = resolve_instrument(instrument)
    participation = options.participation
    if split_by is not None and participation and _same_column(chosen, split_by, participation):
        raise CippError(
            f"{option('participation', participation)} is the `split_by` column: each wave "
            "holds one of its values; to test participation across the waves, analyse the "
            f"whole file with {option('participation', participation)}"
        )

    jobs = [
        _Job(
            index, path, chosen, split_by, options, sheet, lenient, source, complete_only, settings
        )
        for index, path in enumerate(files)
    ]
    count = workers if workers is not None else min(len(jobs), os.cpu_count() or 1)
    outcomes = _execute(jobs, names, count, progress, cached)
    waves, counts, sources, errors = _gather(outcomes, files, names, split_by, notes)
    return BatchResults(
        waves=waves,
        trends=compute_trends(counts, chosen, options, min_change=min_change),
        errors=errors,
        instrument=chosen,
        inputs=tuple(files),
        split_by=split_by,
        notes=tuple(notes),
        sources=sources,
    )
