"""Google Forms and Microsoft Forms: scaffolded instruments and their exports."""

from __future__ import annotations

import dataclasses

import pytest

from cipp.platforms import ImportOptions, detect_source, from_redcap, read_export, scaffold
from cipp.platforms.scaffolding import google_multi_options
from cipp.platforms.tables import texts
from cipp.read.instrument import load_instrument
from cipp.read.responses import load_responses
from cipp.read.tables import read_table

from ..conftest import write_xlsx
from .common import DATA, RESOURCES, assert_same_counts, msforms_rows

GOOGLE = DATA / "google_export.csv"
COMPONENTS = {
    "the_goals_of_the_program_were_clear": "context",
    "my_mentor_was_supportive": "process",
    "was_the_program_useful": "product",
    "which_resources_did_you_use": "input",
    "would_you_recommend_the_program": "product",
}
OPTIONS = ImportOptions(demographics=("gender", "age_years"), components=COMPONENTS)


def test_google_multi_select_detection():
    assert google_multi_options(["A, B", "B", "A", "C"]) == ["A", "B", "C"]
    # a single-choice question whose labels hold commas
    assert google_multi_options(["Yes, very useful", "Somewhat", "No, not at all"]) is None


def test_google_scaffold(tmp_path):
    result = scaffold(GOOGLE, OPTIONS)
    instrument, report = result.instrument, result.report
    assert detect_source(GOOGLE, read_table(GOOGLE)) == "google"
    assert instrument.source["platform"] == "google"
    goals = instrument.item("the_goals_of_the_program_were_clear")
    assert goals.text == "The goals of the program were clear."
    assert goals.scale == "agreement6"  # the bundled 6-point agreement scale, kept whole
    assert instrument.item("my_mentor_was_supportive").scale == "agreement6"
    assert instrument.scale("agreement6").collapse  # with its collapse groups
    useful = instrument.scale(instrument.item("was_the_program_useful").scale)
    # ordered by their words, from the least to the most favourable
    assert [lv.label for lv in useful.levels] == ["No, not at all", "Somewhat", "Yes, very useful"]
    assert useful.positive == "high" and useful.order is None
    assert [i.id for i in instrument.items if i.id.startswith("which_")] == [
        "which_resources_did_you_use__library",
        "which_resources_did_you_use__mentor",
        "which_resources_did_you_use__workshops",
    ]
    assert instrument.free_text == ("Any comments?",)
    assert dict(report.skipped) == {
        "Timestamp": "metadata of the export",
        "Email Address": "metadata of the export",
    }
    assert any("fit the scale 'agreement6'" in g for g in report.guessed)
    path = tmp_path / "google.yaml"
    path.write_text(result.to_yaml(), encoding="utf-8")
    assert dataclasses.replace(load_instrument(path), path=None) == instrument


def test_google_export_counts(tmp_path):
    instrument = scaffold(GOOGLE, OPTIONS).instrument
    loaded = assert_same_counts(
        GOOGLE, instrument, tmp_path, unanswered_is_missing=True, support="Slightly agree"
    )
    # "N/A" is a missing value of the agreement scale, so it counts as declared missing
    assert loaded.declared_missing["the_goals_of_the_program_were_clear"] == 1
    # ... but the free-text answer "N/A" stays text
    assert list(loaded.other["Any comments?"])[2] == "N/A"


def test_joined_options_whose_labels_hold_commas(tmp_path):
    """A Google-style joined column split on the instrument's labels ("Library, online")."""
    instrument = from_redcap(
        DATA / "redcap_dictionary.csv",
        ImportOptions(
            components={"resources": "input", "recommend": "product"},
            demographics=("gender", "age"),
        ),
    ).instrument
    path = tmp_path / "joined.csv"
    path.write_text(
        "Timestamp,goals,support,useful,recommend," + f'"{RESOURCES}"\n'
        '2024,5,4,1,1,"Library, online, Mentor"\n'
        '2024,4,5,2,1,"Workshops, Library, online"\n'
        "2024,3,3,3,0,\n"
        '2024,3,3,3,0,"Mentor, Brochure"\n',
        encoding="utf-8",
    )
    table = read_export(path, instrument=instrument)
    assert table.headers[-3:] == ("resources__1", "resources__2", "resources__3")
    assert texts(table, table.headers.index("resources__1")) == ["1", "1", None, "Mentor, Brochure"]
    assert texts(table, table.headers.index("resources__2")) == ["1", "0", None, "Mentor, Brochure"]
    loaded = load_responses(table, instrument, lenient=True)
    assert loaded.codes["resources__3"].tolist()[:2] == [0, 1]
    # an unknown option is reported with its row, not silently dropped
    assert {cell.row for cell in loaded.invalid} == {5}
    assert {cell.value for cell in loaded.invalid} == {"Mentor, Brochure"}


def test_msforms(tmp_path):
    path = write_xlsx(tmp_path / "msforms.xlsx", msforms_rows())
    assert detect_source(path, read_table(path)) == "msforms"
    result = scaffold(path, ImportOptions(demographics=("gender", "age_years")))
    instrument = result.instrument
    assert instrument.source["platform"] == "msforms"
    options = [i for i in instrument.items if i.id.startswith("which_resources")]
    assert [i.text for i in options] == [
        f"{RESOURCES} [Library, online]",
        f"{RESOURCES} [Mentor]",
        f"{RESOURCES} [Workshops]",
    ]
    assert {"ID", "Start time", "Completion time", "Email", "Name"} <= {
        what for what, _ in result.report.skipped
    }
    components = {item.id: "process" for item in instrument.items}
    instrument = scaffold(
        path, ImportOptions(demographics=("gender", "age_years"), components=components)
    ).instrument
    assert_same_counts(path, instrument, tmp_path, unanswered_is_missing=True)
    # without an instrument the ';' form is split on the options seen in the file
    table = read_export(path)
    assert f"{RESOURCES} [Library, online]" in table.headers
    assert_same_counts(path, instrument, tmp_path, unanswered_is_missing=True, source="msforms")


def test_scaffold_of_a_plain_file_with_numbers(tmp_path):
    path = write_xlsx(
        tmp_path / "plain.xlsx",
        [["Rate the sessions (1-5)", "Age", "Notes"]]
        + [
            [r, a, n]
            for r, a, n in zip([5, 4, 4, 3, 5], [19, 23, 31, 22, 27], "abcde", strict=True)
        ],
    )
    result = scaffold(path)
    rating = result.instrument.item("rate_the_sessions_1_5")
    assert [lv.code for lv in result.instrument.scale(rating.scale).levels] == [1, 2, 3, 4, 5]
    assert dict(result.report.skipped)["age"].startswith("a number")
    assert result.instrument.free_text == ("Notes",)


@pytest.mark.parametrize("source", ["google", "msforms"])
def test_forced_source_that_does_not_fit(source):
    from cipp.model.errors import DataError

    with pytest.raises(DataError, match="not a"):
        read_export(DATA / "redcap_raw.csv", source=source)


# --- KoboToolbox and ODK exports scaffolded -----------------------------------------------

KOBO = DATA / "kobo_export.csv"
ODK = DATA / "odk_export.csv"
XLSFORM_COMPONENTS = {
    "context_goals": "context",
    "process_support": "process",
    "useful": "product",
    "resources": "input",
    "recommend": "product",
}
XLSFORM_OPTIONS = ImportOptions(
    demographics=("gender", "age"), components=XLSFORM_COMPONENTS, missing_codes=("99",)
)
RESOURCES_CHOSEN = {"library": 3, "mentor": 3, "workshops": 3}  # of the 5 who answered


def _analyzed(path, result):
    from cipp.flow.analysis import analyze, load_file

    return analyze(load_file(path, instrument=result.instrument).responses)


def test_kobo_scaffold_skips_submission_fields_and_reads_split_multi_selects():
    result = scaffold(KOBO, XLSFORM_OPTIONS)
    report = result.report
    skipped = dict(report.skipped)
    for meta in ("start", "end", "_id", "_uuid", "_submission_time", "_index"):
        assert skipped[meta] == "metadata of the export"
    assert skipped["resources/library"] == "an option of the multi-select 'resources'"
    assert "index" not in [item.id for item in result.instrument.items]
    assert any("from-xlsform" in note for note in report.notes)
    ids = [item.id for item in result.instrument.items]
    assert ids == [
        "context_goals",
        "process_support",
        "useful",
        "resources__library",
        "resources__mentor",
        "resources__workshops",
        "recommend",
    ]
    # 99 is a declared missing code, not the top of a 1-99 "rating"
    goals = result.instrument.scale_of(result.instrument.item("context_goals"))
    assert goals.codes == (1, 2, 3, 4, 5) and "99" in goals.missing


def test_kobo_scaffold_reads_its_own_export():
    results = _analyzed(KOBO, scaffold(KOBO, XLSFORM_OPTIONS))
    by_id = {item.id: item for item in results.items}
    for option, chosen in RESOURCES_CHOSEN.items():
        levels = {level.label: level.n for level in by_id[f"resources__{option}"].levels}
        assert levels["Selected"] == chosen
    goals = {level.code: level.n for level in by_id["context_goals"].levels}
    assert goals == {1: 0, 2: 1, 3: 0, 4: 2, 5: 2}
    assert by_id["context_goals"].n_missing == 1  # the 99


def test_odk_scaffold_skips_central_columns_and_reads_space_joined_multi_selects():
    result = scaffold(ODK, XLSFORM_OPTIONS)
    skipped = dict(result.report.skipped)
    for meta in ("SubmissionDate", "SubmitterName", "ReviewState", "DeviceID", "KEY"):
        assert skipped[meta] == "metadata of the export"
    assert "resources__library" in [item.id for item in result.instrument.items]
    results = _analyzed(ODK, result)
    by_id = {item.id: item for item in results.items}
    chosen = {
        option: {level.label: level.n for level in by_id[f"resources__{option}"].levels}["Selected"]
        for option in RESOURCES_CHOSEN
    }
    assert chosen == RESOURCES_CHOSEN


def test_a_column_with_one_answer_is_skipped(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("q1,site\nAgree,North\nDisagree,North\nAgree,North\n", encoding="utf-8")
    result = scaffold(path)
    assert dict(result.report.skipped)["site"] == "the same answer in every row ('North')"


def test_terminal_tables_print_option_brackets_as_text():
    from cipp.render.survey import survey_document
    from cipp.render.terminal import write_terminal

    text = write_terminal(survey_document(_analyzed(ODK, scaffold(ODK, XLSFORM_OPTIONS))))
    assert "resources [library]" in text and "resources [workshops]" in text


def test_scaffold_levels_ignore_case_spacing_and_missing_codes(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "Gender,Age,Q1\n"
        "Male,21,Yes\nfemale,22,No\nFemale,NA,Yes\nFemale , 23 ,No\nNA,24,Yes\n"
        "Male,,No\n Male,25,Yes\nFemale,21,Yes\n",
        encoding="utf-8",
    )
    result = scaffold(path, ImportOptions(missing_codes=("NA",), demographics=("age",)))
    gender = result.instrument.scale_of(result.instrument.item("gender"))
    assert [level.label for level in gender.levels] == ["Male", "Female"]
    assert "NA" in gender.missing
    age = next(d for d in result.instrument.demographics if d.id == "age")
    assert age.kind == "numeric"


def test_kobo_labels_and_free_text_are_not_multi_selects(tmp_path):
    path = tmp_path / "kobo_labels.csv"
    rows = [
        ("Strongly agree", "very good"),
        ("Strongly agree", "not good"),
        ("Agree", "very good program"),
        ("Agree", "good program"),
        ("Strongly disagree", "not enough time"),
        ("Strongly disagree", "not enough time"),
        ("Disagree", "very good"),
        ("Disagree", "not good"),
    ]
    lines = ["_id;_uuid;The goals were clear;comments"]
    lines += [f"{i};u{i};{goal};{comment}" for i, (goal, comment) in enumerate(rows, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = scaffold(path)
    ids = [item.id for item in result.instrument.items]
    assert ids[0] == "the_goals_were_clear"  # on a known scale
    assert not [i for i in ids if "__" in i]  # neither column read as a multi-select
