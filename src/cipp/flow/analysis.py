"""analyze(): from validated responses to Results. Orchestration only; no maths here."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cipp.flow.disclosure import protect
from cipp.flow.findings import find
from cipp.flow.grouping import resolve_grouping
from cipp.flow.nonresponse import find_nonresponse
from cipp.model.errors import CippError, InstrumentError, option
from cipp.model.instrument import COMPONENTS, UNASSIGNED, Instrument, normalize_text
from cipp.model.nonresponse import GroupSizes
from cipp.model.responses import Grouping, Responses
from cipp.model.results import (
    AssociationSummary,
    AssociationTest,
    CellDriving,
    Participation,
    Proportion,
    Results,
)
from cipp.model.tests import ADJUST_METHODS, ContingencyResult
from cipp.read.instrument import iter_bundled, resolve_instrument
from cipp.read.responses import detect_instrument, header_lower_down, load_responses
from cipp.stats.crosstab import JointGroups, level_rows
from cipp.stats.describe import (
    COMPONENT_ROWS,
    component_rows,
    counts_of_levels,
    describe_component,
    describe_demographic,
    describe_item,
    proportion,
)


@dataclass(frozen=True)
class AnalysisOptions:
    """What to test besides the descriptive tables.

    ``by``: grouping variables to test every item and component against; None means the
    demographics the instrument marks ``test: true``, an empty tuple means no tests.
    ``participation``: a column whose categories are tested for equal (or ``expected``)
    shares of respondents.
    """

    by: tuple[str, ...] | None = None
    collapse: bool = False
    adjust: str = "bh"
    alpha: float = 0.05
    bias_corrected: bool = False
    seed: int = 20250101
    resamples: int = 10_000
    exact_max_steps: int = 20_000
    participation: str | None = None
    expected: Mapping[str, float] | None = None
    #: Categories of a --participation column outside the instrument to test over even
    #: where no respondent chose them (cipp batch: a split file's, for each wave).
    participation_categories: tuple[str, ...] = ()
    #: Mask counts below this in tables broken down by group (0: mask nothing); see
    #: cipp.flow.findings.
    min_cell: int = 0
    #: The confidence level of every interval.
    confidence: float = 0.95
    #: How many people were asked (in all and/or per group): response rates and
    #: participation against it (cipp.read.roster.load_group_sizes).
    roster: GroupSizes | None = None
    #: Survey weights (cipp.flow.weighting): a column of the file holding each
    #: respondent's weight, and/or a roster (its path, or a model.weights.Roster) of
    #: population counts to rake the weights to.
    weight: str | None = None
    rake: Any = None


@dataclass(frozen=True)
class LoadedFile:
    """Responses read from a file, with how the instrument was chosen."""

    responses: Responses
    instrument_note: str | None


def load_file(
    path: str | Path,
    *,
    instrument: str | Path | Instrument | None = None,
    sheet: str | None = None,
    lenient: bool = False,
    require_all_items: bool = True,
    source: str = "auto",
    complete_only: bool = False,
) -> LoadedFile:
    """Read a response file (a plain sheet or CSV, or a platform's export) and validate it.

    ``instrument`` is an Instrument, a bundled instrument's name or a YAML path; with
    None the bundled instrument whose items match the file's columns is picked, and
    ``instrument_note`` says which. ``source`` names the platform that wrote the export
    (auto: recognised from its headers); see cipp.platforms.read_export.
    """
    from cipp.platforms import check_columns, expand_choices, read_export

    chosen: Instrument | None
    if instrument is None or isinstance(instrument, Instrument):
        chosen = instrument
    else:
        chosen = resolve_instrument(instrument)
    table = read_export(
        path, source=source, sheet=sheet, complete_only=complete_only, instrument=chosen
    )
    note = None
    candidates = [chosen] if chosen is not None else list(iter_bundled())
    table = header_lower_down(table, candidates)
    if chosen is None:
        choice = detect_instrument(table, candidates)
        chosen = choice.instrument
        note = (
            f"using bundled instrument '{chosen.id}' ({choice.matched} of "
            f"{choice.total} items matched the file's columns)"
        )
        table = expand_choices(table, chosen)
    if require_all_items:
        check_columns(table, chosen)
    responses = load_responses(table, chosen, lenient=lenient, require_all_items=require_all_items)
    return LoadedFile(responses, note)


def _groupings(responses: Responses, options: AnalysisOptions) -> list[Grouping]:
    """The groupings to test against: ``options.by``, or the instrument's tested
    demographics that the file has."""
    names = options.by
    if names is None:
        names = tuple(
            d.id
            for d in responses.instrument.demographics
            if d.test and d.id in responses.demographic_values
        )
    return [resolve_grouping(responses, name) for name in dict.fromkeys(names)]


def _subjects(
    responses: Responses, options: AnalysisOptions, joint: JointGroups
) -> list[tuple[dict[str, str], tuple[str, ...], frozenset[str], list[Any]]]:
    """Each item and each component as tested: its fields, row labels, positive rows and
    its crosstab against every grouping (one bincount per subject)."""
    import numpy as np

    instrument = responses.instrument
    subjects = []
    items = responses.items_asked
    for item in items:
        scale = instrument.scale_of(item)
        lookup, labels = level_rows(scale, collapse=options.collapse)
        group = scale.positive_group
        positive = frozenset({group.label, *(scale.label_of(c) for c in group.codes)})
        tables = joint.crosstabs(np.take(lookup, responses.level_index(item.id)), len(labels))
        fields = {"item": item.id, "text": item.text, "level": "item", "component": item.component}
        subjects.append((fields, labels, positive, tables))
    for component in (c for c in COMPONENTS if any(i.component == c for i in items)):
        scores = component_rows(responses, component)
        rows = np.where(scores < 0, len(COMPONENT_ROWS), scores)
        fields = {
            "item": component,
            "text": f"{component.capitalize()}: respondents mostly positive",
            "level": "component",
            "component": component,
        }
        tables = joint.crosstabs(rows, len(COMPONENT_ROWS))
        subjects.append((fields, COMPONENT_ROWS, frozenset(COMPONENT_ROWS[1:]), tables))
    return subjects


def _positive_by_group(
    result: ContingencyResult, positive: frozenset[str], confidence: float
) -> tuple[tuple[str, Proportion], ...]:
    """Each group's answers in the positive rows of a tested table, k of n with its
    Wilson interval."""
    shares = []
    for j, group in enumerate(result.col_labels):
        n = sum(row[j] for row in result.table)
        k = sum(
            row[j]
            for row, label in zip(result.table, result.row_labels, strict=True)
            if label in positive
        )
        shares.append((group, proportion(k, n, confidence)))
    return tuple(shares)


def cells_driving(result: ContingencyResult, alpha: float = 0.05) -> tuple[CellDriving, ...]:
    """The cells whose adjusted standardised residual exceeds, in absolute value, the
    two-sided normal quantile at ``alpha`` divided by the table's number of cells
    (Bonferroni: the cells of one table are tested together)."""
    from cipp.stats.tails import normal_quantile

    if not result.residuals:
        return ()
    cells = len(result.row_labels) * len(result.col_labels)
    critical = normal_quantile(1 - alpha / (2 * cells))
    return tuple(
        CellDriving(row, column, value)
        for row, values in zip(result.row_labels, result.residuals, strict=True)
        for column, value in zip(result.col_labels, values, strict=True)
        if abs(value) > critical
    )


def test_associations(
    responses: Responses, options: AnalysisOptions
) -> tuple[tuple[AssociationTest, ...], AssociationSummary]:
    """Test every item, and every component's positive share, against each grouping.

    Each table is tested with cipp.stats.contingency.test_contingency (Pearson chi-square,
    Fisher's exact test when expected counts are small, Cramér's V, and the
    linear-by-linear trend test when the groups are ordered); p values are then adjusted
    across all tests of the run.
    """
    from cipp.stats.adjust import adjust_pvalues
    from cipp.stats.contingency import test_contingency

    if options.adjust not in ADJUST_METHODS:
        raise CippError(
            f"{option('adjust', repr(options.adjust))} is not one of {', '.join(ADJUST_METHODS)}"
        )
    groupings = _groupings(responses, options)
    # One thread: bincount holds the GIL, and the reused key buffer makes each item a
    # few milliseconds on a million respondents.
    subjects = _subjects(responses, options, JointGroups(groupings))
    pending = []
    for g, grouping in enumerate(groupings):
        for fields, labels, positive, tables in subjects:
            result = test_contingency(
                tables[g],
                row_labels=labels,
                col_labels=grouping.labels,
                ordinal=grouping.ordered,
                bias_corrected=options.bias_corrected,
                seed=options.seed,
                resamples=options.resamples,
                exact_max_steps=options.exact_max_steps,
            )
            tested: dict[str, Any] = {**fields, "by": grouping.id, "by_label": grouping.label}
            pending.append((tested, result, positive))
    p_used = [r.p_value_used if r.testable else math.nan for _, r, _ in pending]
    adjusted = adjust_pvalues(p_used, method=options.adjust)
    tests = tuple(
        AssociationTest(
            **fields,
            collapsed=options.collapse,
            result=result,
            p_adjusted=p_adj,
            significant=bool(result.testable and p < options.alpha),
            significant_adjusted=bool(result.testable and p_adj < options.alpha),
            positive_by_group=_positive_by_group(result, positive, options.confidence),
            cells_driving=(
                cells_driving(result, options.alpha)
                if result.testable and p_adj < options.alpha
                else ()
            ),
        )
        for (fields, result, positive), p, p_adj in zip(pending, p_used, adjusted, strict=True)
    )
    return tests, _summarize(tests, groupings, options)


def _summarize(
    tests: tuple[AssociationTest, ...], groupings: list[Grouping], options: AnalysisOptions
) -> AssociationSummary:
    testable = [t for t in tests if t.result.testable]
    return AssociationSummary(
        tests=len(testable),
        not_testable=len(tests) - len(testable),
        significant=sum(t.significant for t in testable),
        significant_adjusted=sum(t.significant_adjusted for t in testable),
        adjust=options.adjust,
        alpha=options.alpha,
        collapsed=options.collapse,
        by=tuple(g.id for g in groupings),
        by_labels=tuple(g.label for g in groupings),
    )


def participation(
    responses: Responses,
    column: str,
    expected: Mapping[str, float] | None = None,
    categories: Sequence[str] = (),
) -> Participation:
    """Goodness of fit of respondents across a column's categories (equal shares by default).

    Categories of a categorical demographic that nobody chose count as zero. For a column
    outside the instrument, so do the ``categories`` given (in that order: cipp batch
    gives a split file's categories to each of its waves) and those ``expected`` names
    that no respondent has. ``expected``'s labels match the categories whatever their
    case and spacing.
    """
    import numpy as np

    from cipp.stats.goodness_of_fit import goodness_of_fit

    grouping = resolve_grouping(responses, column, parameter="participation")
    known = grouping.codes[grouping.codes >= 0]
    counts = np.bincount(known, minlength=len(grouping.labels)).tolist()
    labels = list(grouping.labels)
    demographic = any(d.id == grouping.id for d in responses.instrument.demographics)
    if categories and not demographic:
        count_of = {normalize_text(label): n for label, n in zip(labels, counts, strict=True)}
        given = {normalize_text(category) for category in categories}
        extra = [label for label in labels if normalize_text(label) not in given]
        labels = [*categories, *extra]
        counts = [count_of.get(normalize_text(label), 0) for label in labels]
    if expected is not None:
        spelled = {normalize_text(label): label for label in labels}
        matched: dict[str, float] = {}
        for key, value in expected.items():
            label = spelled.get(normalize_text(str(key)))
            if label is None and not demographic:
                label = str(key)
                labels.append(label)
                counts.append(0)
                spelled[normalize_text(label)] = label
            name = label if label is not None else str(key)
            if name in matched:
                raise CippError(f"`expected`: '{key}' is given twice (as '{name}')")
            matched[name] = value
        expected = matched
    return Participation(
        grouping.id, grouping.label, goodness_of_fit(counts, tuple(labels), expected)
    )


def parse_expected(text: str) -> dict[str, float]:
    """'Year 1=150, Year 2=150' -> {'Year 1': 150.0, 'Year 2': 150.0} (counts or shares)."""
    expected: dict[str, float] = {}
    for part in text.split(","):
        label, sep, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not sep or not label.strip() or not math.isfinite(number) or number < 0:
            raise CippError(
                f"`expected`: '{part.strip()}' is not LABEL=NUMBER (e.g. 'Year 1=150,Year 2=148')"
            )
        if any(normalize_text(label) == normalize_text(seen) for seen in expected):
            raise CippError(f"`expected`: '{label.strip()}' is given twice")
        expected[label.strip()] = number
    return expected


def refuse_guessed_orders(responses: Responses) -> None:
    """Stop before anything that depends on the order of a scale whose order a draft
    guessed (``order: guessed``): % positive, means, alpha and trends would be wrong
    without a warning."""
    instrument = responses.instrument
    guessed = list(
        dict.fromkeys(
            instrument.scale_of(item).id
            for item in responses.items_asked
            if instrument.scale_of(item).order_guessed
        )
    )
    if not guessed:
        return
    where = instrument.path or f"instrument '{instrument.id}'"
    names = ", ".join(f"'{scale_id}'" for scale_id in guessed)
    noun = "scale" if len(guessed) == 1 else "scales"
    raise InstrumentError(
        f"{where}: {noun} {names} {'has' if len(guessed) == 1 else 'have'} 'order: guessed' "
        "(a draft could not tell which way the levels run), so % positive, means, alpha "
        "and trend tests would be wrong: check the order of the levels (codes from the "
        "least to the most favourable, or positive: low), then delete the 'order: guessed' "
        "line"
    )


def _notes(responses: Responses) -> list[str]:
    """What the analysis counted as missing or invalid, or left out, and why."""
    items = responses.items_asked
    notes = list(responses.notes)
    if responses.invalid:
        notes.append(
            f"{len(responses.invalid)} cells held values outside their scale and "
            "were counted as invalid (not as any level); see invalid_cells."
        )
    if responses.rows_without_answers:
        notes.append(
            f"{responses.rows_without_answers} rows answered no item or demographic (only an "
            "id or a timestamp) and are not counted as respondents."
        )
    for item_id in responses.items_not_asked:
        notes.append(f"Item '{item_id}' was not asked in this file (no column).")
    unassigned = [item.id for item in items if item.component == UNASSIGNED]
    if unassigned:
        notes.append(
            f"{len(unassigned)} item(s) have no CIPP component yet (component: {UNASSIGNED} "
            'in the instrument): they are shown under "Not assigned to a CIPP component" '
            "and left out of the component summaries and the components' tests."
        )
    for item_id, n in responses.declared_missing.items():
        if n:
            notes.append(
                f"'{item_id}': {n} {'answer' if n == 1 else 'answers'} given as a declared "
                f"missing value (e.g. N/A) {'is' if n == 1 else 'are'} counted as missing."
            )
    return notes


def analyze(responses: Responses, options: AnalysisOptions | None = None) -> Results:
    """Describe every item, CIPP component and demographic of one set of responses, and run
    the tests ``options`` ask for (by default: every item against the instrument's tested
    demographics)."""
    options = options or AnalysisOptions()
    if options.expected is not None and not options.participation:
        raise CippError("`expected` needs `participation` (the column whose shares it gives)")
    instrument = responses.instrument
    refuse_guessed_orders(responses)
    invalid_by_variable = Counter(cell.variable for cell in responses.invalid)
    items = responses.items_asked
    summaries = tuple(
        describe_item(
            item,
            instrument.scale_of(item),
            None,
            n_invalid=invalid_by_variable[item.id],
            counts=counts_of_levels(instrument.scale_of(item), responses.level_index(item.id)),
            confidence=options.confidence,
            n_respondents=responses.n_respondents,
        )
        for item in items
    )
    by_id = {s.id: s for s in summaries}
    components = []
    for component in COMPONENTS:
        members = [item for item in items if item.component == component]
        if members:
            components.append(
                describe_component(
                    component,
                    members,
                    [by_id[i.id] for i in members],
                    instrument,
                    responses,
                    options.confidence,
                )
            )
    demographics = tuple(
        describe_demographic(d, responses.demographic_values[d.id])
        for d in instrument.demographics
        if d.id in responses.demographic_values
    )
    notes = _notes(responses)
    associations: tuple[AssociationTest, ...] = ()
    summary = None
    if options.by != ():
        associations, summary = test_associations(responses, options)
    fit = None
    if options.participation:
        fit = participation(
            responses, options.participation, options.expected, options.participation_categories
        )
    nonresponse = find_nonresponse(
        responses,
        summaries,
        _groupings(responses, options) if options.by != () else (),
        options.roster,
    )
    weighting = None
    if options.weight is not None or options.rake is not None:
        from cipp.flow.weighting import weigh

        weighting, associations = weigh(responses, options.weight, options.rake, associations)
    results = Results(
        instrument=instrument,
        weighting=weighting,
        associations=associations,
        association_summary=summary,
        goodness_of_fit=fit,
        source=responses.source,
        sheet=responses.sheet,
        n_respondents=responses.n_respondents,
        items=summaries,
        components=tuple(components),
        demographics=demographics,
        invalid_cells=responses.invalid,
        items_not_asked=responses.items_not_asked,
        notes=tuple(notes),
        confidence=options.confidence,
        declared_missing=dict(responses.declared_missing),
        nonresponse=nonresponse,
    )
    results = protect(results, options.min_cell)
    return replace(results, findings=find(results, min_cell=options.min_cell))


def analyze_file(
    path: str | Path,
    *,
    instrument: str | Path | Instrument | None = None,
    sheet: str | None = None,
    lenient: bool = False,
    options: AnalysisOptions | None = None,
    source: str = "auto",
    complete_only: bool = False,
) -> Results:
    """Read, validate and analyse one response file (the notebook entry point)."""
    loaded = load_file(
        path,
        instrument=instrument,
        sheet=sheet,
        lenient=lenient,
        source=source,
        complete_only=complete_only,
    )
    return analyze(loaded.responses, options)
