"""``cipp batch``: every academic year's survey analysed the same way, with trends.

Parses the options, makes one library call (cipp.flow.batch.run_batch), renders and sets the
exit code: 0 when every wave was analysed, 1 when the batch finished but some files
failed (they are listed), 2 for a usage error or when no wave could be analysed.
Library imports happen inside the command so ``cipp --help`` stays instant.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cipp.cli.common import (
    AdjustOption,
    CompleteOnlyOption,
    DecimalsOption,
    SheetOption,
    SourceOption,
    err_console,
    stdout_console,
    user_errors,
)
from cipp.model.errors import CippError

if TYPE_CHECKING:
    from cipp.flow.batch import BatchResults, ProgressCallback

FORMATS = ("table", "json", "csv", "markdown", "xlsx")
EXIT_FAILED_WAVES = 1


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
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Response files (.xlsx or .csv), folders of them, or glob patterns "
            "('surveys/*.xlsx'). Each file is one wave, named after the file; waves are "
            "compared in natural order of their names (2023 before 2024).",
            metavar="INPUT",
            show_default=False,
        ),
    ],
    instrument: Annotated[
        str | None,
        typer.Option(
            "--instrument",
            "-i",
            help="Bundled instrument name or YAML path, used for every wave (give the "
            "newest version: a wave without one of its items has it as 'not asked'). "
            "Default: detected from the first file.",
        ),
    ] = None,
    split_by: Annotated[
        str | None,
        typer.Option(
            "--split-by",
            help="Make each value of this demographic or column one wave "
            "(e.g. academic_year), in each file.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Folder for one sub-folder per wave (its full outputs) and the summary "
            "(summary.json, trends.*). Without it: the trends table, or JSON, to stdout.",
        ),
    ] = None,
    output_format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help=f"Repeatable or comma list of: {', '.join(FORMATS)} (default: table).",
        ),
    ] = None,
    decimals: DecimalsOption = 1,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Within each wave, test every item against this demographic or column "
            "(repeatable). Default: the instrument's tested demographics.",
        ),
    ] = None,
    no_tests: Annotated[
        bool, typer.Option("--no-tests", help="Skip the tests of association within waves.")
    ] = False,
    collapse: Annotated[
        bool,
        typer.Option(
            "--collapse",
            help="Test the scales' collapse groups (e.g. Disagree / Agree) instead of "
            "every level, within waves and across them.",
        ),
    ] = False,
    adjust: AdjustOption = "bh",
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Files analysed at once in separate processes (default: one per CPU, at "
            "most one per file; 1: one after another).",
        ),
    ] = None,
    sheet: SheetOption = None,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="Count values outside the scale as invalid and go on, "
            "instead of failing the file.",
        ),
    ] = False,
    source: SourceOption = "auto",
    complete_only: CompleteOnlyOption = False,
    participation: Annotated[
        str | None,
        typer.Option(
            "--participation",
            help="Within each wave, test whether respondents are spread evenly "
            "(or as --expected) across this column.",
        ),
    ] = None,
    expected: Annotated[
        str | None,
        typer.Option(
            "--expected",
            help="Expected counts or shares for --participation in every wave: "
            "'Year 1=150,Year 2=150,...'.",
        ),
    ] = None,
) -> None:
    """Analyse several waves (files, or one file split by a column) and their trends.

    Every wave gets the full analysis of 'cipp analyze'; the trends compare the waves.

    ▲ rise / ▼ fall: % positive up / down by at least 5 percentage points, first to last.

    A file that fails is listed, the other waves finish, and the exit code is 1.
    """
    from cipp.flow.analysis import AnalysisOptions, parse_expected
    from cipp.flow.batch import run_batch
    from cipp.render.trends import print_trends, render_summary_json, write_batch

    with user_errors():
        formats = parse_formats(output_format)
        if out is None and (set(formats) - {"table", "json"} or len(formats) > 1):
            raise CippError(
                f"--format {','.join(formats)} writes files: give --out FOLDER "
                "(without it, one of table or json goes to stdout)"
            )
        options = AnalysisOptions(
            by=() if no_tests else (tuple(by) if by else None),
            collapse=collapse,
            adjust=adjust,
            participation=participation,
            expected=parse_expected(expected) if expected else None,
        )
        with _progress_bar() as progress:
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
            )
        for note in result.notes:
            err_console.print(f"cipp: {note}", markup=False)
        if out is not None:
            written = write_batch(result, out, formats, decimals=decimals)
            err_console.print(
                f"cipp: wrote {len(written)} files for {len(result.waves)} waves to {out} "
                f"(summary: {out / 'summary.json'})",
                markup=False,
            )
        if "table" in formats and result.waves:
            print_trends(result, stdout_console(), decimals=decimals)
        elif out is None and formats == ("json",):
            sys.stdout.write(render_summary_json(result))
        for name, message in result.errors.items():
            err_console.print(f"cipp: failed: {name}: {message}", markup=False)
        if not result.waves:
            raise CippError(
                f"no wave could be analysed ({_count(len(result.errors), 'file')} failed; "
                "see above)"
            )
    if result.errors:
        err_console.print(
            f"cipp: {len(result.errors)} of {_count(len(result.errors) + _files(result), 'file')}"
            f" failed; the other {_count(len(result.waves), 'wave')} finished",
            markup=False,
        )
        raise typer.Exit(EXIT_FAILED_WAVES)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _files(result: BatchResults) -> int:
    """Files that gave waves (a split file gives several)."""
    return len(set(result.sources.values()))
