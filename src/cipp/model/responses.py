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

from collections.abc import Mapping
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
    ordered pandas Categorical, numbers as floats). The remaining columns stay as the
    reader's Arrow arrays (``other_cells``, every row of the file; ``answered`` marks the
    respondents' rows) until one is asked for: :meth:`other_column` gives one as trimmed
    text, :attr:`other` all of them. The index is the spreadsheet row number of each
    respondent.
    """

    instrument: Instrument
    codes: pd.DataFrame
    demographics: pd.DataFrame
    source: str
    sheet: str | None
    invalid: tuple[InvalidCell, ...] = ()
    declared_missing: dict[str, int] = field(default_factory=dict)
    items_not_asked: tuple[str, ...] = ()
    demographics_not_found: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    rows_without_answers: int = 0
    other_cells: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: Which of the file's rows are respondents' (None: all of them).
    answered: Any = field(default=None, repr=False, compare=False)
    _other: dict[str, pd.Series] = field(default_factory=dict, repr=False, compare=False)
    #: The reader's notes on the file (cipp.model.table.RawTable.notes).
    notes: tuple[str, ...] = ()
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _levels: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    #: Per item, True for each respondent who gave a declared missing value (N/A); only
    #: items with such answers have an entry, so a file without any costs nothing.
    _declared: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    #: Per item, how many answers gave each declared missing value, by its spelling.
    declared_labels: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @property
    def n_respondents(self) -> int:
        return len(self.codes)

    @property
    def other_headers(self) -> tuple[str, ...]:
        """The headers of the columns outside the instrument, in the file's order."""
        return tuple(self.other_cells)

    def other_column(self, header: str) -> pd.Series:
        """One column outside the instrument as text, one row per respondent: trimmed,
        blank as None (converted from Arrow when first asked for, then kept)."""
        cached = self._other.get(header)
        if cached is None:
            import pyarrow as pa
            import pyarrow.compute as pc

            texts = pc.utf8_trim_whitespace(self.other_cells[header].cast(pa.string()))
            texts = pc.if_else(pc.equal(texts, ""), pa.scalar(None, pa.string()), texts)
            if self.answered is not None:
                texts = texts.filter(pa.array(self.answered))
            import pandas as pd

            cached = pd.Series(texts.to_pylist(), index=self.codes.index, dtype=object)
            self._other[header] = cached
        return cached

    @property
    def other(self) -> pd.DataFrame:
        """Every column outside the instrument as text (see :meth:`other_column`)."""
        import pandas as pd

        columns = {h: self.other_column(h).to_numpy(dtype=object) for h in self.other_headers}
        return pd.DataFrame(columns, index=self.codes.index)

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

    def declared_missing_mask(self, item_id: str) -> np.ndarray:
        """A boolean per respondent: True where the answer to the item was a declared
        missing value (counted in ``declared_missing``), False otherwise (an answer, a
        blank or an invalid cell), so declared missing answers can be counted by group."""
        import numpy as np

        mask = self._declared.get(item_id)
        if mask is None:
            mask = np.zeros(self.n_respondents, dtype=bool)
            mask.flags.writeable = False
        return mask


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
