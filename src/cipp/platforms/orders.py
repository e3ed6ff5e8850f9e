"""Which way a list of answers runs, recognised from their words.

A scale drafted from answers ("Agree", "Strongly disagree", "Neutral" ... in the order
respondents happened to give them) needs its levels in order, and a platform's listed
choices are worth checking against their words. :func:`order_answers` reads each answer
as a position on one axis and returns them ordered, or None when that cannot be
established (then a draft writes ``order: guessed`` and the analysis refuses what depends
on the order). What it recognises:

- agreement of any length and its misspellings ("Strong agree", "Disagre"), and any
  two-ended wording built the same way: satisfied / dissatisfied, important /
  unimportant, useful / not useful, likely / unlikely, good / poor, better / worse, with
  intensifiers ("slightly", "somewhat", "very", "extremely", "not at all") and a middle
  ("Neutral", "Neither ... nor ...", "Undecided");
- quality (very poor, poor, fair, good, very good, excellent);
- frequency (never, rarely, sometimes, often, always; "most of the time") and rates
  ("a few times a year" ... "several times a day", "weekly", "every day");
- amounts (none, some, most, all; "never or hardly ever", "in some lessons", "all
  lessons") and extents (not at all, a little, somewhat, quite a bit, very much);
- likelihood (definitely not, probably not, might or might not, probably, definitely);
- numbers ("1" .. "7") and labels with a numeric prefix ("(1) Not useful at all", "(2)",
  "1 - Poor", "5 = Excellent"), ordered by the number.

Answers that are no position on the scale ("Don't know", "Not applicable", "Prefer not
to say") are told apart by :func:`is_non_substantive`: they become missing values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache

from cipp.model.instrument import normalize_text

#: A reading of an answer that fits any two-ended family: the middle ("Neutral"), or an
#: intensity without its adjective ("Somewhat", "Not at all").
ANY = "*"
#: Families that run from one end to the other without a negative pole: a middle or a
#: bare intensity means nothing on them.
_ONE_ENDED = frozenset({"frequency", "rate", "amount", "extent", "numbers", "yes_no"})
#: Families whose scales are ratings (the rest are Likert-type).
_RATINGS = frozenset({"quality", "numbers", "rate"})

_NON_SUBSTANTIVE = re.compile(
    r"\b(don'?t know|do not know|dont know|not applicable|does ?n[o']?t apply|"
    r"prefer not to|rather not|declined? to|no opinion|can'?t say|cannot say|"
    r"unable to (say|answer|judge|rate|comment)|not answered|no answer|no response)\b"
)
_NON_SUBSTANTIVE_WHOLE = frozenset(
    {"n/a", "na", "n a", "dk", "dk/na", "refused", "unknown", "not known", "none of the above"}
)

#: Adjectives with two ends: the positive word and its family, and negative words.
_POSITIVE = {
    "agree": "agreement",
    "satisfied": "satisfaction",
    "important": "importance",
    "useful": "usefulness",
    "helpful": "usefulness",
    "valuable": "usefulness",
    "beneficial": "usefulness",
    "likely": "likelihood",
    "good": "quality",
    "effective": "effectiveness",
    "confident": "confidence",
    "easy": "ease",
    "comfortable": "comfort",
    "familiar": "familiarity",
    "relevant": "relevance",
    "clear": "clarity",
    "adequate": "adequacy",
    "sufficient": "adequacy",
    "happy": "happiness",
    "interested": "interest",
    "interesting": "interest",
    "prepared": "preparedness",
    "true": "truth",
    "like": "likeness",
    "appropriate": "appropriateness",
    "acceptable": "acceptability",
    "competent": "competence",
    "knowledgeable": "competence",
    "skilled": "competence",
    "supportive": "support",
    "support": "support",
    "approve": "approval",
    "motivated": "motivation",
    "engaged": "engagement",
    "organized": "organisation",
    "organised": "organisation",
    "accessible": "accessibility",
    "available": "availability",
    "responsive": "responsiveness",
    "respectful": "respect",
    "safe": "safety",
    "welcome": "welcome",
    "positive": "valence",
    "better": "change",
    "increased": "change",
    "improved": "change",
    "more": "amount_change",
    "high": "level",
}
_NEGATIVE = {
    "disagree": "agree",
    "dissatisfied": "satisfied",
    "unsatisfied": "satisfied",
    "useless": "useful",
    "poor": "good",
    "bad": "good",
    "difficult": "easy",
    "hard": "easy",
    "boring": "interesting",
    "oppose": "support",
    "negative": "positive",
    "worse": "better",
    "decreased": "increased",
    "worsened": "improved",
    "less": "more",
    "low": "high",
    "false": "true",
}
_NEGATING_PREFIXES = ("dis", "un", "in", "im", "ir", "il")

#: How strongly an intensifier says its adjective (the adjective alone is 2).
_INTENSITY = {
    "extremely": 4,
    "completely": 4,
    "totally": 4,
    "absolutely": 4,
    "fully": 4,
    "entirely": 4,
    "exceptionally": 4,
    "very much": 3,
    "very": 3,
    "strongly": 3,
    "highly": 3,
    "really": 3,
    "much": 3,
    "greatly": 3,
    "a lot": 3,
    "significantly": 3,
    "mostly": 2.5,
    "largely": 2.5,
    "generally": 2.5,
    "moderately": 1.6,
    "quite": 1.6,
    "fairly": 1.5,
    "reasonably": 1.5,
    "rather": 1.5,
    "pretty": 1.5,
    "somewhat": 1.25,
    "partly": 1.25,
    "partially": 1.25,
    "tend to": 1.25,
    "kind of": 1.25,
    "sort of": 1.25,
    "slightly": 1,
    "a little bit": 1,
    "a little": 1,
    "a bit": 1,
    "mildly": 1,
}
_INTENSITY_LONGEST_FIRST = sorted(_INTENSITY.items(), key=lambda pair: -len(pair[0]))
#: Words that weaken a negation: "not very useful" lies between "not useful" and "useful".
_SOFTENERS = frozenset({"very", "really", "particularly", "so", "too", "that", "entirely", "much"})
_NEGATIONS = frozenset({"not", "dont", "don't", "no", "never", "hardly"})
_FILLERS = frozenset(
    {"i", "im", "i'm", "am", "it", "is", "was", "it's", "its", "feel", "would", "will", "be"}
)

_NEUTRAL = (
    "neutral",
    "undecided",
    "not sure",
    "unsure",
    "uncertain",
    "indifferent",
    "in between",
    "in the middle",
    "mixed",
    "mixed feelings",
    "ambivalent",
    "no preference",
    "neither",
    "about the same",
    "the same",
    "same",
    "no change",
    "unchanged",
    "stayed the same",
    "moderate",
    "medium",
    "maybe",
    "might or might not",
    "may or may not",
    "perhaps",
)
#: Fixed phrases: (family, score) for each.
_PHRASES: dict[str, tuple[tuple[str, float], ...]] = {}


def _phrases(family: str, table: dict[str, float]) -> None:
    for phrase, score in table.items():
        _PHRASES[phrase] = (*_PHRASES.get(phrase, ()), (family, score))


_phrases(
    "frequency",
    {
        "never": 0,
        "none of the time": 0,
        "never or hardly ever": 0.5,
        "never or almost never": 0.5,
        "never or rarely": 0.5,
        "rarely or never": 0.5,
        "almost never": 1,
        "hardly ever": 1,
        "seldom": 1,
        "rarely": 1,
        "very rarely": 0.8,
        "very seldom": 0.8,
        "a little of the time": 1.2,
        "once in a while": 1.6,
        "occasionally": 1.7,
        "less than half of the time": 1.8,
        "less than half the time": 1.8,
        "sometimes": 2,
        "some of the time": 2,
        "about half of the time": 2.2,
        "about half the time": 2.2,
        "half of the time": 2.2,
        "half the time": 2.2,
        "a good bit of the time": 2.6,
        "a good part of the time": 2.6,
        "fairly often": 2.7,
        "quite often": 2.8,
        "more than half of the time": 2.8,
        "more than half the time": 2.8,
        "often": 3,
        "frequently": 3,
        "very often": 3.3,
        "very frequently": 3.3,
        "usually": 3.5,
        "most of the time": 3.5,
        "almost always": 3.8,
        "nearly always": 3.8,
        "almost all of the time": 3.8,
        "all or almost all of the time": 3.9,
        "always": 4,
        "all of the time": 4,
        "all the time": 4,
    },
)
_phrases(
    "extent",
    {
        "not at all": 0,
        "very little": 0.8,
        "little": 0.9,
        "a little": 1,
        "a little bit": 1,
        "a bit": 1,
        "slightly": 1,
        "to a small extent": 1,
        "to a little extent": 1,
        "to a slight extent": 1,
        "to a limited extent": 1,
        "somewhat": 1.8,
        "some": 1.8,
        "to some extent": 1.8,
        "moderately": 2,
        "to a moderate extent": 2,
        "a moderate amount": 2,
        "quite a bit": 3,
        "quite a lot": 3,
        "a lot": 3,
        "much": 3,
        "very much": 3.5,
        "considerably": 3,
        "a great deal": 3.5,
        "largely": 3,
        "to a large extent": 3,
        "to a great extent": 3,
        "to a very large extent": 4,
        "to a very great extent": 4,
        "completely": 4,
        "entirely": 4,
        "fully": 4,
        "totally": 4,
        "extremely": 4,
        "very much so": 4,
    },
)
_phrases(
    "quality",
    {
        "outstanding": 4.5,
        "exceptional": 4.5,
        "superb": 4.5,
        "excellent": 4,
        "above average": 1,
        "satisfactory": 1,
        "acceptable": 0.5,
        "fair": 0,
        "average": 0,
        "okay": 0,
        "ok": 0,
        "below average": -1,
        "mediocre": -1,
        "needs improvement": -1,
        "unsatisfactory": -1.5,
        "terrible": -4,
        "awful": -4,
        "very bad": -3,
    },
)
_phrases("yes_no", {"yes": 1, "no": 0, "true": 1, "false": 0})

_AMOUNTS = {
    "none": 0,
    "not any": 0,
    "never or hardly ever": 0.5,
    "never or almost never": 0.5,
    "hardly any": 0.5,
    "almost none": 0.5,
    "very few": 0.8,
    "few": 1,
    "a few": 1,
    "a little": 1,
    "less than half": 1.8,
    "some": 2,
    "several": 2,
    "about half": 2.5,
    "half": 2.5,
    "more than half": 2.8,
    "many": 3,
    "a lot": 3,
    "most": 3.2,
    "almost all": 3.6,
    "nearly all": 3.6,
    "all or almost all": 3.8,
    "all": 4,
    "every": 4,
    "each": 4,
}
_TIME_WORDS = re.compile(r"\b(times?|day|days|week|weeks|month|months|year|years|daily|weekly)\b")

_PERIODS = {
    "hour": 8760,
    "day": 365,
    "weekday": 260,
    "week": 52,
    "fortnight": 26,
    "month": 12,
    "term": 3,
    "semester": 2,
    "year": 1,
}
_ADVERBS = {
    "hourly": 8760,
    "daily": 365,
    "weekly": 52,
    "fortnightly": 26,
    "monthly": 12,
    "quarterly": 4,
    "yearly": 1,
    "annually": 1,
}
_COUNTS = {
    "once": 1,
    "twice": 2,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple of": 2,
    "a few": 3,
    "few": 3,
    "several": 4,
    "many": 6,
}
#: The bottom of a rate scale, in times a year.
_RARELY = {
    "never": 0.0,
    "never or almost never": 0.2,
    "never or hardly ever": 0.2,
    "never or rarely": 0.2,
    "rarely or never": 0.2,
    "almost never": 0.5,
    "hardly ever": 0.5,
    "rarely": 0.5,
}
_PERIOD = r"(?P<period>hour|day|weekday|week|fortnight|month|term|semester|year)s?"
_RATE = re.compile(
    r"^(?P<about>about |around |roughly |approximately |at least |more than |less than "
    r"|fewer than |up to )?(?P<count>[a-z ]+?|\d+(?:\s*(?:-|to|or)\s*\d+)?)(?: times?)? "
    r"(?:a|an|per|each|every|in a|in an) " + _PERIOD + r"(?P<tail> or (?:more|less|fewer))?$"
)
_EVERY = re.compile(
    r"^(?P<how>almost |nearly |)(?:every|each) (?P<other>other )?" + _PERIOD + r"(?P<rest>.*)$"
)
_NUMBER = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_PREFIX = re.compile(r"^\(?(?P<number>[+-]?\d+)\s*(?:\)|\]|\.(?!\d)|:|=|-)?\s*(?P<text>.*)$")
_PUNCTUATION = re.compile(r"[^\w\s'/]+|_")
_SPACES = re.compile(r"\s+")

#: Misspellings seen in real exports, and the word meant.
_SPELLINGS = {
    "strong": "strongly",
    "stongly": "strongly",
    "strongy": "strongly",
    "storngly": "strongly",
    "agreed": "agree",
    "agrees": "agree",
    "disagreed": "disagree",
    "nuetral": "neutral",
    "netural": "neutral",
    "nutral": "neutral",
    "niether": "neither",
    "neighter": "neither",
    "nither": "neither",
    "somewhat": "somewhat",
    "somwhat": "somewhat",
    "satisified": "satisfied",
    "satisfed": "satisfied",
    "disatisfied": "dissatisfied",
    "dissatisified": "dissatisfied",
    "usefull": "useful",
    "importent": "important",
    "extremly": "extremely",
    "occasionaly": "occasionally",
    "ocassionally": "occasionally",
    "occassionally": "occasionally",
    "excelent": "excellent",
    "exellent": "excellent",
    "dont": "don't",
}


@dataclass(frozen=True)
class Reading:
    """One way to read an answer: its family and its place on the family's axis.

    ``pole`` is True when the words name a negative end or a middle (disagree, poor,
    unlikely, neutral): the scale then has two ends, and its positive answers are all
    those above the middle, not just the top one.
    """

    family: str
    score: float
    pole: bool = False


@dataclass(frozen=True)
class Ordering:
    """Answers in order: each answer's place, the family that placed them, and whether
    the scale has a negative pole (see :class:`Reading`).

    ``numbers`` holds each answer's number when the family is "numbers" (plain numbers
    and numeric prefixes); ``texts`` the words after a numeric prefix ("" for none).
    """

    family: str
    scores: dict[str, float]
    two_ended: bool
    numbers: dict[str, int]
    texts: dict[str, str]

    @property
    def kind(self) -> str:
        if len(set(self.scores.values())) == 2:
            return "binary"
        return "rating" if self.family in _RATINGS else "likert"

    def ranked(self) -> list[list[str]]:
        """The answers grouped by place, lowest first (answers at one place are one level
        spelled several ways: "Strongly agree", "Strong agree")."""
        places: dict[float, list[str]] = {}
        for answer, score in sorted(self.scores.items(), key=lambda pair: pair[1]):
            places.setdefault(score, []).append(answer)
        return list(places.values())


def fold(label: str) -> str:
    """An answer as the vocabularies read it: folded case and typography, punctuation as
    spaces, misspellings corrected."""
    text = _PUNCTUATION.sub(" ", normalize_text(label))
    words = [_word(word) for word in _SPACES.sub(" ", text).strip().split(" ") if word]
    return " ".join(words)


def misspelled(label: str) -> bool:
    """Whether :func:`fold` corrects a word of the answer ("Strongly agre", "Strong
    agree"): such a spelling is never the one a level is labelled by when the right
    one is also found."""
    text = _SPACES.sub(" ", _PUNCTUATION.sub(" ", normalize_text(label))).strip()
    return fold(label) != text


@cache
def _vocabulary() -> frozenset[str]:
    """Every word the vocabularies know."""
    words: set[str] = set(_SPELLINGS.values()) | set(_FILLERS) | set(_NEGATIONS)
    for phrase in (*_POSITIVE, *_NEGATIVE, *_INTENSITY, *_PHRASES, *_NEUTRAL, *_AMOUNTS):
        words.update(phrase.split())
    words.update(_PERIODS, _ADVERBS, *(c.split() for c in _COUNTS), _SOFTENERS)
    words.update({"times", "time", "about", "every", "each", "per", "lessons", "lesson"})
    return frozenset(words)


@cache
def _word(word: str) -> str:
    """A word with its misspelling corrected ("agre" -> "agree", "stongly" ->
    "strongly"); known and unknown words unchanged. Only a word of four letters or more
    that is close to a known word of five or more, with the same first letter, is
    corrected: "very" stays "very", "early" does not become "rarely"."""
    if word in _SPELLINGS:
        return _SPELLINGS[word]
    vocabulary = _vocabulary()
    if len(word) < 4 or not word.isalpha() or word in vocabulary or _base(word) is not None:
        return word
    candidates = [w for w in vocabulary if len(w) >= 5 and w[0] == word[0]]
    close = get_close_matches(word, candidates, n=1, cutoff=0.85)
    return close[0] if close else word


def is_non_substantive(label: str) -> bool:
    """Whether an answer is no place on the scale: "Don't know", "Not applicable",
    "Prefer not to say", "N/A" ..."""
    text = normalize_text(label)
    if text in _NON_SUBSTANTIVE_WHOLE:
        return True
    return bool(_NON_SUBSTANTIVE.search(text.replace("\u2019", "'")))


@cache
def _base(word: str) -> tuple[str, int] | None:
    """(family, +1 or -1) of a two-ended adjective, also with a negating prefix."""
    if word in _POSITIVE:
        return _POSITIVE[word], 1
    if word in _NEGATIVE:
        return _POSITIVE[_NEGATIVE[word]], -1
    for prefix in _NEGATING_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and rest in _POSITIVE and len(rest) > 3:
            return _POSITIVE[rest], -1
    return None


def _intensity(words: list[str]) -> float | None:
    """The strength the words before an adjective give it (None: words it cannot read)."""
    text = " ".join(w for w in words if w not in _FILLERS)
    if not text:
        return 2.0
    found: list[float] = []
    while text:
        for phrase, value in _INTENSITY_LONGEST_FIRST:
            if text == phrase or text.startswith(phrase + " "):
                found.append(value)
                text = text[len(phrase) :].strip()
                break
        else:
            return None
    return max(found) + (0.5 if len(found) > 1 else 0.0)


def _composed(words: list[str]) -> list[Reading]:
    """[negation] [intensifiers] adjective [at all]: "not at all useful", "strongly
    agree", "very dissatisfied", "not very important", "useful" ."""
    position = next((j for j, w in enumerate(words) if _base(w) is not None), None)
    if position is None:
        return []
    family, sign = _base(words[position]) or ("", 1)
    before = words[:position]
    after = [w for w in words[position + 1 :] if w not in ("me", "of", "myself", "to")]
    at_all = "at all" in " ".join(words)
    negated = bool(before) and before[0] in _NEGATIONS
    if negated:
        before = before[1:]
        if before[:2] == ["at", "all"]:
            before = before[2:]
    if after and " ".join(after) not in ("at all", "so"):
        if negated or before or _intensity(after) is None:
            return []
        before, after = after, []  # "Agree strongly"
    if negated:
        if sign < 0:
            return []
        soft = bool(before) and all(w in _SOFTENERS for w in before)
        if before and not soft and not at_all:
            return []
        score = -3.0 if at_all else (-1.0 if soft else -2.0)
        return [Reading(family, score)]
    strength = _intensity(before)
    if strength is None:
        return []
    return [Reading(family, sign * strength, pole=sign < 0)]


def _likelihood(words: list[str]) -> list[Reading]:
    """definitely / probably / possibly (not): "Definitely not", "Yes, probably"."""
    strengths = {"definitely": 3.0, "certainly": 3.0, "probably": 1.5, "possibly": 0.5}
    found = [strengths[w] for w in words if w in strengths]
    allowed = {*strengths, "not", "no", "yes", "would", "will", "wont", "won't", "wouldn't"}
    if not found or not set(words) <= allowed | _FILLERS:
        return []
    negated = bool({"not", "no", "wont", "won't", "wouldn't"} & set(words))
    return [Reading("likelihood", -found[0] if negated else found[0], pole=negated)]


def _rate(text: str) -> list[Reading]:
    """Times a year: "a few times a year", "2-3 times a week", "every day", "weekly"."""
    if text in _RARELY:
        return [Reading("rate", _RARELY[text])]
    if text in _ADVERBS:
        return [Reading("rate", float(_ADVERBS[text]))]
    every = _EVERY.match(text)
    if every and every["rest"].strip() in ("", "or almost every day", "or nearly every day"):
        per = _PERIODS[every["period"]] / (2 if every["other"] else 1)
        return [Reading("rate", per * (0.8 if every["how"] else 1.0))]
    match = _RATE.match(text.removesuffix(" or so"))
    if match is None:
        return []
    count = _count(match["count"].strip())
    if count is None:
        return []
    per = _PERIODS[match["period"]]
    factor = {"at least ": 1.1, "more than ": 1.5, "less than ": 0.5, "fewer than ": 0.5}.get(
        match["about"] or "", 1.0
    )
    tail = (match["tail"] or "").strip()
    factor *= 1.1 if tail.endswith("more") else 0.9 if tail else 1.0
    return [Reading("rate", count * per * factor)]


def _count(text: str) -> float | None:
    if text in _COUNTS:
        return float(_COUNTS[text])
    parts = re.split(r" (?:or|to) ", text)
    if len(parts) == 2 and all(part in _COUNTS for part in parts):
        return sum(_COUNTS[part] for part in parts) / 2
    numbers = [float(n) for n in re.findall(r"\d+", text)]
    if numbers and re.fullmatch(r"\d+(\s*(-|to|or)\s*\d+)?", text):
        return sum(numbers) / len(numbers)
    return None


def _amount(text: str) -> list[Reading]:
    """none / a few / some / most / all (of a thing: "in some lessons", "most of them")."""
    if _TIME_WORDS.search(text):
        return []
    text = re.sub(r"^(in|for|at|on|with) ", "", text)
    for phrase, score in sorted(_AMOUNTS.items(), key=lambda pair: -len(pair[0])):
        if text == phrase or text.startswith(phrase + " "):
            rest = text[len(phrase) :].strip()
            if _base(rest.split(" ")[0] if rest else "") is not None:
                return []  # "some agree" is not an amount
            return [Reading("amount", score)]
    return []


@cache
def read_answer(label: str) -> tuple[Reading, ...]:
    """Every way the vocabularies read one answer (none: an answer they do not know)."""
    text = fold(label)
    if not text:
        return ()
    readings: list[Reading] = []
    for family, score in _PHRASES.get(text, ()):
        # In quality, "Fair" is the middle and "Poor" a negative end.
        readings.append(Reading(family, score, pole=family == "quality" and score <= 0))
    words = text.split(" ")
    if text in _NEUTRAL or text.startswith("neither "):
        family = next((b[0] for w in words if (b := _base(w)) is not None), ANY)
        readings.append(Reading(family, 0.0, pole=True))
        if family != ANY:
            readings.append(Reading(ANY, 0.0, pole=True))
        return tuple(readings)
    words = [w for w in words if w not in ("yes", "no") or len(words) == 1]
    readings += _composed(words) or _likelihood(text.split(" "))
    readings += _rate(text) + _amount(text)
    readings += _elliptical(words)
    return tuple(dict.fromkeys(readings))


def _elliptical(words: list[str]) -> list[Reading]:
    """An intensity without its adjective ("Somewhat", "Very much", "Not at all"), or a
    "Yes"/"No" qualified by one: a place on any two-ended family."""
    if not words or any(_base(w) is not None for w in words):
        return []
    text = " ".join(words)
    if text in ("not at all", "no not at all", "not at all no"):
        return [Reading(ANY, -3.0)]
    if text in ("yes", "no"):
        return [Reading(ANY, 2.0 if text == "yes" else -2.0)]
    if words[0] in _NEGATIONS:
        rest = words[1:]
        if rest and all(w in _SOFTENERS for w in rest):
            return [Reading(ANY, -1.0)]
        return []
    strength = _intensity(words)
    return [Reading(ANY, strength)] if strength is not None and strength != 2.0 else []


def _number(label: str) -> int | None:
    text = normalize_text(label)
    return int(float(text)) if _NUMBER.match(text) else None


def _prefixed(label: str) -> tuple[int, str] | None:
    """(number, words) of a label with a numeric prefix ("1 - Poor", "(2)"). A decimal
    ("3.5") or a number with a sign or unit after it ("10%") has no words: it is no
    prefix, so 3.5 is never read as "3" labelled ".5"."""
    match = _PREFIX.match(str(label).strip())
    if match is None:
        return None
    text = match["text"].strip()
    if text and not any(c.isalpha() for c in text):
        return None
    return int(match["number"]), text


def label_words(label: str) -> str:
    """The words of a level's label: after a numeric prefix ("1 - Poor" -> "Poor"), ""
    for a bare number ("3", "(2)", "3.0"), the label itself otherwise."""
    if _number(label) is not None:
        return ""
    prefixed = _prefixed(label)
    return prefixed[1] if prefixed is not None else str(label).strip()


def family_kind(family: str, size: int) -> str:
    """The kind of a scale of ``size`` levels whose words read in ``family``."""
    if size == 2:
        return "binary"
    return "rating" if family in _RATINGS else "likert"


def _numbers(labels: Sequence[str]) -> Ordering | None:
    """Plain numbers, or labels with a numeric prefix, ordered by the number."""
    numbers = {label: _number(label) for label in labels}
    if all(n is not None for n in numbers.values()):
        values = {label: int(n) for label, n in numbers.items() if n is not None}
        return Ordering("numbers", {k: float(v) for k, v in values.items()}, False, values, {})
    prefixed = {label: _prefixed(label) for label in labels}
    found = {label: p for label, p in prefixed.items() if p is not None}
    if len(found) < len(labels) or not any(text for _, text in found.values()):
        return None
    by_number: dict[int, set[str]] = {}
    for number, text in found.values():
        by_number.setdefault(number, set()).add(fold(text))
    if any(len(texts - {""}) > 1 for texts in by_number.values()):
        return None  # two different answers under one number
    values = {label: number for label, (number, _) in found.items()}
    texts = {label: text for label, (_, text) in found.items()}
    return Ordering("numbers", {k: float(v) for k, v in values.items()}, False, values, texts)


def _families(readings: list[tuple[Reading, ...]]) -> list[str]:
    """The families every answer can be read in, in the order the answers name them."""
    named = [r.family for rs in readings for r in rs if r.family != ANY]
    out = []
    for family in dict.fromkeys(named):
        fits = all(
            any(r.family == family or (r.family == ANY and family not in _ONE_ENDED) for r in rs)
            for rs in readings
        )
        if fits:
            out.append(family)
    return out


def _scores(readings: list[tuple[Reading, ...]], family: str) -> list[Reading]:
    chosen = []
    for rs in readings:
        exact = [r for r in rs if r.family == family]
        chosen.append(exact[0] if exact else next(r for r in rs if r.family == ANY))
    return chosen


def order_answers(answers: Iterable[str]) -> Ordering | None:
    """The answers in order, or None when their order cannot be established.

    Non-substantive answers must have been left out (:func:`is_non_substantive`). Every
    answer must be read in one family, at least two places apart; when two families
    read them all but disagree on the order, the order is not established.
    """
    labels = list(dict.fromkeys(answers))
    if len(labels) < 2:
        return None
    numbered = _numbers(labels)
    if numbered is not None:
        return numbered if len(set(numbered.numbers.values())) >= 2 else None
    readings = [read_answer(label) for label in labels]
    if not all(readings):
        return None
    orders = []
    for family in _families(readings):
        chosen = _scores(readings, family)
        scores = {label: r.score for label, r in zip(labels, chosen, strict=True)}
        if len(set(scores.values())) < 2 or _different_words_tie(scores):
            continue
        orders.append(Ordering(family, scores, any(r.pole for r in chosen), {}, {}))
    if not orders and all(any(r.family == ANY for r in rs) for rs in readings):
        # Intensities alone, "Yes, very" .. "Somewhat" .. "No": their own family.
        chosen = _scores(readings, ANY)
        scores = {label: r.score for label, r in zip(labels, chosen, strict=True)}
        if len(set(scores.values())) >= 2 and not _different_words_tie(scores):
            orders.append(Ordering("intensity", scores, False, {}, {}))
    if not orders:
        return None
    first = orders[0]
    for other in orders[1:]:
        if _ranks(other.scores) != _ranks(first.scores):
            return None
    return first


def _different_words_tie(scores: dict[str, float]) -> bool:
    """Whether two answers at one place are different words ("Slightly" and "A little"):
    only spellings of one answer ("Agree", "Agre") may share a place."""
    spelled: dict[float, str] = {}
    for label, score in scores.items():
        if spelled.setdefault(score, fold(label)) != fold(label):
            return True
    return False


def _ranks(scores: dict[str, float]) -> dict[str, int]:
    places = sorted(set(scores.values()))
    return {label: places.index(score) for label, score in scores.items()}


def text_direction(low: str, high: str) -> int:
    """+1 when ``high`` reads more positive than ``low`` ("Poor" .. "Excellent"), -1 when
    less, 0 when the words do not say (used for labelled ends of a numbered scale)."""
    ordering = order_answers([low, high])
    if ordering is None or ordering.family == "numbers":
        return 0
    return 1 if ordering.scores[high] > ordering.scores[low] else -1
