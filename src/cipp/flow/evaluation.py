"""The whole mixed-methods evaluation: surveys, focus groups, and the joint display.

``evaluate()`` analyses each survey file (as ``cipp analyze`` does), reads the coded
focus-group segments (as ``cipp qual`` does), and sets both strands side by side per
CIPP component. Orchestration only: the numbers come from cipp.flow.analysis,
cipp.read, cipp.flow and cipp.flow.integration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cipp.flow.analysis import AnalysisOptions, analyze, load_file
from cipp.flow.integration import joint_display, load_integration
from cipp.model.joint import Evaluation


@dataclass(frozen=True)
class QualitativeInputs:
    """Where the focus-group strand comes from."""

    segments: tuple[str | Path, ...]
    codebook: str | Path
    adjudication: str | Path | None = None
    pseudonyms: str | Path | None = None
    coders: tuple[str, ...] | None = None
    quotes: int = 2


def evaluate(
    surveys: Sequence[str | Path],
    qualitative: QualitativeInputs,
    *,
    integration: str | Path | None = None,
    options: AnalysisOptions | None = None,
) -> Evaluation:
    """Analyse the surveys and the focus groups and build the joint display."""
    from cipp.flow.adjudication import final_coding, read_adjudication
    from cipp.flow.anonymise import load_pseudonyms
    from cipp.flow.intercoder import analyse_agreement
    from cipp.flow.themes import summarize_themes
    from cipp.read.codebook import load_codebook
    from cipp.read.segments import read_segments

    decisions = load_integration(integration) if integration is not None else None
    results = []
    notes = []
    for path in surveys:
        loaded = load_file(path)
        if loaded.instrument_note:
            notes.append(f"{path}: {loaded.instrument_note}")
        results.append(analyze(loaded.responses, options))
    book = load_codebook(qualitative.codebook)
    coding = read_segments(list(qualitative.segments), book)
    coders = list(qualitative.coders) if qualitative.coders else None
    agreement = analyse_agreement(coding, book, coders=coders)
    adjudication = (
        read_adjudication(qualitative.adjudication)
        if qualitative.adjudication is not None
        else None
    )
    final = final_coding(coding, coders=coders, adjudication=adjudication, codebook=book)
    names = load_pseudonyms(qualitative.pseudonyms) if qualitative.pseudonyms else None
    themes = summarize_themes(final, book, quotes=qualitative.quotes, pseudonyms=names)
    return Evaluation(
        surveys=tuple(results),
        agreement=agreement,
        themes=themes,
        joint=joint_display(results, themes, decisions),
        pseudonyms=names,
        notes=tuple(notes),
    )
