"""Fixtures for the qualitative strand: the synthetic focus-group data in data/fgd."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FGD = Path(__file__).resolve().parents[2] / "data" / "fgd"
QUAL_DATA = Path(__file__).resolve().parents[1] / "data" / "qual"


@pytest.fixture
def fgd(tmp_path: Path) -> Path:
    """A scratch copy of data/fgd (tests may write beside the inputs)."""
    target = tmp_path / "fgd"
    shutil.copytree(FGD, target, ignore=shutil.ignore_patterns("*.py", "README.md"))
    return target


@pytest.fixture(scope="session")
def codebook():
    from cipp.read.codebook import load_codebook

    return load_codebook(FGD / "codebook.yaml")


@pytest.fixture(scope="session")
def coding(codebook):
    from cipp.read.segments import read_segments

    return read_segments(FGD / "segments.csv", codebook)
