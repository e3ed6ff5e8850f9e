"""The Results of one analysis: plain records that every renderer reads.

``Results.to_dict()`` is the JSON contract of ``cipp analyze --format json`` (documented
in the README); a test asserts that the CLI's JSON equals it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from cipp import __version__
from cipp.model.instrument import COMPONENTS, Instrument
from cipp.model.responses import InvalidCell
from cipp.stats.describe import ComponentSummary, DemographicSummary, ItemSummary, plain


@dataclass(frozen=True)
class LevelTable:
    """A paper's n (%) table: items in rows, the levels of one response scale in columns."""

    number: int
    kind: str
    caption: str
    columns: tuple[str, ...]
    items: tuple[ItemSummary, ...]


@dataclass(frozen=True)
class AssociationTest:
    """One test of association: an item (or a component's positive share) against a group.

    ``result`` is the ContingencyResult of cipp.stats.association (statistics unrounded);
    ``p_adjusted`` is its p after adjustment across all tests of the run.
    """

    item: str
    text: str
    level: str  # "item" | "component"
    component: str
    by: str
    by_label: str
    collapsed: bool
    result: Any
    p_adjusted: float
    significant: bool
    significant_adjusted: bool

    def to_dict(self) -> dict[str, Any]:
        from cipp.render.apa import apa_chi_square, apa_linear_by_linear

        r = self.result
        two_by_two = r.testable and len(r.row_labels) == 2 and len(r.col_labels) == 2
        computed = r.exact_method is not None
        return plain(
            {
                "item": self.item,
                "text": self.text,
                "level": self.level,
                "component": self.component,
                "by": self.by,
                "by_label": self.by_label,
                "collapsed": self.collapsed,
                "testable": r.testable,
                "reason": r.reason,
                "n": r.n,
                "table": {
                    "rows": list(r.row_labels),
                    "columns": list(r.col_labels),
                    "counts": [list(row) for row in r.table],
                },
                "dropped_rows": list(r.dropped_rows),
                "dropped_columns": list(r.dropped_cols),
                "statistic": r.statistic,
                "df": r.df,
                "p_value": r.p_value,
                "p_yates": r.p_yates if two_by_two else None,
                "p_exact": r.p_exact if computed else None,
                "exact_method": r.exact_method,
                "exact_resamples": r.exact_resamples,
                "exact_seed": r.exact_seed,
                "p_used": r.p_value_used,
                "p_adjusted": self.p_adjusted,
                "significant": self.significant,
                "significant_adjusted": self.significant_adjusted,
                "cramers_v": r.cramers_v,
                "cramers_v_corrected": r.cramers_v_corrected,
                "min_expected": r.min_expected,
                "cells_expected_below_5": r.cells_expected_below_5,
                "share_expected_below_5": r.share_expected_below_5,
                "expected_note": r.expected_note,
                "test_used": r.test_used,
                "test_reason": r.test_reason,
                "linear_by_linear": r.linear_by_linear,
                "p_linear_by_linear": r.p_linear_by_linear,
                "notes": list(r.notes),
                "apa": apa_chi_square(r),
                "apa_trend": apa_linear_by_linear(r) if r.ordinal and r.testable else None,
            }
        )


@dataclass(frozen=True)
class AssociationSummary:
    """How many tests ran and what survived adjustment, in words for the paper."""

    tests: int
    not_testable: int
    significant: int
    significant_adjusted: int
    adjust: str
    alpha: float
    collapsed: bool
    by: tuple[str, ...]
    sentences: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return plain(asdict(self))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Results:
    """Everything one analysis of one response file found."""

    instrument: Instrument
    source: str
    sheet: str | None
    n_respondents: int
    items: tuple[ItemSummary, ...]
    components: tuple[ComponentSummary, ...]
    demographics: tuple[DemographicSummary, ...]
    invalid_cells: tuple[InvalidCell, ...] = ()
    items_not_asked: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    associations: tuple[Any, ...] = ()
    association_summary: Any = None
    goodness_of_fit: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def item(self, item_id: str) -> ItemSummary:
        for summary in self.items:
            if summary.id == item_id:
                return summary
        raise KeyError(item_id)

    def tables(self) -> tuple[LevelTable, ...]:
        """The paper's tables: one per set of response levels, rating/Likert items first.

        The study's mentor survey gives Table 1 (Excellent .. Very poor) and Table 2
        (Yes / No); items on scales with the same level labels share a table.
        """
        groups: dict[tuple[str, ...], list[ItemSummary]] = {}
        for summary in self.items:
            labels = tuple(level.label for level in summary.levels)
            groups.setdefault(labels, []).append(summary)
        ordered = sorted(groups.items(), key=lambda pair: pair[1][0].kind == "binary")
        tables = []
        for number, (labels, items) in enumerate(ordered, start=1):
            kind = items[0].kind
            what = "Yes/No items" if kind == "binary" else f"{kind.capitalize()} items"
            caption = (
                f"Table {number}. {self.instrument.title}: {what}, n (%) (n = {self.n_respondents})"
            )
            items.sort(key=lambda s: COMPONENTS.index(s.component))
            tables.append(LevelTable(number, kind, caption, labels, tuple(items)))
        return tuple(tables)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``cipp analyze --format json``."""
        document: dict[str, Any] = {
            "cipp_version": __version__,
            "instrument": {"id": self.instrument.id, "title": self.instrument.title},
            "source": {"file": self.source, "sheet": self.sheet},
            "n_respondents": self.n_respondents,
            "items": [summary.to_dict() for summary in self.items],
            "components": [summary.to_dict() for summary in self.components],
            "demographics": [summary.to_dict() for summary in self.demographics],
            "invalid_cells": [cell.to_dict() for cell in self.invalid_cells],
            "items_not_asked": list(self.items_not_asked),
            "notes": list(self.notes),
        }
        if self.associations or self.association_summary is not None:
            document["associations"] = [a.to_dict() for a in self.associations]
            if self.association_summary is not None:
                document["association_summary"] = self.association_summary.to_dict()
        if self.goodness_of_fit is not None:
            document["goodness_of_fit"] = self.goodness_of_fit.to_dict()
        document.update(plain(self.extra))
        return document
