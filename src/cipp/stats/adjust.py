"""Adjusting a family of p-values for multiple testing (the methods of
cipp.model.tests.ADJUST_METHODS)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from cipp.model.errors import CippError, DataError, option
from cipp.model.tests import ADJUST_METHODS

__all__ = ["adjust_pvalues"]


def _bh(family: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Benjamini-Hochberg: p_(i) * m / i, made monotone from the largest down and capped
    at 1, in the arithmetic of ``scipy.stats.false_discovery_control(method="bh")``."""
    m = family.size
    if m <= 1:
        return family.copy()
    order = np.argsort(family)
    stepped = family[order] * (m / np.arange(1, m + 1, dtype=np.float64))
    np.minimum.accumulate(stepped[::-1], out=stepped[::-1])
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return np.clip(adjusted, 0.0, 1.0)


def _holm(family: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Holm's step-down: p_(i) * (m - i + 1), made monotone and capped at 1."""
    m = family.size
    order = np.argsort(family, kind="stable")
    stepped = np.maximum.accumulate(family[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted


def adjust_pvalues(pvalues: Sequence[float | None], method: str = "bh") -> list[float]:
    """Adjust a family of p-values: Benjamini-Hochberg ("bh") or Holm ("holm").

    ``method`` is one of ADJUST_METHODS (in any case). NaN or None (a test that was not
    testable) stays NaN and is left out of the family, so m counts only the real tests.
    BH is p_(i) * m / i made monotone, as ``scipy.stats.false_discovery_control``
    computes it (a test checks the two agree); Holm's step-down is
    p_(i) * (m - i + 1), made monotone and capped at 1. Both agree with statsmodels'
    ``multipletests`` (methods "fdr_bh" and "holm") and R's ``p.adjust``.
    """
    key = method.lower()
    if key not in ADJUST_METHODS:
        raise CippError(
            f"p-value adjustment: unknown method {option('method', repr(method))}; "
            f"use one of {', '.join(ADJUST_METHODS)}"
        )
    values = np.array([math.nan if p is None else float(p) for p in pvalues], dtype=float)
    present = ~np.isnan(values)
    family = values[present]
    if np.any((family < 0) | (family > 1)):
        raise DataError("p-value adjustment: p-values must lie between 0 and 1")
    out = np.full(values.shape, math.nan)
    if family.size:
        if key == "bh":
            out[present] = _bh(family)
        else:
            out[present] = _holm(family)
    return [float(x) for x in out]
