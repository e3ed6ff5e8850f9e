"""The joint display and the whole evaluation: both strands side by side (cipp report)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cipp.model.coding import FINDING
from cipp.model.qualitative import AgreementResults, Pseudonyms, ThemeResults
from cipp.model.results import AssociationTest, Results

#: How the two strands of a CIPP component fit together.
FITS = ("confirmation", "expansion", "discordance")


@dataclass(frozen=True)
class SurveyEvidence:
    """One survey's result for one component."""

    instrument: str
    title: str
    n_respondents: int
    items: tuple[tuple[str, str, float], ...]  # (item id, text, % positive)
    positive_percent: float
    n_answers: int
    significant: tuple[AssociationTest, ...]  # tests significant after adjustment


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
    """One CIPP component: both strands, how they fit, and what that means."""

    component: str
    surveys: tuple[SurveyEvidence, ...]
    positive_percent: float | None
    themes: tuple[ThemeEvidence, ...]
    positive_voices: int
    negative_voices: int
    proposed_fit: str
    fit: str
    fit_source: str  # "proposed" | "set"
    reason: str
    meta_inference: str


@dataclass(frozen=True)
class JointDisplay:
    """The joint display: one row per CIPP component."""

    rows: tuple[JointRow, ...]


@dataclass(frozen=True)
class Integration:
    """The researcher's decisions: a fit and a meta-inference per component (both optional)."""

    fits: Mapping[str, str]
    meta_inferences: Mapping[str, str]


@dataclass(frozen=True)
class Evaluation:
    """Everything ``cipp report`` shows."""

    surveys: tuple[Results, ...]
    agreement: AgreementResults
    themes: ThemeResults
    joint: JointDisplay
    #: The names to replace in quotes, to check outputs for real names (None: none given).
    pseudonyms: Pseudonyms | None = None
    notes: tuple[str, ...] = ()
