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

    The loader keeps each item's answers as level positions (:meth:`level_index`) and
    each demographic's as a plain array (:attr:`demographic_values`); the pandas views
    are built from them only when first asked for, so an analysis that never asks does
    not import pandas: ``codes`` has one nullable-integer column per item asked (missing
    is <NA>, never a level); ``demographics`` one column per demographic found
    (categorical labels as an ordered pandas Categorical, numbers as floats). The
    remaining columns stay as the reader's Arrow arrays (``other_cells``, every row of
    the file; ``answered`` marks the respondents' rows) until one is asked for:
    :meth:`other_texts` gives one as trimmed text, :meth:`other_column` as a pandas
    Series, :attr:`other` all of them. ``rows`` (the frames' index) is the spreadsheet
    row number of each respondent.
    """

    instrument: Instrument
    source: str
    sheet: str | None
    #: The spreadsheet row number of each respondent (an int64 array).
    rows: Any = field(repr=False, compare=False)
    #: Each item asked, per respondent: its level's position in the scale, the number
    #: of levels where missing (see :meth:`level_index`).
    answers: Mapping[str, Any] = field(repr=False, compare=False)
    #: Each demographic found, per respondent: a categorical one as the position of its
    #: label in ``group_labels`` (-1 where missing), a numeric one as a float (NaN where
    #: missing). In the instrument's order.
    demographic_values: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    invalid: tuple[InvalidCell, ...] = ()
    declared_missing: dict[str, int] = field(default_factory=dict)
    items_not_asked: tuple[str, ...] = ()
    demographics_not_found: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    rows_without_answers: int = 0
    other_cells: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: Which of the file's rows are respondents' (None: all of them).
    answered: Any = field(default=None, repr=False, compare=False)
    _other: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: The reader's notes on the file (cipp.model.table.RawTable.notes).
    notes: tuple[str, ...] = ()
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    _levels: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    #: Per item, for each respondent the number of the declared missing value (N/A) they
    #: gave, in the order of ``declared_labels``, or -1; only
    #: items with such answers have an entry, so a file without any costs nothing.
    _declared: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    #: Per item, how many answers gave each declared missing value, by its spelling.
    declared_labels: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    #: The pandas views, built when first asked for.
    _frames: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_respondents(self) -> int:
        return len(self.rows)

    @property
    def codes(self) -> pd.DataFrame:
        """One nullable-integer column of codes per item asked (built when first asked for)."""
        frame = self._frames.get("codes")
        if frame is None:
            import pandas as pd

            instrument = self.instrument
            columns = {
                item_id: _codes_of_levels(instrument.scale_of(instrument.item(item_id)), levels)
                for item_id, levels in self.answers.items()
            }
            frame = pd.DataFrame(columns, index=self._index(), copy=False)
            self._frames["codes"] = frame
        return frame

    @property
    def demographics(self) -> pd.DataFrame:
        """One column per demographic found: an ordered pandas Categorical of its labels,
        or floats (built when first asked for)."""
        frame = self._frames.get("demographics")
        if frame is None:
            import pandas as pd

            columns: dict[str, Any] = {}
            for demographic in self.instrument.demographics:
                values = self.demographic_values.get(demographic.id)
                if values is None or demographic.kind == "numeric":
                    if values is not None:
                        columns[demographic.id] = values
                    continue
                columns[demographic.id] = pd.Categorical.from_codes(
                    values,
                    categories=list(demographic.group_labels),
                    ordered=demographic.ordered,
                )
            frame = pd.DataFrame(columns, index=self._index(), copy=False)
            self._frames["demographics"] = frame
        return frame

    def _index(self) -> pd.Index:
        import pandas as pd

        index = self._frames.get("index")
        if index is None:
            index = pd.Index(self.rows, name="row")
            self._frames["index"] = index
        return index

    @property
    def other_headers(self) -> tuple[str, ...]:
        """The headers of the columns outside the instrument, in the file's order."""
        return tuple(self.other_cells)

    def other_texts(self, header: str) -> Any:
        """One column outside the instrument as an Arrow string array, one entry per
        respondent: trimmed, blank as null. Converted from the reader's cells when asked
        for; the other columns stay as they were read."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from cipp.model.table import arrow_mask

        cells = self.other_cells[header]
        if isinstance(cells, pa.ChunkedArray):
            cells = cells.combine_chunks()
        texts = pc.utf8_trim_whitespace(cells.cast(pa.string()))
        # Blank where trimming left nothing (no scalar literals: see arrow_valid).
        texts = pc.if_else(
            pc.cast(pc.utf8_length(texts), pa.bool_()), texts, pa.nulls(len(texts), pa.string())
        )
        if self.answered is not None:
            texts = texts.filter(arrow_mask(self.answered))
        return texts

    def other_column(self, header: str) -> pd.Series:
        """One column outside the instrument as text, one row per respondent: trimmed,
        blank as None (converted from Arrow when first asked for, then kept)."""
        cached = self._other.get(header)
        if cached is None:
            import pandas as pd

            texts = self.other_texts(header)
            cached = pd.Series(texts.to_pylist(), index=self._index(), dtype=object)
            self._other[header] = cached
        return cached

    @property
    def other(self) -> pd.DataFrame:
        """Every column outside the instrument as text (see :meth:`other_column`)."""
        import pandas as pd

        columns = {h: self.other_column(h).to_numpy(dtype=object) for h in self.other_headers}
        return pd.DataFrame(columns, index=self._index())

    @property
    def items_asked(self) -> tuple[Item, ...]:
        return tuple(item for item in self.instrument.items if item.id in self.answers)

    def code_array(self, item_id: str) -> np.ndarray:
        """An item's codes as a plain int32 array, with :data:`MISSING_CODE` where missing
        (for code outside cipp; cipp's own statistics use :meth:`level_index`)."""
        cached = self._arrays.get(item_id)
        if cached is None:
            import numpy as np

            scale = self.instrument.scale_of(self.instrument.item(item_id))
            code_of = np.array([*scale.codes, MISSING_CODE], dtype="int32")
            cached = np.take(code_of, self.level_index(item_id))
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

        which = self._declared.get(item_id)
        mask = np.zeros(self.n_respondents, dtype=bool) if which is None else which >= 0
        mask.flags.writeable = False
        return mask

    def declared_missing_labels(self, item_id: str) -> tuple[tuple[str, np.ndarray], ...]:
        """Each declared missing value of the item (as ``declared_labels`` names it) with a
        boolean per respondent: True where the answer was that value."""
        which = self._declared.get(item_id)
        if which is None:
            return ()
        labels = self.declared_labels.get(item_id, {})
        return tuple((label, which == number) for number, label in enumerate(labels))


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
