"""The document of any result record: what each command renders."""

from __future__ import annotations

from cipp.model.errors import OutputError
from cipp.render.document import Document


def document_of(record: object, *, decimals: int = 1) -> Document:
    """The document of any result record: an analysis, a batch, an evaluation, inter-coder
    agreement, themes, or a theme analysis (what each command renders). A theme analysis
    carries its pseudonyms, so its document refuses to be written with a real name in it."""
    from dataclasses import replace

    from cipp.model.joint import Evaluation
    from cipp.model.paired import Comparison
    from cipp.model.qualitative import AgreementResults, ThemeAnalysis, ThemeResults
    from cipp.model.results import Results
    from cipp.model.trends import BatchResults

    if isinstance(record, Comparison):
        from cipp.render.compare import comparison_document

        return comparison_document(record, decimals=decimals)
    if isinstance(record, Results):
        from cipp.render.survey import survey_document

        return survey_document(record, decimals=decimals)
    if isinstance(record, BatchResults):
        from cipp.render.trends import trends_document

        return trends_document(record, decimals=decimals)
    if isinstance(record, Evaluation):
        from cipp.render.report import report_document

        return report_document(record, decimals=decimals)
    if isinstance(record, AgreementResults):
        from cipp.render.qualitative import agreement_document

        return agreement_document(record)
    if isinstance(record, ThemeAnalysis):
        from cipp.render.qualitative import themes_document

        return replace(themes_document(record.themes), names=record.pseudonyms)
    if isinstance(record, ThemeResults):
        from cipp.render.qualitative import themes_document

        return themes_document(record)
    raise OutputError(f"no document for a {type(record).__name__}")
