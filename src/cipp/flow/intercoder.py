"""Inter-coder agreement of a coding, per code and pooled.

Each code is a variable with two categories, present (1) or absent (0), in every unit a
coder read; a unit a coder has no row for is missing for that coder. Per code and pooled
over codes: units, prevalence per coder, percent agreement, Cohen's kappa (Fleiss' kappa
with more than two coders), Krippendorff's alpha, Gwet's AC1 and Brennan-Prediger, with
Landis and Koch's band and Krippendorff's .667 / .800 verdict named. Codes that no
selected coder applied are left out (with a note): every coefficient but kappa would
call them perfect agreement. The coefficients are those of
:mod:`cipp.stats.agreement`, checked there against published values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cipp.flow.adjudication import choose_coders
from cipp.read.codebook import Codebook
from cipp.read.segments import Coding
from cipp.stats.agreement import (
    KRIPPENDORFF_RELIABLE,
    KRIPPENDORFF_TENTATIVE,
    LANDIS_KOCH,
    AgreementParts,
    agreement_parts,
    coefficients,
    krippendorff_band,
    landis_koch_band,
    pooled_coefficients,
)

_NUMBER_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six"}


def plain(value: float) -> float | None:
    """A float for JSON: NaN (undefined) becomes None."""
    return None if value is None or math.isnan(value) else float(value)


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or the pooled row, code ``pooled``)."""

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

    @property
    def kappa_band(self) -> str:
        """Landis and Koch's name for the kappa value."""
        return landis_koch_band(self.kappa)

    @property
    def alpha_band(self) -> str:
        """Krippendorff's verdict on alpha: reliable, tentative or unreliable."""
        return krippendorff_band(self.alpha)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: proportions 0-1 unrounded, undefined values as null."""
        return {
            "code": self.code,
            "name": self.name,
            "theme": self.theme,
            "units": self.units,
            "prevalence": {coder: share for coder, share in self.prevalence},
            "percent_agreement": plain(self.percent_agreement),
            "kappa": plain(self.kappa),
            "alpha": plain(self.alpha),
            "ac1": plain(self.ac1),
            "brennan_prediger": plain(self.brennan_prediger),
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
        kappa = _fmt(self.pooled.kappa)
        alpha = _fmt(self.pooled.alpha)
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


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def analyse_agreement(
    coding: Coding, codebook: Codebook, *, coders: Sequence[str] | None = None
) -> AgreementResults:
    """Agreement per code on presence/absence per unit, and pooled over the codes."""
    chosen = choose_coders(coding, coders)
    coded = [coding.coded_by(coder) for coder in chosen]
    units = [unit.segment_id for unit in coding.units]
    used = coding.used_codes(chosen)
    notes = list(coding.notes)
    unused = [code.id for code in codebook.codes if code.id not in used]
    if unused:
        notes.append(
            f"{len(unused)} codebook codes were applied by none of the coders and are left "
            f"out: {', '.join(unused)}"
        )
    for coder, seen in zip(chosen, coded, strict=True):
        lacking = sum(1 for unit in units if unit not in seen)
        if lacking:
            notes.append(
                f"{coder} has no row for {lacking} of {len(units)} units; they count as "
                "missing, not as 'code absent' (give a row with an empty code for a unit "
                "read and left uncoded)"
            )
    rows: list[CodeAgreement] = []
    all_parts: list[AgreementParts] = []
    total_disagreements = 0
    prevalence_sums = dict.fromkeys(chosen, 0.0)
    for code in codebook.codes:
        if code.id not in used:
            continue
        ratings = [
            [None if unit not in seen else int(code.id in seen[unit]) for seen in coded]
            for unit in units
        ]
        parts = agreement_parts(ratings, categories=(0, 1))
        all_parts.append(parts)
        values = coefficients(parts)
        prevalence = []
        for index, coder in enumerate(chosen):
            rated = [value for row in ratings if (value := row[index]) is not None]
            share = sum(rated) / len(rated) if rated else float("nan")
            prevalence.append((coder, share))
            prevalence_sums[coder] += share
        disagreements = sum(
            1 for row in ratings if len({value for value in row if value is not None}) > 1
        )
        total_disagreements += disagreements
        rows.append(
            CodeAgreement(
                code=code.id,
                name=code.name,
                theme=code.theme,
                units=values.units,
                prevalence=tuple(prevalence),
                percent_agreement=values.percent_agreement,
                kappa=values.kappa,
                alpha=values.alpha,
                ac1=values.ac1,
                brennan_prediger=values.brennan_prediger,
                disagreements=disagreements,
            )
        )
    pooled_values = pooled_coefficients(all_parts)
    pooled = CodeAgreement(
        code="pooled",
        name="pooled",
        theme="",
        units=pooled_values.units,
        prevalence=tuple(
            (coder, prevalence_sums[coder] / len(rows) if rows else float("nan"))
            for coder in chosen
        ),
        percent_agreement=pooled_values.percent_agreement,
        kappa=pooled_values.kappa,
        alpha=pooled_values.alpha,
        ac1=pooled_values.ac1,
        brennan_prediger=pooled_values.brennan_prediger,
        disagreements=total_disagreements,
    )
    pairable = sum(1 for unit in units if sum(unit in seen for seen in coded) >= 2)
    return AgreementResults(
        coders=tuple(chosen),
        units=pairable,
        units_total=len(units),
        codes=tuple(rows),
        pooled=pooled,
        disagreements=total_disagreements,
        kappa_statistic="cohen" if len(chosen) == 2 else "fleiss",
        notes=tuple(notes),
    )
