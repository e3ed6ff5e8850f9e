"""read_export: plain files untouched, platforms recognised, text kept, unmatched reported."""

from __future__ import annotations

import pytest

from cipp.model.errors import DataError
from cipp.platforms import (
    SOURCES,
    ImportOptions,
    check_columns,
    detect_source,
    from_redcap,
    read_export,
    unmatched_report,
)
from cipp.platforms.tables import texts
from cipp.read.instrument import resolve_instrument
from cipp.read.tables import read_table

from ..conftest import DATA as EXAMPLES
from ..conftest import write_xlsx
from .common import DATA


@pytest.mark.parametrize("path", [EXAMPLES / "mentors.xlsx", DATA / "redcap_dictionary.csv"])
def test_plain_files_come_back_as_read_table_returns_them(path):
    plain = read_table(path)
    table = read_export(path)
    assert detect_source(path, plain) == "plain"
    assert table.headers == plain.headers
    assert table.rows.tolist() == plain.rows.tolist()
    assert table.header_row == plain.header_row and table.sheet == plain.sheet
    assert [c.to_pylist() for c in table.cells] == [c.to_pylist() for c in plain.cells]
    assert read_export(path, source="plain").headers == plain.headers


def test_na_stays_text(tmp_path):
    path = tmp_path / "na.csv"
    path.write_text("q,n\nN/A,NA\nnull,None\n", encoding="utf-8")
    table = read_export(path)
    assert texts(table, 0) == ["N/A", "null"] and texts(table, 1) == ["NA", "None"]


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("redcap_raw.csv", "redcap"),
        ("redcap_labels.csv", "redcap"),
        ("redcap_longitudinal.csv", "redcap"),
        ("qualtrics_export.csv", "qualtrics"),
        ("kobo_export.csv", "kobo"),
        ("odk_export.csv", "odk"),
        ("google_export.csv", "google"),
    ],
)
def test_detect_source(name, source):
    assert detect_source(DATA / name, read_table(DATA / name)) == source


def test_bad_options():
    with pytest.raises(DataError, match="unknown platform"):
        read_export(DATA / "redcap_raw.csv", source="surveymonkey")
    with pytest.raises(DataError, match="`complete_only` applies to Qualtrics and REDCap"):
        read_export(DATA / "google_export.csv", complete_only=True)
    with pytest.raises(DataError, match="not a KoboToolbox export"):
        read_export(DATA / "google_export.csv", source="kobo")
    with pytest.raises(DataError, match="not an ODK Central export"):
        read_export(DATA / "google_export.csv", source="odk")
    assert "spss" in SOURCES and "auto" in SOURCES


def test_unmatched_report_names_columns_and_nearest_ids(tmp_path):
    mentee = resolve_instrument("mentee")
    ids = [item.id for item in mentee.items]
    headers = ["Timestamp", *ids[:-2], "mentor_acessible_x", "goal_achieved", "Other question"]
    path = write_xlsx(tmp_path / "m.xlsx", [headers, ["2024", *["Agree"] * (len(headers) - 1)]])
    table = read_export(path)
    report = unmatched_report(table, mentee)
    assert report.startswith("2 of 10 items of instrument 'mentee' have no column")
    # one per line: the items, then what the columns look like
    assert "\n  - goals_achieved ('The goals of the mentorship program were achieved.'; " in report
    assert "nearest column: 'goal_achieved')" in report
    assert "\n    - 'goal_achieved' (nearest item: goals_achieved)" in report
    assert "'Other question'" in report
    assert "Timestamp" not in report  # a platform's own column is not a question
    with pytest.raises(DataError, match="have no column"):
        check_columns(table, mentee)
    complete = read_export(EXAMPLES / "mentees.xlsx")
    assert unmatched_report(complete, mentee) == ""
    check_columns(complete, mentee)


def test_expansion_is_idempotent():
    instrument = from_redcap(
        DATA / "redcap_dictionary.csv",
        ImportOptions(
            demographics=("gender", "age"),
            components={"resources": "input", "recommend": "product"},
        ),
    ).instrument
    once = read_export(DATA / "redcap_raw.csv", instrument=instrument)
    from cipp.platforms import expand_choices

    twice = expand_choices(once, instrument)
    assert twice.headers == once.headers
    assert [c.to_pylist() for c in twice.cells] == [c.to_pylist() for c in once.cells]
