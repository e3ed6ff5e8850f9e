"""cipp: CIPP program-evaluation surveys to the tables, tests and figures of a paper.

The public API is re-exported here lazily so that ``import cipp`` (and ``cipp --help``)
stays fast: pandas and scipy are imported only when an analysis runs.
"""

from __future__ import annotations

__version__ = "0.1.0"
