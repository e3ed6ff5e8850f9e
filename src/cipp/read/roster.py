"""Read a roster of population counts (``variable,level,count``) to rake weights to."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from cipp.model.errors import DataError
from cipp.model.nonresponse import GroupSizes
from cipp.model.weights import Roster, RosterCount
from cipp.read.files import check_input

COLUMNS = ("variable", "level", "count")


def load_roster(path: str | Path) -> Roster:
    """The population counts of a CSV file with the columns ``variable``, ``level`` and
    ``count`` (in any order, any case; other columns ignored). Every count is a positive
    number; a (variable, level) pair may appear once. Errors name the file, row, column
    and value."""
    path = Path(path)
    check_input(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise DataError(f"{path}: cannot read the roster ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: the roster is not UTF-8 text") from None
    reader = csv.reader(text.splitlines())
    header = [cell.strip().casefold() for cell in next(reader, [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise DataError(
            f"{path}, row 1: the roster needs the columns variable, level, count "
            f"(missing: {', '.join(missing)})"
        )
    where = {name: header.index(name) for name in COLUMNS}
    counts: list[RosterCount] = []
    seen: set[tuple[str, str]] = set()
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[j].strip() if j < len(row) else "") for name, j in where.items()}
        for name in ("variable", "level"):
            if not cells[name]:
                raise DataError(f"{path}, row {row_number}, column {name}: empty")
        try:
            count = float(cells["count"])
        except ValueError:
            count = math.nan
        if not math.isfinite(count) or count <= 0:
            raise DataError(
                f"{path}, row {row_number}, column count: {cells['count']!r} is not a "
                "positive number"
            )
        key = (cells["variable"].casefold(), " ".join(cells["level"].casefold().split()))
        if key in seen:
            raise DataError(
                f"{path}, row {row_number}: {cells['variable']} = {cells['level']!r} is given twice"
            )
        seen.add(key)
        counts.append(RosterCount(cells["variable"], cells["level"], count, row_number))
    if not counts:
        raise DataError(f"{path}: the roster has no counts")
    return Roster(str(path), tuple(counts))


def load_group_sizes(value: str | Path | int) -> GroupSizes:
    """The roster of a response rate: a number (everyone asked), or a CSV file with a
    ``size`` column and, for group sizes, a ``group`` column (one size per group; a file
    with only ``size`` gives the total). Errors name the file, row, column and value."""
    if isinstance(value, int) or str(value).strip().isdigit():
        total = int(str(value).strip())
        if total < 1:
            raise DataError(f"roster {value}: the number of people asked must be at least 1")
        return GroupSizes(total=total, source=str(value))
    path = Path(value)
    check_input(path)
    try:
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    except OSError as error:
        raise DataError(f"{path}: cannot read the roster ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: the roster is not UTF-8 text") from None
    header = [cell.strip().casefold() for cell in (rows[0] if rows else [])]
    if "size" not in header:
        raise DataError(f"{path}, row 1: the roster needs a 'size' column (and 'group')")
    size_at, group_at = header.index("size"), header.index("group") if "group" in header else None
    groups: list[tuple[str, int]] = []
    total = 0
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        text = row[size_at].strip() if size_at < len(row) else ""
        if not text.isdigit() or int(text) < 1:
            raise DataError(f"{path}, row {number}, column size: '{text}' is not a whole number")
        total += int(text)
        if group_at is not None:
            label = row[group_at].strip() if group_at < len(row) else ""
            if not label or any(label == seen for seen, _ in groups):
                raise DataError(f"{path}, row {number}, column group: '{label}' is empty or twice")
            groups.append((label, int(text)))
    if not total:
        raise DataError(f"{path}: the roster has no sizes")
    return GroupSizes(total=total, groups=tuple(groups), source=str(path))
