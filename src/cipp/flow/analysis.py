"""analyze(): from validated responses to Results. Orchestration only; no maths here."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cipp.flow.findings import find
from cipp.flow.grouping import resolve_grouping
from cipp.model.errors import CippError, option
from cipp.model.instrument import COMPONENTS, Instrument, Item, normalize_text
from cipp.model.responses import Grouping, Responses
from cipp.model.results import AssociationSummary, AssociationTest, Participation, Results
from cipp.model.tests import ADJUST_METHODS
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


def test_associations(
    responses: Responses, options: AnalysisOptions
) -> tuple[tuple[AssociationTest, ...], AssociationSummary]:
    """Test every item, and every component's positive share, against each grouping.

    Each table is tested with cipp.stats.contingency.test_contingency (Pearson chi-square,
    Fisher's exact test when expected counts are small, Cramér's V, and the
    linear-by-linear trend test when the groups are ordered); p values are then adjusted
    across all tests of the run.
    """
    import numpy as np

    from cipp.stats.adjust import adjust_pvalues
    from cipp.stats.contingency import test_contingency

    if options.adjust not in ADJUST_METHODS:
        raise CippError(
            f"{option('adjust', repr(options.adjust))} is not one of {', '.join(ADJUST_METHODS)}"
        )
    instrument = responses.instrument
    names = options.by
    if names is None:
        names = tuple(
            d.id
            for d in instrument.demographics
            if d.test and d.id in responses.demographics.columns
        )
    groupings = [resolve_grouping(responses, name) for name in dict.fromkeys(names)]
    pending: list[tuple[dict[str, Any], Any]] = []

    def run(table: Any, rows: tuple[str, ...], grouping: Grouping) -> Any:
        return test_contingency(
            table,
            row_labels=rows,
            col_labels=grouping.labels,
            ordinal=grouping.ordered,
            bias_corrected=options.bias_corrected,
            seed=options.seed,
            resamples=options.resamples,
            exact_max_steps=options.exact_max_steps,
        )

    items = responses.items_asked
    components = [c for c in COMPONENTS if any(i.component == c for i in items)]
    joint = JointGroups(groupings)

    def item_tables(item: Item) -> tuple[tuple[str, ...], list[Any]]:
        lookup, labels = level_rows(instrument.scale_of(item), collapse=options.collapse)
        return labels, joint.crosstabs(np.take(lookup, responses.level_index(item.id)), len(labels))

    def component_tables(component: str) -> tuple[tuple[str, ...], list[Any]]:
        scores = component_rows(responses, component)
        rows = np.where(scores < 0, len(COMPONENT_ROWS), scores)
        return COMPONENT_ROWS, joint.crosstabs(rows, len(COMPONENT_ROWS))

    # One thread: bincount holds the GIL, and the reused key buffer makes each item a
    # few milliseconds on a million respondents.
    subject_tables = [*map(item_tables, items), *map(component_tables, components)]
    work = [
        (grouping, labels, tables[g])
        for g, grouping in enumerate(groupings)
        for labels, tables in subject_tables
    ]
    subjects = [
        *(
            {"item": item.id, "text": item.text, "level": "item", "component": item.component}
            for item in items
        ),
        *(
            {
                "item": c,
                "text": f"{c.capitalize()}: respondents mostly positive",
                "level": "component",
                "component": c,
            }
            for c in components
        ),
    ]
    for position, (grouping, labels, table) in enumerate(work):
        fields = {
            **subjects[position % len(subjects)],
            "by": grouping.id,
            "by_label": grouping.label,
        }
        pending.append((fields, run(table, labels, grouping)))
    p_used = [r.p_value_used if r.testable else math.nan for _, r in pending]
    adjusted = adjust_pvalues(p_used, method=options.adjust)
    tests = tuple(
        AssociationTest(
            **fields,
            collapsed=options.collapse,
            result=result,
            p_adjusted=p_adj,
            significant=bool(result.testable and p < options.alpha),
            significant_adjusted=bool(result.testable and p_adj < options.alpha),
        )
        for (fields, result), p, p_adj in zip(pending, p_used, adjusted, strict=True)
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


def analyze(responses: Responses, options: AnalysisOptions | None = None) -> Results:
    """Describe every item, CIPP component and demographic of one set of responses, and run
    the tests ``options`` ask for (by default: every item against the instrument's tested
    demographics)."""
    options = options or AnalysisOptions()
    if options.expected is not None and not options.participation:
        raise CippError("`expected` needs `participation` (the column whose shares it gives)")
    instrument = responses.instrument
    invalid_by_variable = Counter(cell.variable for cell in responses.invalid)
    items = responses.items_asked
    summaries = tuple(
        describe_item(
            item,
            instrument.scale_of(item),
            responses.codes[item.id],
            n_invalid=invalid_by_variable[item.id],
            counts=counts_of_levels(instrument.scale_of(item), responses.level_index(item.id)),
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
                    component, members, [by_id[i.id] for i in members], instrument, responses
                )
            )
    demographics = tuple(
        describe_demographic(d, responses.demographics[d.id])
        for d in instrument.demographics
        if d.id in responses.demographics.columns
    )
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
    for item_id, n in responses.declared_missing.items():
        if n:
            notes.append(
                f"'{item_id}': {n} answers given as a declared missing value "
                "(e.g. N/A) are counted as missing."
            )
    associations: tuple[AssociationTest, ...] = ()
    summary = None
    if options.by != ():
        associations, summary = test_associations(responses, options)
    fit = None
    if options.participation:
        fit = participation(
            responses, options.participation, options.expected, options.participation_categories
        )
    results = Results(
        instrument=instrument,
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
    )
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
