"""``cipp qual ...``: the focus-group commands.

Each command opens its inputs, makes the library calls, renders and writes; errors
become one line on stderr and exit code 2 (``user_errors``). Library modules are
imported inside the commands so that ``cipp --help`` stays instant.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from cipp.cli.common import (
    MARKUP_MODE,
    EncodingOption,
    FormatOption,
    LimitsOption,
    OutOption,
    coder_list,
    emit,
    reading_with,
    say,
    user_errors,
)

app = typer.Typer(
    help="Focus groups: inter-coder agreement and themes.",
    no_args_is_help=True,
    rich_markup_mode=MARKUP_MODE,
)


SegmentsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Coded segments: CSV, TSV or xlsx (one row per code per unit per coder; "
        "QualCoder, Taguette and requal exports read as they are) or a REFI-QDA .qdpx.",
        show_default=False,
    ),
]
CodebookOpt = Annotated[
    Path, typer.Option("--codebook", "-c", help="Codebook YAML.", show_default=False)
]
CoderOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--coder",
        help="Coder of a segment file without a coder column (Taguette); repeat per file.",
    ),
]


def _width(out: Path | None) -> int | None:
    """Tables: 200 columns in a file; on stdout the console's width (None)."""
    return 200 if out is not None else None


def _say(lines: tuple[str, ...] | list[str], kind: str) -> None:
    for line in lines:
        say(f"{kind}: {line}")


@app.command()
def agreement(
    segments: SegmentsArg,
    codebook: CodebookOpt,
    coders: Annotated[
        str | None,
        typer.Option("--coders", help="Coders to compare, comma-separated (A,B); default all."),
    ] = None,
    coder: CoderOpt = None,
    fmt: FormatOption = "table",
    out: OutOption = None,
    disagreements: Annotated[
        Path | None,
        typer.Option(
            "--disagreements",
            help="Also write every disagreement to this CSV for adjudication (decisions "
            "already in the file are kept).",
        ),
    ] = None,
    limits: LimitsOption = None,
    encoding: EncodingOption = None,
) -> None:
    """Inter-coder agreement per code: kappa, alpha, AC1, Brennan-Prediger, pooled."""
    with user_errors(), reading_with(limits, encoding):
        from cipp.flow.adjudication import apply_decisions, find_disagreements
        from cipp.flow.intercoder import analyse_agreement
        from cipp.model.errors import CippError
        from cipp.read.adjudication import read_adjudication
        from cipp.read.codebook import load_codebook
        from cipp.read.segments import read_segments
        from cipp.render.files import check_output, write_text
        from cipp.render.formats import check_format
        from cipp.render.qualitative import agreement_document, disagreements_csv

        check_format(fmt, out)
        if disagreements is not None:  # before it is read for earlier decisions
            check_output(disagreements, [*segments, codebook], name="disagreements")
        book = load_codebook(codebook, complete=False)
        coding = read_segments(segments, book, coders=coder)
        results = analyse_agreement(coding, book, coders=coder_list(coders))
        inputs = [*segments, codebook]
        if disagreements is not None:
            if len(results.coders) != 2:
                raise CippError("--disagreements needs exactly two coders (use --coders A,B)")
            found = find_disagreements(coding, results.coders, codebook=book)
            kept = 0
            if disagreements.exists():
                earlier = read_adjudication(disagreements)
                found = apply_decisions(found, earlier)
                kept = sum(1 for item in found if item.decision is not None)
            write_text(disagreements, disagreements_csv(found), inputs=inputs)
            detail = f"; kept {kept} earlier decisions" if kept else ""
            say(f"wrote {len(found)} disagreements to {disagreements}{detail}")
        emit(agreement_document(results), fmt, out, inputs=inputs, width=_width(out))


@app.command()
def themes(
    segments: SegmentsArg,
    codebook: CodebookOpt,
    adjudication: Annotated[
        Path | None,
        typer.Option("--adjudication", "-a", help="Adjudication CSV with decisions filled."),
    ] = None,
    pseudonyms: Annotated[
        Path | None,
        typer.Option(
            "--pseudonyms",
            "-p",
            help="Names to replace in quotes: YAML (name: replacement) or CSV (name, replacement).",
        ),
    ] = None,
    quotes: Annotated[
        int, typer.Option("--quotes", "-k", min=0, help="Quotes per code and theme.")
    ] = 2,
    label: Annotated[
        str,
        typer.Option(
            "--label",
            help="Quote label template; fields: group, session, participant, document, segment_id.",
        ),
    ] = "{group}, FGD {session}, P{participant}",
    coders: Annotated[
        str | None,
        typer.Option("--coders", help="The two coders whose coding is adjudicated (A,B)."),
    ] = None,
    coder: CoderOpt = None,
    fmt: FormatOption = "table",
    out: OutOption = None,
    limits: LimitsOption = None,
    encoding: EncodingOption = None,
) -> None:
    """Themes by CIPP component and group: counts ('2 of 8 mentors') and quotes."""
    with user_errors(), reading_with(limits, encoding):
        from cipp.flow.qualitative import QualitativeInputs, analyse_themes
        from cipp.render.formats import check_format
        from cipp.render.qualitative import themes_document

        check_format(fmt, out)
        inputs = QualitativeInputs(
            segments=tuple(segments),
            codebook=codebook,
            adjudication=adjudication,
            pseudonyms=pseudonyms,
            coders=coder_list(coders),
            quotes=quotes,
            label=label,
            coder_names=tuple(coder) if coder else None,
        )
        analysis = analyse_themes(inputs)
        results = analysis.themes
        document = replace(themes_document(results), names=analysis.pseudonyms)
        files = [*segments, codebook, *(p for p in (adjudication, pseudonyms) if p)]
        emit(document, fmt, out, inputs=files, width=_width(out))
        _say(results.warnings, "warning")


@app.command("codebook-from")
def codebook_from(
    source: Annotated[
        Path,
        typer.Argument(help="A REFI-QDA codebook (.qdc) or project (.qdpx).", show_default=False),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the codebook YAML here (default: stdout)."),
    ] = None,
    limits: LimitsOption = None,
) -> None:
    """Seed a codebook YAML from a REFI-QDA codebook; fill in components and valences."""
    with user_errors(), reading_with(limits):
        from cipp.read.codebook import codebook_to_yaml
        from cipp.read.refi import read_qdc
        from cipp.render.files import write_text

        book, notes = read_qdc(source)
        header = (
            f"Codebook seeded by cipp from {source.name}.\n"
            "Fill in each theme's component (context | input | process | product) and\n"
            "valence (positive | negative | mixed | neutral); cipp validate lists what is missing."
        )
        text = codebook_to_yaml(book, header=header)
        if out is None:
            sys.stdout.write(text)
        else:
            write_text(out, text, inputs=[source])
            say(f"wrote {out}")
        _say(notes, "note")
        lacking = sum(1 for theme in book.themes if theme.component is None)
        if lacking:
            _say(
                [f"{lacking} themes need a component and a valence before `cipp qual themes`"],
                "note",
            )
