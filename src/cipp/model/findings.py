"""Findings: what an analysis means for its reader, decided before anything is rendered.

Which counts are masked for disclosure control, each group's positive answers, and per
CIPP component the strongest and weakest item and the tests that involve it. Computed
once by cipp.flow.findings, so every format shows the same masks and says the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cipp.model.results import AssociationTest, CellDriving

#: How a count shows under ``min_cell``: in full, masked because it is small (1 .. N - 1),
#: or masked only so that a small one cannot be worked out from it; WITHHELD: every count
#: of a table that masking cell by cell could not protect (shown as masked, like SECONDARY,
#: and telling a reader nothing of the count, not even that it is not small).
SHOWN, SMALL, SECONDARY, WITHHELD = "", "small", "secondary", "withheld"

#: Cohen's (1988) names for the size of an association, smallest first ("negligible":
#: below his small effect).
MAGNITUDES = ("negligible", "small", "medium", "large")
NEGLIGIBLE, SMALL_EFFECT, MEDIUM_EFFECT, LARGE_EFFECT = MAGNITUDES
#: Cohen's w of a small, a medium and a large effect (Cohen 1988, ch. 7).
COHEN_W = (0.10, 0.30, 0.50)


@dataclass(frozen=True)
class GroupShare:
    """One group's answers to one item in the scale's positive group: k of n."""

    group: str
    k: int
    n: int
    mask: str = SHOWN

    @property
    def percent(self) -> float:
        return 100 * self.k / self.n if self.n else float("nan")


@dataclass(frozen=True)
class BreakdownRow:
    """One item: each group's positive answers (None where the group gave no answer)."""

    item: str
    text: str
    cells: tuple[GroupShare | None, ...]


@dataclass(frozen=True)
class Breakdown:
    """Every tested item's positive answers by the groups of one grouping variable."""

    by: str
    label: str
    groups: tuple[str, ...]
    rows: tuple[BreakdownRow, ...]


@dataclass(frozen=True)
class EffectSize:
    """How large one test's association is (cipp.flow.findings.effect_size).

    ``v``: the Cramér's V the test reports; ``df_star``: min(rows, columns) - 1 of the
    tested table; ``thresholds``: the V of Cohen's small, medium and large effect at that
    df* (w / sqrt(df*)); ``magnitude``: one of MAGNITUDES; ``n_small``: the n at which
    the test would find a small effect (w = .10) significant 80% of the time;
    ``sample_size_alone``: significant after adjustment, yet negligible or small, at an n
    of at least ``n_small``; ``cells``: the cells driving it, largest residual first;
    ``position``: the test's place in the run's order (to list tests in that order).
    """

    test: AssociationTest
    v: float
    df_star: int
    thresholds: tuple[float, float, float]
    magnitude: str
    n: int
    n_small: int
    sample_size_alone: bool
    cells: tuple[CellDriving, ...] = ()
    position: int = 0

    @property
    def significant(self) -> bool:
        return self.test.significant_adjusted


@dataclass(frozen=True)
class ComponentFinding:
    """One CIPP component: its items, the strongest and weakest by % positive (item ids;
    None when no item has valid answers) and its testable tests of association, also as
    ``effects``: largest Cramér's V first."""

    component: str
    items: tuple[str, ...]
    strongest: str | None
    weakest: str | None
    tests: tuple[AssociationTest, ...] = ()
    effects: tuple[EffectSize, ...] = ()


@dataclass(frozen=True)
class Findings:
    """Masks (with ``min_cell``; 0 masks nothing), breakdowns and component findings.

    ``demographics``: per demographic id, each category's mask; ``participation``: each
    category's mask in the goodness-of-fit table; ``effects``: every testable test's
    effect size, largest first; ``n``: the respondents the tests rest on.
    """

    min_cell: int = 0
    demographics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    participation: tuple[str, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    components: tuple[ComponentFinding, ...] = ()
    effects: tuple[EffectSize, ...] = ()
    n: int = 0

    @property
    def any_masked(self) -> bool:
        masks = [*self.participation, *(m for ms in self.demographics.values() for m in ms)]
        masks += [c.mask for b in self.breakdowns for r in b.rows for c in r.cells if c]
        return any(mask != SHOWN for mask in masks)
