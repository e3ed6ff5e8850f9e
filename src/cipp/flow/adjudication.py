"""Disagreements between two coders, their adjudication, and the final coding.

cipp writes every disagreement (a unit both coders read, a code only one applied) to a
CSV with the columns ``segment_id, code, coder_a, coder_b, decision, adjudicator, note``
(plus ``text``, the unit's words, for the adjudicator to read). ``coder_a`` and
``coder_b`` say who the coder is and whether they applied the code (``Asha: yes``). The
adjudicator fills ``decision`` with ``include`` or ``exclude``; cipp reads it back
(:mod:`cipp.read.adjudication`; the sheet is written by :mod:`cipp.render.qualitative`).

Final coding = the codes both coders applied, plus adjudicated includes. A disagreement
without a decision is left out of the final coding *and listed as a warning*, never
dropped silently. Units only one coder read keep that coder's codes (with a note).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cipp.model.coding import Adjudication, Codebook, Coding, Disagreement, FinalCoding
from cipp.model.errors import DataError, option

LISTED_WITHOUT_FILE = 10  # undecided rows listed when no adjudication file was given


def choose_coders(
    coding: Coding, coders: Sequence[str] | None, *, needed: int = 2
) -> tuple[str, ...]:
    """The coders to compare: the given ones (checked), else all when there are two."""
    if coders:
        chosen = tuple(dict.fromkeys(name.strip() for name in coders if name.strip()))
        unknown = [name for name in chosen if name not in coding.coders]
        if unknown:
            raise DataError(
                f"coder(s) {', '.join(unknown)} not found in the segments; coders are: "
                f"{', '.join(coding.coders)}"
            )
        if len(chosen) < needed:
            raise DataError(f"give at least {needed} coders, not {len(chosen)}")
        return chosen
    if len(coding.coders) < needed:
        found = ", ".join(coding.coders) or "none"
        raise DataError(f"agreement needs at least {needed} coders; the segments have: {found}")
    return coding.coders


def _code_order(codebook: Codebook | None) -> dict[str, int]:
    return {} if codebook is None else {code.id: i for i, code in enumerate(codebook.codes)}


def find_disagreements(
    coding: Coding, coders: Sequence[str], *, codebook: Codebook | None = None
) -> tuple[Disagreement, ...]:
    """Every (unit, code) that exactly one of the two coders applied, in unit order."""
    if len(coders) != 2:
        raise DataError(f"disagreements are listed for two coders, not {len(coders)}")
    first, second = coders
    by_first, by_second = coding.coded_by(first), coding.coded_by(second)
    order = _code_order(codebook)
    found: list[Disagreement] = []
    for unit in coding.units:
        if unit.segment_id not in by_first or unit.segment_id not in by_second:
            continue
        codes_a, codes_b = by_first[unit.segment_id], by_second[unit.segment_id]
        for code in sorted(codes_a ^ codes_b, key=lambda c: (order.get(c, len(order)), c)):
            found.append(
                Disagreement(
                    segment_id=unit.segment_id,
                    code=code,
                    coder_a=first,
                    coder_b=second,
                    applied_a=code in codes_a,
                    applied_b=code in codes_b,
                    text=unit.text,
                )
            )
    return tuple(found)


def apply_decisions(
    disagreements: Sequence[Disagreement], adjudication: Adjudication | None
) -> tuple[Disagreement, ...]:
    """The disagreements with the decisions (and adjudicator, note) of an adjudication."""
    if adjudication is None:
        return tuple(disagreements)
    result = []
    for item in disagreements:
        found = adjudication.decisions.get((item.segment_id, item.code))
        if found is not None:
            item = replace(item, decision=found[0], adjudicator=found[1], note=found[2])
        result.append(item)
    return tuple(result)


def final_coding(
    coding: Coding,
    *,
    coders: Sequence[str] | None = None,
    adjudication: Adjudication | None = None,
    codebook: Codebook | None = None,
) -> FinalCoding:
    """Codes both coders applied plus adjudicated includes; undecided ones are warned about.

    With one coder in the data (or ``coders`` naming one) that coder's coding is final.
    More than two coders must be narrowed down to two with ``coders``.
    """
    if coders:
        chosen = choose_coders(coding, coders, needed=1)
    elif len(coding.coders) <= 2:
        chosen = coding.coders
    else:
        raise DataError(
            f"the segments have {len(coding.coders)} coders ({', '.join(coding.coders)}); "
            f"choose the two whose coding is adjudicated with {option('coders')}"
        )
    if len(chosen) > 2:
        raise DataError(f"the final coding is built from two coders, not {len(chosen)}")
    by_coder = {coder: coding.coded_by(coder) for coder in chosen}
    warnings: list[str] = []
    notes: list[str] = list(coding.notes)
    disagreements: tuple[Disagreement, ...] = ()
    if len(chosen) == 2:
        disagreements = apply_decisions(
            find_disagreements(coding, chosen, codebook=codebook), adjudication
        )
    decided = {(d.segment_id, d.code): d.decision for d in disagreements}
    undecided = tuple(d for d in disagreements if d.decision is None)
    final: dict[str, frozenset[str]] = {}
    single = 0
    for unit in coding.units:
        seen = [
            by_coder[coder][unit.segment_id]
            for coder in chosen
            if unit.segment_id in by_coder[coder]
        ]
        if not seen:
            continue
        if len(seen) == 1:
            single += len(chosen) == 2
            final[unit.segment_id] = seen[0]
            continue
        both = seen[0] & seen[1]
        included = {
            code for code in seen[0] ^ seen[1] if decided.get((unit.segment_id, code)) == "include"
        }
        final[unit.segment_id] = frozenset(both | included)
    if single:
        notes.append(f"{single} units were read by one coder only; that coder's codes are used")
    if undecided:
        where = f" in {adjudication.source}" if adjudication is not None else ""
        given = f" (no {option('adjudication')} file was given)"
        action = "" if adjudication is not None else given
        warnings.append(
            f"{len(undecided)} of {len(disagreements)} disagreements are undecided{where}"
            f"{action} and left out of the final coding until decided:"
        )
        listed = undecided if adjudication is not None else undecided[:LISTED_WITHOUT_FILE]
        warnings.extend(f"undecided: {item.describe()}" for item in listed)
        if len(listed) < len(undecided):
            warnings.append(f"undecided: and {len(undecided) - len(listed)} more")
    if adjudication is not None:
        current = {(d.segment_id, d.code) for d in disagreements}
        stale = [key for key in adjudication.decisions if key not in current]
        if stale:
            shown = ", ".join(f"{seg}/{code}" for seg, code in stale[:5])
            more = f" and {len(stale) - 5} more" if len(stale) > 5 else ""
            warnings.append(
                f"{len(stale)} rows of {adjudication.source} are not disagreements of "
                f"{' and '.join(chosen)} and were ignored: {shown}{more}"
            )
    units = tuple(unit for unit in coding.units if unit.segment_id in final)
    exemplars = frozenset(
        (row.segment_id, row.code)
        for row in coding.applications
        if row.exemplar
        and row.code is not None
        and row.coder in chosen
        and row.code in final.get(row.segment_id, frozenset())
    )
    return FinalCoding(
        units=units,
        codes=final,
        exemplars=exemplars,
        coders=tuple(chosen),
        disagreements=disagreements,
        undecided=undecided,
        warnings=tuple(warnings),
        notes=tuple(notes),
    )
