"""The cipp command line: the typer app, its commands (one module each) and the process.

Nothing in cli/ computes a statistic. Heavy libraries (pandas, scipy) are imported inside
the commands so that ``cipp --help`` and ``cipp --version`` start instantly.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from typing import Annotated

import typer

import cipp.cli.platforms as platforms_cli
import cipp.cli.qual as qual_cli
from cipp import __version__
from cipp.cli.analyze import analyze
from cipp.cli.batch import batch
from cipp.cli.common import MARKUP_MODE, state
from cipp.cli.compare import compare
from cipp.cli.instruments import list_instruments, validate
from cipp.cli.project import init
from cipp.cli.project import run as run_project
from cipp.cli.report import report
from cipp.cli.sample_size import sample_size

app = typer.Typer(
    name="cipp",
    help="Turn CIPP program-evaluation surveys into the tables and tests of a paper.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=MARKUP_MODE,
)
app.command()(analyze)
app.command("batch")(batch)
app.command()(compare)
app.command()(init)
app.command("run")(run_project)
app.command("sample-size")(sample_size)
app.command()(report)
app.command("instruments")(list_instruments)
app.command()(validate)
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


def _exit_on_signals() -> None:
    """Make SIGTERM and SIGHUP (a closed terminal, ``kill``, a job scheduler's stop) exit
    like Ctrl-C does, through Python: the temporary file of an output being written is
    removed and the exit status is 128 + the signal's number, as a shell reports it."""
    import signal

    def stop(number: int, _frame: object) -> None:
        raise SystemExit(128 + number)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                signal.signal(number, stop)


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
    _exit_on_signals()
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
