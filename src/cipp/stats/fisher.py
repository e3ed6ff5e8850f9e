"""Fisher's exact test of independence: Fisher's own for 2 x 2 tables, Freeman-Halton's
extension for R x C tables (enumerated with a network algorithm within a work budget),
and its Monte Carlo estimate for tables too large to enumerate.

Which of these a table gets, and why, is decided in cipp.stats.contingency.choose_test.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from cipp.stats.counting import count_table

__all__ = [
    "EXACT_MAX_STEPS",
    "fisher_exact_2x2",
    "fisher_exact_rxc",
    "fisher_monte_carlo",
]

#: Work budget of the exact R x C enumeration (see ``fisher_exact_rxc``): this many steps
#: for the preferred orientation of the table and a quarter of it for the transpose. About
#: a microsecond per step, so a table that is too large costs 1.3-2.5 s before it gives
#: way to Monte Carlo.
EXACT_MAX_STEPS = 1_000_000

# R's fisher.test counts tables whose probability is within a relative 1e-7 of the observed
# table's as "as extreme"; on the log scale that is an absolute tolerance of 1e-7.
_LOG_TIE = 1e-7

_Floats = npt.NDArray[np.float64]


def fisher_exact_2x2(table: npt.NDArray[np.int64]) -> float:
    """Two-sided p of Fisher's exact test of a 2 x 2 table (scipy's ``fisher_exact``;
    agrees with R's ``fisher.test``: ?fisher.test's TeaTasting gives p = 0.4857)."""
    from scipy import stats

    return float(stats.fisher_exact(table).pvalue)


def fisher_monte_carlo(table: npt.NDArray[np.int64], *, resamples: int, seed: int) -> float:
    """Monte Carlo p of Fisher's exact test: ``resamples`` tables with the observed margins
    drawn from a numpy Generator seeded with ``seed``, so the p is reproducible (scipy's
    ``fisher_exact`` with ``MonteCarloMethod``; R's ``fisher.test(simulate.p.value = TRUE)``
    gives about 0.78 for ?fisher.test's Job satisfaction table, as this does)."""
    return _monte_carlo(tuple(map(tuple, np.asarray(table).tolist())), resamples, seed)


@functools.lru_cache(maxsize=256)
def _monte_carlo(cells: tuple[tuple[int, ...], ...], resamples: int, seed: int) -> float:
    """:func:`fisher_monte_carlo`, remembered: a seeded draw gives the same p every time."""
    from scipy import stats

    table = np.array(cells, dtype=np.int64)
    method = stats.MonteCarloMethod(n_resamples=resamples, rng=np.random.default_rng(seed))
    # scipy 1.17 returns some Monte Carlo p values as a one-element array.
    return float(np.ravel(stats.fisher_exact(table, method=method).pvalue)[0])


def _lf(k: int) -> float:
    return math.lgamma(k + 1)


def _split_evenly(total: int, parts: int) -> float:
    if parts <= 0 or total == 0:
        return 0.0
    q, r = divmod(total, parts)
    return r * _lf(q + 1) + (parts - r) * _lf(q)


def _most_even(total: int, caps: Sequence[int]) -> float:
    """min of sum log(x_i!) over x with sum = total and 0 <= x_i <= caps_i (water-filling)."""
    open_caps = sorted(cap for cap in caps if cap > 0)
    out = 0.0
    for i, cap in enumerate(open_caps):
        parts = len(open_caps) - i
        if cap * parts <= total:
            out += _lf(cap)
            total -= cap
        else:
            return out + _split_evenly(total, parts)
    return out


def _most_uneven(total: int, caps: Sequence[int]) -> float:
    """max of sum log(x_i!) over the same set: fill the largest caps first."""
    out = 0.0
    for cap in sorted(caps, reverse=True):
        take = min(cap, total)
        out += _lf(take)
        total -= take
        if total == 0:
            break
    return out


def _next_states(
    total: int, caps: tuple[int, ...], lf: list[float]
) -> Iterator[tuple[tuple[int, ...], float]]:
    """For every column x with sum = total and 0 <= x_i <= caps_i: (sorted caps - x, sum
    log x_i!). ``lf[k]`` is log(k!)."""
    size = len(caps)
    room = [0] * (size + 1)
    for i in range(size - 1, -1, -1):
        room[i] = room[i + 1] + caps[i]
    left = list(caps)
    last = size - 1

    def fill(i: int, rest: int, add: float) -> Iterator[tuple[tuple[int, ...], float]]:
        cap = caps[i]
        if i == last:
            left[i] = cap - rest
            yield tuple(sorted(left)), add + lf[rest]
            return
        for x in range(max(0, rest - room[i + 1]), min(cap, rest) + 1):
            left[i] = cap - x
            yield from fill(i + 1, rest - x, add + lf[x])

    if total <= room[0]:
        yield from fill(0, total, 0.0)


class _TooManyTables(Exception):
    pass


def _fisher_network(table: npt.NDArray[np.int64], max_steps: int) -> float:
    """Freeman-Halton p: the probability of all tables no more probable than the observed.

    Columns are filled one at a time (largest first). A node is the sorted vector of what
    is left of the row totals (rows are exchangeable for what remains); at each node the
    partial tables are kept as (sum of log cell factorials, count) pairs, merged when equal.
    Bounds on what the remaining columns can add (most even and most uneven fillings)
    settle whole nodes at once, as in Mehta & Patel's network algorithm: nodes that cannot
    reach the observed table's improbability are dropped, nodes that cannot miss it add
    their total probability in closed form.
    """
    rows = [int(x) for x in table.sum(axis=1)]
    cols = sorted((int(x) for x in table.sum(axis=0)), reverse=True)
    n = sum(rows)
    lf = [_lf(k) for k in range(n + 1)]
    # P(table) = exp(log_k - sum log(n_ij!)); "as extreme" = score >= observed score.
    log_k = sum(_lf(x) for x in rows) + sum(_lf(x) for x in cols) - _lf(n)
    threshold = sum(_lf(int(x)) for x in table.ravel()) - _LOG_TIE
    n_cols = len(cols)
    cols_lf_from = [0.0] * (n_cols + 1)
    for j in range(n_cols - 1, -1, -1):
        cols_lf_from[j] = cols_lf_from[j + 1] + _lf(cols[j])

    p = 0.0
    steps = 0
    layer: dict[tuple[int, ...], tuple[_Floats, _Floats]] = {
        tuple(sorted(rows)): (np.zeros(1), np.ones(1))
    }
    for k in range(n_cols):
        rest = cols[k:]
        grown: dict[tuple[int, ...], list[tuple[_Floats, _Floats]]] = {}
        for state, (score, count) in layer.items():
            rows_lf = sum(_lf(x) for x in state)
            if k == n_cols - 1:
                # The last column is what is left of the rows: one completion per path.
                final = score + rows_lf
                hit = final >= threshold
                p += float(np.sum(count[hit] * np.exp(log_k - final[hit])))
                continue
            high = min(
                sum(_most_uneven(c, state) for c in rest),
                sum(_most_uneven(x, rest) for x in state),
            )
            low = max(
                sum(_most_even(c, state) for c in rest),
                sum(_most_even(x, rest) for x in state),
            )
            alive = score + high >= threshold
            score, count = score[alive], count[alive]
            settled = score + low >= threshold
            if settled.any():
                # sum over completions of 1/prod(n_ij!) = N'! / (prod r'! prod c'!)
                log_all = _lf(sum(state)) - rows_lf - cols_lf_from[k]
                p += float(np.sum(count[settled] * np.exp(log_k - score[settled] + log_all)))
                score, count = score[~settled], count[~settled]
            if score.size == 0:
                continue
            cost = 1 + score.size
            for left, add in _next_states(cols[k], state, lf):
                steps += cost
                if steps > max_steps:
                    raise _TooManyTables
                grown.setdefault(left, []).append((score + add, count))
        layer = {}
        for state, parts in grown.items():
            scores = np.concatenate([part[0] for part in parts])
            counts = np.concatenate([part[1] for part in parts])
            # Equal partial tables up to float noise share a key; the count adds up.
            keys, where = np.unique(np.round(scores, 9), return_inverse=True)
            merged_counts = np.zeros(keys.size)
            np.add.at(merged_counts, where, counts)
            merged_scores = np.zeros(keys.size)
            merged_scores[where] = scores
            layer[state] = (merged_scores, merged_counts)
    return min(p, 1.0)


def fisher_exact_rxc(table: npt.ArrayLike, *, max_steps: int | None = None) -> float | None:
    """Exact Fisher (Freeman-Halton) p-value of an R x C table, or None if too large.

    The p-value is the total probability, under independence with both margins fixed, of
    the tables whose probability is at most that of the observed table (ties within a
    relative 1e-7, as R's ``fisher.test``). scipy's own exact R x C route
    (``PermutationMethod``) enumerates all N! pairings and is unusable beyond N of about 8
    (N = 9 takes 14 s), so the tables are enumerated here with a network algorithm (see
    ``_fisher_network``).

    Feasibility rule: the enumeration is tried with the smaller dimension as the state
    (ties: the dimension with the larger largest total) within ``max_steps`` steps
    (default ``EXACT_MAX_STEPS`` = 1,000,000; one step = one partial table extended by one
    column), then transposed within a quarter of that; if both run out, None is returned
    and the caller falls back to Monte Carlo. The rule depends only on the table, never on
    timing, so results are reproducible. A step costs about a microsecond: R's 4 x 4 job
    satisfaction table (N = 96) is exact in about 0.3 s, sparse 5 x 3 survey tables with
    N = 182 in about 0.5 s, small tables (N below about 60) in milliseconds; a table past
    the budget (e.g. 5 x 4 with N = 180) costs 1.3-2.5 s before giving way.

    Checked against R's ``fisher.test`` (?fisher.test: Job satisfaction p = 0.7827,
    TeaTasting p = 0.4857), against scipy's exact 2 x 2 test and against scipy's
    exhaustive permutation test on small R x C tables.
    """
    budget = EXACT_MAX_STEPS if max_steps is None else max_steps
    counts = count_table(table)
    counts = counts[np.ix_(counts.sum(axis=1) > 0, counts.sum(axis=0) > 0)]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return 1.0
    return _fisher_rxc(tuple(map(tuple, counts.tolist())), budget)


@functools.lru_cache(maxsize=256)
def _fisher_rxc(cells: tuple[tuple[int, ...], ...], budget: int) -> float | None:
    """The enumeration of :func:`fisher_exact_rxc`, remembered per table and budget: the
    same table comes back in every wave, grouping and run of a session, and a table past
    the budget costs seconds before it gives way."""
    counts = np.array(cells, dtype=np.int64)
    rows_first = counts.shape[0] < counts.shape[1] or (
        counts.shape[0] == counts.shape[1] and counts.sum(axis=1).max() >= counts.sum(axis=0).max()
    )
    first, second = (counts, counts.T) if rows_first else (counts.T, counts)
    for oriented, steps in ((first, budget), (second, budget // 4)):
        try:
            return _fisher_network(oriented, steps)
        except _TooManyTables:
            continue
    return None
