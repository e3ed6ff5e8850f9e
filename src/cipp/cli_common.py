"""What every cipp command shares: turning CippError into one line and exit code 2.

Kept apart from cli.py so that sub-command groups (``cipp qual ...``) can use it without
importing the main application.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import typer
from rich.console import Console

from cipp.errors import CippError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# Set by the main callback's --debug flag: show tracebacks instead of one-line errors.
state = {"debug": False}


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Report a CippError (or a missing file) as one line on stderr and exit with code 2."""
    try:
        yield
    except CippError as error:
        if state["debug"]:
            raise
        err_console.print(f"cipp: error: {error}", markup=False)
        raise typer.Exit(2) from None
