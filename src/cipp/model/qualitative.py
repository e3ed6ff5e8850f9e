"""The focus-group strand's results: inter-coder agreement, and themes with their quotes.

Values only: :mod:`cipp.flow.intercoder` and :mod:`cipp.flow.themes` compute them,
:mod:`cipp.render.qualitative` lays them out. ``to_dict()`` gives the ``agreement`` and
``themes`` sections of cipp's JSON (proportions 0-1 unrounded, undefined values null).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from cipp.model.coding import Codebook, Coding, FinalCoding
from cipp.model.errors import CippError
from cipp.model.instrument import COMPONENTS

#: Landis and Koch (1977) bands for kappa-like coefficients: (upper bound, name).
LANDIS_KOCH: tuple[tuple[float, str], ...] = (
    (0.0, "poor"),
    (0.20, "slight"),
    (0.40, "fair"),
    (0.60, "moderate"),
    (0.80, "substantial"),
    (1.0, "almost perfect"),
)
#: Krippendorff (2004): rely on alpha >= .800; .667 <= alpha < .800 for tentative
#: conclusions only; below .667 unreliable.
KRIPPENDORFF_RELIABLE = 0.800
KRIPPENDORFF_TENTATIVE = 0.667
#: The group of units whose group is not known.
NO_GROUP = "all"

_NUMBER_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six"}


def _plain(value: float) -> float | None:
    """A float for JSON: NaN (undefined) becomes None."""
    return None if value is None or math.isnan(value) else float(value)


def _two_decimals(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


# --- inter-coder agreement ------------------------------------------------------------


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or the pooled row, code ``pooled``).

    ``kappa_band`` is Landis and Koch's name for the kappa value, ``alpha_band``
    Krippendorff's verdict on alpha (reliable, tentative or unreliable).
    """

    code: str
    name: str
    theme: str
    units: int
    prevalence: tuple[tuple[str, float], ...]  # (coder, share of units with the code)
    percent_agreement: float
    kappa: float
    alpha: float
    ac1: float
    brennan_prediger: float
    disagreements: int
    kappa_band: str
    alpha_band: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: proportions 0-1 unrounded, undefined values as null."""
        return {
            "code": self.code,
            "name": self.name,
            "theme": self.theme,
            "units": self.units,
            "prevalence": {coder: share for coder, share in self.prevalence},
            "percent_agreement": _plain(self.percent_agreement),
            "kappa": _plain(self.kappa),
            "alpha": _plain(self.alpha),
            "ac1": _plain(self.ac1),
            "brennan_prediger": _plain(self.brennan_prediger),
            "disagreements": self.disagreements,
            "kappa_band": self.kappa_band,
            "alpha_band": self.alpha_band,
        }


@dataclass(frozen=True)
class AgreementResults:
    """Inter-coder agreement of a coding: one row per code and a pooled row."""

    coders: tuple[str, ...]
    units: int  # units read by at least two of the coders
    units_total: int
    codes: tuple[CodeAgreement, ...]
    pooled: CodeAgreement
    disagreements: int  # (unit, code) pairs the coders did not agree on
    kappa_statistic: str  # "cohen" (two coders) or "fleiss"
    notes: tuple[str, ...] = ()

    @property
    def methods(self) -> str:
        """The methods sentence for the paper (numbers to two decimals)."""
        count = _NUMBER_WORDS.get(len(self.coders), str(len(self.coders)))
        kappa = _two_decimals(self.pooled.kappa)
        alpha = _two_decimals(self.pooled.alpha)
        verb = "disagreement was" if self.disagreements == 1 else "disagreements were"
        name = "kappa" if self.kappa_statistic == "cohen" else "Fleiss' kappa"
        return (
            f"{count} coders independently coded {self.units} units; pooled {name} = {kappa}, "
            f"alpha = {alpha}; {self.disagreements} {verb} resolved by a third researcher."
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``agreement`` section of cipp's JSON."""
        return {
            "coders": list(self.coders),
            "units": self.units,
            "units_total": self.units_total,
            "kappa_statistic": self.kappa_statistic,
            "codes": [code.to_dict() for code in self.codes],
            "pooled": self.pooled.to_dict(),
            "disagreements": self.disagreements,
            "thresholds": {
                "landis_koch": [{"upper": upper, "band": band} for upper, band in LANDIS_KOCH],
                "krippendorff": {
                    "reliable": KRIPPENDORFF_RELIABLE,
                    "tentative": KRIPPENDORFF_TENTATIVE,
                },
            },
            "methods": self.methods,
            "notes": list(self.notes),
        }


# --- themes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A labelled, anonymised quote."""

    segment_id: str
    label: str
    text: str
    exemplar: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "segment_id": self.segment_id,
            "label": self.label,
            "text": self.text,
            "exemplar": self.exemplar,
        }


@dataclass(frozen=True)
class GroupSize:
    """A group's size in the data: distinct participants, sessions and units."""

    group: str
    participants: int
    sessions: int
    units: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "group": self.group,
            "participants": self.participants,
            "sessions": self.sessions,
            "units": self.units,
        }


@dataclass(frozen=True)
class CodeCount:
    """One code in one group."""

    code: str
    name: str
    valence: str | None
    segments: int
    participants: int
    sessions: int
    quotes: tuple[Quote, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "code": self.code,
            "name": self.name,
            "valence": self.valence,
            "segments": self.segments,
            "participants": self.participants,
            "sessions": self.sessions,
            "quotes": [quote.to_dict() for quote in self.quotes],
        }


@dataclass(frozen=True)
class ThemeInGroup:
    """One theme in one group: counts beside the group's size, codes and quotes."""

    group: str
    segments: int
    participants: int
    sessions: int
    of_participants: int
    of_sessions: int
    participants_by_valence: tuple[tuple[str, int], ...]
    codes: tuple[CodeCount, ...]
    quotes: tuple[Quote, ...]

    @property
    def share(self) -> float:
        """Participants with the theme as a proportion (0-1) of the group's participants."""
        return self.participants / self.of_participants if self.of_participants else float("nan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``share`` is 0-1, unrounded; null when the group size is unknown)."""
        return {
            "group": self.group,
            "segments": self.segments,
            "participants": self.participants,
            "of_participants": self.of_participants,
            "share": self.share if self.of_participants else None,
            "sessions": self.sessions,
            "of_sessions": self.of_sessions,
            "participants_by_valence": dict(self.participants_by_valence),
            "codes": [code.to_dict() for code in self.codes],
            "quotes": [quote.to_dict() for quote in self.quotes],
        }


@dataclass(frozen=True)
class ThemeSummary:
    """A theme with its CIPP component(s), valence and one entry per group it occurs in."""

    theme: str
    name: str
    component: str | None
    also: tuple[str, ...]
    valence: str | None
    description: str
    groups: tuple[ThemeInGroup, ...]

    def in_group(self, group: str) -> ThemeInGroup | None:
        """The entry for ``group`` (None if the theme does not occur there)."""
        return next((entry for entry in self.groups if entry.group == group), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "theme": self.theme,
            "name": self.name,
            "component": self.component,
            "also": list(self.also),
            "valence": self.valence,
            "description": self.description,
            "groups": [entry.to_dict() for entry in self.groups],
        }


@dataclass(frozen=True)
class ThemeResults:
    """Themes by CIPP component x group: the ``themes`` section of cipp's JSON."""

    groups: tuple[GroupSize, ...]
    themes: tuple[ThemeSummary, ...]
    quotes_per_code: int
    label_template: str
    coders: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def by_component(self) -> dict[str, list[ThemeSummary]]:
        """Component -> themes whose main component it is, in codebook order."""
        table: dict[str, list[ThemeSummary]] = {component: [] for component in COMPONENTS}
        for theme in self.themes:
            table.setdefault(theme.component or "unassigned", []).append(theme)
        return table

    def also_in(self, component: str) -> list[ThemeSummary]:
        """Themes listing ``component`` among their further (``also``) components."""
        return [theme for theme in self.themes if component in theme.also]

    def group(self, name: str) -> GroupSize | None:
        """The size of group ``name``."""
        return next((group for group in self.groups if group.group == name), None)

    def theme(self, theme_id: str) -> ThemeSummary:
        """The summary of one theme (KeyError if unknown)."""
        for theme in self.themes:
            if theme.theme == theme_id:
                return theme
        raise KeyError(theme_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: groups with their sizes, themes in codebook order, warnings, notes."""
        return {
            "groups": [group.to_dict() for group in self.groups],
            "components": list(COMPONENTS),
            "themes": [theme.to_dict() for theme in self.themes],
            "quotes_per_code": self.quotes_per_code,
            "label_template": self.label_template,
            "coders": list(self.coders),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


# --- anonymising ----------------------------------------------------------------------


def name_key(name: str) -> str:
    """How a pseudonym file's names are compared: spacing collapsed, case ignored."""
    return " ".join(name.split()).casefold()


def _names_pattern(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    parts = [r"\s+".join(re.escape(word) for word in name.split()) for name in names]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Pseudonyms:
    """Real name -> replacement, applied as whole words, longest names first.

    Names match ignoring case and with any spacing between the words of a multi-word
    name, in one pass (so a replacement is never replaced again).
    """

    pairs: tuple[tuple[str, str], ...]
    source: str = ""

    def apply(self, text: str) -> str:
        """``text`` with every listed name replaced."""
        pattern = _names_pattern([name for name, _ in self.pairs])
        if pattern is None:
            return text
        table = {name_key(name): replacement for name, replacement in self.pairs}
        return pattern.sub(lambda match: table[name_key(match.group(0))], text)

    def survivors(self, text: str) -> list[str]:
        """The original names still present in ``text`` (as listed in the file)."""
        found = []
        for name, _ in self.pairs:
            pattern = _names_pattern([name])
            if pattern is not None and pattern.search(text):
                found.append(name)
        return found

    def check(self, text: str, *, where: str) -> None:
        """Raise CippError if any original name survives in ``text``."""
        found = self.survivors(text)
        if found:
            names = ", ".join(f"'{name}'" for name in found)
            raise CippError(
                f"{where}: original name(s) {names} from {self.source or 'the pseudonym file'} "
                "survive after anonymising; check that no replacement is itself an original "
                "name and that no label field holds a name. Nothing was written"
            )


# --- the whole strand -----------------------------------------------------------------


@dataclass(frozen=True)
class ThemeAnalysis:
    """The themes of a set of segment files and what they were built from: the codebook,
    the coders' coding, the adjudicated final coding and the pseudonyms that anonymised
    the quotes (None: names printed as transcribed)."""

    codebook: Codebook
    coding: Coding
    final: FinalCoding
    themes: ThemeResults
    pseudonyms: Pseudonyms | None = None
