"""Instruments drafted from response files, for platforms that export no definition.

Google Forms and Microsoft Forms export no questionnaire definition, so :func:`scaffold`
drafts one from a response file: the header is the item text, and each column is given
to the first of the guesses in ``_GUESSES`` that takes it: a KoboToolbox/ODK
select_multiple (its 1/0 ``<question>/<choice>`` columns or answers of space-joined
choice names) and its option columns; the export's own columns (skipped); a column
without answers (skipped); a Microsoft multi-select (``;`` after every option); a bundled
instrument's scale that every answer fits, used whole; answers whose words give their
order (:mod:`cipp.platforms.orders`: agreement, frequency, amounts, quality, numeric
prefixes ...), every column read in one family sharing one scale (the columns' answers
pooled, so an item whose respondents chose three of five levels still gets all five); a
Google multi-select (``, ``, when the parts recur as answers on their own); whole
numbers in a short range, a rating scale (Google's linear scale); other numbers (kept
only as demographics); one answer in every row (skipped); a short list of answers
whose order cannot be established, its levels in order of first appearance and the
scale written ``order: guessed`` (asked for as a demographic: numbered bands in the
order of their numbers, other categories without an order and no warning); anything
else, free text. Answers that are no place on
a scale ("Don't know", "Not applicable", "Prefer not to say") become missing values.
Multi-selects become one binary item per option. Everything guessed is in the import
report. A KoboToolbox or ODK export can be scaffolded too when its form is not at hand.

Each column is read once, as Arrow's distinct values and their counts, so a file of
65,000 rows costs about what reading it does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from cipp.model.errors import InstrumentError, shown
from cipp.model.instrument import ORDER_GUESSED, Level, Scale, normalize_text
from cipp.model.table import RawTable
from cipp.platforms.draft import (
    Choice,
    Draft,
    ImportOptions,
    ImportResult,
    guess_kind,
    ordered_levels,
    read_numbered,
    slug,
)
from cipp.platforms.forms import (
    GOOGLE,
    MSFORMS,
    is_ms_multi,
    metadata_columns,
    ms_options,
    xlsform_platform,
)
from cipp.platforms.orders import Ordering, fold, is_non_substantive, order_answers, text_direction
from cipp.read.instrument import iter_bundled
from cipp.read.responses import distinct_counts
from cipp.read.tables import read_table

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_MAX_LEVELS = 12
_MAX_RATING_RANGE = 10
_MAX_LEVEL_LENGTH = 80
#: The most distinct answers a column may have to fit a bundled scale (its levels, their
#: aliases and its missing values).
_MAX_FITTING = 40
#: Beyond this many distinct answers a column is read as it is (ids, comments, numbers).
_MANY_ANSWERS = 200
#: A KoboToolbox/ODK select_multiple: its separator, choice names and 1/0 columns.
_MultiSelect = tuple[str, list[str], list[int]]
#: The exports of XLSForm platforms, and how the note on reading their form names them.
_XLSFORM_EXPORTS = {"kobo": "a KoboToolbox", "odk": "an ODK"}
#: ``progress(done, total)``: ``done`` of the file's ``total`` columns are read.
Progress = Callable[[int, int], None]


def known_scales() -> list[Scale]:
    """Scales a scaffold uses whole when every answer of a column fits one: the bundled
    instruments' scales (others are recognised from their words, see
    :mod:`cipp.platforms.orders`)."""
    out: list[Scale] = []
    seen: set[tuple[tuple[int, str], ...]] = set()
    try:
        bundled = [scale for instrument in iter_bundled() for scale in instrument.scales]
    except InstrumentError:
        bundled = []
    for scale in bundled:
        key = tuple((level.code, level.label) for level in scale.levels)
        if key not in seen:
            seen.add(key)
            out.append(scale)
    return out


@dataclass(frozen=True)
class _Answers:
    """A column's answers: trimmed, blanks and the declared missing codes left out, told
    apart as the loader tells levels apart (case and spacing aside), each spelled as most
    answers spell it; in order of first appearance, with how many cells hold each."""

    values: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()
    #: More answers than any scale has: read as they are, never as levels.
    many: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts)

    def count_of(self) -> dict[str, int]:
        return dict(zip(self.values, self.counts, strict=True))

    @cached_property
    def substantive(self) -> list[str]:
        """The answers that are places on a scale (not "Don't know", "N/A" ...)."""
        if self.many:
            return list(self.values)
        return [v for v in self.values if not is_non_substantive(v)]

    @cached_property
    def non_substantive(self) -> list[str]:
        return [] if self.many else [v for v in self.values if is_non_substantive(v)]


def _read_answers(column: object, missing: set[str]) -> _Answers:
    pairs = distinct_counts(column)
    if len(pairs) > _MANY_ANSWERS:
        # Ids, comments, numbers: no scale, so no need to tell spellings apart.
        totals: dict[str, int] = {}
        for text, n in pairs:
            value = text.strip()
            if value and not (missing and normalize_text(value) in missing):
                totals[value] = totals.get(value, 0) + n
        return _Answers(tuple(totals), tuple(totals.values()), many=True)
    spellings: dict[str, Counter[str]] = {}
    for text, n in pairs:
        value = text.strip()
        key = normalize_text(value)
        if value and key not in missing:
            spellings.setdefault(key, Counter())[value] += n
    values = tuple(counts.most_common(1)[0][0] for counts in spellings.values())
    return _Answers(values, tuple(sum(counts.values()) for counts in spellings.values()))


#: An XLSForm choice name as forms write them (no spaces: select_multiple answers are
#: joined by spaces; lower case, which tells them from labels).
_CHOICE_NAME = re.compile(r"^[a-z_][a-z0-9_.\-]*$")


def _xlsform_multi_selects(
    table: RawTable, columns: list[_Answers], skip: set[int]
) -> dict[int, _MultiSelect]:
    """KoboToolbox and ODK select_multiple questions: a column of space-separated choice
    names, ``<question>``, beside one 1/0 column per choice, ``<question>/<choice>``.

    Returns, by the question column's position: the separator, the choice names and the
    positions of their columns.
    """
    found: dict[int, _MultiSelect] = {}
    headers = [h.strip() for h in table.headers]
    for position, header in enumerate(headers):
        if position in skip or not columns[position].values:
            continue
        for separator in ("/", "-", ".", ":"):
            prefix = header + separator
            options = [
                (j, h[len(prefix) :])
                for j, h in enumerate(headers)
                if h.startswith(prefix) and h[len(prefix) :] and j not in skip
            ]
            option_names = {name for _, name in options}
            if (
                options
                and all(set(columns[j].values) <= {"0", "1"} for j, _ in options)
                and all(set(value.split()) <= option_names for value in columns[position].values)
            ):
                found[position] = (separator, [n for _, n in options], [j for j, _ in options])
                break
        else:
            if names := _space_joined_names(columns[position]):
                found[position] = ("/", names, [])
    return found


def _space_joined_names(answers: _Answers) -> list[str]:
    """The choice names of a select_multiple column without split columns (ODK Central's
    default), or [] when the answers do not look like one.

    They must be XLSForm choice names as forms write them (lower case, no spaces), joined
    by single spaces, some answers naming one and some more than one, none naming one
    twice, and every name in two answers or more; labels ("Strongly agree") and most free
    text fail.
    """
    uses: Counter[str] = Counter()
    sizes = set()
    for value, n in zip(answers.values, answers.counts, strict=True):
        tokens = value.split(" ")
        if len(set(tokens)) != len(tokens) or not all(_CHOICE_NAME.match(t) for t in tokens):
            return []
        sizes.add(min(len(tokens), 2))
        for token in tokens:
            uses[token] += n
    if sizes != {1, 2} or len(uses) > _MAX_LEVELS or min(uses.values()) < 2:
        return []
    return list(uses)


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


def _fits(
    lookup: Mapping[str, int], missing: Set[str], values: Iterable[str], answered: int = 0
) -> bool:
    """Every answer is a level or missing value of the scale, and some by its label
    (numbers alone are no evidence: 1-5 fits every scale's codes); ``answered`` answers
    leave no run of two or more adjacent levels unused between them (a 4-point item's
    answers are not a 6-point scale's, see :func:`_pools`)."""
    values = list(values)
    if not values or all(_NUMBER.match(v.strip()) for v in values):
        return False
    keys = [normalize_text(v) for v in values]
    if not all(key in lookup or key in missing for key in keys):
        return False
    used = {float(lookup[key]) for key in keys if key in lookup}
    places = sorted({float(code) for code in lookup.values()})
    return not used or not _leaves_a_run(used, places, answered)


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


# --- scales from ordered answers, one per family -------------------------------------------


@dataclass
class _Pool:
    """Columns whose answers read in one family, and their answers pooled."""

    family: str
    #: Each place's answer (folded) and spellings with their counts.
    places: dict[float, tuple[str, Counter[str]]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    two_ended: bool = False
    missing: dict[str, None] = field(default_factory=dict)
    columns: list[int] = field(default_factory=list)

    def takes(self, ordering: Ordering) -> bool:
        """Whether the answers fit: the same family, no other words at one place."""
        if ordering.family != self.family:
            return False
        if ordering.family == "numbers":
            known = {self.numbers[a]: fold(t) for a, t in self.texts.items() if t}
            return all(
                known.get(ordering.numbers[a], fold(t)) == fold(t)
                for a, t in ordering.texts.items()
                if t
            )
        return all(
            score not in self.places or self.places[score][0] == fold(answer)
            for answer, score in ordering.scores.items()
        )

    def add(self, position: int, ordering: Ordering, answers: _Answers) -> None:
        counts = answers.count_of()
        for answer, score in ordering.scores.items():
            self.places.setdefault(score, (fold(answer), Counter()))[1][answer] += counts[answer]
        self.numbers.update(ordering.numbers)
        self.texts.update(ordering.texts)
        self.two_ended = self.two_ended or ordering.two_ended
        self.missing.update(dict.fromkeys(answers.non_substantive))
        self.columns.append(position)

    def scale(self, missing_codes: Sequence[str]) -> Scale:
        scores = {a: score for score, (_, counts) in self.places.items() for a in counts}
        counts = {a: n for _, spelled in self.places.values() for a, n in spelled.items()}
        ordering = Ordering(self.family, scores, self.two_ended, self.numbers, self.texts)
        levels, collapse = ordered_levels(ordering, counts)
        positive, kind, order = "high", ordering.kind, None
        if self.family == "numbers":
            ends = sorted(levels, key=lambda level: level.code)
            # "1 - Excellent" .. "5 - Poor": the words after the numbers say what the
            # same words without them would (direction, kind, collapse groups).
            numbered = read_numbered(levels, numbered=True)
            if numbered is not None:
                positive, kind, collapse = numbered.positive, numbered.kind, numbered.collapse
                order = ORDER_GUESSED if numbered.contradicted else None
            elif text_direction(ends[0].label, ends[-1].label) < 0:
                positive = "low"
            name = f"scale{ends[0].code}_{ends[-1].code}"
        else:
            name = f"{self.family}{len(levels)}"
        return Scale(
            id=name,
            label="",
            levels=levels,
            kind=kind,
            positive=positive,
            missing=tuple(dict.fromkeys([*self.missing, *missing_codes])),
            collapse=collapse,
            order=order,
        )


def _pools(
    answers: dict[int, _Answers], missing_codes: Sequence[str]
) -> dict[int, tuple[Scale, str]]:
    """The scale of each column whose answers read in order (and the family), columns of
    one family sharing one scale; a column of one answer joins the scale that has it.

    A column joins a longer scale when its answers are a subset of it that leaves no
    run of two or more adjacent levels unused between the ones it uses: an item whose
    respondents chose Disagree, Agree and Strongly agree of a 5-point scale (nobody
    neutral) is on that scale, but Strongly disagree, Disagree, Agree, Strongly agree
    beside a 7-point scale is a 4-point item, and put on the 7-point scale it would get
    codes 1, 2, 6, 7 and a mean that means something else: it gets its own scale. One
    gap is accepted because a 4-point item and a 5-point item nobody answered neutrally
    cannot be told apart, and either way the codes keep their order and % positive is
    the same. A run counts only in a column of at least ``_ANSWERS_PER_LEVEL`` answers
    per level of the longer scale: in six answers, levels nobody chose say nothing.
    The same rule decides whether a column fits a bundled scale.
    """
    orderings: dict[int, Ordering] = {}
    single: dict[int, str] = {}
    for position, column in answers.items():
        values = column.substantive
        if len(values) == 1:
            single[position] = values[0]
        ordering = order_answers(values)
        if ordering is None or (ordering.family == "numbers" and not ordering.texts):
            continue  # plain numbers: a rating of the column's own range
        orderings[position] = ordering
    pools = _pooled(orderings, answers)
    for position, value in single.items():
        pool = next((p for p in pools if any(f == fold(value) for f, _ in p.places.values())), None)
        if pool is not None:
            place = next(s for s, (f, _) in pool.places.items() if f == fold(value))
            pool.places[place][1][value] += answers[position].total
            pool.missing.update(dict.fromkeys(answers[position].non_substantive))
            pool.columns.append(position)
    out: dict[int, tuple[Scale, str]] = {}
    for pool in pools:
        scale = pool.scale(missing_codes)
        out.update({position: (scale, pool.family) for position in pool.columns})
    return out


def _pooled(orderings: dict[int, Ordering], answers: dict[int, _Answers]) -> list[_Pool]:
    """Columns pooled by family. A column that would leave a run of unused levels in
    its pool's scale (see :func:`_pools`) joins another pool whose levels hold all its
    answers without such a run, or is pooled again with the others left apart."""
    pools: list[_Pool] = []
    for position, ordering in orderings.items():
        pool = next((p for p in pools if p.takes(ordering)), None)
        if pool is None:
            pool = _Pool(ordering.family)
            pools.append(pool)
        pool.add(position, ordering, answers[position])
    out: list[_Pool] = []
    apart: dict[int, Ordering] = {}
    for pool in pools:
        places = sorted(pool.places)
        runs = [
            position
            for position in pool.columns
            if pool.family != "numbers"
            and _leaves_a_run(
                set(orderings[position].scores.values()), places, answers[position].total
            )
        ]
        if not runs or len(runs) == len(pool.columns):
            out.append(pool)
            continue
        out += _pooled({p: orderings[p] for p in pool.columns if p not in runs}, answers)
        apart.update({p: orderings[p] for p in runs})
    left: dict[int, Ordering] = {}
    for position, ordering in apart.items():
        used = set(ordering.scores.values())
        pool = next(
            (
                p
                for p in out
                if p.takes(ordering)
                and used <= set(p.places)
                and not _leaves_a_run(used, sorted(p.places), answers[position].total)
            ),
            None,
        )
        if pool is None:
            left[position] = ordering
        else:
            pool.add(position, ordering, answers[position])
    return out + (_pooled(left, answers) if left else [])


#: How many answers per level of a scale make levels nobody chose evidence of a shorter
#: scale: six respondents leave levels of a 6-point scale unused by chance.
_ANSWERS_PER_LEVEL = 5


def _leaves_a_run(used: Set[float], places: Sequence[float], answered: int) -> bool:
    """Whether two or more adjacent places between the lowest and highest used one are
    unused (a 4-point item's answers on a 7-point scale), in at least
    ``_ANSWERS_PER_LEVEL`` answers per place (fewer answers are no evidence)."""
    if answered < _ANSWERS_PER_LEVEL * len(places):
        return False
    run = 0
    for place in places:
        if min(used) < place < max(used):
            run = 0 if place in used else run + 1
            if run >= 2:
                return True
    return False


def _spellings(scale: Scale) -> list[str]:
    return [s for level in scale.levels for s in (level.label, *level.aliases)]


@dataclass(frozen=True)
class _File:
    """What the guesses know of the whole file."""

    platform: str
    table: RawTable
    #: Each column's answers as the loader will read them (see :class:`_Answers`).
    answers: list[_Answers]
    #: The positions of the export's own columns (timestamps, respondents, submissions).
    meta: set[int]
    #: KoboToolbox/ODK select_multiple questions, by the position of their column, and
    #: the question each of their 1/0 option columns belongs to.
    multi_selects: dict[int, _MultiSelect]
    option_of: dict[int, str]
    #: The bundled scale each column's answers fit (the one most used in the file; its
    #: missing values joined by the answers that are no place on it).
    fitting: dict[int, tuple[Scale, list[Scale]]]
    #: The scale of each column whose answers read in order, and their family.
    ordered: dict[int, tuple[Scale, str]]
    #: The questions put on each of those scales, for the import report.
    placed: dict[int, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Column:
    """One column, as a guess sees it."""

    position: int
    header: str
    question: str
    answers: _Answers

    @property
    def distinct(self) -> list[str]:
        return list(self.answers.values)


def _bundled_fits(
    answers: list[_Answers], skip: set[int], options: ImportOptions
) -> dict[int, tuple[Scale, list[Scale]]]:
    """The bundled scales each column's substantive answers fit, the most used first;
    the chosen one extended with the answers that are no place on it."""
    scales = known_scales()
    codes = {normalize_text(code) for code in options.missing_codes}
    keys = [(s.lookup(), s.missing_keys() | codes) for s in scales]
    fitting = {
        j: [
            s
            for s, (lookup, missing) in zip(scales, keys, strict=True)
            if _fits(lookup, missing, column.substantive, column.total)
        ]
        for j, column in enumerate(answers)
        # A column of more answers than any scale has spellings (ids, comments) fits none.
        if j not in skip and 0 < len(column.values) <= _MAX_FITTING
    }
    uses = {id(s): sum(s in fits for fits in fitting.values()) for s in scales}
    extra: dict[int, dict[str, None]] = {}
    chosen: dict[int, list[Scale]] = {}
    for j, fits in fitting.items():
        if fits:
            fits.sort(key=lambda s: -uses[id(s)])
            chosen[j] = fits
            declared = fits[0].missing_keys()
            values = [v for v in answers[j].non_substantive if normalize_text(v) not in declared]
            extra.setdefault(id(fits[0]), {}).update(dict.fromkeys(values))
    extended = {
        key: replace(scale, missing=(*scale.missing, *values))
        for scale in scales
        if (key := id(scale)) in extra and (values := [v for v in extra[key] if v])
    }
    return {j: (extended.get(id(fits[0]), fits[0]), fits) for j, fits in chosen.items()}


def _survey(
    table: RawTable, platform: str, options: ImportOptions, progress: Progress | None
) -> _File:
    meta = metadata_columns(table)
    missing = {normalize_text(code) for code in options.missing_codes}
    answers = []
    total = len(table.headers)
    for j in range(total):
        answers.append(_read_answers(table.cells[j], missing))
        if progress is not None:
            progress(j + 1, total)
    multi_selects: dict[int, _MultiSelect] = {}
    if platform in _XLSFORM_EXPORTS:
        multi_selects = _xlsform_multi_selects(table, answers, meta)
    option_of = {
        j: table.headers[position].strip()
        for position, (_, _, split) in multi_selects.items()
        for j in split
    }
    taken = meta | set(option_of)
    fitting = _bundled_fits(answers, taken, options)
    candidates = {
        j: column
        for j, column in enumerate(answers)
        if j not in taken
        and j not in multi_selects
        and 0 < len(column.values) <= _MAX_LEVELS
        and all(len(v) <= _MAX_LEVEL_LENGTH for v in column.values)
        and not (platform != GOOGLE.name and is_ms_multi(list(column.values)))
    }
    ordered = _pools(candidates, options.missing_codes)
    # A column keeps the bundled scale it fits only when every answer of the columns read
    # with it fits that scale too: one survey scale is one scale of the draft.
    for j in list(fitting):
        pooled = ordered.get(j)
        if pooled is None:
            continue
        bundled = fitting[j][0]
        if _fits(bundled.lookup(), bundled.missing_keys(), _spellings(pooled[0])):
            del ordered[j]
        else:
            del fitting[j]
    return _File(platform, table, answers, meta, multi_selects, option_of, fitting, ordered)


# --- the guesses, in the order they are tried --------------------------------------------
# Each takes the column (adds it to the draft, or skips it with a reason) and returns
# True, or leaves it to the next guess.


def _xlsform_multi_select(draft: Draft, file: _File, column: _Column) -> bool:
    found = file.multi_selects.get(column.position)
    if found is None or draft.wants_demographic(column.question):
        return False
    separator, names, split = found
    if not split and (column.position in file.fitting or column.position in file.ordered):
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
    if column.answers.values:
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
    if file.platform == GOOGLE.name or not is_ms_multi(column.distinct):
        return False
    _add_multi_from_answers(draft, column, ms_options(column.distinct))
    return True


def _known_scale(draft: Draft, file: _File, column: _Column) -> bool:
    found = file.fitting.get(column.position)
    if found is None:
        return False
    chosen, fitting = found
    draft.add_on_scale(column.question, column.header, chosen, source_id=column.header)
    also = f" (also fits {', '.join(s.id for s in fitting[1:3])})" if fitting[1:] else ""
    draft.guessed.append(f"{column.question}: answers fit the scale '{chosen.id}'{also}")
    return True


def _ordered_scale(draft: Draft, file: _File, column: _Column) -> bool:
    found = file.ordered.get(column.position)
    if found is None:
        return False
    scale, _ = found
    draft.add_on_scale(column.question, column.header, scale, source_id=column.header)
    file.placed.setdefault(id(scale), []).append(column.question)
    return True


def _report_ordered(draft: Draft, file: _File) -> None:
    """One line per scale read from the answers' words: its levels and its items."""
    scales = {id(scale): (scale, family) for scale, family in file.ordered.values()}
    for key, questions in file.placed.items():
        scale, family = scales[key]
        levels = ", ".join(level.label for level in scale.levels)
        article = "an" if family[0] in "aeiou" else "a"
        items = ", ".join(questions[:10]) + (
            f" and {len(questions) - 10} more" if len(questions) > 10 else ""
        )
        draft.guessed.append(
            f"answers read in order as {article} {family} scale ({levels}): {items}"
        )


def _google_multi_select(draft: Draft, file: _File, column: _Column) -> bool:
    if file.platform == MSFORMS.name:
        return False
    options = google_multi_options(column.distinct)
    if options is None:
        return False
    _add_multi_from_answers(draft, column, options)
    return True


def _rating_scale(draft: Draft, file: _File, column: _Column) -> bool:
    values = column.answers.substantive
    codes = _rating(values)
    if codes is None:
        return False
    draft.add_choice(
        column.question,
        column.header,
        [Choice(str(code), str(code)) for code in codes],
        source_id=column.header,
        missing=[(value, "") for value in column.answers.non_substantive],
    )
    draft.guessed.append(
        f"{column.question}: whole numbers {codes[0]}-{codes[-1]}, read as a rating scale"
    )
    return True


def _number(draft: Draft, file: _File, column: _Column) -> bool:
    values = column.answers.substantive
    if not values or not all(_NUMBER.match(v.strip()) for v in values):
        return False
    fractions = [v for v in values if not float(v).is_integer()]
    if fractions and not draft.wants_demographic(column.question):
        # Said aloud: 3.5 is no level of a 1-5 scale, and rounding it would be a guess.
        draft.guessed.append(
            f"{column.question}: numbers with fractions ({', '.join(fractions[:3])}), so "
            "not a rating scale; kept as a number"
        )
    draft.add_number(column.question, column.header)
    return True


def _one_answer(draft: Draft, file: _File, column: _Column) -> bool:
    if len(column.distinct) != 1:
        return False
    draft.skip(column.header, f"the same answer in every row ({shown(column.distinct[0])})")
    return True


def _levels_from_answers(draft: Draft, file: _File, column: _Column) -> bool:
    """A short list of answers whose order is unknown: levels in order of first
    appearance, the scale written ``order: guessed``."""
    distinct, count = column.answers.substantive, column.answers.total
    if not (
        2 <= len(distinct) <= _MAX_LEVELS
        and len(distinct) < count
        and len(distinct) * 2 <= count + 2
        and all(len(v) <= _MAX_LEVEL_LENGTH for v in distinct)
    ):
        return False
    if draft.wants_demographic(column.question):
        _demographic_from_answers(draft, column, distinct)
        return True
    levels = tuple(Level(code=i + 1, label=v) for i, v in enumerate(distinct))
    kind, _ = guess_kind(levels)
    scale = Scale(
        id=f"{column.question}_levels",
        label="",
        levels=levels,
        kind=kind,
        missing=tuple(
            dict.fromkeys([*column.answers.non_substantive, *draft.options.missing_codes])
        ),
        order=ORDER_GUESSED,
    )
    draft.add_on_scale(column.question, column.header, scale, source_id=column.header)
    draft.guessed.append(
        f"{column.question}: levels from the answers, in order of first appearance "
        f"({', '.join(distinct)}); their order could not be established, so the scale is "
        "written 'order: guessed' (a question without an order, such as gender, is better "
        f"kept as a demographic: --demographic {column.question})"
    )
    return True


#: The first number of a band ("18-24", "$10,000 - $19,999", "45+").
_BAND_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?")
_BELOW = re.compile(r"^(under|less than|below|younger than|fewer than|up to|<)")


def _band_key(label: str) -> float | None:
    """Where a band lies ("Under 18" before "18-24" before "65 or over"), or None for
    an answer without a number."""
    match = _BAND_NUMBER.search(label)
    if match is None:
        return None
    number = float(match.group().replace(",", ""))
    return number - 0.5 if _BELOW.match(normalize_text(label)) else number


def _demographic_from_answers(draft: Draft, column: _Column, distinct: list[str]) -> None:
    """A demographic whose answers' words give no order: numbered bands (ages, incomes)
    are put in the order of their numbers; other answers (regions, sites) are categories
    without an order, listed as first met, and no order is claimed or asked for."""
    keys = [_band_key(value) for value in distinct]
    question = column.question
    if all(key is not None for key in keys) and len(set(keys)) == len(keys):
        distinct = [value for _, value in sorted(zip(keys, distinct, strict=True))]
        draft.guessed.append(f"{question}: bands ordered by their numbers ({', '.join(distinct)})")
    else:
        draft.guessed.append(
            f"{question}: categories from the answers ({', '.join(distinct)}), with no order"
        )
    draft.add_choice(
        question,
        column.header,
        [Choice(str(code), value) for code, value in enumerate(distinct, start=1)],
        source_id=column.header,
        missing=[(value, "") for value in column.answers.non_substantive],
    )


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
    _ordered_scale,
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
    path: str | Path,
    options: ImportOptions | None = None,
    *,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Draft an instrument from a Google Forms / Microsoft Forms (or any) response file.

    ``progress(done, total)`` is told as each of the file's columns has been read.
    """
    path = Path(path)
    options = options or ImportOptions()
    table = read_table(path, sheet=sheet)
    platform, title = _scaffolded_platform(table)
    draft = Draft(platform, path, options, title=title)
    if platform in _XLSFORM_EXPORTS:
        draft.notes.append(
            f"This is {_XLSFORM_EXPORTS[platform]} export: 'cipp instrument from-xlsform "
            "FORM.xlsx' (or from-xform FORM.xml) reads the form itself (labels, choice "
            "lists, groups) and guesses less."
        )
    file = _survey(table, platform, options, progress)
    for position, header in enumerate(table.headers):
        column = _Column(position, header, slug(header), file.answers[position])
        for guess in _GUESSES:
            if guess(draft, file, column):
                break
    _report_ordered(draft, file)
    return draft.result(
        id=slug(path.stem),
        title=path.stem.replace("_", " "),
        description=f"Scaffolded from the responses in {path.name}; check every guess",
    )
