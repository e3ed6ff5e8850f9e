"""Recommendations traced to their evidence (issue 19, part 7): who raised each one, the
survey items it rests on, the negative themes it answers, and a quote."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import replace
from types import SimpleNamespace

import pytest

from cipp import to_dict
from cipp.cli import app
from cipp.flow.analysis import analyze_file
from cipp.flow.integration import joint_display
from cipp.flow.qualitative import QualitativeInputs, analyse_themes
from cipp.flow.recommendations import _weak_items, recommend
from cipp.model.errors import InstrumentError
from cipp.model.joint import Integration, WrittenRecommendation
from cipp.read.codebook import codebook_to_yaml, load_codebook, validate_codebook
from cipp.read.integration import load_integration
from cipp.render.recommendations import recommendations_sections
from tests.conftest import DATA

FGD = DATA / "fgd"
RECOMMENDATION_THEMES = [
    "mentee_rec_communication",
    "mentee_rec_structure",
    "mentee_rec_training",
    "mentee_rec_evaluation",
    "mentor_rec_implementation",
    "mentor_rec_admin",
    "mentor_rec_training",
    "mentor_rec_evaluation",
]


@pytest.fixture(scope="module")
def strand():
    return analyse_themes(
        QualitativeInputs(
            segments=(FGD / "segments.csv",),
            codebook=FGD / "codebook.yaml",
            adjudication=FGD / "adjudication.csv",
            pseudonyms=FGD / "pseudonyms.yaml",
        )
    )


@pytest.fixture(scope="module")
def surveys():
    return [analyze_file(DATA / "mentees.xlsx"), analyze_file(DATA / "mentors.xlsx")]


def _written(*entries: WrittenRecommendation) -> Integration:
    return Integration({}, {}, tuple(entries), "integration.yaml")


def _final_people() -> dict[str, set[tuple[str, str, str]]]:
    """Code -> the (group, session, participant) who voiced it in the adjudicated coding,
    recounted from the two files with the csv module: a code stands when both coders
    applied it, or when the adjudicator included it."""
    coders: dict[tuple[str, str], set[str]] = defaultdict(set)
    person = {}
    with (FGD / "segments.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["participant"] == "moderator":
                continue
            person[row["segment_id"]] = (row["group"], row["session"], row["participant"])
            if row["code"]:
                coders[(row["segment_id"], row["code"])].add(row["coder"])
    with (FGD / "adjudication.csv").open(encoding="utf-8") as handle:
        decided = {(r["segment_id"], r["code"]): r["decision"] for r in csv.DictReader(handle)}
    people: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for (segment, code), who in coders.items():
        if segment in person and (len(who) == 2 or decided.get((segment, code)) == "include"):
            people[code].add(person[segment])
    return people


def _raised(themes, codebook, people) -> dict[str, int]:
    voiced = set()
    for theme in themes:
        for code in codebook.theme(theme).codes:
            voiced |= people[code.id]
    counts = {"mentee": 0, "mentor": 0}
    for group, _session, _participant in voiced:
        counts[group] += 1
    return counts


def test_the_example_codebook_marks_its_recommendation_themes():
    codebook = load_codebook(FGD / "codebook.yaml")
    marked = [theme.id for theme in codebook.themes if theme.kind == "recommendation"]
    assert marked == RECOMMENDATION_THEMES
    assert {t.kind for t in codebook.themes if t.id not in marked} == {"finding"}
    # Written back, the kind survives (cipp qual codebook-from and friends).
    again = codebook_to_yaml(codebook)
    assert again.count("kind: recommendation") == 8 and "kind: finding" not in again


def test_a_wrong_kind_is_reported_with_its_path(tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(
        "themes:\n  - id: t\n    name: T\n    component: input\n    valence: neutral\n"
        "    kind: advice\n    codes: [{id: c, name: C}]\n",
        encoding="utf-8",
    )
    assert validate_codebook(path) == [
        f"{path}: themes[0].kind: invalid kind 'advice' (one of finding, recommendation)"
    ]


def test_cipp_proposes_one_recommendation_per_voiced_theme(strand, surveys):
    recommendations = recommend(surveys, strand)
    assert [r.id for r in recommendations] == RECOMMENDATION_THEMES
    assert {r.source for r in recommendations} == {"theme"}
    people = _final_people()
    for r in recommendations:
        theme = strand.themes.theme(r.id)
        assert r.text == theme.name and r.component == theme.component
        # Who raised it, recounted from the files, each group of its size (27 mentees in
        # four groups and 8 mentors, as the study reports).
        expected = _raised(r.themes, strand.codebook, people)
        assert [(g.group, g.participants, g.of) for g in r.groups] == [
            ("mentee", expected["mentee"], 27),
            ("mentor", expected["mentor"], 8),
        ]
        # The quote is one of the theme's own, already labelled and anonymised.
        quotes = [q for entry in theme.groups for q in entry.quotes]
        assert r.quote in quotes
        assert r.quote.exemplar or not any(q.exemplar for q in quotes)
    training = recommendations[2]
    assert [(g.participants, g.of) for g in training.groups] == [(4, 27), (0, 8)]


def test_weak_items_are_the_least_positive_of_the_component(strand, surveys):
    by_id = {r.id: r for r in recommend(surveys, strand)}

    def weak(theme):
        return [(w.survey, w.id, w.percent_positive) for w in by_id[theme].weak_items]

    # Input: three items below 50% positive. The study's counts: 8 of 29 mentors did not
    # want more training (Table 2: 21 / 8; "No" is the favourable answer), 73 of 182
    # mentees satisfied with the resources.
    assert weak("mentee_rec_training")[:2] == [
        ("mentor", "wants_more_training", pytest.approx(100 * 8 / 29)),
        ("mentee", "satisfied_resources", pytest.approx(100 * 73 / 182)),
    ]
    assert [i for _, i, _ in weak("mentee_rec_training")] == [
        "wants_more_training",
        "satisfied_resources",
        "sessions_often_enough",
    ]
    # Process: one item below 50% (11 of 29 mentors did not want to meet more often,
    # Table 2: 18 / 11), then the next two least positive (91 of 182 = 50% is not below).
    assert weak("mentor_rec_implementation") == [
        ("mentor", "wants_more_meetings", pytest.approx(100 * 11 / 29)),
        ("mentee", "satisfied_response", pytest.approx(50.0)),
        ("mentee", "constructive_feedback", pytest.approx(70.0, abs=0.05)),
    ]
    # Product: none below 50%: its three least positive.
    assert [i for _, i, _ in weak("mentee_rec_evaluation")] == [
        "goals_achieved",
        "learned_personally",
        "volunteer_again",
    ]


def test_every_item_below_half_is_weak_however_many():
    def item(name, percent):
        return SimpleNamespace(
            id=name, text=name, component="input", positive_percent=percent, positive_label="Agree"
        )

    survey = SimpleNamespace(
        instrument=SimpleNamespace(id="s"),
        items=[
            item("a", 45.0),
            item("b", 10.0),
            item("c", 49.9),
            item("d", 30.0),
            item("e", 90.0),
            item("f", float("nan")),
            item("g", 60.0),
        ],
    )
    assert [w.id for w in _weak_items("input", [survey])] == ["b", "d", "a", "c"]
    assert [w.id for w in _weak_items("context", [survey])] == []


def test_related_themes_are_the_negative_findings_of_the_component(strand, surveys):
    by_id = {r.id: r for r in recommend(surveys, strand)}
    related = [t.theme for t in by_id["mentor_rec_evaluation"].related_themes]
    # Product: its own negative theme and one read through product as an `also`
    # component; the positive "academic support" and recommendations are not answered.
    assert related == ["no_meaningful_relationship", "not_mutually_beneficial"]
    mentors = by_id["mentor_rec_evaluation"].related_themes[1].groups
    assert [(g.group, g.participants, g.of) for g in mentors] == [("mentor", 8, 8)]


def test_the_example_integration_file_makes_four_recommendations_of_both_groups(strand, surveys):
    recommendations = recommend(surveys, strand, load_integration(FGD / "integration.yaml"))
    assert [r.id for r in recommendations] == [
        "structure_and_meetings",
        "mentor_training",
        "access_and_administration",
        "periodic_evaluation",
    ]
    assert {r.source for r in recommendations} == {"researcher"}
    people = _final_people()
    for r in recommendations:
        expected = _raised(r.themes, strand.codebook, people)
        assert [g.participants for g in r.groups] == [expected["mentee"], expected["mentor"]]
        assert all(g.participants > 0 for g in r.groups)  # each rests on both groups
    training = recommendations[1]
    assert [(g.participants, g.of) for g in training.groups] == [(4, 27), (2, 8)]
    # The items the researcher listed, least positive first (24 of 29 mentors found the
    # training session prepared them: Table 2, 24 / 5).
    assert [(w.id, w.percent_positive) for w in training.weak_items] == [
        ("wants_more_training", pytest.approx(100 * 8 / 29)),
        ("training_prepared", pytest.approx(100 * 24 / 29)),
    ]
    # No mentee quote on training is an exemplar; a mentor's is.
    assert training.quote.label == "mentor, FGD 5, P5"


def test_a_participant_voicing_two_of_its_themes_counts_once(strand, surveys):
    # Three of the six mentees who found their mentor hard to reach recommended asking
    # mentees regularly: 4 + 6 voices, 7 people.
    themes = ("mentee_rec_evaluation", "difficult_accessibility")
    entry = WrittenRecommendation("listen", "Ask mentees, and act on it.", "product", themes)
    (recommendation, *_rest) = recommend(surveys, strand, _written(entry))
    separately = sum(strand.themes.theme(t).groups[0].participants for t in themes)
    expected = _raised(themes, strand.codebook, _final_people())["mentee"]
    assert recommendation.groups[0].participants == expected == 7 < separately == 10


def test_a_written_recommendation_rewords_the_proposal_from_its_theme(strand, surveys):
    entry = WrittenRecommendation("mentee_rec_training", "Train every mentor.", where="x")
    recommendations = recommend(surveys, strand, _written(entry))
    assert [r.id for r in recommendations] == [
        "mentee_rec_training",
        *(t for t in RECOMMENDATION_THEMES if t != "mentee_rec_training"),
    ]
    first = recommendations[0]
    assert (first.text, first.source, first.component, first.themes) == (
        "Train every mentor.",
        "researcher",
        "input",
        ("mentee_rec_training",),
    )
    assert [g.participants for g in first.groups] == [4, 0]


def test_recommendation_themes_do_not_count_for_the_fit(strand, surveys):
    themes = strand.themes
    loud = tuple(
        replace(
            theme,
            groups=tuple(
                replace(entry, participants_by_valence=(("positive", 20),))
                for entry in theme.groups
            ),
        )
        if theme.kind == "recommendation"
        else theme
        for theme in themes.themes
    )
    before = joint_display(surveys, themes)
    after = joint_display(surveys, replace(themes, themes=loud))
    assert [r.positive_voices for r in after.rows] == [r.positive_voices for r in before.rows]
    as_findings = tuple(replace(t, kind="finding") for t in loud)
    counted = joint_display(surveys, replace(themes, themes=as_findings))
    assert counted.rows[1].positive_voices > before.rows[1].positive_voices


def test_integration_recommendation_problems_have_paths(tmp_path, strand, surveys):
    path = tmp_path / "integration.yaml"
    path.write_text(
        "recommendations:\n"
        "  - {id: a, text: Do this, component: outcome, colour: red}\n"
        "  - {id: a, themes: {x: 1}}\n"
        "  - 3\n",
        encoding="utf-8",
    )
    with pytest.raises(InstrumentError) as caught:
        load_integration(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: 6 problems: ")
    for expected in (
        "recommendations[0].colour: unknown key",
        "recommendations[0].component: 'outcome' is not one of context, input, process, product",
        "recommendations[1].id: duplicate id 'a'",
        "recommendations[1].text: missing text",
        "recommendations[1].themes: expected a list of ids",
        "recommendations[2]: expected a mapping",
    ):
        assert expected in message
    path.write_text(
        "recommendations:\n"
        "  - {id: a, text: Do this, themes: [mentee_rec_training, no_such_theme]}\n"
        "  - {id: b, text: Do that, items: [wants_more_training, no_such_item]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InstrumentError) as caught:
        recommend(surveys, strand, load_integration(path))
    assert str(caught.value) == (
        f"{path}: 3 problems: recommendations[0].themes[1]: unknown theme 'no_such_theme'; "
        "recommendations[1].items[1]: unknown item 'no_such_item' (in no survey's "
        "instrument); recommendations[1].component: missing component (no theme to take "
        "it from)"
    )


def test_report_ends_with_the_recommendations(runner, tmp_path):
    out = tmp_path / "report.json"
    args = [
        "report",
        "--survey",
        str(DATA / "mentees.xlsx"),
        "--survey",
        str(DATA / "mentors.xlsx"),
        "--qual",
        str(FGD / "segments.csv"),
        "--codebook",
        str(FGD / "codebook.yaml"),
        "--adjudication",
        str(FGD / "adjudication.csv"),
        "--pseudonyms",
        str(FGD / "pseudonyms.yaml"),
        "--integration",
        str(FGD / "integration.yaml"),
        "--format",
        "json",
        "--out",
        str(out),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    first = document["recommendations"][1]
    assert list(first)[:4] == ["id", "text", "component", "source"]
    assert {"groups", "weak_items", "related_themes", "quote"} <= set(first)
    assert first["groups"] == [
        {"group": "mentee", "participants": 4, "of": 27},
        {"group": "mentor", "participants": 2, "of": 8},
    ]
    assert first["weak_items"][0]["id"] == "wants_more_training"
    assert first["weak_items"][0]["percent_positive"] == pytest.approx(100 * 8 / 29)
    assert first["quote"]["label"] == "mentor, FGD 5, P5"


def test_the_section_is_one_short_table(strand, surveys):
    recommendations = recommend(surveys, strand, load_integration(FGD / "integration.yaml"))
    evaluation = SimpleNamespace(recommendations=recommendations)
    brief, full = recommendations_sections(evaluation)
    assert brief.heading == full.heading == "Recommendations"
    assert (brief.show, full.show) == (("brief",), ("print", "page"))
    table = brief.blocks[-1]
    assert len(table.header) == 2
    assert table.rows[0] == ("1. Process, written by the researcher",)
    assert table.rows[1] == (
        "What to do",
        "Reform the structure: smaller groups or one-to-one time, the same mentor across "
        "the years, some choice of mentor, and regular meetings in the timetable.",
    )
    assert table.rows[6] == ("2. Input, written by the researcher",)
    rows = {row[0]: row[1] for row in table.rows[7:12]}
    assert rows["Raised by"] == "4 of 27 mentees; 2 of 8 mentors"
    assert rows["Survey items"] == (
        "Would have liked additional training for mentors (mentor): 27.6% No; "
        "The mentor training session helped prepare me (mentor): 82.8% Yes"
    )
    assert rows["Quote"].endswith("(mentor, FGD 5, P5)")
    # Word and HTML: a bold line per recommendation over a bullet list of the same evidence.
    training = full.blocks[2]
    assert training.title == "2. Train mentors, and keep guiding them after the first session."
    assert training.items[0] == "CIPP component: Input, written by the researcher"
    assert training.items[1:] == tuple(f"{label}: {text}" for label, text in table.rows[8:12])
    assert to_dict(recommendations[1])["source"] == "researcher"
