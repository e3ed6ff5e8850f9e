"""The joint display: survey results beside focus-group themes, one row per CIPP component.

For each component cipp proposes how the two strands fit, from the data:

- the surveys lean positive when at least half of all valid answers to the component's
  items (pooled over every survey) are in the positive group, negative otherwise;
- the focus groups lean positive or negative by the participants who voiced a positive
  or a negative code in the component's themes (themes whose component, or one of
  whose ``also`` components, it is; themes of ``kind: recommendation`` say what to
  change, not how the program is, and do not count, whatever their codes' valence); a
  tie, or no positive or negative voice at all, leaves them without a lean;
- same lean: **confirmation**; opposite leans: **discordance**; the focus groups
  without a lean, or no survey item on the component: **expansion** (the strands speak
  to different things).

The researcher can set the fit and write the meta-inference in an integration YAML::

    components:
      product:
        fit: discordance
        meta_inference: Surveys looked satisfied; the focus groups were not.

and the output says which fits were proposed and which were set. The same file adds or
rewords recommendations (cipp.flow.recommendations).

Without the focus groups (``themes`` None: a survey-only report) each row holds the
survey strand only: no fit, and a meta-inference that says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from cipp.model.coding import RECOMMENDATION
from cipp.model.instrument import COMPONENTS
from cipp.model.joint import (
    Integration,
    JointDisplay,
    JointRow,
    SurveyEvidence,
    ThemeEvidence,
)
from cipp.model.qualitative import ThemeResults
from cipp.model.results import Results


def _survey_evidence(results: Results, component: str) -> SurveyEvidence | None:
    summary = next((c for c in results.components if c.component == component), None)
    if summary is None:
        return None
    items = tuple(
        (s.id, s.text, s.positive_percent) for s in results.items if s.component == component
    )
    significant = tuple(
        t for t in results.associations if t.component == component and t.significant_adjusted
    )
    finding = next((f for f in results.findings.components if f.component == component), None)
    effects = tuple(e for e in finding.effects if e.significant) if finding else ()
    adjust = results.association_summary.adjust if results.association_summary else "bh"
    return SurveyEvidence(
        results.instrument.id,
        results.instrument.title,
        results.n_respondents,
        items,
        summary.positive_percent,
        summary.n_answers,
        significant,
        positive=None if summary.suppressed else summary.positive,
        confidence=results.confidence,
        effects=effects,
        adjust=adjust,
    )


def _theme_evidence(themes: Any, component: str) -> tuple[list[ThemeEvidence], int, int]:
    evidence = []
    positive = negative = 0
    for theme in themes.themes:
        if theme.component != component and component not in theme.also:
            continue
        for entry in theme.groups:
            if theme.kind != RECOMMENDATION:
                voices = dict(entry.participants_by_valence)
                positive += voices.get("positive", 0)
                negative += voices.get("negative", 0)
            quote = _quote_for(theme, entry)
            evidence.append(
                ThemeEvidence(
                    theme=theme.theme,
                    name=theme.name,
                    valence=theme.valence,
                    group=entry.group,
                    participants=entry.participants,
                    of_participants=entry.of_participants,
                    quote=quote.text if quote else None,
                    quote_label=quote.label if quote else None,
                    kind=theme.kind,
                )
            )
    return evidence, positive, negative


def _quote_for(theme: Any, entry: Any) -> Any:
    """A quote that says what the theme says: from a code of the theme's own valence (a
    theme like "not mutually beneficial" also holds the few who found it rewarding)."""
    for code in entry.codes:
        if code.quotes and (code.valence or theme.valence) == theme.valence:
            return code.quotes[0]
    return entry.quotes[0] if entry.quotes else None


def _propose(
    percent: float | None,
    positive: int,
    negative: int,
    *,
    asked: bool = True,
    withheld: bool = False,
) -> tuple[str, str]:
    if percent is None:
        if withheld:
            return "expansion", "the surveys' share is withheld under disclosure control"
        if asked:
            return "expansion", "no survey answers to this component's items"
        return "expansion", "no survey item covers this component"
    survey = "positive" if percent >= 50 else "negative"
    survey_text = f"{percent:.1f}% of survey answers positive" + (
        ", not counting a survey whose share is withheld under disclosure control"
        if withheld
        else ""
    )
    if positive == negative:
        voices = (
            "no positive or negative voices"
            if positive == 0
            else "as many positive as negative voices"
        )
        return "expansion", f"{survey_text}; focus groups with {voices}"
    groups = "positive" if positive > negative else "negative"
    voice_text = (
        f"focus groups mostly {groups}: {negative} negative and {positive} positive "
        "participant voices"
    )
    if survey == groups:
        return "confirmation", f"{survey_text}; {voice_text}"
    return "discordance", f"{survey_text}; {voice_text}"


def _default_inference(component: str, fit: str, reason: str) -> str:
    name = component.capitalize()
    if fit == "discordance":
        return (
            f"{name}: the strands disagree ({reason}); the focus groups qualify what the "
            "survey percentages suggest."
        )
    if fit == "confirmation":
        return f"{name}: both strands point the same way ({reason})."
    return f"{name}: the focus groups add aspects the survey items do not measure ({reason})."


def _survey_only(component: str, percent: float | None, asked: bool, withheld: bool) -> str:
    name = component.capitalize()
    if percent is None and withheld:
        what = "its survey share withheld under disclosure control"
    elif percent is None:
        what = "no survey answers to its items" if asked else "no survey item covers it"
    else:
        what = f"{percent:.1f}% of survey answers positive"
    return (
        f"{name}: {what}. The qualitative strand was not given, so the surveys stand "
        "alone: no fit between the strands."
    )


def joint_display(
    surveys: Sequence[Results],
    themes: ThemeResults | None,
    integration: Integration | None = None,
) -> JointDisplay:
    """One row per CIPP component from the surveys' Results and the ThemeResults (None:
    the survey strand only)."""
    integration = integration or Integration({}, {})
    rows = []
    for component in COMPONENTS:
        evidence = [e for r in surveys if (e := _survey_evidence(r, component)) is not None]
        # A survey whose respondents answered none of the component's items has no
        # percentage (NaN) and adds nothing to the pooled one.
        # A survey whose share is withheld under disclosure control adds nothing either:
        # the pooled share would give it away.
        answered = [e for e in evidence if e.n_answers and not math.isnan(e.positive_percent)]
        withheld = any(e.n_answers and math.isnan(e.positive_percent) for e in evidence)
        answers = sum(e.n_answers for e in answered)
        percent = (
            sum(e.positive_percent * e.n_answers for e in answered) / answers if answers else None
        )
        if themes is None:
            inference = _survey_only(component, percent, bool(evidence), withheld)
            rows.append(_survey_row(component, evidence, percent, inference))
            continue
        theme_rows, positive, negative = _theme_evidence(themes, component)
        proposed, reason = _propose(
            percent, positive, negative, asked=bool(evidence), withheld=withheld
        )
        fit = integration.fits.get(component, proposed)
        rows.append(
            JointRow(
                component=component,
                surveys=tuple(evidence),
                positive_percent=percent,
                themes=tuple(theme_rows),
                positive_voices=positive,
                negative_voices=negative,
                proposed_fit=proposed,
                fit=fit,
                fit_source="set" if component in integration.fits else "proposed",
                reason=reason,
                meta_inference=integration.meta_inferences.get(
                    component, _default_inference(component, fit, reason)
                ),
            )
        )
    return JointDisplay(tuple(rows))


def _survey_row(
    component: str,
    evidence: Sequence[SurveyEvidence],
    percent: float | None,
    inference: str,
) -> JointRow:
    return JointRow(
        component=component,
        surveys=tuple(evidence),
        positive_percent=percent,
        themes=(),
        positive_voices=0,
        negative_voices=0,
        proposed_fit=None,
        fit=None,
        fit_source=None,
        reason="the qualitative strand was not given",
        meta_inference=inference,
    )
