"""``cipp qual ...``: the focus-group commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Focus groups: inter-coder agreement and themes.", no_args_is_help=True)
