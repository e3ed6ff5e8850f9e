"""Instruments: which survey items exist, on which scales, under which CIPP component.

An instrument is declared in YAML (see ``instruments/*.yaml`` and the README's
"Instrument format" section) and loaded into frozen dataclasses. Loading validates the
whole file and reports every problem at once, each with its key path
(``items[3].scale: unknown scale 'likert7'``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

COMPONENTS = ("context", "input", "process", "product")
#: An item's component while nobody has chosen one (a draft): it is analysed and shown
#: apart, never counted in a component's summary. Not a CIPP component.
UNASSIGNED = "unassigned"
KINDS = ("likert", "rating", "binary")
DEMOGRAPHIC_KINDS = ("categorical", "numeric")
#: A scale's ``order`` when a draft could not establish which way its levels run:
#: nothing that depends on the order (% positive, means, alpha, trends) is computed.
ORDER_GUESSED = "guessed"

_SPACES = re.compile(r"\s+")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
# Typographic variants that keyboards, word processors and survey platforms swap for one
# another: curly quotes and apostrophes, dashes and minus signs, spaces that do not
# break; characters that show nothing are dropped. NFKC has already folded full-width
# forms, ligatures and compatibility spaces.
_TYPOGRAPHIC = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"),
        **dict.fromkeys("\u00a0\u2007\u202f", " "),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", None),
    }
)


def fold_typography(text: str) -> str:
    """``text`` with typographic variants folded to their plain forms (NFKC, then curly
    quotes to straight ones, dashes to '-', non-breaking spaces to spaces, invisible
    characters dropped): "Don’t know" and "Don't know" are one answer."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC)


def normalize_text(value: object) -> str:
    """Case-, whitespace-, typography- and numeric-format-insensitive key used to match
    cells, headers and labels.

    ``" Strongly  Agree "`` and ``"strongly agree"`` give the same key, and so do
    ``"Don’t know"`` and ``"Don't know"`` (see :func:`fold_typography`); ``6``, ``"6"``
    and ``6.0`` (Excel stores whole numbers as floats) all give ``"6"``.
    """
    if isinstance(value, bool):
        return str(value).casefold()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = _SPACES.sub(" ", fold_typography(str(value))).strip().casefold()
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")  # "2,0" from a European spreadsheet is 2
    if text and text[0] in "+-0123456789." and text[-1].isdigit():
        try:
            number = float(text)
        except ValueError:
            return text
        if number.is_integer() and abs(number) < 2**53:
            return str(int(number))
    return text


def normalize_header(value: object) -> str:
    """Key for matching a column header: like :func:`normalize_text`, ignoring end punctuation.

    Exports often add a trailing "?" or ":" to question texts, or wrap them in quotes.
    """
    return normalize_text(value).strip(" \t?:.\"'")


@dataclass(frozen=True)
class Level:
    """One response option: its numeric code, its label and other ways people write it."""

    code: int
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way a cell may give this level: its code, its label, its aliases."""
        return (str(self.code), self.label, *self.aliases)


@dataclass(frozen=True)
class CollapseGroup:
    """A group of adjacent levels used by summaries and tests (e.g. Agree = codes 4-6)."""

    label: str
    codes: tuple[int, ...]


@dataclass(frozen=True)
class Scale:
    """Ordered response levels, listed in display order (as the paper's columns read)."""

    id: str
    label: str
    levels: tuple[Level, ...]
    kind: str
    positive: str = "high"
    missing: tuple[str, ...] = ()
    collapse: tuple[CollapseGroup, ...] = ()
    #: None when the levels are in a known order; :data:`ORDER_GUESSED` when a draft
    #: could not tell which way they run.
    order: str | None = None

    @property
    def order_guessed(self) -> bool:
        return self.order == ORDER_GUESSED

    @property
    def codes(self) -> tuple[int, ...]:
        """Codes in display order."""
        return tuple(level.code for level in self.levels)

    @property
    def ordered_codes(self) -> tuple[int, ...]:
        """Codes from the most negative to the most positive response."""
        ascending = tuple(sorted(self.codes))
        return ascending if self.positive == "high" else ascending[::-1]

    @property
    def top_code(self) -> int:
        """The most positive level's code (Strongly agree, Excellent, Yes)."""
        return self.ordered_codes[-1]

    @property
    def positive_group(self) -> CollapseGroup:
        """The collapse group that holds the most positive level.

        A scale without collapse groups (Yes/No) counts only its top level as positive.
        """
        for group in self.collapse:
            if self.top_code in group.codes:
                return group
        return CollapseGroup(label=self.label_of(self.top_code), codes=(self.top_code,))

    def label_of(self, code: int) -> str:
        for level in self.levels:
            if level.code == code:
                return level.label
        raise KeyError(code)

    def lookup(self) -> dict[str, int]:
        """Map every accepted spelling (code, label, alias; normalized) to a level's code."""
        return {normalize_text(s): level.code for level in self.levels for s in level.spellings}

    def missing_keys(self) -> frozenset[str]:
        return frozenset(normalize_text(value) for value in self.missing)

    def allowed_text(self) -> str:
        """The allowed values, as listed in an error message."""
        return ", ".join(f"{level.code} = {level.label}" for level in self.levels)


@dataclass(frozen=True)
class Item:
    """One survey question, mapped to a CIPP component (or :data:`UNASSIGNED`)."""

    id: str
    text: str
    scale: str
    component: str
    subtheme: str | None = None
    aliases: tuple[str, ...] = ()
    source_id: str | None = None

    def headers(self) -> tuple[str, ...]:
        """Headers this item's column may carry: its id, its text, its aliases."""
        return (self.id, self.text, *self.aliases)


@dataclass(frozen=True)
class Bin:
    """A numeric range (both ends inclusive; an open end is None) with its label.

    Bins written with whole numbers ("Under 10": max 9; "10-19": min 10) leave a gap
    between 9 and 10; see :meth:`Demographic.bin_codes` for how values in it are binned.
    """

    label: str
    min: float | None
    max: float | None


@dataclass(frozen=True)
class Demographic:
    """A respondent characteristic: categorical (ordered levels) or numeric (with bins)."""

    id: str
    label: str
    kind: str
    levels: tuple[Level, ...] = ()
    ordered: bool = False
    bins: tuple[Bin, ...] = ()
    test: bool = False
    missing: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def headers(self) -> tuple[str, ...]:
        return (self.id, self.label, *self.aliases)

    def lookup(self) -> dict[str, str]:
        """Map every accepted spelling of a categorical level to its label."""
        return {normalize_text(s): level.label for level in self.levels for s in level.spellings}

    def bin_codes(self, values: Any) -> Any:
        """The bin of each value as its position in ``bins`` (-1: missing or in no bin).

        A bin reaches up to the next bin's minimum when that lies less than one unit above
        its maximum: with "Under 10" (max 9) and "10-19" (min 10), an experience of 9.5
        years is "Under 10", as the labels mean. Otherwise both ends are inclusive.
        """
        import numpy as np

        numbers = np.asarray(values, dtype="float64")
        codes = np.full(len(numbers), -1, dtype="int64")
        minimums = [b.min for b in self.bins if b.min is not None]
        for position, bin_ in reversed(list(enumerate(self.bins))):
            inside = np.ones(len(numbers), dtype=bool)
            if bin_.min is not None:
                inside &= numbers >= bin_.min
            if bin_.max is not None:
                above = [m for m in minimums if bin_.max < m <= bin_.max + 1]
                inside &= numbers < min(above) if above else numbers <= bin_.max
            codes[inside & ~np.isnan(numbers)] = position
        return codes

    @property
    def group_labels(self) -> tuple[str, ...]:
        """The groups used for tables and tests: levels, or bins for numeric demographics."""
        if self.kind == "numeric":
            return tuple(b.label for b in self.bins)
        return tuple(level.label for level in self.levels)


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: scales, items, demographics, and where it came from."""

    id: str
    title: str
    scales: tuple[Scale, ...]
    items: tuple[Item, ...]
    demographics: tuple[Demographic, ...] = ()
    description: str = ""
    free_text: tuple[str, ...] = ()
    source: Mapping[str, str] = field(default_factory=dict)
    path: str | None = None

    def scale(self, scale_id: str) -> Scale:
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    def scale_of(self, item: Item) -> Scale:
        return self.scale(item.scale)

    def kind_of(self, item: Item) -> str:
        return self.scale(item.scale).kind

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def demographic(self, demographic_id: str) -> Demographic:
        for demographic in self.demographics:
            if demographic.id == demographic_id:
                return demographic
        raise KeyError(demographic_id)
