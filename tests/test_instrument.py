"""Instrument YAML: the bundled instruments, validation with key paths, matching keys."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cipp.cli import app
from cipp.model.errors import InstrumentError
from cipp.model.instrument import COMPONENTS, normalize_header, normalize_text
from cipp.read.instrument import bundled_paths, instrument_from_dict, resolve_instrument


def test_bundled_instruments_reconstruct_the_study():
    assert {"mentee", "mentor"} <= set(bundled_paths())
    mentee = resolve_instrument("mentee")
    assert len(mentee.items) == 10
    assert {mentee.kind_of(item) for item in mentee.items} == {"likert"}
    scale = mentee.scales[0]
    assert [level.label for level in scale.levels] == [
        "Strongly disagree",
        "Disagree",
        "Slightly disagree",
        "Slightly agree",
        "Agree",
        "Strongly agree",
    ]
    assert {item.component for item in mentee.items} == set(COMPONENTS)
    assert [d.id for d in mentee.demographics if d.test] == ["age", "gender", "year_of_study"]
    mentor = resolve_instrument("mentor")
    kinds = [mentor.kind_of(item) for item in mentor.items]
    assert kinds.count("rating") == 3 and kinds.count("binary") == 8
    assert [d.id for d in mentor.demographics if d.test] == ["mentoring_year", "experience"]


def test_bundled_instruments_listed_from_any_directory(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cipp", "instruments"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "mentee" in result.stdout and "mentor" in result.stdout


def test_cli_instruments_and_validate(runner):
    result = runner.invoke(app, ["instruments"])
    assert result.exit_code == 0 and "mentee" in result.stdout
    result = runner.invoke(app, ["validate", str(bundled_paths()["mentor"])])
    assert result.exit_code == 0 and "valid instrument 'mentor'" in result.stdout


def minimal(**changes):
    document = {
        "id": "t",
        "title": "T",
        "scales": {"yn": {"levels": [{"code": 1, "label": "Yes"}, {"code": 0, "label": "No"}]}},
        "items": [{"id": "q1", "text": "Q1", "scale": "yn", "component": "input"}],
    }
    document.update(changes)
    return document


def problems(document) -> str:
    with pytest.raises(InstrumentError) as caught:
        instrument_from_dict(document, source="t.yaml")
    return str(caught.value)


def test_minimal_instrument_derives_kind_and_positive_group():
    instrument = instrument_from_dict(minimal(), source="t.yaml")
    scale = instrument.scale("yn")
    assert scale.kind == "binary" and scale.top_code == 1
    assert scale.positive_group.codes == (1,)


def test_every_problem_is_reported_at_once_with_its_path():
    message = problems(
        minimal(
            colour="red",
            items=[
                {"id": "q1", "text": "Q1", "scale": "likert7", "component": "context"},
                {"id": "q1", "text": "Q2", "scale": "yn", "component": "outcome", "x": 1},
            ],
            demographics=[
                {
                    "id": "age",
                    "type": "numeric",
                    "bins": [{"label": "young", "max": 30}, {"label": "old", "min": 25}],
                }
            ],
        )
    )
    assert message.startswith("t.yaml: ")
    for expected in (
        "colour: unknown key",
        "items[0].scale: unknown scale 'likert7'",
        "items[1].component (item 'q1'): 'outcome' is not one of",
        "items[1].x: unknown key",
        "items[1].id: duplicate id 'q1'",
        "demographics[0].bins: bins 'young' and 'old' overlap",
    ):
        assert expected in message, message


@pytest.mark.parametrize(
    "scale,expected",
    [
        ({"levels": [{"code": 1, "label": "A"}]}, "at least two levels"),
        ({"levels": [{"code": 1, "label": "A"}, {"code": 1, "label": "B"}]}, "duplicate code 1"),
        ({"levels": [{"code": 1, "label": "A"}, {"code": 2, "label": "a"}]}, "already names"),
        ({"levels": [{"code": "x", "label": "A"}, {"code": 2, "label": "B"}]}, "whole number"),
        (
            {
                "levels": [{"code": 1, "label": "A"}, {"code": 2, "label": "B"}],
                "collapse": [{"label": "lo", "codes": [1]}],
            },
            "codes 2 belong to no collapse group",
        ),
        (
            {
                "levels": [{"code": 1, "label": "A"}, {"code": 2, "label": "B"}],
                "collapse": [{"label": "lo", "codes": [1, 3]}],
            },
            "3 is not a code of this scale",
        ),
        (
            {"levels": [{"code": 1, "label": "A"}, {"code": 2, "label": "B"}], "positive": "up"},
            "must be 'high' or 'low'",
        ),
        (
            {"levels": [{"code": 1, "label": "A"}, {"code": 2, "label": "B"}], "kind": "nps"},
            "'nps' is not one of",
        ),
        (
            {"levels": [{"code": 1, "label": "A"}, {"code": 2, "label": "B"}], "missing": ["a"]},
            "is also a level",
        ),
    ],
)
def test_scale_problems(scale, expected):
    message = problems(minimal(scales={"yn": scale}))
    assert "scales.yn" in message and expected in message


def test_missing_component_says_what_to_choose():
    message = problems(minimal(items=[{"id": "q1", "text": "Q", "scale": "yn", "component": ""}]))
    assert (
        "items[0].component (item 'q1'): missing: choose one of context, input, process, product"
        in message
    )


def test_not_a_mapping():
    assert "expected a mapping" in problems(["a", "b"])


def test_unknown_instrument_name_lists_bundled():
    with pytest.raises(InstrumentError, match="bundled instruments: .*mentee"):
        resolve_instrument("mentees")


def test_normalization_of_cells_and_headers():
    assert normalize_text(" Strongly  AGREE ") == "strongly agree"
    assert normalize_text(6.0) == normalize_text("6") == normalize_text(" 6.0 ") == "6"
    assert normalize_text("6.5") == "6.5"
    assert normalize_text("2,0") == "2"  # a decimal comma, as European spreadsheets write it
    assert normalize_header('"My mentor was accessible to me?"') == "my mentor was accessible to me"


def test_unquoted_yes_no_labels_get_a_hint():
    message = problems(
        minimal(
            scales={"yn": {"levels": [{"code": 1, "label": True}, {"code": 0, "label": False}]}}
        )
    )
    assert "scales.yn.levels[0].label: expected text, got True: put it in quotes" in message
