"""What cipp says in words: the sentences every format shares.

Statistics come in as records (cipp.model); the sentences are written here, once, so the
terminal, Markdown, HTML, Word and JSON say the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cipp.model.findings import MAGNITUDES, ComponentFinding, EffectSize
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
from cipp.render.apa import apa_chi_square, format_p, format_unit
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
                quoted(subject_of(t))
                + (f" ({'; '.join(map(driving_text, t.cells_driving))})" if t.cells_driving else "")
                for t in hits
            )
            sentences.append(
                f"{len(hits)} of {len(mine)} tests remained associated with "
                f"{what} after {method} adjustment: {named}."
            )
    sentences.append(
        f"{plural(summary.tests, 'test')} ran ({summary.not_testable} not testable"
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
    """'“Item” by gender: χ²(1, N = 182) = 6.10, p = .014, V = .18, adjusted p = 0.041'."""
    return (
        f"{quoted(test.text)} by {test.by_label.lower()}: {apa_chi_square(test.result)}, "
        f"adjusted p = {test.p_adjusted:.3f}"
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


#: How many of the largest effects a summary names, and how many driving cells per test.
NAMED_EFFECTS = 3
NAMED_CELLS = 2


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 answer', '2 answers', '1,200 answers' ('1 analysis', '2 analyses' with ``words``)."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def effect_text(effect: EffectSize) -> str:
    """'V = .21, medium' (the bias-corrected V when the tests used it)."""
    name = "bias-corrected V" if effect.test.result.bias_corrected else "V"
    return f"{name} = {format_unit(effect.v)}, {effect.magnitude}"


def _cells_text(effect: EffectSize) -> str:
    shown = [driving_text(cell) for cell in effect.cells[:NAMED_CELLS]]
    more = len(effect.cells) - NAMED_CELLS
    if more > 0:
        shown.append(f"and {plural(more, 'more cell')}")
    return "".join(f"; {text}" for text in shown)


def sample_size_sentence(effects: Sequence[EffectSize], *, brief: bool = False) -> str | None:
    """Why significant tests with a small or negligible effect say little: at their N a
    test finds even a small effect significant most of the time (None when no test is
    such; ``brief``: the short form a component's summary uses)."""
    alone = [e for e in effects if e.sample_size_alone]
    if not alone:
        return None
    significant = [e for e in effects if e.significant]
    n = max(e.n for e in alone)
    one = len(alone) == 1
    if len(alone) == len(significant):
        count = {1: "the one", 2: "both"}.get(len(alone), f"all {len(alone)}")
        which = (("it" if one else count) if brief else count) + (
            "" if brief else f" significant {'test' if one else 'tests'}"
        )
    else:
        which = f"{len(alone)} of " + (
            f"these {len(significant)}" if brief else f"the {len(significant)} significant tests"
        )
    verb = "is" if one else "are"
    effect = "a small or negligible effect" if one else "small or negligible effects"
    if brief:
        return f"At N = {n:,}, {which} {verb} {effect}, significant from the sample size alone."
    their = "its" if one else "their"
    return (
        f"With N = {n:,}, {which} {verb} {effect} (Cramér's V below Cohen's medium threshold "
        "for the table); at this N a test finds even a small effect (w = .10) significant at "
        f"least 80% of the time (Cohen, 1988), so {their} significance comes from the sample "
        "size alone."
    )


def what_tests_found(effects: Sequence[EffectSize], ran: bool, method: str) -> str:
    """What the tests of one component (or of a whole run) found, in one sentence: the
    significant ones largest effect first, each with its V and Cohen's name for it, then
    why the small ones are significant at a large n."""
    if not ran:
        return "No tests of association were run."
    if not effects:
        return "No test of association involved this component."
    counted = plural(len(effects), "test")
    after = f"after {adjustment_name(method)} adjustment"
    significant = [e for e in effects if e.significant]
    if not significant:
        groups = _either([e.test.by_label for e in sorted(effects, key=lambda e: e.position)])
        return f"No association with {groups} was significant {after} ({counted})."
    which = "; ".join(
        f"{quoted(subject_of(e.test))} by {e.test.by_label} ({effect_text(e)}; adjusted "
        f"{format_p(e.test.p_adjusted)}{_cells_text(e)})"
        for e in significant[:NAMED_EFFECTS]
    )
    sentence = (
        f"{len(significant)} of {counted} significant {after}, largest effect first: "
        f"{which}{_others(significant[NAMED_EFFECTS:])}."
    )
    alone = sample_size_sentence(effects, brief=True)
    return f"{sentence} {alone}" if alone else sentence


def _ranked_grouping(effects: Sequence[EffectSize], label: str, method: str) -> str:
    """One grouping's tests: how many survived adjustment, the largest effects named."""
    significant = [e for e in effects if e.significant]
    what = lower_first(label)
    if not significant:
        return (
            f"No item or component was associated with {what} after "
            f"{adjustment_name(method)} adjustment ({plural(len(effects), 'test')})."
        )
    named = ", ".join(
        f"{quoted(subject_of(e.test))} ({effect_text(e)})" for e in significant[:NAMED_EFFECTS]
    )
    return (
        f"{len(significant)} of {plural(len(effects), 'test')} associated with {what} after "
        f"{adjustment_name(method)} adjustment, largest effect first: "
        f"{named}{_others(significant[NAMED_EFFECTS:])}."
    )


def _others(rest: Sequence[EffectSize]) -> str:
    """'; the other 7: 2 medium, 5 small' (empty when none are left)."""
    if not rest:
        return ""
    counts = [
        plural(sum(e.magnitude == name for e in rest), name, name)
        for name in reversed(MAGNITUDES)
        if any(e.magnitude == name for e in rest)
    ]
    return f"; the other {len(rest)}: {', '.join(counts)}"


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
    """What the run's tests found overall: per grouping the significant tests, largest
    effect first (cipp.flow.findings ranks them), why small effects are significant at a
    large n, and last the counts (one sentence when no tests ran)."""
    summary = results.association_summary
    effects = results.findings.effects
    if summary is None:
        return (what_tests_found(effects, bool(results.associations), "bh"),)
    sentences = [
        _ranked_grouping([e for e in effects if e.test.by == by], label, summary.adjust)
        for by, label in zip(summary.by, summary.by_labels, strict=True)
    ]
    alone = sample_size_sentence(effects)
    if alone:
        sentences.append(alone)
    sentences.append(association_sentences(summary, results.associations)[-1])
    return tuple(sentences)


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
    if not results.coders:
        return "No inter-coder agreement: no coded focus-group segments were given."
    count = _NUMBER_WORDS.get(len(results.coders), str(len(results.coders)))
    kappa = _two_decimals(results.pooled.kappa)
    alpha = _two_decimals(results.pooled.alpha)
    verb = "disagreement was" if results.disagreements == 1 else "disagreements were"
    name = "kappa" if results.kappa_statistic == "cohen" else "Fleiss' kappa"
    return (
        f"{count} coders independently coded {results.units} units; pooled {name} = {kappa}, "
        f"alpha = {alpha}; {results.disagreements} {verb} resolved by a third researcher."
    )
