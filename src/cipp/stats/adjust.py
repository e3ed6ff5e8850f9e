"""Adjusting a family of p-values for multiple testing (the methods of
cipp.model.tests.ADJUST_METHODS)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import stats

from cipp.model.errors import CippError, DataError, option
from cipp.model.tests import ADJUST_METHODS

__all__ = ["adjust_pvalues"]


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
    BH uses ``scipy.stats.false_discovery_control``; Holm's step-down is
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
            out[present] = stats.false_discovery_control(family, method="bh")
        else:
            out[present] = _holm(family)
    return [float(x) for x in out]
