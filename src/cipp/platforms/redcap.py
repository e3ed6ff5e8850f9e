"""REDCap: the data dictionary to an instrument, and raw or label exports to raw cells.

Dictionary (REDCap's "Data Dictionary" download, 18 columns, or the API's snake_case
``metadata`` export; the tests check that both give the same instrument):
``radio``/``dropdown`` fields are items with their choices (``1, Yes | 0, No``, split on
the first comma only, so labels may hold commas); ``yesno`` and ``truefalse`` are 1/0
with an empty choices cell. A choice list REDCap could not have written (``1 Agree | 2
Disagree``, separators lost, a code twice, one choice of a radio field) skips its field,
with the cell (cut to 80 characters) in the import report, and is never read as some
other list. ``checkbox`` fields become one binary item per choice
(``field__code``, matched by the export's ``field___code`` column); ``text`` without
validation and ``notes`` are free text; ``calc``, ``file``, ``descriptive``, ``sql``,
``slider`` and dated or numeric text fields are skipped (numbers can be kept as
demographics). Fields of one matrix group share one scale named after the group. A
form, section header or matrix group named after a CIPP component sets the component
of its fields.

Exports: the raw export's checkbox columns ``field___code`` are renamed
``field__code``; the label export keeps its headers (imported items carry the
``Label (choice=Option)`` header as an alias, and the selected scale reads
Checked/Unchecked). ``redcap_event_name``, ``redcap_repeat_instrument`` and
``redcap_repeat_instance`` stay as ordinary columns (split waves by event in batch).
The tests check that raw, label and longitudinal exports of a hand-written project give
the counts of the equivalent plain workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cipp.model.errors import DataError, InstrumentError, option, shown
from cipp.model.instrument import normalize_header, normalize_text
from cipp.model.table import RawTable
from cipp.platforms.draft import (
    Choice,
    Draft,
    ImportOptions,
    ImportResult,
    infer_component,
    plain_text,
    short_name,
    slug,
)
from cipp.platforms.registry import ReadRequest, TablePlatform
from cipp.platforms.tables import first_texts, keep_rows, renamed, texts
from cipp.read.tables import read_table

#: Canonical keys, in REDCap's fixed column order, with both header spellings.
COLUMNS = (
    ("field_name", "Variable / Field Name"),
    ("form_name", "Form Name"),
    ("section_header", "Section Header"),
    ("field_type", "Field Type"),
    ("field_label", "Field Label"),
    ("select_choices_or_calculations", "Choices, Calculations, OR Slider Labels"),
    ("field_note", "Field Note"),
    ("text_validation_type_or_show_slider_number", "Text Validation Type OR Show Slider Number"),
    ("text_validation_min", "Text Validation Min"),
    ("text_validation_max", "Text Validation Max"),
    ("identifier", "Identifier?"),
    ("branching_logic", "Branching Logic (Show field only if...)"),
    ("required_field", "Required Field?"),
    ("custom_alignment", "Custom Alignment"),
    ("question_number", "Question Number (surveys only)"),
    ("matrix_group_name", "Matrix Group Name"),
    ("matrix_ranking", "Matrix Ranking?"),
    ("field_annotation", "Field Annotation"),
)
_REQUIRED = ("field_name", "form_name", "field_type", "field_label")
_NUMERIC_VALIDATION = {"integer", "number", "float"}
_SKIPPED_TYPES = {
    "calc": "a calculated field",
    "file": "a file upload",
    "descriptive": "descriptive text",
    "sql": "an SQL field",
    "slider": "a slider (no listed levels)",
}
_CHECKBOX_COLUMN = re.compile(r"^([A-Za-z][A-Za-z0-9_]*?)___([A-Za-z0-9_]+)$")
_COMPLETE = re.compile(r"^[a-z][a-z0-9_]*_complete$")
REDCAP_COLUMNS = frozenset(
    {
        "redcap_event_name",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
        "redcap_data_access_group",
        "redcap_survey_identifier",
    }
)
_LABEL_MARKERS = frozenset({"complete", "event name", "repeat instrument", "repeat instance"})
#: A label export's headers of the columns REDCap adds itself.
_LABEL_COLUMNS = frozenset(
    {"Record ID", "Event Name", "Repeat Instrument", "Repeat Instance", "Complete?"}
)


def _dictionary_columns(table: RawTable) -> dict[str, int]:
    """Position of each canonical column, by either header spelling (or by position)."""
    spellings = {
        normalize_header(spelling): key for key, label in COLUMNS for spelling in (key, label)
    }
    found: dict[str, int] = {}
    for position, header in enumerate(table.headers):
        key = spellings.get(normalize_header(header))
        if key is not None and key not in found:
            found[key] = position
    missing = [key for key in _REQUIRED if key not in found]
    if missing and len(table.headers) == len(COLUMNS):
        # The headers are translated or renamed, but REDCap's column order is fixed.
        return {key: position for position, (key, _) in enumerate(COLUMNS)}
    if missing:
        names = ", ".join(f"'{dict(COLUMNS)[key]}' (or {key})" for key in missing)
        raise InstrumentError(f"{table.where()}: not a REDCap data dictionary; no column {names}")
    return found


def parse_choices(text: str | None) -> list[Choice]:
    """``"1, Yes | 0, No, not at all"`` -> choices, splitting on the first comma only.

    Lenient: a part without a comma is its own code and label. :func:`read_choices`
    says instead when a list cannot be what REDCap wrote."""
    choices = []
    for part in _SEPARATOR.split(text or ""):
        part = part.strip()
        if not part:
            continue
        code, sep, label = part.partition(",")
        code = code.strip()
        label = plain_text(label) if sep else code
        choices.append(Choice(code=code, label=label or code))
    return choices


#: Between choices: REDCap writes `` | ``; it stores (and the Online Designer takes)
#: one choice a line, so a cell edited in a spreadsheet may hold line breaks instead.
_SEPARATOR = re.compile(r"\s*(?:\||\r\n|\r|\n)\s*")
#: A raw value REDCap accepts: letters, digits and underscores (a sign or point in
#: numbers); never a space, so "1 Agree" is a lost comma, not a code.
_CODE = re.compile(r"^-?[A-Za-z0-9_]+(?:\.[0-9]+)?$")
#: A label holding another "code, label" ("Agree 2, Disagree"): a lost "|".
_INNER_CHOICE = re.compile(r"(?:^|\s)(-?[0-9]+)\s*,\s*[^\s,0-9]")
#: How REDCap writes a choice list, for the reasons.
_FORM = "REDCap writes '1, Label | 2, Label'"


def read_choices(text: str | None, *, at_least: int = 2) -> tuple[list[Choice], str]:
    """The choices of a radio, dropdown or checkbox field, or ``[]`` and why the cell
    cannot be read as REDCap's ``code, label | code, label``: a part with no comma
    whose text is no code (``1 Agree``), a label that holds the next choice (a lost
    ``|``), a code given twice, or fewer than ``at_least`` choices. Such a list is
    never turned into something else: the field is skipped with the reason."""
    choices = parse_choices(text)
    found = f"found {shown(text or '')}"
    bad = next((c.code for c in choices if not _CODE.match(c.code)), None)
    if bad is not None:
        what = "no comma between code and label" if "," not in bad else "no code"
        return [], f"choice {shown(bad, 40)} has {what} ({_FORM}); {found}"
    codes = {normalize_text(c.code) for c in choices}
    for choice in choices:
        inner = _INNER_CHOICE.search(choice.label)
        if inner and normalize_text(inner[1]) not in codes:
            return [], (
                f"the label {shown(choice.label, 40)} holds another choice "
                f"(a lost '|'? {_FORM}); {found}"
            )
    if len(codes) < len(choices):
        keys = [normalize_text(c.code) for c in choices]
        twice = next(c.code for i, c in enumerate(choices) if keys[i] in keys[:i])
        return [], f"the code {shown(twice, 40)} is given to two choices; {found}"
    if len(choices) < at_least:
        if not choices:
            return [], "no choices listed"
        return [], f"only one choice listed ({_FORM}); {found}"
    return choices, ""


#: The choices of the field types that list none.
_FIXED_CHOICES = {
    "yesno": [Choice("1", "Yes"), Choice("0", "No")],
    "truefalse": [Choice("1", "True"), Choice("0", "False")],
}


@dataclass(frozen=True)
class _Field:
    """One row of the data dictionary, as the importer reads it."""

    name: str
    field_type: str
    label: str
    aliases: list[str]
    choices: str
    matrix: str
    validation: str
    component: str
    component_from: str
    #: Its REDCap form (``form:NAME`` in ``components``).
    form: str = ""


def _component(matrix: str, section: str, form: str) -> tuple[str, str]:
    """The component its matrix group, section header or form names, and which did."""
    for where, value in (("matrix group", matrix), ("section header", section), ("form", form)):
        component = infer_component(value)
        if component:
            return component, f"its {where} {shown(value)}"
    return "", ""


def _add_choice_field(draft: Draft, field: _Field) -> None:
    """A radio, dropdown, yesno or truefalse field: an item."""
    choices = _FIXED_CHOICES.get(field.field_type)
    if choices is None:
        choices, problem = read_choices(field.choices)
        if problem:
            draft.skip(field.name, f"cannot read its {field.field_type} choices: {problem}")
            return
    draft.add_choice(
        field.name,
        field.label,
        choices,
        source_id=field.name,
        component=field.component,
        component_from=field.component_from,
        scale_hint=field.matrix or None,
        aliases=field.aliases,
        groups=(("form", field.form),) if field.form else (),
    )


def _add_field(draft: Draft, field: _Field) -> None:
    name, field_type = field.name, field.field_type
    if field_type in ("radio", "dropdown", *_FIXED_CHOICES):
        _add_choice_field(draft, field)
    elif field_type == "checkbox":
        # One box is a checkbox field REDCap allows ("1, I agree").
        choices, problem = read_choices(field.choices, at_least=1)
        if problem:
            draft.skip(name, f"cannot read its checkbox choices: {problem}")
            return
        draft.add_multi(
            name,
            field.label,
            choices,
            source_id=name,
            option_source="{question}___{code}",
            option_aliases=("{question}___{code}", "{text} (choice={label})"),
            component=field.component,
            component_from=field.component_from,
            groups=(("form", field.form),) if field.form else (),
        )
    elif field_type == "text" and field.validation in _NUMERIC_VALIDATION:
        draft.add_number(name, field.label, aliases=field.aliases)
    elif field_type == "text" and field.validation:
        draft.skip(name, f"a text field validated as {short_name(field.validation)}")
    elif field_type in ("text", "notes"):
        draft.add_free_text(name)
    elif field_type in _SKIPPED_TYPES:
        draft.skip(name, _SKIPPED_TYPES[field_type])
    else:
        draft.skip(name, f"unknown field type {shown(field_type)}")


def from_redcap(path: str | Path, options: ImportOptions | None = None) -> ImportResult:
    """Import a REDCap data dictionary (CSV; either header variant) into an instrument."""
    path = Path(path)
    options = options or ImportOptions()
    table = read_table(path)
    columns = _dictionary_columns(table)
    draft = Draft(PLATFORM.name, path, options, title=f"{PLATFORM.title} data dictionary")
    values = {key: texts(table, position) for key, position in columns.items()}

    def cell(key: str, row: int) -> str:
        column = values.get(key)
        return (column[row] or "") if column is not None else ""

    forms: list[str] = []
    section = ""
    names: set[str] = set()
    for row in range(table.n_rows):
        name = cell("field_name", row).strip()
        if not name:
            continue
        if name.casefold() in names:
            # REDCap refuses a dictionary that names a field twice; an edited one may.
            draft.skip(f"{name} (row {table.rows[row]})", "an earlier row names this field too")
            continue
        names.add(name.casefold())
        field_type = cell("field_type", row).strip().lower()
        form = cell("form_name", row).strip()
        if form and form not in forms:
            forms.append(form)
            section = ""
        if cell("section_header", row).strip():
            section = plain_text(cell("section_header", row))
        if row == 0 and field_type == "text":
            draft.skip(name, "the record id")
            continue
        raw_label = cell("field_label", row)
        label = plain_text(raw_label)
        matrix = cell("matrix_group_name", row).strip()
        component, component_from = _component(matrix, section, form)
        field = _Field(
            name=name,
            field_type=field_type,
            label=label,
            # The label as typed, when it holds HTML or entities.
            aliases=[raw_label.strip()] if raw_label.strip() not in ("", label) else [],
            choices=cell("select_choices_or_calculations", row),
            matrix=matrix,
            validation=cell("text_validation_type_or_show_slider_number", row).strip().lower(),
            component=component,
            component_from=component_from,
            form=form or (forms[-1] if forms else ""),
        )
        _add_field(draft, field)
    title = path.stem.replace("_DataDictionary", "").replace("_", " ").strip() or path.stem
    return draft.result(
        id=slug(title),
        title=title,
        description=f"Imported from the REDCap data dictionary {path.name}"
        + (f" (forms: {', '.join(forms)})" if forms else ""),
    )


# --- exports ----------------------------------------------------------------------------


def looks_like_export(table: RawTable) -> bool:
    """A REDCap raw or label export, by its headers."""
    headers = [h.strip() for h in table.headers]
    if REDCAP_COLUMNS & set(headers):
        return True
    if any(_CHECKBOX_COLUMN.match(h) for h in headers) and any(_COMPLETE.match(h) for h in headers):
        return True
    sample = first_texts(table, 200)
    for position, header in enumerate(headers):
        if _COMPLETE.match(header) and _is_status(sample[position]):
            return True
    keys = {normalize_header(h) for h in headers}
    if "record id" in keys and (keys & _LABEL_MARKERS or any("(choice=" in h for h in headers)):
        return True
    return bool({"event name", "repeat instrument"} <= keys)


def _is_status(cells: list[str | None]) -> bool:
    values = {normalize_text(c) for c in cells if c is not None}
    return bool(values) and values <= {"0", "1", "2", "incomplete", "unverified", "complete"}


def read_export(table: RawTable, *, complete_only: bool = False) -> RawTable:
    """Tidy a REDCap export read by :func:`cipp.read.tables.read_table`.

    ``complete_only`` keeps records whose filled-in form status columns (``<form>_complete``
    or "Complete?") all say Complete (2).
    """
    headers = list(table.headers)
    taken = {normalize_header(h) for h in headers}
    for position, header in enumerate(headers):
        match = _CHECKBOX_COLUMN.match(header.strip())
        if match and not _COMPLETE.match(header.strip()):
            new = f"{match[1]}__{match[2]}"
            if normalize_header(new) not in taken:
                headers[position] = new
                taken.add(normalize_header(new))
    table = renamed(table, headers)
    if complete_only:
        status = [
            position
            for position, header in enumerate(headers)
            if _COMPLETE.match(header.strip()) or normalize_header(header) == "complete"
        ]
        if not status:
            raise DataError(
                f"{table.where()}: {option('complete_only')} needs the form status columns "
                "(<form>_complete); export them with the records"
            )
        columns = [texts(table, p) for p in status]

        def complete(row: int) -> bool:
            values = [normalize_text(c[row]) for c in columns if c[row] is not None]
            return bool(values) and all(v in ("2", "complete") for v in values)

        table = keep_rows(table, [row for row in range(table.n_rows) if complete(row)])
    return table


def _tidy(table: RawTable, request: ReadRequest) -> RawTable:
    return read_export(table, complete_only=request.complete_only)


PLATFORM = TablePlatform(
    name="redcap",
    title="REDCap",
    looks_like=looks_like_export,
    tidy=_tidy,
    marks_complete=True,
    metadata=REDCAP_COLUMNS | _LABEL_COLUMNS,
    importer=from_redcap,
)
