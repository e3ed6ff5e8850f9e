"""Who did not answer: the response rate against a roster, item non-response overall
and by group, and participation by group tested against the roster's sizes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cipp.model.errors import DataError
from cipp.model.instrument import normalize_text
from cipp.model.nonresponse import (
    GroupNonresponse,
    GroupResponse,
    GroupSizes,
    ItemNonresponse,
    Nonresponse,
)
from cipp.model.responses import Grouping, Responses
from cipp.model.results import ItemSummary

if TYPE_CHECKING:
    import numpy as np


def _rate(respondents: int, size: int | None) -> float:
    return 100 * respondents / size if size else math.nan


def _items(responses: Responses, summaries: Sequence[ItemSummary]) -> tuple[ItemNonresponse, ...]:
    answered = {s.id: s.n_valid for s in summaries}
    asked = responses.n_respondents
    out = []
    for item in responses.instrument.items:
        if item.id not in answered:
            out.append(ItemNonresponse(item.id, 0, 0, 0))
            continue
        labels = tuple(sorted(responses.declared_labels.get(item.id, {}).items()))
        out.append(
            ItemNonresponse(item.id, asked, answered[item.id], asked - answered[item.id], labels)
        )
    return tuple(out)


def _group_items(responses: Responses, members: np.ndarray) -> tuple[ItemNonresponse, ...]:
    import numpy as np

    out = []
    asked = int(np.count_nonzero(members))
    for item in responses.items_asked:
        levels = responses.level_index(item.id)[members]
        n_levels = len(responses.instrument.scale_of(item).levels)
        answered = int(np.count_nonzero(levels < n_levels))
        out.append(ItemNonresponse(item.id, asked, answered, asked - answered))
    return tuple(out)


def _by_group(
    responses: Responses, grouping: Grouping, sizes: GroupSizes | None
) -> GroupNonresponse:
    from cipp.stats.goodness_of_fit import goodness_of_fit

    roster = {normalize_text(label): n for label, n in (sizes.groups if sizes else ())}
    groups = []
    counts = []
    for j, label in enumerate(grouping.labels):
        members = grouping.codes == j
        respondents = int(members.sum())
        size = roster.get(normalize_text(label))
        counts.append(respondents)
        items = _group_items(responses, members)
        groups.append(GroupResponse(label, respondents, size, _rate(respondents, size), items))
    fit = None
    known = {normalize_text(label) for label in grouping.labels}
    if roster and set(roster) <= known:
        expected = {
            label: float(roster[normalize_text(label)])
            for label in grouping.labels
            if normalize_text(label) in roster
        }
        labels = tuple(expected)
        observed = [
            c for label, c in zip(grouping.labels, counts, strict=True) if label in expected
        ]
        fit = goodness_of_fit(observed, labels, expected)
    return GroupNonresponse(grouping.id, grouping.label, tuple(groups), fit)


def find_nonresponse(
    responses: Responses,
    summaries: Sequence[ItemSummary],
    groupings: Sequence[Grouping] = (),
    sizes: GroupSizes | None = None,
) -> Nonresponse:
    """Non-response of one analysis; ``sizes`` (the roster) gives response rates, and
    participation by a grouping whose groups the roster names is tested against it
    (chi-square goodness of fit, as cipp.stats.goodness_of_fit)."""
    if sizes is not None and sizes.groups:
        named = {normalize_text(label) for label, _ in sizes.groups}
        if not any(named <= {normalize_text(x) for x in g.labels} for g in groupings):
            listed = ", ".join(label for label, _ in sizes.groups)
            raise DataError(
                f"{sizes.source}: the roster's groups ({listed}) are not the groups of any "
                "grouping tested (give the grouping with `by`)"
            )
    total = sizes.total if sizes is not None else None
    respondents = responses.n_respondents
    return Nonresponse(
        respondents=respondents,
        roster=total,
        response_rate=_rate(respondents, total),
        items=_items(responses, summaries),
        by_group=tuple(_by_group(responses, g, sizes) for g in groupings),
    )
