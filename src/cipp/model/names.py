"""Finding a person's name in text however it was typed, for pseudonyms that hold.

A transcript, a label or a file name can spell "Ayesha" as "AYESHA", "Ayesha's",
"Ayeshas", "ayesha_k", "Ayesha2", "PAyesha" (a label template's ``P{participant}``), in
fullwidth letters, with a soft hyphen or a zero-width space inside, and "José" with a
combining accent; "Strauß" can be "STRAUSS". :func:`fold` makes all of these one string
(Unicode compatibility decomposition, accents and format characters removed, case
folded), and :func:`find_names` finds a name where it stands as a word of its own:

- at the start of a word or identifier: after a character that is not a letter or digit,
  after a digit or ``_`` (``2Ayesha``, ``_ayesha``), or where the case changes to upper
  within a word (``PAyesha``, ``drAyesha``);
- at its end: before a character that is not a letter (``Ayesha2``, ``ayesha_k``,
  ``Ayesha.``), before an upper-case letter after a lower-case one (``AyeshaKhan``), or
  followed by a possessive or plural (``'s``, ``’s``, ``s'``, ``s``, ``es``) that ends there;
- the words of a name of several words separated by any spacing, ``_``, ``-`` or ``.``.

A name of at least INSIDE_WORDS letters is also found inside a longer word ("Ayeshaji",
"exAyeshaB"): a name that long is rarely part of an ordinary word, and missing it would
publish it. A shorter name inside another word is not ("Ali" in "quality", "Alison"):
replacing it would garble ordinary words, and it cannot be told from the word it sits in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Characters that change nothing a reader sees: soft hyphen, zero-width space and
# joiners, word joiner, byte-order mark, Mongolian vowel separator, direction marks.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
_DROP = dict.fromkeys(map(ord, _INVISIBLE))
#: Names of at least this many letters are found inside longer words too.
INSIDE_WORDS = 5
_SUFFIXES = ("'s", "\u2019s", "s'", "s\u2019", "es", "s", "'", "\u2019", "")


@lru_cache(maxsize=4096)
def _fold_character(character: str) -> str:
    if ord(character) < 128:
        return character.lower()
    if character in _INVISIBLE or unicodedata.category(character) == "Cf":
        return ""
    decomposed = unicodedata.normalize("NFKD", character).casefold()
    decomposed = unicodedata.normalize("NFKD", decomposed)
    return "".join(part for part in decomposed if not unicodedata.combining(part))


def fold(text: str) -> str:
    """``text`` as names are compared: compatibility forms (fullwidth letters, ligatures)
    decomposed, accents and invisible format characters removed, case folded."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_character(character) for character in text)


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the original's index."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    parts: list[str] = []
    positions: list[int] = []
    for index, character in enumerate(text):
        folded = _fold_character(character)
        parts.append(folded)
        positions.extend([index] * len(folded))
    return "".join(parts), positions


@dataclass(frozen=True)
class Found:
    """A name found in a text: the original's span of the name itself (``start``,
    ``end``; a possessive or plural after it is not part of it) and the name as listed."""

    start: int
    end: int
    name: str


def _pattern(name: str) -> re.Pattern[str] | None:
    words = fold(name).split()
    if not words:
        return None
    return re.compile(r"[\s_.\-]*".join(re.escape(word) for word in words))


def _starts_word(text: str, at: int) -> bool:
    if at == 0:
        return True
    before, first = text[at - 1], text[at]
    if not before.isalnum() or before.isdigit():
        return True
    following = text[at + 1] if at + 1 < len(text) else ""
    # PAyesha, drAyesha: an upper-case letter followed by a lower-case one starts a word.
    return first.isupper() and (not following or following.islower())


def _ends_word(text: str, at: int, last: str) -> bool:
    if at >= len(text):
        return True
    after = text[at]
    if not after.isalpha():
        return True
    # AyeshaKhan: a lower-case letter followed by an upper-case one ends a word.
    return last.islower() and after.isupper()


def find_names(text: str, names: Iterable[str]) -> list[Found]:
    """Where ``names`` stand in ``text`` (see the module docstring): non-overlapping,
    longer names winning, in order of position."""
    patterns = [(name, _pattern(name)) for name in names]
    folded = fold(text)
    present = [(name, pattern) for name, pattern in patterns if pattern and pattern.search(folded)]
    if not present:
        return []
    folded, positions = _folded_with_positions(text)
    found: list[Found] = []
    for name, pattern in present:
        assert pattern is not None
        anywhere = sum(character.isalpha() for character in fold(name)) >= INSIDE_WORDS
        for match in pattern.finditer(folded):
            start = positions[match.start()]
            end = positions[match.end() - 1] + 1
            while end < len(text) and not _fold_character(text[end]):
                end += 1  # combining accents and invisible characters of the last letter
            if anywhere:
                found.append(Found(start, end, name))
                continue
            if not _starts_word(text, start):
                continue
            if any(
                text.startswith(suffix, end) and _ends_word(text, end + len(suffix), text[end - 1])
                for suffix in _SUFFIXES
            ):
                found.append(Found(start, end, name))
    found.sort(key=lambda item: (item.start, -(item.end - item.start)))
    chosen: list[Found] = []
    for item in found:
        if not chosen or item.start >= chosen[-1].end:
            chosen.append(item)
    return chosen
