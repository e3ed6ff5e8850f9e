"""The results of one analysis: the typed, frozen records every output format reads.

Percentages are exact floats on a 0-100 scale and nothing is rounded: rounding, captions
and sentences belong to cipp.render, and the JSON contract of ``cipp analyze --format
json`` is written by cipp.render.json.to_dict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from cipp.model.findings import Findings
from cipp.model.instrument import COMPONENTS, UNASSIGNED, Instrument
from cipp.model.nonresponse import Nonresponse
from cipp.model.responses import InvalidCell
from cipp.model.tests import ContingencyResult, GoodnessOfFit
from cipp.model.weights import RaoScott, Weighting

NAN = math.nan


@dataclass(frozen=True)
class Proportion:
    """k of n as a percentage (0-100) with its Wilson interval at the run's confidence
    (NaN when n is 0). ``n_effective``: for a component's answers pooled over
    respondents, the effective sample size the interval rests on (Kish's design effect of
    answers clustered in respondents); None for a plain k of n."""

    k: int
    n: int
    percent: float
    ci_low: float
    ci_high: float
    n_effective: float | None = None


@dataclass(frozen=True)
class LevelCount:
    """How many respondents chose one level."""

    code: int
    label: str
    n: int
    percent: float
    percent_of_respondents: float
    ci_low: float
    ci_high: float
    #: Disclosure control (``min_cell``): "" shown, "small" or "secondary" masked.
    masked: str = ""


@dataclass(frozen=True)
class ItemSummary:
    """The distribution of one item's answers."""

    id: str
    text: str
    component: str
    subtheme: str | None
    scale: str
    kind: str
    n_respondents: int
    n_valid: int
    n_missing: int
    n_invalid: int
    levels: tuple[LevelCount, ...]
    mean: float
    sd: float
    median: float
    top_percent: float
    positive_percent: float
    positive_label: str
    positive: Proportion
    #: Under disclosure control: the statistics that could reveal a masked level (%, mean,
    #: SD, median, % positive) are withheld (NaN).
    suppressed: bool = False


@dataclass(frozen=True)
class ComponentSummary:
    """One CIPP component's items taken together.

    ``top_percent`` and ``positive_percent`` pool all valid answers to the component's
    items; mean, SD, median and Cronbach's alpha are given only when every item uses
    the same scale (codes of different scales cannot be averaged).
    """

    component: str
    items: tuple[str, ...]
    n_items: int
    n_answers: int
    top_percent: float
    positive_percent: float
    scale: str | None
    mean: float
    sd: float
    median: float
    alpha: float
    alpha_n: int
    positive: Proportion
    note: str | None = None
    #: Under disclosure control: withheld because a member item's are.
    suppressed: bool = False


@dataclass(frozen=True)
class CategoryCount:
    label: str
    n: int
    percent: float
    masked: str = ""


@dataclass(frozen=True)
class DemographicSummary:
    """n (%) per category; for numeric demographics also mean, SD and the bins' counts."""

    id: str
    label: str
    kind: str
    n_valid: int
    n_missing: int
    categories: tuple[CategoryCount, ...]
    mean: float = NAN
    sd: float = NAN
    median: float = NAN
    min: float = NAN
    max: float = NAN


@dataclass(frozen=True)
class LevelTable:
    """A paper's n (%) table: items in rows, the levels of one response scale in columns."""

    number: int
    kind: str
    columns: tuple[str, ...]
    items: tuple[ItemSummary, ...]


@dataclass(frozen=True)
class CellDriving:
    """A cell of a significant table whose adjusted standardised residual lies beyond the
    normal quantile at alpha Bonferroni-divided by the table's cell count."""

    row: str
    column: str
    residual: float


@dataclass(frozen=True)
class AssociationTest:
    """One test of association: an item (or a component's positive share) against a group.

    ``result`` holds the statistics unrounded; ``p_adjusted`` is its p after adjustment
    across all tests of the run.
    """

    item: str
    text: str
    level: str  # "item" | "component"
    component: str
    by: str
    by_label: str
    collapsed: bool
    result: ContingencyResult
    p_adjusted: float
    significant: bool
    significant_adjusted: bool
    #: Each group's answers in the positive row(s) (Agree, Good or better, Yes; for a
    #: component, respondents mostly positive), with the Wilson interval.
    positive_by_group: tuple[tuple[str, Proportion], ...] = ()
    #: The cells that drive the result (only when significant after adjustment).
    cells_driving: tuple[CellDriving, ...] = ()
    #: Under disclosure control: each cell's mask (same shape as ``result.table``), each
    #: group's positive share masked or not, and whether the statistics are withheld.
    masks: tuple[tuple[str, ...], ...] = ()
    positive_masks: tuple[str, ...] = ()
    suppressed: bool = False
    #: With weights: Rao-Scott's corrected F test of the weighted table (cipp.flow.weighting).
    rao_scott: RaoScott | None = None


@dataclass(frozen=True)
class AssociationSummary:
    """How many tests ran and what survived adjustment (the sentences are cipp.render's).

    ``by`` and ``by_labels``: every grouping tested, in order, by id and by label.
    """

    tests: int
    not_testable: int
    significant: int
    significant_adjusted: int
    adjust: str
    alpha: float
    collapsed: bool
    by: tuple[str, ...]
    by_labels: tuple[str, ...]
    #: Tests whose statistics are withheld under disclosure control (not counted above).
    suppressed: int = 0


@dataclass(frozen=True)
class Participation:
    """Chi-square goodness of fit of respondents across one column's categories."""

    column: str
    label: str
    result: GoodnessOfFit
    #: Under disclosure control: each observed count's mask, the test withheld when any.
    masks: tuple[str, ...] = ()
    suppressed: bool = False


@dataclass(frozen=True)
class WaveInfo:
    """Which wave of a batch a Results is: its name, file and (with split_by) value."""

    name: str
    file: str
    split_by: str | None
    value: str | None


@dataclass(frozen=True)
class Results:
    """Everything one analysis of one response file found."""

    instrument: Instrument
    source: str
    sheet: str | None
    n_respondents: int
    items: tuple[ItemSummary, ...]
    components: tuple[ComponentSummary, ...]
    demographics: tuple[DemographicSummary, ...]
    invalid_cells: tuple[InvalidCell, ...] = ()
    items_not_asked: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    associations: tuple[AssociationTest, ...] = ()
    association_summary: AssociationSummary | None = None
    goodness_of_fit: Participation | None = None
    wave: WaveInfo | None = None
    #: The confidence level of every interval (Wilson, Newcombe).
    confidence: float = 0.95
    #: Who did not answer (cipp.flow.nonresponse).
    nonresponse: Nonresponse | None = None
    #: What the tables mask and the summaries say (cipp.flow.findings).
    findings: Findings = field(default_factory=Findings)
    #: Per item (and demographic) id, the answers given as a declared missing value (N/A).
    declared_missing: Mapping[str, int] = field(default_factory=dict)
    #: With --weight or --rake: the weights and every weighted estimate.
    weighting: Weighting | None = None

    def item(self, item_id: str) -> ItemSummary:
        for summary in self.items:
            if summary.id == item_id:
                return summary
        raise KeyError(item_id)

    def tables(self) -> tuple[LevelTable, ...]:
        """The paper's tables: one per set of response levels, rating/Likert items first.

        The study's mentor survey gives Table 1 (Excellent .. Very poor) and Table 2
        (Yes / No); items on scales with the same level labels share a table, in CIPP
        order.
        """
        groups: dict[tuple[str, ...], list[ItemSummary]] = {}
        for summary in self.items:
            labels = tuple(level.label for level in summary.levels)
            groups.setdefault(labels, []).append(summary)
        ordered = sorted(groups.items(), key=lambda pair: pair[1][0].kind == "binary")
        tables = []
        for number, (labels, items) in enumerate(ordered, start=1):
            # Items not assigned to a component come after the four.
            order = (*COMPONENTS, UNASSIGNED)
            items.sort(key=lambda s: order.index(s.component))
            tables.append(LevelTable(number, items[0].kind, labels, tuple(items)))
        return tuple(tables)
