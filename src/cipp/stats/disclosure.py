"""Disclosure control of count tables: which cells to mask so that none can be worked out.

A count from 1 to ``min_cell`` - 1 could identify people: it is masked (primary
suppression). A reader who knows the table's row and column totals, and the cells left
shown, could still solve for a masked cell, so more cells are masked (complementary
suppression) until no masked cell is determined by what is published: every masked cell
can take more than one whole value consistent with the shown cells, the margins and what
the tables say of each masked cell. A reader sees zeros as 0, a small count as "< N" (so
from 1 to N - 1) and a complementary one as masked (so N or more: other counts are
shown, and zeros are masked only when nothing else is left in the line). That is checked
by linear programming (the smallest and largest value each masked cell can take under
those bounds, rounded inward to whole numbers), the way an attacker would bound it, so
the rule does not rest on a heuristic alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from cipp.model.findings import SECONDARY, SHOWN, SMALL, WITHHELD

Masks = list[list[str]]


def _small(n: int, min_cell: int) -> bool:
    return 0 < n < min_cell


def known_range(n: int, min_cell: int) -> tuple[int, int | None]:
    """What a reader knows of a masked count ``n`` from how it is shown: a small one is 1
    to ``min_cell`` - 1 ("< N"); another masked one ``min_cell`` or more, or anything from
    0 when it is a zero masked for want of another cell (a weaker reader, so a safe
    side). Without a threshold (0), only that it is not negative."""
    if min_cell <= 1:
        return (0, None)
    if _small(n, min_cell):
        return (1, min_cell - 1)
    return (min_cell, None) if n > 0 else (0, None)


def _lines(rows: int, cols: int, *, columns: bool) -> list[list[tuple[int, int]]]:
    """The cells of every row and (with ``columns``) every column."""
    lines = [[(i, j) for j in range(cols)] for i in range(rows)]
    if columns:
        lines += [[(i, j) for i in range(rows)] for j in range(cols)]
    return lines


def _total_known(total: int, min_cell: int, *, columns: bool) -> tuple[int, int | None]:
    """What a reader knows of a line's total by default (see :func:`cell_bounds`)."""
    if columns and _small(total, min_cell):
        return (1, min_cell - 1)
    return (total, total)


def cell_bounds(
    table: Sequence[Sequence[int]],
    masked: Sequence[Sequence[bool]],
    *,
    columns: bool = True,
    min_cell: int = 0,
    row_totals: Sequence[tuple[int, int | None]] | None = None,
) -> dict[tuple[int, int], tuple[float, float]]:
    """Every masked cell's bounds (see :func:`iter_bounds`)."""
    return dict(
        iter_bounds(table, masked, columns=columns, min_cell=min_cell, row_totals=row_totals)
    )


def iter_bounds(
    table: Sequence[Sequence[int]],
    masked: Sequence[Sequence[bool]],
    *,
    columns: bool = True,
    min_cell: int = 0,
    row_totals: Sequence[tuple[int, int | None]] | None = None,
) -> Iterator[tuple[tuple[int, int], tuple[float, float]]]:
    """The smallest and largest value each masked cell can take given the shown cells,
    the line totals and what the reader knows of each masked cell (:func:`known_range`
    under ``min_cell``): the linear programming bound an attacker computes.

    A single row's total is published (an item's n). A crosstab's row and column totals
    (with ``columns``) are the counts of other tables (an item's levels, a group's size),
    which mask a small one: the reader knows such a total only as 1 to ``min_cell`` - 1.
    ``row_totals``: what the reader knows of each row's total, as a range (low, high;
    high None: no upper bound), when the table it is published in says (an item's levels
    in Table 1, masked there or not).
    """
    from scipy.optimize import linprog

    cells = [(i, j) for i, row in enumerate(masked) for j, hit in enumerate(row) if hit]
    if not cells:
        return
    index = {cell: k for k, cell in enumerate(cells)}
    equal: tuple[list[list[float]], list[float]] = ([], [])
    within: tuple[list[list[float]], list[float]] = ([], [])
    for number, members in enumerate(_lines(len(table), len(table[0]), columns=columns)):
        line = [0.0] * len(cells)
        for cell in members:
            if cell in index:
                line[index[cell]] = 1.0
        if not any(line):
            continue
        total = sum(table[i][j] for i, j in members)
        rest = sum(table[i][j] for i, j in members if (i, j) in index)
        low, high = _total_known(total, min_cell, columns=columns)
        if row_totals is not None and number < len(table):
            low, high = row_totals[number]
        if low == high:
            equal[0].append(line)
            equal[1].append(rest)
            continue
        shown = total - rest  # masked sum = total - shown, with the total in [low, high]
        within[0].append([-x for x in line])
        within[1].append(shown - low)
        if high is not None:
            within[0].append(line)
            within[1].append(high - shown)
    ranges = [known_range(table[i][j], min_cell) for i, j in cells]
    problem = {
        "A_eq": equal[0] or None,
        "b_eq": equal[1] or None,
        "A_ub": within[0] or None,
        "b_ub": within[1] or None,
        "bounds": ranges,
    }
    for cell, k in index.items():  # one at a time: a caller may stop at the first it needs
        objective = [0.0] * len(cells)
        objective[k] = 1.0
        low = linprog(objective, **problem).fun
        objective[k] = -1.0
        high = -linprog(objective, **problem).fun
        yield cell, (float(low), float(high))


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


def suppress_table(
    table: Sequence[Sequence[int]],
    min_cell: int,
    *,
    columns: bool = True,
    row_totals: Sequence[tuple[int, int | None]] | None = None,
) -> Masks:
    """Each cell's mask (SHOWN, SMALL, SECONDARY) in a table whose totals are published
    as :func:`cell_bounds` says: small counts, then enough others that no masked cell is
    determined (each line with a masked cell gets a second one, then any cell still
    determined by the bounds gets a further partner in its line). When a cell stays
    determined with every line of it masked, every cell is WITHHELD."""
    hidden = [[_small(n, min_cell) for n in row] for row in table]
    if not any(any(row) for row in hidden):
        return [[SHOWN] * len(row) for row in table]

    def exposed() -> Iterator[tuple[tuple[int, int], bool]]:
        """Cells that need a partner: a lonely one, then each determined one (True)."""
        lonely = _lonely_cell(hidden, columns=columns)
        if lonely is not None:
            yield lonely, False
        bounds = iter_bounds(
            table, hidden, columns=columns, min_cell=min_cell, row_totals=row_totals
        )
        yield from ((cell, True) for cell, b in bounds if determined(b))

    stuck = False
    for _ in range(len(table) * len(table[0]) + 1):
        extra, stuck = None, False
        for cell, is_determined in exposed():
            extra = _extra_in_line(table, hidden, cell, columns=columns)
            if extra is not None:
                break
            stuck = stuck or is_determined
        if extra is None:
            break
        hidden[extra[0]][extra[1]] = True
    if stuck:
        # Every line of a determined cell is masked already: the table cannot be protected
        # cell by cell (too few people in it for its margins), so all of it is withheld.
        return [[WITHHELD] * len(row) for row in table]
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
