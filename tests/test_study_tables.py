"""The study's published Tables 1 and 2 (mentors, n = 29), reproduced from data/mentors.xlsx.

Counts are the paper's; percentages are computed correctly (the paper divided some
Table 1 cells by 28 and misprinted two Table 2 cells), so e.g. 3/29 = 10.3%, not 10.7%.
"""

from __future__ import annotations

import json

import pytest

from cipp import to_dict
from cipp.cli import app
from cipp.flow.analysis import AnalysisOptions, analyze_file
from cipp.render.tabular import level_table_caption
from tests.conftest import DATA

TABLE_1 = {  # Excellent, Very good, Good, Poor, Very poor
    "program_rating": [2, 5, 18, 3, 1],
    "experience_quality": [1, 5, 19, 3, 1],
    "mentee_relationship": [7, 11, 9, 1, 1],
}
TABLE_1_PERCENT = {  # one decimal, of 29
    "program_rating": ["6.9", "17.2", "62.1", "10.3", "3.4"],
    "experience_quality": ["3.4", "17.2", "65.5", "10.3", "3.4"],
    "mentee_relationship": ["24.1", "37.9", "31.0", "3.4", "3.4"],
}
TABLE_2 = {  # Yes, No
    "volunteer_again": [22, 7],
    "training_prepared": [24, 5],
    "wants_more_training": [21, 8],
    "responsibilities_clear": [12, 17],
    "time_sufficient": [19, 10],
    "time_helpful": [25, 4],
    "learned_personally": [21, 8],
    "wants_more_meetings": [18, 11],
}
TABLE_2_PERCENT = {
    "volunteer_again": ["75.9", "24.1"],
    "training_prepared": ["82.8", "17.2"],
    "wants_more_training": ["72.4", "27.6"],
    "responsibilities_clear": ["41.4", "58.6"],
    "time_sufficient": ["65.5", "34.5"],
    "time_helpful": ["86.2", "13.8"],
    "learned_personally": ["72.4", "27.6"],
    "wants_more_meetings": ["62.1", "37.9"],
}


@pytest.fixture(scope="module")
def mentors():
    return analyze_file(DATA / "mentors.xlsx")


@pytest.mark.parametrize("item_id", TABLE_1)
def test_table_1_counts_and_percents(mentors, item_id):
    summary = mentors.item(item_id)
    assert [level.label for level in summary.levels] == [
        "Excellent",
        "Very good",
        "Good",
        "Poor",
        "Very poor",
    ]
    assert [level.n for level in summary.levels] == TABLE_1[item_id]
    assert [f"{level.percent:.1f}" for level in summary.levels] == TABLE_1_PERCENT[item_id]
    assert summary.n_valid == 29 and summary.n_missing == 0


@pytest.mark.parametrize("item_id", TABLE_2)
def test_table_2_counts_and_percents(mentors, item_id):
    summary = mentors.item(item_id)
    assert [level.label for level in summary.levels] == ["Yes", "No"]
    assert [level.n for level in summary.levels] == TABLE_2[item_id]
    assert [f"{level.percent:.1f}" for level in summary.levels] == TABLE_2_PERCENT[item_id]


def test_the_papers_misprints_are_not_repeated(mentors):
    poor = mentors.item("program_rating").levels[3]
    assert poor.n == 3 and poor.percent == pytest.approx(100 * 3 / 29)  # not 10.7 (3/28)
    good = mentors.item("mentee_relationship").levels[2]
    assert good.n == 9 and f"{good.percent:.1f}" == "31.0"  # not 32.14 (9/28)
    no = mentors.item("wants_more_training").levels[1]
    assert f"{no.percent:.1f}" == "27.6"  # not 25.59
    yes = mentors.item("responsibilities_clear").levels[0]
    assert f"{yes.percent:.1f}" == "41.4"  # not 41.3


def test_tables_split_rating_from_yes_no(mentors):
    table_1, table_2 = mentors.tables()
    assert table_1.number == 1 and table_1.kind == "rating"
    assert {s.id for s in table_1.items} == set(TABLE_1)
    assert table_2.number == 2 and table_2.kind == "binary"
    assert {s.id for s in table_2.items} == set(TABLE_2)
    captions = [level_table_caption(mentors, table) for table in (table_1, table_2)]
    assert all("n = 29" in caption for caption in captions)


def test_mentor_demographics(mentors):
    by_id = {d.id: d for d in mentors.demographics}
    assert by_id["age"].mean == pytest.approx(44.0)
    assert f"{by_id['age'].sd:.2f}" == "9.12"
    assert [c.n for c in by_id["gender"].categories] == [24, 5]
    assert f"{by_id['gender'].categories[0].percent:.2f}" == "82.76"  # paper: 82.75
    assert [c.n for c in by_id["academic_rank"].categories] == [5, 4, 11, 9]
    assert [c.n for c in by_id["highest_degree"].categories] == [9, 12, 8]


def test_mentee_published_figures():
    results = analyze_file(DATA / "mentees.xlsx", options=AnalysisOptions(by=()))
    assert results.n_respondents == 182
    accessible = results.item("mentor_accessible")
    assert accessible.levels[-1].n == 46 and f"{accessible.levels[-1].percent:.2f}" == "25.27"
    assert accessible.levels[0].n == 17 and f"{accessible.levels[0].percent:.2f}" == "9.34"
    supportive = results.item("mentor_supportive")
    assert supportive.levels[-1].n == 46 and supportive.levels[0].n == 16
    assert f"{supportive.levels[0].percent:.2f}" == "8.79"
    productivity = results.item("motivated_productivity")
    assert round(productivity.top_percent) == 13
    assert round(100 - productivity.positive_percent) == 20
    assert round(results.item("satisfied_response").positive_percent) == 50
    assert round(results.item("satisfied_resources").positive_percent) == 40
    assert 15 <= results.item("goals_achieved").top_percent <= 20
    by_id = {d.id: d for d in results.demographics}
    assert [c.n for c in by_id["year_of_study"].categories] == [33, 43, 44, 39, 23]
    assert [f"{c.percent:.1f}" for c in by_id["year_of_study"].categories] == [
        "18.1",
        "23.6",
        "24.2",
        "21.4",
        "12.6",
    ]
    assert by_id["gender"].categories[0].n == 110
    assert f"{by_id['gender'].categories[0].percent:.2f}" == "60.44"  # paper: 60.43
    assert by_id["age"].mean == pytest.approx(21.0) and f"{by_id['age'].sd:.2f}" == "3.12"
    assert [c.n for c in by_id["academic_year"].categories] == [88, 94]


def test_cli_table_shows_published_counts_and_correct_percent(runner):
    result = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Table 1." in result.stdout and "Table 2." in result.stdout
    assert "3 (10.3)" in result.stdout and "10.7" not in result.stdout
    assert "18 (62.1)" in result.stdout and "12 (41.4)" in result.stdout
    assert "using bundled instrument 'mentor'" in result.stderr


def test_cli_json_equals_library_result(runner):
    result = runner.invoke(app, ["analyze", str(DATA / "mentors.xlsx"), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document == json.loads(json.dumps(to_dict(analyze_file(DATA / "mentors.xlsx"))))
    assert document["n_respondents"] == 29
    assert document["instrument"] == {
        "id": "mentor",
        "title": "Mentor evaluation of the mentorship program",
    }
    item = next(i for i in document["items"] if i["id"] == "program_rating")
    assert item["kind"] == "rating" and item["component"] == "product"
    assert item["levels"][3] == {**item["levels"][3], "code": 2, "label": "Poor", "n": 3}
    assert item["levels"][3]["percent"] == pytest.approx(100 * 3 / 29)  # unrounded
