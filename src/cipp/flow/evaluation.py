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
from typing import Any

from cipp.flow.analysis import AnalysisOptions, analyze, load_file
from cipp.flow.integration import JointDisplay, joint_display, load_integration
from cipp.model.results import Results


@dataclass(frozen=True)
class Evaluation:
    """Everything ``cipp report`` shows."""

    surveys: tuple[Results, ...]
    agreement: Any  # cipp.AgreementResults
    themes: Any  # cipp.ThemeResults
    joint: JointDisplay
    pseudonyms: Any = None  # cipp.Pseudonyms, to check outputs for real names
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``cipp report --format json``."""
        return {
            "surveys": [results.to_dict() for results in self.surveys],
            "agreement": self.agreement.to_dict(),
            "themes": self.themes.to_dict(),
            "joint_display": self.joint.to_dict(),
            "notes": list(self.notes),
        }


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
    from cipp.flow.adjudication import final_coding
    from cipp.flow.intercoder import analyse_agreement
    from cipp.flow.themes import summarize_themes
    from cipp.read.adjudication import read_adjudication
    from cipp.read.codebook import load_codebook
    from cipp.read.pseudonyms import load_pseudonyms
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
