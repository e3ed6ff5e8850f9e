"""Test results as APA (7th ed.) lines: "χ²(4, N = 182) = 3.21, p = .52, V = .09".

Rounding happens here and nowhere else. The rules (APA 7, sections 6.36 and 6.40):

* test statistics with 2 decimals; N with a thousands separator ("N = 2,757");
* p exactly, without a leading zero: 2 decimals from .10 up ("p = .52"), 3 decimals below
  .10 ("p = .084", "p = .031", "p = .004"), and "p < .001" below .001. A p below .05 is
  never printed as ".050": more decimals are shown instead ("p = .0499"). A p that would
  print as 1.00 is written "p > .99";
* statistics that cannot exceed 1 (Cramér's V) without a leading zero, 2 decimals.

A result that could not be tested renders as "not testable (reason)".
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "apa_chi_square",
    "apa_goodness_of_fit",
    "apa_linear_by_linear",
    "format_p",
    "format_unit",
]


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def format_unit(value: float, decimals: int = 2) -> str:
    """A number bounded by 1 in APA style, without the leading zero: .09, -.41, 1.00."""
    text = f"{value:.{decimals}f}"
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def format_p(p: float) -> str:
    """'p = .52', 'p = .084', 'p < .001' or 'p > .99' (see the module docstring)."""
    if _missing(p):
        return "p = n/a"
    if p < 0.001:
        return "p < .001"
    decimals = 2 if p >= 0.10 else 3
    if round(p, decimals) >= 1.0:
        return "p > .99"
    # Do not let rounding carry a p below .05 up to the threshold.
    while p < 0.05 <= round(p, decimals) and decimals < 6:
        decimals += 1
    return f"p = {format_unit(p, decimals)}"


def _n(n: int) -> str:
    return f"N = {n:,}"


def _effect(result: Any) -> str:
    corrected = bool(getattr(result, "bias_corrected", False))
    value = result.cramers_v_corrected if corrected else result.cramers_v
    if _missing(value):
        return ""
    name = "bias-corrected V" if corrected else "V"
    return f", {name} = {format_unit(value)}"


def _not_testable(result: Any) -> str | None:
    if getattr(result, "testable", True):
        return None
    return f"not testable ({result.reason})"


def apa_chi_square(result: Any) -> str:
    """One APA line for a ``ContingencyResult``, naming the test its conclusion relies on.

    Pearson: "χ²(4, N = 182) = 3.21, p = .52, V = .09". Fisher's exact test:
    "Fisher's exact test, N = 40, p = .031, V = .41", or with "(Monte Carlo, 10,000
    resamples)" after "test" when the p was simulated. V is the bias-corrected one when
    the test was run with ``bias_corrected=True``.
    """
    skipped = _not_testable(result)
    if skipped is not None:
        return skipped
    if result.test_used == "fisher exact":
        how = ""
        if result.exact_method == "monte carlo":
            how = f" (Monte Carlo, {result.exact_resamples:,} resamples)"
        return f"Fisher's exact test{how}, {_n(result.n)}, {format_p(result.p_exact)}" + _effect(
            result
        )
    return (
        f"χ²({result.df}, {_n(result.n)}) = {result.statistic:.2f}, {format_p(result.p_value)}"
        + _effect(result)
    )


def apa_linear_by_linear(result: Any) -> str:
    """The trend test of an ordinal ``ContingencyResult``: "linear-by-linear χ²(1, N = 182)
    = 4.12, p = .042"; "not computed" when the test was run without ``ordinal=True``."""
    skipped = _not_testable(result)
    if skipped is not None:
        return skipped
    if _missing(result.linear_by_linear):
        return "linear-by-linear: not computed"
    return (
        f"linear-by-linear χ²(1, {_n(result.n)}) = {result.linear_by_linear:.2f}, "
        f"{format_p(result.p_linear_by_linear)}"
    )


def apa_goodness_of_fit(gof: Any) -> str:
    """One APA line for a ``GoodnessOfFit``: "χ²(4, N = 182) = 8.22, p = .084"."""
    skipped = _not_testable(gof)
    if skipped is not None:
        return skipped
    return f"χ²({gof.df}, {_n(gof.n)}) = {gof.statistic:.2f}, {format_p(gof.p_value)}"
