"""``cipp instruments`` and ``cipp validate``: the bundled instruments, and checking one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cipp.cli.common import count, stdout_console, user_errors
from cipp.model.errors import InstrumentError


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
            f"({', '.join(components)}), {count(len(instrument.scales), 'scale')}, "
            f"{count(len(instrument.demographics), 'demographic')}"
        )
