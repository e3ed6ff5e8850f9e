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
    from cipp.model.results import AssociationTest

#: How a count shows under ``min_cell``: in full, masked because it is small (1 .. N - 1),
#: or masked only so that a small one cannot be worked out from it.
SHOWN, SMALL, SECONDARY = "", "small", "secondary"


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
class ComponentFinding:
    """One CIPP component: its items, the strongest and weakest by % positive (item ids;
    None when no item has valid answers) and its testable tests of association."""

    component: str
    items: tuple[str, ...]
    strongest: str | None
    weakest: str | None
    tests: tuple[AssociationTest, ...] = ()


@dataclass(frozen=True)
class Findings:
    """Masks (with ``min_cell``; 0 masks nothing), breakdowns and component findings.

    ``demographics``: per demographic id, each category's mask; ``participation``: each
    category's mask in the goodness-of-fit table.
    """

    min_cell: int = 0
    demographics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    participation: tuple[str, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    components: tuple[ComponentFinding, ...] = ()

    @property
    def any_masked(self) -> bool:
        masks = [*self.participation, *(m for ms in self.demographics.values() for m in ms)]
        masks += [c.mask for b in self.breakdowns for r in b.rows for c in r.cells if c]
        return any(mask != SHOWN for mask in masks)
