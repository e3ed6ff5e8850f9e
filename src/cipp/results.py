"""The Results of one analysis: plain records that every renderer reads.

``Results.to_dict()`` is the JSON contract of ``cipp analyze --format json`` (documented
in the README); a test asserts that the CLI's JSON equals it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cipp import __version__
from cipp.describe import ComponentSummary, DemographicSummary, ItemSummary, plain
from cipp.instrument import COMPONENTS, Instrument
from cipp.loading import InvalidCell


@dataclass(frozen=True)
class LevelTable:
    """A paper's n (%) table: items in rows, the levels of one response scale in columns."""

    number: int
    kind: str
    caption: str
    columns: tuple[str, ...]
    items: tuple[ItemSummary, ...]


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
