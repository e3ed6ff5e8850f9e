"""Results of statistical tests: frozen records with stable lowercase field names.

Numbers are unrounded; floats that do not apply are NaN, integers and strings that do not
apply are None. The functions that fill them live in cipp.stats; the JSON serializer in
cipp.render.json.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The adjustments for multiple testing, by the name a caller passes, and as a paper
#: names them.
ADJUST_METHODS = {"bh": "Benjamini-Hochberg", "holm": "Holm"}


@dataclass(frozen=True)
class ChiSquare:
    """Pearson chi-square of an R x C table without continuity correction (see
    ``pearson_chi_square``); ``p_yates`` is Yates' corrected p of a 2 x 2 table, else NaN;
    ``expected`` holds the expected counts under independence, row by row."""

    statistic: float
    df: int
    p_value: float
    p_yates: float
    expected: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class ExpectedCheck:
    """Cochran's rule, as SPSS applies it, on a table's expected counts (see
    ``check_expected``): how many of the ``cells`` expect fewer than 5, their share, the
    smallest expected count, and which of the two rules that call for an exact test fired."""

    cells: int
    below_5: int
    share_below_5: float
    min_expected: float
    many_below_5: bool  # more than 20% of the cells expect fewer than 5
    any_below_1: bool  # some cell expects fewer than 1

    @property
    def calls_for_exact(self) -> bool:
        """Whether either rule fired, so that Fisher's exact test decides."""
        return self.many_below_5 or self.any_below_1


@dataclass(frozen=True)
class ExactTest:
    """Fisher's exact test of one table: enumerated (``method="exact"``) or simulated
    (``method="monte carlo"``, with the ``resamples`` and ``seed`` that reproduce it)."""

    p_value: float
    method: str  # "exact" | "monte carlo"
    resamples: int | None = None
    seed: int | None = None


@dataclass(frozen=True)
class ChosenTest:
    """The test a table's conclusion relies on (see ``choose_test``): ``test_used`` is
    "pearson chi-square" or "fisher exact"; ``check`` is the expected-count check that
    chose it; ``exact`` is Fisher's test when it was run."""

    test_used: str
    check: ExpectedCheck
    exact: ExactTest | None


@dataclass(frozen=True)
class ContingencyResult:
    """The tests of independence of one R x C table (see ``test_contingency``).

    Floats that do not apply are NaN (``None`` in JSON); integers and strings that do not
    apply are ``None``. ``table``, ``expected``, ``row_labels`` and ``col_labels`` describe
    the table that was tested, after dropping all-zero rows and columns; the dropped labels
    are in ``dropped_rows`` and ``dropped_cols`` (their counts were zero). ``reason`` says,
    in a few words, why a table was not testable. The sentences about a result (SPSS's
    expected-count footnote, why a test was used, the notes) are written from these facts
    in cipp.render.prose.
    """

    testable: bool
    reason: str | None
    n: int
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    dropped_rows: tuple[str, ...]
    dropped_cols: tuple[str, ...]
    # Pearson chi-square without continuity correction; Yates' p for 2 x 2 tables only.
    statistic: float
    df: int | None
    p_value: float
    p_yates: float
    # Expected counts under independence, and which rule of Cochran's fired (either one
    # calls for Fisher's exact test; both False when the table was not testable).
    expected: tuple[tuple[float, ...], ...]
    min_expected: float
    cells_expected_below_5: int | None
    share_expected_below_5: float
    many_expected_below_5: bool  # more than 20% of the cells expect fewer than 5
    any_expected_below_1: bool  # some cell expects fewer than 1
    # Fisher's exact test, computed only when the expected counts call for it.
    p_exact: float
    exact_method: str | None  # "exact" | "monte carlo" | None
    exact_resamples: int | None
    exact_seed: int | None
    # Which test the conclusion relies on (why: the two rules above).
    test_used: str | None  # "pearson chi-square" | "fisher exact" | None
    # Effect size: Cramer's V; Bergsma's bias-corrected V only when asked for.
    cramers_v: float
    cramers_v_corrected: float
    bias_corrected: bool
    # Linear-by-linear association (Mantel-Haenszel M^2, df 1) only when ordinal=True.
    ordinal: bool
    row_scores: tuple[float, ...] | None
    col_scores: tuple[float, ...] | None
    linear_by_linear: float
    p_linear_by_linear: float
    #: Adjusted standardised residuals, one per cell of ``table`` (empty when not tested).
    residuals: tuple[tuple[float, ...], ...] = ()

    @property
    def p_value_used(self) -> float:
        """The p the conclusion relies on: Fisher's p if it was computed, else chi-square's."""
        if not math.isnan(self.p_exact):
            return self.p_exact
        return self.p_value

    @property
    def effect_size(self) -> float:
        """The V to report: bias-corrected when ``bias_corrected=True``, else plain V."""
        return self.cramers_v_corrected if self.bias_corrected else self.cramers_v


@dataclass(frozen=True)
class GoodnessOfFit:
    """Chi-square goodness of fit of one item's counts (see ``goodness_of_fit``)."""

    testable: bool
    reason: str | None
    labels: tuple[str, ...]
    observed: tuple[int, ...]
    expected: tuple[float, ...]
    expected_source: str  # "equal shares" | "given shares" | "given counts or weights"
    n: int
    statistic: float
    df: int | None
    p_value: float
    min_expected: float


@dataclass(frozen=True)
class SampleSize:
    """Inputs and result of ``sample_size_proportion``; all numbers unrounded except n's.

    ``population`` is None for an infinite population. When the calculation started from
    a known ``base_n``, ``z`` and ``n_unrounded`` are None and ``n_rounded`` is ``base_n``.
    """

    population: float | None
    margin: float
    confidence: float
    proportion: float
    design_effect: float
    nonresponse: float
    base_n: int | None
    z: float | None
    n_unrounded: float | None
    n_rounded: int
    n_with_nonresponse: int
    formula: str
