"""Survey platforms: questionnaire definitions to instruments, exports to raw tables.

One module per platform (``redcap``, ``xlsform`` with Kobo/ODK exports and ``xform``
for their XForm XML, ``spss`` with Stata, ``qualtrics``, ``forms`` for Google/Microsoft
Forms, ``plain``), each made known by one line of ``registry``; ``draft`` holds what the
importers share, ``orders`` reads which way answers run, ``scaffolding`` drafts an
instrument from responses, ``yamlio`` writes instrument YAML, ``exports`` reads any
export, ``spss_writer`` writes .sav/.dta files.
The names below are imported lazily so that ``cipp --help`` stays instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cipp.platforms.draft import ImportOptions, ImportReport, ImportResult
    from cipp.platforms.exports import (
        check_columns,
        expand_choices,
        read_export,
        unmatched_report,
    )
    from cipp.platforms.qualtrics import from_qualtrics
    from cipp.platforms.redcap import from_redcap
    from cipp.platforms.registry import SOURCES, detect_source
    from cipp.platforms.scaffolding import scaffold
    from cipp.platforms.spss import from_spss
    from cipp.platforms.xform import from_xform
    from cipp.platforms.xlsform import from_xlsform
    from cipp.platforms.yamlio import instrument_to_yaml, missing_components

_WHERE = {
    "ImportOptions": "draft",
    "ImportReport": "draft",
    "ImportResult": "draft",
    "SOURCES": "registry",
    "check_columns": "exports",
    "detect_source": "registry",
    "expand_choices": "exports",
    "read_export": "exports",
    "unmatched_report": "exports",
    "scaffold": "scaffolding",
    "from_qualtrics": "qualtrics",
    "from_redcap": "redcap",
    "from_spss": "spss",
    "from_xform": "xform",
    "from_xlsform": "xlsform",
    "instrument_to_yaml": "yamlio",
    "missing_components": "yamlio",
}

__all__ = [
    "SOURCES",
    "ImportOptions",
    "ImportReport",
    "ImportResult",
    "check_columns",
    "detect_source",
    "expand_choices",
    "from_qualtrics",
    "from_redcap",
    "from_spss",
    "from_xform",
    "from_xlsform",
    "instrument_to_yaml",
    "missing_components",
    "read_export",
    "scaffold",
    "unmatched_report",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'cipp.platforms' has no attribute '{name}'")
    return getattr(import_module(f"cipp.platforms.{module}"), name)
