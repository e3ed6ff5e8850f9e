"""cipp: CIPP program-evaluation surveys to the tables, tests and figures of a paper.

The public API below is imported lazily, so that ``import cipp`` (and ``cipp --help``)
stays fast; an analysis imports pandas and scipy.stats only for a step that uses them
(exact tests, workbooks, figures, the pandas views of Responses).

    import cipp
    results = cipp.analyze_file("data/mentors.xlsx")
    cipp.to_dict(results)                      # the JSON of cipp analyze --format json
    print(cipp.output(results, "markdown"))    # any format, as the command line writes it
    cipp.write(results, "mentors.docx")        # the format from the suffix
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from cipp.flow.analysis import AnalysisOptions, analyze, analyze_file, load_file
    from cipp.flow.batch import run_batch
    from cipp.flow.compare import compare_files
    from cipp.flow.evaluation import QualitativeInputs, evaluate
    from cipp.model.errors import CippError, DataError, InstrumentError, OutputError
    from cipp.model.limits import Limits, parse_limits
    from cipp.read.instrument import load_instrument, resolve_instrument
    from cipp.read.roster import load_roster
    from cipp.read.settings import reading
    from cipp.render.json import render_json, to_dict

#: Public name -> the module that defines it.
_API = {
    "AnalysisOptions": "cipp.flow.analysis",
    "analyze": "cipp.flow.analysis",
    "analyze_file": "cipp.flow.analysis",
    "load_file": "cipp.flow.analysis",
    "run_batch": "cipp.flow.batch",
    "compare_files": "cipp.flow.compare",
    "load_roster": "cipp.read.roster",
    "QualitativeInputs": "cipp.flow.evaluation",
    "evaluate": "cipp.flow.evaluation",
    "CippError": "cipp.model.errors",
    "DataError": "cipp.model.errors",
    "InstrumentError": "cipp.model.errors",
    "OutputError": "cipp.model.errors",
    "Limits": "cipp.model.limits",
    "parse_limits": "cipp.model.limits",
    "reading": "cipp.read.settings",
    "load_instrument": "cipp.read.instrument",
    "resolve_instrument": "cipp.read.instrument",
    "render_json": "cipp.render.json",
    "to_dict": "cipp.render.json",
}

__all__ = [
    "AnalysisOptions",
    "CippError",
    "DataError",
    "InstrumentError",
    "Limits",
    "OutputError",
    "QualitativeInputs",
    "__version__",
    "analyze",
    "analyze_file",
    "compare_files",
    "evaluate",
    "load_file",
    "load_instrument",
    "load_roster",
    "output",
    "parse_limits",
    "reading",
    "render_json",
    "resolve_instrument",
    "run_batch",
    "to_dict",
    "write",
]


def output(record: Any, output_format: str = "table", *, decimals: int = 1) -> str | bytes:
    """A result record (analysis, batch, evaluation, agreement, themes) in one output
    format, as the command line writes it: text, or bytes for xlsx and docx. (Not called
    ``render``: that is the name of the package cipp.render.) A document that must hide
    real names (a theme analysis, an evaluation) is refused if one survives in it."""
    from cipp.render.documents import document_of
    from cipp.render.formats import check_names
    from cipp.render.formats import render as render_document

    document = document_of(record, decimals=decimals)
    data = render_document(document, output_format)
    check_names(document, data, f"the {output_format} output")
    return data


def write(record: Any, out: Any, output_format: str | None = None, *, decimals: int = 1) -> Any:
    """Write a result record to ``out`` (format from its suffix unless given), atomically;
    returns the path written."""
    from pathlib import Path

    from cipp.render.documents import document_of
    from cipp.render.formats import format_of
    from cipp.render.formats import write as write_document

    path = Path(out)
    chosen = output_format or format_of(path)
    return write_document(document_of(record, decimals=decimals), chosen, path)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'cipp' has no attribute '{name}'")
    return getattr(import_module(module), name)
