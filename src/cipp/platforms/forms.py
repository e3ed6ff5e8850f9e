"""Google Forms and Microsoft Forms: their response files, and every export's own columns.

These platforms export no questionnaire definition; :mod:`cipp.platforms.scaffolding`
drafts an instrument from a response file instead. :func:`metadata_columns` tells the
columns a platform adds itself (timestamps, respondents, scores; KoboToolbox's and
ODK's submission fields) from the questions.

Exports (as the platforms document them; the tests use hand-written fixtures, not real
downloads): Google Forms CSV has ``Timestamp`` (or its translation) first; Microsoft
Forms xlsx starts with ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``.
A Microsoft Forms multi-select column is split into ``"<question> [<option>]"`` columns
of 1/0 without an instrument; a Google one needs the instrument (labels may hold
``", "``), see :func:`cipp.platforms.exports.expand_choices`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from cipp.model.errors import DataError, option
from cipp.model.instrument import normalize_header
from cipp.model.table import RawTable
from cipp.platforms import tables
from cipp.platforms.draft import option_text
from cipp.platforms.registry import ReadRequest, TablePlatform

GOOGLE_TIMESTAMPS = frozenset(
    {
        "timestamp",
        "marca temporal",
        "horodateur",
        "zeitstempel",
        "carimbo de data/hora",
        "informazioni cronologiche",
        "tijdstempel",
        "sygnatura czasowa",
        "tidsstempel",
    }
)
GOOGLE_COLUMNS = frozenset({"timestamp", "email address", "score", "total score"})
MSFORMS_START = ("id", "start time", "completion time")
MSFORMS_COLUMNS = frozenset(
    {
        "id",
        "start time",
        "completion time",
        "email",
        "name",
        "last modified time",
        "total points",
        "quiz feedback",
        "language",
    }
)


def looks_like_google(table: RawTable) -> bool:
    return bool(table.headers) and normalize_header(table.headers[0]) in GOOGLE_TIMESTAMPS


def looks_like_msforms(table: RawTable) -> bool:
    keys = tuple(normalize_header(h) for h in table.headers[:3])
    return keys == MSFORMS_START


def metadata_columns(table: RawTable) -> set[int]:
    """Positions of an export's own columns (timestamp, respondent, score; for KoboToolbox
    and ODK the submission's fields and the form's metadata questions)."""
    if looks_like_msforms(table):
        names = MSFORMS_COLUMNS
    elif looks_like_google(table):
        names = GOOGLE_COLUMNS | GOOGLE_TIMESTAMPS
    elif xlsform_platform(table) is not None:
        return {j for j, h in enumerate(table.headers) if _is_xlsform_metadata(h)}
    else:
        names = frozenset()
    return {j for j, h in enumerate(table.headers) if normalize_header(h) in names}


def xlsform_platform(table: RawTable) -> str | None:
    from cipp.platforms import xlsform

    if xlsform.looks_like_odk(table):
        return "odk"
    if xlsform.looks_like_kobo(table):
        return "kobo"
    return None


def _is_xlsform_metadata(header: str) -> bool:
    """Kobo's ``_id``, ``_uuid``, ``__version__`` ...; ODK's ``KEY``, ``meta-instanceID``,
    ``SubmissionDate``; and questions of the form's metadata types (start, end, deviceid)."""
    from cipp.platforms.xlsform import METADATA_TYPES, ODK_CENTRAL_COLUMNS

    name = header.strip()
    last = re.split(r"[/.:\-]", name)[-1]
    return (
        name.startswith("_")
        or name in ODK_CENTRAL_COLUMNS
        or name.lower().startswith(("meta-", "meta/", "meta.", "meta:", "formhub/", "__system"))
        or last.lower() in METADATA_TYPES
    )


def ms_options(values: Iterable[str]) -> list[str]:
    out: dict[str, None] = {}
    for value in values:
        for part in value.split(";"):
            if part.strip():
                out.setdefault(part.strip(), None)
    return list(out)


def is_ms_multi(values: list[str]) -> bool:
    """Microsoft Forms ends every multi-select answer with ';'."""
    return bool(values) and all(v.rstrip().endswith(";") for v in values)


def read_msforms(table: RawTable) -> RawTable:
    """Split ';'-joined multi-select columns into ``"<question> [<option>]"`` 1/0 columns."""
    columns: list[tuple[str, Any, int]] = []
    meta = metadata_columns(table)
    changed = False
    for position, header in enumerate(table.headers):
        sheet_position = tables.positions(table)[position]
        column = table.cells[position]
        values = [v for v in tables.texts(table, position) if v is not None]
        if position in meta or not is_ms_multi(values):
            columns.append((header, column, sheet_position))
            continue
        changed = True
        cells = tables.texts(table, position)
        for choice in ms_options(values):
            split = [None if v is None else ("1" if choice in _split_ms(v) else "0") for v in cells]
            columns.append((option_text(header, choice), split, sheet_position))
    return tables.rebuilt(table, columns) if changed else table


def _split_ms(value: str) -> set[str]:
    return {p.strip() for p in value.split(";") if p.strip()}


def _tidy_msforms(table: RawTable, request: ReadRequest) -> RawTable:
    if not looks_like_msforms(table):
        raise DataError(
            f"{table.where()}: not a Microsoft Forms export (it starts with ID, "
            f"Start time, Completion time); use {option('source', 'auto')}"
        )
    # With an instrument, expand_choices splits the answers on its options' labels.
    return read_msforms(table) if request.instrument is None else table


def _tidy_google(table: RawTable, request: ReadRequest) -> RawTable:
    if not looks_like_google(table):
        raise DataError(
            f"{table.where()}: not a Google Forms export (its first column is "
            f"Timestamp); use {option('source', 'auto')}"
        )
    return table


MSFORMS = TablePlatform(
    name="msforms",
    title="Microsoft Forms",
    looks_like=looks_like_msforms,
    tidy=_tidy_msforms,
    metadata=MSFORMS_COLUMNS,
)
GOOGLE = TablePlatform(
    name="google",
    title="Google Forms",
    looks_like=looks_like_google,
    tidy=_tidy_google,
    metadata=GOOGLE_COLUMNS,
)
