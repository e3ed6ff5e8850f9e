"""The whole mixed-methods evaluation: surveys, focus groups, and the joint display.

``evaluate()`` analyses each survey file (as ``cipp analyze`` does), the coded
focus-group segments (as ``cipp qual themes`` does: :mod:`cipp.flow.qualitative`) and
their inter-coder agreement, and sets both strands side by side per CIPP component.
Orchestration only: the numbers come from cipp.flow.analysis, cipp.flow.qualitative,
cipp.flow.intercoder, cipp.flow.integration and cipp.flow.recommendations.

Without focus groups (``qualitative`` None) the evaluation has the survey strand only:
its agreement and themes are empty, the joint display has no fits and there are no
recommendations (they come from the focus groups' themes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from cipp.flow.analysis import AnalysisOptions, analyze, load_file
from cipp.flow.integration import joint_display
from cipp.flow.intercoder import analyse_agreement
from cipp.flow.qualitative import QualitativeInputs, analyse_themes
from cipp.flow.recommendations import recommend
from cipp.model.errors import CippError, option
from cipp.model.joint import Evaluation
from cipp.model.qualitative import AgreementResults, CodeAgreement, ThemeResults
from cipp.model.results import Results
from cipp.read.integration import load_integration

#: Why an evaluation without focus groups has no agreement and no themes.
NO_QUALITATIVE = "The qualitative strand (coded focus-group segments) was not given."


def no_agreement() -> AgreementResults:
    """The agreement of an evaluation without focus groups: no coders, no units."""
    nan = math.nan
    pooled = CodeAgreement("pooled", "Pooled", "", 0, (), nan, nan, nan, nan, nan, 0, "", "")
    return AgreementResults((), 0, 0, (), pooled, 0, "", notes=(NO_QUALITATIVE,))


def no_themes() -> ThemeResults:
    """The themes of an evaluation without focus groups: no groups, no themes."""
    return ThemeResults((), (), 0, "", notes=(NO_QUALITATIVE,))


def _surveys(
    surveys: Sequence[str | Path], options: AnalysisOptions | None
) -> tuple[list[Results], list[str]]:
    results = []
    notes = []
    for path in surveys:
        loaded = load_file(path)
        if loaded.instrument_note:
            notes.append(f"{path}: {loaded.instrument_note}")
        results.append(analyze(loaded.responses, options))
    return results, notes


def evaluate(
    surveys: Sequence[str | Path],
    qualitative: QualitativeInputs | None,
    *,
    integration: str | Path | None = None,
    options: AnalysisOptions | None = None,
) -> Evaluation:
    """Analyse the surveys and the focus groups, build the joint display and trace the
    recommendations to their evidence; ``qualitative`` None: the surveys only."""
    if qualitative is None and integration is not None:
        raise CippError(
            f"{option('integration')} sets fits and recommendations between the two "
            "strands: it needs the focus groups too"
        )
    decisions = load_integration(integration) if integration is not None else None
    results, notes = _surveys(surveys, options)
    if qualitative is None:
        return Evaluation(
            surveys=tuple(results),
            agreement=no_agreement(),
            themes=no_themes(),
            joint=joint_display(results, None),
            notes=tuple(notes),
            qualitative=False,
        )
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
