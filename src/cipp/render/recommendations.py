"""The Recommendations section of ``cipp report``: each recommendation with its evidence.

Each recommendation: what to do, who raised it, the survey items it rests on with their
% positive, the negative themes it answers, and one quote. The brief view (terminal,
Markdown, spreadsheet) shows them as one two-column table, a heading row per
recommendation; the long-form reports (Word, HTML) as a bold line per recommendation over
a bullet list, which wraps on a narrow screen and a Word page.
"""

from __future__ import annotations

from cipp.model.joint import (
    FROM_RESEARCHER,
    FROM_THEME,
    Evaluation,
    GroupVoices,
    Recommendation,
    WeakItem,
)
from cipp.render.document import BRIEF, FULL, Bullets, Paragraph, Section, Table
from cipp.render.numbers import COMPONENT_NAMES, missing, percent
from cipp.render.qualitative import of_group

_SOURCE_TEXT = {
    FROM_THEME: "proposed by cipp from a theme",
    FROM_RESEARCHER: "written by the researcher",
}

#: The widest label of the first column (a terminal keeps the column this wide).
_LONGEST_LABEL = "Themes it answers"


def _voices(groups: tuple[GroupVoices, ...]) -> str:
    return "; ".join(of_group(g.participants, g.of, g.group) for g in groups)


def _item(item: WeakItem, decimals: int) -> str:
    """'Would have liked additional training for mentors (mentor): 27.6% No'."""
    if missing(item.percent_positive):
        share = "not asked"
    else:
        share = f"{percent(item.percent_positive, decimals)}% {item.positive_label}".rstrip()
    return f"{item.text} ({item.survey}): {share}"


def _origin(recommendation: Recommendation) -> str:
    """'Process, written by the researcher'."""
    source = _SOURCE_TEXT.get(recommendation.source, recommendation.source)
    component = COMPONENT_NAMES.get(recommendation.component, recommendation.component)
    return f"{component}, {source}"


def _evidence(recommendation: Recommendation, decimals: int) -> list[tuple[str, str]]:
    """(label, text) for who raised it, its items, the themes it answers and its quote."""
    quote = recommendation.quote
    return [
        (
            "Raised by",
            _voices(recommendation.groups) if recommendation.themes else "no focus-group theme",
        ),
        (
            "Survey items",
            "; ".join(_item(item, decimals) for item in recommendation.weak_items)
            or "no survey item on this component",
        ),
        (
            _LONGEST_LABEL,
            "; ".join(f"{t.name} ({_voices(t.groups)})" for t in recommendation.related_themes)
            or "none",
        ),
        ("Quote", f"\u201c{quote.text}\u201d ({quote.label})" if quote else "no quote"),
    ]


def _notes(recommendations: tuple[Recommendation, ...]) -> tuple[str, ...]:
    proposed = sum(r.source == FROM_THEME for r in recommendations)
    return (
        "Raised by: distinct participants of each focus group who voiced a code of the "
        "recommendation's themes. Survey items: those the researcher listed, else the "
        "items of the recommendation's CIPP component below 50% positive and at least its "
        "three least positive; least positive first, each with its % positive and what "
        "counts as positive. Themes it answers: the negative themes read through the same "
        "component (main or also).",
        f"Proposed by cipp from the codebook's recommendation themes: {proposed}; written "
        f"or reworded by the researcher (integration file): {len(recommendations) - proposed}.",
    )


_LEAD = (
    "What the participants recommended, traced to the survey items and the focus-group "
    "themes it rests on."
)


def recommendations_table(evaluation: Evaluation, *, decimals: int = 1) -> Table:
    """One two-column table: per recommendation a heading row, what to do, its evidence."""
    rows: list[tuple[str, ...]] = []
    for number, recommendation in enumerate(evaluation.recommendations, start=1):
        rows.append((f"{number}. {_origin(recommendation)}",))
        rows.append(("What to do", recommendation.text))
        rows.extend(_evidence(recommendation, decimals))
    return Table(
        "Recommendations and the evidence they rest on",
        ("Recommendation", "Evidence"),
        tuple(rows),
        _notes(evaluation.recommendations),
        key="recommendations",
        first_min=len(_LONGEST_LABEL),
        align_numbers=False,
    )


def recommendations_sections(evaluation: Evaluation, *, decimals: int = 1) -> list[Section]:
    """The report's last section, as the brief view and as the long-form reports show it."""
    recommendations = evaluation.recommendations
    if not recommendations:
        none = Paragraph(
            "No recommendations: no codebook theme is of kind recommendation, or no "
            "participant voiced one, and no integration file adds one."
            if evaluation.qualitative
            else "No recommendations: they come from the focus groups, which were not given."
        )
        return [Section("Recommendations", (none,), id="recommendations")]
    lists = [
        Bullets(
            tuple(
                f"{label}: {text}"
                for label, text in (
                    ("CIPP component", _origin(recommendation)),
                    *_evidence(recommendation, decimals),
                )
            ),
            title=f"{number}. {recommendation.text}",
        )
        for number, recommendation in enumerate(recommendations, start=1)
    ]
    notes = Paragraph("Note. " + " ".join(_notes(recommendations)))
    return [
        Section(
            "Recommendations",
            (Paragraph(_LEAD), recommendations_table(evaluation, decimals=decimals)),
            id="recommendations",
            show=(BRIEF,),
        ),
        Section(
            "Recommendations", (Paragraph(_LEAD), *lists, notes), id="recommendations", show=FULL
        ),
    ]
