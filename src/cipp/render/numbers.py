"""How numbers look in tables: rounding happens here and nowhere else.

One number format throughout the readable outputs: counts and n with a thousands
separator ("2,400"), percentages and statistics with a decimal point. CSV and JSON keep
plain numbers (they never pass through here).
"""

from __future__ import annotations

import math

from cipp.model.instrument import COMPONENTS, UNASSIGNED

#: Each CIPP component as a heading names it; the items of a draft that has not given
#: them one come last, under their own heading.
COMPONENT_NAMES = {
    **{component: component.capitalize() for component in COMPONENTS},
    UNASSIGNED: "Not assigned to a CIPP component",
}


def missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(n: int | None) -> str:
    """A count or n as a reader sees it: '2,400' (an en dash when there is none)."""
    if n is None:
        return "–"
    return f"{n:,}"


def number(value: float | None, decimals: int = 2) -> str:
    """A rounded number, or an en dash when there is none."""
    if missing(value):
        return "–"
    return f"{value:.{decimals}f}"


def percent(value: float | None, decimals: int = 1) -> str:
    return number(value, decimals)


def n_percent(n: int, pct: float | None, decimals: int = 1) -> str:
    """The paper's cell: '3 (10.3)'."""
    return f"{count(n)} ({percent(pct, decimals)})"


def interval(low: float | None, high: float | None, decimals: int = 1) -> str:
    """'54.3–85.3' (an en dash between the ends); '–' when there is none."""
    if missing(low) or missing(high):
        return "–"
    return f"{number(low, decimals)}–{number(high, decimals)}"


def percent_ci(
    value: float | None, low: float | None, high: float | None, decimals: int = 1
) -> str:
    """'72.4 (54.3–85.3)': a percentage with its interval."""
    if missing(value):
        return "–"
    return f"{percent(value, decimals)} ({interval(low, high, decimals)})"


def confidence_label(confidence: float) -> str:
    """'95% CI'."""
    return f"{100 * confidence:g}% CI"


def mean_sd(mean: float | None, sd: float | None, decimals: int = 2) -> str:
    """'21.00 ± 3.12'."""
    if missing(mean):
        return "–"
    return f"{number(mean, decimals)} ± {number(sd, decimals)}"
