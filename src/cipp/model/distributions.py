"""Answers by group or by wave: what the figures by group and by year draw.

Per item, one bar per group (``cipp analyze --by``) or per wave (``cipp batch``): the
count of each level and the answers given as a declared missing value (N/A). Computed by
cipp.flow.distributions; drawn by cipp.render.figures. Counts are of respondents, exact;
percentages are taken of the valid answers (the bar's N), as in the paper's tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cipp.model.instrument import Instrument

#: How the items of a figure are ordered: as the instrument lists them, or by their share
#: of positive answers (most positive first).
SORT_ORDERS = ("instrument", "positive")


@dataclass(frozen=True)
class Bar:
    """One item's answers in one group or wave.

    ``counts``: respondents per level, in the order of the item's scale (``levels`` of
    its ItemDistribution); ``declared_missing``: respondents who gave a declared missing
    value (N/A), not in ``n``. ``asked`` is False for a wave whose file has no column for
    the item: then every count is 0 and the bar is drawn as "not asked".
    """

    group: str
    counts: tuple[int, ...]
    declared_missing: int
    positive: int
    asked: bool = True

    @property
    def n(self) -> int:
        """Valid answers: the base of the bar's percentages."""
        return sum(self.counts)

    @property
    def percents(self) -> tuple[float, ...]:
        n = self.n
        return tuple(100 * count / n if n else math.nan for count in self.counts)


@dataclass(frozen=True)
class ItemDistribution:
    """One item's bars, one per group in the groups' order.

    ``levels``: the scale's level labels, in the scale's (the paper's column) order;
    ``scale``: the scale's id, whose polarity the drawing reads from the instrument.
    """

    id: str
    text: str
    component: str
    scale: str
    kind: str
    levels: tuple[str, ...]
    bars: tuple[Bar, ...]

    @property
    def n(self) -> int:
        return sum(bar.n for bar in self.bars)

    @property
    def positive_percent(self) -> float:
        """Positive answers of all bars pooled, as a share of their valid answers (the
        order of ``sort="positive"``); NaN when no bar has an answer."""
        n = self.n
        return 100 * sum(bar.positive for bar in self.bars) / n if n else math.nan


@dataclass(frozen=True)
class Distributions:
    """Every asked item's answers by the groups of one grouping (or by wave).

    ``by``: the grouping's id (``"wave"`` for a batch's waves), ``by_label`` its label;
    ``groups`` in their order (a demographic's levels, natural order of a column's
    values, the waves in time order). ``items`` are grouped by CIPP component and within
    it in ``sort`` order. ``n_respondents``: respondents in any group; ``ungrouped``:
    respondents left out because their group is unknown (a blank cell).
    """

    instrument: Instrument
    by: str
    by_label: str
    groups: tuple[str, ...]
    items: tuple[ItemDistribution, ...]
    n_respondents: int
    ungrouped: int = 0
    sort: str = "instrument"
    waves: bool = False
