"""Sample size for estimating a proportion, as OpenEpi computes it, with non-response.

OpenEpi's "Sample Size for a Proportion or Descriptive Study" (Sullivan, Dean & Mir):

    n = DEFF * N * p(1 - p) / [ (d^2 / Z^2_{1-alpha/2}) * (N - 1) + p(1 - p) ]

rounded up, where N is the population, p the anticipated proportion, d the margin (absolute
precision) and DEFF the design effect. For an infinite population this is Cochran's
n = DEFF * Z^2 p(1 - p) / d^2. Non-response is then added as n * (1 + r), rounded up (the
study's 170 -> 187 with r = 10%); note that n / (1 - r), the other common rule, gives 189.
"""

from __future__ import annotations

import math

from cipp.model.errors import DataError, option
from cipp.model.tests import SampleSize

__all__ = ["SampleSize", "inflate_for_nonresponse", "sample_size_proportion"]

# n * (1 + r) is computed in floating point, where 170 * 1.1 = 187.00000000000003; rounding
# to this many decimals before taking the ceiling keeps such float noise from adding one.
_CEIL_DECIMALS = 9

_FORMULA_FINITE = "n = DEFF·N·p(1−p) / [(d²/Z²₁₋α/₂)·(N−1) + p(1−p)]"
_FORMULA_INFINITE = "n = DEFF·Z²₁₋α/₂·p(1−p) / d²"
_FORMULA_NONRESPONSE = "n′ = n·(1 + r)"


def _ceil(value: float) -> int:
    return math.ceil(round(value, _CEIL_DECIMALS))


def inflate_for_nonresponse(n: int, nonresponse: float) -> int:
    """n * (1 + r) rounded up: the study's 170 with r = 0.10 gives 187 (not 170 / 0.9 = 189)."""
    if not 0.0 <= nonresponse < 1.0:
        raise DataError(
            f"{option('nonresponse', nonresponse)} must be at least 0 and below 1 (e.g. 0.10)"
        )
    if n < 0:
        raise DataError(f"sample size must not be negative, got {n}")
    return _ceil(n * (1.0 + nonresponse))


def sample_size_proportion(
    *,
    population: float | None,
    margin: float = 0.05,
    confidence: float = 0.95,
    proportion: float = 0.5,
    design_effect: float = 1.0,
    nonresponse: float = 0.0,
    base_n: int | None = None,
) -> SampleSize:
    """Sample size to estimate a proportion within +/- ``margin`` (OpenEpi's formula).

    ``population`` is the population size N; None or ``math.inf`` means infinite (no
    finite population correction). Z is the exact normal quantile
    ``scipy.stats.norm.ppf(1 - (1 - confidence) / 2)`` (1.959964 for 95%). ``base_n`` skips
    the formula and only adds non-response to a known n (the study's 170 -> 187).

    Checked against OpenEpi's own module: its exercise states that the defaults
    (N = 1,000,000, p = 50%, d = 5%, 95%) need 384 persons, and against OpenEpi output
    published for N = 10,000,000, p = 6%, d = 5% (80%: 38, 90%: 62, 95%: 87, 97%: 107,
    99%: 150, 99.9%: 245, 99.99%: 342). An infinite population gives Cochran's 384.15 -> 385.
    """
    problems = []
    if population is not None and not population >= 1:
        problems.append(
            f"{option('population', population)} must be at least 1 (or absent for infinite)"
        )
    if not 0.0 < margin < 1.0:
        problems.append(f"{option('margin', margin)} must be between 0 and 1 (e.g. 0.05)")
    if not 0.0 < confidence < 1.0:
        problems.append(f"{option('confidence', confidence)} must be between 0 and 1 (e.g. 0.95)")
    if not 0.0 < proportion < 1.0:
        problems.append(f"{option('proportion', proportion)} must be between 0 and 1 (e.g. 0.5)")
    if not (design_effect > 0 and math.isfinite(design_effect)):
        problems.append(f"{option('design_effect', design_effect)} must be a positive number")
    if not 0.0 <= nonresponse < 1.0:
        problems.append(
            f"{option('nonresponse', nonresponse)} must be at least 0 and below 1 (e.g. 0.10)"
        )
    if base_n is not None and (isinstance(base_n, bool) or int(base_n) != base_n or base_n < 1):
        problems.append(f"{option('base_n', base_n)} must be a whole number of at least 1")
    if problems:
        raise DataError("sample size: " + "; ".join(problems))

    pop = None if population is None or math.isinf(population) else float(population)

    if base_n is not None:
        z = None
        n_unrounded = None
        n_rounded = int(base_n)
        formula = _FORMULA_NONRESPONSE
    else:
        from scipy.stats import norm

        z = float(norm.ppf(1.0 - (1.0 - confidence) / 2.0))
        pq = proportion * (1.0 - proportion)
        if pop is None:
            n_unrounded = design_effect * z * z * pq / (margin * margin)
            formula = _FORMULA_INFINITE
        else:
            n_unrounded = (design_effect * pop * pq) / (
                (margin * margin) / (z * z) * (pop - 1.0) + pq
            )
            formula = _FORMULA_FINITE
        n_rounded = _ceil(n_unrounded)
        if nonresponse:
            formula = f"{formula}; {_FORMULA_NONRESPONSE}"

    return SampleSize(
        population=pop,
        margin=float(margin),
        confidence=float(confidence),
        proportion=float(proportion),
        design_effect=float(design_effect),
        nonresponse=float(nonresponse),
        base_n=None if base_n is None else int(base_n),
        z=z,
        n_unrounded=n_unrounded,
        n_rounded=n_rounded,
        n_with_nonresponse=inflate_for_nonresponse(n_rounded, nonresponse),
        formula=formula,
    )
