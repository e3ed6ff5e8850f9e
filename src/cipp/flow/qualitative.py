"""The focus-group strand from its files: segments -> adjudicated final coding -> themes.

One pipeline for ``cipp qual themes`` and for ``cipp report`` (:mod:`cipp.flow.evaluation`):
read the codebook (complete: every theme with its component and valence), the pseudonyms,
the coded segments and the adjudication; build the final coding of the two coders; count
the themes by CIPP component and group, with labelled, anonymised quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cipp.flow.adjudication import final_coding
from cipp.flow.anonymise import DEFAULT_LABEL
from cipp.flow.themes import summarize_themes
from cipp.model.qualitative import ThemeAnalysis
from cipp.read.adjudication import read_adjudication
from cipp.read.codebook import load_codebook
from cipp.read.pseudonyms import load_pseudonyms
from cipp.read.segments import read_segments


@dataclass(frozen=True)
class QualitativeInputs:
    """Where the focus-group strand comes from, and how its quotes are chosen.

    ``coders``: the two coders whose coding is adjudicated (default: the data's, when
    there are at most two). ``coder_names``: the coder of each segment file without a
    coder column (Taguette), in file order. ``quotes`` per code and per theme and group,
    labelled with the ``label`` template.
    """

    segments: tuple[str | Path, ...]
    codebook: str | Path
    adjudication: str | Path | None = None
    pseudonyms: str | Path | None = None
    coders: tuple[str, ...] | None = None
    quotes: int = 2
    label: str = DEFAULT_LABEL
    coder_names: tuple[str, ...] | None = None


def analyse_themes(inputs: QualitativeInputs) -> ThemeAnalysis:
    """Themes by CIPP component and group from the files of ``inputs``, with the coding
    and final coding they were counted from (see :func:`cipp.flow.themes.summarize_themes`)."""
    codebook = load_codebook(inputs.codebook)
    names = load_pseudonyms(inputs.pseudonyms) if inputs.pseudonyms else None
    coding = read_segments(list(inputs.segments), codebook, coders=inputs.coder_names)
    decisions = read_adjudication(inputs.adjudication) if inputs.adjudication is not None else None
    final = final_coding(
        coding,
        coders=list(inputs.coders) if inputs.coders else None,
        adjudication=decisions,
        codebook=codebook,
    )
    themes = summarize_themes(
        final, codebook, quotes=inputs.quotes, label=inputs.label, pseudonyms=names
    )
    return ThemeAnalysis(
        codebook=codebook, coding=coding, final=final, themes=themes, pseudonyms=names
    )
