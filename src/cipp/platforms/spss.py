"""SPSS (.sav, .zsav) and Stata (.dta) through pyreadstat: metadata in, codes in, data out.

pyreadstat is optional (``pip install 'cipp[spss]'``); it is imported inside the
functions, and its absence is a one-line :class:`~cipp.model.errors.CippError`.

Import (metadata): a variable with value labels is an item (levels are the labelled
codes; variable label = text); SPSS user-missing values (discrete, or small integer
ranges) and Stata's extended missing values (``.a`` .. ``.z``) leave the levels and
become the scale's missing values (code and label). Numeric variables without value
labels can be kept as demographics; string variables are free text; dates skipped.
Codes are read as numbers and labels mapped in cipp: pyreadstat's ordered-category
conversion fails on columns with missing values.

Responses: codes as text ("3", not 3.0); user-missing values keep their code
(``"99"``, Stata ``".a"``), so they count as missing only if the instrument lists them.

Export: item codes with value labels, variable labels (item text), user-missing
values (SPSS discrete missing values; Stata extended missing ``.a``..) and measure
levels (likert/rating ordinal, binary nominal, numbers scale). The tests write a file,
read it back with pyreadstat and compare codes, labels and missing values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.model.errors import CippError, DataError, OutputError, option
from cipp.model.instrument import normalize_header, normalize_text
from cipp.model.responses import Responses
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
from cipp.platforms.tables import texts

if TYPE_CHECKING:
    import pandas as pd

    from cipp.platforms.registry import Importer, Platform

SPSS_SUFFIXES = (".sav", ".zsav", ".por")
STATA_SUFFIXES = (".dta",)
_DATE_FORMAT = re.compile(
    r"^(%t|DATE|ADATE|EDATE|SDATE|JDATE|DATETIME|TIME|DTIME|WKDAY|MONTH)", re.IGNORECASE
)
_MAX_RANGE = 20


def pyreadstat_module() -> Any:
    """pyreadstat, or a one-line error saying how to install it."""
    try:
        import pyreadstat
    except ImportError:
        raise CippError("SPSS and Stata files need pyreadstat: pip install 'cipp[spss]'") from None
    return pyreadstat


def _read(path: Path, *, metadataonly: bool) -> tuple[Any, Any]:
    pyreadstat = pyreadstat_module()
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
    _, meta = _read(path, metadataonly=True)
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


# --- export -----------------------------------------------------------------------------


@dataclass
class ExportData:
    """A data frame and the metadata pyreadstat writes with it."""

    frame: pd.DataFrame
    labels: dict[str, str]
    value_labels: dict[str, dict[Any, str]]
    missing: dict[str, list[Any]]
    measure: dict[str, str]
    notes: list[str] = field(default_factory=list)


def _variable_name(raw: str, taken: set[str], *, stata: bool, notes: list[str]) -> str:
    limit = 32 if stata else 64
    name = re.sub(r"[^A-Za-z0-9_]" if stata else r"[^A-Za-z0-9_.@#$]", "_", raw)
    if not re.match(r"[A-Za-z]", name):
        name = f"v{name}"
    name = name[:limit].rstrip(".")
    base, number = name, 2
    while name.casefold() in taken:
        suffix = f"_{number}"
        name, number = base[: limit - len(suffix)] + suffix, number + 1
    taken.add(name.casefold())
    if name != raw:
        notes.append(f"{raw} is written as {name}")
    return name


def _numeric_missing(scale_missing: Iterable[str]) -> list[int]:
    out: list[int] = []
    for value in scale_missing:
        code = as_code(value)
        if code is not None and code not in out:
            out.append(code)
    return out


def _missing_plan(
    missing_values: Sequence[str], taken: set[float], used: set[str]
) -> tuple[list[int], dict[int, str]]:
    """Numeric user-missing codes of a scale or demographic, and their labels.

    Numeric entries of ``missing_values`` are the codes; the first text entry labels
    them. When all are text and the data holds some, one code is made up for them: 99,
    or 999, 9999 ... when a level or an answer (``taken``) already has it.
    """
    codes = _numeric_missing(missing_values)
    texts = [m for m in missing_values if as_code(m) is None]
    if not codes and used:
        candidate = 99
        while candidate in taken:
            candidate = candidate * 10 + 9
        codes = [candidate]
    label = texts[0] if texts else "Missing"
    return codes, {code: label for code in codes}


def _with_missing_codes(
    name: str,
    values: list[float],
    raw: list[str | None],
    missing_values: Sequence[str],
    taken: set[float],
    *,
    stata: bool,
    notes: list[str],
) -> tuple[Any, list[Any], dict[Any, str]]:
    """One numeric variable of the export: ``values`` (NaN where missing), with the cells
    that held a declared missing value (``raw`` beside them) given a user-missing code.

    Their own code when they spell a number, else the first numeric missing code (see
    :func:`_missing_plan`); Stata gets them as extended missing values .a, .b, ...
    Blank cells stay system-missing. Returns the column, its missing values as
    pyreadstat takes them, and the labels of those values.
    """
    import numpy as np
    import pandas as pd

    declared = {normalize_text(m) for m in missing_values}
    used = {
        normalize_text(text)
        for text, value in zip(raw, values, strict=True)
        if text is not None and value != value and normalize_text(text) in declared
    }
    missing_codes, missing_labels = _missing_plan(missing_values, taken, used)
    coded: list[Any] = []
    for text, value in zip(raw, values, strict=True):
        if value == value:
            coded.append(value)
        elif text is not None and normalize_text(text) in used:
            own = as_code(text)
            coded.append(float(own if own in missing_codes else missing_codes[0]))
        else:
            coded.append(np.nan)
    if stata and missing_codes:
        letters = {code: chr(ord("a") + i) for i, code in enumerate(missing_codes[:26])}
        coded = [
            letters[int(v)] if isinstance(v, float) and v == v and int(v) in letters else v
            for v in coded
        ]
        labels = {letter: missing_labels[code] for code, letter in letters.items()}
        return pd.Series(coded, dtype=object), list(letters.values()), labels
    declared_codes = _spss_missing(missing_codes, notes, name) if missing_codes else []
    return pd.Series(coded, dtype="float64"), declared_codes, dict(missing_labels)


def build_export(responses: Responses, table: RawTable, *, stata: bool = False) -> ExportData:
    """Codes, labels, user-missing values and measure levels of loaded responses.

    Declared-missing cells (a value the scale or demographic lists as missing) keep a
    user-missing code: their own code when they spell a number, else the first numeric
    missing code (one is made up when there is none). Blank cells are system-missing.
    """
    import numpy as np
    import pandas as pd

    instrument = responses.instrument
    notes: list[str] = []
    taken: set[str] = set()
    data: dict[str, Any] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[Any]] = {}
    measure: dict[str, str] = {}
    positions = {normalize_header(h): j for j, h in reversed(list(enumerate(table.headers)))}
    row_of = {int(row): i for i, row in enumerate(table.rows)}
    rows = [row_of[row] for row in responses.codes.index]

    for item in responses.items_asked:
        scale = instrument.scale_of(item)
        name = _variable_name(item.id, taken, stata=stata, notes=notes)
        codes = responses.codes[item.id]
        raw = texts(table, positions[normalize_header(responses.columns[item.id])])
        values = [np.nan if code is pd.NA else float(code) for code in codes.tolist()]
        data[name], declared, missing_labels = _with_missing_codes(
            name,
            values,
            [raw[i] for i in rows],
            scale.missing,
            set(map(float, scale.codes)),
            stata=stata,
            notes=notes,
        )
        if declared:
            missing[name] = declared
        level_labels: dict[Any, str] = {level.code: level.label for level in scale.levels}
        level_labels.update(missing_labels)
        labels[name] = item.text
        value_labels[name] = level_labels
        measure[name] = "nominal" if scale.kind == "binary" else "ordinal"

    for demographic in instrument.demographics:
        if demographic.id not in responses.demographics.columns:
            continue
        name = _variable_name(demographic.id, taken, stata=stata, notes=notes)
        column = responses.demographics[demographic.id]
        labels[name] = demographic.label
        raw = texts(table, positions[normalize_header(responses.columns[demographic.id])])
        if demographic.kind == "numeric":
            values = [float(v) for v in np.asarray(column, dtype="float64")]
            taken_values = {v for v in values if v == v}
            measure[name] = "scale"
            level_labels = {}
        else:
            code_of = {level.label: level.code for level in demographic.levels}
            values = [
                float(code_of[v]) if isinstance(v, str) and v in code_of else np.nan for v in column
            ]
            taken_values = {float(level.code) for level in demographic.levels}
            measure[name] = "ordinal" if demographic.ordered else "nominal"
            level_labels = {level.code: level.label for level in demographic.levels}
        data[name], declared, missing_labels = _with_missing_codes(
            name,
            values,
            [raw[i] for i in rows],
            demographic.missing,
            taken_values,
            stata=stata,
            notes=notes,
        )
        if declared:
            missing[name] = declared
        level_labels.update(missing_labels)
        if level_labels:
            value_labels[name] = level_labels

    other = {normalize_header(h): h for h in responses.other.columns}
    for text_name in instrument.free_text:
        header = other.get(normalize_header(text_name))
        if header is None:
            continue
        name = _variable_name(text_name, taken, stata=stata, notes=notes)
        answers = [v if isinstance(v, str) else "" for v in responses.other[header].tolist()]
        data[name] = pd.Series(answers, dtype=object)
        measure[name] = "nominal"
    frame = pd.DataFrame(data)
    if stata:
        for name, text in list(labels.items()):
            if len(text) > 80:
                labels[name] = text[:77] + "..."
                notes.append(f"{name}: variable label shortened to Stata's 80 characters")
    return ExportData(frame, labels, value_labels, missing, measure, notes)


def _spss_missing(codes: list[int], notes: list[str], name: str) -> list[Any]:
    """SPSS allows three discrete missing values, or a range plus one value."""
    if len(codes) <= 3:
        return list(codes)
    low, high = min(codes), max(codes)
    notes.append(f"{name}: more than three missing codes; declared the range {low} to {high}")
    return [{"lo": low, "hi": high}]


def write_export(data: ExportData, out: Path, *, stata: bool, inputs: Iterable[Path]) -> None:
    """Write a .sav (or .dta) atomically, never over an input."""
    from cipp.render.files import write_with

    pyreadstat = pyreadstat_module()

    def write(tmp: Path) -> None:
        try:
            if stata:
                pyreadstat.write_dta(
                    data.frame,
                    str(tmp),
                    column_labels=data.labels,
                    variable_value_labels=data.value_labels,
                    missing_user_values=data.missing,
                )
            else:
                pyreadstat.write_sav(
                    data.frame,
                    str(tmp),
                    column_labels=data.labels,
                    variable_value_labels=data.value_labels,
                    missing_ranges=data.missing,
                    variable_measure=data.measure,
                )
        except (pyreadstat.ReadstatError, ValueError, TypeError) as error:
            raise OutputError(f"{out}: pyreadstat could not write the file ({error})") from None

    write_with(out, write, inputs=inputs)
