"""What every definition importer shares: a draft instrument and its import report.

Each platform module (redcap, xlsform, spss, qualtrics, forms) walks its questionnaire
definition and tells a :class:`Draft` about each question: a single choice with its
levels, a multi-select with its options, free text, a number, or something skipped
and why. The draft applies the rules the platforms have in common:

- levels keep the platform's integer codes; non-integer codes are numbered in listed
  order (after the largest integer code) and the original code is kept as an alias;
- identical level lists share one scale;
- a multi-select question becomes one binary item per option, ``<question>__<option>``,
  on the shared Selected (1) / Not selected (0) scale, with the text
  ``"<question text> [<option label>]"`` (the readers in :mod:`cipp.platforms.exports`
  rely on this shape to split joined multi-select answers);
- ``--missing-code`` values, platform missing codes (Qualtrics' negative recodes,
  SPSS user-missing values) and choices that are no place on the scale ("Don't know",
  "Not applicable", "Prefer not to say") leave the levels and become the scale's
  missing values;
- the levels' words are read (:mod:`cipp.platforms.orders`): they set which end is
  positive, give a two-ended scale (agree / disagree, good / poor) its collapse groups
  (the positive share is every level above the middle), and a listed order that
  contradicts them is written ``order: guessed``, except for choices without whole-number
  codes (XLSForm/XForm names), which cipp numbers itself and so numbers in the order
  of their words, with a report line;
- ``--component``/``--component-map`` (item ids, source ids, glob patterns, and the
  platform's own grouping: ``form:``, ``group:``, ``block:``) and ``--demographic`` are
  applied; an item left without a component is ``unassigned``;
- a question that cannot be used is skipped and the import goes on; everything skipped
  or guessed lands in the :class:`ImportReport`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from fnmatch import fnmatchcase
from pathlib import Path

from cipp.model.errors import SHOWN_CHARACTERS, InstrumentError, listed, option, shown
from cipp.model.instrument import (
    COMPONENTS,
    ORDER_GUESSED,
    UNASSIGNED,
    CollapseGroup,
    Demographic,
    Instrument,
    Item,
    Level,
    Scale,
    normalize_text,
)
from cipp.platforms.orders import (
    Ordering,
    family_kind,
    is_non_substantive,
    label_words,
    misspelled,
    order_answers,
    text_direction,
)
from cipp.read.files import check_input

#: The scale of every multi-select option item: unchecked is 0, not missing.
SELECTED_SCALE = Scale(
    id="selected",
    label="Selected / not selected",
    levels=(
        Level(code=1, label="Selected", aliases=("Checked", "TRUE")),
        Level(code=0, label="Not selected", aliases=("Unchecked", "FALSE")),
    ),
    kind="binary",
    positive="high",
)

_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")
_TAGS = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"<\s*(br|/?p|/?div|/?li|/?tr|/?td|/?h\d)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_OPTION_TEXT = re.compile(r"^(?P<question>.*) \[(?P<option>[^\[\]]*)\]$", re.DOTALL)

_AGREE = re.compile(r"\bagree", re.IGNORECASE)
_LIKERT_WORDS = re.compile(
    r"\b(agree|disagree|satisfied|dissatisfied|never|rarely|sometimes|often|always|likely)\b",
    re.IGNORECASE,
)
_POSITIVE_START = re.compile(
    r"^(strongly agree|completely agree|agree|excellent|very good|very satisfied|satisfied|"
    r"always|very likely|extremely likely|yes|true)\b",
    re.IGNORECASE,
)


def plain_text(value: str | None) -> str:
    """Question or choice text without HTML tags, entities or repeated spaces."""
    if not value:
        return ""
    text = _BREAKS.sub(" ", str(value))
    text = _TAGS.sub("", text)
    return _SPACES.sub(" ", html.unescape(text)).strip()


def make_id(raw: str) -> str:
    """A valid cipp id from a platform's name: other characters become ``_``."""
    text = _ID_CHARS.sub("_", str(raw).strip()).strip("_") or "item"
    if not re.match(r"[A-Za-z_]", text):
        text = f"q{text}" if text[0].isdigit() else f"q_{text}"
    return text


def slug(text: str, *, limit: int = 40) -> str:
    """A short lowercase id from question text ("How useful was it?" -> how_useful_was_it)."""
    words = re.findall(r"[a-z0-9]+", plain_text(text).casefold())
    out = ""
    for word in words:
        candidate = f"{out}_{word}" if out else word
        if len(candidate) > limit and out:
            break
        out = candidate
    return make_id(out or "item")


def option_text(question: str, option: str) -> str:
    """The text of a multi-select option item: ``"<question> [<option>]"``."""
    return f"{question} [{option}]"


def split_option_text(text: str) -> tuple[str, str] | None:
    """Undo :func:`option_text`: (question, option), or None for other texts."""
    match = _OPTION_TEXT.match(text)
    return (match["question"], match["option"]) if match else None


def file_sha256(path: Path) -> str:
    check_input(path, InstrumentError)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def as_code(value: object) -> int | None:
    """The whole number a platform code spells ("3", "3.0", 3.0), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?\d+\.0*", text):
        return int(float(text))
    return None


@dataclass(frozen=True)
class Choice:
    """One listed option of a platform question: its raw code, label and other spellings."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportOptions:
    """What the user adds to an import: components, demographics, missing codes, language.

    ``components`` maps keys to CIPP components, in the order given: an item id, a
    multi-select question id (all its option items) or a source id; a glob pattern over
    those (``pmq*``); or the platform's grouping, ``form:NAME`` (REDCap), ``group:NAME``
    (XLSForm, XForm) or ``block:NAME`` (Qualtrics), NAME a glob too. An exact id wins
    over patterns; among patterns and groupings the last that matches wins.
    """

    components: Mapping[str, str] = field(default_factory=dict)
    demographics: tuple[str, ...] = ()
    missing_codes: tuple[str, ...] = ()
    lang: str | None = None


#: The groupings ``components`` keys may name (``form:visit_1``): what each platform
#: calls the parts of its questionnaire.
GROUPINGS = ("form", "group", "block")


def _capped(entries: list[str], limit: int | None) -> list[str]:
    """``  - entry`` lines, the first ``limit`` of them and then ``and N more``."""
    if limit is not None and len(entries) > limit:
        entries = [*entries[:limit], f"and {len(entries) - limit} more"]
    return [f"  - {entry}" for entry in entries]


@dataclass(frozen=True)
class ImportReport:
    """Everything an import skipped, guessed or wants the user to know."""

    platform: str
    file: str
    sha256: str
    skipped: tuple[tuple[str, str], ...] = ()
    guessed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    needs_component: tuple[str, ...] = ()
    #: What the imported file is ("REDCap data dictionary"); the platform's name if empty.
    title: str = ""
    #: Scales written ``order: guessed`` (their levels' order could not be established).
    guessed_orders: tuple[str, ...] = ()

    def lines(self, limit: int | None = None) -> list[str]:
        """The report as plain lines: in full for the YAML header comment (the draft's
        record of its import); a terminal passes ``limit`` and each list shows its first
        ``limit`` entries, then ``and N more``."""
        name = self.title or self.platform
        out = [f"Imported from {name} {self.file} (sha256 {self.sha256[:12]}...)."]
        if self.skipped:
            out.append(f"Skipped {len(self.skipped)}:")
            skipped = [f"{short_name(what)}: {_bounded(why)}" for what, why in self.skipped]
            out.extend(_capped(skipped, limit))
        if self.guessed:
            out.append(f"Guessed {len(self.guessed)} (check them):")
            out.extend(_capped([_bounded(what) for what in self.guessed], limit))
        if self.notes:
            out.append("Notes:")
            out.extend(_capped([_bounded(note) for note in self.notes], limit))
        if self.guessed_orders:
            scales = list(self.guessed_orders)
            shown = ", ".join(scales[:limit] if limit is not None else scales)
            if limit is not None and len(scales) > limit:
                shown += f" and {len(scales) - limit} more"
            out.append(
                f"TODO: the order of {len(self.guessed_orders)} scale(s) could not be "
                f"established ({shown}): each is written "
                "'order: guessed'; put its levels in order (codes from the least to the "
                "most favourable, or set positive: low), then delete that line. Until "
                "then cipp analyze refuses % positive, means, alpha and trends for it."
            )
        if self.needs_component:
            out.append(
                f"TODO: {len(self.needs_component)} item(s) need a CIPP component "
                f"(context, input, process or product); they are written 'component: "
                f"{UNASSIGNED}' and analysed apart until then (assign them in bulk with "
                "--component 'PATTERN=COMPONENT'):"
                + listed([short_name(i) for i in self.needs_component]).replace("\n  - ", "\n    ")
            )
        else:
            out.append("Every item has a CIPP component.")
        return [line for text in out for line in text.split("\n")]


#: The longest report line kept whole. Values in reasons are cut where they are
#: written (80 characters); this bounds what a name from the file adds to them.
_REPORT_LINE = 400


def short_name(name: str) -> str:
    """A name from the file (a field name, an export tag, a field type) as the report
    writes it: as it is, or, when it is longer than a name can be or holds a line
    break, quoted and cut with its length (:func:`~cipp.model.errors.shown`)."""
    if len(name) <= SHOWN_CHARACTERS and name.isprintable():
        return name
    return shown(name)


def _bounded(line: str) -> str:
    """A report line, cut (with its length) where names from the file make it long."""
    if len(line) <= _REPORT_LINE:
        return line
    return f"{line[:_REPORT_LINE]}… ({len(line):,} characters)"


@dataclass(frozen=True)
class ImportResult:
    """An imported instrument (components may be empty) and its report."""

    instrument: Instrument
    report: ImportReport

    def to_yaml(self) -> str:
        from cipp.platforms.yamlio import instrument_to_yaml

        return instrument_to_yaml(self.instrument, header=self.report.lines())


class _Unusable(Exception):
    """A question the import cannot use: it is skipped with this reason, and the import
    goes on (one odd question never sinks a survey of fifty)."""


@dataclass
class _ItemDraft:
    id: str
    text: str
    scale_key: tuple[object, ...]
    question: str
    source_id: str
    component: str = ""
    component_from: str = ""
    aliases: tuple[str, ...] = ()


def check_component(value: str, where: str) -> str:
    component = value.strip().lower()
    if component not in COMPONENTS:
        raise InstrumentError(
            f"{where}: '{value}' is not a CIPP component (choose {', '.join(COMPONENTS)})"
        )
    return component


def infer_component(name: str | None) -> str:
    """The component a group, block, form or section named after one stands for.

    "Process", "process_evaluation" and "2. Input" name a component; "inputs" does not.
    """
    if not name:
        return ""
    words = re.findall(r"[a-z]+", plain_text(name).casefold())
    for word in words[:2]:
        if word in COMPONENTS:
            return word
    return ""


def guess_kind(levels: Sequence[Level]) -> tuple[str, str]:
    """(kind, positive) of a level list whose words :mod:`cipp.platforms.orders` does not
    read: two levels are binary; agreement-like wording is likert; anything else is a
    rating. The positive end is low when the lowest code reads positive ("Strongly
    agree" = 1, "Excellent" = 1)."""
    if len(levels) == 2:
        kind = "binary"
    elif any(_LIKERT_WORDS.search(level.label) for level in levels):
        kind = "likert"
    else:
        kind = "rating"
    lowest = min(levels, key=lambda level: level.code)
    highest = max(levels, key=lambda level: level.code)
    positive = (
        "low"
        if _POSITIVE_START.match(lowest.label) and not _POSITIVE_START.match(highest.label)
        else "high"
    )
    return kind, positive


def collapse_groups(
    places: Mapping[int, float], labels: Mapping[int, str]
) -> tuple[CollapseGroup, ...]:
    """The groups of a two-ended scale by each code's place: below the middle, the
    middle, above it; each named after its member nearest the plain word ("Agree", not
    "Strongly agree"). None unless there are both ends."""
    sides: dict[int, list[int]] = {-1: [], 0: [], 1: []}
    for code, place in sorted(places.items(), key=lambda pair: pair[1]):
        sides[(place > 0) - (place < 0)].append(code)
    if not sides[-1] or not sides[1]:
        return ()
    groups = []
    for codes in (sides[-1], sides[0], sides[1]):
        if not codes:
            continue
        words = {code: label_words(labels[code]) for code in codes}
        if all(words.values()):
            named = min(codes, key=lambda code: (abs(abs(places[code]) - 2), abs(places[code])))
            label = words[named]
        else:
            # Levels labelled by their number only (a scale labelled at its ends): the
            # group is named by its ends, "Strongly disagree .. 2", as a scale is.
            ends = sorted(codes)
            label = " .. ".join(dict.fromkeys(labels[code] for code in (ends[0], ends[-1])))
        groups.append(CollapseGroup(label=label, codes=tuple(codes)))
    return tuple(groups)


@dataclass(frozen=True)
class NumberedWords:
    """What the words of a numbered scale's labels say: "1 - Excellent" .. "5 - Poor",
    or 1 = "Strongly disagree" .. 5 = "Strongly agree" with 2-4 labelled by their
    number (see :func:`read_numbered`)."""

    kind: str
    positive: str
    collapse: tuple[CollapseGroup, ...]
    #: The codes run against the order the words give ("1 - Agree", "2 - Disagree", ...).
    contradicted: bool
    #: Some levels are labelled by their number only.
    filled: bool


def read_numbered(levels: Sequence[Level], *, numbered: bool = False) -> NumberedWords | None:
    """Read the words of levels whose labels carry numbers: a numeric prefix ("1 -
    Excellent"), or a bare number between labelled ones (SPSS value labels at the ends
    only). None when no label is numbered (``numbered``: the codes are the answers'
    numbers, their prefixes already taken off), fewer than two have words, or the
    words cannot be ordered.

    The words give what the same words without numbers give (:func:`ordered_levels`):
    which end is favourable, the kind, and for a two-ended wording its collapse groups.
    A level labelled by its number only takes the place on the straight line between
    its labelled neighbours, so 1 = "Strongly disagree" .. 5 = "Strongly agree" groups
    1-2, 3 and 4-5, as a fully labelled agreement scale does; a number beyond the
    labelled ends has no place, and the scale then has no groups.
    """
    by_code = sorted(levels, key=lambda level: level.code)
    words = {level.code: label_words(level.label) for level in by_code}
    numbered = numbered or any(words[level.code] != level.label.strip() for level in by_code)
    worded = {code: text for code, text in words.items() if text}
    if not numbered or len(worded) < 2:
        return None
    reading = order_answers(worded.values())
    if reading is None or reading.family == "numbers":
        return None
    scores = {code: reading.scores[text] for code, text in worded.items()}
    ordered = [scores[code] for code in sorted(scores)]
    steps = {(b > a) - (b < a) for a, b in zip(ordered, ordered[1:], strict=False)}
    kind = family_kind(reading.family, len(by_code))
    if steps not in ({1}, {-1}):
        return NumberedWords(kind, "high", (), contradicted=True, filled=False)
    collapse: tuple[CollapseGroup, ...] = ()
    places = _places_between(scores, [level.code for level in by_code])
    if reading.two_ended and places is not None:
        collapse = collapse_groups(places, {level.code: level.label for level in by_code})
    return NumberedWords(
        kind,
        "high" if steps == {1} else "low",
        collapse,
        contradicted=False,
        filled=len(worded) < len(by_code),
    )


def _places_between(scores: Mapping[int, float], codes: Sequence[int]) -> dict[int, float] | None:
    """Each code's place: its words' where it has words, else on the straight line
    between its labelled neighbours (None when a code lies beyond the labelled ends)."""
    known = sorted(scores)
    places: dict[int, float] = {}
    for code in codes:
        if code in scores:
            places[code] = scores[code]
            continue
        below = [k for k in known if k < code]
        above = [k for k in known if k > code]
        if not below or not above:
            return None
        low, high = below[-1], above[0]
        share = (code - low) / (high - low)
        # Rounded so that the middle of a symmetric scale is exactly 0, the neutral.
        places[code] = round(scores[low] + (scores[high] - scores[low]) * share, 9)
    return places


def ordered_levels(
    ordering: Ordering, counts: Mapping[str, int] | None = None
) -> tuple[tuple[Level, ...], tuple[CollapseGroup, ...]]:
    """The levels of answers in order, and the collapse groups of a two-ended scale.

    Numbers keep their number as code (every whole number between the lowest and the
    highest gets a level, labelled by its number where no answer names it); Yes/No
    answers are 1 and 0, listed Yes first; other answers are numbered from 1, the least
    favourable first. Answers at one place are one level, labelled as most answers
    (``counts``) spell it among the correctly spelled ("Strongly agree" before a more
    common "Strongly agre"), the other spellings kept as aliases.
    """
    counts = counts or {}
    ranked = [
        sorted(group, key=lambda answer: (misspelled(answer), -counts.get(answer, 0)))
        for group in ordering.ranked()
    ]
    if ordering.family == "numbers":
        return _numbered_levels(ordering, ranked), ()
    if ordering.family == "yes_no" and len(ranked) == 2:
        no, yes = ranked
        return (
            Level(code=1, label=yes[0], aliases=tuple(yes[1:])),
            Level(code=0, label=no[0], aliases=tuple(no[1:])),
        ), ()
    levels = tuple(
        Level(code=code, label=group[0], aliases=tuple(group[1:]))
        for code, group in enumerate(ranked, start=1)
    )
    if not ordering.two_ended:
        return levels, ()
    places = {level.code: ordering.scores[level.label] for level in levels}
    return levels, collapse_groups(places, {level.code: level.label for level in levels})


def _numbered_levels(ordering: Ordering, ranked: list[list[str]]) -> tuple[Level, ...]:
    by_number: dict[int, list[str]] = {}
    for group in ranked:
        for answer in group:
            by_number.setdefault(ordering.numbers[answer], []).append(answer)
    levels = []
    for number in range(min(by_number), max(by_number) + 1):
        answers = by_number.get(number, [])
        texts = [ordering.texts.get(a, "") for a in answers if ordering.texts.get(a, "")]
        label = texts[0] if texts else str(number)
        spelled = {normalize_text(label), str(number)}
        aliases = [a for a in answers if normalize_text(a) not in spelled]
        levels.append(Level(code=number, label=label, aliases=tuple(dict.fromkeys(aliases))))
    return tuple(levels)


def _grouping_matches(key: str, groups: Sequence[tuple[str, str]]) -> bool | None:
    """Whether a ``form:``/``group:``/``block:`` key names one of an item's groupings
    (None: the key is no grouping)."""
    kind, sep, name = key.partition(":")
    if not sep or kind.strip().casefold() not in GROUPINGS:
        return None
    pattern = name.strip().casefold()
    return any(
        grouping == kind.strip().casefold() and fnmatchcase(value.casefold(), pattern)
        for grouping, value in groups
    )


def _is_pattern(key: str) -> bool:
    return any(c in key for c in "*?[")


class Draft:
    """Collects questions from a definition, then builds the instrument and its report.

    ``platform`` is the name the instrument's source and the report give the platform,
    ``title`` what the report calls the imported file ("REDCap data dictionary").
    """

    def __init__(
        self, platform: str, path: Path, options: ImportOptions, *, title: str = ""
    ) -> None:
        self.platform = platform
        self.title = title
        self.path = path
        self.options = options
        self.sha256 = file_sha256(path)
        self._items: list[_ItemDraft] = []
        self._scales: dict[tuple[object, ...], Scale] = {}
        self._scale_hints: dict[tuple[object, ...], str] = {}
        self._demographics: list[Demographic] = []
        self._free_text: list[str] = []
        self._ids: set[str] = set()
        self._questions: dict[str, list[str]] = {}
        self._numeric: dict[str, str] = {}
        self._used_keys: set[str] = set()
        self._groups: dict[str, set[str]] = {}
        self.skipped: list[tuple[str, str]] = []
        self.guessed: list[str] = []
        self.notes: list[str] = []
        self._wanted_demographics = {d: False for d in options.demographics}
        self._missing = tuple(str(code) for code in options.missing_codes)
        self._missing_used: set[str] = set()

    # --- ids ------------------------------------------------------------------------

    def unique_id(self, raw: str) -> str:
        base = make_id(raw)
        candidate, number = base, 2
        while candidate in self._ids:
            candidate, number = f"{base}_{number}", number + 1
        if candidate != base:
            # Valid but taken: two of the platform's names give one id.
            self.guessed.append(f"{shown(raw)} names another question too; named it '{candidate}'")
        elif candidate != raw:
            self.guessed.append(f"{shown(raw)} is not a valid cipp id; named it '{candidate}'")
        self._ids.add(candidate)
        return candidate

    # --- levels and scales ----------------------------------------------------------

    def _kept_choices(
        self, question: str, choices: Sequence[Choice], declared: set[str]
    ) -> tuple[list[Choice], list[str]]:
        """The choices that are levels, and the values of those that are missing: the
        platform's, ``--missing-code``'s and those no place on the scale."""
        wanted = {normalize_text(code) for code in self._missing}
        kept: list[Choice] = []
        missing_values: list[str] = []
        for choice in choices:
            key = normalize_text(choice.code)
            if key in declared:
                continue
            if key in wanted:
                self._missing_used.add(key)
                missing_values.extend([choice.code, choice.label])
            elif is_non_substantive(choice.label):
                missing_values.extend([choice.code, choice.label])
                self.guessed.append(
                    f"{question}: {shown(choice.label)} is no place on the scale; made it a "
                    "missing value"
                )
            else:
                kept.append(choice)
        return kept, missing_values

    def levels(
        self,
        question: str,
        choices: Sequence[Choice],
        *,
        missing: Iterable[tuple[str, str]] = (),
    ) -> tuple[tuple[Level, ...], tuple[str, ...]]:
        """Levels and missing values from listed choices.

        ``missing`` are (code, label) pairs the platform itself declares missing; codes
        named by ``--missing-code`` and choices that are no place on the scale ("Don't
        know") join them. All leave the levels.
        """
        missing = list(missing)
        declared = {normalize_text(code) for code, _ in missing}
        missing_values: list[str] = []
        for code, label in missing:
            missing_values.extend([code, label] if label else [code])
        kept, dropped = self._kept_choices(question, choices, declared)
        missing_values += dropped
        for code in self._missing:
            missing_values.append(code)
        codes = [as_code(choice.code) for choice in kept]
        if all(code is None for code in codes):
            kept = self._by_words(question, kept)
        used = {code for code in codes if code is not None}
        if len(used) < len([c for c in codes if c is not None]):
            raise _Unusable("two choices share one code")
        next_code = max(used, default=0) + 1
        levels: list[Level] = []
        renumbered: list[str] = []
        for choice, given in zip(kept, codes, strict=True):
            spelled = {normalize_text(choice.label), normalize_text(choice.code)}
            aliases = [a for a in dict.fromkeys(choice.aliases) if normalize_text(a) not in spelled]
            if given is not None:
                number = given
            else:
                if not used:
                    number = len(levels) + 1
                else:
                    number, next_code = next_code, next_code + 1
                if normalize_text(choice.code) != normalize_text(choice.label):
                    aliases.insert(0, choice.code)
                renumbered.append(f"{choice.code} -> {number}")
            levels.append(
                Level(code=number, label=choice.label or choice.code, aliases=tuple(aliases))
            )
        if renumbered:
            self.guessed.append(
                f"{question}: codes are not whole numbers; numbered them "
                f"({', '.join(renumbered)}), the original codes kept as aliases"
            )
        levels = self._unambiguous(question, levels)
        return tuple(levels), self._missing_values(missing_values, levels)

    def _by_words(self, question: str, kept: list[Choice]) -> list[Choice]:
        """Choices without whole-number codes (XLSForm and XForm names: ``sd``,
        ``agree``) in the order their words give, when the listing contradicts it.

        Such choices are numbered by cipp, not by the platform (the data holds their
        names, kept as aliases), so numbering them by their words loses nothing; a
        listing that runs the words' way, or the other way round, is kept as listed.
        """
        labels = [choice.label or choice.code for choice in kept]
        reading = order_answers(labels)
        if reading is None or reading.family == "numbers" or len(set(labels)) < len(labels):
            return kept
        places = [reading.scores[label] for label in labels]
        steps = {(b > a) - (b < a) for a, b in zip(places, places[1:], strict=False)}
        if steps in ({1}, {-1}) or len(set(places)) < len(places):
            return kept
        ordered = sorted(kept, key=lambda choice: reading.scores[choice.label or choice.code])
        self.guessed.append(
            f"{question}: choices listed out of the order of their words "
            f"({', '.join(shown(label) for label in labels)}); reordered by its words, "
            f"1 = {shown(ordered[0].label or ordered[0].code)} .. {len(ordered)} = "
            f"{shown(ordered[-1].label or ordered[-1].code)}"
        )
        return ordered

    def _unambiguous(self, question: str, levels: list[Level]) -> list[Level]:
        """Drop aliases (and rename labels) that would name two levels at once."""
        owner: dict[str, int] = {}
        for level in levels:
            owner.setdefault(normalize_text(level.code), level.code)
        out: list[Level] = []
        for level in levels:
            label = level.label
            key = normalize_text(label)
            if owner.setdefault(key, level.code) != level.code:
                label = f"{label} (code {level.code})"
                self.guessed.append(
                    f"{question}: label '{level.label}' also spells another level's code; "
                    f"renamed it '{label}'"
                )
                owner[normalize_text(label)] = level.code
            aliases = []
            for alias in level.aliases:
                if owner.setdefault(normalize_text(alias), level.code) == level.code:
                    aliases.append(alias)
                else:
                    self.guessed.append(
                        f"{question}: dropped alias '{alias}' of '{label}' (names another level)"
                    )
            out.append(Level(code=level.code, label=label, aliases=tuple(aliases)))
        return out

    @staticmethod
    def _missing_values(values: Iterable[str], levels: Sequence[Level]) -> tuple[str, ...]:
        spellings = {normalize_text(s) for level in levels for s in level.spellings}
        out: list[str] = []
        seen: set[str] = set()
        for value in values:
            key = normalize_text(value)
            if value and key not in spellings and key not in seen:
                seen.add(key)
                out.append(value)
        return tuple(out)

    def _read_order(
        self, question: str, levels: tuple[Level, ...], reading: Ordering, positive: str
    ) -> tuple[str, tuple[CollapseGroup, ...], str | None]:
        """(positive, collapse groups, order) of listed levels whose words are read: the
        words say which end is favourable; a listed order that they contradict is
        ``order: guessed``."""
        by_code = sorted(levels, key=lambda level: level.code)
        if reading.family == "numbers":
            low, high = (reading.texts.get(by_code[j].label, "") for j in (0, -1))
            direction = text_direction(low, high) if low and high else 0
            return ("high" if direction > 0 else "low" if direction < 0 else positive), (), None
        places = [reading.scores[level.label] for level in by_code]
        steps = {(b > a) - (b < a) for a, b in zip(places, places[1:], strict=False)}
        if steps not in ({1}, {-1}):
            listed_labels = ", ".join(shown(level.label) for level in by_code)
            self.guessed.append(
                f"{question}: the codes do not follow the order the labels' words give "
                f"({listed_labels}); the scale is written 'order: guessed'"
            )
            return positive, (), ORDER_GUESSED
        positive = "high" if steps == {1} else "low"
        collapse: tuple[CollapseGroup, ...] = ()
        if reading.two_ended:
            scores = {level.code: reading.scores[level.label] for level in levels}
            collapse = collapse_groups(scores, {level.code: level.label for level in levels})
        return positive, collapse, None

    def _numbered_order(
        self, question: str, levels: Sequence[Level], numbered: NumberedWords
    ) -> str | None:
        """The order of numbered levels (None: known), and what the report says of it."""
        by_code = sorted(levels, key=lambda level: level.code)
        if numbered.contradicted:
            listed_labels = ", ".join(shown(level.label) for level in by_code)
            self.guessed.append(
                f"{question}: the numbers do not follow the order the labels' words give "
                f"({listed_labels}); the scale is written 'order: guessed'"
            )
            return ORDER_GUESSED
        if numbered.filled and numbered.collapse:
            favourable = next(g for g in numbered.collapse if by_code[-1].code in g.codes)
            if numbered.positive == "low":
                favourable = next(g for g in numbered.collapse if by_code[0].code in g.codes)
            codes = ", ".join(map(str, sorted(favourable.codes)))
            self.guessed.append(
                f"{question}: labelled at some values only; the unlabelled ones take their "
                f"place between the labels, so {codes} count as favourable"
            )
        return None

    def scale_for(
        self,
        question: str,
        levels: tuple[Level, ...],
        missing: tuple[str, ...],
        *,
        hint: str | None = None,
    ) -> tuple[object, ...]:
        """The key of the (shared) scale of these levels, created on first use."""
        if len(levels) < 2:
            raise _Unusable("fewer than two answer choices (nothing to compare)")
        kind, positive = guess_kind(levels)
        collapse: tuple[CollapseGroup, ...] = ()
        order = None
        reading = order_answers(level.label for level in levels)
        numbered = None
        if reading is None or reading.family == "numbers":
            numbered = read_numbered(levels)
        if numbered is not None:
            kind, positive, collapse = numbered.kind, numbered.positive, numbered.collapse
            order = self._numbered_order(question, levels, numbered)
        elif reading is not None:
            kind = reading.kind
            positive, collapse, order = self._read_order(question, levels, reading, positive)
        by_code = tuple(sorted(levels, key=lambda level: level.code))
        shuffled = levels not in (by_code, by_code[::-1])
        if order is None and (reading or numbered) is not None and shuffled:
            # Listed out of order, but the codes follow the words: shown in code order
            # (a listing from the highest code down, "1, Yes | 0, No", is kept).
            levels = by_code
            self.guessed.append(
                f"{question}: choices listed out of the order of their codes, which follow "
                "their words; listed by code"
            )
        key: tuple[object, ...] = (levels, missing, kind, positive, collapse, order)
        if key not in self._scales:
            self._scales[key] = Scale(
                id="",
                label="",
                levels=levels,
                kind=kind,
                positive=positive,
                missing=missing,
                collapse=collapse,
                order=order,
            )
            if positive == "low":
                self.guessed.append(
                    f"{question}: the lowest code reads positive; the scale's positive end "
                    "is set to low"
                )
        if hint and key not in self._scale_hints:
            self._scale_hints[key] = hint
        return key

    # --- questions ------------------------------------------------------------------

    def wants_demographic(self, question: str) -> bool:
        return question in self._wanted_demographics

    def _component(
        self,
        item_id: str,
        question: str,
        source_id: str,
        inferred: str,
        groups: Sequence[tuple[str, str]] = (),
    ) -> str:
        """The component the options give an item (an exact id first, then the last
        pattern or grouping that matches), else the one inferred from its names."""
        components = self.options.components
        for grouping, name in groups:
            self._groups.setdefault(grouping, set()).add(name)
        for key in (item_id, question, source_id):
            if key in components:
                self._used_keys.add(key)
                return check_component(components[key], option("components", key))
        found = None
        names = [name.casefold() for name in (item_id, question, source_id)]
        for key in components:
            matches = _grouping_matches(key, groups)
            if matches is None:
                matches = _is_pattern(key) and any(
                    fnmatchcase(name, key.casefold()) for name in names
                )
            if matches:
                self._used_keys.add(key)
                found = key
        if found is not None:
            return check_component(components[found], option("components", found))
        return inferred

    def add_choice(
        self,
        question: str,
        text: str,
        choices: Sequence[Choice],
        *,
        source_id: str,
        component: str = "",
        component_from: str = "",
        scale_hint: str | None = None,
        missing: Iterable[tuple[str, str]] = (),
        aliases: Iterable[str] = (),
        groups: Sequence[tuple[str, str]] = (),
    ) -> None:
        """A single-choice question: an item, or a categorical demographic if asked for.
        One that cannot be used (fewer than two choices, two choices on one code) is
        skipped."""
        try:
            levels, missing_values = self.levels(question, choices, missing=missing)
            if self.wants_demographic(question):
                if len(levels) < 2:
                    raise _Unusable("fewer than two answer choices")
                self._wanted_demographics[question] = True
                self._demographics.append(
                    Demographic(
                        id=self.unique_id(question),
                        label=text or question,
                        kind="categorical",
                        levels=levels,
                        missing=missing_values,
                        aliases=tuple(aliases),
                    )
                )
                return
            key = self.scale_for(question, levels, missing_values, hint=scale_hint)
        except _Unusable as unusable:
            self.skip(question, str(unusable))
            return
        self._add_single(question, text, key, source_id, component, component_from, aliases, groups)

    def _add_single(
        self,
        question: str,
        text: str,
        key: tuple[object, ...],
        source_id: str,
        component: str,
        component_from: str,
        aliases: Iterable[str],
        groups: Sequence[tuple[str, str]],
    ) -> None:
        taken = make_id(question) in self._ids
        item_id = self.unique_id(question)
        item_aliases = tuple(a for a in aliases if a and a != item_id)
        # The platform's name finds the column, unless another item has it already (a
        # copied question's tag): then that column is the other item's.
        if item_id != question and question not in item_aliases and not taken:
            item_aliases = (question, *item_aliases)
        self._add_item(
            _ItemDraft(
                id=item_id,
                text=text or question,
                scale_key=key,
                question=question,
                source_id=source_id,
                component=self._component(item_id, question, source_id, component, groups),
                component_from=component_from,
                aliases=item_aliases,
            )
        )
        if not text:
            self.guessed.append(f"{question}: no question text; used its name")

    def add_on_scale(
        self,
        question: str,
        text: str,
        scale: Scale,
        *,
        source_id: str,
        aliases: Iterable[str] = (),
    ) -> None:
        """A single-choice question answered on a known scale (kept whole: aliases,
        missing values, collapse groups, order)."""
        if self.wants_demographic(question):
            self.add_choice(
                question,
                text,
                [Choice(str(lv.code), lv.label, lv.aliases) for lv in scale.levels],
                source_id=source_id,
                aliases=aliases,
                missing=[(value, "") for value in scale.missing],
            )
            return
        key: tuple[object, ...] = ("known", scale)
        self._scales.setdefault(key, scale)
        self._scale_hints.setdefault(key, scale.id)
        item_id = self.unique_id(question)
        self._add_item(
            _ItemDraft(
                id=item_id,
                text=text,
                scale_key=key,
                question=question,
                source_id=source_id,
                component=self._component(item_id, question, source_id, ""),
                aliases=tuple(a for a in aliases if a and a != item_id),
            )
        )

    def add_multi(
        self,
        question: str,
        text: str,
        choices: Sequence[Choice],
        *,
        source_id: str,
        option_source: str = "{question}/{code}",
        option_aliases: Sequence[str] = (),
        component: str = "",
        component_from: str = "",
        groups: Sequence[tuple[str, str]] = (),
    ) -> None:
        """A multi-select question: one binary item per option, ``<question>__<option>``.

        ``option_source`` and ``option_aliases`` are format strings with ``{question}``
        (the platform's name), ``{code}``, ``{label}`` and ``{text}`` (question text).
        """
        if self.wants_demographic(question):
            raise InstrumentError(
                f"{self.path}: {question} is a multi-select question; it cannot be a "
                f"demographic (drop it from {option('demographics')})"
            )
        wanted = {normalize_text(c) for c in self._missing}
        kept = [choice for choice in choices if normalize_text(choice.code) not in wanted]
        if not kept:
            self.skip(question, "a multi-select question without options")
            return
        key: tuple[object, ...] = ("selected",)
        self._scales.setdefault(key, SELECTED_SCALE)
        question_text = text or question
        for choice in kept:
            values = {
                "question": question,
                "code": choice.code,
                "label": choice.label,
                "text": question_text,
                **{f"alias{i}": alias for i, alias in enumerate(choice.aliases)},
            }
            suffix = _ID_CHARS.sub("_", choice.code.strip()) or "option"
            item_id = self.unique_id(f"{make_id(question)}__{suffix}")
            aliases = tuple(
                dict.fromkeys(a.format(**values) for a in option_aliases if a.format(**values))
            )
            source = option_source.format(**values)
            self._add_item(
                _ItemDraft(
                    id=item_id,
                    text=option_text(question_text, choice.label or choice.code),
                    scale_key=key,
                    question=question,
                    source_id=source,
                    component=self._component(item_id, question, source, component, groups),
                    component_from=component_from,
                    aliases=tuple(a for a in aliases if a != item_id),
                )
            )

    def _add_item(self, item: _ItemDraft) -> None:
        self._items.append(item)
        self._questions.setdefault(item.question, []).append(item.id)

    def add_free_text(self, question: str) -> None:
        if self.wants_demographic(question):
            raise InstrumentError(
                f"{self.path}: {question} is a free-text question; a demographic needs "
                "listed levels or numbers"
            )
        self._free_text.append(question)

    def add_number(self, question: str, text: str, *, aliases: Iterable[str] = ()) -> None:
        """A numeric question: a numeric demographic if asked for, else skipped."""
        if self.wants_demographic(question):
            self._wanted_demographics[question] = True
            self._demographics.append(
                Demographic(
                    id=self.unique_id(question),
                    label=text or question,
                    kind="numeric",
                    missing=self._missing,
                    aliases=tuple(aliases),
                )
            )
            self.notes.append(f"{question}: numeric demographic without bins; add bins for tables")
        else:
            self.skip(question, "a number, not an item (use --demographic to keep it)")

    def skip(self, question: str, reason: str) -> None:
        if self.wants_demographic(question):
            raise InstrumentError(f"{self.path}: {question} cannot be a demographic: {reason}")
        self.skipped.append((question, reason))

    # --- the result -----------------------------------------------------------------

    def _name_scales(self) -> dict[tuple[object, ...], str]:
        users: dict[tuple[object, ...], list[str]] = {}
        for item in self._items:
            users.setdefault(item.scale_key, []).append(item.question)
        names: dict[tuple[object, ...], str] = {}
        taken: set[str] = set()
        for key, scale in self._scales.items():
            if key not in users:
                continue
            if scale is SELECTED_SCALE:
                base = "selected"
            elif key in self._scale_hints:
                base = make_id(self._scale_hints[key])
            else:
                base = self._scale_name(scale, users[key])
            name, number = base, 2
            while name in taken:
                name, number = f"{base}_{number}", number + 1
            taken.add(name)
            names[key] = name
        return names

    @staticmethod
    def _scale_name(scale: Scale, questions: list[str]) -> str:
        labels = {normalize_text(level.label) for level in scale.levels}
        size = len(scale.levels)
        if labels == {"yes", "no"}:
            return "yes_no"
        if labels == {"true", "false"}:
            return "true_false"
        if any(_AGREE.search(level.label) for level in scale.levels):
            return f"agreement{size}"
        if len(set(questions)) == 1:
            return f"{make_id(questions[0])}_levels"
        return f"{scale.kind}{size}"

    def _scales_named(self, names: Mapping[tuple[object, ...], str]) -> list[Scale]:
        scales = []
        for key, name in names.items():
            scale = self._scales[key]
            scales.append(
                Scale(
                    id=name,
                    label=scale.label or _scale_label(scale),
                    levels=scale.levels,
                    kind=scale.kind,
                    positive=scale.positive,
                    missing=scale.missing,
                    collapse=scale.collapse,
                    order=scale.order,
                )
            )
        return scales

    def _nothing_usable(self) -> str:
        """What the import found instead of items (no report is printed for a failed import)."""
        found = []
        if self._free_text:
            names = [shown(q, 40) for q in self._free_text]
            found.append(_listed("free-text question", names))
        if self._demographics:
            found.append(_listed("demographic", [shown(d.id, 40) for d in self._demographics]))
        if self.skipped:
            reasons = [f"{shown(what, 40)} ({shown(why, 80)[1:-1]})" for what, why in self.skipped]
            found.append(_listed("skipped question", reasons))
        return "; ".join(found) if found else "the file holds no questions"

    def result(self, *, id: str, title: str, description: str = "") -> ImportResult:
        """Build the instrument; check that every option named something that exists."""
        self._check_options()
        names = self._name_scales()
        scales = self._scales_named(names)
        items = []
        for draft in self._items:
            if draft.component and draft.component_from:
                self.guessed.append(
                    f"{draft.id}: component '{draft.component}' from {draft.component_from}"
                )
            items.append(
                Item(
                    id=draft.id,
                    text=draft.text,
                    scale=names[draft.scale_key],
                    component=draft.component or UNASSIGNED,
                    aliases=draft.aliases,
                    source_id=draft.source_id,
                )
            )
        if not items:
            raise InstrumentError(
                f"{self.path}: no question with listed answer choices was found, so there "
                f"is no item to analyse; {self._nothing_usable()}"
            )
        source = {
            "platform": self.platform,
            "file": self.path.name,
            "sha256": self.sha256,
        }
        instrument = Instrument(
            id=make_id(id),
            title=title or id,
            description=description,
            scales=tuple(scales),
            items=tuple(items),
            demographics=tuple(self._demographics),
            free_text=tuple(self._free_text),
            source=source,
        )
        report = ImportReport(
            platform=self.platform,
            file=self.path.name,
            sha256=self.sha256,
            skipped=tuple(self.skipped),
            guessed=tuple(dict.fromkeys(self.guessed)),
            notes=tuple(dict.fromkeys(self.notes)),
            needs_component=tuple(item.id for item in items if item.component == UNASSIGNED),
            title=self.title,
            guessed_orders=tuple(scale.id for scale in scales if scale.order_guessed),
        )
        return ImportResult(instrument=instrument, report=report)

    def _unused_key(self, key: str, known: set[str]) -> str:
        """Why a ``components`` key matched nothing, with what it might have meant."""
        grouping, sep, _ = key.partition(":")
        names = self._groups.get(grouping.strip().casefold(), set())
        if sep and grouping.strip().casefold() in GROUPINGS:
            listed_names = ", ".join(sorted(names)) or "none in this file"
            return (
                f"{option('components', key)}: no item is in such a {grouping.strip()} "
                f"({grouping.strip()}s: {listed_names})"
            )
        if _is_pattern(key):
            return f"{option('components', key)}: the pattern matches no item id or source id"
        return f"{option('components', key)}: no such item{_nearest(key, known)}"

    def _check_options(self) -> None:
        known = {
            *(item.id for item in self._items),
            *(item.question for item in self._items),
            *(item.source_id for item in self._items),
        }
        problems = [
            self._unused_key(key, known)
            for key in self.options.components
            if key not in self._used_keys and key not in known
        ]
        names = {
            *known,
            *self._free_text,
            *(what for what, _ in self.skipped),
        }
        problems += [
            f"{option('demographics', key)}: no such question{_nearest(key, names)}"
            for key, found in self._wanted_demographics.items()
            if not found
        ]
        if len(problems) == 1:
            raise InstrumentError(f"{self.path}: {problems[0]}")
        if problems:
            raise InstrumentError(f"{self.path}: {len(problems)} problems:{listed(problems)}")
        unused = [c for c in self._missing if normalize_text(c) not in self._missing_used]
        if unused:
            self.notes.append(
                f"--missing-code {', '.join(unused)}: not a listed choice anywhere; "
                "added to every scale's missing values"
            )


def _nearest(key: str, names: Iterable[str]) -> str:
    close = get_close_matches(key, sorted(names), n=3, cutoff=0.6)
    return f" (nearest: {', '.join(close)})" if close else ""


def _scale_label(scale: Scale) -> str:
    first, last = scale.levels[0].label, scale.levels[-1].label
    return f"{first} .. {last}" if len(scale.levels) > 2 else f"{first} / {last}"


def _listed(what: str, names: Sequence[str], count: int = 5) -> str:
    """'3 free-text questions: a, b, c' (the first ``count``, then how many more)."""
    head = ", ".join(names[:count])
    more = f" and {len(names) - count} more" if len(names) > count else ""
    return f"{len(names)} {what}{'s' if len(names) != 1 else ''}: {head}{more}"
