"""Each item's answers by group (``cipp analyze --by``) or by wave (``cipp batch``), for
the figures by group and by year (cipp.render.figures draws them).

By group, the counts come from the same level positions and the same crosstab as the
tests of association (cipp.stats.crosstab), so a bar's counts are that test's table
before levels nobody chose are dropped. Declared missing answers (N/A) are counted per
group from the responses' declared-missing mask. By wave, each wave's own Results give
the counts: its tables' levels and its declared missing answers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from cipp.model.distributions import SORT_ORDERS, Bar, Distributions, ItemDistribution
from cipp.model.errors import CippError, option
from cipp.model.instrument import COMPONENTS, Instrument, Item

if TYPE_CHECKING:
    from cipp.model.responses import Responses
    from cipp.model.trends import BatchResults

__all__ = ["SORT_ORDERS", "by_group", "by_groups", "by_wave", "check_sort", "sort_items"]


def check_sort(sort: str) -> str:
    """``sort`` as given, or a CippError naming the parameter and the choices."""
    if sort not in SORT_ORDERS:
        raise CippError(f"{option('sort', repr(sort))} is not one of {', '.join(SORT_ORDERS)}")
    return sort


def sort_items(items: Iterable[ItemDistribution], sort: str) -> tuple[ItemDistribution, ...]:
    """Items by CIPP component, and within one in the instrument's order or, with
    ``sort="positive"``, by % positive from most to least positive (ties, and items
    without answers last, in the instrument's order)."""
    check_sort(sort)
    ordered = list(items)

    def key(pair: tuple[int, ItemDistribution]) -> tuple[int, float, int]:
        position, item = pair
        rank = 0.0
        if sort == "positive":
            share = item.positive_percent
            rank = math.inf if math.isnan(share) else -share
        return (COMPONENTS.index(item.component), rank, position)

    return tuple(item for _, item in sorted(enumerate(ordered), key=key))


def _item(item: Item, instrument: Instrument, bars: Sequence[Bar]) -> ItemDistribution:
    scale = instrument.scale_of(item)
    return ItemDistribution(
        id=item.id,
        text=item.text,
        component=item.component,
        scale=scale.id,
        kind=scale.kind,
        levels=tuple(level.label for level in scale.levels),
        bars=tuple(bars),
    )


def by_group(responses: Responses, by: str, *, sort: str = "instrument") -> Distributions:
    """Every asked item's answers in each group of ``by`` (a demographic's id or label, or
    a column's header, resolved as the tests of association resolve it).

    Respondents whose group is unknown (a blank cell) are in no bar and counted in
    ``ungrouped``. A group with no respondents gets bars with N = 0.
    """
    import numpy as np

    from cipp.flow.grouping import resolve_grouping
    from cipp.stats.counting import tally
    from cipp.stats.crosstab import crosstab

    check_sort(sort)
    grouping = resolve_grouping(responses, by)
    instrument = responses.instrument
    n_groups = len(grouping.labels)
    known = grouping.codes >= 0
    items = []
    for item in responses.items_asked:
        scale = instrument.scale_of(item)
        n_levels = len(scale.levels)
        # Rows are level positions, the scale's own order; a missing answer's position
        # (n_levels) falls outside the table.
        table = crosstab(responses.level_index(item.id), grouping.codes, n_levels, n_groups)
        declared = tally(grouping.codes[responses.declared_missing_mask(item.id) & known], n_groups)
        positive_codes = scale.positive_group.codes
        positive = [j for j, level in enumerate(scale.levels) if level.code in positive_codes]
        bars = [
            Bar(
                group=label,
                counts=tuple(int(n) for n in table[:, g]),
                declared_missing=int(declared[g]),
                positive=int(table[positive, g].sum()),
            )
            for g, label in enumerate(grouping.labels)
        ]
        items.append(_item(item, instrument, bars))
    return Distributions(
        instrument=instrument,
        by=grouping.id,
        by_label=grouping.label,
        groups=grouping.labels,
        items=sort_items(items, sort),
        n_respondents=int(np.count_nonzero(known)),
        ungrouped=int(np.count_nonzero(~known)),
        sort=sort,
    )


def by_groups(
    responses: Responses, by: Sequence[str], *, sort: str = "instrument"
) -> tuple[Distributions, ...]:
    """:func:`by_group` for each grouping of ``by``, in order; a grouping named twice (by
    its id and by its label) once."""
    check_sort(sort)
    found: dict[str, Distributions] = {}
    for name in by:
        distributions = by_group(responses, name, sort=sort)
        found.setdefault(distributions.by, distributions)
    return tuple(found.values())


def by_wave(batch: BatchResults, *, sort: str = "instrument") -> Distributions:
    """Every item's answers in each wave of a batch, the waves in order.

    A wave whose file has no column for the item gets a bar with ``asked=False``; an
    item no wave asked is left out.
    """
    check_sort(sort)
    instrument = batch.instrument
    items = []
    for item in instrument.items:
        scale = instrument.scale_of(item)
        positive = scale.positive_group.codes
        bars = []
        for name, results in batch.waves.items():
            if item.id in results.items_not_asked:
                zeros = (0,) * len(scale.levels)
                bars.append(Bar(name, zeros, 0, 0, asked=False))
                continue
            summary = results.item(item.id)
            counts = {level.code: level.n for level in summary.levels}
            bars.append(
                Bar(
                    group=name,
                    counts=tuple(counts[level.code] for level in scale.levels),
                    declared_missing=int(results.declared_missing.get(item.id, 0)),
                    positive=sum(counts[code] for code in positive),
                )
            )
        if any(bar.asked for bar in bars):
            items.append(_item(item, instrument, bars))
    return Distributions(
        instrument=instrument,
        by="wave",
        by_label="Wave",
        groups=tuple(batch.waves),
        items=sort_items(items, sort),
        n_respondents=sum(results.n_respondents for results in batch.waves.values()),
        sort=sort,
        waves=True,
    )
