"""Who did not answer: the response rate against a roster, item non-response overall
and by group, and participation by group tested against the roster's sizes."""

from __future__ import annotations

import math
from collections.abc import Sequence

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


def _answered_by_group(responses: Responses, grouping: Grouping) -> dict[str, list[int]]:
    """Per item asked, how many respondents of each group answered it (one pass over
    each item's answers, not one per group)."""
    import numpy as np

    known = grouping.codes >= 0
    n_groups = len(grouping.labels)
    answered = {}
    for item in responses.items_asked:
        n_levels = len(responses.instrument.scale_of(item).levels)
        hit = known & (responses.level_index(item.id) < n_levels)
        answered[item.id] = np.bincount(grouping.codes[hit], minlength=n_groups).tolist()
    return answered


def _declared_by_group(
    responses: Responses, grouping: Grouping
) -> dict[str, list[tuple[tuple[str, int], ...]]]:
    """Per item with declared missing answers: for each group, (label, count) of each
    declared missing value its respondents gave."""
    import numpy as np

    known = grouping.codes >= 0
    n_groups = len(grouping.labels)
    out: dict[str, list[tuple[tuple[str, int], ...]]] = {}
    for item in responses.items_asked:
        per_label = [
            (label, np.bincount(grouping.codes[known & rows], minlength=n_groups))
            for label, rows in responses.declared_missing_labels(item.id)
        ]
        if per_label:
            out[item.id] = [
                tuple((label, int(counts[j])) for label, counts in per_label if counts[j])
                for j in range(n_groups)
            ]
    return out


def _by_group(
    responses: Responses, grouping: Grouping, sizes: GroupSizes | None
) -> GroupNonresponse:
    import numpy as np

    roster = {normalize_text(label): n for label, n in (sizes.groups if sizes else ())}
    known = grouping.codes[grouping.codes >= 0]
    counts = np.bincount(known, minlength=len(grouping.labels)).tolist()
    answered = _answered_by_group(responses, grouping)
    declared = _declared_by_group(responses, grouping)
    groups = []
    for j, label in enumerate(grouping.labels):
        respondents = counts[j]
        size = roster.get(normalize_text(label))
        items = tuple(
            ItemNonresponse(
                item.id,
                respondents,
                answered[item.id][j],
                respondents - answered[item.id][j],
                tuple(sorted(declared[item.id][j])) if item.id in declared else (),
            )
            for item in responses.items_asked
        )
        groups.append(GroupResponse(label, respondents, size, _rate(respondents, size), items))
    fit = None
    known_labels = {normalize_text(label) for label in grouping.labels}
    if roster and set(roster) <= known_labels:
        from cipp.stats.goodness_of_fit import goodness_of_fit

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
