"""CSV: one tidy row per item and level, unrounded, for scripts and spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from cipp.model.results import Results

COLUMNS = (
    "item",
    "text",
    "component",
    "subtheme",
    "kind",
    "n_valid",
    "n_missing",
    "n_invalid",
    "code",
    "label",
    "n",
    "percent",
    "percent_of_respondents",
    "ci_low",
    "ci_high",
)


def tidy_rows(results: Results) -> Iterator[tuple[Any, ...]]:
    """One row per item and level, in COLUMNS order; None where a number does not exist."""
    for s in results.items:
        for level in s.levels:
            yield (
                s.id,
                s.text,
                s.component,
                s.subtheme,
                s.kind,
                s.n_valid,
                s.n_missing,
                s.n_invalid,
                level.code,
                level.label,
                level.n,
                _number(level.percent),
                _number(level.percent_of_respondents),
                _number(level.ci_low),
                _number(level.ci_high),
            )


def _number(value: float) -> float | None:
    return None if value != value else value


def render_csv(results: Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in tidy_rows(results):
        # Full precision (repr) for numbers, empty cells for what does not exist.
        writer.writerow(
            "" if cell is None else repr(cell) if isinstance(cell, float) else cell for cell in row
        )
    return buffer.getvalue()
