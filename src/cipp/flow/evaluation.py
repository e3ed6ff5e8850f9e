"""The whole mixed-methods evaluation: surveys, focus groups, and the joint display.

``evaluate()`` analyses each survey file (as ``cipp analyze`` does), the coded
focus-group segments (as ``cipp qual themes`` does: :mod:`cipp.flow.qualitative`) and
their inter-coder agreement, and sets both strands side by side per CIPP component.
Orchestration only: the numbers come from cipp.flow.analysis, cipp.flow.qualitative,
cipp.flow.intercoder, cipp.flow.integration and cipp.flow.recommendations.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cipp.flow.analysis import AnalysisOptions, analyze, load_file
from cipp.flow.integration import joint_display
from cipp.flow.intercoder import analyse_agreement
from cipp.flow.qualitative import QualitativeInputs, analyse_themes
from cipp.flow.recommendations import recommend
from cipp.model.joint import Evaluation
from cipp.read.integration import load_integration


def evaluate(
    surveys: Sequence[str | Path],
    qualitative: QualitativeInputs,
    *,
    integration: str | Path | None = None,
    options: AnalysisOptions | None = None,
) -> Evaluation:
    """Analyse the surveys and the focus groups, build the joint display and trace the
    recommendations to their evidence."""
    decisions = load_integration(integration) if integration is not None else None
    results = []
    notes = []
    for path in surveys:
        loaded = load_file(path)
        if loaded.instrument_note:
            notes.append(f"{path}: {loaded.instrument_note}")
        results.append(analyze(loaded.responses, options))
    strand = analyse_themes(qualitative)
    coders = list(qualitative.coders) if qualitative.coders else None
    agreement = analyse_agreement(strand.coding, strand.codebook, coders=coders)
    themes = strand.themes
    return Evaluation(
        surveys=tuple(results),
        agreement=agreement,
        themes=themes,
        joint=joint_display(results, themes, decisions),
        pseudonyms=strand.pseudonyms,
        notes=tuple(notes),
        recommendations=recommend(results, strand, decisions),
    )
