"""``cipp analyze``: one survey export to the study's tables, tests and figures."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cipp.cli.common import (
    AdjustOption,
    ByOption,
    CollapseOption,
    CompleteOnlyOption,
    ConfidenceOption,
    DecimalsOption,
    EncodingOption,
    ExpectedOption,
    FormatOption,
    InstrumentOption,
    LenientOption,
    LimitsOption,
    MinCellOption,
    NoTestsOption,
    OutOption,
    ParticipationOption,
    RakeOption,
    RosterOption,
    SheetOption,
    SortOption,
    SourceOption,
    WeightOption,
    drawing_progress,
    emit,
    given_files,
    reading_with,
    say,
    user_errors,
    warm_up,
)

if TYPE_CHECKING:
    from cipp.flow.analysis import AnalysisOptions
    from cipp.model.responses import Responses

ResponsesArgument = Annotated[Path, typer.Argument(help="Survey export: .xlsx or .csv.")]
BiasCorrectedOption = Annotated[
    bool, typer.Option("--bias-corrected", help="Report Bergsma's bias-corrected Cramér's V.")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of Monte Carlo exact tests.")]
ResamplesOption = Annotated[
    int, typer.Option("--resamples", min=100, help="Resamples of Monte Carlo exact tests.")
]
ExactStepsOption = Annotated[
    int,
    typer.Option(
        "--exact-steps",
        min=0,
        help="Work budget of exact R x C Fisher tests before Monte Carlo is used instead.",
    ),
]
CrosstabsOption = Annotated[
    bool,
    typer.Option(
        "--crosstabs",
        help="Add every tested item x group table in full: counts, row %, and the cells "
        "that drive a significant result marked.",
    ),
]
FiguresOption = Annotated[
    Path | None,
    typer.Option(
        "--figures",
        help="Also draw the figures (PNG and SVG) into this folder; with --by, also one "
        "per CIPP component with a bar per item and group.",
    ),
]


def analysis_options(
    *,
    by: list[str] | None,
    no_tests: bool,
    expected: str | None,
    **rest: object,
) -> AnalysisOptions:
    """The library's options from the flags (``rest``: AnalysisOptions' own names)."""
    from cipp.flow.analysis import AnalysisOptions, parse_expected

    return AnalysisOptions(
        by=() if no_tests else (tuple(by) if by else None),
        expected=parse_expected(expected) if expected else None,
        **rest,  # type: ignore[arg-type]
    )


def analyze(
    responses: ResponsesArgument,
    instrument: InstrumentOption = None,
    sheet: SheetOption = None,
    output_format: FormatOption = "table",
    out: OutOption = None,
    decimals: DecimalsOption = 1,
    by: ByOption = None,
    no_tests: NoTestsOption = False,
    collapse: CollapseOption = False,
    adjust: AdjustOption = "bh",
    bias_corrected: BiasCorrectedOption = False,
    seed: SeedOption = 20250101,
    resamples: ResamplesOption = 10_000,
    exact_steps: ExactStepsOption = 20_000,
    participation: ParticipationOption = None,
    expected: ExpectedOption = None,
    source: SourceOption = "auto",
    complete_only: CompleteOnlyOption = False,
    figures: FiguresOption = None,
    sort: SortOption = "instrument",
    min_cell: MinCellOption = 0,
    lenient: LenientOption = False,
    confidence: ConfidenceOption = 0.95,
    roster: RosterOption = None,
    crosstabs: CrosstabsOption = False,
    weight: WeightOption = None,
    rake: RakeOption = None,
    limits: LimitsOption = None,
    encoding: EncodingOption = None,
) -> None:
    """Describe every item, CIPP component and demographic: the study's Tables 1 and 2."""
    from cipp.flow.analysis import analyze as run_analysis
    from cipp.flow.analysis import load_file
    from cipp.flow.distributions import check_sort
    from cipp.read.roster import load_group_sizes, load_roster
    from cipp.render.files import check_output
    from cipp.render.formats import check_format

    with user_errors():
        check_format(output_format, out)
        check_sort(sort)
        warm_up(responses)
        inputs = given_files(responses, instrument, rake, roster)
        if out is not None:
            check_output(out, inputs)
        options = analysis_options(
            by=by,
            no_tests=no_tests,
            expected=expected,
            collapse=collapse,
            adjust=adjust,
            bias_corrected=bias_corrected,
            seed=seed,
            resamples=resamples,
            exact_max_steps=exact_steps,
            participation=participation,
            min_cell=min_cell,
            confidence=confidence,
            roster=load_group_sizes(roster) if roster else None,
            weight=weight,
            rake=load_roster(rake) if rake is not None else None,
        )
        with reading_with(limits, encoding):
            loaded = load_file(
                responses,
                instrument=instrument,
                sheet=sheet,
                lenient=lenient,
                source=source,
                complete_only=complete_only,
            )
        if loaded.instrument_note:
            say(loaded.instrument_note)
        results = run_analysis(loaded.responses, options)
        if figures is not None and min_cell > 1:
            say("note: no figures with --min-cell: a figure shows every count's share")
        elif figures is not None:
            from cipp.render.figures import draw_figures

            for path in draw_figures(results, figures, inputs=inputs):
                say(f"wrote {path}")
            if by:
                _figures_by_group(loaded.responses, by, sort, figures, responses, min_cell)
        from cipp.render.survey import survey_document

        document = survey_document(results, decimals=decimals, crosstabs=crosstabs)
        emit(document, output_format, out, inputs=inputs)


def _figures_by_group(
    responses: Responses, by: list[str], sort: str, folder: Path, source: Path, min_cell: int
) -> None:
    """One set of figures by group per grouping of --by: per CIPP component, a bar per
    item and group."""
    from cipp.flow.distributions import by_groups
    from cipp.render.group_figures import draw_group_figures

    if min_cell:
        say(
            "note: --min-cell masks counts in tables; the figures by group show every "
            "group's N and percentages"
        )
    for distributions in by_groups(responses, by, sort=sort):
        with drawing_progress(f"figures by {distributions.by_label}") as progress:
            paths = draw_group_figures(distributions, folder, inputs=(source,), progress=progress)
        for path in paths:
            say(f"wrote {path}")
