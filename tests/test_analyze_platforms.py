"""cipp analyze reads a platform's export as it comes (issue 9, through the core CLI)."""

from __future__ import annotations

import json

import pytest

from cipp.cli import app
from tests.conftest import ROOT

PLATFORMS = ROOT / "tests" / "platforms" / "data"


@pytest.fixture
def instrument(runner, tmp_path):
    """The Qualtrics fixture's instrument, imported with a component for every item."""
    path = tmp_path / "survey.yaml"
    components = ["Q1_1=process", "Q1_2=process", "gender=context"]
    result = runner.invoke(
        app,
        [
            "instrument",
            "from-qualtrics",
            str(PLATFORMS / "qualtrics_survey.qsf"),
            *(arg for c in components for arg in ("--component", c)),
            "-o",
            str(path),
        ],
    )
    assert result.exit_code == 0, result.output
    return path


def test_qualtrics_export_through_analyze(runner, instrument):
    assert runner.invoke(app, ["validate", str(instrument)]).exit_code == 0
    everyone = runner.invoke(
        app,
        [
            "analyze",
            str(PLATFORMS / "qualtrics_export.csv"),
            "-i",
            str(instrument),
            "--no-tests",
            "-f",
            "json",
        ],
    )
    finished = runner.invoke(
        app,
        [
            "analyze",
            str(PLATFORMS / "qualtrics_export.csv"),
            "-i",
            str(instrument),
            "--no-tests",
            "-f",
            "json",
            "--complete-only",
            "--source",
            "qualtrics",
        ],
    )
    assert everyone.exit_code == 0 and finished.exit_code == 0, finished.output
    assert (
        json.loads(finished.stdout)["n_respondents"] < json.loads(everyone.stdout)["n_respondents"]
    )
    items = {i["id"]: i for i in json.loads(finished.stdout)["items"]}
    assert items["Q3__1"]["kind"] == "binary"  # a multi-select option
    assert sum(level["n"] for level in items["Q1_1"]["levels"]) == items["Q1_1"]["n_valid"]


def test_complete_only_refuses_a_plain_file(runner):
    result = runner.invoke(app, ["analyze", str(ROOT / "data" / "mentors.xlsx"), "--complete-only"])
    assert result.exit_code == 2 and "--complete-only applies to" in result.stderr


def test_batch_reads_platform_exports_the_same_way(runner, instrument):
    single = runner.invoke(
        app,
        [
            "analyze",
            str(PLATFORMS / "qualtrics_export.csv"),
            "-i",
            str(instrument),
            "--no-tests",
            "-f",
            "json",
            "--complete-only",
        ],
    )
    batch = runner.invoke(
        app,
        [
            "batch",
            str(PLATFORMS / "qualtrics_export.csv"),
            "-i",
            str(instrument),
            "--no-tests",
            "-f",
            "json",
            "--complete-only",
            "--workers",
            "1",
        ],
    )
    assert batch.exit_code == 0, batch.output
    wave = next(iter(json.loads(batch.stdout)["waves"].values()))
    assert wave["n_respondents"] == json.loads(single.stdout)["n_respondents"]
