"""``cipp compare``: the same respondents before and after, matched by an id column."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cipp.cli.common import (
    CompleteOnlyOption,
    DecimalsOption,
    FormatOption,
    InstrumentOption,
    LenientOption,
    OutOption,
    SheetOption,
    SourceOption,
    emit,
    given_files,
    say,
    user_errors,
    warm_up,
)

BeforeArgument = Annotated[Path, typer.Argument(help="Responses before (.xlsx or .csv).")]
AfterArgument = Annotated[Path, typer.Argument(help="Responses after, from the same people.")]
IdOption = Annotated[
    str,
    typer.Option(
        "--id",
        help="Column holding each respondent's id, in both files (matched exactly; "
        "duplicate and unmatched ids are listed, never guessed).",
    ),
]


def compare(
    before: BeforeArgument,
    after: AfterArgument,
    id_column: IdOption,
    instrument: InstrumentOption = None,
    sheet: SheetOption = None,
    output_format: FormatOption = "table",
    out: OutOption = None,
    decimals: DecimalsOption = 1,
    source: SourceOption = "auto",
    complete_only: CompleteOnlyOption = False,
    lenient: LenientOption = False,
) -> None:
    """Compare the same respondents before and after: McNemar, Stuart-Maxwell, Wilcoxon
    and the paired change in % positive with its 95% CI, per item and CIPP component."""
    from cipp.flow.compare import compare_files
    from cipp.render.compare import comparison_document
    from cipp.render.files import check_output
    from cipp.render.formats import check_format

    with user_errors():
        check_format(output_format, out)
        warm_up()
        inputs = given_files(before, after, instrument)
        if out is not None:
            check_output(out, inputs)
        comparison = compare_files(
            before,
            after,
            id_column=id_column,
            instrument=instrument,
            sheet=sheet,
            lenient=lenient,
            source=source,
            complete_only=complete_only,
        )
        for note in comparison.notes:
            say(note)
        document = comparison_document(comparison, decimals=decimals)
        emit(document, output_format, out, inputs=inputs)
