"""The focus-group strand's results: inter-coder agreement, and themes with their quotes.

Values only: :mod:`cipp.flow.intercoder` and :mod:`cipp.flow.themes` compute them,
:mod:`cipp.render.qualitative` lays them out; cipp.render.json.to_dict gives the
``agreement`` and ``themes`` sections of cipp's JSON (proportions 0-1 unrounded,
undefined values null).
"""

from __future__ import annotations

from dataclasses import dataclass

from cipp.model.coding import Codebook, Coding, FinalCoding
from cipp.model.errors import CippError
from cipp.model.instrument import COMPONENTS
from cipp.model.names import find_names, fold

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


# --- themes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A labelled, anonymised quote."""

    segment_id: str
    label: str
    text: str
    exemplar: bool


@dataclass(frozen=True)
class GroupSize:
    """A group's size in the data: distinct participants, sessions and units."""

    group: str
    participants: int
    sessions: int
    units: int


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


@dataclass(frozen=True)
class ThemeSummary:
    """A theme with its CIPP component(s), valence, kind (finding or recommendation) and
    one entry per group it occurs in."""

    theme: str
    name: str
    component: str | None
    also: tuple[str, ...]
    valence: str | None
    kind: str
    description: str
    groups: tuple[ThemeInGroup, ...]

    def in_group(self, group: str) -> ThemeInGroup | None:
        """The entry for ``group`` (None if the theme does not occur there)."""
        return next((entry for entry in self.groups if entry.group == group), None)


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


# --- anonymising ----------------------------------------------------------------------


def name_key(name: str) -> str:
    """How a pseudonym file's names are compared: folded as cipp.model.names folds text
    (case, accents, fullwidth forms, invisible characters), spacing collapsed."""
    return " ".join(fold(name).split())


@dataclass(frozen=True)
class Pseudonyms:
    """Real name -> replacement, applied where a name stands as a word of its own,
    however it is spelled (cipp.model.names: case, accents, fullwidth letters, invisible
    characters, possessives and plurals, inside identifiers), longest names first, in
    one pass (so a replacement is never replaced again).
    """

    pairs: tuple[tuple[str, str], ...]
    source: str = ""

    def apply(self, text: str) -> str:
        """``text`` with every listed name replaced (a possessive or plural after it kept)."""
        found = find_names(text, [name for name, _ in self.pairs])
        if not found:
            return text
        table = {name: replacement for name, replacement in self.pairs}
        parts: list[str] = []
        position = 0
        for item in found:
            parts.append(text[position : item.start])
            parts.append(table[item.name])
            position = item.end
        parts.append(text[position:])
        return "".join(parts)

    def survivors(self, text: str) -> list[str]:
        """The original names still present in ``text`` (as listed in the file)."""
        found = {item.name for item in find_names(text, [name for name, _ in self.pairs])}
        return [name for name, _ in self.pairs if name in found]

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
