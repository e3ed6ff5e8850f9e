"""What the Word and HTML reports say in words: per CIPP component, the strongest and
weakest item by positive share, and what the association tests found.

Nothing is computed here that is not already in Results: shares are the items'
``positive_percent``; test results are read from ``results.associations`` (the records
of the association issue: ``item``, ``by``, ``p_adjusted``, ``p_value``...) or, when an
analysis carries none, from association tables passed to a renderer as TextTables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cipp.describe import ItemSummary
from cipp.instrument import COMPONENTS
from cipp.render.numbers import COMPONENT_NAMES, percent
from cipp.render.tabular import TextTable
from cipp.results import Results

ALPHA = 0.05


@dataclass(frozen=True)
class Test:
    """One association test as the summary needs it."""

    subject: str  # item text, or a component's name for a component-level test
    component: str | None
    by: str
    p: float | None
    adjusted: bool

    @property
    def significant(self) -> bool:
        return self.p is not None and self.p < ALPHA


@dataclass(frozen=True)
class ComponentFinding:
    """One CIPP component's headline: strongest and weakest item, and its tests."""

    component: str
    name: str
    items: tuple[ItemSummary, ...]
    strongest: ItemSummary | None
    weakest: ItemSummary | None
    tests: tuple[Test, ...] = field(default=())


def share(summary: ItemSummary, decimals: int = 1) -> str:
    """'66.5% Agree': the item's positive share and what counts as positive."""
    return f"{percent(summary.positive_percent, decimals)}% {summary.positive_label}"


def apa_p(p: float | None) -> str:
    """p as APA writes it: no leading zero, three decimals, '< .001' below that."""
    if p is None or math.isnan(p):
        return "–"
    if p < 0.001:
        return "< .001"
    text = f"{p:.3f}"
    return text[1:] if text.startswith("0") else text


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _record(association: Any) -> Mapping[str, Any]:
    if isinstance(association, Mapping):
        record = dict(association)
    elif hasattr(association, "to_dict"):
        record = dict(association.to_dict())
    else:
        record = dict(vars(association))
    # A record may carry its test as a nested result; its keys fill in the gaps.
    nested = record.get("result")
    if isinstance(nested, Mapping):
        record = {**nested, **{k: v for k, v in record.items() if v is not None}}
    return record


def _component_of(results: Results, subject: str) -> tuple[str, str | None]:
    """(display text, component) for an association's item: an item id or text, or a
    component (``context``, ``component:context``, ``Context (positive share)``)."""
    for summary in results.items:
        if subject in (summary.id, summary.text):
            return summary.text, summary.component
    key = subject.split(":")[-1].strip().casefold()
    for component in COMPONENTS:
        if key == component or key.startswith(component + " ") or key.startswith(component + "_"):
            return COMPONENT_NAMES[component], component
    return subject, None


def tests_from_results(results: Results) -> list[Test]:
    tests = []
    for association in results.associations:
        record = _record(association)
        if record.get("testable") is False:
            continue
        subject = str(record.get("item") or record.get("subject") or "")
        text, component = _component_of(results, subject)
        adjusted = _number(record.get("p_adjusted"))
        used = next(
            (
                value
                for key in ("p_value_used", "p_exact", "p_value")
                if (value := _number(record.get(key))) is not None
            ),
            None,
        )
        by = str(record.get("by_label") or record.get("by") or "")
        by_label = next((d.label for d in results.demographics if d.id == by), by)
        tests.append(
            Test(
                subject=text,
                component=component,
                by=by_label,
                p=adjusted if adjusted is not None else used,
                adjusted=adjusted is not None,
            )
        )
    return tests


_P_CELL = re.compile(r"^\s*([<>≤≥]?)\s*(\d*\.?\d+(?:[eE]-?\d+)?)")


def parse_p(cell: str) -> float | None:
    """A p value as a table prints it ('.034', '0.034', '< .001', '.012*'); None for '–'."""
    match = _P_CELL.match(cell.replace("\u2009", " ").strip())
    if not match:
        return None
    value = float(match.group(2))
    # "< .001" is below its bound: any number under the bound decides significance alike.
    return value / 2 if match.group(1) in ("<", "≤") else value


def _p_column(header: Sequence[str]) -> tuple[int | None, bool]:
    lowered = [h.casefold().strip() for h in header]
    for index, head in enumerate(lowered):
        if ("adj" in head and "p" in head) or head in ("q", "q value", "fdr"):
            return index, True
    for index, head in enumerate(lowered):
        if head in ("p", "p value", "p-value", "sig.", "p (exact)") or head.startswith("p "):
            return index, False
    return None, False


_BY_HEADS = ("by", "grouping", "group", "grouping variable", "variable", "demographic")


def tests_from_tables(results: Results, tables: Iterable[TextTable]) -> list[Test]:
    """Association tests read back from rendered tables (when Results carries none).

    A table counts when it has a p column (an adjusted one preferred); the row's first
    cell is the item (or component), the grouping variable comes from a 'By' column, the
    last one-cell heading row above, or else the caption.
    """
    tests = []
    for table in tables:
        column, adjusted = _p_column(table.header)
        if column is None:
            continue
        lowered = [h.casefold().strip() for h in table.header]
        by_column = next((i for i, h in enumerate(lowered) if h in _BY_HEADS), None)
        heading = table.caption
        for row in table.rows:
            if len(row) == 1:
                heading = row[0]
                continue
            if len(row) <= column:
                continue
            text, component = _component_of(results, row[0])
            by = row[by_column] if by_column is not None and by_column < len(row) else heading
            tests.append(Test(text, component, by, parse_p(row[column]), adjusted))
    return tests


def collect_tests(results: Results, extra: Iterable[TextTable] = ()) -> tuple[list[Test], bool]:
    """The run's tests and whether any were run at all."""
    tests = tests_from_results(results)
    if not tests:
        tests = tests_from_tables(results, extra)
    ran = bool(tests) or bool(results.associations)
    return tests, ran


def component_findings(results: Results, extra: Iterable[TextTable] = ()) -> list[ComponentFinding]:
    """One finding per CIPP component that has items, in the CIPP order.

    Strongest and weakest compare ``positive_percent`` (Agree, Good or better, Yes, or the
    favourable answer of a reverse-keyed item); ties keep the instrument's order.
    """
    tests, _ = collect_tests(results, extra)
    findings = []
    for component in COMPONENTS:
        items = tuple(s for s in results.items if s.component == component)
        if not items:
            continue
        rated = [s for s in items if not math.isnan(s.positive_percent)]
        strongest = max(rated, key=lambda s: s.positive_percent) if rated else None
        weakest = min(rated, key=lambda s: s.positive_percent) if rated else None
        findings.append(
            ComponentFinding(
                component=component,
                name=COMPONENT_NAMES[component],
                items=items,
                strongest=strongest,
                weakest=weakest,
                tests=tuple(t for t in tests if t.component == component),
            )
        )
    return findings


def _join(words: Sequence[str]) -> str:
    words = list(dict.fromkeys(w for w in words if w))
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def tests_sentence(tests: Sequence[Test], ran: bool) -> str:
    """What the tests of one component (or of the whole run) found, in one sentence."""
    if not ran:
        return "No tests of association were run."
    if not tests:
        return "No test of association involved this component."
    counted = "test" if len(tests) == 1 else "tests"
    adjusted = all(t.adjusted for t in tests)
    after = "after adjustment for multiple testing" if adjusted else "at p < .05"
    significant = [t for t in tests if t.significant]
    if not significant:
        return (
            f"No association with {_join([t.by for t in tests])} was significant "
            f"{after} ({len(tests)} {counted})."
        )
    which = "; ".join(
        f"{t.subject} by {t.by} ({'adjusted ' if t.adjusted else ''}p {_p_phrase(t.p)})"
        for t in significant
    )
    return f"{len(significant)} of {len(tests)} {counted} significant {after}: {which}."


def _p_phrase(p: float | None) -> str:
    text = apa_p(p)
    return text if text.startswith("<") else f"= {text}"


def strongest_weakest_sentences(finding: ComponentFinding, decimals: int = 1) -> list[str]:
    if finding.strongest is None or finding.weakest is None:
        return ["No valid answers to this component's items."]
    if len(finding.items) == 1:
        return [f"One item: {finding.strongest.text} ({share(finding.strongest, decimals)})."]
    return [
        f"Strongest: {finding.strongest.text} ({share(finding.strongest, decimals)}).",
        f"Weakest: {finding.weakest.text} ({share(finding.weakest, decimals)}).",
    ]
