"""``cipp sample-size``: OpenEpi's sample size for a proportion, with non-response."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cipp.cli.common import user_errors


def sample_size(
    population: Annotated[
        float | None,
        typer.Option("--population", help="Population size N (omit for an infinite one)."),
    ] = None,
    margin: Annotated[float, typer.Option("--margin", help="Margin of error d.")] = 0.05,
    confidence: Annotated[float, typer.Option("--confidence", help="Confidence level.")] = 0.95,
    proportion: Annotated[
        float, typer.Option("--proportion", help="Anticipated proportion p.")
    ] = 0.5,
    design_effect: Annotated[
        float, typer.Option("--design-effect", help="Design effect (1 = simple random).")
    ] = 1.0,
    nonresponse: Annotated[
        float, typer.Option("--nonresponse", help="Expected non-response share, e.g. 0.10.")
    ] = 0.0,
    base_n: Annotated[
        int | None,
        typer.Option(
            "--base-n",
            help="Start from this n instead of computing it (only inflate it for non-response).",
        ),
    ] = None,
) -> None:
    """Sample size to estimate a proportion, as OpenEpi computes it, plus non-response."""
    from cipp.render.sample_size_text import sample_size_text
    from cipp.stats.sample_size import sample_size_proportion

    with user_errors():
        result = sample_size_proportion(
            population=population,
            margin=margin,
            confidence=confidence,
            proportion=proportion,
            design_effect=design_effect,
            nonresponse=nonresponse,
            base_n=base_n,
        )
        sys.stdout.write(sample_size_text(result))
