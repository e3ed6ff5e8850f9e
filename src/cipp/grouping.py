"""Grouping respondents: demographics (or any column) as integer group codes, and crosstabs.

A crosstab of an item against a grouping variable is built in one numpy pass over integer
codes (``bincount`` of ``row * n_groups + group``), so a whole survey's tables cost
almost nothing next to reading the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cipp.describe import group_numeric
from cipp.errors import CippError
from cipp.instrument import Scale, normalize_header, normalize_text
from cipp.loading import MISSING_CODE, Responses

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, eq=False)
class Grouping:
    """Respondents in groups: ``codes[i]`` is respondent i's group (-1 when unknown)."""

    id: str
    label: str
    labels: tuple[str, ...]
    codes: np.ndarray
    ordered: bool


def _from_categorical(id_: str, label: str, values: object, ordered: bool) -> Grouping:
    import numpy as np
    import pandas as pd

    categorical = pd.Categorical(values)  # type: ignore[call-overload]
    return Grouping(
        id=id_,
        label=label,
        labels=tuple(str(c) for c in categorical.categories),
        codes=np.asarray(categorical.codes, dtype="int64"),
        ordered=ordered,
    )


def resolve_grouping(responses: Responses, name: str, *, option: str = "--by") -> Grouping:
    """The grouping named by a demographic id or label, or by any other column's header.

    Numeric demographics are grouped by the instrument's bins (age groups); a column
    outside the instrument is grouped by its distinct values, in sorted order.
    """
    import pandas as pd

    instrument = responses.instrument
    key = normalize_header(name)
    for demographic in instrument.demographics:
        if key in {normalize_header(h) for h in demographic.headers()}:
            if demographic.id not in responses.demographics.columns:
                raise CippError(
                    f"{option} {name}: demographic '{demographic.id}' has no column in "
                    f"{responses.source}"
                )
            values = responses.demographics[demographic.id]
            if demographic.kind == "numeric":
                if not demographic.bins:
                    raise CippError(
                        f"{option} {name}: numeric demographic '{demographic.id}' has no bins "
                        "in the instrument to group it by"
                    )
                values = group_numeric(demographic, values)
            ordered = demographic.ordered or demographic.kind == "numeric"
            return _from_categorical(demographic.id, demographic.label, values, ordered)
    for header in responses.other.columns:
        if normalize_header(header) == key:
            raw = responses.other[header]
            texts = raw.where(raw.notna(), None)
            distinct = sorted({t for t in texts if t is not None}, key=_natural_key)
            categorical = pd.Categorical(texts, categories=distinct)
            return _from_categorical(str(header), str(header), categorical, ordered=False)
    known = [d.id for d in instrument.demographics if d.id in responses.demographics.columns]
    known += [str(h) for h in responses.other.columns]
    raise CippError(
        f"{option} {name}: no such demographic or column (available: {', '.join(known) or 'none'})"
    )


def _natural_key(text: str) -> tuple[int, float, str]:
    """Sort numbers numerically ('2' before '10'), then text."""
    normalized = normalize_text(text)
    try:
        return (0, float(normalized), normalized)
    except ValueError:
        return (1, 0.0, normalized)


def item_rows(
    scale: Scale, codes: np.ndarray, *, collapse: bool
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Row index of each answer (-1 when missing) and the row labels, least favourable first.

    ``codes`` are integers with MISSING_CODE for a missing answer (Responses.code_array),
    or floats with NaN. Rows are the scale's levels from the negative to the positive end
    (the order a trend test scores them in), or its collapse groups in the same direction
    with ``collapse``.
    """
    import numpy as np

    order = scale.ordered_codes
    if collapse and scale.collapse:
        groups = sorted(scale.collapse, key=lambda g: min(order.index(c) for c in g.codes))
        position = {code: i for i, g in enumerate(groups) for code in g.codes}
        labels = tuple(g.label for g in groups)
    else:
        position = {code: i for i, code in enumerate(order)}
        labels = tuple(scale.label_of(code) for code in order)
    offset = min(min(order), 0)
    lookup = np.full(max(order) - offset + 2, -1, dtype="int64")
    for code, row in position.items():
        lookup[code - offset] = row
    return translate(codes, lookup, offset), labels


def translate(codes: np.ndarray, lookup: np.ndarray, offset: int) -> np.ndarray:
    """``lookup[code - offset]`` for every code; the lookup's last slot answers for a missing
    answer (MISSING_CODE or NaN) and for codes outside it."""
    import numpy as np

    values = np.asarray(codes)
    if values.dtype.kind == "f":
        values = np.where(np.isnan(values), MISSING_CODE, values).astype("int64")
    # Put the missing slot in front too, so one clipped take maps everything: codes below
    # the table (MISSING_CODE) clip to the front, codes above it to the back.
    padded = np.concatenate([lookup[-1:], lookup])
    return np.take(padded, values - (offset - 1), mode="clip")


def crosstab(rows: np.ndarray, groups: np.ndarray, n_rows: int, n_groups: int) -> np.ndarray:
    """Counts of (row, group) pairs where both are known (>= 0), as an n_rows x n_groups table.

    Unknowns go to an extra row and column that are cut off afterwards, which is cheaper
    than selecting the known pairs first.
    """
    import numpy as np

    rows = np.where(rows < 0, n_rows, rows)
    groups = np.where(groups < 0, n_groups, groups)
    flat = rows * (n_groups + 1) + groups
    counts = np.bincount(flat, minlength=(n_rows + 1) * (n_groups + 1))
    return counts.reshape(n_rows + 1, n_groups + 1)[:n_rows, :n_groups]
