"""Read survey exports (.xlsx, .csv) into validated responses.

Reading happens in two steps. :func:`read_table` turns a file into raw text cells with
their spreadsheet row numbers, knowing nothing about instruments. :func:`load_responses`
finds each item's and demographic's column, then maps every distinct cell value to a
level code once (not once per cell): by code, label or alias, ignoring case and spacing.
Blank cells and the scale's declared missing values become missing; anything else is an
error naming the file, sheet, row, column and value (or, when lenient, an invalid cell
that is reported and counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cipp.model.instrument import Instrument, Item, Scale

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


#: Stands for a missing answer in :meth:`Responses.code_array` (no scale uses it as a code).
MISSING_CODE = -(2**31)


@dataclass(frozen=True)
class InvalidCell:
    """A cell whose value fits no level (kept when loading leniently)."""

    file: str
    sheet: str | None
    row: int
    column: str
    header: str
    variable: str
    value: str


@dataclass(frozen=True)
class Responses:
    """One row per respondent, validated against an instrument.

    ``codes`` has one nullable-integer column per item asked (missing is <NA>, never a
    level); ``demographics`` one column per demographic found (categorical labels as an
    ordered pandas Categorical, numbers as floats); ``other`` the remaining columns as
    raw text, by header. The index is the spreadsheet row number of each respondent.
    """

    instrument: Instrument
    codes: pd.DataFrame
    demographics: pd.DataFrame
    other: pd.DataFrame
    source: str
    sheet: str | None
    invalid: tuple[InvalidCell, ...] = ()
    declared_missing: dict[str, int] = field(default_factory=dict)
    items_not_asked: tuple[str, ...] = ()
    demographics_not_found: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    rows_without_answers: int = 0
    #: The reader's notes on the file (cipp.model.table.RawTable.notes).
    notes: tuple[str, ...] = ()
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _levels: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_respondents(self) -> int:
        return len(self.codes)

    @property
    def items_asked(self) -> tuple[Item, ...]:
        return tuple(item for item in self.instrument.items if item.id in self.codes.columns)

    def code_array(self, item_id: str) -> np.ndarray:
        """An item's codes as a plain int32 array, with :data:`MISSING_CODE` where missing
        (for code outside cipp; cipp's own statistics use :meth:`level_index`)."""
        cached = self._arrays.get(item_id)
        if cached is None:
            cached = self.codes[item_id].to_numpy(dtype="int32", na_value=MISSING_CODE)
            cached.flags.writeable = False
            self._arrays[item_id] = cached
        return cached

    def level_index(self, item_id: str) -> np.ndarray:
        """Each answer to an item as its level's position in ``scale.levels``, and the
        number of levels where the answer is missing.

        A uint8 array (uint16 for a scale of 256 levels or more): counts, crosstabs and
        component scores of a million respondents are computed from these, one byte a
        cell. The loader fills them in as it maps the cells.
        """
        cached = self._levels.get(item_id)
        if cached is None:
            import numpy as np

            scale = self.instrument.scale_of(self.instrument.item(item_id))
            codes = self.codes[item_id].to_numpy(dtype="float64", na_value=np.nan)
            distinct, rows = np.unique(codes, return_inverse=True)
            cached = level_positions(scale, distinct)[rows.reshape(-1)]
            cached.flags.writeable = False
            self._levels[item_id] = cached
        return cached


def _codes_of_levels(scale: Scale, levels: np.ndarray) -> Any:
    """An item's codes from its level positions, as a pandas nullable integer array in the
    smallest integer type that holds every code of the scale."""
    import numpy as np
    import pandas as pd

    low, high = min(scale.codes), max(scale.codes)
    dtype = next(
        d
        for d in ("int8", "int16", "int32", "int64")
        if np.iinfo(d).min <= low and high <= np.iinfo(d).max
    )
    # By level position; the last slot (a missing answer) holds a 0 that the mask hides.
    code_of = np.array([*scale.codes, 0], dtype=dtype)
    return pd.arrays.IntegerArray(np.take(code_of, levels), levels == len(scale.codes))


def level_positions(scale: Scale, codes: np.ndarray) -> np.ndarray:
    """The position of each code (a float, NaN when missing) among ``scale.levels``;
    ``len(scale.levels)`` for a missing or unknown code."""
    import numpy as np

    position = {float(code): j for j, code in enumerate(scale.codes)}
    missing = len(scale.codes)
    return np.array(
        [position.get(float(code), missing) for code in codes],
        dtype=np.min_scalar_type(missing),
    )


@dataclass(frozen=True, eq=False)
class Grouping:
    """Respondents in groups: ``codes[i]`` is respondent i's group (-1 when unknown)."""

    id: str
    label: str
    labels: tuple[str, ...]
    codes: np.ndarray
    ordered: bool
