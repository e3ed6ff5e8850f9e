"""Waves and trends: the records of ``cipp batch`` (computed by cipp.flow.batch).

Not asked is None (NaN for floats) in every trend figure, never zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cipp.model.instrument import Instrument
from cipp.model.results import Results
from cipp.model.tests import ContingencyResult


@dataclass(frozen=True)
class WaveCounts:
    """One wave's counts that the trend tests are built from.

    ``items[id]``: answers per row of ``rows[id]`` (the scale's levels least favourable
    first, or its collapse groups with ``collapse``), from ``grouping.level_rows`` exactly
    as the association tests count them. ``components[c]``:
    respondents (not mostly positive, mostly positive) on component ``c``'s items, as
    the association tests of components count them. Items and components the wave did
    not ask are absent. Small on purpose: this is what crosses the process boundary
    besides the wave's Results.
    """

    items: Mapping[str, tuple[int, ...]]
    rows: Mapping[str, tuple[str, ...]]
    components: Mapping[str, tuple[int, int]]


@dataclass(frozen=True)
class TrendPoint:
    """One wave's figures for one item or component.

    ``asked`` is False when the wave did not ask the item (no column in its file) or none
    of a component's items; then every figure is None (NaN in Python), never zero.
    ``n``: answers to the item (for a component: respondents who answered any of its
    items). ``positive_percent`` / ``top_percent``: share of valid answers in the scale's
    positive group / its most favourable level, as in the wave's own tables (components
    pool all answers to their items, like the component table). ``mean``: of the level
    codes, for rating and Likert items and for components whose items share one scale.
    ``mostly_positive_percent`` (components only): respondents with more than half of
    their answers positive, the share the component's test compares. The changes are
    from ``previous_wave``, the latest earlier wave that asked the item, in points.
    """

    wave: str
    asked: bool
    n: int | None
    positive_percent: float
    top_percent: float
    mean: float
    mostly_positive_percent: float
    previous_wave: str | None
    positive_change: float
    top_change: float
    mean_change: float


@dataclass(frozen=True)
class Change:
    """The change in % positive from one wave to another (points), with Newcombe's
    hybrid score interval; ``significant`` when the interval excludes 0. ``direction``:
    "rise" or "fall" when it is significant and (with ``--min-change``) at least that many
    points, "steady" otherwise: what the ▲ / ▼ marks show."""

    from_wave: str
    to_wave: str
    difference: float
    ci_low: float
    ci_high: float
    significant: bool
    direction: str | None = None


@dataclass(frozen=True)
class Trend:
    """One item (``level="item"``) or CIPP component (``level="component"``) across waves.

    ``points``: one per wave of the batch, in wave order. ``first_wave`` / ``last_wave``:
    the first and last waves with answers to it; the changes (percentage points for the
    percentages) are between those two. ``direction`` is "rise", "fall" or "steady" by
    the rule of :func:`direction_of` (None when fewer than two waves have answers).

    ``test``: cipp.stats.contingency.test_contingency of the wave x response table (rows:
    the item's levels, or collapse groups; for components: respondents not mostly / mostly
    positive; columns: the waves that asked it, in order): Pearson chi-square, Fisher's
    exact test when expected counts are small, and the linear-by-linear trend test with
    the waves scored by their position in the batch (1, 2, ...). ``p_adjusted`` adjusts
    the test's p (``p_value_used``) across every trend test of the batch.
    """

    level: str
    id: str
    text: str
    component: str
    scale: str | None
    kind: str | None
    positive_label: str | None
    points: tuple[TrendPoint, ...]
    first_wave: str | None
    last_wave: str | None
    positive_change: float
    top_change: float
    mean_change: float
    direction: str | None
    test: ContingencyResult | None
    p_adjusted: float
    significant: bool
    notes: tuple[str, ...] = ()
    #: % positive from each wave that asked it to the next one that did.
    changes: tuple[Change, ...] = ()
    #: The first-to-last change of % positive with its interval (None: under two waves).
    overall: Change | None = None
    #: Under disclosure control: the masks of ``test.table`` (cipp.model.findings), empty
    #: when nothing is masked; then the test's statistics are withheld.
    masks: tuple[tuple[str, ...], ...] = ()

    @property
    def suppressed(self) -> bool:
        return bool(self.masks)

    @property
    def waves_asked(self) -> tuple[str, ...]:
        return tuple(p.wave for p in self.points if p.asked)


@dataclass(frozen=True)
class Trends:
    """Every item's and component's trend across the waves of a batch, and the rules used."""

    waves: tuple[str, ...]
    items: tuple[Trend, ...]
    components: tuple[Trend, ...]
    min_change: float | None
    alpha: float
    adjust: str
    collapsed: bool
    tests: int
    #: The confidence level of the changes' intervals.
    confidence: float = 0.95


@dataclass(frozen=True)
class BatchResults:
    """Everything a batch found: ``waves`` (name -> Results, in wave order), ``trends``,
    ``errors`` (the wave's or file's name -> one-line message of each file that failed).

    ``inputs`` are the files the batch read (none is ever written to); ``notes`` say how
    the instrument was chosen and which respondents are in no wave.
    """

    waves: Mapping[str, Results]
    trends: Trends
    errors: Mapping[str, str]
    instrument: Instrument
    inputs: tuple[Path, ...]
    split_by: str | None = None
    notes: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
