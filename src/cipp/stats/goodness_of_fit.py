"""Chi-square goodness of fit of one variable's counts against equal or given shares."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from cipp.model.errors import DataError
from cipp.model.tests import GoodnessOfFit
from cipp.stats.tails import chi2_sf

__all__ = ["goodness_of_fit"]


def _observed(counts: Sequence[int], names: tuple[str, ...]) -> npt.NDArray[np.float64]:
    """The counts as floats, one per label, or a DataError."""
    try:
        observed = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"goodness of fit: counts are not numbers ({exc})") from None
    if observed.ndim != 1:
        raise DataError("goodness of fit: counts must be a flat list, one per label")
    valid = np.isfinite(observed) & (observed >= 0)
    if not np.all(valid & (observed == np.round(observed))):
        raise DataError("goodness of fit: counts must be non-negative whole numbers")
    if len(names) != observed.size:
        raise DataError(f"goodness of fit: {observed.size} counts for {len(names)} labels")
    if len(set(names)) != len(names):
        raise DataError("goodness of fit: labels must be unique")
    return observed


def _weights(
    names: tuple[str, ...], expected: Mapping[str, float] | None
) -> tuple[npt.NDArray[np.float64], str]:
    """One positive weight per label, and where they came from ("equal shares", "given
    shares" when they sum to 1 within 1e-6, else "given counts or weights")."""
    if expected is None:
        return np.ones(len(names)), "equal shares"
    given = {str(key): value for key, value in expected.items()}
    problems = [f"no expected value for {name!r}" for name in names if name not in given]
    problems += [
        f"{key!r} is not one of the labels ({', '.join(names)})"
        for key in given
        if key not in names
    ]
    if problems:
        raise DataError("goodness of fit: " + "; ".join(problems))
    weights = np.array([float(given[name]) for name in names])
    if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
        raise DataError("goodness of fit: expected values must be positive numbers")
    close_to_one = math.isclose(float(weights.sum()), 1.0, abs_tol=1e-6)
    return weights, "given shares" if close_to_one else "given counts or weights"


def goodness_of_fit(
    counts: Sequence[int],
    labels: Sequence[object],
    expected: Mapping[str, float] | None = None,
) -> GoodnessOfFit:
    """Pearson chi-square goodness of fit of counts against equal or given shares.

    ``expected`` maps each label to a number: numbers that sum to 1 (within 1e-6) are
    shares; otherwise they are expected counts or relative weights and are rescaled to N
    (R's ``rescale.p = TRUE``). Every label needs a value and every value a label, else
    ``DataError``. Zero categories stay in (a level nobody chose still counts against its
    share). No responses, or fewer than two categories, gives ``testable=False``.

    Agrees with R's ``chisq.test(x, p = p)``: ?chisq.test's c(A = 20, B = 15, C = 25)
    gives X-squared = 2.5, df = 2, p = 0.2865, and x = c(89, 37, 30, 28, 2) with
    p = c(.40, .20, .20, .19, .01) gives 5.7947, df = 4, p = 0.215; the study's counts
    33, 43, 44, 39, 23 against equal shares give chi2(4) = 8.22, p = .084.
    """
    names = tuple(str(label) for label in labels)
    observed_arr = _observed(counts, names)
    k = len(names)
    n = int(observed_arr.sum())
    observed = tuple(int(x) for x in observed_arr)
    weights, source = _weights(names, expected)

    if n == 0 or k < 2:
        return GoodnessOfFit(
            testable=False,
            reason="no responses" if n == 0 else "needs at least two categories",
            labels=names,
            observed=observed,
            expected=tuple(math.nan for _ in names),
            expected_source=source,
            n=n,
            statistic=math.nan,
            df=None,
            p_value=math.nan,
            min_expected=math.nan,
        )

    exp = weights / weights.sum() * n
    # scipy.stats.chisquare's arithmetic (a test checks the two agree).
    statistic = float(((observed_arr - exp) ** 2 / exp).sum())
    return GoodnessOfFit(
        testable=True,
        reason=None,
        labels=names,
        observed=observed,
        expected=tuple(float(x) for x in exp),
        expected_source=source,
        n=n,
        statistic=statistic,
        df=k - 1,
        p_value=chi2_sf(statistic, k - 1),
        min_expected=float(exp.min()),
    )
