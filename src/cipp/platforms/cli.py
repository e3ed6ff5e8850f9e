"""``cipp instrument ...`` and ``cipp export ...``: platform import and SPSS export."""

from __future__ import annotations

import typer

instrument_app = typer.Typer(
    help="Make an instrument YAML from a platform's questionnaire definition.",
    no_args_is_help=True,
)
export_app = typer.Typer(help="Export responses for other software (SPSS, Stata).",
                         no_args_is_help=True)
