"""The focus-group strand's values: a codebook, the coders' coding, and its adjudication.

A :class:`Codebook` holds themes, each read through one CIPP component and holding codes.
A :class:`Coding` is everything the coders did: the units of the transcripts and, per
coder, the codes applied to each unit. Two coders' :class:`Disagreement` rows are decided
in an :class:`Adjudication`; the :class:`FinalCoding` is what the themes are counted from.
Reading them from files is :mod:`cipp.read`'s work, computing with them :mod:`cipp.flow`'s.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cipp.model.instrument import COMPONENTS

VALENCES: tuple[str, ...] = ("positive", "negative", "mixed", "neutral")
#: What a theme is: a finding about the program (the default), or a recommendation the
#: participants made (cipp report traces each one to its evidence).
THEME_KINDS: tuple[str, ...] = ("finding", "recommendation")
FINDING, RECOMMENDATION = THEME_KINDS
#: An adjudicator's decisions on a disagreement.
DECISIONS: tuple[str, ...] = ("include", "exclude")
#: The columns of the adjudication sheet (``text``: the unit's words, for the adjudicator).
ADJUDICATION_COLUMNS: tuple[str, ...] = (
    "segment_id",
    "code",
    "coder_a",
    "coder_b",
    "decision",
    "adjudicator",
    "note",
    "text",
)


# --- the codebook ---------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """One code: the smallest label a coder applies to a unit of text."""

    id: str
    name: str
    theme: str
    definition: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    valence: str | None = None  # None: the theme's valence applies
    related: tuple[str, ...] = ()
    guid: str | None = None


@dataclass(frozen=True)
class Theme:
    """A theme: a group of codes read through one CIPP component (plus optional others).

    ``kind`` is :data:`RECOMMENDATION` for what participants proposed to change: such a
    theme says what to do, not how the program is, so it does not count for a fit.
    """

    id: str
    name: str
    component: str | None
    valence: str | None
    codes: tuple[Code, ...]
    also: tuple[str, ...] = ()
    kind: str = FINDING
    description: str = ""
    guid: str | None = None


@dataclass(frozen=True)
class Codebook:
    """A validated codebook. ``source`` is the file it was read from (for messages)."""

    themes: tuple[Theme, ...]
    title: str = ""
    description: str = ""
    source: str = ""

    @property
    def codes(self) -> tuple[Code, ...]:
        """Every code, in codebook order."""
        return tuple(code for theme in self.themes for code in theme.codes)

    def code(self, code_id: str) -> Code:
        """The code with this id (KeyError if there is none)."""
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (KeyError if there is none)."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def theme_of(self, code_id: str) -> Theme:
        """The theme a code belongs to."""
        return self.theme(self.code(code_id).theme)

    def code_valence(self, code_id: str) -> str | None:
        """The code's own valence, else its theme's."""
        code = self.code(code_id)
        return code.valence or self.theme(code.theme).valence

    def resolve(self, value: str) -> str | None:
        """Map a code as written in a segment file to its id, or None if it is unknown.

        Tried in order: the id, the id or name ignoring case, spacing and underscores,
        the REFI-QDA guid. Tools export code names (QualCoder, requal, Taguette tags).
        """
        return self._lookup.get(value) or self._lookup.get(_fold(value))

    @functools.cached_property
    def _lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for code in self.codes:
            for key in (_fold(code.id), _fold(code.name)):
                table.setdefault(key, code.id)
            if code.guid:
                table.setdefault(_fold(code.guid.strip("{}")), code.id)
        for code in self.codes:
            table[code.id] = code.id
        return table

    def missing(self) -> list[str]:
        """Themes still lacking a component or valence, as ``path: missing ...`` lines."""
        lines = []
        for index, theme in enumerate(self.themes):
            if theme.component is None:
                lines.append(
                    f"themes[{index}].component: missing component for theme "
                    f"'{theme.id}' (one of {', '.join(COMPONENTS)})"
                )
            if theme.valence is None:
                lines.append(
                    f"themes[{index}].valence: missing valence for theme "
                    f"'{theme.id}' (one of {', '.join(VALENCES)})"
                )
        return lines


def _fold(text: str) -> str:
    return " ".join(str(text).replace("_", " ").split()).casefold()


# --- the coding -----------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    """A segment row as read from a file, before it is checked against the codebook:
    canonical column -> text, where it came from (``row 14``), and the headers as written
    (canonical -> header) for messages. Segment files and REFI-QDA projects both give these."""

    where: str
    values: Mapping[str, str]
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """One unit of analysis (a turn or phrase of a transcript) with its speaker."""

    segment_id: str
    document: str
    text: str
    group: str | None = None
    session: str | None = None
    participant: str | None = None
    start: int | None = None
    end: int | None = None

    @property
    def person(self) -> tuple[str | None, str] | None:
        """Who spoke: (session, participant), None when the participant is not known.

        Participant ids are taken as local to their session, so P3 of FGD 1 and P3 of
        FGD 2 are two people.
        """
        return None if self.participant is None else (self.session, self.participant)


@dataclass(frozen=True)
class Application:
    """One row: ``coder`` applied ``code`` to a unit (``code`` None: read, left uncoded)."""

    segment_id: str
    coder: str
    code: str | None
    memo: str = ""
    exemplar: bool = False
    where: str = ""


@dataclass(frozen=True)
class Coding:
    """Everything the coders did: units, applications, coders (in order of appearance)."""

    units: tuple[Unit, ...]
    applications: tuple[Application, ...]
    coders: tuple[str, ...]
    sources: tuple[str, ...] = ()
    moderator_rows: int = 0
    notes: tuple[str, ...] = ()

    def unit(self, segment_id: str) -> Unit:
        """The unit with this id (KeyError if unknown)."""
        return self._units[segment_id]

    @functools.cached_property
    def _units(self) -> dict[str, Unit]:
        return {unit.segment_id: unit for unit in self.units}

    def coded_by(self, coder: str) -> dict[str, frozenset[str]]:
        """Unit id -> the codes this coder applied (empty set: read, left uncoded)."""
        found: dict[str, set[str]] = {}
        for row in self.applications:
            if row.coder == coder:
                codes = found.setdefault(row.segment_id, set())
                if row.code is not None:
                    codes.add(row.code)
        return {unit: frozenset(codes) for unit, codes in found.items()}

    def used_codes(self, coders: Iterable[str] | None = None) -> set[str]:
        """Codes applied at least once (by the given coders, default all)."""
        chosen = set(self.coders if coders is None else coders)
        return {row.code for row in self.applications if row.code and row.coder in chosen}


# --- adjudication ---------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    """A code that one of two coders applied to a unit and the other did not."""

    segment_id: str
    code: str
    coder_a: str
    coder_b: str
    applied_a: bool
    applied_b: bool
    text: str = ""
    decision: str | None = None  # include | exclude | None (undecided)
    adjudicator: str = ""
    note: str = ""

    @property
    def said_a(self) -> str:
        """Coder A and whether they applied the code: ``Asha: yes``."""
        return f"{self.coder_a}: {_yes(self.applied_a)}"

    @property
    def said_b(self) -> str:
        """Coder B and whether they applied the code: ``Ravi: no``."""
        return f"{self.coder_b}: {_yes(self.applied_b)}"

    def describe(self) -> str:
        """One line for a warning: unit, code and who applied it."""
        return f"segment {self.segment_id}, code '{self.code}' ({self.said_a}, {self.said_b})"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


@dataclass(frozen=True)
class Adjudication:
    """Decisions read from an adjudication file: (segment_id, code) -> decision."""

    decisions: Mapping[tuple[str, str], tuple[str | None, str, str]]  # decision, who, note
    source: str = ""
    rows: Mapping[tuple[str, str], str] = field(default_factory=dict)  # key -> "row n"


@dataclass(frozen=True)
class FinalCoding:
    """The coding the themes are built from, after adjudication.

    ``codes`` maps every unit to its final codes (possibly none); ``exemplars`` holds
    the (unit, code) pairs a coder marked as exemplar quotes.
    """

    units: tuple[Unit, ...]
    codes: Mapping[str, frozenset[str]]
    exemplars: frozenset[tuple[str, str]]
    coders: tuple[str, ...]
    disagreements: tuple[Disagreement, ...] = ()
    undecided: tuple[Disagreement, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
