"""Inter-coder agreement: plain functions over a units x coders matrix, and per-code tables.

The coefficients take *reliability data*: one row per unit, one column per coder, a
category per cell and missing cells as ``None`` or NaN. They use Gwet's general
formulas for any number of raters with missing ratings (Gwet, *Handbook of Inter-Rater
Reliability*, 4th ed., 2014, ch. 2-3; as in the R package irrCAC):

- percent agreement ``pa``: mean over units rated by two or more coders of
  ``sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))``;
- Fleiss' kappa: chance ``sum_k pi_k**2`` with ``pi_k`` the mean over units of
  ``r_ik / r_i``; Gwet's AC1: chance ``sum_k pi_k (1 - pi_k) / (q - 1)``;
  Brennan-Prediger: chance ``1 / q``;
- Cohen's kappa (two coders, units both rated): chance from each coder's own margins;
- Krippendorff's alpha (nominal): ``1 - D_o / D_e`` from the coincidence matrix
  (Krippendorff, *Content Analysis*, 2004, ch. 11).

Checked against published values (tests/qualitative/test_agreement_stats.py):
Krippendorff's 4 coders x 12 units data with missing values give alpha 0.743, and in
Gwet's handbook Fleiss 0.761, AC1 0.775, Brennan-Prediger 0.773, agreement 0.818;
Cohen's kappa 0.40 for [[20, 5], [10, 15]]; the prevalence paradox tables of Feinstein
and Cicchetti (1990) give 0.1304 and 0.2593; and against statsmodels' ``cohens_kappa``
and ``fleiss_kappa`` (``method="fleiss"`` and ``"randolph"``) on complete data.
Nothing is rounded here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cipp.model.errors import DataError
from cipp.model.qualitative import KRIPPENDORFF_RELIABLE, KRIPPENDORFF_TENTATIVE, LANDIS_KOCH


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def rating_counts(
    ratings: Any, *, categories: Sequence[Hashable] | None = None
) -> tuple[np.ndarray, tuple[Hashable, ...]]:
    """Count per unit how many coders chose each category: ``(counts, categories)``.

    ``counts`` has one row per unit and one column per category (``r_ik``). Without
    ``categories`` the sorted distinct non-missing values are used. A value outside
    the given categories raises DataError.
    """
    rows = [list(row) for row in (ratings.tolist() if hasattr(ratings, "tolist") else ratings)]
    observed = {value for row in rows for value in row if not _is_missing(value)}
    if categories is None:
        cats = tuple(sorted(observed, key=lambda value: (str(type(value)), value)))
    else:
        cats = tuple(categories)
        unknown = observed - set(cats)
        if unknown:
            raise DataError(
                f"ratings hold values outside the categories: {sorted(map(str, unknown))}"
            )
    index = {category: position for position, category in enumerate(cats)}
    counts = np.zeros((len(rows), len(cats)), dtype=float)
    for unit, row in enumerate(rows):
        for value in row:
            if not _is_missing(value):
                counts[unit, index[value]] += 1
    return counts, cats


@dataclass(frozen=True)
class AgreementParts:
    """Observed and chance terms of every coefficient for one variable.

    Kept apart so that pooled coefficients can average them across codes (De Vries
    et al., Field Methods 2008: pooled kappa = (mean p_o - mean p_e) / (1 - mean p_e)).
    """

    units: int  # units rated by two or more coders
    coders: int
    observed: float  # percent agreement (Gwet's p_a)
    chance_cohen: float  # NaN unless exactly two coders
    observed_cohen: float  # agreement on the units both coders rated
    chance_fleiss: float
    chance_ac1: float
    chance_bp: float
    disagreement_observed: float  # Krippendorff's D_o
    disagreement_expected: float  # Krippendorff's D_e


def agreement_parts(
    ratings: Any, *, categories: Sequence[Hashable] | None = None
) -> AgreementParts:
    """Compute :class:`AgreementParts` from reliability data (units x coders)."""
    rows = ratings.tolist() if hasattr(ratings, "tolist") else [list(row) for row in ratings]
    coders = max((len(row) for row in rows), default=0)
    counts, cats = rating_counts(rows, categories=categories)
    q = len(cats)
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    n_pairable = int(pairable.sum())
    nan = float("nan")
    if n_pairable == 0 or q == 0:
        return AgreementParts(0, coders, nan, nan, nan, nan, nan, nan, nan, nan)
    c = counts[pairable]
    r = per_unit[pairable]
    observed = float(np.mean((c * (c - 1)).sum(axis=1) / (r * (r - 1))))
    rated = per_unit >= 1
    pi = (counts[rated] / per_unit[rated, None]).mean(axis=0)
    chance_fleiss = float(np.sum(pi**2))
    chance_ac1 = float(np.sum(pi * (1 - pi)) / (q - 1)) if q > 1 else nan
    chance_bp = 1.0 / q

    # Krippendorff: coincidences within pairable units, each unit weighted 1 / (m_u - 1).
    coincidence = np.einsum("uk,ul->kl", c / (r - 1)[:, None], c) - np.diag(
        (c / (r - 1)[:, None]).sum(axis=0)
    )
    n_values = coincidence.sum()
    margins = coincidence.sum(axis=1)
    d_obs = float((n_values - np.trace(coincidence)) / n_values)
    d_exp = float((n_values**2 - np.sum(margins**2)) / (n_values * (n_values - 1)))

    chance_cohen = observed_cohen = nan
    if coders == 2:
        both = [
            (row[0], row[1]) for row in rows if not _is_missing(row[0]) and not _is_missing(row[1])
        ]
        if both:
            index = {category: position for position, category in enumerate(cats)}
            table = np.zeros((q, q))
            for first, second in both:
                table[index[first], index[second]] += 1
            observed_cohen, chance_cohen = _cohen_terms(table)
    return AgreementParts(
        units=n_pairable,
        coders=coders,
        observed=observed,
        chance_cohen=chance_cohen,
        observed_cohen=observed_cohen,
        chance_fleiss=chance_fleiss,
        chance_ac1=chance_ac1,
        chance_bp=chance_bp,
        disagreement_observed=d_obs,
        disagreement_expected=d_exp,
    )


def _cohen_terms(table: np.ndarray) -> tuple[float, float]:
    total = table.sum()
    observed = float(np.trace(table) / total)
    chance = float(np.sum(table.sum(axis=1) * table.sum(axis=0)) / total**2)
    return observed, chance


def _kappa(observed: float, chance: float) -> float:
    """``(p_o - p_e) / (1 - p_e)``; NaN when chance agreement is 1 (undefined)."""
    if math.isnan(observed) or math.isnan(chance) or chance >= 1.0:
        return float("nan")
    return (observed - chance) / (1.0 - chance)


def _alpha(d_obs: float, d_exp: float) -> float:
    if math.isnan(d_obs) or math.isnan(d_exp) or d_exp <= 0:
        return float("nan")
    return 1.0 - d_obs / d_exp


@dataclass(frozen=True)
class Coefficients:
    """The coefficients of one variable (or pooled over variables)."""

    units: int
    percent_agreement: float
    kappa: float  # Cohen's for two coders, Fleiss' for more
    alpha: float
    ac1: float
    brennan_prediger: float


def coefficients(parts: AgreementParts) -> Coefficients:
    """All coefficients from their parts (kappa is Cohen's for 2 coders, else Fleiss')."""
    if parts.coders == 2:
        kappa = _kappa(parts.observed_cohen, parts.chance_cohen)
    else:
        kappa = _kappa(parts.observed, parts.chance_fleiss)
    return Coefficients(
        units=parts.units,
        percent_agreement=parts.observed,
        kappa=kappa,
        alpha=_alpha(parts.disagreement_observed, parts.disagreement_expected),
        ac1=_kappa(parts.observed, parts.chance_ac1),
        brennan_prediger=_kappa(parts.observed, parts.chance_bp),
    )


def pooled_coefficients(parts: Iterable[AgreementParts]) -> Coefficients:
    """Pool several variables (codes): average observed and chance terms, then combine.

    Follows De Vries, Elliott, Kanouse and Teleki (Field Methods 2008) for kappa, and
    applies the same construction to every coefficient (alpha: ``1 - mean D_o / mean
    D_e``); means are weighted by the units of each variable. For one variable the
    pooled values equal its own.
    """
    items = [part for part in parts if part.units > 0]
    if not items:
        nan = float("nan")
        return Coefficients(0, nan, nan, nan, nan, nan)
    weights = np.array([part.units for part in items], dtype=float)

    def mean(name: str) -> float:
        values = np.array([getattr(part, name) for part in items], dtype=float)
        return float(np.sum(values * weights) / weights.sum())

    coders = items[0].coders
    if coders == 2:
        kappa = _kappa(mean("observed_cohen"), mean("chance_cohen"))
    else:
        kappa = _kappa(mean("observed"), mean("chance_fleiss"))
    return Coefficients(
        units=max(part.units for part in items),
        percent_agreement=mean("observed"),
        kappa=kappa,
        alpha=_alpha(mean("disagreement_observed"), mean("disagreement_expected")),
        ac1=_kappa(mean("observed"), mean("chance_ac1")),
        brennan_prediger=_kappa(mean("observed"), mean("chance_bp")),
    )


# --- the single coefficients, for direct use ------------------------------------------


def percent_agreement(ratings: Any, *, categories: Sequence[Hashable] | None = None) -> float:
    """Gwet's percent agreement over units rated by two or more coders (0-1)."""
    return agreement_parts(ratings, categories=categories).observed


def cohen_kappa(ratings: Any, *, categories: Sequence[Hashable] | None = None) -> float:
    """Cohen's kappa for two coders over the units both rated.

    Agrees with statsmodels.stats.inter_rater.cohens_kappa and with Cohen (1960).
    """
    parts = agreement_parts(ratings, categories=categories)
    if parts.coders != 2:
        raise DataError(f"Cohen's kappa needs exactly two coders, not {parts.coders}")
    return _kappa(parts.observed_cohen, parts.chance_cohen)


def cohen_kappa_table(table: Any) -> float:
    """Cohen's kappa from a square table (rows: coder A, columns: coder B)."""
    matrix = np.asarray(table, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.sum() <= 0:
        raise DataError("Cohen's kappa needs a non-empty square table")
    return _kappa(*_cohen_terms(matrix))


def fleiss_kappa(ratings: Any, *, categories: Sequence[Hashable] | None = None) -> float:
    """Fleiss' kappa generalised to missing ratings (Gwet 2014); = statsmodels' when complete."""
    parts = agreement_parts(ratings, categories=categories)
    return _kappa(parts.observed, parts.chance_fleiss)


def gwet_ac1(ratings: Any, *, categories: Sequence[Hashable] | None = None) -> float:
    """Gwet's AC1 (nominal), any number of coders, missing allowed."""
    parts = agreement_parts(ratings, categories=categories)
    return _kappa(parts.observed, parts.chance_ac1)


def brennan_prediger(ratings: Any, *, categories: Sequence[Hashable] | None = None) -> float:
    """Brennan and Prediger's coefficient (chance 1/q); = statsmodels' Randolph kappa."""
    parts = agreement_parts(ratings, categories=categories)
    return _kappa(parts.observed, parts.chance_bp)


def krippendorff_alpha(ratings: Any) -> float:
    """Krippendorff's alpha for nominal data, any number of coders, missing allowed."""
    parts = agreement_parts(ratings)
    return _alpha(parts.disagreement_observed, parts.disagreement_expected)


def table_to_ratings(table: Any) -> list[list[int]]:
    """Expand a two-coder square table into reliability data (category = row/column index).

    ``[[a, b], [c, d]]``: ``a`` units both coders put in category 0, ``b`` units coder
    A put in 0 and coder B in 1, and so on.
    """
    matrix = np.asarray(table, dtype=int)
    rows: list[list[int]] = []
    for first in range(matrix.shape[0]):
        for second in range(matrix.shape[1]):
            rows.extend([[first, second]] * int(matrix[first, second]))
    return rows


def landis_koch_band(value: float) -> str:
    """Landis and Koch's (1977) name for a kappa-like value ('undefined' for NaN)."""
    if math.isnan(value):
        return "undefined"
    if value < 0:
        return "poor"
    for upper, name in LANDIS_KOCH[1:]:
        if value <= upper:
            return name
    return "almost perfect"


def krippendorff_band(value: float) -> str:
    """Krippendorff's (2004) verdict: reliable (>= .800), tentative (>= .667), unreliable."""
    if math.isnan(value):
        return "undefined"
    if value >= KRIPPENDORFF_RELIABLE:
        return "reliable"
    if value >= KRIPPENDORFF_TENTATIVE:
        return "tentative"
    return "unreliable"
