"""Crosstabs: an item's answers against groups of respondents, counted fast.

An item's crosstabs against every grouping variable come from one numpy ``bincount``
over (row, joint group) integer codes (:class:`JointGroups`), so a whole survey's tables
cost little next to reading the file; :func:`crosstab` is the plain one-grouping version.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cipp.model.instrument import Scale
from cipp.model.responses import Grouping

if TYPE_CHECKING:
    import numpy as np


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
