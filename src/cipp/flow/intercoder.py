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

from collections.abc import Sequence

from cipp.flow.adjudication import choose_coders
from cipp.model.coding import Codebook, Coding
from cipp.model.qualitative import AgreementResults, CodeAgreement
from cipp.stats.agreement import (
    AgreementParts,
    agreement_parts,
    coefficients,
    krippendorff_band,
    landis_koch_band,
    pooled_coefficients,
)


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
                kappa_band=landis_koch_band(values.kappa),
                alpha_band=krippendorff_band(values.alpha),
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
        kappa_band=landis_koch_band(pooled_values.kappa),
        alpha_band=krippendorff_band(pooled_values.alpha),
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
