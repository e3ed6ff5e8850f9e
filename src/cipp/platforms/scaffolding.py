"""Instruments drafted from response files, for platforms that export no definition.

Google Forms and Microsoft Forms export no questionnaire definition, so :func:`scaffold`
drafts one from a response file: the header is the item text, and each column is given
to the first of the guesses in ``_GUESSES`` that takes it: a KoboToolbox/ODK
select_multiple (its 1/0 ``<question>/<choice>`` columns or answers of space-joined
choice names) and its option columns; the export's own columns (skipped); a column
without answers (skipped); a Microsoft multi-select (``;`` after every option); a known
scale that every answer fits (the bundled instruments' scales, then 5-point agreement,
satisfaction and frequency scales), used whole; a Google multi-select (``, ``, when the
parts recur as answers on their own); whole numbers in a short range, a rating scale
(Google's linear scale); other numbers (kept only as demographics); one answer in
every row (skipped); a short list of answers, levels in order of first appearance;
anything else, free text. Multi-selects become one binary item per option. Everything
guessed is in the import report. A KoboToolbox or ODK export can be scaffolded too when
its form is not at hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cipp.model.errors import InstrumentError
from cipp.model.instrument import Level, Scale, normalize_text
from cipp.model.table import RawTable
from cipp.platforms import tables
from cipp.platforms.draft import Choice, Draft, ImportOptions, ImportResult, slug
from cipp.platforms.forms import (
    GOOGLE,
    MSFORMS,
    is_ms_multi,
    metadata_columns,
    ms_options,
    xlsform_platform,
)
from cipp.read.instrument import iter_bundled
from cipp.read.tables import read_table

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_MAX_LEVELS = 12
_MAX_RATING_RANGE = 10
_MAX_LEVEL_LENGTH = 80
#: A KoboToolbox/ODK select_multiple: its separator, choice names and 1/0 columns.
_MultiSelect = tuple[str, list[str], list[int]]
#: The exports of XLSForm platforms, and how the note on reading their form names them.
_XLSFORM_EXPORTS = {"kobo": "a KoboToolbox", "odk": "an ODK"}


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


#: An XLSForm choice name as forms write them (no spaces: select_multiple answers are
#: joined by spaces; lower case, which tells them from labels).
_CHOICE_NAME = re.compile(r"^[a-z_][a-z0-9_.\-]*$")


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


@dataclass(frozen=True)
class _File:
    """What the guesses know of the whole file."""

    platform: str
    table: RawTable
    #: Each column's answers as the loader will read them: trimmed, blanks and the
    #: declared missing codes left out (they are missing values, not levels).
    answers: list[list[str]]
    #: The positions of the export's own columns (timestamps, respondents, submissions).
    meta: set[int]
    #: KoboToolbox/ODK select_multiple questions, by the position of their column, and
    #: the question each of their 1/0 option columns belongs to.
    multi_selects: dict[int, _MultiSelect]
    option_of: dict[int, str]
    #: The known scales each column's answers fit, the most used in the file first (one
    #: form, one agreement scale).
    fitting: dict[int, list[Scale]]


@dataclass(frozen=True)
class _Column:
    """One column, as a guess sees it."""

    position: int
    header: str
    question: str
    answers: list[str]
    distinct: list[str]


def _survey(table: RawTable, platform: str, options: ImportOptions) -> _File:
    meta = metadata_columns(table)
    missing = {normalize_text(code) for code in options.missing_codes}
    answers = [
        [
            v.strip()
            for v in tables.texts(table, j)
            if v is not None and v.strip() and normalize_text(v) not in missing
        ]
        for j in range(len(table.headers))
    ]
    multi_selects: dict[int, _MultiSelect] = {}
    if platform in _XLSFORM_EXPORTS:
        multi_selects = _xlsform_multi_selects(table, answers, meta)
    option_of = {
        j: table.headers[position].strip()
        for position, (_, _, split) in multi_selects.items()
        for j in split
    }
    scales = known_scales()
    fitting = {
        j: [s for s in scales if _fits(s, dict.fromkeys(values), options.missing_codes)]
        for j, values in enumerate(answers)
        if j not in meta and values
    }
    uses = {id(s): sum(s in fits for fits in fitting.values()) for s in scales}
    fitting = {j: sorted(fits, key=lambda s: -uses[id(s)]) for j, fits in fitting.items()}
    return _File(platform, table, answers, meta, multi_selects, option_of, fitting)


# --- the guesses, in the order they are tried --------------------------------------------
# Each takes the column (adds it to the draft, or skips it with a reason) and returns
# True, or leaves it to the next guess.


def _xlsform_multi_select(draft: Draft, file: _File, column: _Column) -> bool:
    found = file.multi_selects.get(column.position)
    if found is None or draft.wants_demographic(column.question):
        return False
    separator, names, split = found
    if not split and file.fitting.get(column.position):
        return False  # answers of space-joined names that also fit a scale are a scale
    text = column.header.strip()
    draft.add_multi(
        column.question,
        text,
        [Choice(name, name) for name in names],
        source_id=text,
        option_source=text.replace("{", "{{").replace("}", "}}") + separator + "{code}",
    )
    draft.guessed.append(
        f"{column.question}: multi-select with options {', '.join(names)} (from its "
        + (f"{text}{separator}<option> columns)" if split else "space-joined answers)")
    )
    return True


def _xlsform_option(draft: Draft, file: _File, column: _Column) -> bool:
    question = file.option_of.get(column.position)
    if question is None:
        return False
    draft.skip(column.header, f"an option of the multi-select '{question}'")
    return True


def _metadata(draft: Draft, file: _File, column: _Column) -> bool:
    if column.position not in file.meta:
        return False
    draft.skip(column.header, "metadata of the export")
    return True


def _no_answers(draft: Draft, file: _File, column: _Column) -> bool:
    if column.answers:
        return False
    draft.skip(column.header, "no answers")
    return True


def _add_multi_from_answers(draft: Draft, column: _Column, options: list[str]) -> None:
    draft.add_multi(
        column.question,
        column.header,
        [Choice(slug(option, limit=24), option) for option in options],
        source_id=column.header,
        option_source="{text} [{label}]",
    )
    draft.guessed.append(
        f"{column.question}: multi-select with options {', '.join(options)} (from the answers)"
    )


def _msforms_multi_select(draft: Draft, file: _File, column: _Column) -> bool:
    if file.platform == GOOGLE.name or not is_ms_multi(column.answers):
        return False
    _add_multi_from_answers(draft, column, ms_options(column.answers))
    return True


def _known_scale(draft: Draft, file: _File, column: _Column) -> bool:
    fitting = file.fitting.get(column.position)
    if not fitting:
        return False
    chosen = fitting[0]
    draft.add_on_scale(column.question, column.header, chosen, source_id=column.header)
    also = f" (also fits {', '.join(s.id for s in fitting[1:3])})" if fitting[1:] else ""
    draft.guessed.append(f"{column.question}: answers fit the scale '{chosen.id}'{also}")
    return True


def _google_multi_select(draft: Draft, file: _File, column: _Column) -> bool:
    if file.platform == MSFORMS.name:
        return False
    options = google_multi_options(column.answers)
    if options is None:
        return False
    _add_multi_from_answers(draft, column, options)
    return True


def _rating_scale(draft: Draft, file: _File, column: _Column) -> bool:
    codes = _rating(column.distinct)
    if codes is None:
        return False
    draft.add_choice(
        column.question,
        column.header,
        [Choice(str(code), str(code)) for code in codes],
        source_id=column.header,
    )
    draft.guessed.append(
        f"{column.question}: whole numbers {codes[0]}-{codes[-1]}, read as a rating scale"
    )
    return True


def _number(draft: Draft, file: _File, column: _Column) -> bool:
    if not all(_NUMBER.match(v.strip()) for v in column.distinct):
        return False
    draft.add_number(column.question, column.header)
    return True


def _one_answer(draft: Draft, file: _File, column: _Column) -> bool:
    if len(column.distinct) != 1:
        return False
    draft.skip(column.header, f"the same answer in every row ('{column.distinct[0]}')")
    return True


def _levels_from_answers(draft: Draft, file: _File, column: _Column) -> bool:
    distinct, count = column.distinct, len(column.answers)
    if not (
        len(distinct) <= _MAX_LEVELS
        and len(distinct) < count
        and len(distinct) * 2 <= count + 2
        and all(len(v) <= _MAX_LEVEL_LENGTH for v in distinct)
    ):
        return False
    draft.add_choice(
        column.question,
        column.header,
        [Choice(str(i + 1), v) for i, v in enumerate(distinct)],
        source_id=column.header,
    )
    draft.guessed.append(
        f"{column.question}: levels from the answers, in order of first appearance "
        f"({', '.join(distinct)}); reorder them if they are ordinal"
    )
    return True


def _free_text(draft: Draft, file: _File, column: _Column) -> bool:
    draft.add_free_text(column.header)
    return True


_GUESSES: tuple[Callable[[Draft, _File, _Column], bool], ...] = (
    _xlsform_multi_select,
    _xlsform_option,
    _metadata,
    _no_answers,
    _msforms_multi_select,
    _known_scale,
    _google_multi_select,
    _rating_scale,
    _number,
    _one_answer,
    _levels_from_answers,
    _free_text,
)


def _scaffolded_platform(table: RawTable) -> tuple[str, str]:
    """The platform a response file comes from, and what the import report calls it."""
    for platform in (MSFORMS, GOOGLE):
        if platform.looks_like(table):
            return platform.name, f"{platform.title} responses"
    xlsform = xlsform_platform(table)
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
    if platform in _XLSFORM_EXPORTS:
        draft.notes.append(
            f"This is {_XLSFORM_EXPORTS[platform]} export: 'cipp instrument from-xlsform "
            "FORM.xlsx' reads the form itself (labels, choice lists, groups) and guesses less."
        )
    file = _survey(table, platform, options)
    for position, header in enumerate(table.headers):
        answers = file.answers[position]
        column = _Column(position, header, slug(header), answers, _distinct_answers(answers))
        for guess in _GUESSES:
            if guess(draft, file, column):
                break
    return draft.result(
        id=slug(path.stem),
        title=path.stem.replace("_", " "),
        description=f"Scaffolded from the responses in {path.name}; check every guess",
    )
