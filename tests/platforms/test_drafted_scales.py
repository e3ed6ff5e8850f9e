"""Drafted scales a researcher would accept: decimals, numbered two-ended labels, labelled
ends, listed orders, misspellings and nominal demographics (issue 14's remaining gaps).

Every file here is written by the test.
"""

from __future__ import annotations

import os

import pytest

from cipp.cli import app
from cipp.platforms import ImportOptions, scaffold
from cipp.platforms.orders import order_answers

AGREE = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
ALL = ImportOptions(components={"*": "process"})


def _csv(path, header, rows):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- decimals -----------------------------------------------------------------------------


def test_whole_decimals_are_their_integers_and_fractions_are_no_scale(tmp_path):
    whole = ["1.0", "2.0", "3.0", "4.0", "5.0", "3.0"] * 3
    fractional = ["1.5", "2.0", "3.5", "4.0", "5", "3.5"] * 3
    path = _csv(
        tmp_path / "d.csv", ["whole", "fractional"], list(zip(whole, fractional, strict=True))
    )
    result = scaffold(path, ALL)
    scale = result.instrument.scale_of(result.instrument.item("whole"))
    assert [(level.code, level.label) for level in scale.levels] == [
        (n, str(n)) for n in range(1, 6)
    ]
    # 3.5 is never code 3 labelled ".5": the column is a number, and the report says so
    assert "fractional" not in {item.id for item in result.instrument.items}
    assert any("fractional: numbers with fractions (1.5, 3.5)" in g for g in result.report.guessed)


def test_decimals_have_no_numeric_prefix():
    assert order_answers(["1.5", "2.0", "3.5"]) is None
    assert order_answers(["10%", "20%", "30%"]) is None
    assert order_answers(["1 - Poor", "2", "3 - Good"]) is not None


def test_validate_reports_two_levels_with_one_label(tmp_path, runner):
    path = tmp_path / "dup.yaml"
    path.write_text(
        """id: dup
title: dup
scales:
  halves:
    levels:
      - {code: 1, label: ".5"}
      - {code: 2, label: "Two"}
      - {code: 3, label: ".5"}
items:
  - {id: q1, text: Q1, scale: halves, component: process}
""",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "duplicate label" in line]
    assert len(lines) == 1
    assert "scales.halves.levels[2]" in lines[0] and "'.5'" in lines[0]


# --- numbered labels: the words say what they say without the numbers ---------------------


def _groups(scale):
    return [(group.label, tuple(sorted(group.codes))) for group in scale.collapse]


def test_numbered_two_ended_labels_get_the_groups_of_their_words(tmp_path):
    quality = ["1 - Excellent", "2 - Very good", "3 - Good", "4 - Fair", "5 - Poor"]
    satisfied = [
        "1 = Very satisfied",
        "2 = Satisfied",
        "3 = Neither satisfied nor dissatisfied",
        "4 = Dissatisfied",
        "5 = Very dissatisfied",
    ]
    agree = [f"{n} - {label}" for n, label in enumerate(AGREE, start=1)]
    plain = ["Excellent", "Very good", "Good", "Fair", "Poor"]
    rows = [list(row) for row in zip(quality, satisfied, agree, plain, strict=True)] * 4
    path = _csv(tmp_path / "n.csv", ["quality", "satisfied", "agree", "plain"], rows)
    instrument = scaffold(path, ALL).instrument
    scale = instrument.scale_of(instrument.item("quality"))
    # numbers run against the words: the favourable end follows the words
    assert scale.positive == "low" and scale.order is None and scale.kind == "rating"
    assert _groups(scale) == [("Poor", (5,)), ("Fair", (4,)), ("Good", (1, 2, 3))]
    assert sorted(scale.positive_group.codes) == [1, 2, 3]
    # ... as the same words without numbers give (there coded the other way round)
    words = instrument.scale_of(instrument.item("plain"))
    assert words.positive == "high"
    assert _groups(words) == [("Poor", (1,)), ("Fair", (2,)), ("Good", (3, 4, 5))]
    scale = instrument.scale_of(instrument.item("satisfied"))
    assert scale.positive == "low" and scale.kind == "likert"
    assert _groups(scale) == [
        ("Dissatisfied", (4, 5)),
        ("Neither satisfied nor dissatisfied", (3,)),
        ("Satisfied", (1, 2)),
    ]
    scale = instrument.scale_of(instrument.item("agree"))
    assert scale.positive == "high"
    assert _groups(scale) == [("Disagree", (1, 2)), ("Neutral", (3,)), ("Agree", (4, 5))]


def test_numbers_against_their_words_are_a_guessed_order(tmp_path):
    answers = ["1 - Agree", "2 - Strongly disagree", "3 - Neutral", "4 - Strongly agree"] * 3
    path = _csv(tmp_path / "c.csv", ["q"], [[a] for a in answers])
    result = scaffold(path, ALL)
    assert result.instrument.scale_of(result.instrument.item("q")).order == "guessed"


def _sav(path, frame, labels):
    pyreadstat = pytest.importorskip("pyreadstat")
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels)
    return path


def test_spss_scales_labelled_at_their_ends_get_the_groups_of_their_words(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "ends": [1.0, 2.0, 3.0, 4.0, 5.0, 4.0],
            "full": [1.0, 2.0, 3.0, 4.0, 5.0, 4.0],
            "reversed": [1.0, 2.0, 3.0, 4.0, 5.0, 1.0],
        }
    )
    labels = {
        "ends": {1.0: "Strongly disagree", 5.0: "Strongly agree"},
        "full": {float(n): label for n, label in enumerate(AGREE, start=1)},
        "reversed": {1.0: "1 - Excellent", 3.0: "3 - Good", 5.0: "5 - Poor"},
    }
    from cipp.platforms import from_spss

    result = from_spss(_sav(tmp_path / "ends.sav", frame, labels), ALL)
    instrument = result.instrument
    ends, full = (instrument.scale_of(instrument.item(name)) for name in ("ends", "full"))
    assert ends.kind == full.kind == "likert" and ends.positive == full.positive == "high"
    assert [codes for _, codes in _groups(ends)] == [codes for _, codes in _groups(full)]
    assert _groups(ends) == [
        ("Strongly disagree .. 2", (1, 2)),
        ("3", (3,)),
        ("4 .. Strongly agree", (4, 5)),
    ]
    assert any("ends: labelled at some values only" in g for g in result.report.guessed)
    reversed_ = instrument.scale_of(instrument.item("reversed"))
    assert reversed_.positive == "low" and reversed_.top_code == 1


def test_spss_values_beyond_the_labels_are_missing_not_scale_ends(tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"quality": [1.0, 5.0, 7.0, 10.0, 3.0, None, 12.0, 99.0]})
    labels = {"quality": {1.0: "very poor", 10.0: "very good"}}
    from cipp.flow.analysis import analyze, load_file
    from cipp.platforms import from_spss

    path = _sav(tmp_path / "q.sav", frame, labels)
    result = from_spss(path, ALL)
    scale = result.instrument.scale_of(result.instrument.item("quality"))
    assert scale.codes == tuple(range(1, 11)) and scale.top_code == 10
    assert {"12", "99"} <= set(scale.missing)
    line = next(g for g in result.report.guessed if "beyond its labelled values" in g)
    assert line.startswith("quality: 12, 99 found in the data") and "missing" in line
    item = analyze(load_file(path, instrument=result.instrument).responses).item("quality")
    assert sum(level.n for level in item.levels) == 5


# --- listed choices out of their words' order ---------------------------------------------

SHUFFLED = [
    ("agree", "Agree"),
    ("sd", "Strongly disagree"),
    ("neutral", "Neutral"),
    ("sa", "Strongly agree"),
    ("disagree", "Disagree"),
]


def _xform(path, choices):
    items = "".join(
        f"<item><label>{label}</label><value>{code}</value></item>" for code, label in choices
    )
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml">'
        "<h:head><h:title>Shuffled</h:title><model>"
        '<instance><data id="shuffled"><q1/></data></instance>'
        '<bind nodeset="/data/q1" type="string"/></model></h:head>'
        f'<h:body><select1 ref="/data/q1"><label>Goals</label>{items}</select1></h:body>'
        "</h:html>\n",
        encoding="utf-8",
    )
    return path


def _reordered(result):
    scale = result.instrument.scale_of(result.instrument.item("q1"))
    assert [level.label for level in scale.levels] == AGREE
    assert scale.codes == (1, 2, 3, 4, 5) and scale.order is None and scale.positive == "high"
    assert scale.levels[0].aliases == ("sd",) and scale.levels[4].aliases == ("sa",)
    assert [tuple(sorted(g.codes)) for g in scale.collapse] == [(1, 2), (3,), (4, 5)]
    assert any("q1: choices listed out of the order" in g for g in result.report.guessed)
    assert any("reordered by its words" in g for g in result.report.guessed)


def test_xform_choices_out_of_order_are_reordered_by_their_words(tmp_path):
    from cipp.platforms.xform import from_xform

    _reordered(from_xform(_xform(tmp_path / "f.xml", SHUFFLED), ALL))


def test_xlsform_choices_out_of_order_are_reordered_by_their_words(tmp_path):
    from cipp.platforms import from_xlsform

    from .common import write_workbook

    form = write_workbook(
        tmp_path / "f.xlsx",
        {
            "survey": [["type", "name", "label"], ["select_one ag", "q1", "Goals"]],
            "choices": [["list_name", "name", "label"]]
            + [["ag", c, label] for c, label in SHUFFLED],
        },
    )
    _reordered(from_xlsform(form, ALL))


def test_platform_codes_against_their_words_stay_a_guessed_order(tmp_path):
    from cipp.platforms.xform import from_xform

    numbered = [(str(n), label) for n, (_, label) in enumerate(SHUFFLED, start=1)]
    result = from_xform(_xform(tmp_path / "f.xml", numbered), ALL)
    scale = result.instrument.scale_of(result.instrument.item("q1"))
    assert scale.order == "guessed"  # the data holds these codes: they are not renumbered
    # codes that follow the words, listed out of order, are shown in code order
    listed = [("4", "Agree"), ("1", "Strongly disagree"), ("3", "Neutral"), ("5", "Strongly agree")]
    result = from_xform(_xform(tmp_path / "g.xml", [*listed, ("2", "Disagree")]), ALL)
    scale = result.instrument.scale_of(result.instrument.item("q1"))
    assert scale.order is None and [level.label for level in scale.levels] == AGREE


# --- named pipes --------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize(
    "command,name",
    [
        ("from-xform", "form.xml"),
        ("from-xlsform", "form.xlsx"),
        ("from-spss", "data.sav"),
        ("from-spss", "data.dta"),
        ("scaffold", "answers.csv"),
    ],
)
def test_a_named_pipe_is_refused_at_once(runner, tmp_path, command, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    result = runner.invoke(app, ["instrument", command, str(fifo)])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "\n" not in line and "named pipe (FIFO); cipp reads only regular files" in line


# --- demographics -------------------------------------------------------------------------


def test_nominal_demographics_claim_no_order_and_bands_are_ordered(tmp_path):
    region = ["North", "South", "East", "West", "South", "North"] * 3
    age = ["35-44", "Under 18", "45 or over", "18-24", "25-34", "35-44"] * 3
    agree = (AGREE + ["Agree"]) * 3
    rows = [list(row) for row in zip(agree, region, age, strict=True)]
    path = _csv(tmp_path / "d.csv", ["q1", "region", "age band"], rows)
    result = scaffold(
        path, ImportOptions(components={"*": "process"}, demographics=("region", "age_band"))
    )
    demographics = {d.id: d for d in result.instrument.demographics}
    assert [level.label for level in demographics["region"].levels] == [
        "North",
        "South",
        "East",
        "West",
    ]
    assert [level.label for level in demographics["age_band"].levels] == [
        "Under 18",
        "18-24",
        "25-34",
        "35-44",
        "45 or over",
    ]
    lines = "\n".join(result.report.lines())
    assert "'order: guessed'" not in lines and "could not be established" not in lines
    assert "region: categories from the answers" in lines
    assert "age_band: bands ordered by their numbers" in lines


# --- misspellings and scales of other lengths ---------------------------------------------

SEVEN = [
    "Strongly disagree",
    "Disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Agree",
    "Strongly agree",
]
FOUR = ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]


def test_the_right_spelling_labels_a_level_even_when_rarer(tmp_path):
    # "Strongly agre" is the most common spelling of the top level here
    q1 = ["Strongly agre"] * 3 + ["Strongly agree", "Strong agree", "Agree", "Disagree"]
    q2 = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agre", "Agree", "Agree"]
    path = _csv(tmp_path / "s.csv", ["q1", "q2"], [list(r) for r in zip(q1, q2, strict=True)])
    instrument = scaffold(path, ALL).instrument
    scale = instrument.scale_of(instrument.item("q1"))
    assert instrument.item("q2").scale == scale.id
    top = scale.levels[-1]
    assert top.label == "Strongly agree"
    assert set(top.aliases) == {"Strongly agre", "Strong agree"}


def test_a_four_point_item_does_not_join_a_seven_point_scale(tmp_path):
    # 84 answers: 12 per level of the 7-point scale, enough for unused levels to count
    rows = [list(r) for r in zip(FOUR * 21, SEVEN * 12, FOUR * 21, strict=True)]
    path = _csv(tmp_path / "s.csv", ["four", "seven", "also_four"], rows)
    instrument = scaffold(path, ALL).instrument
    scale = {item.id: instrument.scale_of(item) for item in instrument.items}
    assert [level.label for level in scale["seven"].levels] == SEVEN
    assert [level.label for level in scale["four"].levels] == FOUR
    assert scale["four"].codes == (1, 2, 3, 4) and scale["also_four"].id == scale["four"].id
    assert [tuple(g.codes) for g in scale["four"].collapse] == [(1, 2), (3, 4)]


def test_an_item_that_left_one_level_unused_joins_its_scale(tmp_path):
    # nobody answered neutral: beside a 5-point scale these answers are that scale's
    rows = [list(r) for r in zip(FOUR * 21, SEVEN * 12, (AGREE * 17)[:84], strict=True)]
    path = _csv(tmp_path / "s.csv", ["no_neutral", "seven", "five"], rows)
    instrument = scaffold(path, ALL).instrument
    scale = {item.id: instrument.scale_of(item) for item in instrument.items}
    assert scale["no_neutral"].id == scale["five"].id != scale["seven"].id
    assert [level.label for level in scale["no_neutral"].levels] == AGREE


def test_few_answers_are_no_evidence_of_a_shorter_scale(tmp_path):
    # 28 answers, four per level of the 7-point scale: the levels nobody chose may be chance
    rows = [list(r) for r in zip(FOUR * 7, SEVEN * 4, strict=True)]
    path = _csv(tmp_path / "s.csv", ["four", "seven"], rows)
    instrument = scaffold(path, ALL).instrument
    assert instrument.item("four").scale == instrument.item("seven").scale
