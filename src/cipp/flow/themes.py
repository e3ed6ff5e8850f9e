"""Themes by CIPP component and group, with counts and anonymised quotes.

For every theme (in codebook order) and every group of participants (mentee, mentor,
in order of appearance) this counts, in the final coding: segments (units holding one of
the theme's codes), distinct participants and sessions, each beside the group's own
size taken from the data ("2 of 8 mentors": distinct participants of the group in any
unit, moderator turns excluded; a participant is a (session, participant) pair). The
same is counted per code, and per valence (a code's own valence, else its theme's), so
that a theme can show how many mentors said the positive side.

Up to ``quotes`` quotes are chosen per code and per theme and group: those marked
exemplar first, then the first ones in transcript order; each is labelled with the
template and anonymised with the pseudonyms, and checked for surviving names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cipp.flow.anonymise import DEFAULT_LABEL, check_template, quote_label
from cipp.model.coding import Codebook, FinalCoding, Theme, Unit
from cipp.model.errors import CippError, option
from cipp.model.qualitative import (
    NO_GROUP,
    CodeCount,
    GroupSize,
    Pseudonyms,
    Quote,
    ThemeInGroup,
    ThemeResults,
    ThemeSummary,
)


def _group(unit: Unit) -> str:
    return unit.group or NO_GROUP


def group_sizes(units: Iterable[Unit]) -> tuple[GroupSize, ...]:
    """Each group's distinct participants, sessions and units, in order of appearance."""
    people: dict[str, set[Any]] = {}
    sessions: dict[str, set[Any]] = {}
    counts: dict[str, int] = {}
    for unit in units:
        name = _group(unit)
        counts[name] = counts.get(name, 0) + 1
        people.setdefault(name, set())
        if unit.person is not None:
            people[name].add(unit.person)
        sessions.setdefault(name, set())
        if unit.session is not None:
            sessions[name].add(unit.session)
    return tuple(
        GroupSize(name, len(people[name]), len(sessions[name]), counts[name]) for name in counts
    )


class _Quoter:
    """Builds labelled, anonymised quotes and checks them for surviving names."""

    def __init__(self, template: str, pseudonyms: Pseudonyms | None) -> None:
        check_template(template)
        self.template = template
        self.pseudonyms = pseudonyms

    def quote(self, unit: Unit, exemplar: bool) -> Quote:
        label, text = quote_label(unit, self.template, self.pseudonyms), unit.text
        if self.pseudonyms is not None:
            text = self.pseudonyms.apply(text)
            self.pseudonyms.check(f"{label}\n{text}", where=f"quote {unit.segment_id} ({label})")
        return Quote(unit.segment_id, label, text, exemplar)

    def pick(self, units: Sequence[Unit], exemplary: set[str], k: int) -> tuple[Quote, ...]:
        ordered = [u for u in units if u.segment_id in exemplary] + [
            u for u in units if u.segment_id not in exemplary
        ]
        return tuple(self.quote(u, u.segment_id in exemplary) for u in ordered[:k])


def _counts(units: Sequence[Unit]) -> tuple[int, int, int]:
    people = {unit.person for unit in units if unit.person is not None}
    sessions = {unit.session for unit in units if unit.session is not None}
    return len(units), len(people), len(sessions)


def summarize_themes(
    final: FinalCoding,
    codebook: Codebook,
    *,
    quotes: int = 2,
    label: str = DEFAULT_LABEL,
    pseudonyms: Pseudonyms | None = None,
) -> ThemeResults:
    """Themes by CIPP component x group from the final coding (see the module docstring).

    Checked by hand on the example data (data/fgd): the theme about mutual benefit
    shows the positive code in 2 of 8 mentors, as the study reports.
    """
    if quotes < 0:
        raise CippError(f"{option('quotes', quotes)} must be 0 or more")
    quoter = _Quoter(label, pseudonyms)
    sizes = group_sizes(final.units)
    size = {group.group: group for group in sizes}
    summaries = []
    for theme in codebook.themes:
        summaries.append(_summarize_theme(theme, final, codebook, size, quoter, quotes))
    return ThemeResults(
        groups=sizes,
        themes=tuple(summaries),
        quotes_per_code=quotes,
        label_template=label,
        coders=final.coders,
        warnings=final.warnings,
        notes=final.notes,
    )


def _summarize_theme(
    theme: Theme,
    final: FinalCoding,
    codebook: Codebook,
    size: dict[str, GroupSize],
    quoter: _Quoter,
    k: int,
) -> ThemeSummary:
    code_ids = [code.id for code in theme.codes]
    entries = []
    for group in size:
        units = [
            unit
            for unit in final.units
            if _group(unit) == group and final.codes[unit.segment_id] & set(code_ids)
        ]
        if not units:
            continue
        codes = []
        by_valence: dict[str, set[Any]] = {}
        theme_exemplary: set[str] = set()
        for code in theme.codes:
            with_code = [unit for unit in units if code.id in final.codes[unit.segment_id]]
            if not with_code:
                continue
            exemplary = {
                unit.segment_id
                for unit in with_code
                if (unit.segment_id, code.id) in final.exemplars
            }
            theme_exemplary |= exemplary
            valence = code.valence or theme.valence
            if valence is not None:
                people = by_valence.setdefault(valence, set())
                people.update(unit.person for unit in with_code if unit.person is not None)
            segments, participants, sessions = _counts(with_code)
            codes.append(
                CodeCount(
                    code=code.id,
                    name=code.name,
                    valence=valence,
                    segments=segments,
                    participants=participants,
                    sessions=sessions,
                    quotes=quoter.pick(with_code, exemplary, k),
                )
            )
        segments, participants, sessions = _counts(units)
        entries.append(
            ThemeInGroup(
                group=group,
                segments=segments,
                participants=participants,
                sessions=sessions,
                of_participants=size[group].participants,
                of_sessions=size[group].sessions,
                participants_by_valence=tuple(
                    (valence, len(people)) for valence, people in by_valence.items()
                ),
                codes=tuple(codes),
                quotes=quoter.pick(units, theme_exemplary, k),
            )
        )
    return ThemeSummary(
        theme=theme.id,
        name=theme.name,
        component=theme.component,
        also=theme.also,
        valence=theme.valence,
        kind=theme.kind,
        description=theme.description,
        groups=tuple(entries),
    )
