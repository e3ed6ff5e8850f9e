"""SPSS/Stata: export written by cipp read back by pyreadstat; metadata import; responses."""

from __future__ import annotations

import dataclasses
import sys

import pytest

from cipp.model.errors import CippError
from cipp.platforms import ImportOptions, from_spss, read_export
from cipp.platforms.spss_writer import build_export, write_export
from cipp.platforms.tables import texts
from cipp.read.instrument import load_instrument, resolve_instrument
from cipp.read.responses import load_responses
from cipp.read.tables import read_table

from ..conftest import write_xlsx

pyreadstat = pytest.importorskip("pyreadstat")

AGREE = ["Strongly disagree", "Disagree", "Slightly disagree", "Slightly agree", "Agree"]


@pytest.fixture(scope="module")
def mentee():
    return resolve_instrument("mentee")


@pytest.fixture(scope="module")
def responses_file(mentee, tmp_path_factory):
    """Five mentees; "N/A" and "99" are declared missing, blank is blank."""
    items = [item.id for item in mentee.items]
    header = items + ["age", "gender", "year_of_study", "academic_year", "comments"]
    rows: list[list[object]] = [header]
    for r in range(5):
        answers: list[object] = [AGREE[(r + j) % 5] for j in range(len(items))]
        rows.append([*answers, 19 + r, ["Female", "Male"][r % 2], f"Year {r + 1}", 2023, "ok"])
    rows[1][0] = "N/A"
    rows[2][0] = 99
    rows[3][1] = None
    rows[4][2] = "Strongly agree"
    return write_xlsx(tmp_path_factory.mktemp("spss") / "mentees.xlsx", rows)


@pytest.fixture(scope="module")
def written(mentee, responses_file, tmp_path_factory):
    table = read_table(responses_file)
    loaded = load_responses(table, mentee)
    out = tmp_path_factory.mktemp("out") / "mentees.sav"
    data = build_export(loaded, table)
    write_export(data, out, stata=False)
    return loaded, out


def test_sav_read_back_by_pyreadstat(mentee, written):
    loaded, out = written
    frame, meta = pyreadstat.read_sav(str(out), user_missing=True)
    first = mentee.items[0]
    assert meta.column_names[: len(mentee.items)] == [item.id for item in mentee.items]
    assert meta.column_labels[0] == first.text
    # codes: the loaded codes, with the declared-missing cells kept as user-missing 99
    assert frame[first.id].tolist()[:3] == [99.0, 99.0, 3.0]
    assert frame["goals_clear"].isna().tolist()[2] is True
    for item in mentee.items:
        codes = loaded.codes[item.id].astype("float64").tolist()
        written_codes = [None if v != v or v == 99 else v for v in frame[item.id].tolist()]
        assert written_codes == [None if c != c else c for c in codes]
    labels = meta.variable_value_labels[first.id]
    assert {int(k): v for k, v in labels.items()} == {
        **{level.code: level.label for level in mentee.scale("agreement6").levels},
        99: "N/A",
    }
    assert meta.missing_ranges[first.id] == [{"lo": 99.0, "hi": 99.0}]
    assert meta.variable_measure[first.id] == "ordinal"
    assert meta.variable_measure["age"] == "scale"
    assert meta.variable_measure["year_of_study"] == "ordinal"
    assert frame["gender"].tolist() == [1.0, 2.0, 1.0, 2.0, 1.0]
    assert frame["academic_year"].tolist() == [2023.0] * 5
    assert meta.variable_value_labels["academic_year"] == {2023.0: "2023", 2024.0: "2024"}


def test_instrument_imported_from_the_sav_equals_the_original(mentee, written):
    _, out = written
    components = {item.id: item.component for item in mentee.items}
    demographics = tuple(d.id for d in mentee.demographics)
    result = from_spss(out, ImportOptions(components=components, demographics=demographics))
    back = result.instrument
    assert [i.id for i in back.items] == [i.id for i in mentee.items]
    for original, imported in zip(mentee.items, back.items, strict=True):
        assert (imported.text, imported.component, imported.source_id) == (
            original.text,
            original.component,
            original.id,
        )
        a, b = mentee.scale_of(original), back.scale_of(imported)
        assert [(lv.code, lv.label) for lv in a.levels] == [(lv.code, lv.label) for lv in b.levels]
        assert (a.kind, a.positive) == (b.kind, b.positive)
        assert [m for m in a.missing if m.isdigit()] == [m for m in b.missing if m.isdigit()]
    for original, imported in zip(mentee.demographics, back.demographics, strict=True):
        assert (original.id, original.label, original.kind) == (
            imported.id,
            imported.label,
            imported.kind,
        )
        assert [(lv.code, lv.label) for lv in original.levels] == [
            (lv.code, lv.label) for lv in imported.levels
        ]
    assert back.free_text == ()  # "comments" was not a free-text question of mentee
    assert result.report.needs_component == ()


def test_sav_responses_give_the_same_counts(mentee, written, tmp_path):
    loaded, out = written
    table = read_export(out)
    assert table.rows.tolist() == [1, 2, 3, 4, 5]
    assert texts(table, 0)[:3] == ["99", "99", "3"]
    again = load_responses(table, mentee)
    for item in mentee.items:
        assert again.codes[item.id].tolist() == loaded.codes[item.id].tolist()
    assert again.declared_missing[mentee.items[0].id] == 2


def test_dta_export(mentee, responses_file, tmp_path):
    table = read_table(responses_file)
    loaded = load_responses(table, mentee)
    out = tmp_path / "mentees.dta"
    write_export(build_export(loaded, table, stata=True), out, stata=True)
    frame, meta = pyreadstat.read_dta(str(out), user_missing=True)
    first = mentee.items[0].id
    assert frame[first].tolist()[:3] == ["a", "a", 3]  # Stata's extended missing .a
    assert meta.missing_user_values[first] == ["a"]
    assert meta.variable_value_labels[first]["a"] == "N/A"
    back = from_spss(out, ImportOptions(components={i.id: "process" for i in mentee.items}))
    assert back.instrument.scale_of(back.instrument.items[0]).missing == (".a", "N/A")
    again = load_responses(read_export(out), back.instrument)
    assert again.codes[first].tolist() == loaded.codes[first].tolist()


def test_metadata_import_of_a_hand_written_sav(tmp_path):
    import pandas as pd

    frame = pd.DataFrame(
        {
            "q1": [1.0, 2.0, 8.0, 9.0],
            "q2": [1.0, 0.0, 1.0, float("nan")],
            "score": [10.5, 11.0, 12.0, 13.0],
            "note": ["a", "b, c", "", "d"],
            "visit": pd.to_datetime(["2024-01-01"] * 4),
        }
    )
    path = tmp_path / "hand.sav"
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"q1": "How useful, overall?", "q2": "Attended?"},
        variable_value_labels={
            "q1": {1: "Useful", 2: "Not useful", 8: "Don't know", 9: "Refused"},
            "q2": {1: "Yes", 0: "No"},
        },
        missing_ranges={"q1": [{"lo": 8, "hi": 9}]},
    )
    result = from_spss(path, ImportOptions(demographics=("score",)))
    instrument = result.instrument
    q1 = instrument.scale_of(instrument.item("q1"))
    assert [(lv.code, lv.label) for lv in q1.levels] == [(1, "Useful"), (2, "Not useful")]
    assert q1.missing == ("8", "Don't know", "9", "Refused")  # the user-missing range
    assert instrument.item("q1").text == "How useful, overall?"
    assert instrument.item("q2").text == "Attended?"
    assert instrument.free_text == ("note",)
    assert instrument.demographic("score").kind == "numeric"
    assert dict(result.report.skipped)["visit"].startswith("a date")
    assert result.report.needs_component == ("q1", "q2")
    fixed = from_spss(
        path, ImportOptions(demographics=("score",), components={"q1": "product", "q2": "input"})
    )
    yaml_path = tmp_path / "hand.yaml"
    yaml_path.write_text(fixed.to_yaml(), encoding="utf-8")
    assert dataclasses.replace(load_instrument(yaml_path), path=None) == fixed.instrument


def test_without_pyreadstat_the_error_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    path = tmp_path / "x.sav"
    path.write_bytes(b"not really")
    with pytest.raises(CippError, match=r"pip install 'cipp\[spss\]'"):
        from_spss(path)
    with pytest.raises(CippError, match=r"pip install 'cipp\[spss\]'"):
        read_export(path)


def test_not_an_spss_file(tmp_path):
    path = tmp_path / "x.sav"
    path.write_bytes(b"not really")
    with pytest.raises(CippError, match="not a readable SPSS/Stata file"):
        from_spss(path)
    with pytest.raises(CippError, match="file not found"):
        from_spss(tmp_path / "none.sav")


def test_bundled_yaml_loads(mentee):
    assert load_instrument(mentee.path).id == "mentee"


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_an_export_reads_back_with_the_instrument_it_was_made_with(tmp_path, suffix):
    """The file's own missing values (a user-missing 99 cipp chose for "N/A", Stata's .a)
    are missing on the way back, though the instrument only declares "N/A"."""
    from openpyxl import load_workbook

    from ..conftest import DATA

    mentor = resolve_instrument("mentor")
    workbook = load_workbook(DATA / "mentors.xlsx")
    sheet = workbook.active
    column = [c.value for c in sheet[1]].index("How would you rate the mentorship program?")
    sheet.cell(row=2, column=column + 1).value = "N/A"
    source = tmp_path / "mentors.xlsx"
    workbook.save(source)
    table = read_table(source)
    loaded = load_responses(table, mentor)
    out = tmp_path / f"mentors{suffix}"
    stata = suffix == ".dta"
    write_export(build_export(loaded, table, stata=stata), out, stata=stata)
    again = load_responses(read_export(out), mentor)
    for item in mentor.items:
        assert again.codes[item.id].tolist() == loaded.codes[item.id].tolist()
    assert again.declared_missing["program_rating"] == 1


@pytest.mark.parametrize("suffix", [".sav", ".dta"])
def test_demographics_keep_their_declared_missing_values(tmp_path, suffix):
    import yaml
    from openpyxl import load_workbook

    from cipp.read.instrument import bundled_paths, instrument_from_dict

    from ..conftest import DATA

    path = bundled_paths()["mentor"]
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for demographic in document["demographics"]:
        if demographic["id"] == "gender":
            demographic["missing"] = ["Prefer not to say"]
        if demographic["id"] == "age":
            demographic["missing"] = ["NA"]
    mentor = instrument_from_dict(document, source="test")
    workbook = load_workbook(DATA / "mentors.xlsx")
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("Gender") + 1).value = "Prefer not to say"
    sheet.cell(row=3, column=headers.index("Age") + 1).value = "NA"
    source = tmp_path / "mentors.xlsx"
    workbook.save(source)
    table = read_table(source)
    loaded = load_responses(table, mentor)
    out = tmp_path / f"mentors{suffix}"
    stata = suffix == ".dta"
    write_export(build_export(loaded, table, stata=stata), out, stata=stata)
    if stata:
        frame, meta = pyreadstat.read_dta(str(out), user_missing=True)
        assert frame["gender"].tolist()[0] == "a" and frame["age"].tolist()[1] == "a"
    else:
        frame, meta = pyreadstat.read_sav(str(out), user_missing=True)
        assert frame["gender"].tolist()[0] == 99
        assert frame["age"].tolist()[1] == meta.missing_ranges["age"][0]["lo"] == 99
        assert meta.missing_ranges["gender"] == [{"lo": 99.0, "hi": 99.0}]
        assert meta.variable_value_labels["gender"][99] == "Prefer not to say"
    again = load_responses(read_export(out), mentor)
    assert again.declared_missing["gender"] == 1 and again.declared_missing["age"] == 1
    for column in ("gender", "age"):
        assert (
            again.demographics[column].isna().tolist()
            == loaded.demographics[column].isna().tolist()
        )


def test_a_labelled_stata_missing_value_no_case_holds_is_still_missing(tmp_path):
    from ..conftest import DATA

    mentee = resolve_instrument("mentee")
    table = read_table(DATA / "mentees.xlsx")
    loaded = load_responses(table, mentee)
    out = tmp_path / "mentees.dta"
    write_export(build_export(loaded, table, stata=True), out, stata=True)
    back = from_spss(out, ImportOptions(components={i.id: "process" for i in mentee.items}))
    for item in back.instrument.items:
        if item.id not in {i.id for i in mentee.items}:
            continue  # the demographics, exported without missing values
        scale = back.instrument.scale_of(item)
        assert all(not level.label.startswith(("N/A", "Missing")) for level in scale.levels)
        assert ".a" in scale.missing
    assert not [g for g in back.report.guessed if "not whole numbers" in g]
