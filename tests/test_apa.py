"""APA lines for association results: golden strings for published examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cipp.render.apa import (
    apa_chi_square,
    apa_goodness_of_fit,
    apa_linear_by_linear,
    format_p,
    format_unit,
)
from cipp.stats import fisher
from cipp.stats.contingency import test_contingency
from cipp.stats.goodness_of_fit import goodness_of_fit


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.5213, "p = .52"),
        (0.10, "p = .10"),
        (0.0839, "p = .084"),
        (0.0312, "p = .031"),
        (0.0042, "p = .004"),
        (0.001, "p = .001"),
        (0.000999, "p < .001"),
        (2.954e-07, "p < .001"),
        (0.04996, "p = .04996"),  # never ".050" for a p below .05
        (0.0496, "p = .0496"),
        (0.996, "p > .99"),
        (1.0, "p > .99"),
        (math.nan, "p = n/a"),
    ],
)
def test_format_p(p, text):
    assert format_p(p) == text


def test_format_unit_has_no_leading_zero():
    assert format_unit(0.0904) == ".09"
    assert format_unit(-0.414) == "-.41"
    assert format_unit(1.0) == "1.00"


def test_pearson_line_agresti():
    # R ?chisq.test (Agresti 2007 p. 39): X-squared = 30.07, df = 2, p-value = 2.954e-07
    res = test_contingency(
        [[762, 327, 468], [484, 239, 477]], row_labels=["F", "M"], col_labels=["D", "I", "R"]
    )
    assert apa_chi_square(res) == "χ²(2, N = 2,757) = 30.07, p < .001, V = .10"
    corrected = test_contingency(
        [[762, 327, 468], [484, 239, 477]],
        row_labels=["F", "M"],
        col_labels=["D", "I", "R"],
        bias_corrected=True,
    )
    assert apa_chi_square(corrected) == (
        "χ²(2, N = 2,757) = 30.07, p < .001, bias-corrected V = .10"
    )


def test_fisher_line_tea_tasting():
    # R ?fisher.test TeaTasting: two-sided p-value = 0.4857
    res = test_contingency([[3, 1], [1, 3]], row_labels=["M", "T"], col_labels=["M", "T"])
    assert apa_chi_square(res) == "Fisher's exact test, N = 8, p = .49, V = .50"


def test_fisher_line_sparse_2x2():
    res = test_contingency([[7, 2], [2, 7]], row_labels=["a", "b"], col_labels=["x", "y"])
    assert apa_chi_square(res) == "Fisher's exact test, N = 18, p = .057, V = .56"


def test_fisher_line_monte_carlo(monkeypatch):
    monkeypatch.setattr(fisher, "EXACT_MAX_STEPS", 10)
    table = np.array([[1, 0, 2], [2, 3, 0], [0, 1, 4]])
    res = test_contingency(table, row_labels=list("abc"), col_labels=list("xyz"))
    assert res.exact_method == "monte carlo"
    line = apa_chi_square(res)
    assert line.startswith("Fisher's exact test (Monte Carlo, 10,000 resamples), N = 13, p = ")


def test_linear_by_linear_line_agresti():
    # Agresti (2007) Sec. 2.5.3: M^2 = 6.57, P = 0.01 with scores 0, 0.5, 1.5, 4, 7.
    res = test_contingency(
        [[17066, 14464, 788, 126, 37], [48, 38, 5, 1, 1]],
        row_labels=["absent", "present"],
        col_labels=["0", "<1", "1-2", "3-5", ">=6"],
        ordinal=True,
        col_scores=[0, 0.5, 1.5, 4, 7],
    )
    assert apa_linear_by_linear(res) == "linear-by-linear χ²(1, N = 32,574) = 6.57, p = .010"
    plain = test_contingency([[5, 6], [7, 8]], row_labels=["a", "b"], col_labels=["x", "y"])
    assert apa_linear_by_linear(plain) == "linear-by-linear: not computed"


def test_goodness_of_fit_line_study():
    gof = goodness_of_fit([33, 43, 44, 39, 23], ["SD", "D", "N", "A", "SA"])
    assert apa_goodness_of_fit(gof) == "χ²(4, N = 182) = 8.22, p = .084"


def test_not_testable_lines():
    res = test_contingency([[0, 0], [4, 6]], row_labels=["a", "b"], col_labels=["x", "y"])
    assert apa_chi_square(res) == f"not testable ({res.reason})"
    assert apa_linear_by_linear(res).startswith("not testable (")
    gof = goodness_of_fit([0, 0], ["a", "b"])
    assert apa_goodness_of_fit(gof) == "not testable (no responses)"
