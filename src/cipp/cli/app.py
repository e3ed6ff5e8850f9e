"""The cipp command line: the typer app, its commands (one module each) and the process.

Nothing in cli/ computes a statistic. Heavy libraries (pandas, scipy) are imported inside
the commands so that ``cipp --help`` and ``cipp --version`` start instantly.
"""

from __future__ import annotations

import atexit
import contextlib
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

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

#: The commands, in the order ``cipp --help`` lists them: name -> function ...
COMMANDS: dict[str, Callable[..., Any]] = {
    "analyze": analyze,
    "batch": batch,
    "compare": compare,
    "init": init,
    "run": run_project,
    "sample-size": sample_size,
    "report": report,
    "instruments": list_instruments,
    "validate": validate,
}
#: ... and the groups of commands after them.
GROUPS: dict[str, typer.Typer] = {
    "qual": qual_cli.app,
    "instrument": platforms_cli.instrument_app,
    "export": platforms_cli.export_app,
}


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"cipp {__version__}")
        raise typer.Exit()


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


def _listed_only() -> None:
    """Stands for a command in the list of ``cipp --help`` (see :func:`build`)."""


def build(names: Sequence[str] | None = None, *, listing: bool = False) -> typer.Typer:
    """The typer app with every command, or with those ``names`` only.

    Typer reads every command's signature when it starts (a third of ``cipp --help``'s
    time), so the process builds the app with just the command it runs; ``listing``
    builds one whose commands are stand-ins with the real ones' help, enough for the
    top-level ``cipp --help`` (tests/test_imports.py checks it prints the same).
    """
    built = typer.Typer(
        name="cipp",
        help="Turn CIPP program-evaluation surveys into the tables and tests of a paper.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=MARKUP_MODE,
    )
    built.callback()(_main)
    for name, function in COMMANDS.items():
        if names is None or name in names:
            command = _listed_only if listing else function
            built.command(name, help=inspect.getdoc(function))(command)
    for name, group in GROUPS.items():
        if names is None or name in names:
            if listing:
                group = typer.Typer(help=group.info.help, rich_markup_mode=MARKUP_MODE)
                group.command()(_listed_only)
            built.add_typer(group, name=name)
    return built


app = build()


def main() -> None:
    """Run the cipp command line (for programs that call it and go on afterwards): with
    just the command asked for, or the list of commands for ``cipp`` and ``cipp --help``."""
    args = sys.argv[1:]
    if args in ([], ["--help"]):
        build(listing=True)()
    elif args[0] in COMMANDS or args[0] in GROUPS:
        build([args[0]])()
    else:
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
