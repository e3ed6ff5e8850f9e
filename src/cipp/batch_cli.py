"""``cipp batch``: every academic year's survey analysed the same way, with trends."""

from __future__ import annotations

import typer


def batch() -> None:
    """Analyse several waves (files, or one file split by a column) and their trends."""
    raise typer.Exit(2)
