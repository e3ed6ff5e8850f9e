"""Findings of one analysis, computed before rendering (see cipp.model.findings).

Disclosure control with ``min_cell`` N: a count from 1 to N - 1 is masked as small; where
exactly one count of a row of counts is masked, the smallest other non-zero count is
masked too, so that the first cannot be found by subtraction from a printed total (a
common rule of statistical disclosure control). A group's positive count is also masked
when the group's other answers number fewer than N (k of n would give n - k away).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cipp.model.findings import (
    SECONDARY,
    SHOWN,
    SMALL,
    Breakdown,
    BreakdownRow,
    ComponentFinding,
    Findings,
    GroupShare,
)
from cipp.model.instrument import COMPONENTS
from cipp.model.results import AssociationTest, Results


def is_small(n: int, min_cell: int) -> bool:
    """Whether a count is small enough to identify people (1 .. min_cell - 1)."""
    return 0 < n < min_cell


def protect(counts: Sequence[int], hidden: Sequence[bool]) -> list[bool]:
    """Mask one more cell when exactly one is masked, so it cannot be found by subtraction:
    the smallest other non-zero count. Totals printed elsewhere may still allow some
    recovery."""
    if sum(hidden) != 1:
        return list(hidden)
    others = [(n, j) for j, n in enumerate(counts) if not hidden[j] and n > 0]
    if not others:
        return list(hidden)
    _, extra = min(others)
    return [hit or j == extra for j, hit in enumerate(hidden)]


def count_masks(counts: Sequence[int], min_cell: int) -> tuple[str, ...]:
    """Each count's mask in a row of counts that add up to a printed total."""
    hidden = protect(counts, [is_small(n, min_cell) for n in counts])
    return tuple(
        (SMALL if is_small(n, min_cell) else SECONDARY) if hide else SHOWN
        for n, hide in zip(counts, hidden, strict=True)
    )


def _breakdown_row(test: AssociationTest, groups: Sequence[str], min_cell: int) -> BreakdownRow:
    shown = {group: (share.k, share.n) for group, share in test.positive_by_group}
    shares = [shown.get(group) for group in groups]
    hidden = protect(
        [share[0] if share else 0 for share in shares],
        [
            share is not None
            and any(is_small(n, min_cell) for n in (share[0], share[1], share[1] - share[0]))
            for share in shares
        ],
    )
    cells: list[GroupShare | None] = []
    for label, share, hide in zip(groups, shares, hidden, strict=True):
        if share is None:
            cells.append(None)
            continue
        k, n = share
        small = is_small(k, min_cell) or is_small(n, min_cell)
        mask = (SMALL if small else SECONDARY) if hide else SHOWN
        cells.append(GroupShare(label, k, n, mask))
    return BreakdownRow(test.item, test.text, tuple(cells))


def breakdowns(results: Results, min_cell: int = 0) -> tuple[Breakdown, ...]:
    """Per grouping variable: each tested item's positive answers in each group.

    Read from the tested crosstabs (rows: levels or collapse groups; columns: groups).
    """
    out = []
    for by in dict.fromkeys(t.by for t in results.associations):
        tests = [
            t
            for t in results.associations
            if t.by == by and t.level == "item" and t.result.testable
        ]
        if not tests:
            continue
        groups = tuple(dict.fromkeys(g for t in tests for g in t.result.col_labels))
        rows = tuple(_breakdown_row(t, groups, min_cell) for t in tests)
        out.append(Breakdown(by, tests[0].by_label, groups, rows))
    return tuple(out)


def component_findings(results: Results) -> tuple[ComponentFinding, ...]:
    """One finding per CIPP component that has items, in the CIPP order.

    Strongest and weakest compare ``positive_percent`` (Agree, Good or better, Yes, or the
    favourable answer of a reverse-keyed item); ties keep the instrument's order.
    """
    findings = []
    for component in COMPONENTS:
        items = [s for s in results.items if s.component == component]
        if not items:
            continue
        rated = [s for s in items if not math.isnan(s.positive_percent)]
        strongest = max(rated, key=lambda s: s.positive_percent).id if rated else None
        weakest = min(rated, key=lambda s: s.positive_percent).id if rated else None
        tests = tuple(
            t for t in results.associations if t.component == component and t.result.testable
        )
        findings.append(
            ComponentFinding(component, tuple(s.id for s in items), strongest, weakest, tests)
        )
    return tuple(findings)


def find(results: Results, *, min_cell: int = 0) -> Findings:
    """The findings of ``results``; ``min_cell`` N masks counts below N (0: none)."""
    demographics = {
        d.id: count_masks([c.n for c in d.categories], min_cell) for d in results.demographics
    }
    fit = results.goodness_of_fit
    participation = count_masks(fit.result.observed, min_cell) if fit is not None else ()
    return Findings(
        min_cell=min_cell,
        demographics=demographics,
        participation=participation,
        breakdowns=breakdowns(results, min_cell),
        components=component_findings(results),
    )
