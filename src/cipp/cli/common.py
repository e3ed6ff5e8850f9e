"""What every cipp command shares: turning CippError into one line and exit code 2.

Kept apart from cli.py so that sub-command groups (``cipp qual ...``) can use it without
importing the main application.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Iterator
from typing import Annotated

import typer
from rich.console import Console

from cipp.model.errors import CippError

# Options that mean the same in every command that takes them.
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Worksheet (default: first non-empty).")
]
DecimalsOption = Annotated[
    int, typer.Option("--decimals", min=0, max=6, help="Decimals of displayed percentages.")
]
AdjustOption = Annotated[
    str, typer.Option("--adjust", help="Multiple-testing adjustment: bh or holm.")
]

SourceOption = Annotated[
    str,
    typer.Option(
        "--source",
        help="Platform that wrote the export: auto, plain, redcap, qualtrics, kobo, odk, "
        "google, msforms, spss.",
    ),
]
CompleteOnlyOption = Annotated[
    bool,
    typer.Option("--complete-only", help="Keep only finished responses (Qualtrics, REDCap)."),
]

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# Set by the main callback's --debug flag: show tracebacks instead of one-line errors.
state = {"debug": False}


def stdout_console() -> Console:
    """The console for results on stdout."""
    # Piped output (a file, a pager, CI logs) gets room for a paper's table, not 80 columns.
    return Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def warm_up() -> None:
    """Import the analysis libraries in a background thread while the file is read.

    The readers (fastexcel, pyarrow) release the GIL while they parse, so importing
    pandas and scipy (about a second together) overlaps with reading instead of adding
    to it. Importing twice is harmless: the second import waits for the first.
    """

    def load() -> None:
        import importlib

        for name in ("pandas", "scipy.stats", "cipp.stats.contingency", "cipp.stats.describe"):
            with contextlib.suppress(ImportError):
                importlib.import_module(name)

    threading.Thread(target=load, name="cipp-warm-up", daemon=True).start()


#: Library parameters whose flag is not the parameter's name with dashes.
FLAGS = {
    "exact_max_steps": "--exact-steps",
    "output_format": "--format",
    "output_formats": "--format",
    "out": "--out",
    "coder_names": "--coder",
}
_OPTION = re.compile(r"`([a-z][a-z0-9_]*)(?:=([^`]*))?`")


def as_flags(message: str) -> str:
    """A library message with its parameters (`` `split_by='year'` ``, see
    cipp.model.errors.option) named as the flags of the command line (``--split-by year``)."""

    def flag(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        text = FLAGS.get(name, "--" + name.replace("_", "-"))
        return text if value is None else f"{text} {value}"

    return _OPTION.sub(flag, message)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Report a CippError (or a missing file) as one line on stderr and exit with code 2."""
    try:
        yield
    except CippError as error:
        if state["debug"]:
            raise
        err_console.print(f"cipp: error: {as_flags(str(error))}", markup=False)
        raise typer.Exit(2) from None
