"""CSV: one tidy row per item and level, unrounded, for scripts and spreadsheets."""

from __future__ import annotations

import csv
import io

from cipp.results import Results

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


def render_csv(results: Results) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in results.items:
        for level in s.levels:
            writer.writerow(
                (
                    s.id,
                    s.text,
                    s.component,
                    s.subtheme or "",
                    s.kind,
                    s.n_valid,
                    s.n_missing,
                    s.n_invalid,
                    level.code,
                    level.label,
                    level.n,
                    _plain(level.percent),
                    _plain(level.percent_of_respondents),
                    _plain(level.ci_low),
                    _plain(level.ci_high),
                )
            )
    return buffer.getvalue()


def _plain(value: float) -> str:
    return "" if value != value else repr(value)
