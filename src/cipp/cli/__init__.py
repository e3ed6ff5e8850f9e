"""The command line: the typer app, shared options, one module per command."""

from __future__ import annotations

from cipp.cli.app import app, main, run

__all__ = ["app", "main", "run"]
