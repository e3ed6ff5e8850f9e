"""Grouping respondents: a demographic (or any column) as integer group codes.

The crosstabs of items against groupings are counted by cipp.stats.crosstab.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from cipp.model.errors import CippError, option
from cipp.model.instrument import normalize_header, normalize_text
from cipp.model.responses import Grouping, Responses
from cipp.model.table import arrow_ints, arrow_valid
from cipp.stats.describe import group_codes

if TYPE_CHECKING:
    import pyarrow as pa


def resolve_grouping(responses: Responses, name: str, *, parameter: str = "by") -> Grouping:
    """The grouping named by a demographic id or label, or by any other column's header.

    Numeric demographics are grouped by the instrument's bins (age groups); a column
    outside the instrument is grouped by its distinct answers (see :func:`_from_texts`).
    """
    instrument = responses.instrument
    key = normalize_header(name)
    for demographic in instrument.demographics:
        if key in {normalize_header(h) for h in demographic.headers()}:
            if demographic.id not in responses.demographic_values:
                raise CippError(
                    f"{option(parameter, name)}: demographic '{demographic.id}' has no column in "
                    f"{responses.source}"
                )
            if demographic.kind == "numeric" and not demographic.bins:
                raise CippError(
                    f"{option(parameter, name)}: numeric demographic '{demographic.id}' has "
                    "no bins in the instrument to group it by"
                )
            return Grouping(
                id=demographic.id,
                label=demographic.label,
                labels=tuple(str(label) for label in demographic.group_labels),
                codes=group_codes(demographic, responses.demographic_values[demographic.id]),
                ordered=demographic.ordered or demographic.kind == "numeric",
            )
    headers = [h for h in responses.other_headers if normalize_header(h) == key]
    if len(headers) > 1:
        listed = ", ".join(f"'{h}'" for h in headers)
        raise CippError(
            f"{option(parameter, name)}: {len(headers)} columns of {responses.source} are "
            f"headed so ({listed}); rename all but one"
        )
    if headers:
        return _from_texts(str(headers[0]), responses.other_texts(headers[0]))
    known = [d.id for d in instrument.demographics if d.id in responses.demographic_values]
    known += [str(h) for h in responses.other_headers]
    raise CippError(
        f"{option(parameter, name)}: no such demographic or column "
        f"(available: {', '.join(known) or 'none'})"
    )


def _from_texts(header: str, texts: pa.Array | pa.ChunkedArray) -> Grouping:
    """A column outside the instrument grouped by its answers, as an instrument's columns
    are read: case, spacing and a number's spelling ("2", "2.0") do not make a new group.

    Each group is labelled with its most common spelling; groups are in natural order
    ('2' before '10'); blank cells (null) are in no group.
    """
    import numpy as np
    import pyarrow as pa

    # Each distinct spelling once (Arrow's dictionary encoding), not each cell.
    encoded = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    encoded = encoded.dictionary_encode()
    spellings = encoded.dictionary.to_pylist()
    codes = arrow_ints(encoded.indices).astype("int64")
    codes[~arrow_valid(encoded.indices)] = -1
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
