"""Qualtrics: the survey file (.qsf) to an instrument, and the CSV export to raw cells.

Survey file (JSON, as Qualtrics writes .qsf; the tests use a hand-written one): ``SurveyElements``
of type ``SQ`` are questions, ``BL`` the blocks (questions in the Trash block are
skipped; a block named after a CIPP component sets its questions' component).
Multiple-choice single answer (``MC`` with an ``SA*``/``DL``/``NPS`` selector): levels are
the ``Choices`` in ``ChoiceOrder``, coded by ``RecodeValues``. Multiple answer (``MA*``,
``MSB``): one binary item per choice, ``<tag>__<recode>``. ``Matrix`` (single answer): its
``Choices`` (statements) are the items, ``<tag>_<choice>`` as Qualtrics names the
columns (or the ``ChoiceDataExportTags``), its ``Answers`` the levels. Negative
recodes (-99 "Not applicable") become missing values. ``Choices`` or ``Answers``
written as a JSON list are read by position (ids 1..n, said in the report); a question
whose choices cannot be used (none, or an entry that is not an object) is skipped with
the reason. ``TE`` questions and text-entry
choices (``Q1_4_TEXT``) are free text; descriptive, timing, meta, slider, rank, file
and other question types are skipped.

Export (CSV with three header rows: export tag, question text, ``{"ImportId": ...}``):
the export-tag row is the header, the other two are skipped, and row numbers stay
as a spreadsheet numbers them (the first response is row 4). ``complete_only`` keeps
responses whose ``Finished`` is 1/True. A copied question keeps its export tag: the
import names the copy ``tag_2`` (both are kept, with a line under Guessed), and given
the instrument the export's repeated headers are told apart by their ImportId.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cipp.model.errors import DataError, InstrumentError, option, shown
from cipp.model.instrument import Instrument, normalize_header, normalize_text
from cipp.model.table import RawTable
from cipp.platforms.draft import (
    Choice,
    Draft,
    ImportOptions,
    ImportResult,
    as_code,
    infer_component,
    plain_text,
    short_name,
    slug,
)
from cipp.platforms.registry import ReadRequest, TablePlatform
from cipp.platforms.tables import drop_first_rows, first_texts, keep_rows, renamed, texts
from cipp.read.files import check_input

_SINGLE = {"SAVR", "SAHR", "SACOL", "DL", "SB", "NPS"}
_MULTI = {"MAVR", "MAHR", "MACOL", "MSB"}
_SKIPPED = {
    "DB": "descriptive text",
    "Timing": "a timing question",
    "Meta": "browser metadata",
    "Slider": "a slider (no listed levels)",
    "RO": "a rank order",
    "CS": "a constant sum",
    "FileUpload": "a file upload",
    "Draw": "a signature",
    "HeatMap": "a heat map",
    "HotSpot": "a hot spot",
    "PGR": "pick, group and rank",
    "SBS": "side by side (not supported yet)",
    "Captcha": "a captcha",
}
METADATA_COLUMNS = frozenset(
    {
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "UserLanguage",
    }
)


class _Unreadable(Exception):
    """A question whose definition the importer cannot use: it is skipped with this
    reason, and the import goes on."""


def _options(
    draft: Draft, tag: str, payload: dict[str, Any], field: str
) -> list[tuple[str, dict[str, Any]]]:
    """The entries of ``Choices`` or ``Answers`` by choice id, in the order of
    ``ChoiceOrder`` / ``AnswerOrder`` (ids it does not name follow, in file order).

    Qualtrics keys them by choice id; some files hold a JSON list instead (an empty
    one for none), whose ids are then the positions 1..n (the report says so), and its
    order is used only when it lists exactly those. An entry that is not an object, or
    a value of another type, makes the question :class:`_Unreadable`."""
    value = payload.get(field)
    order = payload.get("ChoiceOrder" if field == "Choices" else "AnswerOrder")
    if value is None or value == []:
        return []
    if isinstance(value, list):
        mapping = {str(position): entry for position, entry in enumerate(value, 1)}
        if not isinstance(order, list) or {str(k) for k in order} != set(mapping):
            order = None
    elif isinstance(value, dict):
        mapping = {str(key): entry for key, entry in value.items()}
    else:
        raise _Unreadable(f"its {field} are neither an object nor a list: {_json(value)}")
    for key, entry in mapping.items():
        if not isinstance(entry, dict):
            raise _Unreadable(
                f"{field} entry {shown(key, 20)} is not an object with a Display: {_json(entry)}"
            )
    if isinstance(value, list):
        draft.guessed.append(
            f"{tag}: its {field} are a list, not keyed by choice id; took their positions "
            f"1-{len(mapping)} as the ids (check the codes against an export)"
        )
    keys = [str(k) for k in order if str(k) in mapping] if isinstance(order, list) else []
    keys += [k for k in mapping if k not in keys]
    return [(key, mapping[key]) for key in keys]


def _json(value: Any) -> str:
    """A piece of the survey file as a message quotes it (cut to 80 characters)."""
    return shown(json.dumps(value, ensure_ascii=False, default=str))


def _recodes(payload: dict[str, Any]) -> dict[str, str]:
    """``RecodeValues`` by choice id; a list is read by position (ids 1..n), as a list
    of choices is."""
    value = payload.get("RecodeValues")
    if isinstance(value, list):
        value = {str(position): code for position, code in enumerate(value, 1)}
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v).strip() for k, v in value.items() if str(v).strip()}


def _choices(
    options: list[tuple[str, dict[str, Any]]], recodes: dict[str, str]
) -> tuple[list[Choice], list[tuple[str, str]], dict[str, str]]:
    """(levels' choices, negative recodes as missing (code, label), choice id -> code)."""
    choices: list[Choice] = []
    missing: list[tuple[str, str]] = []
    codes: dict[str, str] = {}
    for key, entry in options:
        code = recodes.get(key, key)
        label = plain_text(entry.get("Display")) or code
        codes[key] = code
        number = as_code(code)
        if number is not None and number < 0:
            missing.append((code, label))
        else:
            choices.append(_choice(code, label))
    return choices, missing, codes


def _choice(code: str, label: str) -> Choice:
    """A choice whose label ends in a colon ("Other:", "Prefer to self-describe:", the
    prompt of a text box) is labelled without it; exports holding the label as shown
    still match, by an alias."""
    plain = label.rstrip().rstrip(":").rstrip()
    if plain and plain != label:
        return Choice(code, plain, aliases=(label,))
    return Choice(code, label)


def _blocks(document: dict[str, Any]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for element in document.get("SurveyElements") or []:
        if isinstance(element, dict) and element.get("Element") == "BL":
            payload = element.get("Payload")
            values = payload.values() if isinstance(payload, dict) else payload or []
            blocks.extend(b for b in values if isinstance(b, dict))
    return blocks


def from_qualtrics(path: str | Path, options: ImportOptions | None = None) -> ImportResult:
    """Import a Qualtrics survey file (.qsf) into an instrument."""
    path = Path(path)
    options = options or ImportOptions()
    check_input(path, InstrumentError)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InstrumentError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InstrumentError(f"{path}: not a Qualtrics .qsf file (not JSON: {error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("SurveyElements"), list):
        raise InstrumentError(f"{path}: not a Qualtrics .qsf file (no SurveyElements)")
    questions, unreadable = _survey_questions(document["SurveyElements"])
    order: list[tuple[str, str, str]] = []  # (qid, block description, block type)
    for block in _blocks(document):
        for entry in block.get("BlockElements") or []:
            if isinstance(entry, dict) and entry.get("Type") == "Question":
                order.append(
                    (
                        str(entry.get("QuestionID")),
                        str(block.get("Description") or ""),
                        str(block.get("Type") or ""),
                    )
                )
    order += [(qid, "", "") for qid in questions]
    # A question listed twice (two blocks of a damaged file) is read once, in its first.
    firsts: dict[str, tuple[str, str, str]] = {}
    for entry in order:
        firsts.setdefault(entry[0], entry)
    order = list(firsts.values())

    draft = Draft(PLATFORM.name, path, options, title=f"{PLATFORM.title} survey (.qsf)")
    for qid in unreadable:
        draft.skip(qid, "its definition (Payload) is not a JSON object")
    names = _question_names(draft, questions, order)
    for qid, block_name, block_type in order:
        question = questions.get(qid)
        if question is None:
            continue
        if block_type == "Trash":
            draft.skip(_tag(qid, question), "in the Trash block")
            continue
        if names[qid] != _tag(qid, question):
            # A copy's statements carry the original's tags too: name them after the copy.
            question = {**question, "ChoiceDataExportTags": None}
        _question(draft, qid, names[qid], question, block_name)
    entry = document.get("SurveyEntry") or {}
    title = plain_text(entry.get("SurveyName")) or path.stem
    return draft.result(
        id=slug(title),
        title=title,
        description=plain_text(entry.get("SurveyDescription"))
        or f"Imported from the Qualtrics survey {path.name}",
    )


def _tag(qid: str, question: dict[str, Any]) -> str:
    return str(question.get("DataExportTag") or qid).strip()


def _question_names(
    draft: Draft, questions: dict[str, dict[str, Any]], order: list[tuple[str, str, str]]
) -> dict[str, str]:
    """Each question's name: its export tag, or, for a later question with the tag of an
    earlier one (Qualtrics keeps the tag when a question is copied), ``tag_2``, ``tag_3``
    ..., with a line under Guessed. Both are kept: a researcher never loses a question
    because its tag repeats. Questions in the Trash are not exported and claim no tag."""
    live = [
        (qid, _tag(qid, questions[qid]))
        for qid, _, kind in order
        if qid in questions and kind != "Trash"
    ]
    taken = {tag.casefold() for _, tag in live}
    first: dict[str, str] = {}
    names: dict[str, str] = {}
    for qid, tag in live:
        if tag.casefold() not in first:
            first[tag.casefold()] = qid
            names[qid] = tag
            continue
        number = 2
        while f"{tag}_{number}".casefold() in taken:
            number += 1
        names[qid] = name = f"{tag}_{number}"
        taken.add(name.casefold())
        draft.guessed.append(
            f"{name}: {qid} has the export tag {shown(tag, 40)} of {first[tag.casefold()]} "
            f"(a copied question?); kept both, this one named {shown(name, 40)}. The export "
            "repeats the column header: cipp tells the columns apart by their ImportId "
            "row; or give the copy its own tag in Qualtrics"
        )
    return {qid: names.get(qid, _tag(qid, question)) for qid, question in questions.items()}


def _survey_questions(elements: list[Any]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The survey's questions by QuestionID, and the ids of those whose definition is not
    an object (skipped, with a line in the import report)."""
    questions: dict[str, dict[str, Any]] = {}
    unreadable: list[str] = []
    for element in elements:
        if isinstance(element, dict) and element.get("Element") == "SQ":
            payload = element.get("Payload")
            if isinstance(payload, dict):
                qid = str(payload.get("QuestionID") or element.get("PrimaryAttribute"))
                questions[qid] = payload
            else:
                unreadable.append(str(element.get("PrimaryAttribute") or "a question"))
    return questions, [qid for qid in unreadable if qid not in questions]


@dataclass(frozen=True)
class _Question:
    """One question of the survey file, as the importer reads it."""

    qid: str
    tag: str
    payload: dict[str, Any]
    qtype: str
    selector: str
    sub: str
    text: str
    choices: list[tuple[str, dict[str, Any]]]
    component: str
    component_from: str
    #: Its block (``block:NAME`` in ``components``).
    block: str = ""

    @property
    def groupings(self) -> tuple[tuple[str, str], ...]:
        return (("block", self.block),) if self.block else ()


def _question(draft: Draft, qid: str, tag: str, payload: dict[str, Any], block: str) -> None:
    """One question; one the importer cannot read (an odd or damaged payload) is
    skipped with the reason, and the import goes on."""
    try:
        _read_question(draft, qid, tag, payload, block)
    except _Unreadable as unreadable:
        draft.skip(tag, str(unreadable))
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        draft.skip(
            tag, f"its definition could not be read ({type(error).__name__}: {shown(error)})"
        )


def _read_question(draft: Draft, qid: str, tag: str, payload: dict[str, Any], block: str) -> None:
    component = infer_component(block)
    qtype, selector = str(payload.get("QuestionType") or ""), str(payload.get("Selector") or "")
    # Only these read their Choices: a text box's leftover Choices never skip it.
    listed = qtype in ("MC", "Matrix") or (qtype, selector) == ("TE", "FORM")
    question = _Question(
        qid=qid,
        tag=tag,
        payload=payload,
        qtype=qtype,
        selector=selector,
        sub=str(payload.get("SubSelector") or ""),
        text=plain_text(payload.get("QuestionText")),
        choices=_options(draft, tag, payload, "Choices") if listed else [],
        component=component,
        component_from=f"its block {shown(block)}" if component else "",
        block=block,
    )
    for key, entry in question.choices:
        if entry.get("TextEntry") not in (None, False, "false", ""):
            draft.add_free_text(f"{tag}_{key}_TEXT")
    if qtype == "MC" and selector in _SINGLE | _MULTI:
        _add_multiple_choice(draft, question)
    elif qtype == "Matrix":
        _add_matrix(draft, question)
    elif qtype == "TE":
        _add_text_entry(draft, question)
    elif qtype in _SKIPPED:
        draft.skip(tag, _SKIPPED[qtype])
    else:
        kind = short_name(f"{qtype or '?'}/{selector or '?'}")
        draft.skip(tag, f"question type {kind} is not supported")


def _add_multiple_choice(draft: Draft, question: _Question) -> None:
    """Single answer: an item; multiple answer: one binary item per choice."""
    payload, tag, qid = question.payload, question.tag, question.qid
    if not question.choices:
        raise _Unreadable(f"no answer choices (its Choices are {_json(payload.get('Choices'))})")
    levels, missing, _ = _choices(question.choices, _recodes(payload))
    if question.selector in _SINGLE:
        draft.add_choice(
            tag,
            question.text,
            levels,
            source_id=qid,
            component=question.component,
            component_from=question.component_from,
            missing=missing,
            groups=question.groupings,
        )
        return
    draft.add_multi(
        tag,
        question.text,
        levels + [Choice(code, label) for code, label in missing],
        source_id=qid,
        option_source=qid + "_{code}",
        option_aliases=[f"{tag}_{{code}}"],
        component=question.component,
        component_from=question.component_from,
        groups=question.groupings,
    )


def _add_matrix(draft: Draft, question: _Question) -> None:
    """Single answer: each statement an item on the answers' levels; text entry: each
    statement free text; other matrices are skipped."""
    payload, tag, text = question.payload, question.tag, question.text
    if question.selector == "TE":
        for key, _statement in question.choices:
            draft.add_free_text(f"{tag}_{key}")
        return
    if question.sub not in ("SingleAnswer", "DL", ""):
        draft.skip(tag, f"a matrix with {short_name(question.sub or question.selector)} answers")
        return
    answers = _options(draft, tag, payload, "Answers")
    for field, entries in (("statements", question.choices), ("answers", answers)):
        if not entries:
            name = "Choices" if field == "statements" else "Answers"
            raise _Unreadable(
                f"a matrix without {field} (its {name} are {_json(payload.get(name))})"
            )
    levels, missing, _ = _choices(answers, _recodes(payload))
    tags = payload.get("ChoiceDataExportTags")
    for key, statement in question.choices:
        column = str(tags[key]) if isinstance(tags, dict) and tags.get(key) else f"{tag}_{key}"
        label = plain_text(statement.get("Display"))
        if not label:
            draft.skip(column, "an empty matrix statement")
            continue
        draft.add_choice(
            column,
            label,
            levels,
            source_id=f"{question.qid}_{key}",
            component=question.component,
            component_from=question.component_from,
            scale_hint=None,
            missing=missing,
            aliases=[f"{text} - {label}"] if text else [],
            groups=question.groupings,
        )


def _add_text_entry(draft: Draft, question: _Question) -> None:
    """A number (kept only as a demographic), a form of text boxes, or one text box."""
    if _content_type(question.payload) in ("ValidNumber", "ValidZip"):
        draft.add_number(question.tag, question.text)
    elif question.selector == "FORM":
        for key, _option in question.choices:
            draft.add_free_text(f"{question.tag}_{key}")
    else:
        draft.add_free_text(question.tag)


def _content_type(payload: dict[str, Any]) -> str:
    validation = payload.get("Validation")
    settings = validation.get("Settings") if isinstance(validation, dict) else None
    return str(settings.get("ContentType") or "") if isinstance(settings, dict) else ""


# --- export -----------------------------------------------------------------------------


def _is_import_id(cell: str | None) -> bool:
    text = (cell or "").strip()
    if not (text.startswith("{") and "ImportId" in text):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except json.JSONDecodeError:
        return False


def _import_id(cell: str | None) -> str:
    """The ImportId of a third-header-row cell (``QID12``, ``QID1_2``), else ""."""
    if not _is_import_id(cell):
        return ""
    return str(json.loads(str(cell)).get("ImportId") or "")


def _distinct_copies(table: RawTable, instrument: Instrument | None) -> RawTable:
    """The columns of a copied question repeat its export tag (Qualtrics keeps the tag
    of a copy), but their ImportIds differ. With the instrument, a repeated header whose
    ImportId is an item's source id becomes that item's id, so the original and the
    copy each find their own column; any other repeat is left to the loader, which
    stops on a header that heads two columns rather than guess."""
    keys = [normalize_header(header) for header in table.headers]
    repeated = {key for key, count in Counter(keys).items() if count > 1}
    if instrument is None or not repeated:
        return table
    items = {item.source_id: item.id for item in instrument.items if item.source_id}
    import_ids = [_import_id(column[1]) for column in first_texts(table, 2)]
    headers = [
        items.get(import_id, header) if key in repeated else header
        for header, key, import_id in zip(table.headers, keys, import_ids, strict=True)
    ]
    return renamed(table, headers)


def looks_like_export(table: RawTable) -> bool:
    """Qualtrics' three-header-row CSV: the third row holds ``{"ImportId": ...}`` cells."""
    if table.n_rows < 2:
        return False
    ids = sum(_is_import_id(column[1]) for column in first_texts(table, 2))
    return ids >= max(1, len(table.cells) // 2)


def read_export(
    table: RawTable, *, complete_only: bool = False, instrument: Instrument | None = None
) -> RawTable:
    """Drop the question-text and ImportId rows; keep the export tags as headers (those a
    copied question repeats named by their ImportId, given the instrument)."""
    if not looks_like_export(table):
        raise DataError(
            f"{table.where()}: not a Qualtrics CSV export (the third row should hold "
            '{"ImportId": ...} cells); export "CSV" with the default three header rows'
        )
    table = drop_first_rows(_distinct_copies(table, instrument), 2)
    if complete_only:
        headers = [h.strip() for h in table.headers]
        if "Finished" not in headers:
            raise DataError(
                f"{table.where()}: {option('complete_only')} needs the 'Finished' column"
            )
        finished = texts(table, headers.index("Finished"))
        keep = [
            i for i, value in enumerate(finished) if normalize_text(value or "") in ("1", "true")
        ]
        table = keep_rows(table, keep)
    return table


def _tidy(table: RawTable, request: ReadRequest) -> RawTable:
    return read_export(table, complete_only=request.complete_only, instrument=request.instrument)


PLATFORM = TablePlatform(
    name="qualtrics",
    title="Qualtrics",
    looks_like=looks_like_export,
    tidy=_tidy,
    marks_complete=True,
    metadata=METADATA_COLUMNS,
    importer=from_qualtrics,
)
