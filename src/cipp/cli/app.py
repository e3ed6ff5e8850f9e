"""The cipp command line: parse arguments, call the library, render, translate errors.

Nothing here computes a statistic. Heavy libraries (pandas, scipy) are imported inside
the commands so that ``cipp --help`` and ``cipp --version`` start instantly.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cipp import __version__
from cipp.cli import batch as batch_cli
from cipp.cli import platforms as platforms_cli
from cipp.cli import qual as qual_cli
from cipp.cli.common import (
    AdjustOption,
    CompleteOnlyOption,
    DecimalsOption,
    SheetOption,
    SourceOption,
    err_console,
    state,
    stdout_console,
    user_errors,
    warm_up,
)
from cipp.model.errors import CippError, InstrumentError
from cipp.render.dispatch import FORMATS

if TYPE_CHECKING:
    from cipp.model.results import Results

app = typer.Typer(
    name="cipp",
    help="Turn CIPP program-evaluation surveys into the tables and tests of a paper.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("batch")(batch_cli.batch)
app.add_typer(qual_cli.app, name="qual")
app.add_typer(platforms_cli.instrument_app, name="instrument")
app.add_typer(platforms_cli.export_app, name="export")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"cipp {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback instead of a one-line error.")
    ] = False,
) -> None:
    state["debug"] = debug


def main() -> None:
    """Run the cipp command line (for programs that call it and go on afterwards)."""
    app()


def run() -> None:
    """The installed ``cipp`` command and ``python -m cipp``: :func:`main`, then the
    process ends without Python's interpreter teardown.

    Freeing pandas, scipy and a big survey object by object takes up to a quarter of a
    second and does nothing for the user. Exit handlers that the command registered still
    run first (in reverse order of registration, so all before the one registered here),
    stdout and stderr are flushed, and the exit status is the one Python would give:
    the command's, 1 after an uncaught error (its traceback printed as usual), 130 after
    Ctrl-C.
    """
    status = 0

    def end_without_teardown() -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(status)

    atexit.register(end_without_teardown)
    try:
        main()
    except SystemExit as stop:
        # As Python turns SystemExit into an exit status: None is 0, a message is 1.
        code = stop.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
        raise
    except KeyboardInterrupt:
        status = 130
        raise
    except BaseException:
        status = 1
        raise


@app.command()
def analyze(
    responses: Annotated[Path, typer.Argument(help="Survey export: .xlsx or .csv.")],
    instrument: Annotated[
        str | None,
        typer.Option(
            "--instrument",
            "-i",
            help="Bundled instrument name (see 'cipp instruments') or YAML path. "
            "Default: the bundled instrument whose items match the columns.",
        ),
    ] = None,
    sheet: SheetOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
    ] = None,
    decimals: DecimalsOption = 1,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Test every item against this demographic or column "
            "(repeatable). Default: the instrument's tested demographics.",
        ),
    ] = None,
    no_tests: Annotated[
        bool, typer.Option("--no-tests", help="Skip the tests of association.")
    ] = False,
    collapse: Annotated[
        bool,
        typer.Option(
            "--collapse",
            help="Test the scales' collapse groups (e.g. Disagree / Agree) instead of every level.",
        ),
    ] = False,
    adjust: AdjustOption = "bh",
    bias_corrected: Annotated[
        bool, typer.Option("--bias-corrected", help="Report Bergsma's bias-corrected Cramér's V.")
    ] = False,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of Monte Carlo exact tests.")
    ] = 20250101,
    resamples: Annotated[
        int, typer.Option("--resamples", min=100, help="Resamples of Monte Carlo exact tests.")
    ] = 10_000,
    exact_steps: Annotated[
        int,
        typer.Option(
            "--exact-steps",
            min=0,
            help="Work budget of exact R x C Fisher tests before Monte Carlo is used instead.",
        ),
    ] = 20_000,
    participation: Annotated[
        str | None,
        typer.Option(
            "--participation",
            help="Test whether respondents are spread evenly "
            "(or as --expected) across this column.",
        ),
    ] = None,
    expected: Annotated[
        str | None,
        typer.Option(
            "--expected",
            help="Expected counts or shares for --participation: 'Year 1=150,Year 2=150,...'.",
        ),
    ] = None,
    source: SourceOption = "auto",
    complete_only: CompleteOnlyOption = False,
    figures: Annotated[
        Path | None,
        typer.Option("--figures", help="Also draw the figures (PNG and SVG) into this folder."),
    ] = None,
    min_cell: Annotated[
        int,
        typer.Option(
            "--min-cell",
            min=0,
            help="Mask counts below N in tables broken down "
            "by a demographic (small-cell protection).",
        ),
    ] = 0,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="Count values outside the scale as invalid and go on, "
            "instead of stopping at the first.",
        ),
    ] = False,
) -> None:
    """Describe every item, CIPP component and demographic: the study's Tables 1 and 2."""
    from cipp.flow.analysis import AnalysisOptions, load_file, parse_expected
    from cipp.flow.analysis import analyze as run_analysis
    from cipp.render.dispatch import check_format
    from cipp.render.files import check_output

    with user_errors():
        check_format(output_format, out)
        if min_cell and output_format in ("json", "csv"):
            err_console.print(
                "cipp: note: --min-cell masks counts in tables (table, markdown, html, xlsx, "
                "docx); json and csv keep every count",
                markup=False,
            )
        warm_up()
        if out is not None:
            check_output(out, [responses])
        loaded = load_file(
            responses,
            instrument=instrument,
            sheet=sheet,
            lenient=lenient,
            source=source,
            complete_only=complete_only,
        )
        if loaded.instrument_note:
            err_console.print(f"cipp: {loaded.instrument_note}", markup=False)
        options = AnalysisOptions(
            by=() if no_tests else (tuple(by) if by else None),
            collapse=collapse,
            adjust=adjust,
            bias_corrected=bias_corrected,
            seed=seed,
            resamples=resamples,
            exact_max_steps=exact_steps,
            participation=participation,
            expected=parse_expected(expected) if expected else None,
        )
        results = run_analysis(loaded.responses, options)
        if figures is not None:
            from cipp.render.figures import draw_figures

            for path in draw_figures(results, figures, inputs=(responses,)):
                err_console.print(f"cipp: wrote {path}", markup=False)
        _render(
            results, output_format, out, decimals=decimals, min_cell=min_cell, inputs=(responses,)
        )


@app.command("sample-size")
def sample_size(
    population: Annotated[
        float | None,
        typer.Option("--population", help="Population size N (omit for an infinite one)."),
    ] = None,
    margin: Annotated[float, typer.Option("--margin", help="Margin of error d.")] = 0.05,
    confidence: Annotated[float, typer.Option("--confidence", help="Confidence level.")] = 0.95,
    proportion: Annotated[
        float, typer.Option("--proportion", help="Anticipated proportion p.")
    ] = 0.5,
    design_effect: Annotated[
        float, typer.Option("--design-effect", help="Design effect (1 = simple random).")
    ] = 1.0,
    nonresponse: Annotated[
        float, typer.Option("--nonresponse", help="Expected non-response share, e.g. 0.10.")
    ] = 0.0,
    base_n: Annotated[
        int | None,
        typer.Option(
            "--base-n",
            help="Start from this n instead of computing it (only inflate it for non-response).",
        ),
    ] = None,
) -> None:
    """Sample size to estimate a proportion, as OpenEpi computes it, plus non-response."""
    from cipp.render.sample_size_text import sample_size_text
    from cipp.stats.sample_size import sample_size_proportion

    with user_errors():
        result = sample_size_proportion(
            population=population,
            margin=margin,
            confidence=confidence,
            proportion=proportion,
            design_effect=design_effect,
            nonresponse=nonresponse,
            base_n=base_n,
        )
        sys.stdout.write(sample_size_text(result))


def _render(
    results: Results,
    output_format: str,
    out: Path | None,
    *,
    decimals: int,
    min_cell: int,
    inputs: tuple[Path, ...],
) -> None:
    from cipp.render.dispatch import render_text, write_output

    if out is not None:
        write_output(
            results, output_format, out, decimals=decimals, min_cell=min_cell, inputs=inputs
        )
        err_console.print(f"cipp: wrote {out}", markup=False)
    elif output_format == "table":
        from cipp.render.terminal import print_results

        print_results(results, stdout_console(), decimals=decimals, min_cell=min_cell)
    else:
        sys.stdout.write(render_text(results, output_format, decimals=decimals, min_cell=min_cell))


@app.command()
def report(
    survey: Annotated[list[Path], typer.Option("--survey", help="A survey export (repeatable).")],
    qual: Annotated[
        list[Path],
        typer.Option("--qual", help="Coded focus-group segments: CSV, xlsx or .qdpx (repeatable)."),
    ],
    codebook: Annotated[Path, typer.Option("--codebook", help="Codebook YAML.")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="docx, html, markdown, json or xlsx.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Write the report here.")],
    integration: Annotated[
        Path | None,
        typer.Option("--integration", help="YAML setting fits and meta-inferences."),
    ] = None,
    adjudication: Annotated[
        Path | None, typer.Option("--adjudication", help="Adjudication CSV (decisions).")
    ] = None,
    pseudonyms: Annotated[
        Path | None, typer.Option("--pseudonyms", help="Names to replace in quotes.")
    ] = None,
    coders: Annotated[
        str | None, typer.Option("--coders", help="The two coders to compare (A,B).")
    ] = None,
    quotes: Annotated[int, typer.Option("--quotes", min=0, help="Quotes per code.")] = 2,
    collapse: Annotated[
        bool, typer.Option("--collapse", help="Test collapse groups, not every level.")
    ] = False,
    decimals: DecimalsOption = 1,
    min_cell: Annotated[
        int, typer.Option("--min-cell", min=0, help="Mask counts below N by group.")
    ] = 0,
) -> None:
    """The whole evaluation in one document: surveys, focus groups and the joint display."""
    from cipp.flow.analysis import AnalysisOptions
    from cipp.flow.evaluation import QualitativeInputs, evaluate
    from cipp.render.files import check_output
    from cipp.render.report import REPORT_FORMATS, write_report

    with user_errors():
        if output_format not in REPORT_FORMATS:
            raise CippError(f"--format '{output_format}' is not one of {', '.join(REPORT_FORMATS)}")
        inputs = (
            *survey,
            *qual,
            codebook,
            *(p for p in (integration, adjudication, pseudonyms) if p is not None),
        )
        check_output(out, inputs)
        qualitative = QualitativeInputs(
            segments=tuple(qual),
            codebook=codebook,
            adjudication=adjudication,
            pseudonyms=pseudonyms,
            coders=tuple(c.strip() for c in coders.split(",")) if coders else None,
            quotes=quotes,
        )
        evaluation = evaluate(
            survey, qualitative, integration=integration, options=AnalysisOptions(collapse=collapse)
        )
        for note in evaluation.notes:
            err_console.print(f"cipp: {note}", markup=False)
        if pseudonyms is None:
            err_console.print(
                "cipp: note: no --pseudonyms file: names inside quotes are printed as transcribed",
                markup=False,
            )
        for warning in evaluation.themes.warnings:
            err_console.print(f"cipp: warning: {warning}", markup=False)
        write_report(
            evaluation, output_format, out, decimals=decimals, min_cell=min_cell, inputs=inputs
        )
        err_console.print(f"cipp: wrote {out}", markup=False)


@app.command("instruments")
def list_instruments() -> None:
    """List the bundled instruments (use a name with --instrument)."""
    from rich.table import Table

    from cipp.read.instrument import bundled_paths, load_instrument

    with user_errors():
        table = Table(title="Bundled instruments", title_justify="left")
        for column in ("Name", "Title", "Items", "Demographics", "File"):
            table.add_column(column)
        for name, path in bundled_paths().items():
            instrument = load_instrument(path)
            table.add_row(
                name,
                instrument.title,
                str(len(instrument.items)),
                str(len(instrument.demographics)),
                str(path),
            )
        stdout_console().print(table)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="Instrument or codebook YAML file to check.")],
) -> None:
    """Check an instrument (or a focus-group codebook) and report every problem at once."""
    from cipp.read.codebook import validate_codebook
    from cipp.read.instrument import load_instrument, looks_like_codebook

    with user_errors():
        if looks_like_codebook(path):
            problems = validate_codebook(path)
            if problems:
                raise InstrumentError(f"{len(problems)} problems: " + "; ".join(problems))
            typer.echo(f"{path}: valid codebook")
            return
        instrument = load_instrument(path)
        components = sorted({item.component for item in instrument.items})
        typer.echo(
            f"{path}: valid instrument '{instrument.id}': {len(instrument.items)} items "
            f"({', '.join(components)}), {_count(len(instrument.scales), 'scale')}, "
            f"{_count(len(instrument.demographics), 'demographic')}"
        )
