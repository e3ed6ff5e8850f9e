"""Qualtrics: .qsf -> instrument (matrix, -99, trash, blocks); three-header-row CSV export."""

from __future__ import annotations

import csv
import dataclasses
import json

import pytest

from cipp.model.errors import DataError, InstrumentError
from cipp.platforms import ImportOptions, detect_source, from_qualtrics, read_export
from cipp.platforms.tables import texts
from cipp.read.instrument import load_instrument
from cipp.read.responses import load_responses
from cipp.read.tables import read_table

from .common import DATA, assert_same_counts

SURVEY = DATA / "qualtrics_survey.qsf"
EXPORT = DATA / "qualtrics_export.csv"


@pytest.fixture(scope="module")
def imported():
    return from_qualtrics(SURVEY, ImportOptions(demographics=("gender", "age")))


@pytest.fixture(scope="module")
def instrument():
    components = {"Q1_1": "context", "Q1_2": "process"}
    return from_qualtrics(
        SURVEY, ImportOptions(demographics=("gender", "age"), components=components)
    ).instrument


def test_import(imported):
    instrument, report = imported.instrument, imported.report
    assert instrument.id == "mentorship_pilot" and instrument.title == "Mentorship pilot"
    assert [i.id for i in instrument.items] == [
        "Q1_1",
        "Q1_2",
        "Q2",
        "Q3__1",
        "Q3__2",
        "Q3__3",
        "Q4",
    ]
    matrix = instrument.scale(instrument.item("Q1_1").scale)
    assert [(lv.code, lv.label) for lv in matrix.levels] == [
        (1, "Strongly disagree"),
        (2, "Disagree"),
        (3, "Neutral"),
        (4, "Agree"),
        (5, "Strongly agree"),
    ]
    assert matrix.missing == ("-99", "Not applicable")  # negative recode -> missing
    assert instrument.item("Q1_2").text == "My mentor was supportive."
    assert instrument.item("Q1_2").source_id == "QID1_2"
    recommend = instrument.scale(instrument.item("Q4").scale)
    assert [(lv.code, lv.label) for lv in recommend.levels] == [(1, "Yes"), (0, "No")]
    assert instrument.item("Q3__1").aliases == ("Q3_1",)
    assert instrument.item("Q2").component == "product"  # block "Product"
    assert report.needs_component == ("Q1_1", "Q1_2")
    assert dict(report.skipped) == {
        "Q8": "descriptive text",
        "Q9": "in the Trash block",
        "Q99": "browser metadata",
    }
    assert instrument.free_text == ("gender_3_TEXT", "comments")
    assert instrument.demographic("age").kind == "numeric"


def test_yaml_round_trip(instrument, tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        from_qualtrics(
            SURVEY,
            ImportOptions(
                demographics=("gender", "age"),
                components={"Q1_1": "context", "Q1_2": "process"},
            ),
        ).to_yaml(),
        encoding="utf-8",
    )
    assert dataclasses.replace(load_instrument(path), path=None) == instrument


def test_export_with_three_header_rows(instrument, tmp_path):
    assert detect_source(EXPORT, read_table(EXPORT)) == "qualtrics"
    table = read_export(EXPORT)
    assert table.header_row == 1
    assert table.rows.tolist() == [4, 5, 6, 7, 8, 9, 10]  # as the spreadsheet numbers them
    assert "Q1_1" in table.headers
    finished = read_export(EXPORT, complete_only=True)
    assert finished.rows.tolist() == [4, 5, 6, 8, 9, 10]  # R_X (Finished = 0) dropped
    loaded = assert_same_counts(
        EXPORT, instrument, tmp_path, unanswered_is_missing=True, complete_only=True
    )
    assert loaded.declared_missing["Q1_1"] == 1  # -99


def test_multi_select_blanks_next_to_a_checked_option_become_zero(instrument):
    table = read_export(EXPORT, instrument=instrument, complete_only=True)
    assert texts(table, table.headers.index("Q3_2")) == ["1", "1", None, "0", "0", "1"]
    # without the instrument the cells stay as exported
    raw = read_export(EXPORT, complete_only=True)
    assert texts(raw, raw.headers.index("Q3_2")) == ["1", "1", None, None, None, "1"]


def test_choice_text_export(instrument, tmp_path):
    """Qualtrics' "choice text" export: labels instead of recode values."""
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    header = lines[:3]
    body = [
        'a,b,0,100,300,1,c,R_1,Strongly agree,Agree,"Yes, very useful",'
        '"Library, online",Mentor,,Yes,Female,,21,',
        "a,b,0,100,300,1,c,R_2,Not applicable,Neutral,Somewhat,,,Workshops,No,Male,,22,",
    ]
    path = tmp_path / "labels.csv"
    path.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    loaded = load_responses(read_export(path, instrument=instrument), instrument)
    assert loaded.codes["Q1_1"].isna().tolist() == [False, True]
    assert loaded.codes["Q1_1"].tolist()[0] == 5
    assert loaded.codes["Q3__1"].tolist() == [1, 0]
    assert loaded.codes["Q3__3"].tolist() == [0, 1]
    assert loaded.declared_missing["Q1_1"] == 1


def test_choice_label_ending_in_a_colon_is_labelled_without_it(instrument, tmp_path):
    gender = next(d for d in instrument.demographics if d.id == "gender")
    assert gender.levels[-1].label == "Prefer to self-describe"
    assert "Prefer to self-describe:" in gender.levels[-1].aliases
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    body = [
        "a,b,0,100,300,1,c,R_1,Agree,Agree,Somewhat,,,,Yes,Prefer to self-describe:,x,21,",
        "a,b,0,100,300,1,c,R_2,Agree,Agree,Somewhat,,,,Yes,Prefer to self-describe,,22,",
    ]
    path = tmp_path / "self-describe.csv"
    path.write_text("\n".join(lines[:3] + body) + "\n", encoding="utf-8")
    loaded = load_responses(read_export(path, instrument=instrument), instrument)
    assert loaded.demographics["gender"].tolist() == ["Prefer to self-describe"] * 2


def test_not_a_qualtrics_file(tmp_path):
    bad = tmp_path / "bad.qsf"
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(InstrumentError, match="not a Qualtrics .qsf file"):
        from_qualtrics(bad)
    bad.write_text(json.dumps({"SurveyEntry": {}}), encoding="utf-8")
    with pytest.raises(InstrumentError, match="no SurveyElements"):
        from_qualtrics(bad)
    with pytest.raises(DataError, match="not a Qualtrics CSV export"):
        read_export(DATA / "google_export.csv", source="qualtrics")
    with pytest.raises(DataError, match="'Finished' column"):
        read_export(_without_finished(tmp_path), complete_only=True)


def _without_finished(tmp_path):
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "nofinished.csv"
    path.write_text("\n".join(line.replace("Finished", "Done") for line in lines), encoding="utf-8")
    return path


# --- Choices as a list, copied questions (issue 14) ---------------------------------------


def _survey_with(tmp_path, *payloads, name="survey.qsf"):
    """The fixture survey with these questions added (outside any block)."""
    survey = json.loads(SURVEY.read_text(encoding="utf-8"))
    for payload in payloads:
        payload = {"QuestionText": f"Question {payload['DataExportTag']}"} | payload
        survey["SurveyElements"].append(
            {"Element": "SQ", "PrimaryAttribute": payload["QuestionID"], "Payload": payload}
        )
    path = tmp_path / name
    path.write_text(json.dumps(survey), encoding="utf-8")
    return path


def _mc(qid, tag, choices, **more):
    return (
        {"QuestionID": qid, "DataExportTag": tag, "QuestionType": "MC", "Selector": "SAVR"}
        | {"Choices": choices}
        | more
    )


def _matrix(qid, tag, statements, answers):
    matrix = {"QuestionType": "Matrix", "Selector": "Likert", "SubSelector": "SingleAnswer"}
    return {"QuestionID": qid, "DataExportTag": tag, "Choices": statements, "Answers": answers} | (
        matrix
    )


def _levels(instrument, item):
    return [
        (level.code, level.label) for level in instrument.scale_of(instrument.item(item)).levels
    ]


def test_choices_written_as_a_list_are_read_by_position(tmp_path):
    often = [{"Display": "Never"}, {"Display": "Sometimes"}, {"Display": "Always"}]
    path = _survey_with(
        tmp_path,
        _mc("QID20", "often", often, ChoiceOrder=[3, 2, 1]),  # an order of the positions
        _mc("QID21", "yes_no", [{"Display": "Yes"}, {"Display": "No"}], RecodeValues={"2": "0"}),
        _mc("QID22", "zero_based", often, ChoiceOrder=[0, 1, 2]),  # not the positions: unused
        _mc("QID23", "boxes", often, Selector="MAVR"),
        _matrix("QID24", "grid", [{"Display": "First"}, {"Display": "Second"}], often),
        {"QuestionID": "QID25", "DataExportTag": "note", "QuestionType": "TE", "Choices": []},
    )
    result = from_qualtrics(path)
    instrument = result.instrument
    assert _levels(instrument, "often") == [(3, "Always"), (2, "Sometimes"), (1, "Never")]
    assert _levels(instrument, "yes_no") == [(1, "Yes"), (0, "No")]  # RecodeValues win
    assert _levels(instrument, "zero_based") == [(1, "Never"), (2, "Sometimes"), (3, "Always")]
    assert [i.id for i in instrument.items if i.id.startswith(("boxes", "grid"))] == [
        "boxes__1",
        "boxes__2",
        "boxes__3",
        "grid_1",
        "grid_2",
    ]
    assert instrument.item("grid_2").text == "Second"
    assert _levels(instrument, "grid_1") == [(1, "Never"), (2, "Sometimes"), (3, "Always")]
    assert "note" in instrument.free_text  # a text box's empty list is no problem
    assert (
        "often: its Choices are a list, not keyed by choice id; took their positions 1-3 as "
        "the ids (check the codes against an export)"
    ) in result.report.guessed
    assert "grid: its Answers are a list, not keyed by choice id" in " ".join(result.report.guessed)
    assert dict(result.report.skipped).keys() == {"Q8", "Q9", "Q99", "age"}


def test_choices_that_cannot_be_used_skip_their_question_with_the_reason(tmp_path):
    path = _survey_with(
        tmp_path,
        _mc("QID20", "empty", []),
        _mc("QID21", "strings", ["Yes", "No"]),
        _mc("QID22", "one_broken", {"1": {"Display": "Yes"}, "2": "No", "3": {"Display": "?"}}),
        _mc("QID23", "number", 3),
        _mc("QID24", "boxes", [], Selector="MAVR"),
        _matrix("QID25", "no_answers", [{"Display": "First"}], []),
        _matrix("QID26", "no_statements", [], [{"Display": "No"}, {"Display": "Yes"}]),
        _mc("QID27", "long", ["x" * 500]),
    )
    result = from_qualtrics(path)
    skipped = dict(result.report.skipped)
    assert skipped["empty"] == "no answer choices (its Choices are '[]')"
    assert skipped["strings"] == "Choices entry '1' is not an object with a Display: '\"Yes\"'"
    assert skipped["one_broken"] == "Choices entry '2' is not an object with a Display: '\"No\"'"
    assert skipped["number"] == "its Choices are neither an object nor a list: '3'"
    assert skipped["boxes"] == "no answer choices (its Choices are '[]')"
    assert skipped["no_answers"] == "a matrix without answers (its Answers are '[]')"
    assert skipped["no_statements"] == "a matrix without statements (its Choices are '[]')"
    assert skipped["long"].endswith("…' (502 characters)")
    assert not any(i.id.startswith(tuple(skipped)) for i in result.instrument.items)
    # the rest of the survey imports as before
    assert len(result.instrument.items) == len(from_qualtrics(SURVEY).instrument.items)


def _copy(qid, new_qid, text_prefix="Copy of "):
    """A question of the fixture as Qualtrics copies it: a new QuestionID, the same tag."""
    survey = json.loads(SURVEY.read_text(encoding="utf-8"))
    payload = next(
        e["Payload"] for e in survey["SurveyElements"] if e.get("PrimaryAttribute") == qid
    )
    return payload | {"QuestionID": new_qid, "QuestionText": text_prefix + payload["QuestionText"]}


def test_a_copied_question_keeps_both_under_distinct_ids(tmp_path):
    path = _survey_with(tmp_path, _copy("QID2", "QID12"), _copy("QID1", "QID11"))
    result = from_qualtrics(path)
    instrument = result.instrument
    ids = [item.id for item in instrument.items]
    assert ids[:7] == ["Q1_1", "Q1_2", "Q2", "Q3__1", "Q3__2", "Q3__3", "Q4"]  # as before
    assert ids[-3:] == ["Q2_2", "Q1_2_1", "Q1_2_2"]
    assert instrument.item("Q2_2").source_id == "QID12"
    assert instrument.item("Q2_2").text == "Copy of Was the program useful?"
    # no two items answer to one header: the copy does not take the original's tag
    spellings = [h.casefold() for item in instrument.items for h in (item.id, *item.aliases)]
    assert len(spellings) == len(set(spellings))
    guessed = [line for line in result.report.guessed if "copied question" in line]
    assert guessed == [
        "Q2_2: QID12 has the export tag 'Q2' of QID2 (a copied question?); kept both, this "
        "one named 'Q2_2'. The export repeats the column header: cipp tells the columns "
        "apart by their ImportId row; or give the copy its own tag in Qualtrics",
        guessed[1],
    ]
    assert guessed[1].startswith("Q1_2: QID11 has the export tag 'Q1' of QID1")
    assert not any("not a valid cipp id" in line for line in result.report.guessed)


def _export_with_copy(tmp_path, import_id="QID12"):
    """The fixture export with the copy's column at the end: header 'Q2' again."""
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    header = next(csv.reader(lines[:1]))
    q2 = header.index("Q2")
    extra = ["Q2", "Copy of Was the program useful?", json.dumps({"ImportId": import_id})]
    rows = []
    for number, row in enumerate(csv.reader(lines)):
        if number < 3:
            rows.append([*row, extra[number]])
        else:  # the copy's answer: 3 where Q2 has 1 and 1 where it has 3
            rows.append([*row, {"1": "3", "3": "1"}.get(row[q2], row[q2])])
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_an_export_repeating_a_copied_tag_is_matched_by_import_id(tmp_path):
    instrument = from_qualtrics(_survey_with(tmp_path, _copy("QID2", "QID12"))).instrument
    export = _export_with_copy(tmp_path)
    loaded = load_responses(read_export(export, instrument=instrument), instrument)
    original = loaded.codes["Q2"].dropna().tolist()
    assert original == [1, 2, 3, 1, 2]
    assert loaded.codes["Q2_2"].dropna().tolist() == [{1: 3, 3: 1}.get(c, c) for c in original]
    # an ImportId no item has: the loader stops on the repeated header, never guesses
    unknown = _export_with_copy(tmp_path, import_id="QID77")
    with pytest.raises(DataError, match=r"'Q2' \(Q2\) heads more than one column"):
        load_responses(read_export(unknown, instrument=instrument), instrument)


def test_a_question_in_two_blocks_is_read_once(tmp_path):
    survey = json.loads(SURVEY.read_text(encoding="utf-8"))
    blocks = next(e for e in survey["SurveyElements"] if e["Element"] == "BL")["Payload"]
    blocks[0]["BlockElements"].append({"Type": "Question", "QuestionID": "QID2"})
    path = tmp_path / "twice.qsf"
    path.write_text(json.dumps(survey), encoding="utf-8")
    instrument = from_qualtrics(path).instrument
    assert [item.id for item in instrument.items].count("Q2") == 1
    assert len(instrument.items) == len(from_qualtrics(SURVEY).instrument.items)


def test_no_report_line_is_unbounded(tmp_path):
    big = "T" * 5000
    path = _survey_with(
        tmp_path,
        _mc("QID30", big, {"1": {"Display": "A"}, "2": {"Display": "B"}}),
        _mc("QID31", big, {"1": {"Display": "A"}, "2": {"Display": "B"}}),  # a copy
        _mc("QID32", "odd", {}, QuestionType="Weird" + big),
        _matrix("QID33", "grid", {"1": {"Display": "s"}}, {}) | {"SubSelector": big},
    )
    lines = from_qualtrics(path).report.lines()
    assert max(len(line) for line in lines) <= 500
    assert "  - odd: question type 'WeirdTTT" in "\n".join(lines)
    assert "(5,010 characters) is not supported" in "\n".join(lines)
    assert "  - grid: a matrix with 'TTT" in "\n".join(lines)
