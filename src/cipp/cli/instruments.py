"""``cipp instruments`` and ``cipp validate``: the bundled instruments, and checking one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cipp.cli.common import count, stdout_console, user_errors
from cipp.model.errors import InstrumentError, listed

if TYPE_CHECKING:
    from cipp.model.instrument import Instrument


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
                raise InstrumentError(f"{len(problems)} problems:" + listed(problems))
            typer.echo(f"{path}: valid codebook")
            return
        instrument = load_instrument(path)
        _refuse_guessed_orders(path, instrument)
        components = sorted({item.component for item in instrument.items})
        typer.echo(
            f"{path}: valid instrument '{instrument.id}': {len(instrument.items)} items "
            f"({', '.join(components)}), {count(len(instrument.scales), 'scale')}, "
            f"{count(len(instrument.demographics), 'demographic')}"
        )
        _report_unassigned(path, instrument)


def _refuse_guessed_orders(path: Path, instrument: Instrument) -> None:
    """A draft's scales whose order was guessed: cipp analyze refuses them, so validate
    does too, saying what to check."""
    guessed = [scale.id for scale in instrument.scales if scale.order_guessed]
    if guessed:
        problems = [
            f"scales.{scale_id}.order: guessed: check that the levels run from the least to "
            "the most favourable (codes, or positive: low), then delete the key"
            for scale_id in guessed
        ]
        raise InstrumentError(
            f"{path}: {count(len(guessed), 'scale')} with a guessed order "
            f"(cipp analyze refuses % positive, means, alpha and trends for them):"
            + listed(problems)
        )


def _report_unassigned(path: Path, instrument: Instrument) -> None:
    from cipp.model.instrument import UNASSIGNED

    unassigned = [item.id for item in instrument.items if item.component == UNASSIGNED]
    if unassigned:
        typer.echo(
            f"{path}: {count(len(unassigned), 'item')} not assigned to a CIPP component "
            f"(component: {UNASSIGNED}; analysed apart from the components):" + listed(unassigned)
        )
