"""Descriptive statistics: n (%) per level with Wilson intervals, components, demographics.

Percentages are exact floats on a 0-100 scale; rounding happens only in renderers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cipp.model.instrument import Demographic, Instrument, Item, Scale
from cipp.model.responses import Responses
from cipp.model.results import (
    CategoryCount,
    ComponentSummary,
    DemographicSummary,
    ItemSummary,
    LevelCount,
    Proportion,
)
from cipp.stats.counting import tally
from cipp.stats.reliability import cronbach_alpha_levels
from cipp.stats.tails import two_sided_z

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

NAN = float("nan")

#: The rows of a component's test: respondents not mostly, and mostly, positive.
COMPONENT_ROWS = ("Not mostly positive", "Mostly positive")


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for k of n, in percent (NaN when n = 0).

    The arithmetic of scipy.stats.binomtest(k, n).proportion_ci(method="wilson"),
    step for step (so the same floats; a test checks it on many k, n and levels), without
    importing scipy.stats: z from scipy.special.ndtri, the bound at 0 (1) when k is 0 (n).
    Agrees with R's prop.test(k, n, correct = FALSE)$conf.int and statsmodels'
    proportion_confint (method="wilson").
    """
    if n == 0:
        return NAN, NAN
    return wilson_limits(k / n, n, confidence)


def wilson_limits(p: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson interval (percent) of a proportion ``p`` from ``n`` observations, where
    ``n`` may be an effective sample size (not a whole number): :func:`wilson_interval`'s
    arithmetic, the bound at 0 (1) when p is 0 (1)."""
    if not n:
        return NAN, NAN
    z = two_sided_z(confidence)
    denominator = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denominator
    delta = z / denominator * math.sqrt(4 * n * p * (1 - p) + z**2)
    low = 0.0 if p == 0 else center - delta
    high = 1.0 if p == 1 else center + delta
    return 100 * low, 100 * high


def effective_n(k: Sequence[int] | np.ndarray, n: Sequence[int] | np.ndarray) -> float:
    """The effective sample size (Kish 1965) of a proportion pooled over clusters: k[i]
    of n[i] answers of respondent i positive. The pooled p = sum k / sum n has the
    ratio-estimator variance m / (m - 1) * sum (k_i - p n_i)^2 / (sum n)^2 over the m
    respondents who answered; the design effect is that over p (1 - p) / sum n, taken as
    at least 1 (answers are never counted as more than independent), and the effective
    n is sum n over it. sum n itself when p is 0 or 1 or fewer than two answered."""
    import numpy as np

    k_array, n_array = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    answered = n_array > 0
    k_array, n_array = k_array[answered], n_array[answered]
    total, m = float(n_array.sum()), int(answered.sum())
    p = float(k_array.sum()) / total if total else NAN
    if m < 2 or not 0 < p < 1:
        return total
    variance = m / (m - 1) * float(((k_array - p * n_array) ** 2).sum()) / total**2
    design_effect = max(1.0, variance / (p * (1 - p) / total))
    return total / design_effect


def newcombe_difference(
    k1: int,
    n1: int,
    k2: int,
    n2: int,
    confidence: float = 0.95,
    effective: tuple[float, float] | None = None,
) -> tuple[float, float, float]:
    """p2 - p1 in percentage points with Newcombe's hybrid score interval (Newcombe 1998,
    method 10: the Wilson intervals of the two proportions combined); NaN when either n
    is 0. ``effective``: the two effective sample sizes of proportions pooled over
    respondents (:func:`effective_n`), for their Wilson intervals.

    Agrees with statsmodels' ``confint_proportions_2indep(..., method="newcomb")`` and
    with Newcombe's own example (Stat Med 17:873, Table II): 56/70 vs 48/80 gives
    0.0524 to 0.3339.
    """
    if not n1 or not n2:
        return NAN, NAN, NAN
    p1, p2 = k1 / n1, k2 / n2
    e1, e2 = effective if effective is not None else (n1, n2)
    low1, high1 = (x / 100 for x in wilson_limits(p1, e1, confidence))
    low2, high2 = (x / 100 for x in wilson_limits(p2, e2, confidence))
    difference = p2 - p1
    low = difference - math.sqrt((p2 - low2) ** 2 + (high1 - p1) ** 2)
    high = difference + math.sqrt((high2 - p2) ** 2 + (p1 - low1) ** 2)
    return 100 * difference, 100 * low, 100 * high


def proportion(
    k: int, n: int, confidence: float = 0.95, n_effective: float | None = None
) -> Proportion:
    """k of n in percent with its Wilson interval (see :func:`wilson_interval`); with
    ``n_effective`` (answers pooled over respondents), the interval of that sample size."""
    if n_effective is None:
        low, high = wilson_interval(k, n, confidence)
        return Proportion(k, n, 100 * k / n if n else NAN, low, high)
    low, high = wilson_limits(k / n, n_effective, confidence) if n else (NAN, NAN)
    return Proportion(k, n, 100 * k / n if n else NAN, low, high, n_effective)


def _code_stats(values: np.ndarray) -> tuple[float, float, float]:
    import numpy as np

    if len(values) == 0:
        return NAN, NAN, NAN
    sd = float(np.std(values, ddof=1)) if len(values) > 1 else NAN
    return float(np.mean(values)), sd, float(np.median(values))


def count_stats(counts: Mapping[int, int]) -> tuple[float, float, float]:
    """Mean, SD (n - 1) and median of codes given how many answers each code got.

    The same numbers numpy's mean, std(ddof=1) and median give on the answers
    themselves (a test checks this), in time proportional to the number of levels.
    """
    total = sum(counts.values())
    if total == 0:
        return NAN, NAN, NAN
    mean = sum(code * n for code, n in counts.items()) / total
    sd = (
        math.sqrt(sum(n * (code - mean) ** 2 for code, n in counts.items()) / (total - 1))
        if total > 1
        else NAN
    )
    # The median is the mean of the answers ranked (total - 1) // 2 and total // 2.
    wanted = [(total - 1) // 2, total // 2]
    found = []
    seen = 0
    for code in sorted(counts):
        seen += counts[code]
        while wanted and wanted[0] < seen:
            found.append(code)
            wanted.pop(0)
    return mean, sd, (found[0] + found[1]) / 2


def level_counts(scale: Scale, codes: pd.Series) -> dict[int, int]:
    """How many answers each of the scale's codes got (missing answers are not counted)."""
    import numpy as np

    lowest = min(scale.codes) - 1  # stands for a missing answer
    values = codes.to_numpy(dtype="int64", na_value=lowest) - lowest
    tally = np.bincount(values, minlength=max(scale.codes) - lowest + 1)
    return {code: int(tally[code - lowest]) for code in scale.codes}


def counts_of_levels(scale: Scale, levels: np.ndarray) -> dict[int, int]:
    """How many answers each of the scale's codes got, from level positions
    (Responses.level_index); the same as :func:`level_counts` on the codes."""
    counts = tally(levels, len(scale.codes))
    return {code: int(counts[j]) for j, code in enumerate(scale.codes)}


def describe_item(
    item: Item,
    scale: Scale,
    codes: pd.Series | None,
    *,
    n_invalid: int = 0,
    counts: Mapping[int, int] | None = None,
    confidence: float = 0.95,
    n_respondents: int | None = None,
) -> ItemSummary:
    """Count each level of one item (``codes``: nullable integer codes, <NA> = missing).

    ``counts`` (each code's count) and ``n_respondents`` may be given when already known,
    as analyze() does from the responses' level positions; ``codes`` is then not needed
    (None) and nothing is counted again."""
    if counts is None or n_respondents is None:
        if codes is None:
            raise ValueError("describe_item needs the codes, or the counts and n_respondents")
        counts = level_counts(scale, codes) if counts is None else counts
        n_respondents = len(codes)
    n_valid = sum(counts.values())
    levels = []
    for level in scale.levels:
        n = counts[level.code]
        low, high = wilson_interval(n, n_valid, confidence)
        levels.append(
            LevelCount(
                code=level.code,
                label=level.label,
                n=n,
                percent=100 * n / n_valid if n_valid else NAN,
                percent_of_respondents=100 * n / n_respondents if n_respondents else NAN,
                ci_low=low,
                ci_high=high,
            )
        )
    positive = scale.positive_group
    k = sum(counts[c] for c in positive.codes)
    mean, sd, median = count_stats(counts)
    return ItemSummary(
        id=item.id,
        text=item.text,
        component=item.component,
        subtheme=item.subtheme,
        scale=scale.id,
        kind=scale.kind,
        n_respondents=n_respondents,
        n_valid=n_valid,
        n_missing=n_respondents - n_valid - n_invalid,
        n_invalid=n_invalid,
        levels=tuple(levels),
        mean=mean,
        sd=sd,
        median=median,
        top_percent=100 * counts[scale.top_code] / n_valid if n_valid else NAN,
        positive_percent=100 * k / n_valid if n_valid else NAN,
        positive_label=positive.label,
        positive=proportion(k, n_valid, confidence),
    )


def describe_component(
    component: str,
    items: Sequence[Item],
    summaries: Sequence[ItemSummary],
    instrument: Instrument,
    responses: Responses,
    confidence: float = 0.95,
) -> ComponentSummary:
    """Pool one component's items (``summaries`` in the same order as ``items``)."""
    n_answers = sum(s.n_valid for s in summaries)
    top = sum(
        level.n
        for s in summaries
        for level in s.levels
        if level.code == instrument.scale(s.scale).top_code
    )
    positive = sum(
        level.n
        for s in summaries
        for level in s.levels
        if level.code in instrument.scale(s.scale).positive_group.codes
    )
    scales = {item.scale for item in items}
    shared = next(iter(scales)) if len(scales) == 1 else None
    mean = sd = median = alpha = NAN
    alpha_n = 0
    note = None
    if shared is not None:
        pooled: Counter[int] = Counter()
        for summary in summaries:
            pooled.update({level.code: level.n for level in summary.levels})
        mean, sd, median = count_stats(pooled)
        if len(items) >= 2:
            alpha, alpha_n = cronbach_alpha_levels(
                [responses.level_index(item.id) for item in items],
                instrument.scale(shared).codes,
            )
        else:
            note = "Cronbach's alpha needs two or more items."
    else:
        note = "Items use different scales: mean, SD, median and alpha are not pooled."
    return ComponentSummary(
        component=component,
        items=tuple(item.id for item in items),
        n_items=len(items),
        n_answers=n_answers,
        top_percent=100 * top / n_answers if n_answers else NAN,
        positive_percent=100 * positive / n_answers if n_answers else NAN,
        scale=shared,
        mean=mean,
        sd=sd,
        median=median,
        alpha=alpha,
        alpha_n=alpha_n,
        positive=proportion(
            positive, n_answers, confidence, _component_effective_n(items, instrument, responses)
        ),
        note=note,
    )


def _component_effective_n(
    items: Sequence[Item], instrument: Instrument, responses: Responses
) -> float:
    """The effective n of a component's pooled % positive: each respondent's answers to
    its items are a cluster (:func:`effective_n`)."""
    import numpy as np

    k = np.zeros(responses.n_respondents, dtype=np.int64)
    n = np.zeros(responses.n_respondents, dtype=np.int64)
    for item in items:
        scale = instrument.scale_of(item)
        positive = scale.positive_group.codes
        lookup = np.array([code in positive for code in scale.codes] + [False])
        index = responses.level_index(item.id)
        n += index < len(scale.codes)
        k += lookup[index]
    return effective_n(k, n)


def describe_demographic(demographic: Demographic, values: Any) -> DemographicSummary:
    """n (%) per category (valid percent); for numbers also mean, SD, median and range.

    ``values``: one per respondent, as Responses.demographic_values holds them (numbers
    as floats, NaN where missing; categories as their label's position in
    ``group_labels``, -1 where missing), or as a pandas Series of numbers or labels."""
    import numpy as np

    values = _as_values(demographic, values)
    labels = demographic.group_labels
    extra: dict[str, float] = {}
    if demographic.kind == "numeric":
        numbers = values[~np.isnan(values)]
        groups = demographic.bin_codes(values)
        mean, sd, median = _code_stats(numbers)
        extra = {
            "mean": mean,
            "sd": sd,
            "median": median,
            "min": float(numbers.min()) if len(numbers) else NAN,
            "max": float(numbers.max()) if len(numbers) else NAN,
        }
        n_valid = len(numbers)
    else:
        groups = values
        n_valid = int(np.count_nonzero(groups >= 0))
    counts = np.bincount(groups[groups >= 0], minlength=len(labels))
    categories = tuple(
        CategoryCount(
            label=str(label), n=int(n), percent=100 * int(n) / n_valid if n_valid else NAN
        )
        for label, n in zip(labels, counts.tolist(), strict=True)
    )
    return DemographicSummary(
        id=demographic.id,
        label=demographic.label,
        kind=demographic.kind,
        n_valid=n_valid,
        n_missing=len(values) - n_valid,
        categories=categories,
        **extra,
    )


def _as_values(demographic: Demographic, values: Any) -> np.ndarray:
    """A demographic's values as Responses.demographic_values holds them (a pandas
    Series of numbers or labels converted)."""
    import numpy as np

    if isinstance(values, np.ndarray):
        return values
    import pandas as pd

    series = pd.Series(values)
    if demographic.kind == "numeric":
        return np.asarray(pd.to_numeric(series, errors="coerce"), dtype="float64")
    categorical = pd.Categorical(series, categories=list(demographic.group_labels))
    return np.asarray(categorical.codes, dtype="int64")


def group_codes(demographic: Demographic, values: Any) -> np.ndarray:
    """Each respondent's group: the position of its label (a numeric demographic's bin)
    among ``group_labels``, -1 where missing or in no bin (``values`` as for
    :func:`describe_demographic`)."""
    import numpy as np

    values = _as_values(demographic, values)
    if demographic.kind == "numeric":
        return np.asarray(demographic.bin_codes(values), dtype="int64")
    return np.asarray(values, dtype="int64")


def group_numeric(demographic: Demographic, values: Any) -> pd.Series:
    """Numeric values as an ordered categorical of the demographic's bin labels.

    A value falls in the first bin whose inclusive range holds it; values outside every
    bin (and missing ones) are missing.
    """
    import pandas as pd

    series = pd.Series(values)
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")
    codes = demographic.bin_codes(numbers)
    categorical = pd.Categorical.from_codes(
        codes, categories=list(demographic.group_labels), ordered=True
    )
    return pd.Series(categorical, index=series.index)


def component_rows(responses: Responses, component: str) -> np.ndarray:
    """Per respondent: 1 when more than half of their answers to the component's items are
    in the positive group, 0 when not, -1 when they answered none of them (int8)."""
    import numpy as np

    instrument = responses.instrument
    members = [item for item in responses.items_asked if item.component == component]
    # Positive answers minus the other answers: above 0 exactly when more than half of
    # the answers are positive.
    balance = np.zeros(responses.n_respondents, dtype="int16" if len(members) < 2**15 else "int32")
    answered = np.zeros(responses.n_respondents, dtype=bool)
    for item in members:
        scale = instrument.scale_of(item)
        positive = scale.positive_group.codes
        # By level position; the last slot is a missing answer.
        step = np.array([1 if c in positive else -1 for c in scale.codes] + [0], dtype="int8")
        levels = responses.level_index(item.id)
        balance += np.take(step, levels)
        answered |= levels < len(scale.codes)
    rows = (balance > 0).astype("int8")
    rows[~answered] = -1
    return rows
