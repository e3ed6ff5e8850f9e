"""The cipp command line: parse arguments, call the library, render, translate errors.

Nothing here computes a statistic. Heavy libraries (pandas, scipy) are imported inside
the commands so that ``cipp --help`` and ``cipp --version`` start instantly.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cipp import __version__
from cipp.cli_common import state
from cipp.platforms import cli as platforms_cli
from cipp.qualitative import cli as qual_cli

app = typer.Typer(
    name="cipp",
    help="Turn CIPP program-evaluation surveys into the tables and tests of a paper.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
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
    """Console-script entry point."""
    app()
