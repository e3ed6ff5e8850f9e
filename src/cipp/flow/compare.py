"""compare(): the same respondents before and after, matched by an id column.

Respondents are matched by the exact text of their id (spaces around it trimmed): an id
given on several rows of a file is a duplicate and none of its rows is paired, an id
found in one file only is unmatched; both are counted and listed, never guessed. Every
item asked in both files is compared over the pairs who answered it both times, and every
CIPP component over the pairs who answered any of its items both times (each
respondent's mean positivity: the share of their answers that are positive).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.flow.analysis import load_file
from cipp.model.errors import DataError, option
from cipp.model.instrument import COMPONENTS, Instrument, Item, normalize_header
from cipp.model.paired import Comparison, Matching, PairedItem
from cipp.model.responses import Responses
from cipp.stats.describe import COMPONENT_ROWS
from cipp.stats.paired import mcnemar, paired_proportions, signed_rank, stuart_maxwell

if TYPE_CHECKING:
    import numpy as np


def _ids(responses: Responses, id_column: str) -> list[str | None]:
    """Each respondent's id text (None when blank), from the column headed ``id_column``."""
    key = normalize_header(id_column)
    headers = [h for h in responses.other.columns if normalize_header(h) == key]
    if not headers:
        available = ", ".join(f"'{h}'" for h in responses.other.columns) or "none"
        raise DataError(
            f"{responses.source}: {option('id_column', id_column)}: no such column "
            f"(columns outside the instrument: {available})"
        )
    if len(headers) > 1:
        raise DataError(
            f"{responses.source}: {option('id_column', id_column)}: {len(headers)} columns "
            "are headed so; rename all but one"
        )
    ids: list[str | None] = []
    for value in responses.other[headers[0]].tolist():
        text = None if value is None or value != value else str(value).strip()
        ids.append(text or None)
    return ids


def match(
    before: Responses, after: Responses, id_column: str
) -> tuple[list[tuple[int, int]], Matching, Matching]:
    """The pairs (position before, position after), in the order of the first file, and
    how each file matched."""
    ids = (_ids(before, id_column), _ids(after, id_column))
    counts = [Counter(i for i in found if i is not None) for found in ids]
    unique = [{i for i, n in count.items() if n == 1} for count in counts]
    paired = unique[0] & unique[1]
    where_after = {i: k for k, i in enumerate(ids[1]) if i in paired}
    pairs = [(k, where_after[i]) for k, i in enumerate(ids[0]) if i in paired]
    matchings = []
    for side, responses in enumerate((before, after)):
        other = counts[1 - side]
        matchings.append(
            Matching(
                file=responses.source,
                sheet=responses.sheet,
                n_respondents=responses.n_respondents,
                duplicates=tuple(sorted(i for i, n in counts[side].items() if n > 1)),
                unmatched=tuple(sorted(i for i in counts[side] if i not in other)),
                missing_id=sum(1 for i in ids[side] if i is None),
            )
        )
    return pairs, matchings[0], matchings[1]


def _paired_record(
    fields: dict[str, Any],
    labels: tuple[str, ...],
    table: Any,
    positive: tuple[np.ndarray, np.ndarray],
    values: tuple[np.ndarray, np.ndarray],
) -> PairedItem:
    """The tests of one item or component from its pairs' table, positive flags and values."""
    was, now = positive
    a = int((was & now).sum())
    b = int((was & ~now).sum())
    c = int((~was & now).sum())
    d = int((~was & ~now).sum())
    return PairedItem(
        **fields,
        n_pairs=int(len(was)),
        labels=labels,
        table=tuple(tuple(int(n) for n in row) for row in table),
        mcnemar=mcnemar(b, c),
        marginal_homogeneity=stuart_maxwell(table, labels),
        wilcoxon=signed_rank(values[0], values[1]),
        positive=paired_proportions(a, b, c, d),
        mean_before=float(values[0].mean()) if len(was) else float("nan"),
        mean_after=float(values[1].mean()) if len(was) else float("nan"),
    )


def _item(
    item: Item, instrument: Instrument, sides: tuple[Responses, Responses], rows: Any
) -> PairedItem:
    import numpy as np

    scale = instrument.scale_of(item)
    k = len(scale.codes)
    before = sides[0].level_index(item.id)[rows[0]].astype("int64")
    after = sides[1].level_index(item.id)[rows[1]].astype("int64")
    both = (before < k) & (after < k)
    before, after = before[both], after[both]
    table = np.bincount(before * k + after, minlength=k * k).reshape(k, k)
    codes = np.array(scale.codes, dtype="float64")
    is_positive = np.array([code in scale.positive_group.codes for code in scale.codes])
    fields = {
        "item": item.id,
        "text": item.text,
        "level": "item",
        "component": item.component,
        "positive_label": scale.positive_group.label,
    }
    labels = tuple(level.label for level in scale.levels)
    return _paired_record(
        fields,
        labels,
        table,
        (is_positive[before], is_positive[after]),
        (codes[before], codes[after]),
    )


def _positivity(responses: Responses, items: list[Item], rows: Any) -> np.ndarray:
    """Each paired respondent's share of positive answers to ``items`` (NaN: none)."""
    import numpy as np

    positive = np.zeros(len(rows))
    answered = np.zeros(len(rows))
    for item in items:
        scale = responses.instrument.scale_of(item)
        step = np.array([c in scale.positive_group.codes for c in scale.codes] + [False])
        levels = responses.level_index(item.id)[rows]
        positive += step[levels]
        answered += levels < len(scale.codes)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(answered > 0, positive / np.maximum(answered, 1), np.nan)


def _component(
    component: str, items: list[Item], sides: tuple[Responses, Responses], rows: Any
) -> PairedItem:
    import numpy as np

    before = _positivity(sides[0], items, rows[0])
    after = _positivity(sides[1], items, rows[1])
    both = ~np.isnan(before) & ~np.isnan(after)
    before, after = before[both], after[both]
    was, now = before > 0.5, after > 0.5
    table = np.array(
        [[(~was & ~now).sum(), (~was & now).sum()], [(was & ~now).sum(), (was & now).sum()]]
    )
    fields = {
        "item": component,
        "text": f"{component.capitalize()}: respondents mostly positive",
        "level": "component",
        "component": component,
        "positive_label": COMPONENT_ROWS[1],
    }
    return _paired_record(fields, COMPONENT_ROWS, table, (was, now), (100 * before, 100 * after))


def _ids_count(ids: tuple[str, ...]) -> str:
    return f"1 id ({ids[0]})" if len(ids) == 1 else f"{len(ids)} ids"


def compare(before: Responses, after: Responses, id_column: str) -> Comparison:
    """Match two sets of responses to one instrument by ``id_column`` and compare every
    item and component asked in both (see the module's docstring)."""
    import numpy as np

    instrument = before.instrument
    pairs, matched_before, matched_after = match(before, after, id_column)
    rows = (
        np.array([p for p, _ in pairs], dtype="int64"),
        np.array([q for _, q in pairs], dtype="int64"),
    )
    asked_after = {item.id for item in after.items_asked}
    items = [item for item in before.items_asked if item.id in asked_after]
    not_compared = tuple(
        item.id
        for item in instrument.items
        if item.id not in {i.id for i in items}
        and (item.id in asked_after or item in before.items_asked)
    )
    sides = (before, after)
    compared = tuple(_item(item, instrument, sides, rows) for item in items)
    components = tuple(
        _component(c, [i for i in items if i.component == c], sides, rows)
        for c in COMPONENTS
        if any(i.component == c for i in items)
    )
    notes = []
    for matching, name in ((matched_before, "before"), (matched_after, "after")):
        if matching.duplicates:
            notes.append(
                f"{matching.file} ({name}): {_ids_count(matching.duplicates)} given on more "
                "than one row, not paired (which row is the right one cannot be known)."
            )
        if matching.unmatched:
            notes.append(
                f"{matching.file} ({name}): {_ids_count(matching.unmatched)} not in the other file."
            )
        if matching.missing_id:
            notes.append(f"{matching.file} ({name}): {matching.missing_id} rows have no id.")
    for item_id in not_compared:
        notes.append(f"Item '{item_id}' was asked in one file only and is not compared.")
    return Comparison(
        instrument=instrument,
        id_column=id_column,
        before=matched_before,
        after=matched_after,
        n_pairs=len(pairs),
        items=compared,
        components=components,
        items_not_compared=not_compared,
        notes=tuple(notes),
    )


def compare_files(
    before: str | Path,
    after: str | Path,
    *,
    id_column: str,
    instrument: str | Path | Instrument | None = None,
    sheet: str | None = None,
    lenient: bool = False,
    source: str = "auto",
    complete_only: bool = False,
) -> Comparison:
    """Read both files with one instrument (given, or detected from BEFORE) and compare."""
    first = load_file(
        before,
        instrument=instrument,
        sheet=sheet,
        lenient=lenient,
        source=source,
        complete_only=complete_only,
        require_all_items=False,
    )
    second = load_file(
        after,
        instrument=first.responses.instrument,
        sheet=sheet,
        lenient=lenient,
        source=source,
        complete_only=complete_only,
        require_all_items=False,
    )
    comparison = compare(first.responses, second.responses, id_column)
    if first.instrument_note:
        from dataclasses import replace

        comparison = replace(comparison, notes=(first.instrument_note, *comparison.notes))
    return comparison
