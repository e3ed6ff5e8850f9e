"""The joint display and the whole evaluation: both strands side by side (cipp report)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cipp.model.coding import FINDING
from cipp.model.findings import EffectSize
from cipp.model.qualitative import AgreementResults, Pseudonyms, Quote, ThemeResults
from cipp.model.results import AssociationTest, Proportion, Results

#: How the two strands of a CIPP component fit together.
FITS = ("confirmation", "expansion", "discordance")
#: Where a recommendation comes from: proposed by cipp from a codebook theme of kind
#: recommendation, or written (added or reworded) by the researcher in the integration file.
RECOMMENDATION_SOURCES = ("theme", "researcher")
FROM_THEME, FROM_RESEARCHER = RECOMMENDATION_SOURCES


@dataclass(frozen=True)
class SurveyEvidence:
    """One survey's result for one component.

    ``positive``: the pooled positive answers with their interval at the run's
    ``confidence`` (None when withheld under disclosure control); ``effects``: the
    significant tests' effect sizes, largest first.
    """

    instrument: str
    title: str
    n_respondents: int
    items: tuple[tuple[str, str, float], ...]  # (item id, text, % positive)
    positive_percent: float
    n_answers: int
    significant: tuple[AssociationTest, ...]  # tests significant after adjustment
    positive: Proportion | None = None
    confidence: float = 0.95
    effects: tuple[EffectSize, ...] = ()
    adjust: str = "bh"


@dataclass(frozen=True)
class ThemeEvidence:
    """One theme voiced by one group, with a quote."""

    theme: str
    name: str
    valence: str | None
    group: str
    participants: int
    of_participants: int
    quote: str | None
    quote_label: str | None
    kind: str = FINDING


@dataclass(frozen=True)
class JointRow:
    """One CIPP component: both strands, how they fit, and what that means.

    Without the qualitative strand (a survey-only report) ``proposed_fit``, ``fit`` and
    ``fit_source`` are None: there is nothing to fit the surveys to.
    """

    component: str
    surveys: tuple[SurveyEvidence, ...]
    positive_percent: float | None
    themes: tuple[ThemeEvidence, ...]
    positive_voices: int
    negative_voices: int
    proposed_fit: str | None
    fit: str | None
    fit_source: str | None  # "proposed" | "set"
    reason: str
    meta_inference: str


@dataclass(frozen=True)
class JointDisplay:
    """The joint display: one row per CIPP component."""

    rows: tuple[JointRow, ...]


@dataclass(frozen=True)
class WrittenRecommendation:
    """A recommendation as the researcher wrote it in the integration file.

    ``component`` None: the component of its first theme. ``themes`` empty: the theme
    its ``id`` names, if any. ``items`` empty: cipp picks the component's least positive
    items. ``where`` is its key path (``recommendations[2]``), for messages.
    """

    id: str
    text: str
    component: str | None = None
    themes: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    where: str = ""


@dataclass(frozen=True)
class Integration:
    """The researcher's decisions: a fit and a meta-inference per component (both optional),
    and recommendations added or reworded; ``source`` is the file (for messages)."""

    fits: Mapping[str, str]
    meta_inferences: Mapping[str, str]
    recommendations: tuple[WrittenRecommendation, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class GroupVoices:
    """How many participants of one focus group voiced something, of how many."""

    group: str
    participants: int
    of: int


@dataclass(frozen=True)
class WeakItem:
    """A survey item a recommendation rests on, with its % positive (0-100; NaN when the
    survey did not ask it)."""

    id: str
    text: str
    survey: str  # the instrument's id
    percent_positive: float
    positive_label: str = ""  # what counts as positive: "Agree", "No", ...


@dataclass(frozen=True)
class RelatedTheme:
    """A negative theme of the recommendation's component, with who voiced it."""

    theme: str
    name: str
    groups: tuple[GroupVoices, ...]


@dataclass(frozen=True)
class Recommendation:
    """A recommendation traced to its evidence (cipp.flow.recommendations).

    ``groups``: who raised it (participants of each focus group who voiced a code of its
    ``themes``); ``weak_items``: the survey items it rests on, least positive first;
    ``related_themes``: the negative themes of its component it answers; ``quote``: one
    anonymised quote from its themes (None when no one voiced them).
    """

    id: str
    text: str
    component: str
    source: str  # one of RECOMMENDATION_SOURCES
    themes: tuple[str, ...]
    groups: tuple[GroupVoices, ...]
    weak_items: tuple[WeakItem, ...]
    related_themes: tuple[RelatedTheme, ...]
    quote: Quote | None


@dataclass(frozen=True)
class Evaluation:
    """Everything ``cipp report`` shows.

    ``qualitative`` False: the focus groups were not given (a survey-only report); then
    ``agreement`` and ``themes`` are empty (no coders, units, groups or themes).
    """

    surveys: tuple[Results, ...]
    agreement: AgreementResults
    themes: ThemeResults
    joint: JointDisplay
    #: The names to replace in quotes, to check outputs for real names (None: none given).
    pseudonyms: Pseudonyms | None = None
    notes: tuple[str, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    qualitative: bool = True
