"""cipp: CIPP program-evaluation surveys to the tables, tests and figures of a paper.

The public API below is imported lazily, so that ``import cipp`` (and ``cipp --help``)
stays fast: pandas and scipy are imported only when an analysis runs.

    import cipp
    results = cipp.analyze_file("data/mentors.xlsx")
    cipp.to_dict(results)            # the JSON document of cipp analyze --format json
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from cipp.flow.analysis import AnalysisOptions, analyze, analyze_file, load_file
    from cipp.flow.batch import run_batch
    from cipp.flow.evaluation import QualitativeInputs, evaluate
    from cipp.model.errors import CippError, DataError, InstrumentError, OutputError
    from cipp.read.instrument import load_instrument, resolve_instrument
    from cipp.render.json import render_json, to_dict

#: Public name -> the module that defines it.
_API = {
    "AnalysisOptions": "cipp.flow.analysis",
    "analyze": "cipp.flow.analysis",
    "analyze_file": "cipp.flow.analysis",
    "load_file": "cipp.flow.analysis",
    "run_batch": "cipp.flow.batch",
    "QualitativeInputs": "cipp.flow.evaluation",
    "evaluate": "cipp.flow.evaluation",
    "CippError": "cipp.model.errors",
    "DataError": "cipp.model.errors",
    "InstrumentError": "cipp.model.errors",
    "OutputError": "cipp.model.errors",
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
    "OutputError",
    "QualitativeInputs",
    "__version__",
    "analyze",
    "analyze_file",
    "evaluate",
    "load_file",
    "load_instrument",
    "render_json",
    "resolve_instrument",
    "run_batch",
    "to_dict",
]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'cipp' has no attribute '{name}'")
    return getattr(import_module(module), name)
