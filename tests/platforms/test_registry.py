"""The platform registry: one list, its order, its laziness, and the messages built from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cipp.cli import app
from cipp.cli.common import SourceOption
from cipp.model.errors import DataError
from cipp.platforms import SOURCES, detect_source, read_export
from cipp.platforms.registry import _REGISTRY, Platform, detect, find, platforms

from ..conftest import DATA as EXAMPLES
from .common import DATA


def test_every_entry_loads_the_platform_it_names():
    for entry, platform in zip(_REGISTRY, platforms(), strict=True):
        assert platform.name == entry.name
        assert platform.title and isinstance(platform.metadata, frozenset)
        assert callable(platform.recognises) and callable(platform.open)
        assert callable(platform.read)


def test_sources_keep_their_listed_order_and_detection_its_own():
    assert (
        "auto",
        *("plain", "redcap", "qualtrics", "kobo", "odk", "google", "msforms", "spss"),
    ) == SOURCES
    order = [platform.name for platform in platforms()]
    assert order.index("odk") < order.index("kobo")
    assert order[0] == "spss" and order[-1] == "plain"


def test_importers_come_with_the_platforms_that_export_a_definition():
    importers = {p.name: p.importer for p in platforms() if p.importer is not None}
    assert set(importers) == {"spss", "qualtrics", "redcap", "odk", "kobo"}
    assert importers["kobo"] is importers["odk"]


def test_source_option_lists_the_registry():
    help_text = SourceOption.__metadata__[0].help
    assert help_text == (
        "Platform that wrote the export: auto, plain, redcap, qualtrics, kobo, odk, "
        "google, msforms, spss."
    )


def test_detection_goes_by_path_before_the_file_is_read():
    assert detect_source(Path("x.sav")) == "spss"
    assert detect_source(Path("x.dta")) == "spss"
    assert detect_source(Path("x.csv")) == "plain"
    platform: Platform = detect(DATA / "odk_export.csv")
    assert platform.name == "plain"  # its headers are not known yet


def test_unknown_source_names_the_parameter_and_the_choices():
    with pytest.raises(DataError) as error:
        find("surveymonkey")
    assert str(error.value) == (
        "`source=surveymonkey`: unknown platform (choose auto, plain, redcap, qualtrics, "
        "kobo, odk, google, msforms, spss)"
    )


def test_spss_refuses_sheet_and_complete_only(tmp_path):
    path = tmp_path / "x.sav"
    with pytest.raises(DataError, match=r"`sheet` applies to Excel workbooks, not SPSS/Stata"):
        read_export(path, sheet="Sheet1")
    with pytest.raises(DataError) as error:
        read_export(path, complete_only=True)
    assert str(error.value) == f"{path}: `complete_only` applies to Qualtrics and REDCap exports"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "surveymonkey"], "--source surveymonkey: unknown platform (choose auto,"),
        (["--source", "kobo"], "not a KoboToolbox export (no _uuid, _id or _submission_time "),
        (["--source", "msforms"], "Completion time); use --source auto"),
        (["--complete-only"], "--complete-only applies to Qualtrics and REDCap exports (this"),
    ],
)
def test_cli_messages_name_the_flags(runner, args, message):
    result = runner.invoke(app, ["analyze", str(EXAMPLES / "mentors.xlsx"), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_importing_the_registry_and_the_cli_stays_cheap():
    code = (
        "import sys, cipp.cli, cipp.platforms.registry; "
        "heavy = ('pandas', 'pyarrow', 'scipy', 'numpy', 'cipp.platforms.redcap', "
        "'cipp.platforms.exports'); "
        "print([name for name in heavy if name in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
