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

from cipp.model.instrument import COMPONENTS
from cipp.model.results import AssociationTest, Results
from cipp.render.apa import format_p
from cipp.render.numbers import COMPONENT_NAMES, percent
from cipp.render.prose import association_sentences
from cipp.render.tabular import (
    TextTable,
    association_tables,
    breakdown_tables,
    participation_table,
)
from cipp.stats.describe import ItemSummary

ALPHA = 0.05


@dataclass(frozen=True)
class AssociationFinding:
    """One association test as the summary needs it."""

    subject: str  # item text, or a component's name for a component-level test
    component: str | None
    by: str
    p: float | None
    adjusted: bool
    flagged: bool | None = None  # the record's own verdict, when it carries one

    @property
    def significant(self) -> bool:
        if self.flagged is not None:
            return self.flagged
        return self.p is not None and self.p < ALPHA


@dataclass(frozen=True)
class ComponentFinding:
    """One CIPP component's headline: strongest and weakest item, and its tests."""

    component: str
    name: str
    items: tuple[ItemSummary, ...]
    strongest: ItemSummary | None
    weakest: ItemSummary | None
    tests: tuple[AssociationFinding, ...] = field(default=())


def share(summary: ItemSummary, decimals: int = 1) -> str:
    """'66.5% Agree': the item's positive share and what counts as positive."""
    return f"{percent(summary.positive_percent, decimals)}% {summary.positive_label}"


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
    elif isinstance(association, AssociationTest):
        from cipp.render.json import to_dict

        record = dict(to_dict(association))
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


def tests_from_results(results: Results) -> list[AssociationFinding]:
    """The run's association records (``AssociationTest.to_dict()`` keys) as Tests.

    Untestable tables are left out; the verdict is the record's ``significant_adjusted``
    when present, else its adjusted (or, failing that, its unadjusted) p below .05.
    """
    tests = []
    for association in results.associations:
        record = _record(association)
        if record.get("testable") is False:
            continue
        subject = str(record.get("item") or record.get("subject") or "")
        text, component = _component_of(results, subject)
        if record.get("component") in COMPONENTS:
            component = str(record["component"])
        if record.get("level") == "component" and component is not None:
            text = f"{COMPONENT_NAMES[component]} (positive share)"
        adjusted = _number(record.get("p_adjusted"))
        used = next(
            (
                value
                for key in ("p_used", "p_value_used", "p_exact", "p_value")
                if (value := _number(record.get(key))) is not None
            ),
            None,
        )
        by = str(record.get("by_label") or record.get("by") or "")
        by_label = next((d.label for d in results.demographics if d.id == by), by)
        flag = record.get("significant_adjusted" if adjusted is not None else "significant")
        tests.append(
            AssociationFinding(
                subject=text,
                component=component,
                by=by_label,
                p=adjusted if adjusted is not None else used,
                adjusted=adjusted is not None,
                flagged=flag if isinstance(flag, bool) else None,
            )
        )
    return tests


_ADJUSTMENTS = {"bh": "Benjamini-Hochberg", "fdr_bh": "Benjamini-Hochberg", "holm": "Holm"}


def adjustment_name(results: Results) -> str | None:
    """The adjustment the run used, as a paper names it (None when unknown or none)."""
    summary = results.association_summary
    method = getattr(summary, "adjust", None) if summary is not None else None
    if not method or str(method).lower() == "none":
        return None
    return _ADJUSTMENTS.get(str(method).lower(), str(method))


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


_CAPTION_BY = re.compile(
    r"(?:association with|tests of association by|by)\s+([^:(]+?)\s*(?:[:(]|$)", re.I
)
_BY_HEADS = ("by", "grouping", "group", "grouping variable", "variable", "demographic")


def tests_from_tables(results: Results, tables: Iterable[TextTable]) -> list[AssociationFinding]:
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
        named = _CAPTION_BY.search(table.caption)
        heading = named.group(1) if named else table.caption
        for row in table.rows:
            if len(row) == 1:
                heading = row[0]
                continue
            if len(row) <= column:
                continue
            text, component = _component_of(results, row[0])
            by = row[by_column] if by_column is not None and by_column < len(row) else heading
            tests.append(AssociationFinding(text, component, by, parse_p(row[column]), adjusted))
    return tests


def tables_of_tests(
    results: Results, extra: Iterable[TextTable] = (), *, decimals: int = 1, min_cell: int = 0
) -> list[TextTable]:
    """The report's tables of tests: participation, association and positive-share-by-group
    tables built from ``results``, then the ``extra`` tables that are not one of those
    (same key). ``min_cell`` masks small counts in the participation and by-group tables."""
    tables = [
        *participation_table(results, min_cell=min_cell),
        *association_tables(results),
        *breakdown_tables(results, decimals=decimals, min_cell=min_cell),
    ]
    keys = {table.key for table in tables}
    tables.extend(table for table in extra if not table.key or table.key not in keys)
    return tables


def collect_tests(
    results: Results, extra: Iterable[TextTable] = ()
) -> tuple[list[AssociationFinding], bool]:
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


def tests_sentence(
    tests: Sequence[AssociationFinding], ran: bool, method: str | None = None
) -> str:
    """What the tests of one component (or of the whole run) found, in one sentence.

    ``method`` names the adjustment for multiple testing (e.g. "Benjamini-Hochberg").
    """
    if not ran:
        return "No tests of association were run."
    if not tests:
        return "No test of association involved this component."
    counted = "test" if len(tests) == 1 else "tests"
    adjusted = all(t.adjusted for t in tests)
    if adjusted:
        after = f"after {method} adjustment" if method else "after adjustment for multiple testing"
    else:
        after = "at p < .05 (no adjustment for multiple testing)"
    significant = [t for t in tests if t.significant]
    if not significant:
        return (
            f"No association with {_join([t.by for t in tests])} was significant "
            f"{after} ({len(tests)} {counted})."
        )
    which = "; ".join(
        f"{quoted(t.subject)} by {t.by} ({'adjusted ' if t.adjusted else ''}"
        f"{format_p(t.p if t.p is not None else math.nan)})"
        for t in significant
    )
    return f"{len(significant)} of {len(tests)} {counted} significant {after}: {which}."


def strongest_weakest_sentences(finding: ComponentFinding, decimals: int = 1) -> list[str]:
    if finding.strongest is None or finding.weakest is None:
        return ["No valid answers to this component's items."]
    if len(finding.items) == 1:
        return [
            f"One item: {quoted(finding.strongest.text)} ({share(finding.strongest, decimals)})."
        ]
    return [
        f"Strongest: {quoted(finding.strongest.text)} ({share(finding.strongest, decimals)}).",
        f"Weakest: {quoted(finding.weakest.text)} ({share(finding.weakest, decimals)}).",
    ]


def quoted(text: str) -> str:
    """An item's text verbatim in curly quotes, so its own full stop does not end our sentence."""
    return f"\u201c{text}\u201d"


@dataclass(frozen=True)
class Summary:
    """Everything a report's executive summary says, computed once per report."""

    findings: tuple[ComponentFinding, ...]
    ran: bool
    method: str | None
    overall: tuple[str, ...]

    def lines(self, finding: ComponentFinding, decimals: int = 1) -> list[str]:
        """Strongest and weakest item, then (when tests ran) what they found."""
        out = strongest_weakest_sentences(finding, decimals)
        if self.ran:
            out.append(tests_sentence(finding.tests, self.ran, self.method))
        return out


def summarize(results: Results, extra: Iterable[TextTable] = ()) -> Summary:
    """The executive summary of one analysis (``extra``: association tables, if any).

    The overall verdict is the association summary's own sentences when the run has
    one, else a sentence over all tests found.
    """
    extra = list(extra)
    tests, ran = collect_tests(results, extra)
    method = adjustment_name(results)
    summary = results.association_summary
    sentences = (
        association_sentences(summary, results.associations) if summary is not None else None
    )
    if sentences:
        overall = tuple(str(sentence) for sentence in sentences)
    else:
        overall = (tests_sentence(tests, ran, method),)
    return Summary(tuple(component_findings(results, extra)), ran, method, overall)
