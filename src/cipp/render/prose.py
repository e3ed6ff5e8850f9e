"""What cipp says in words: the sentences every format shares.

Statistics come in as records (cipp.model); the sentences are written here, once, so the
terminal, Markdown, HTML, Word and JSON say the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cipp.model.findings import ComponentFinding
from cipp.model.qualitative import AgreementResults
from cipp.model.results import (
    AssociationSummary,
    AssociationTest,
    CellDriving,
    ItemSummary,
    Results,
)
from cipp.model.tests import ADJUST_METHODS, ContingencyResult
from cipp.model.trends import Trends
from cipp.render.apa import apa_chi_square, format_p
from cipp.render.numbers import COMPONENT_NAMES, confidence_label, percent


def adjustment_name(method: str) -> str:
    """'Benjamini-Hochberg' for 'bh' (the method's own name when it has no other)."""
    return ADJUST_METHODS.get(method, method)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def association_sentences(
    summary: AssociationSummary, tests: tuple[AssociationTest, ...]
) -> tuple[str, ...]:
    """One sentence per grouping (what survived adjustment), then one over all tests."""
    method = adjustment_name(summary.adjust)
    testable = [t for t in tests if t.result.testable]
    sentences = []
    for by, label in zip(summary.by, summary.by_labels, strict=True):
        mine = [t for t in testable if t.by == by]
        hits = [t for t in mine if t.significant_adjusted]
        what = lower_first(label)
        if not hits:
            sentences.append(
                f"No item or component was associated with {what} after "
                f"{method} adjustment ({len(mine)} tests)."
            )
        else:
            named = ", ".join(
                t.text
                + (f" ({'; '.join(map(driving_text, t.cells_driving))})" if t.cells_driving else "")
                for t in hits
            )
            sentences.append(
                f"{len(hits)} of {len(mine)} tests remained associated with "
                f"{what} after {method} adjustment: {named}."
            )
    sentences.append(
        f"{summary.tests} tests ran ({summary.not_testable} not testable"
        + (
            f", {summary.suppressed} withheld under disclosure control"
            if summary.suppressed
            else ""
        )
        + "); "
        f"{summary.significant} had p < {summary.alpha:g} before and "
        f"{summary.significant_adjusted} after {method} adjustment."
    )
    return tuple(sentences)


def trend_rule(trends: Trends) -> str:
    """How a batch calls a change a rise or a fall, and what the test adds."""
    practical = (
        f" and the change is at least {trends.min_change:g} percentage points"
        if trends.min_change is not None
        else ""
    )
    return (
        "▲ rise / ▼ fall when the interval of the change in % positive (Newcombe's hybrid "
        f"score, {confidence_label(trends.confidence)}) from the first wave with answers to "
        f"the last excludes 0{practical}, steady otherwise; the same marks on each change "
        "from one wave to the next. The test across all waves is the p beside it "
        f"({adjustment_name(trends.adjust)}-adjusted p < {trends.alpha:g})."
    )


def significant_test_line(test: AssociationTest) -> str:
    """'Item by gender: χ²(1, N = 182) = 6.10, p = .014, V = .18, adjusted p = 0.041'."""
    return (
        f"{test.text} by {test.by_label.lower()}: {apa_chi_square(test.result)}, adjusted p = "
        f"{test.p_adjusted:.3f}"
    )


def quoted(text: str) -> str:
    """An item's text verbatim in curly quotes, so its own full stop does not end our sentence."""
    return f"\u201c{text}\u201d"


def positive_share(item: ItemSummary, decimals: int = 1) -> str:
    """'66.5% Agree': the item's positive share and what counts as positive."""
    return f"{percent(item.positive_percent, decimals)}% {item.positive_label}"


def _either(words: Sequence[str]) -> str:
    words = list(dict.fromkeys(w for w in words if w))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def subject_of(test: AssociationTest) -> str:
    """What a test is about: the item's text, or 'Context (positive share)'."""
    if test.level == "component":
        return f"{COMPONENT_NAMES[test.component]} (positive share)"
    return test.text


def what_tests_found(tests: Sequence[AssociationTest], ran: bool, method: str) -> str:
    """What the tests of one component (or of a whole run) found, in one sentence."""
    if not ran:
        return "No tests of association were run."
    if not tests:
        return "No test of association involved this component."
    counted = "test" if len(tests) == 1 else "tests"
    after = f"after {adjustment_name(method)} adjustment"
    significant = [t for t in tests if t.significant_adjusted]
    if not significant:
        return (
            f"No association with {_either([t.by_label for t in tests])} was significant "
            f"{after} ({len(tests)} {counted})."
        )
    which = "; ".join(
        f"{quoted(subject_of(t))} by {t.by_label} (adjusted {format_p(t.p_adjusted)}"
        + "".join(f"; {driving_text(cell)}" for cell in t.cells_driving)
        + ")"
        for t in significant
    )
    return f"{len(significant)} of {len(tests)} {counted} significant {after}: {which}."


def driving_text(cell: CellDriving) -> str:
    """'Year 1: “Disagree” more often than expected (adjusted residual 3.21)'."""
    how = "more" if cell.residual > 0 else "less"
    return (
        f"{cell.column}: {quoted(cell.row)} {how} often than expected "
        f"(adjusted residual {cell.residual:.2f})"
    )


def strongest_weakest(
    results: Results, finding: ComponentFinding, decimals: int = 1
) -> tuple[str, ...]:
    """The component's strongest and weakest item by positive share, in words."""
    if finding.strongest is None or finding.weakest is None:
        return ("No valid answers to this component's items.",)
    strongest, weakest = results.item(finding.strongest), results.item(finding.weakest)
    if len(finding.items) == 1:
        return (f"One item: {quoted(strongest.text)} ({positive_share(strongest, decimals)}).",)
    return (
        f"Strongest: {quoted(strongest.text)} ({positive_share(strongest, decimals)}).",
        f"Weakest: {quoted(weakest.text)} ({positive_share(weakest, decimals)}).",
    )


def overall_sentences(results: Results) -> tuple[str, ...]:
    """What the run's tests found overall (one sentence when none ran)."""
    summary = results.association_summary
    if summary is not None:
        return association_sentences(summary, results.associations)
    testable = [t for t in results.associations if t.result.testable]
    return (what_tests_found(testable, bool(results.associations), "bh"),)


def expected_note(result: ContingencyResult) -> str | None:
    """SPSS's footnote on expected counts: "2 cells (33.3%) have expected count less than
    5. The minimum expected count is 1.23." (None for a table that was not tested)."""
    if not result.testable or result.cells_expected_below_5 is None:
        return None
    below = result.cells_expected_below_5
    share = 100.0 * below / (len(result.row_labels) * len(result.col_labels))
    return (
        f"{below} cells ({share:.1f}%) have expected count less than 5. "
        f"The minimum expected count is {result.min_expected:.2f}."
    )


def chosen_test_reason(result: ContingencyResult) -> str | None:
    """Which test a table's conclusion relies on and the rule that chose it: "Fisher's
    exact test (exact): 4 of 4 cells (100.0%) expect fewer than 5" (None for a table that
    was not tested)."""
    if not result.testable:
        return None
    cells = len(result.row_labels) * len(result.col_labels)
    small = (
        f"{result.cells_expected_below_5} of {cells} cells "
        f"({100.0 * result.share_expected_below_5:.1f}%)"
    )
    if result.test_used != "fisher exact":
        if not result.cells_expected_below_5:
            return "Pearson chi-square: every cell expects at least 5"
        return (
            f"Pearson chi-square: {small} expect fewer than 5, within the 20% rule, "
            "and none fewer than 1"
        )
    if result.exact_method == "monte carlo":
        how = (
            f"Monte Carlo, {result.exact_resamples} resamples, seed {result.exact_seed}; "
            "too many tables to enumerate"
        )
    elif len(result.row_labels) == 2 and len(result.col_labels) == 2:
        how = "exact"
    else:
        how = "exact, Freeman-Halton"
    why = f"{small} expect fewer than 5"
    if result.any_expected_below_1:
        why += f" and the minimum expected count is {result.min_expected:.2f} (below 1)"
    return f"Fisher's exact test ({how}): {why}"


def contingency_notes(result: ContingencyResult) -> tuple[str, ...]:
    """The notes of a tested table: the rows and columns left out because nobody was in
    them, and why a table was not testable."""
    notes = []
    if result.dropped_rows:
        notes.append(
            "Rows with no responses were left out: " + ", ".join(result.dropped_rows) + "."
        )
    if result.dropped_cols:
        notes.append(
            "Columns with no responses were left out: " + ", ".join(result.dropped_cols) + "."
        )
    if not result.testable:
        notes.append(f"Not testable: {result.reason}.")
    return tuple(notes)


_NUMBER_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six"}


def _two_decimals(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def agreement_methods(results: AgreementResults) -> str:
    """The methods sentence of inter-coder agreement for the paper (two decimals)."""
    count = _NUMBER_WORDS.get(len(results.coders), str(len(results.coders)))
    kappa = _two_decimals(results.pooled.kappa)
    alpha = _two_decimals(results.pooled.alpha)
    verb = "disagreement was" if results.disagreements == 1 else "disagreements were"
    name = "kappa" if results.kappa_statistic == "cohen" else "Fleiss' kappa"
    return (
        f"{count} coders independently coded {results.units} units; pooled {name} = {kappa}, "
        f"alpha = {alpha}; {results.disagreements} {verb} resolved by a third researcher."
    )
