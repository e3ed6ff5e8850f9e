"""Disclosure control of count tables: which cells to mask so that none can be worked out.

A count from 1 to ``min_cell`` - 1 could identify people: it is masked (primary
suppression). A reader who knows the table's row and column totals, and the cells left
shown, could still solve for a masked cell, so more cells are masked (complementary
suppression) until no masked cell is determined by what is published: every masked cell
can take more than one whole value consistent with the shown cells, the margins and
non-negativity. That is checked by linear programming (the smallest and largest value
each masked cell can take, rounded inward to whole numbers), the way an attacker would
bound it, so the rule does not rest on a heuristic alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from cipp.model.findings import SECONDARY, SHOWN, SMALL

Masks = list[list[str]]


def _small(n: int, min_cell: int) -> bool:
    return 0 < n < min_cell


def cell_bounds(
    table: Sequence[Sequence[int]], masked: Sequence[Sequence[bool]], *, columns: bool = True
) -> dict[tuple[int, int], tuple[float, float]]:
    """The smallest and largest value each masked cell can take given the shown cells,
    every row total (and, with ``columns``, every column total), with every cell >= 0: the
    linear programming bound an attacker computes."""
    from scipy.optimize import linprog

    cells = [(i, j) for i, row in enumerate(masked) for j, hit in enumerate(row) if hit]
    if not cells:
        return {}
    index = {cell: k for k, cell in enumerate(cells)}
    rows, cols = len(table), len(table[0])
    equations, targets = [], []
    for i in range(rows):
        line = [0.0] * len(cells)
        for j in range(cols):
            if (i, j) in index:
                line[index[(i, j)]] = 1.0
        if any(line):
            equations.append(line)
            targets.append(sum(table[i][j] for j in range(cols) if (i, j) in index))
    for j in range(cols if columns else 0):
        line = [0.0] * len(cells)
        for i in range(rows):
            if (i, j) in index:
                line[index[(i, j)]] = 1.0
        if any(line):
            equations.append(line)
            targets.append(sum(table[i][j] for i in range(rows) if (i, j) in index))
    bounds = {}
    for cell, k in index.items():
        objective = [0.0] * len(cells)
        objective[k] = 1.0
        low = linprog(objective, A_eq=equations, b_eq=targets, bounds=(0, None)).fun
        objective[k] = -1.0
        high = -linprog(objective, A_eq=equations, b_eq=targets, bounds=(0, None)).fun
        bounds[cell] = (float(low), float(high))
    return bounds


def determined(bounds: tuple[float, float]) -> bool:
    """Whether a masked cell's bounds leave it one whole value."""
    low, high = bounds
    return math.ceil(low - 1e-6) >= math.floor(high + 1e-6)


def _extra_in_line(
    table: Sequence[Sequence[int]],
    hidden: list[list[bool]],
    cell: tuple[int, int],
    *,
    columns: bool,
) -> tuple[int, int] | None:
    """The cell to mask next to protect ``cell``: the smallest other shown cell of its
    row or (with ``columns``) its column, non-zero counts first."""
    i, j = cell
    candidates = [(table[i][c], (i, c)) for c in range(len(table[0])) if not hidden[i][c]]
    if columns:
        candidates += [(table[r][j], (r, j)) for r in range(len(table)) if not hidden[r][j]]
    if not candidates:
        return None
    return min(candidates, key=lambda pair: (pair[0] == 0, pair[0]))[1]


def suppress_table(table: Sequence[Sequence[int]], min_cell: int, *, columns: bool = True) -> Masks:
    """Each cell's mask (SHOWN, SMALL, SECONDARY) in a table whose row, column and grand
    totals are published: small counts, then enough others that no masked cell is
    determined (each line with a masked cell gets a second one, then any cell still
    determined by the bounds gets a further partner in its line)."""
    hidden = [[_small(n, min_cell) for n in row] for row in table]
    if not any(any(row) for row in hidden):
        return [[SHOWN] * len(row) for row in table]
    for _ in range(len(table) * len(table[0]) + 1):
        lonely = _lonely_cell(hidden, columns=columns)
        if lonely is None:
            bounds = cell_bounds(table, hidden, columns=columns)
            lonely = next((cell for cell, b in bounds.items() if determined(b)), None)
            if lonely is None:
                break
        extra = _extra_in_line(table, hidden, lonely, columns=columns)
        if extra is None:
            break
        hidden[extra[0]][extra[1]] = True
    return [
        [
            (SMALL if _small(n, min_cell) else SECONDARY) if hide else SHOWN
            for n, hide in zip(row, hidden_row, strict=True)
        ]
        for row, hidden_row in zip(table, hidden, strict=True)
    ]


def _lonely_cell(hidden: Sequence[Sequence[bool]], *, columns: bool) -> tuple[int, int] | None:
    """A masked cell alone in its row or (with ``columns``) its column: it could be found
    by subtraction from the line's total."""
    rows, cols = len(hidden), len(hidden[0])
    for i in range(rows):
        row = [j for j in range(cols) if hidden[i][j]]
        if len(row) == 1:
            return (i, row[0])
    for j in range(cols if columns else 0):
        col = [i for i in range(rows) if hidden[i][j]]
        if len(col) == 1:
            return (col[0], j)
    return None


def suppress_counts(counts: Sequence[int], min_cell: int) -> list[str]:
    """Each count's mask in one row of counts whose total is published."""
    return suppress_table([list(counts)], min_cell, columns=False)[0]
