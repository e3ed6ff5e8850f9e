"""Weighted analysis: each respondent's weight (a column of the file, or raked to a
roster of population counts) and the weighted estimates made with it.

The design is ``svydesign(ids = ~1, weights = ~w)``; see cipp.stats.weights for the
estimators, and why raked weights are then treated as fixed.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.flow.grouping import resolve_grouping
from cipp.model.errors import CippError, DataError, option
from cipp.model.instrument import COMPONENTS, normalize_header, normalize_text
from cipp.model.responses import Responses
from cipp.model.results import AssociationTest
from cipp.model.weights import (
    Raking,
    Roster,
    WeightedComponent,
    WeightedItem,
    WeightedLevel,
    Weighting,
    WeightsSummary,
)
from cipp.stats.weights import kish, rake, rao_scott, weighted_share

if TYPE_CHECKING:
    import numpy as np


def _column_weights(responses: Responses, column: str) -> np.ndarray:
    """The weights in the column headed ``column``: positive numbers on every row."""
    import numpy as np

    key = normalize_header(column)
    headers = [h for h in responses.other.columns if normalize_header(h) == key]
    if not headers:
        available = ", ".join(f"'{h}'" for h in responses.other.columns) or "none"
        raise DataError(
            f"{responses.source}: {option('weight', column)}: no such column (columns "
            f"outside the instrument: {available})"
        )
    header = headers[0]
    sheet = f", sheet '{responses.sheet}'" if responses.sheet else ""
    weights = []
    for row, value in responses.other[header].items():
        try:
            number = float(str(value).strip()) if value is not None else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number <= 0:
            raise DataError(
                f"{responses.source}{sheet}, row {row}, column {header}: {value!r} is not a "
                f"positive number (every respondent needs a weight, {option('weight')})"
            )
        weights.append(number)
    return np.array(weights, dtype="float64")


def _margin(responses: Responses, roster: Roster, variable: str) -> tuple[Any, list[float]]:
    """Each respondent's category of ``variable`` and the roster's count of each."""
    grouping = resolve_grouping(responses, variable, parameter="rake")
    counts = {normalize_text(e.level): e for e in roster.margin(variable)}
    labels = [normalize_text(label) for label in grouping.labels]
    extra = [e.level for key, e in counts.items() if key not in labels]
    if extra:
        raise DataError(
            f"{roster.file}: {variable} = {extra[0]!r} (row {counts[normalize_text(extra[0])].row})"
            f" is no category of {responses.source} (its categories: "
            f"{', '.join(grouping.labels)}); raking needs respondents in every level"
        )
    absent = [g for g, key in zip(grouping.labels, labels, strict=True) if key not in counts]
    unknown = int((grouping.codes < 0).sum())
    if unknown:
        raise DataError(
            f"{responses.source}: {unknown} respondents have no {grouping.label}; raking to "
            f"{roster.file} needs everyone's (give them a category, or leave them out)"
        )
    if absent:
        raise DataError(
            f"{roster.file}: no count for {variable} = {absent[0]!r}, which respondents "
            f"of {responses.source} chose"
        )
    present = sorted({int(c) for c in grouping.codes})
    if len(present) < len(labels):
        empty = next(g for j, g in enumerate(grouping.labels) if j not in present)
        raise DataError(f"{responses.source}: nobody is in {variable} = {empty!r} to rake")
    return grouping.codes, [counts[key].count for key in labels]


def respondent_weights(
    responses: Responses, weight: str | None, roster: Roster | str | Path | None
) -> tuple[np.ndarray, WeightsSummary]:
    """Each respondent's weight: the ``weight`` column (or 1), raked to ``roster`` when
    given; and the summary of the weights (Kish's effective n, design effect)."""
    import numpy as np

    base = (
        _column_weights(responses, weight)
        if weight
        else np.ones(responses.n_respondents, dtype="float64")
    )
    raking = None
    if roster is not None:
        if not isinstance(roster, Roster):
            from cipp.read.roster import load_roster

            roster = load_roster(roster)
        margins = [_margin(responses, roster, variable) for variable in roster.variables]
        totals = [sum(counts) for _, counts in margins]
        if max(totals) - min(totals) > 1e-6 * max(totals):
            listed = ", ".join(f"{v}: {t:g}" for v, t in zip(roster.variables, totals, strict=True))
            raise DataError(
                f"{roster.file}: the variables' counts add up to different totals ({listed}); "
                "every margin must describe the same population"
            )
        base, sweeps, error = rake(margins, base)
        raking = Raking(roster.file, roster.variables, sweeps, error)
    n, total, effective, deff = kish(base)
    if raking is not None:
        source = f"raked to {raking.roster} ({', '.join(raking.variables)})"
        if weight:
            source = f"column '{weight}', {source}"
    else:
        source = f"column '{weight}'"
    return base, WeightsSummary(source, n, total, effective, deff, raking)


def _weighted_items(responses: Responses, weights: np.ndarray) -> tuple[WeightedItem, ...]:
    import numpy as np

    instrument = responses.instrument
    items = []
    for item in responses.items_asked:
        scale = instrument.scale_of(item)
        levels = responses.level_index(item.id)
        answered = levels < len(scale.codes)
        w, chosen = weights[answered], levels[answered]
        shares = tuple(
            WeightedLevel(code, scale.label_of(code), weighted_share(chosen == j, w))
            for j, code in enumerate(scale.codes)
        )
        positive = np.array([code in scale.positive_group.codes for code in scale.codes])
        items.append(WeightedItem(item.id, shares, weighted_share(positive[chosen], w)))
    return tuple(items)


def _weighted_components(
    responses: Responses, weights: np.ndarray
) -> tuple[WeightedComponent, ...]:
    import numpy as np

    instrument = responses.instrument
    found = []
    for component in COMPONENTS:
        members = [i for i in responses.items_asked if i.component == component]
        if not members:
            continue
        positive = np.zeros(responses.n_respondents)
        answers = np.zeros(responses.n_respondents)
        for item in members:
            scale = instrument.scale_of(item)
            step = np.array([c in scale.positive_group.codes for c in scale.codes] + [False])
            levels = responses.level_index(item.id)
            positive += step[levels]
            answers += levels < len(scale.codes)
        keep = answers > 0
        share = weighted_share(positive[keep], weights[keep], answers[keep])
        found.append(WeightedComponent(component, share))
    return tuple(found)


def _rows_of(responses: Responses, test: AssociationTest) -> np.ndarray:
    """Each respondent's row of the test's table (-1 when unknown), as the test counted."""
    import numpy as np

    from cipp.stats.crosstab import level_rows
    from cipp.stats.describe import component_rows

    if test.level == "component":
        return component_rows(responses, test.item).astype("int64")
    instrument = responses.instrument
    lookup, labels = level_rows(
        instrument.scale_of(instrument.item(test.item)), collapse=test.collapsed
    )
    rows = np.take(lookup, responses.level_index(test.item)).astype("int64")
    return np.where(rows >= len(labels), -1, rows)


def with_rao_scott(
    responses: Responses, weights: np.ndarray, tests: tuple[AssociationTest, ...]
) -> tuple[AssociationTest, ...]:
    """Each association with Rao-Scott's corrected F test of its weighted table."""
    groupings: dict[str, Any] = {}
    done = []
    for test in tests:
        if test.by not in groupings:
            groupings[test.by] = resolve_grouping(responses, test.by)
        grouping = groupings[test.by]
        rows = _rows_of(responses, test)
        known = (rows >= 0) & (grouping.codes >= 0)
        result = rao_scott(
            rows[known],
            grouping.codes[known],
            weights[known],
            int(rows.max()) + 1 if known.any() else 0,
            len(grouping.labels),
        )
        done.append(replace(test, rao_scott=result))
    return tuple(done)


def weigh(
    responses: Responses,
    weight: str | None,
    roster: Roster | str | Path | None,
    tests: tuple[AssociationTest, ...] = (),
) -> tuple[Weighting, tuple[AssociationTest, ...]]:
    """The weighting of an analysis and its associations with their Rao-Scott tests."""
    if weight is None and roster is None:
        raise CippError("weigh() needs `weight` or `rake`")
    weights, summary = respondent_weights(responses, weight, roster)
    weighting = Weighting(
        summary, _weighted_items(responses, weights), _weighted_components(responses, weights)
    )
    return weighting, with_rao_scott(responses, weights, tests)
