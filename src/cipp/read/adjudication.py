"""Reading an adjudication sheet back: the decisions taken on two coders' disagreements.

The sheet is the CSV ``cipp qual agreement --disagreements`` writes (columns
``segment_id, code, coder_a, coder_b, decision, adjudicator, note, text``), as CSV or
xlsx; the adjudicator fills ``decision`` with ``include`` or ``exclude``. Only
``segment_id``, ``code`` and ``decision`` are required.
"""

from __future__ import annotations

from pathlib import Path

from cipp.model.coding import ADJUDICATION_COLUMNS, DECISIONS, Adjudication
from cipp.model.errors import DataError
from cipp.model.table import unquote_formula
from cipp.read.segments import map_headers, read_table


def read_adjudication(path: str | Path) -> Adjudication:
    """Read an adjudication CSV or xlsx; every bad decision is reported at once."""
    path = Path(path)
    headers, records = read_table(path)
    normal = {"_".join(header.lower().split()): index for index, header in enumerate(headers)}
    mapping = map_headers(headers)
    position = {
        name: normal.get(name, mapping.get(name))
        for name in ("segment_id", "code", "decision", "adjudicator", "note")
    }
    missing = [name for name in ("segment_id", "code", "decision") if position[name] is None]
    if missing:
        raise DataError(
            f"{path}: missing column(s) {', '.join(missing)} (an adjudication file has "
            f"{', '.join(ADJUDICATION_COLUMNS)})"
        )
    decisions: dict[tuple[str, str], tuple[str | None, str, str]] = {}
    rows: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for number, cells in records:

        def cell(name: str, cells: list[str] = cells) -> str:
            index = position[name]
            text = cells[index].strip() if index is not None and index < len(cells) else ""
            return unquote_formula(text)  # the ' cipp put before formula-like text

        key = (cell("segment_id"), cell("code"))
        raw = cell("decision")
        decision = raw.lower() or None
        if decision is not None and decision not in DECISIONS:
            problems.append(f"row {number}, column 'decision': '{raw}' is not include or exclude")
            continue
        entry = (decision, cell("adjudicator"), cell("note"))
        if key in decisions and decisions[key][0] != decision:
            problems.append(
                f"row {number}: segment {key[0]}, code '{key[1]}' is decided differently at "
                f"{rows[key]}"
            )
            continue
        decisions[key] = entry
        rows[key] = f"row {number}"
    if problems:
        raise DataError(f"{path}: " + "; ".join(problems))
    return Adjudication(decisions=decisions, source=str(path), rows=rows)
