"""Disclosure control of a whole analysis (``min_cell``): every output masks the same.

Counts from 1 to ``min_cell`` - 1 are masked wherever they are published, with enough
other counts masked that none can be worked out from the totals printed beside them
(cipp.stats.disclosure), and every statistic that could reveal a masked count is
withheld and marked suppressed:

- an item with a masked level: its percentages, mean, SD, median, % top level and %
  positive (and its component's pooled figures and alpha);
- a test whose table has a masked cell: chi-square, p values, V, the trend test,
  expected counts and residuals; the groups' positive shares in the columns concerned;
- a participation table with a masked count: its goodness-of-fit test.

Counts of missing answers are not masked: they say who did not answer, not what anyone
answered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from cipp.model.findings import SECONDARY, SHOWN, SMALL, WITHHELD
from cipp.model.nonresponse import Nonresponse
from cipp.model.results import (
    AssociationSummary,
    AssociationTest,
    ComponentSummary,
    DemographicSummary,
    ItemSummary,
    Participation,
    Proportion,
    Results,
)
from cipp.model.tests import ContingencyResult
from cipp.stats.disclosure import suppress_counts, suppress_table

NAN = math.nan


def _withheld(share: Proportion) -> Proportion:
    return Proportion(share.k, share.n, NAN, NAN, NAN)


def _item(item: ItemSummary, min_cell: int) -> ItemSummary:
    masks = suppress_counts([level.n for level in item.levels], min_cell)
    if all(mask == SHOWN for mask in masks):
        return item
    levels = tuple(
        level
        if mask == SHOWN
        else replace(
            level, masked=mask, percent=NAN, percent_of_respondents=NAN, ci_low=NAN, ci_high=NAN
        )
        for level, mask in zip(item.levels, masks, strict=True)
    )
    return replace(
        item,
        levels=levels,
        mean=NAN,
        sd=NAN,
        median=NAN,
        top_percent=NAN,
        positive_percent=NAN,
        positive=_withheld(item.positive),
        suppressed=True,
    )


def _component(summary: ComponentSummary, suppressed: set[str]) -> ComponentSummary:
    if not suppressed & set(summary.items):
        return summary
    return replace(
        summary,
        top_percent=NAN,
        positive_percent=NAN,
        mean=NAN,
        sd=NAN,
        median=NAN,
        alpha=NAN,
        positive=_withheld(summary.positive),
        suppressed=True,
    )


def _demographic(summary: DemographicSummary, min_cell: int) -> DemographicSummary:
    masks = suppress_counts([c.n for c in summary.categories], min_cell)
    categories = tuple(
        c if mask == SHOWN else replace(c, masked=mask, percent=NAN)
        for c, mask in zip(summary.categories, masks, strict=True)
    )
    return replace(summary, categories=categories)


def _positive_masks(
    test: AssociationTest, columns_masked: list[bool], min_cell: int
) -> tuple[str, ...]:
    """Each group's positive share k of n: masked when k, n or n - k is small, when its
    column of the table has a masked cell, or when it alone would be masked."""
    masks = []
    for (_, share), column_masked in zip(test.positive_by_group, columns_masked, strict=True):
        small = any(0 < x < min_cell for x in (share.k, share.n))
        gives_away = 0 < share.n - share.k < min_cell  # k of n would show n - k
        masks.append(SMALL if small else SECONDARY if column_masked or gives_away else SHOWN)
    if sum(mask != SHOWN for mask in masks) == 1:
        shown = [
            (share.k, j) for j, (_, share) in enumerate(test.positive_by_group) if masks[j] == SHOWN
        ]
        if shown:
            masks[min(shown)[1]] = SECONDARY
    return tuple(masks)


def withhold_statistics(result: ContingencyResult) -> ContingencyResult:
    """``result`` with every statistic that could narrow a masked count down withheld
    (NaN): chi-square, p values, V, the trend test, expected counts and residuals."""
    return replace(
        result,
        statistic=NAN,
        p_value=NAN,
        p_yates=NAN,
        p_exact=NAN,
        expected=(),
        min_expected=NAN,
        cells_expected_below_5=None,
        share_expected_below_5=NAN,
        many_expected_below_5=False,
        any_expected_below_1=False,
        test_used=None,
        exact_method=None,
        exact_resamples=None,
        exact_seed=None,
        cramers_v=NAN,
        cramers_v_corrected=NAN,
        linear_by_linear=NAN,
        p_linear_by_linear=NAN,
        residuals=(),
    )


def table_masks(
    table: Sequence[Sequence[int]],
    min_cell: int,
    row_totals: Sequence[tuple[int, int | None]] | None = None,
) -> tuple[tuple[str, ...], ...]:
    """The masks of a published table (empty when the table has no cells);
    ``row_totals`` as cipp.stats.disclosure.cell_bounds takes them."""
    if not table or not any(len(row) for row in table):
        return ()
    return tuple(tuple(row) for row in suppress_table(table, min_cell, row_totals=row_totals))


def _row_totals(
    test: AssociationTest, item: ItemSummary | None, min_cell: int
) -> list[tuple[int, int | None]] | None:
    """What Table 1 tells a reader of each row total of an item's crosstab: the count
    where it shows the level, 1 to N - 1 where it shows "< N", N or more where it masks
    it otherwise (None: rows that are not the item's levels)."""
    r = test.result
    if item is None or test.level != "item" or test.collapsed:
        return None
    shown = {level.label: level.masked for level in item.levels}
    if any(label not in shown for label in r.row_labels):
        return None
    known: list[tuple[int, int | None]] = []
    for label, counts in zip(r.row_labels, r.table, strict=True):
        total = sum(counts)
        mask = shown[label]
        if mask == SMALL:
            known.append((1, min_cell - 1))
        elif mask == SECONDARY:
            known.append((min_cell, None))
        elif mask == WITHHELD:
            known.append((0, None))
        else:
            known.append((total, total))
    return known


def _test(test: AssociationTest, min_cell: int, item: ItemSummary | None = None) -> AssociationTest:
    r = test.result
    masks = table_masks(r.table, min_cell, _row_totals(test, item, min_cell))
    columns_masked = [any(row[j] != SHOWN for row in masks) for j in range(len(r.col_labels))]
    positive_masks = (
        _positive_masks(test, columns_masked, min_cell) if test.positive_by_group else ()
    )
    if not any(columns_masked):
        return replace(test, positive_masks=positive_masks)
    # An untestable table (one group, one answer) is published too: its counts are
    # masked like any other, though it has no statistics to withhold.
    return replace(
        test,
        result=withhold_statistics(r) if r.testable else r,
        p_adjusted=NAN,
        significant=False,
        significant_adjusted=False,
        cells_driving=(),
        masks=masks,
        positive_masks=positive_masks,
        suppressed=True,
    )


def _summary(summary: AssociationSummary, tests: tuple[AssociationTest, ...]) -> AssociationSummary:
    """The counts of the summary over the tests still shown."""
    shown = [t for t in tests if t.result.testable and not t.suppressed]
    suppressed = sum(t.suppressed and t.result.testable for t in tests)
    return replace(
        summary,
        tests=len(shown),
        not_testable=len(tests) - len(shown) - suppressed,
        suppressed=suppressed,
        significant=sum(t.significant for t in shown),
        significant_adjusted=sum(t.significant_adjusted for t in shown),
    )


def _participation(fit: Participation, min_cell: int) -> Participation:
    masks = tuple(suppress_counts(list(fit.result.observed), min_cell))
    if all(mask == SHOWN for mask in masks):
        return replace(fit, masks=masks)
    withheld = replace(fit.result, statistic=NAN, p_value=NAN, min_expected=NAN)
    return replace(fit, result=withheld, masks=masks, suppressed=True)


def _nonresponse(
    found: Nonresponse, demographics: tuple[DemographicSummary, ...], min_cell: int
) -> Nonresponse:
    """Each group's counts masked where the demographics table masks the group's size (or,
    for a grouping that is not a demographic, where its size is small), and the roster
    test of a grouping with a masked group withheld."""
    masks_of = {d.id: {c.label: c.masked for c in d.categories} for d in demographics}
    groupings = []
    for grouping in found.by_group:
        known = masks_of.get(grouping.by)
        if known is None:
            sizes = [group.respondents for group in grouping.groups]
            known = dict(
                zip(
                    (g.group for g in grouping.groups),
                    suppress_counts(sizes, min_cell),
                    strict=True,
                )
            )
        groups = tuple(replace(g, masked=known.get(g.group, SHOWN)) for g in grouping.groups)
        fit = grouping.fit
        if fit is not None and any(g.masked != SHOWN for g in groups):
            fit = replace(
                fit,
                testable=False,
                reason="withheld under disclosure control (a group size below the threshold)",
                observed=(),
                expected=(),
                statistic=NAN,
                p_value=NAN,
                min_expected=NAN,
            )
        groupings.append(replace(grouping, groups=groups, fit=fit))
    return replace(found, by_group=tuple(groupings))


def protect(results: Results, min_cell: int) -> Results:
    """``results`` as every output may publish them under ``min_cell`` (see the module)."""
    if min_cell <= 1:
        return results
    items = tuple(_item(item, min_cell) for item in results.items)
    suppressed = {item.id for item in items if item.suppressed}
    by_id = {item.id: item for item in items}
    tests = tuple(_test(test, min_cell, by_id.get(test.item)) for test in results.associations)
    summary = results.association_summary
    demographics = tuple(_demographic(d, min_cell) for d in results.demographics)
    found = results.nonresponse
    return replace(
        results,
        items=items,
        components=tuple(_component(c, suppressed) for c in results.components),
        demographics=demographics,
        nonresponse=_nonresponse(found, demographics, min_cell) if found is not None else None,
        associations=tests,
        association_summary=_summary(summary, tests) if summary is not None else None,
        goodness_of_fit=(
            _participation(results.goodness_of_fit, min_cell)
            if results.goodness_of_fit is not None
            else None
        ),
    )
