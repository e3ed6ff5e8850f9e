"""Tail probabilities and quantiles of the chi-square and normal distributions.

From scipy.special's compiled functions (chdtrc, ndtr, ndtri), the very ones that
scipy.stats' ``chi2.sf``, ``norm.sf`` and ``norm.ppf`` call, so the numbers are the same
to the last bit; importing scipy.special alone costs a fraction of scipy.stats, which an
analysis then needs only for exact tests.
"""

from __future__ import annotations

import functools

__all__ = ["chi2_sf", "normal_quantile", "normal_sf", "two_sided_z"]


def chi2_sf(statistic: float, df: float) -> float:
    """P(X >= statistic) for X chi-square with ``df`` degrees of freedom (scipy.stats'
    ``chi2.sf(statistic, df)``)."""
    from scipy.special import chdtrc

    return float(chdtrc(df, statistic))


def normal_sf(z: float) -> float:
    """P(Z >= z) for a standard normal Z (scipy.stats' ``norm.sf(z)``)."""
    from scipy.special import ndtr

    return float(ndtr(-z))


@functools.lru_cache(maxsize=64)
def normal_quantile(p: float) -> float:
    """The standard normal quantile of ``p`` (scipy.stats' ``norm.ppf(p)``)."""
    from scipy.special import ndtri

    return float(ndtri(p))


def two_sided_z(confidence: float) -> float:
    """The z of a two-sided interval at this confidence level (1.96 at 0.95), computed
    as scipy's binomtest does for its Wilson interval: ndtri(0.5 + 0.5 confidence)."""
    return normal_quantile(0.5 + 0.5 * confidence)
