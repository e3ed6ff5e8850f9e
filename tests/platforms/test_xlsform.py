"""XLSForm -> instrument (groups, languages, repeats); Kobo CSV/xlsx and ODK Central exports."""

from __future__ import annotations

import dataclasses

import pytest

from cipp.model.errors import InstrumentError
from cipp.platforms import ImportOptions, detect_source, from_xlsform, read_export
from cipp.platforms.tables import texts
from cipp.read.instrument import load_instrument
from cipp.read.tables import read_table

from ..conftest import write_xlsx
from .common import (
    AGE,
    CHECKED,
    DATA,
    GENDER,
    TRUTH,
    assert_same_counts,
    write_workbook,
    xlsform_rows,
)

OPTIONS = ImportOptions(
    demographics=("gender", "age"),
    missing_codes=("99",),
    components={"useful": "product", "resources": "input", "recommend": "product"},
)


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    return write_workbook(tmp_path_factory.mktemp("xlsform") / "form.xlsx", xlsform_rows())


@pytest.fixture(scope="module")
def imported(form):
    return from_xlsform(form, OPTIONS)


@pytest.fixture(scope="module")
def instrument(imported):
    return imported.instrument


def test_import(imported):
    instrument, report = imported.instrument, imported.report
    assert instrument.id == "mentorship_pilot" and instrument.title == "Mentorship pilot"
    assert [i.id for i in instrument.items] == [
        "goals",
        "support",
        "useful",
        "resources__library",
        "resources__mentor",
        "resources__workshops",
        "recommend",
    ]
    assert instrument.item("goals").component == "context"  # group "context"
    assert instrument.item("support").component == "process"  # group "process"
    assert instrument.item("goals").source_id == "context/goals"
    assert instrument.item("goals").aliases == ("Les objectifs étaient clairs.",)
    agree = instrument.scale(instrument.item("goals").scale)
    assert agree.missing == ("99", "Not applicable")
    assert agree.levels[0].aliases == ("Pas du tout d'accord",)
    useful = instrument.scale(instrument.item("useful").scale)
    # names are not numbers: numbered 1..3 in listed order, the name kept as an alias
    # ("somewhat" spells its label already, so it is no extra alias)
    assert [(lv.code, lv.label, lv.aliases) for lv in useful.levels] == [
        (1, "Yes, very useful", ("yes_very", "Oui, très utile")),
        (2, "Somewhat", ("Un peu",)),
        (3, "No, not at all", ("no", "Non, pas du tout")),
    ]
    assert instrument.item("resources__library").text == (
        "Which resources did you use? [Library, online]"
    )
    assert instrument.item("resources__library").source_id == "resources/library"
    assert instrument.demographic("gender").levels[0].aliases == ("Femme",)
    assert instrument.free_text == ("comments",)
    skipped = dict(report.skipped)
    assert skipped["child_name"].startswith("inside a repeat")
    assert skipped["start"] == "metadata (start)"
    assert skipped["where"] == "a location"
    assert skipped["intro"] == "a note (no answer)"
    assert report.needs_component == ()


def test_yaml_round_trip(imported, tmp_path):
    path = tmp_path / "form.yaml"
    path.write_text(imported.to_yaml(), encoding="utf-8")
    assert dataclasses.replace(load_instrument(path), path=None) == imported.instrument


def test_language_choice(form):
    french = from_xlsform(form, dataclasses.replace(OPTIONS, lang="fr")).instrument
    assert french.item("goals").text == "Les objectifs étaient clairs."
    assert french.item("goals").aliases == ("The goals of the program were clear.",)
    assert from_xlsform(form, dataclasses.replace(OPTIONS, lang="Français")).instrument == french
    with pytest.raises(InstrumentError, match="no label language 'de'"):
        from_xlsform(form, dataclasses.replace(OPTIONS, lang="de"))


def test_not_an_xlsform(tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [["a", "b"], [1, 2]])
    with pytest.raises(InstrumentError, match="no 'survey' sheet"):
        from_xlsform(path)
    rows = xlsform_rows()
    rows["survey"].append(["select_one nolist", "broken", "Broken", "Cassé", None, None])
    path = write_workbook(tmp_path / "broken.xlsx", rows)
    # one bad question never stops an import: it is skipped, with the reason
    result = from_xlsform(path)
    assert dict(result.report.skipped)["broken"] == "its choice list 'nolist' is not in the form"
    assert "goals" in [item.id for item in result.instrument.items]


def test_kobo_csv(instrument, tmp_path):
    path = DATA / "kobo_export.csv"
    assert detect_source(path, read_table(path)) == "kobo"
    table = read_export(path)
    assert "goals" in table.headers and "context/goals" not in table.headers
    assert "resources__library" in table.headers  # the split column of a select_multiple
    assert_same_counts(path, instrument, tmp_path, unanswered_is_missing=True)


def _kobo_joined_rows():
    names = {"Yes, very useful": "yes_very", "Somewhat": "somewhat", "No, not at all": "no"}
    goals = [
        {"Strongly agree": 5, "Agree": 4, "Disagree": 2}.get(v or "", 99)
        for v in TRUTH["The goals of the program were clear."]
    ]
    rows: list[list[object]] = [
        [
            "start",
            "context/goals",
            "process/support",
            "useful",
            "resources",
            "recommend",
            "gender",
            "age",
            "_id",
            "_uuid",
            "_submission_time",
        ]
    ]
    support = TRUTH["My mentor was supportive."]
    for r in range(6):
        useful = TRUTH["Was the program useful?"][r]
        rows.append(
            [
                "2024-03-01",
                goals[r],
                support[r],
                names[useful] if useful else None,
                " ".join(o for o in ("library", "mentor", "workshops") if o in CHECKED[r]) or None,
                {"Yes": 1, "No": 0}[TRUTH["Would you recommend the program?"][r] or "No"],
                GENDER[r].lower(),
                AGE[r],
                r + 1,
                f"u{r}",
                "2024-03-01T10:00:00",
            ]
        )
    return rows


def test_kobo_xlsx_with_joined_select_multiple(instrument, tmp_path):
    path = write_xlsx(tmp_path / "kobo.xlsx", _kobo_joined_rows())
    assert detect_source(path, read_table(path)) == "kobo"
    assert_same_counts(path, instrument, tmp_path, unanswered_is_missing=True)
    # without the instrument the joined column is left alone (its options are unknown)
    table = read_export(path)
    assert texts(table, table.headers.index("resources"))[0] == "library mentor"


def test_odk_central_csv(instrument, tmp_path):
    path = DATA / "odk_export.csv"
    assert detect_source(path, read_table(path)) == "odk"
    table = read_export(path, instrument=instrument)
    assert "goals" in table.headers and "instanceID" in table.headers
    assert_same_counts(path, instrument, tmp_path, unanswered_is_missing=True)


def test_odk_group_paths_without_an_instrument(tmp_path):
    path = tmp_path / "odk.csv"
    path.write_text(
        "SubmissionDate,intro-q1,intro-q2,age-years,meta-instanceID,KEY\n"
        "2024,1,2,30,uuid:1,uuid:1\n",
        encoding="utf-8",
    )
    table = read_export(path)
    # a prefix heading two or more columns is a group; meta- always is
    assert table.headers == ("SubmissionDate", "q1", "q2", "age-years", "instanceID", "KEY")
