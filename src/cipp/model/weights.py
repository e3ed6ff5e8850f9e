"""Survey weights: the roster raked to, and the weighted estimates of an analysis.

Computed by cipp.flow.weighting from cipp.stats.weights. Percentages are 0-100 and
unrounded; unweighted counts are kept beside every weighted percentage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NAN = math.nan


@dataclass(frozen=True)
class RosterCount:
    """One population count: how many people of ``variable`` are in ``level``."""

    variable: str
    level: str
    count: float
    row: int = 0


@dataclass(frozen=True)
class Roster:
    """Population counts to rake to (a CSV with columns ``variable,level,count``)."""

    file: str
    counts: tuple[RosterCount, ...]

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(entry.variable for entry in self.counts))

    def margin(self, variable: str) -> tuple[RosterCount, ...]:
        return tuple(entry for entry in self.counts if entry.variable == variable)


@dataclass(frozen=True)
class Raking:
    """How weights were raked: to which roster and variables, after how many sweeps, and
    the largest difference left between a weighted margin and its population count."""

    roster: str
    variables: tuple[str, ...]
    iterations: int
    max_error: float


@dataclass(frozen=True)
class WeightsSummary:
    """The weights used: ``n`` respondents, their ``sum``, Kish's effective n and the
    design effect of weighting (n / effective n)."""

    source: str
    n: int
    sum: float
    effective_n: float
    design_effect: float
    raking: Raking | None = None


@dataclass(frozen=True)
class WeightedShare:
    """A weighted percentage with its design-based 95% interval and standard error, and
    the unweighted count ``n`` of ``of`` answers it stands for."""

    percent: float
    ci_low: float
    ci_high: float
    se: float
    n: int
    of: int


@dataclass(frozen=True)
class WeightedLevel:
    code: int
    label: str
    share: WeightedShare


@dataclass(frozen=True)
class WeightedItem:
    """One item weighted: each level's share and the positive group's."""

    id: str
    levels: tuple[WeightedLevel, ...]
    positive: WeightedShare


@dataclass(frozen=True)
class WeightedComponent:
    """A component's weighted % positive: positive answers over all answers to its items
    (a ratio of weighted totals)."""

    component: str
    positive: WeightedShare


@dataclass(frozen=True)
class RaoScott:
    """Rao-Scott's second-order corrected F test of independence in a weighted table, as
    R's ``survey::svychisq(statistic = "F")``."""

    statistic: float
    df_num: float
    df_den: float
    p: float


@dataclass(frozen=True)
class Weighting:
    """The weights of one analysis and every weighted estimate made with them."""

    summary: WeightsSummary
    items: tuple[WeightedItem, ...]
    components: tuple[WeightedComponent, ...]
