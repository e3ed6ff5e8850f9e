"""Findings of one analysis, computed before rendering (see cipp.model.findings): the
positive answers by group, the strongest and weakest item of each component, and the
masks that disclosure control (cipp.flow.disclosure) put on the results."""

from __future__ import annotations

import math
from collections.abc import Sequence

from cipp.model.findings import (
    SHOWN,
    Breakdown,
    BreakdownRow,
    ComponentFinding,
    Findings,
    GroupShare,
)
from cipp.model.instrument import COMPONENTS
from cipp.model.results import AssociationTest, Results


def _breakdown_row(test: AssociationTest, groups: Sequence[str]) -> BreakdownRow:
    shares = dict(test.positive_by_group)
    masks = dict(
        zip((group for group, _ in test.positive_by_group), test.positive_masks, strict=False)
    )
    cells = tuple(
        GroupShare(group, shares[group].k, shares[group].n, masks.get(group, SHOWN))
        if group in shares
        else None
        for group in groups
    )
    return BreakdownRow(test.item, test.text, cells)


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
        rows = tuple(_breakdown_row(t, groups) for t in tests)
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
            t
            for t in results.associations
            if t.component == component and t.result.testable and not t.suppressed
        )
        findings.append(
            ComponentFinding(component, tuple(s.id for s in items), strongest, weakest, tests)
        )
    return tuple(findings)


def find(results: Results, *, min_cell: int = 0) -> Findings:
    """The findings of ``results``; ``min_cell`` N is the disclosure threshold the results
    were protected with (cipp.flow.disclosure), whose masks the tables show."""
    demographics = {d.id: tuple(c.masked for c in d.categories) for d in results.demographics}
    fit = results.goodness_of_fit
    participation = (fit.masks or (SHOWN,) * len(fit.result.observed)) if fit is not None else ()
    return Findings(
        min_cell=min_cell,
        demographics=demographics,
        participation=participation,
        breakdowns=breakdowns(results, min_cell),
        components=component_findings(results),
    )
