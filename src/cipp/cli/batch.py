"""``cipp batch``: every academic year's survey analysed the same way, with trends.

Parses the options, makes one library call (cipp.flow.batch.run_batch), renders and sets the
exit code: 0 when every wave was analysed, 1 when the batch finished but some files
failed (they are listed), 2 for a usage error or when no wave could be analysed.
Library imports happen inside the command so ``cipp --help`` stays instant.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cipp.cli.analyze import analysis_options
from cipp.cli.common import (
    AdjustOption,
    ByOption,
    CollapseOption,
    CompleteOnlyOption,
    ConfidenceOption,
    DecimalsOption,
    EncodingOption,
    ExpectedOption,
    InstrumentOption,
    LenientOption,
    LimitsOption,
    MinCellOption,
    NoTestsOption,
    ParticipationOption,
    RakeOption,
    RosterOption,
    SheetOption,
    SortOption,
    SourceOption,
    WeightOption,
    as_flags,
    count,
    drawing_progress,
    emit,
    err_console,
    reading_with,
    say,
    user_errors,
)
from cipp.model.errors import CippError
from cipp.render.formats import FORMATS

if TYPE_CHECKING:
    from cipp.flow.batch import ProgressCallback
    from cipp.model.trends import BatchResults

EXIT_FAILED_WAVES = 1

InputsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Response files (.xlsx or .csv), folders of them, or glob patterns "
        "('surveys/*.xlsx'). Each file is one wave, named after the file; waves are "
        "compared in natural order of their names (2023 before 2024).",
        metavar="INPUT",
        show_default=False,
    ),
]
SplitByOption = Annotated[
    str | None,
    typer.Option(
        "--split-by",
        help="Make each value of this demographic or column one wave "
        "(e.g. academic_year), in each file.",
    ),
]
FolderOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Folder for one sub-folder per wave (its full outputs) and the summary "
        "(summary.json, trends.*). Without it: the trends table, or JSON, to stdout.",
    ),
]
FormatsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--format",
        "-f",
        help=f"Repeatable or comma list of: {', '.join(FORMATS)} (default: table).",
    ),
]
WaveFiguresOption = Annotated[
    Path | None,
    typer.Option(
        "--figures",
        help="Draw per CIPP component a chart with a bar per item and wave (PNG and SVG) "
        "into this folder.",
    ),
]
MinChangeOption = Annotated[
    float | None,
    typer.Option(
        "--min-change",
        min=0,
        help="Also require a change of at least this many percentage points before marking "
        "it ▲ / ▼ (a practical threshold beside the interval; default: the interval alone).",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Files analysed at once in separate processes (default: one per CPU, at "
        "most one per file; 1: one after another).",
    ),
]


def parse_formats(values: list[str] | None) -> tuple[str, ...]:
    """'--format json,xlsx --format markdown' -> ('json', 'xlsx', 'markdown')."""
    formats: list[str] = []
    for value in values or ["table"]:
        for part in value.split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in FORMATS:
                raise CippError(f"--format '{name}' is not one of {', '.join(FORMATS)}")
            if name not in formats:
                formats.append(name)
    return tuple(formats) or ("table",)


@contextlib.contextmanager
def _progress_bar() -> Iterator[ProgressCallback | None]:
    """A bar across the files on stderr when it is a terminal; nothing otherwise."""
    if not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("analysing waves", total=None)

        def update(done: int, total: int, name: str) -> None:
            description = f"analysing waves (done: {name})" if name else "analysing waves"
            bar.update(task, completed=done, total=total, description=description)

        yield update


def batch(
    inputs: InputsArgument,
    instrument: InstrumentOption = None,
    split_by: SplitByOption = None,
    out: FolderOption = None,
    output_format: FormatsOption = None,
    decimals: DecimalsOption = 1,
    by: ByOption = None,
    no_tests: NoTestsOption = False,
    collapse: CollapseOption = False,
    adjust: AdjustOption = "bh",
    workers: WorkersOption = None,
    sheet: SheetOption = None,
    lenient: LenientOption = False,
    source: SourceOption = "auto",
    complete_only: CompleteOnlyOption = False,
    participation: ParticipationOption = None,
    expected: ExpectedOption = None,
    confidence: ConfidenceOption = 0.95,
    min_cell: MinCellOption = 0,
    roster: RosterOption = None,
    min_change: MinChangeOption = None,
    figures: WaveFiguresOption = None,
    sort: SortOption = "instrument",
    weight: WeightOption = None,
    rake: RakeOption = None,
    limits: LimitsOption = None,
    encoding: EncodingOption = None,
) -> None:
    """Analyse several waves (files, or one file split by a column) and their trends.

    Every wave gets the full analysis of 'cipp analyze'; the trends compare the waves.

    ▲ rise / ▼ fall: the change in % positive from the first wave to the last (and from
    each wave to the next) has an interval that excludes 0.

    A file that fails is listed, the other waves finish, and the exit code is 1.
    """
    from cipp.flow.batch import run_batch
    from cipp.flow.distributions import check_sort
    from cipp.read.roster import load_group_sizes, load_roster

    with user_errors():
        formats = parse_formats(output_format)
        check_sort(sort)
        if out is None and (set(formats) - {"table", "json"} or len(formats) > 1):
            raise CippError(
                f"--format {','.join(formats)} writes files: give --out FOLDER "
                "(without it, one of table or json goes to stdout)"
            )
        options = analysis_options(
            by=by,
            no_tests=no_tests,
            expected=expected,
            collapse=collapse,
            adjust=adjust,
            participation=participation,
            confidence=confidence,
            min_cell=min_cell,
            roster=load_group_sizes(roster) if roster else None,
            weight=weight,
            rake=load_roster(rake) if rake is not None else None,
        )
        # The lock is held from before the first file is read until the last output is
        # written: a second run into the folder stops at once instead of interleaving.
        with _locked(out, inputs), reading_with(limits, encoding), _progress_bar() as progress:
            result = run_batch(
                inputs,
                instrument=instrument,
                split_by=split_by,
                options=options,
                sheet=sheet,
                lenient=lenient,
                workers=workers,
                progress=progress,
                source=source,
                complete_only=complete_only,
                min_change=min_change,
            )
            _show(result, formats, out, decimals)
            if figures is not None and result.waves:
                _figures_by_wave(result, figures, sort)
    _exit_status(result)


@contextlib.contextmanager
def _locked(out: Path | None, inputs: list[str]) -> Iterator[None]:
    """The output folder locked for this run (nothing to lock without one)."""
    if out is None:
        yield
        return
    from cipp.render.files import folder_lock

    with folder_lock(out, [Path(given) for given in inputs]):
        yield


def _figures_by_wave(result: BatchResults, folder: Path, sort: str) -> None:
    """Per CIPP component, a chart with a bar per item and wave."""
    from cipp.flow.distributions import by_wave
    from cipp.render.group_figures import draw_group_figures

    with drawing_progress("figures by wave") as progress:
        paths = draw_group_figures(
            by_wave(result, sort=sort), folder, inputs=result.inputs, progress=progress
        )
    say(f"wrote {len(paths) // 2} figures by wave (PNG and SVG) to {folder}")


def _show(result: BatchResults, formats: tuple[str, ...], out: Path | None, decimals: int) -> None:
    """Write the batch's files, show the trends, list the files that failed."""
    from cipp.render.trends import trends_document, write_batch

    for note in result.notes:
        say(note)
    if out is not None:
        written = write_batch(result, out, formats, decimals=decimals)
        say(
            f"wrote {len(written)} files for {len(result.waves)} waves to {out} "
            f"(summary: {out / 'summary.json'})"
        )
    if "table" in formats and result.waves:
        emit(trends_document(result, decimals=decimals, details=False), "table", None)
    elif out is None and formats == ("json",):
        emit(trends_document(result, decimals=decimals), "json", None)
    for name, message in result.errors.items():
        say(f"failed: {name}: {as_flags(message)}")
    if not result.waves:
        raise CippError(
            f"no wave could be analysed ({count(len(result.errors), 'file')} failed; see above)"
        )


def _exit_status(result: BatchResults) -> None:
    if result.errors:
        files = count(len(result.errors) + _files(result), "file")
        say(
            f"{len(result.errors)} of {files} failed; the other "
            f"{count(len(result.waves), 'wave')} finished"
        )
        raise typer.Exit(EXIT_FAILED_WAVES)


def _files(result: BatchResults) -> int:
    """Files that gave waves (a split file gives several)."""
    return len(set(result.sources.values()))
