"""Who did not answer: respondents against the roster, and each item's non-response."""

from __future__ import annotations

from dataclasses import dataclass

from cipp.model.tests import GoodnessOfFit


@dataclass(frozen=True)
class GroupSizes:
    """How many people were asked (the roster): in all, and/or per group (by label)."""

    total: int | None = None
    groups: tuple[tuple[str, int], ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ItemNonresponse:
    """One item: respondents asked, answers given, missing ones (blank, declared missing
    or invalid), and the declared missing values by their spelling in the file."""

    id: str
    asked: int
    answered: int
    missing: int
    declared_missing: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class GroupResponse:
    """One group: respondents, its roster size and response rate (%), items' answers."""

    group: str
    respondents: int
    roster: int | None
    response_rate: float
    items: tuple[ItemNonresponse, ...]
    #: Under disclosure control (cipp.model.findings' masks): a group whose size the
    #: demographics table masks; then every count of the group is withheld in outputs.
    masked: str = ""


@dataclass(frozen=True)
class GroupNonresponse:
    """Non-response by the groups of one grouping, with participation tested against the
    roster's sizes when the roster names these groups."""

    by: str
    label: str
    groups: tuple[GroupResponse, ...]
    fit: GoodnessOfFit | None = None


@dataclass(frozen=True)
class Nonresponse:
    """Respondents (against the roster: the response rate, %) and item non-response."""

    respondents: int
    roster: int | None
    response_rate: float
    items: tuple[ItemNonresponse, ...]
    by_group: tuple[GroupNonresponse, ...] = ()
