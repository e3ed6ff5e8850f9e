"""The qualitative strand: codebook, coded segments, inter-coder agreement and themes.

The public API is imported lazily (``from cipp.qualitative import analyse_agreement``)
so that importing the package, as ``cipp --help`` does, costs nothing.

Flow: :func:`load_codebook` -> :func:`read_segments` (CSV, xlsx, .qdpx) -> ``Coding`` ->
:func:`analyse_agreement` (``AgreementResults``) and :func:`final_coding` (with an
``Adjudication`` from :func:`read_adjudication`) -> :func:`summarize_themes`
(``ThemeResults``). Both results have ``to_dict()``: the ``agreement`` and ``themes``
sections of cipp's JSON.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "COMPONENTS": "codebook",
    "VALENCES": "codebook",
    "Code": "codebook",
    "Codebook": "codebook",
    "Theme": "codebook",
    "load_codebook": "codebook",
    "validate_codebook": "codebook",
    "codebook_to_yaml": "codebook",
    "Coding": "segments",
    "Unit": "segments",
    "Application": "segments",
    "read_segments": "segments",
    "read_qdc": "refi",
    "read_qdpx_rows": "refi",
    "Adjudication": "adjudication",
    "Disagreement": "adjudication",
    "FinalCoding": "adjudication",
    "find_disagreements": "adjudication",
    "disagreements_csv": "adjudication",
    "read_adjudication": "adjudication",
    "final_coding": "adjudication",
    "Pseudonyms": "anonymise",
    "load_pseudonyms": "anonymise",
    "quote_label": "anonymise",
    "DEFAULT_LABEL": "anonymise",
    "AgreementResults": "intercoder",
    "CodeAgreement": "intercoder",
    "analyse_agreement": "intercoder",
    "ThemeResults": "themes",
    "ThemeSummary": "themes",
    "ThemeInGroup": "themes",
    "CodeCount": "themes",
    "Quote": "themes",
    "GroupSize": "themes",
    "summarize_themes": "themes",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cipp.qualitative' has no attribute '{name}'")
    return getattr(importlib.import_module(f"cipp.qualitative.{module}"), name)
