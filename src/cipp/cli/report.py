"""``cipp report``: the whole evaluation, surveys and focus groups, in one document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cipp.cli.common import (
    CollapseOption,
    ConfidenceOption,
    DecimalsOption,
    EncodingOption,
    FormatOption,
    LimitsOption,
    MinCellOption,
    coder_list,
    emit,
    reading_with,
    say,
    user_errors,
)


def report(
    survey: Annotated[list[Path], typer.Option("--survey", help="A survey export (repeatable).")],
    output_format: FormatOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="Write the report here.")],
    qual: Annotated[
        list[Path] | None,
        typer.Option(
            "--qual",
            help="Coded focus-group segments: CSV, xlsx or .qdpx (repeatable); without it "
            "the report has the survey strand only.",
        ),
    ] = None,
    codebook: Annotated[
        Path | None, typer.Option("--codebook", help="Codebook YAML (with --qual).")
    ] = None,
    integration: Annotated[
        Path | None,
        typer.Option(
            "--integration", help="YAML setting fits, meta-inferences and recommendations."
        ),
    ] = None,
    adjudication: Annotated[
        Path | None, typer.Option("--adjudication", help="Adjudication CSV (decisions).")
    ] = None,
    pseudonyms: Annotated[
        Path | None, typer.Option("--pseudonyms", help="Names to replace in quotes.")
    ] = None,
    coders: Annotated[
        str | None, typer.Option("--coders", help="The two coders to compare (A,B).")
    ] = None,
    quotes: Annotated[int, typer.Option("--quotes", min=0, help="Quotes per code.")] = 2,
    collapse: CollapseOption = False,
    decimals: DecimalsOption = 1,
    min_cell: MinCellOption = 0,
    confidence: ConfidenceOption = 0.95,
    limits: LimitsOption = None,
    encoding: EncodingOption = None,
) -> None:
    """The whole evaluation in one document: surveys, focus groups and the joint display
    (the surveys alone when no --qual is given)."""
    from cipp.flow.analysis import AnalysisOptions
    from cipp.flow.evaluation import QualitativeInputs, evaluate
    from cipp.render.files import check_output
    from cipp.render.formats import check_format
    from cipp.render.report import report_document

    qual = qual or []
    _check_strands(qual, codebook, integration, adjudication, pseudonyms, coders)
    with user_errors():
        check_format(output_format, out)
        inputs = (
            *survey,
            *qual,
            *(p for p in (codebook, integration, adjudication, pseudonyms) if p is not None),
        )
        check_output(out, inputs)
        qualitative = (
            QualitativeInputs(
                segments=tuple(qual),
                codebook=codebook,
                adjudication=adjudication,
                pseudonyms=pseudonyms,
                coders=coder_list(coders),
                quotes=quotes,
            )
            if codebook is not None
            else None
        )
        options = AnalysisOptions(collapse=collapse, min_cell=min_cell, confidence=confidence)
        with reading_with(limits, encoding):
            evaluation = evaluate(survey, qualitative, integration=integration, options=options)
        for note in evaluation.notes:
            say(note)
        if qualitative is None:
            say("note: no --qual: the report has the survey strand only")
        elif pseudonyms is None:
            say("note: no --pseudonyms file: names inside quotes are printed as transcribed")
        for warning in evaluation.themes.warnings:
            say(f"warning: {warning}")
        emit(report_document(evaluation, decimals=decimals), output_format, out, inputs=inputs)


def _check_strands(
    qual: list[Path],
    codebook: Path | None,
    integration: Path | None,
    adjudication: Path | None,
    pseudonyms: Path | None,
    coders: str | None,
) -> None:
    """The focus-group options come together: --qual with --codebook, and the options
    about the focus groups only with them."""
    if qual and codebook is None:
        raise typer.BadParameter("--qual needs --codebook (the codes' themes)", param_hint="--qual")
    if codebook is not None and not qual:
        raise typer.BadParameter(
            "--codebook needs --qual (the coded segments)", param_hint="--codebook"
        )
    if qual:
        return
    given = {
        "--integration": integration,
        "--adjudication": adjudication,
        "--pseudonyms": pseudonyms,
        "--coders": coders,
    }
    for flag, value in given.items():
        if value is not None:
            raise typer.BadParameter(
                f"{flag} is about the focus groups: give --qual and --codebook too",
                param_hint=flag,
            )
