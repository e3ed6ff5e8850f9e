"""XLSForm (KoboToolbox, ODK, SurveyCTO): the form to an instrument; Kobo and ODK exports.

Form (as the XLSForm reference at xlsform.org describes it): the ``survey`` sheet's
``type``, ``name`` and ``label`` (or ``label::Language (code)``) columns and the
``choices`` sheet's ``list_name``, ``name``, ``label``; ``settings`` gives the title,
id and default language. ``select_one LIST`` is an item (``or_other`` adds an "other"
level); ``select_multiple LIST`` becomes one binary item per choice; ``text`` is free
text; ``integer``/``decimal`` can be kept as numeric demographics; notes, calculations,
media, geo and metadata fields are skipped, and so are questions inside repeats (they
hold several answers per respondent). A group named after a CIPP component sets the
component of the questions in it. ``--lang`` picks the label language; the other
languages' labels become aliases (so a label export in any language is matched).

Exports: Kobo CSV (``;``-delimited, headers ``group/question``) and xlsx, and ODK
Central CSV (``group-question``, ``meta-instanceID``, ``KEY``). Group paths are removed
so a header is the question's name; a select-multiple split column (``q/choice``)
becomes ``q__choice``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cipp.model.errors import DataError, InstrumentError, option
from cipp.model.instrument import Instrument, normalize_header
from cipp.model.table import RawTable
from cipp.platforms import tables
from cipp.platforms.draft import (
    Choice,
    Draft,
    ImportOptions,
    ImportResult,
    infer_component,
    make_id,
    plain_text,
)
from cipp.platforms.registry import ReadRequest, TablePlatform
from cipp.platforms.tables import texts
from cipp.read.files import check_input
from cipp.read.tables import read_table

_SKIPPED = {
    "note": "a note (no answer)",
    "calculate": "a calculation",
    "acknowledge": "an acknowledgement",
    "hidden": "a hidden field",
    "geopoint": "a location",
    "geotrace": "a location",
    "geoshape": "a location",
    "image": "a media file",
    "audio": "a media file",
    "video": "a media file",
    "file": "a media file",
    "background-audio": "a media file",
    "barcode": "a barcode",
    "date": "a date",
    "time": "a time",
    "datetime": "a date and time",
    "range": "a range (no listed levels)",
    "rank": "a ranking",
    "trigger": "an acknowledgement",
    "xml-external": "an external data file",
    "csv-external": "an external data file",
}
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "uri:email",
    "uri:username",
}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
KOBO_COLUMNS = frozenset(
    {"_id", "_uuid", "_submission_time", "_validation_status", "_index", "_submitted_by"}
)
ODK_COLUMNS = frozenset({"KEY", "meta-instanceID", "SubmissionDate", "SubmitterID"})
#: Every column an ODK Central CSV export adds for the submission itself.
ODK_CENTRAL_COLUMNS = ODK_COLUMNS | {
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
    "instanceID",
}


def _sheet_names(path: Path) -> list[str]:
    import zipfile

    from openpyxl import load_workbook

    from cipp.read.archive import check_sheets

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InstrumentError(f"{path}: an XLSForm is an Excel workbook (.xlsx)")
    check_input(path, InstrumentError)  # a named pipe would block the zip reader
    if path.exists():
        check_sheets(path, sheets=[])  # the zip limits, before openpyxl unpacks anything
    try:
        workbook = load_workbook(path, read_only=True)
    except FileNotFoundError:
        raise InstrumentError(f"{path}: file not found") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InstrumentError(f"{path}: not a readable Excel workbook ({error})") from None
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _sheet(path: Path, names: list[str], wanted: str, *, required: bool) -> RawTable | None:
    for name in names:
        if name.strip().casefold() == wanted:
            try:
                return read_table(path, sheet=name)
            except DataError:
                if required:
                    raise
                return None
    if required:
        raise InstrumentError(
            f"{path}: not an XLSForm; no '{wanted}' sheet (sheets: {', '.join(names)})"
        )
    return None


def _column(table: RawTable, *names: str) -> int | None:
    keys = [normalize_header(h).replace(" ", "_") for h in table.headers]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def _label_columns(table: RawTable) -> dict[str, int]:
    """Label columns by language ('' for a plain ``label`` column)."""
    out: dict[str, int] = {}
    for position, header in enumerate(table.headers):
        head, sep, language = header.strip().partition("::")
        if head.strip().casefold() == "label":
            out.setdefault(language.strip() if sep else "", position)
    return out


def pick_language(languages: list[str], lang: str | None, default: str | None, path: Path) -> str:
    if lang is not None:
        wanted = lang.strip().casefold()
        for language in languages:
            code = re.search(r"\(([^)]*)\)\s*$", language)
            name = re.sub(r"\s*\([^)]*\)\s*$", "", language)
            if wanted in (
                language.casefold(),
                name.casefold(),
                (code[1] if code else "").casefold(),
            ):
                return language
        listed = ", ".join(repr(x) if x else "(plain label)" for x in languages)
        raise InstrumentError(f"{path}: no label language '{lang}' (languages: {listed})")
    if default:
        for language in languages:
            if language.casefold() == default.strip().casefold():
                return language
    return "" if "" in languages else languages[0]


@dataclass(frozen=True)
class _Form:
    """An XLSForm's survey sheet with what its rows are read against."""

    survey: RawTable
    cells: list[list[str | None]]
    type_col: int
    name_col: int
    #: Label columns by language; the chosen language's labels are the texts, the
    #: others' become aliases.
    labels: dict[str, int]
    language: str
    others: list[str]
    lists: dict[str, list[Choice]]
    settings: dict[str, str]

    def label(self, language: str, row: int) -> str:
        return self.cells[self.labels[language]][row] or ""


@dataclass(frozen=True)
class FormGroup:
    """A group or repeat a question is in, and the component its name gives."""

    name: str
    component: str
    repeat: bool


@dataclass(frozen=True)
class FormQuestion:
    """One question of a form: a row of an XLSForm's survey sheet, or a control of an
    XForm's body (``row`` is then its position among them)."""

    row: int
    raw_type: str
    kind: str
    list_name: str
    or_other: bool
    name: str
    label: str
    #: Its labels in the other languages ('' where missing), and those that differ.
    aligned: list[str]
    translations: list[str]
    source_id: str
    component: str
    component_from: str
    in_repeat: bool
    #: The groups it is in, outermost first (``group:NAME`` in ``components``).
    groups: tuple[str, ...] = ()

    @property
    def groupings(self) -> tuple[tuple[str, str], ...]:
        return tuple(("group", name) for name in self.groups)


def _settings(settings: RawTable | None) -> dict[str, str]:
    out: dict[str, str] = {}
    if settings is not None and settings.n_rows:
        for position, header in enumerate(settings.headers):
            value = texts(settings, position)[0]
            if value:
                out[normalize_header(header).replace(" ", "_")] = value
    return out


def _read_form(path: Path, options: ImportOptions) -> _Form:
    names = _sheet_names(path)
    survey = _sheet(path, names, "survey", required=True)
    choices_sheet = _sheet(path, names, "choices", required=False)
    settings = _settings(_sheet(path, names, "settings", required=False))
    if survey is None:  # pragma: no cover - required=True raises instead
        raise InstrumentError(f"{path}: no survey sheet")
    type_col = _column(survey, "type")
    name_col = _column(survey, "name")
    if type_col is None or name_col is None:
        raise InstrumentError(f"{survey.where()}: the survey sheet needs 'type' and 'name' columns")
    labels = _label_columns(survey)
    if not labels:
        raise InstrumentError(f"{survey.where()}: the survey sheet has no label column")
    language = pick_language(list(labels), options.lang, settings.get("default_language"), path)
    others = [lang for lang in labels if lang != language]
    return _Form(
        survey=survey,
        cells=[texts(survey, j) for j in range(len(survey.headers))],
        type_col=type_col,
        name_col=name_col,
        labels=labels,
        language=language,
        others=others,
        lists=_choice_lists(choices_sheet, language, others),
        settings=settings,
    )


def _question(form: _Form, row: int, groups: list[FormGroup]) -> FormQuestion | None:
    """The question of a survey row, or None for a blank row or a group's begin or end
    (which opens or closes it in ``groups``)."""
    raw_type = (form.cells[form.type_col][row] or "").strip()
    name = (form.cells[form.name_col][row] or "").strip()
    if not raw_type:
        return None
    parts = raw_type.replace("begin_", "begin ").replace("end_", "end ").split()
    kind = parts[0].lower()
    if kind == "begin":
        component = infer_component(name) or infer_component(form.label(form.language, row))
        what = parts[1].lower() if len(parts) > 1 else "group"
        groups.append(FormGroup(name, component, what == "repeat"))
        return None
    if kind == "end" and len(parts) > 1:  # "end group"; a lone "end" is the metadata field
        if groups:
            groups.pop()
        return None
    if not name:
        return None
    label = plain_text(form.label(form.language, row))
    aligned = [plain_text(form.label(other, row)) for other in form.others]
    # The innermost group named after a component gives it.
    setter = next((g for g in reversed(groups) if g.component), None)
    return FormQuestion(
        row=row,
        raw_type=raw_type,
        kind=kind,
        list_name=parts[1] if len(parts) > 1 else "",
        or_other="or_other" in parts[2:],
        name=name,
        label=label,
        aligned=aligned,
        translations=list(dict.fromkeys(t for t in aligned if t and t != label)),
        source_id="/".join([*(g.name for g in groups if g.name), name]),
        component=setter.component if setter else "",
        component_from=f"its group '{setter.name}'" if setter else "",
        in_repeat=any(g.repeat for g in groups),
        groups=tuple(g.name for g in groups if g.name),
    )


def add_select(draft: Draft, question: FormQuestion, choices: list[Choice] | None) -> None:
    """A select_one (an item) or select_multiple (one binary item per choice); skipped
    when its choice list is missing (``choices`` None)."""
    name = question.name
    if choices is None:
        draft.skip(name, f"its choice list '{question.list_name}' is not in the form")
        return
    choices = list(choices)
    if question.or_other:
        choices.append(Choice("other", "Other"))
        draft.guessed.append(f"{name}: 'or_other' adds the level 'other'")
    if question.kind == "select_one":
        draft.add_choice(
            name,
            question.label,
            choices,
            source_id=question.source_id,
            component=question.component,
            component_from=question.component_from,
            aliases=question.translations,
            groups=question.groupings,
        )
        return
    draft.add_multi(
        name,
        question.label,
        choices,
        source_id=question.source_id,
        option_source=question.source_id + "/{code}",
        option_aliases=tuple(
            f"{t} [{{alias{i}}}]"
            for i, t in enumerate(question.aligned)
            if t and t != question.label
        ),
        component=question.component,
        component_from=question.component_from,
        groups=question.groupings,
    )


def add_question(
    draft: Draft, question: FormQuestion, choices: Callable[[str], list[Choice] | None]
) -> None:
    """One question of a form, whichever way it was written (XLSForm or XForm):
    ``choices`` gives a choice list by its name (None: no such list)."""
    name, kind = question.name, question.kind
    if question.in_repeat:
        draft.skip(name, "inside a repeat (several answers per respondent)")
    elif kind in ("select_one", "select_multiple"):
        add_select(draft, question, choices(question.list_name))
    elif kind in ("select_one_from_file", "select_multiple_from_file"):
        draft.skip(name, "choices come from an external file")
    elif kind in ("integer", "decimal"):
        draft.add_number(name, question.label, aliases=question.translations)
    elif kind in ("text", "string"):
        draft.add_free_text(name)
    elif kind in METADATA_TYPES:
        draft.skip(name, f"metadata ({kind})")
    elif kind in _SKIPPED:
        draft.skip(name, _SKIPPED[kind])
    else:
        draft.skip(name, f"unknown type '{question.raw_type}'")


def from_xlsform(path: str | Path, options: ImportOptions | None = None) -> ImportResult:
    """Import an XLSForm (survey, choices and settings sheets) into an instrument."""
    path = Path(path)
    options = options or ImportOptions()
    form = _read_form(path, options)
    draft = Draft("xlsform", path, options, title="XLSForm")
    groups: list[FormGroup] = []
    for row in range(form.survey.n_rows):
        question = _question(form, row, groups)
        if question is not None:
            add_question(draft, question, form.lists.get)
    return draft.result(
        id=form.settings.get("form_id") or make_id(path.stem),
        title=form.settings.get("form_title") or path.stem,
        description=f"Imported from the XLSForm {path.name}",
    )


def _choice_lists(
    table: RawTable | None, language: str, others: list[str]
) -> dict[str, list[Choice]]:
    """Choice lists; each choice's aliases are its labels in ``others`` (in that order,
    the label itself where a translation is missing), then any other language's."""
    if table is None:
        return {}
    list_col = _column(table, "list_name", "list name")
    name_col = _column(table, "name", "value")
    labels = _label_columns(table)
    if list_col is None or name_col is None:
        raise InstrumentError(f"{table.where()}: the choices sheet needs 'list_name' and 'name'")
    label_col = labels.get(language, next(iter(labels.values()), None))
    extra = [p for lang, p in labels.items() if p != label_col and lang not in others]
    lists: dict[str, list[Choice]] = {}
    cells = [texts(table, j) for j in range(len(table.headers))]
    for row in range(table.n_rows):
        list_name = (cells[list_col][row] or "").strip()
        code = (cells[name_col][row] or "").strip()
        if not list_name or not code:
            continue
        label = (plain_text(cells[label_col][row]) if label_col is not None else "") or code
        aligned = [
            plain_text(cells[labels[lang]][row]) if lang in labels else "" for lang in others
        ]
        aliases = [t or label for t in aligned]
        aliases += [t for p in extra if (t := plain_text(cells[p][row]))]
        lists.setdefault(list_name, []).append(Choice(code, label, tuple(aliases)))
    return lists


# --- exports ----------------------------------------------------------------------------


def looks_like_kobo(table: RawTable) -> bool:
    return bool(KOBO_COLUMNS & {h.strip() for h in table.headers})


def looks_like_odk(table: RawTable) -> bool:
    headers = {h.strip() for h in table.headers}
    return "meta-instanceID" in headers or (
        "KEY" in headers and bool(ODK_COLUMNS & headers - {"KEY"})
    )


def _known_headers(instrument: Instrument | None) -> set[str]:
    if instrument is None:
        return set()
    known = {normalize_header(h) for item in instrument.items for h in item.headers()}
    known |= {normalize_header(h) for d in instrument.demographics for h in d.headers()}
    return known | {normalize_header(name) for name in instrument.free_text}


def _rename(table: RawTable, renamed: list[str]) -> RawTable:
    """Apply new headers where they stay unique; keep the old header otherwise."""
    counts: dict[str, int] = {}
    for header in renamed:
        counts[normalize_header(header)] = counts.get(normalize_header(header), 0) + 1
    headers = [
        new if counts[normalize_header(new)] == 1 else old
        for old, new in zip(table.headers, renamed, strict=True)
    ]
    return tables.renamed(table, headers)


def _split_paths(table: RawTable, known: set[str]) -> RawTable:
    """Drop group paths (``group/q`` -> ``q``); a split column ``q/choice`` -> ``q__choice``.

    A path is a select-multiple split column when its parent path heads a column too
    (Kobo's "single and separate columns") or when the instrument has a ``q__choice``
    item; otherwise its last segment is the question's name.
    """
    names = [h.strip() for h in table.headers]
    renamed = []
    for header in names:
        segments = header.split("/")
        if (
            normalize_header(header) in known
            or len(segments) < 2
            or not all(_NAME.match(s) for s in segments)
        ):
            renamed.append(header)
            continue
        option = f"{segments[-2]}__{segments[-1]}"
        if "/".join(segments[:-1]) in names or normalize_header(option) in known:
            renamed.append(option)
        else:
            renamed.append(segments[-1])
    return _rename(table, renamed)


def read_kobo(table: RawTable, *, instrument: Instrument | None = None) -> RawTable:
    """Kobo export: ``group/question`` -> ``question``; ``group/q/choice`` -> ``q__choice``."""
    return _split_paths(table, _known_headers(instrument))


def read_odk(table: RawTable, *, instrument: Instrument | None = None) -> RawTable:
    """ODK Central export: ``group-question`` -> ``question``.

    Names may themselves hold hyphens, so a prefix counts as a group when it is
    ``meta`` or starts at least two headers (or, with an instrument, when what is left
    is one of its ids).
    """
    known = _known_headers(instrument)
    names = [h.strip() for h in table.headers]
    prefixes: dict[str, int] = {}
    for header in names:
        segments = header.split("/")[0].split("-")
        for depth in range(1, len(segments)):
            prefix = "-".join(segments[:depth])
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
    groups = {p.split("-")[-1] for p, n in prefixes.items() if n >= 2} | {"meta"}
    if known:
        for header in names:
            segments = header.split("-")
            for depth in range(1, len(segments)):
                if normalize_header("-".join(segments[depth:])) in known:
                    groups |= set(segments[:depth])
                    break
    # ODK Central splits select-multiples as "group-q/choice"; drop the groups first.
    first = []
    for header in names:
        main, sep, choice = header.partition("/")
        segments = main.split("-")
        depth = 0
        while depth < len(segments) - 1 and segments[depth] in groups:
            depth += 1
        stripped = "-".join(segments[depth:])
        if normalize_header(main) in known:
            stripped = main
        first.append(stripped + (sep + choice if sep else ""))
    table = _rename(table, first)
    return _split_paths(table, known)


def _tidy_kobo(table: RawTable, request: ReadRequest) -> RawTable:
    if request.forced and not looks_like_kobo(table):
        raise DataError(
            f"{table.where()}: not a KoboToolbox export (no _uuid, _id or _submission_time "
            f"column); use {option('source', 'auto')}"
        )
    return read_kobo(table, instrument=request.instrument)


def _tidy_odk(table: RawTable, request: ReadRequest) -> RawTable:
    if request.forced and not looks_like_odk(table):
        raise DataError(
            f"{table.where()}: not an ODK Central export (no KEY or meta-instanceID column); "
            f"use {option('source', 'auto')}"
        )
    return read_odk(table, instrument=request.instrument)


#: Questions of the form's metadata types as exports head them.
_METADATA_QUESTIONS = frozenset({"start", "end", "today", "deviceid"})

KOBO = TablePlatform(
    name="kobo",
    title="KoboToolbox",
    looks_like=looks_like_kobo,
    tidy=_tidy_kobo,
    metadata=KOBO_COLUMNS
    | {"_status", "_notes", "_tags", "__version__", "_parent_index"}
    | _METADATA_QUESTIONS,
    importer=from_xlsform,
)
ODK = TablePlatform(
    name="odk",
    title="ODK Central",
    looks_like=looks_like_odk,
    tidy=_tidy_odk,
    metadata=ODK_CENTRAL_COLUMNS | _METADATA_QUESTIONS,
    importer=from_xlsform,
)
