"""Google Forms and Microsoft Forms: response files, and instruments scaffolded from them.

These platforms export no questionnaire definition, so :func:`scaffold` drafts one
from a response file: the header is the item text; a column whose answers all fit a
known scale (the bundled instruments' scales, then 5-point agreement, satisfaction
and frequency scales) uses that scale whole; whole numbers in a short range are a
rating scale (Google's linear scale); other short answer lists become levels in order
of first appearance; long or varied answers are free text. Multi-select answers are
recognised by their separator (Microsoft: ``;`` after every option; Google: ``, ``, when
the parts recur as answers on their own) and become one binary item per option.
Everything guessed is in the import report. A KoboToolbox or ODK export can be
scaffolded too when its form is not at hand: the submission's own columns are skipped,
and a select_multiple question is read from its 1/0 ``<question>/<choice>`` columns or
from answers of space-joined choice names.

Exports (as the platforms document them; the tests use hand-written fixtures, not real
downloads): Google Forms CSV has ``Timestamp`` (or its translation) first; Microsoft
Forms xlsx starts with ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``.
A Microsoft Forms multi-select column is split into ``"<question> [<option>]"`` columns
of 1/0 without an instrument; a Google one needs the instrument (labels may hold
``", "``), see :func:`cipp.platforms.exports.expand_choices`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cipp.model.errors import DataError, InstrumentError, option
from cipp.model.instrument import Level, Scale, normalize_header, normalize_text
from cipp.model.table import RawTable
from cipp.platforms import tables
from cipp.platforms.draft import (
    Choice,
    Draft,
    ImportOptions,
    ImportResult,
    option_text,
    slug,
)
from cipp.platforms.registry import ReadRequest, TablePlatform
from cipp.read.instrument import iter_bundled
from cipp.read.tables import read_table

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
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_MAX_LEVELS = 12
_MAX_RATING_RANGE = 10


def _scale(scale_id: str, label: str, labels: list[str], kind: str = "likert") -> Scale:
    return Scale(
        id=scale_id,
        label=label,
        levels=tuple(Level(code=i + 1, label=text) for i, text in enumerate(labels)),
        kind=kind,
        positive="high",
    )


BUILTIN_SCALES = (
    _scale(
        "agreement5",
        "5-point agreement scale",
        ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"],
    ),
    _scale(
        "satisfaction5",
        "5-point satisfaction scale",
        [
            "Very dissatisfied",
            "Dissatisfied",
            "Neither satisfied nor dissatisfied",
            "Satisfied",
            "Very satisfied",
        ],
    ),
    _scale(
        "frequency5", "5-point frequency scale", ["Never", "Rarely", "Sometimes", "Often", "Always"]
    ),
)


def known_scales() -> list[Scale]:
    """Scales a scaffold recognises: the bundled instruments' scales, then built-ins."""
    out: list[Scale] = []
    seen: set[tuple[tuple[int, str], ...]] = set()
    try:
        bundled = [scale for instrument in iter_bundled() for scale in instrument.scales]
    except InstrumentError:
        bundled = []
    for scale in [*bundled, *BUILTIN_SCALES]:
        key = tuple((level.code, level.label) for level in scale.levels)
        if key not in seen:
            seen.add(key)
            out.append(scale)
    return out


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
    elif _xlsform_platform(table) is not None:
        return {j for j, h in enumerate(table.headers) if _is_xlsform_metadata(h)}
    else:
        names = frozenset()
    return {j for j, h in enumerate(table.headers) if normalize_header(h) in names}


#: An XLSForm choice name as forms write them (no spaces: select_multiple answers are
#: joined by spaces; lower case, which tells them from labels).
_CHOICE_NAME = re.compile(r"^[a-z_][a-z0-9_.\-]*$")


def _xlsform_platform(table: RawTable) -> str | None:
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
    last = re.split(r"[/-]", name)[-1]
    return (
        name.startswith("_")
        or name in ODK_CENTRAL_COLUMNS
        or name.lower().startswith(("meta-", "meta/"))
        or last.lower() in METADATA_TYPES
    )


def _xlsform_multi_selects(
    table: RawTable, columns: list[list[str]], skip: set[int]
) -> dict[int, tuple[str, list[str], list[int]]]:
    """KoboToolbox and ODK select_multiple questions: a column of space-separated choice
    names, ``<question>``, beside one 1/0 column per choice, ``<question>/<choice>``.

    Returns, by the question column's position: the separator, the choice names and the
    positions of their columns.
    """
    found: dict[int, tuple[str, list[str], list[int]]] = {}
    headers = [h.strip() for h in table.headers]
    for position, header in enumerate(headers):
        if position in skip or not columns[position]:
            continue
        for separator in ("/", "-"):
            prefix = header + separator
            options = [
                (j, h[len(prefix) :])
                for j, h in enumerate(headers)
                if h.startswith(prefix) and h[len(prefix) :] and j not in skip
            ]
            option_names = {name for _, name in options}
            if (
                options
                and all(set(columns[j]) <= {"0", "1"} for j, _ in options)
                and all(set(value.split()) <= option_names for value in columns[position])
            ):
                found[position] = (separator, [n for _, n in options], [j for j, _ in options])
                break
        else:
            if names := _space_joined_names(columns[position]):
                found[position] = ("/", names, [])
    return found


def _space_joined_names(answers: list[str]) -> list[str]:
    """The choice names of a select_multiple column without split columns (ODK Central's
    default), or [] when the answers do not look like one.

    They must be XLSForm choice names as forms write them (lower case, no spaces), joined
    by single spaces, some answers naming one and some more than one, none naming one
    twice, and every name in two answers or more; labels ("Strongly agree") and most free
    text fail.
    """
    uses: Counter[str] = Counter()
    sizes = set()
    for value in answers:
        tokens = value.split(" ")
        if len(set(tokens)) != len(tokens) or not all(_CHOICE_NAME.match(t) for t in tokens):
            return []
        sizes.add(min(len(tokens), 2))
        uses.update(tokens)
    if sizes != {1, 2} or len(uses) > _MAX_LEVELS or min(uses.values()) < 2:
        return []
    return list(uses)


def _options_ms(values: Iterable[str]) -> list[str]:
    out: dict[str, None] = {}
    for value in values:
        for part in value.split(";"):
            if part.strip():
                out.setdefault(part.strip(), None)
    return list(out)


def is_ms_multi(values: list[str]) -> bool:
    """Microsoft Forms ends every multi-select answer with ';'."""
    return bool(values) and all(v.rstrip().endswith(";") for v in values)


def _distinct_answers(values: list[str]) -> list[str]:
    """The different answers in order of first appearance, told apart as the loader tells
    levels apart (case and spacing aside), each spelled as most answers spell it."""
    spellings: dict[str, Counter[str]] = {}
    for value in values:
        spellings.setdefault(normalize_text(value), Counter())[value] += 1
    return [counts.most_common(1)[0][0] for counts in spellings.values()]


def google_multi_options(values: list[str]) -> list[str] | None:
    """The options of a Google multi-select column, or None if it looks single-choice.

    Google joins checked options with ", ". A column counts as multi-select when some
    answer has several parts and either every part of every joined answer is also an
    answer on its own, or there are fewer distinct parts than distinct answers.
    """
    distinct = list(dict.fromkeys(values))
    parts = {value: [p.strip() for p in value.split(", ") if p.strip()] for value in distinct}
    joined = [v for v in distinct if len(parts[v]) > 1]
    if not joined:
        return None
    singles = {v for v in distinct if len(parts[v]) == 1}
    options = list(dict.fromkeys(p for v in distinct for p in parts[v]))
    if all(p in singles for v in joined for p in parts[v]) or len(options) < len(distinct):
        return options
    return None


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
        for choice in _options_ms(values):
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


def _fits(scale: Scale, values: Iterable[str], missing_codes: Iterable[str] = ()) -> bool:
    """Every answer is a level or missing value of the scale, and some by its label
    (numbers alone are no evidence: 1-5 fits every scale's codes)."""
    values = list(values)
    if all(_NUMBER.match(v.strip()) for v in values):
        return False
    lookup = scale.lookup()
    missing = scale.missing_keys() | {normalize_text(code) for code in missing_codes}
    return all(normalize_text(v) in lookup or normalize_text(v) in missing for v in values)


def _rating(values: list[str]) -> list[int] | None:
    if not values or not all(_NUMBER.match(v.strip()) for v in values):
        return None
    numbers = [float(v) for v in values]
    if not all(n.is_integer() for n in numbers):
        return None
    low, high = int(min(numbers)), int(max(numbers))
    # Google's linear scale runs from 0 or 1 up to at most 10: answers 3-5 are read as
    # the top of a 1-5 scale, ages 19-24 are not a rating.
    if low < 0 or high > _MAX_RATING_RANGE or high == low:
        return None
    return list(range(min(low, 1), high + 1))


def _scaffolded_platform(table: RawTable) -> tuple[str, str]:
    """The platform a response file comes from, and what the import report calls it."""
    for platform in (MSFORMS, GOOGLE):
        if platform.looks_like(table):
            return platform.name, f"{platform.title} responses"
    xlsform = _xlsform_platform(table)
    if xlsform is not None:
        return xlsform, ""
    return "forms", "form responses"


def scaffold(
    path: str | Path, options: ImportOptions | None = None, *, sheet: str | None = None
) -> ImportResult:
    """Draft an instrument from a Google Forms / Microsoft Forms (or any) response file."""
    path = Path(path)
    options = options or ImportOptions()
    table = read_table(path, sheet=sheet)
    platform, title = _scaffolded_platform(table)
    draft = Draft(platform, path, options, title=title)
    meta = metadata_columns(table)
    scales = known_scales()
    missing = {normalize_text(code) for code in options.missing_codes}
    # Each column's answers as the loader will read them: trimmed, blanks and the
    # declared missing codes left out (they are missing values, not levels).
    columns = [
        [
            v.strip()
            for v in tables.texts(table, j)
            if v is not None and v.strip() and normalize_text(v) not in missing
        ]
        for j in range(len(table.headers))
    ]
    multi_selects: dict[int, tuple[str, list[str], list[int]]] = {}
    option_of: dict[int, str] = {}
    if platform in ("kobo", "odk"):
        multi_selects = _xlsform_multi_selects(table, columns, meta)
        option_of = {
            j: table.headers[position].strip()
            for position, (_, _, split) in multi_selects.items()
            for j in split
        }
        name = "a KoboToolbox" if platform == "kobo" else "an ODK"
        draft.notes.append(
            f"This is {name} export: 'cipp instrument from-xlsform FORM.xlsx' reads the "
            "form itself (labels, choice lists, groups) and guesses less."
        )
    fitting_of = {
        j: [s for s in scales if _fits(s, dict.fromkeys(values), options.missing_codes)]
        for j, values in enumerate(columns)
        if j not in meta and values
    }
    # A scale that fits more of the file's columns wins (one form, one agreement scale).
    uses = {id(s): sum(s in fits for fits in fitting_of.values()) for s in scales}
    for position, header in enumerate(table.headers):
        question = slug(header)
        joined_only = position in multi_selects and not multi_selects[position][2]
        if (
            position in multi_selects
            and not draft.wants_demographic(question)
            and not (joined_only and fitting_of.get(position))
        ):
            separator, names, split = multi_selects[position]
            text = header.strip()
            draft.add_multi(
                question,
                text,
                [Choice(name, name) for name in names],
                source_id=text,
                option_source=text.replace("{", "{{").replace("}", "}}") + separator + "{code}",
            )
            draft.guessed.append(
                f"{question}: multi-select with options {', '.join(names)} (from its "
                + (f"{text}{separator}<option> columns)" if split else "space-joined answers)")
            )
            continue
        if position in option_of:
            draft.skip(header, f"an option of the multi-select '{option_of[position]}'")
            continue
        if position in meta:
            draft.skip(header, "metadata of the export")
            continue
        values = columns[position]
        distinct = _distinct_answers(values)
        if not values:
            draft.skip(header, "no answers")
            continue
        multi: list[str] | None = None
        if platform != "google" and is_ms_multi(values):
            multi = _options_ms(values)
        fitting = [] if multi is not None else fitting_of.get(position, [])
        fitting = sorted(fitting, key=lambda s: -uses[id(s)])
        if multi is None and not fitting and platform != "msforms":
            multi = google_multi_options(values)
        if multi is not None:
            draft.add_multi(
                question,
                header,
                [Choice(slug(option, limit=24), option) for option in multi],
                source_id=header,
                option_source="{text} [{label}]",
            )
            draft.guessed.append(
                f"{question}: multi-select with options {', '.join(multi)} (from the answers)"
            )
        elif fitting:
            chosen = fitting[0]
            draft.add_on_scale(question, header, chosen, source_id=header)
            also = f" (also fits {', '.join(s.id for s in fitting[1:3])})" if fitting[1:] else ""
            draft.guessed.append(f"{question}: answers fit the scale '{chosen.id}'{also}")
        elif (codes := _rating(distinct)) is not None:
            draft.add_choice(
                question,
                header,
                [Choice(str(code), str(code)) for code in codes],
                source_id=header,
            )
            draft.guessed.append(
                f"{question}: whole numbers {codes[0]}-{codes[-1]}, read as a rating scale"
            )
        elif all(_NUMBER.match(v.strip()) for v in distinct):
            draft.add_number(question, header)
        elif len(distinct) == 1:
            draft.skip(header, f"the same answer in every row ('{distinct[0]}')")
        elif (
            len(distinct) <= _MAX_LEVELS
            and len(distinct) < len(values)
            and len(distinct) * 2 <= len(values) + 2
            and all(len(v) <= 80 for v in distinct)
        ):
            draft.add_choice(
                question,
                header,
                [Choice(str(i + 1), v) for i, v in enumerate(distinct)],
                source_id=header,
            )
            draft.guessed.append(
                f"{question}: levels from the answers, in order of first appearance "
                f"({', '.join(distinct)}); reorder them if they are ordinal"
            )
        else:
            draft.add_free_text(header)
    title = path.stem.replace("_", " ")
    return draft.result(
        id=slug(path.stem),
        title=title,
        description=f"Scaffolded from the responses in {path.name}; check every guess",
    )
