"""Responses as SPSS (.sav) and Stata (.dta) files, through pyreadstat.

Item codes with value labels, variable labels (item text), user-missing values (SPSS
discrete missing values; Stata extended missing ``.a``..) and measure levels
(likert/rating ordinal, binary nominal, numbers scale). The tests write a file, read it
back with pyreadstat and compare codes, labels and missing values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cipp.model.errors import OutputError
from cipp.model.instrument import normalize_header, normalize_text
from cipp.model.responses import Responses
from cipp.model.table import RawTable
from cipp.platforms.draft import as_code
from cipp.platforms.spss import pyreadstat_module
from cipp.platforms.tables import texts

if TYPE_CHECKING:
    import pandas as pd


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

    other = {normalize_header(h): h for h in responses.other_headers}
    for text_name in instrument.free_text:
        header = other.get(normalize_header(text_name))
        if header is None:
            continue
        name = _variable_name(text_name, taken, stata=stata, notes=notes)
        cells = responses.other_column(header).tolist()
        answers = [v if isinstance(v, str) else "" for v in cells]
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


def write_export(data: ExportData, path: Path, *, stata: bool) -> None:
    """Write a .sav (or .dta) file at ``path``, replacing any file there.

    The caller picks the path: the command line gives a temporary file beside the output
    and renames it when this returns, so a failed write never leaves half a file.
    """
    pyreadstat = pyreadstat_module()
    try:
        if stata:
            pyreadstat.write_dta(
                data.frame,
                str(path),
                column_labels=data.labels,
                variable_value_labels=data.value_labels,
                missing_user_values=data.missing,
            )
        else:
            pyreadstat.write_sav(
                data.frame,
                str(path),
                column_labels=data.labels,
                variable_value_labels=data.value_labels,
                missing_ranges=data.missing,
                variable_measure=data.measure,
            )
    except (pyreadstat.ReadstatError, ValueError, TypeError) as error:
        raise OutputError(f"{path}: pyreadstat could not write the file ({error})") from None
