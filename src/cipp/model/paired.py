"""Before/after comparisons of the same respondents: the records of ``cipp compare``.

Computed by cipp.flow.compare from cipp.stats.paired; written as JSON by cipp.render.json
and laid out by cipp.render.compare. Percentages are 0-100 and unrounded; differences are
in percentage points, after minus before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cipp.model.instrument import Instrument

NAN = math.nan


@dataclass(frozen=True)
class McNemar:
    """McNemar's test on the discordant pairs (``b``: positive before only, ``c``: after
    only): ``statistic`` and ``p`` continuity-corrected as R's ``mcnemar.test``, ``p_exact``
    the two-sided binomial p of b in b + c at 1/2."""

    statistic: float
    p: float
    p_exact: float
    b: int = 0
    c: int = 0


@dataclass(frozen=True)
class MarginalHomogeneity:
    """Stuart-Maxwell test that the before and after distributions over the levels agree.

    ``dropped``: levels nobody chose before or after (left out of the test)."""

    statistic: float
    df: int
    p: float
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignedRank:
    """Wilcoxon signed-rank test of after minus before: ``statistic`` is R's V (the sum of
    the ranks of the positive differences), ``n`` the pairs that differ."""

    statistic: float
    p: float
    n: int = 0


@dataclass(frozen=True)
class PairedProportions:
    """% positive before and after over the same pairs, and their difference (after minus
    before, in points) with Newcombe's (1998b, method 10) interval."""

    before: float
    after: float
    difference: float
    ci_low: float
    ci_high: float
    confidence: float = 0.95


@dataclass(frozen=True)
class PairedItem:
    """One item (``level="item"``) or CIPP component (``level="component"``) compared.

    ``table``: pairs by answer before (rows) and after (columns): the scale's levels for an
    item, (not mostly positive, mostly positive) for a component. ``mean_before`` /
    ``mean_after``: of the codes (items) or of respondents' mean positivity (components,
    the share of their answers that are positive, 0-100)."""

    item: str
    text: str
    level: str
    component: str
    n_pairs: int
    labels: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    mcnemar: McNemar
    marginal_homogeneity: MarginalHomogeneity
    wilcoxon: SignedRank
    positive: PairedProportions
    positive_label: str
    mean_before: float = NAN
    mean_after: float = NAN


@dataclass(frozen=True)
class Matching:
    """How respondents of one file were matched by id.

    ``duplicates``: ids given on more than one row (none of those rows is paired: which
    is the right one cannot be known); ``unmatched``: ids not in the other file;
    ``missing_id``: rows without an id."""

    file: str
    sheet: str | None
    n_respondents: int
    duplicates: tuple[str, ...]
    unmatched: tuple[str, ...]
    missing_id: int


@dataclass(frozen=True)
class Comparison:
    """Everything ``cipp compare`` found: the matching, and every item and component."""

    instrument: Instrument
    id_column: str
    before: Matching
    after: Matching
    n_pairs: int
    items: tuple[PairedItem, ...]
    components: tuple[PairedItem, ...]
    items_not_compared: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
