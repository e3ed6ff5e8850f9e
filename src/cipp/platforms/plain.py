"""A plain sheet or CSV file: one header row, one response per row, read as it is.

The platform of every file no other platform recognises, and ``source="plain"`` to read
a platform's export as it is (headers and rows unchanged).
"""

from __future__ import annotations

from cipp.model.table import RawTable
from cipp.platforms.registry import Platform, TablePlatform


def _any_table(table: RawTable) -> bool:
    return True


PLATFORM: Platform = TablePlatform(name="plain", title="plain table", looks_like=_any_table)
