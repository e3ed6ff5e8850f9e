"""Recommendations traced to their evidence: the last section of ``cipp report``.

cipp proposes one recommendation per codebook theme of ``kind: recommendation`` that at
least one participant voiced, in codebook order, worded as the theme's name. The
researcher's integration file adds or rewords recommendations: an entry whose ``id`` is
a theme's rewords the proposal from that theme, and an entry listing ``themes`` takes
them over, so cipp no longer proposes them one by one (eight themes, four from each
group, become four recommendations resting on both groups). The researcher's come first,
in the file's order, then cipp's remaining proposals.

Each recommendation carries its evidence:

- **who raised it**: per focus group, the distinct participants who voiced a code of any
  of its themes in the final coding, of the group's participants (people are counted
  once however many of its themes they voiced, as in the themes table);
- **weak items**: the survey items the researcher listed; else the items of its CIPP
  component, in every survey, below 50% positive, and in any case its three least
  positive; least positive first;
- **related themes**: the negative themes read through its component (main or ``also``)
  that someone voiced, i.e. the problems it answers;
- **a quote**: from its themes' quotes, already labelled and anonymised with the themes
  (:mod:`cipp.flow.themes`), the first one a coder marked exemplar, else the first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from cipp.model.coding import RECOMMENDATION
from cipp.model.joint import (
    FROM_RESEARCHER,
    FROM_THEME,
    GroupVoices,
    Integration,
    Recommendation,
    RelatedTheme,
    WeakItem,
    WrittenRecommendation,
)
from cipp.model.qualitative import NO_GROUP, Quote, ThemeAnalysis, ThemeSummary
from cipp.model.results import Results
from cipp.read.integration import check_recommendations

#: An item below this % positive is weak whatever its rank ...
WEAK_BELOW = 50.0
#: ... and the component's least positive items are shown, at least this many.
LEAST_POSITIVE = 3


def recommend(
    surveys: Sequence[Results], analysis: ThemeAnalysis, integration: Integration | None = None
) -> tuple[Recommendation, ...]:
    """The recommendations of an evaluation with their evidence (see the module docstring).

    Raises InstrumentError when ``integration`` names a theme the codebook lacks or an
    item no survey's instrument has (read.integration.check_recommendations).
    """
    written = integration.recommendations if integration is not None else ()
    if integration is not None:
        components = {theme.id: theme.component for theme in analysis.codebook.themes}
        items = {item.id for results in surveys for item in results.instrument.items}
        check_recommendations(integration, components, items)
    known = {theme.theme for theme in analysis.themes.themes}
    taken: set[str] = set()
    out = []
    for entry in written:
        themes = _themes_of(entry, known)
        taken.update((entry.id, *themes))
        component = entry.component or analysis.codebook.theme(themes[0]).component or ""
        out.append(
            _trace(
                entry.id,
                entry.text,
                component,
                FROM_RESEARCHER,
                themes,
                entry.items,
                surveys,
                analysis,
            )
        )
    for theme in analysis.themes.themes:
        if theme.kind != RECOMMENDATION or not theme.groups or theme.theme in taken:
            continue
        if theme.component is None:
            continue
        out.append(
            _trace(
                theme.theme,
                theme.name,
                theme.component,
                FROM_THEME,
                (theme.theme,),
                (),
                surveys,
                analysis,
            )
        )
    return tuple(out)


def _themes_of(entry: WrittenRecommendation, known: set[str]) -> tuple[str, ...]:
    """The themes a written recommendation rests on: those listed, else the one its id names."""
    if entry.themes:
        return entry.themes
    return (entry.id,) if entry.id in known else ()


def _trace(
    ident: str,
    text: str,
    component: str,
    source: str,
    themes: tuple[str, ...],
    items: tuple[str, ...],
    surveys: Sequence[Results],
    analysis: ThemeAnalysis,
) -> Recommendation:
    summaries = [analysis.themes.theme(theme) for theme in themes]
    return Recommendation(
        id=ident,
        text=text,
        component=component,
        source=source,
        themes=themes,
        groups=_voices(themes, analysis),
        weak_items=_listed_items(items, surveys) if items else _weak_items(component, surveys),
        related_themes=_related(component, analysis.themes.themes, set(themes)),
        quote=_quote(summaries),
    )


def _voices(themes: Iterable[str], analysis: ThemeAnalysis) -> tuple[GroupVoices, ...]:
    """Per group, the distinct participants with a code of the themes, of the group's."""
    codes = {code.id for theme in themes for code in analysis.codebook.theme(theme).codes}
    people: dict[str, set[Any]] = {group.group: set() for group in analysis.themes.groups}
    final = analysis.final
    for unit in final.units:
        if unit.person is not None and final.codes.get(unit.segment_id, frozenset()) & codes:
            people.setdefault(unit.group or NO_GROUP, set()).add(unit.person)
    return tuple(
        GroupVoices(group.group, len(people[group.group]), group.participants)
        for group in analysis.themes.groups
    )


def _least_positive_first(items: list[WeakItem]) -> list[WeakItem]:
    return sorted(
        items,
        key=lambda w: math.inf if math.isnan(w.percent_positive) else w.percent_positive,
    )


def _weak_items(component: str, surveys: Sequence[Results]) -> tuple[WeakItem, ...]:
    """The component's items below 50% positive, and at least its three least positive."""
    answered = [
        WeakItem(s.id, s.text, results.instrument.id, s.positive_percent, s.positive_label)
        for results in surveys
        for s in results.items
        if s.component == component and not math.isnan(s.positive_percent)
    ]
    ranked = _least_positive_first(answered)
    return tuple(
        w
        for rank, w in enumerate(ranked)
        if rank < LEAST_POSITIVE or w.percent_positive < WEAK_BELOW
    )


def _listed_items(ids: tuple[str, ...], surveys: Sequence[Results]) -> tuple[WeakItem, ...]:
    """The items the researcher named, from every survey whose instrument has them (% positive
    NaN where the survey did not ask it)."""
    found = []
    for results in surveys:
        summaries = {s.id: s for s in results.items}
        for item in results.instrument.items:
            if item.id not in ids:
                continue
            summary = summaries.get(item.id)
            if summary is None:
                found.append(WeakItem(item.id, item.text, results.instrument.id, math.nan))
            else:
                found.append(
                    WeakItem(
                        item.id,
                        summary.text,
                        results.instrument.id,
                        summary.positive_percent,
                        summary.positive_label,
                    )
                )
    return tuple(_least_positive_first(found))


def _related(
    component: str, themes: Sequence[ThemeSummary], own: set[str]
) -> tuple[RelatedTheme, ...]:
    """The negative findings read through the component that someone voiced."""
    return tuple(
        RelatedTheme(
            theme.theme,
            theme.name,
            tuple(GroupVoices(e.group, e.participants, e.of_participants) for e in theme.groups),
        )
        for theme in themes
        if theme.kind != RECOMMENDATION
        and theme.valence == "negative"
        and (theme.component == component or component in theme.also)
        and theme.groups
        and theme.theme not in own
    )


def _quote(themes: Sequence[ThemeSummary]) -> Quote | None:
    quotes = [quote for theme in themes for entry in theme.groups for quote in entry.quotes]
    return next((quote for quote in quotes if quote.exemplar), quotes[0] if quotes else None)
