"""SPSS (.sav, .zsav) and Stata (.dta) through pyreadstat: metadata in, codes in.

pyreadstat is optional (``pip install 'cipp[spss]'``); it is imported inside the
functions, and its absence is a one-line :class:`~cipp.model.errors.CippError`.

Import (metadata): a variable with value labels is an item (levels are the labelled
codes; variable label = text). A numeric scale labelled at some values only (1 = "very
poor" ... 10 = "very good"; 1, 3 and 5 of a 1-5 scale) gets a level for every whole
number between its lowest and highest label, labelled by its number where the file
gives no label; a value in the data beyond the labels (12, 99) is a missing value, said
in the import report, never a new end of the scale. SPSS user-missing
values (discrete, or small integer ranges) and Stata's extended missing values (``.a``
.. ``.z``) leave the levels and become the scale's missing values (code and label).
Numeric variables without value labels can be kept as demographics; string variables
are free text; dates skipped.
Codes are read as numbers and labels mapped in cipp: pyreadstat's ordered-category
conversion fails on columns with missing values.

Responses: codes as text ("3", not 3.0); user-missing values keep their code
(``"99"``, Stata ``".a"``), so they count as missing only if the instrument lists them.

Writing responses as .sav/.dta files is :mod:`cipp.platforms.spss_writer`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.model.errors import CippError, DataError, option
from cipp.model.table import RawTable
from cipp.platforms.draft import (
    Choice,
    Draft,
    ImportOptions,
    ImportResult,
    as_code,
    slug,
)
from cipp.platforms.registry import ReadRequest, complete_only_refused
from cipp.read.files import check_input

if TYPE_CHECKING:
    from cipp.platforms.registry import Importer, Platform

SPSS_SUFFIXES = (".sav", ".zsav", ".por")
STATA_SUFFIXES = (".dta",)
_DATE_FORMAT = re.compile(
    r"^(%t|DATE|ADATE|EDATE|SDATE|JDATE|DATETIME|TIME|DTIME|WKDAY|MONTH)", re.IGNORECASE
)
_MAX_RANGE = 20
#: The most levels a scale labelled at some values only is filled out to (0-100 ratings).
_MAX_FILLED = 101


def pyreadstat_module() -> Any:
    """pyreadstat, or a one-line error saying how to install it."""
    try:
        import pyreadstat
    except ImportError:
        raise CippError("SPSS and Stata files need pyreadstat: pip install 'cipp[spss]'") from None
    return pyreadstat


def _read(path: Path, *, metadataonly: bool) -> tuple[Any, Any]:
    pyreadstat = pyreadstat_module()
    check_input(path)  # a named pipe would be refused with a traceback, or block
    if not path.exists():
        raise DataError(f"{path}: file not found")
    suffix = path.suffix.lower()
    try:
        if suffix in STATA_SUFFIXES:
            # Stata's extended missing values are only reported when the data is read.
            return pyreadstat.read_dta(str(path), user_missing=True)
        if suffix == ".por":
            return pyreadstat.read_por(str(path), metadataonly=metadataonly)
        if suffix in SPSS_SUFFIXES:
            return pyreadstat.read_sav(str(path), metadataonly=metadataonly, user_missing=True)
    except pyreadstat.ReadstatError as error:
        raise DataError(f"{path}: not a readable SPSS/Stata file ({error})") from None
    raise DataError(f"{path}: expected an SPSS (.sav, .zsav, .por) or Stata (.dta) file")


def _missing_codes(meta: Any, name: str, stata: bool) -> list[str]:
    """The values a file declares missing in a variable, as text.

    Stata: every extended missing value .a-.z that occurs in the data or has a value
    label (a labelled .a is missing even when no case holds it). SPSS: the user-missing
    values and ranges."""
    if stata:
        occurring = (meta.missing_user_values or {}).get(name, [])
        labelled = (getattr(meta, "variable_value_labels", None) or {}).get(name, {})
        letters = [*occurring, *(k for k in labelled if isinstance(k, str) and len(k) == 1)]
        return [f".{letter}" for letter in dict.fromkeys(letters) if letter.isalpha()]
    out: list[str] = []
    for entry in (getattr(meta, "missing_ranges", None) or {}).get(name, []):
        lo, hi = entry.get("lo"), entry.get("hi")
        if isinstance(lo, str):
            out.append(lo)
            continue
        low, high = as_code(lo), as_code(hi)
        if low is not None and high is not None and 0 <= high - low <= _MAX_RANGE:
            out.extend(str(code) for code in range(low, high + 1))
        elif lo is not None:
            out.append(str(as_code(lo) if as_code(lo) is not None else lo))
    return out


def _label_key(value: object, stata: bool) -> str:
    if stata and isinstance(value, str) and len(value) == 1 and value.isalpha():
        return f".{value}"
    code = as_code(value)
    return str(code) if code is not None else str(value)


def from_spss(path: str | Path, options: ImportOptions | None = None) -> ImportResult:
    """Import the metadata of an SPSS .sav/.zsav/.por or Stata .dta file into an instrument."""
    path = Path(path)
    options = options or ImportOptions()
    stata = path.suffix.lower() in STATA_SUFFIXES
    frame, meta = _read(path, metadataonly=True)
    found: dict[str, set[int]] = {}

    def observed(name: str, missing_codes: list[str]) -> set[int]:
        """The whole numbers in a variable's data (its missing codes aside)."""
        if name not in found:
            values = frame[name] if stata else _column(path, name)
            numbers = {as_code(v) for v in values.tolist() if v == v and v is not None}
            found[name] = {n for n in numbers if n is not None and str(n) not in missing_codes}
        return found[name]

    draft = Draft(
        "stata" if stata else "spss",
        path,
        options,
        title="Stata file" if stata else "SPSS file",
    )
    labels = dict(zip(meta.column_names, meta.column_labels or [], strict=False))
    value_labels = meta.variable_value_labels or {}
    types = meta.original_variable_types or {}
    readstat_types = getattr(meta, "readstat_variable_types", None) or {}
    for name in meta.column_names:
        text = (labels.get(name) or "").strip()
        fmt = str(types.get(name, ""))
        is_string = (
            readstat_types.get(name) == "string"
            or fmt.upper().startswith("A")
            or (stata and re.match(r"^%-?\d*s", fmt) is not None)
        )
        missing_codes = _missing_codes(meta, name, stata)
        if name in value_labels and value_labels[name]:
            labelled = {_label_key(k, stata): str(v) for k, v in value_labels[name].items()}
            missing = [(code, labelled.get(code, "")) for code in missing_codes]
            choices = [
                Choice(code, label) for code, label in labelled.items() if code not in missing_codes
            ]
            if len(choices) < 2:
                draft.skip(name, "fewer than two labelled values")
                continue
            choices, outside = _filled(draft, name, choices, partial(observed, name, missing_codes))
            missing += [(code, "") for code in outside]
            draft.add_choice(name, text, choices, source_id=name, missing=missing)
        elif _DATE_FORMAT.match(fmt):
            draft.skip(name, f"a date or time ({fmt})")
        elif is_string:
            draft.add_free_text(name)
        else:
            draft.add_number(name, text)
    title = (getattr(meta, "file_label", None) or "").strip() or path.stem
    return draft.result(
        id=slug(path.stem),
        title=title,
        description=f"Imported from the {'Stata' if stata else 'SPSS'} file {path.name}",
    )


def _column(path: Path, name: str) -> Any:
    """One variable's data from an SPSS file (the import reads metadata only otherwise)."""
    pyreadstat = pyreadstat_module()
    reader = pyreadstat.read_por if path.suffix.lower() == ".por" else pyreadstat.read_sav
    try:
        frame, _ = reader(str(path), usecols=[name])
    except pyreadstat.ReadstatError as error:
        raise DataError(f"{path}: not a readable SPSS/Stata file ({error})") from None
    return frame[name]


def _filled(
    draft: Draft, name: str, choices: list[Choice], observed: Callable[[], set[int]]
) -> tuple[list[Choice], list[str]]:
    """The levels of a numeric scale labelled at some values only, and the values found
    in the data beyond its labels.

    Every whole number from the lowest to the highest label is a level, labelled by its
    number where the file gives no label. A value in the data beyond the labels (12 on
    a 1-10 scale, 99) is no level: made a scale end it would become the most (or least)
    favourable answer, and such a value is almost always a data-entry error or an
    undeclared missing code, so it is a missing value, said in the report. Other value
    labels are kept as they are.
    """
    codes = {as_code(choice.code): choice for choice in choices}
    if None in codes:
        return choices, []
    numbers = [code for code in codes if code is not None]
    low, high = min(numbers), max(numbers)
    outside = sorted(n for n in observed() if not low <= n <= high)
    if outside:
        draft.guessed.append(
            f"{name}: {', '.join(map(str, outside))} found in the data beyond its labelled "
            f"values ({low}-{high}); made missing values (if they are answers, label them "
            "in the file or add them as levels)"
        )
    span = set(range(low, high + 1))
    if span == set(numbers) or len(span) > _MAX_FILLED:
        return choices, [str(n) for n in outside]
    filled = [codes.get(n) or Choice(str(n), str(n)) for n in sorted(span)]
    added = sorted(span - set(numbers))
    draft.guessed.append(
        f"{name}: value labels on {len(numbers)} of its values; added a level for "
        f"{', '.join(map(str, added))}, labelled by its number"
    )
    return filled, [str(n) for n in outside]


def read_responses(path: Path) -> RawTable:
    """The data of an SPSS/Stata file as text cells: codes, not labels; case n is row n.

    The values the file declares missing (user-missing codes, Stata's .a-.z) go with the
    table (``file_missing``): they are missing with any instrument, so cipp reads its own
    exports back whatever the instrument declares."""
    frame, meta = _read(path, metadataonly=False)
    stata = path.suffix.lower() in STATA_SUFFIXES
    columns = []
    for name in meta.column_names:
        columns.append(tuple(_cell(value, stata) for value in frame[name].tolist()))
    file_missing = {
        name: frozenset(codes)
        for name in meta.column_names
        if (codes := _missing_codes(meta, name, stata))
    }
    return RawTable(
        path=path,
        sheet=None,
        headers=tuple(meta.column_names),
        header_row=0,
        rows=tuple(range(1, len(frame) + 1)),
        cells=tuple(columns),
        file_missing=file_missing,
    )


def _cell(value: Any, stata: bool) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        if stata and len(value) == 1 and value.isalpha():
            return f".{value}"
        return value.strip() or None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


@dataclass(frozen=True)
class DataFiles:
    """The :class:`~cipp.platforms.registry.Platform` of SPSS and Stata data files:
    recognised by their extension, read by pyreadstat (no sheets, no completion status)."""

    name: str
    title: str
    importer: Importer | None
    marks_complete: bool = False
    metadata: frozenset[str] = frozenset()

    def recognises(self, path: Path, table: RawTable | None) -> bool:
        return path.suffix.lower() in SPSS_SUFFIXES + STATA_SUFFIXES

    def open(self, path: Path, request: ReadRequest) -> RawTable:
        if request.sheet is not None:
            raise DataError(
                f"{path}: {option('sheet')} applies to Excel workbooks, not {self.title} files"
            )
        if request.complete_only:
            raise complete_only_refused(path)
        return read_responses(path)

    def read(self, table: RawTable, request: ReadRequest) -> RawTable:
        return table


PLATFORM: Platform = DataFiles(name="spss", title="SPSS/Stata", importer=from_spss)
