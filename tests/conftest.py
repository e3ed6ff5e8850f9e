"""Shared test helpers: paths to the example data and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_xlsx(path: Path, rows: list[list], sheet: str = "Sheet1") -> Path:
    """Write rows (the first is the header) to a one-sheet workbook."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path
