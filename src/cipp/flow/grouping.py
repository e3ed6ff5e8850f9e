"""Grouping respondents: demographics (or any column) as integer group codes, and crosstabs.

An item's crosstabs against every grouping variable come from one numpy ``bincount``
over (row, joint group) integer codes (:class:`JointGroups`), so a whole survey's tables
cost little next to reading the file; :func:`crosstab` is the plain one-grouping version.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cipp.model.errors import CippError, option
from cipp.model.instrument import Scale, normalize_header, normalize_text
from cipp.model.responses import Responses
from cipp.stats.describe import group_numeric

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


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


def resolve_grouping(responses: Responses, name: str, *, parameter: str = "by") -> Grouping:
    """The grouping named by a demographic id or label, or by any other column's header.

    Numeric demographics are grouped by the instrument's bins (age groups); a column
    outside the instrument is grouped by its distinct answers (see :func:`_from_texts`).
    """
    instrument = responses.instrument
    key = normalize_header(name)
    for demographic in instrument.demographics:
        if key in {normalize_header(h) for h in demographic.headers()}:
            if demographic.id not in responses.demographics.columns:
                raise CippError(
                    f"{option(parameter, name)}: demographic '{demographic.id}' has no column in "
                    f"{responses.source}"
                )
            values = responses.demographics[demographic.id]
            if demographic.kind == "numeric":
                if not demographic.bins:
                    raise CippError(
                        f"{option(parameter, name)}: numeric demographic '{demographic.id}' has "
                        "no bins in the instrument to group it by"
                    )
                values = group_numeric(demographic, values)
            ordered = demographic.ordered or demographic.kind == "numeric"
            return _from_categorical(demographic.id, demographic.label, values, ordered)
    headers = [h for h in responses.other.columns if normalize_header(h) == key]
    if len(headers) > 1:
        listed = ", ".join(f"'{h}'" for h in headers)
        raise CippError(
            f"{option(parameter, name)}: {len(headers)} columns of {responses.source} are "
            f"headed so ({listed}); rename all but one"
        )
    if headers:
        return _from_texts(str(headers[0]), responses.other[headers[0]])
    known = [d.id for d in instrument.demographics if d.id in responses.demographics.columns]
    known += [str(h) for h in responses.other.columns]
    raise CippError(
        f"{option(parameter, name)}: no such demographic or column "
        f"(available: {', '.join(known) or 'none'})"
    )


def _from_texts(header: str, texts: pd.Series) -> Grouping:
    """A column outside the instrument grouped by its answers, as an instrument's columns
    are read: case, spacing and a number's spelling ("2", "2.0") do not make a new group.

    Each group is labelled with its most common spelling; groups are in natural order
    ('2' before '10'); blank cells (None or NaN) are in no group.
    """
    import numpy as np
    import pandas as pd

    codes, spellings = pd.factorize(texts, use_na_sentinel=True)
    uses = np.bincount(codes[codes >= 0], minlength=len(spellings))
    spelling_of: dict[str | float, tuple[int, str]] = {}
    group_keys = [_group_key(str(spelling)) for spelling in spellings]
    for spelling, group_key, n in zip(spellings, group_keys, uses, strict=True):
        best = spelling_of.get(group_key)
        if best is None or n > best[0]:
            spelling_of[group_key] = (int(n), str(spelling))
    labels = sorted((label for _, label in spelling_of.values()), key=_natural_key)
    place = {label: j for j, label in enumerate(labels)}
    position = {key: place[label] for key, (_, label) in spelling_of.items()}
    lookup = np.array([position[k] for k in group_keys] + [-1], dtype="int64")
    return Grouping(
        id=header,
        label=header,
        labels=tuple(labels),
        codes=np.take(lookup, np.where(codes < 0, len(group_keys), codes)),
        ordered=False,
    )


#: A number as typed in a cell: "2", "-3", "2.0", "1e3" (not "1,000", "1_0" or "nan").
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _group_key(text: str) -> str | float:
    """What makes two answers the same group: their normalized text, or their value when
    they are plain numbers that a float holds exactly (so long ids stay apart)."""
    stripped = text.strip()
    if _PLAIN_NUMBER.fullmatch(stripped):
        number = float(stripped)
        if math.isfinite(number) and abs(number) < 2**53:
            return number
    return normalize_text(text)


def _natural_key(text: str) -> tuple[int, float, str]:
    """Sort numbers numerically ('2' before '10'), then text ('nan' and 'inf' are text)."""
    normalized = normalize_text(text)
    try:
        number = float(normalized)
    except ValueError:
        return (1, 0.0, normalized)
    if not math.isfinite(number):
        return (1, 0.0, normalized)
    return (0, number, normalized)


def level_rows(scale: Scale, *, collapse: bool) -> tuple[np.ndarray, tuple[str, ...]]:
    """The row of each level position (Responses.level_index), and the row labels.

    Rows run least favourable first: the scale's levels from the negative to the
    positive end (the order a trend test scores them in), or with ``collapse`` its
    collapse groups in the same direction. The lookup has one entry per level plus one
    for a missing answer, which goes to the row after the last (``len(labels)``), the
    slot :meth:`JointGroups.crosstabs` leaves out.
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
    lookup = np.array(
        [position[code] for code in scale.codes] + [len(labels)],
        dtype=np.min_scalar_type(len(labels)),
    )
    return lookup, labels


def crosstab(rows: np.ndarray, groups: np.ndarray, n_rows: int, n_groups: int) -> np.ndarray:
    """Counts of (row, group) pairs where both are known (>= 0), as an n_rows x n_groups table.

    Unknowns go to an extra row and column that are cut off afterwards, which is cheaper
    than selecting the known pairs first.
    """
    import numpy as np

    # In int64 whatever the codes' own type: the flat index outgrows a small one.
    rows = np.where(rows < 0, n_rows, rows).astype("int64")
    groups = np.where(groups < 0, n_groups, groups).astype("int64")
    flat = rows * (n_groups + 1) + groups
    counts = np.bincount(flat, minlength=(n_rows + 1) * (n_groups + 1))
    return counts.reshape(n_rows + 1, n_groups + 1)[:n_rows, :n_groups]


#: The most joint groups one bincount may count at once; more groupings than fit are
#: counted in further passes.
JOINT_GROUPS_LIMIT = 1 << 16


class JointGroups:
    """Respondents' groups in several groupings at once, as one joint code each.

    :meth:`crosstabs` counts an item against every grouping with one ``bincount`` over
    (row, joint group) and takes each grouping's table as a margin of that count, so a
    survey's crosstabs cost one pass per item, not one per item and grouping. One
    instance is for one thread.
    """

    def __init__(self, groupings: Sequence[Grouping]) -> None:
        import numpy as np

        self.groupings = tuple(groupings)
        self._packs: list[tuple[list[int], np.ndarray]] = []
        # Reused for every item's keys (not thread-safe): fresh memory for each item
        # costs more in page faults than the counting.
        self._key: np.ndarray | None = None
        for grouping in self.groupings:
            size = len(grouping.labels) + 1  # the last slot: group unknown
            if not self._packs or math.prod(self._packs[-1][0]) * size > JOINT_GROUPS_LIMIT:
                self._packs.append(([], np.zeros(len(grouping.codes), dtype="int64")))
            sizes, codes = self._packs[-1]
            sizes.append(size)
            codes *= size
            codes += np.where(grouping.codes < 0, size - 1, grouping.codes)

    def crosstabs(self, rows: np.ndarray, n_rows: int) -> list[np.ndarray]:
        """One ``n_rows x n_groups`` table of counts per grouping, over respondents whose
        row and group are both known; ``rows[i]`` is in 0..n_rows, ``n_rows`` when the
        row is unknown. Equal to :func:`crosstab` for each grouping."""
        import numpy as np

        tables: list[np.ndarray] = []
        if self._key is None or len(self._key) != len(rows):
            self._key = np.empty(len(rows), dtype="int64")
        key = self._key
        for sizes, codes in self._packs:
            n_joint = math.prod(sizes)
            np.multiply(rows, n_joint, out=key, dtype="int64")
            key += codes
            joint = np.bincount(key, minlength=(n_rows + 1) * n_joint)
            joint = joint.reshape(n_rows + 1, *sizes)
            for axis, size in enumerate(sizes, start=1):
                others = tuple(a for a in range(1, len(sizes) + 1) if a != axis)
                margin = joint.sum(axis=others) if others else joint
                tables.append(margin[:n_rows, : size - 1])
        return tables
