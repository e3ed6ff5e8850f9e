"""Codebook YAML: complete validation with YAML paths, missing components, .qdc seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cipp.model.errors import InstrumentError
from cipp.read.codebook import (
    codebook_to_yaml,
    load_codebook,
    parse_codebook,
    validate_codebook,
)
from cipp.read.refi import read_qdc

from .conftest import FGD

BAD = """
title: broken
colour: red
themes:
  - id: access
    name: Access
    component: proces
    also: [input, outcome]
    valence: sad
    codes:
      - id: reach
        name: Hard to reach
        related: [nowhere, other]
      - id: reach
        name: Again
        shade: blue
  - id: other
    name: Other
    component: context
    valence: neutral
    codes:
      - id: access
        name: Clash with a theme id
"""


def test_every_problem_is_reported_with_its_path(tmp_path: Path):
    path = tmp_path / "codebook.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(InstrumentError) as caught:
        load_codebook(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for expected in (
        "colour: unknown key 'colour'",
        "themes[0].component: invalid component 'proces'",
        "themes[0].also[1]: invalid component 'outcome'",
        "themes[0].valence: invalid valence 'sad'",
        "themes[0].codes[0].related[0]: dangling reference 'nowhere' (no such code)",
        "themes[0].codes[0].related[1]: dangling reference 'other' (a theme, not a code)",
        "themes[0].codes[1].id: duplicate id 'reach'",
        "themes[0].codes[1].shade: unknown key 'shade'",
        "themes[1].codes[0].id: duplicate id 'access' (first defined at themes[0].id)",
    ):
        assert expected in message
    assert "\n" not in message


def test_validate_codebook_lists_lines_with_file_name(tmp_path: Path):
    path = tmp_path / "codebook.yaml"
    path.write_text(BAD, encoding="utf-8")
    lines = validate_codebook(path)
    assert len(lines) == 9
    assert all(line.startswith(f"{path}: ") for line in lines)


def test_missing_components_are_reported_not_fatal_for_agreement(tmp_path: Path):
    path = tmp_path / "seed.yaml"
    path.write_text(
        "themes:\n  - id: t\n    name: T\n    codes:\n      - {id: c, name: C}\n",
        encoding="utf-8",
    )
    assert validate_codebook(path) == [
        f"{path}: themes[0].component: missing component (one of context, input, process, product)",
        f"{path}: themes[0].valence: missing valence (one of positive, negative, mixed, neutral)",
    ]
    book = load_codebook(path, complete=False)
    assert book.themes[0].component is None
    assert book.missing()[0].startswith("themes[0].component: missing component")
    with pytest.raises(InstrumentError, match="missing component"):
        load_codebook(path)


def test_unreadable_files_give_one_line(tmp_path: Path):
    assert "codebook not found" in validate_codebook(tmp_path / "nope.yaml")[0]
    broken = tmp_path / "broken.yaml"
    broken.write_text("themes: [\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"not valid YAML \(line"):
        load_codebook(broken)
    with pytest.raises(InstrumentError, match="a codebook is a mapping"):
        parse_codebook_or_raise(["just", "a", "list"])


def parse_codebook_or_raise(data):
    book, problems, _missing = parse_codebook(data)
    if problems:
        raise InstrumentError("; ".join(problems))
    return book


def test_example_codebook_is_complete(codebook):
    assert validate_codebook(FGD / "codebook.yaml") == []
    assert len(codebook.themes) == 18
    assert codebook.theme_of("rewarding_relationship").id == "not_mutually_beneficial"
    assert codebook.code_valence("rewarding_relationship") == "positive"
    assert codebook.code_valence("no_gain_for_mentor") == "negative"
    assert codebook.resolve("Found the relationship rewarding") == "rewarding_relationship"
    assert codebook.resolve("FOUND  the relationship REWARDING") == "rewarding_relationship"
    assert codebook.resolve("rewarding relationship") == "rewarding_relationship"
    assert codebook.resolve("not a code") is None


def test_yaml_round_trip(codebook, tmp_path: Path):
    path = tmp_path / "again.yaml"
    path.write_text(codebook_to_yaml(codebook), encoding="utf-8")
    again = load_codebook(path)
    assert again.themes == codebook.themes


def test_qdc_seed_keeps_the_tree_and_leaves_components_empty(tmp_path: Path):
    book, notes = read_qdc(FGD / "codebook.qdc")
    assert notes == []
    assert len(book.themes) == 18
    assert all(theme.component is None and theme.valence is None for theme in book.themes)
    assert book.themes[0].name == "Academic support and satisfaction"
    assert [code.name for code in book.themes[0].codes] == [
        "Guidance on studies and exams",
        "Felt encouraged and listened to",
    ]
    path = tmp_path / "seed.yaml"
    path.write_text(codebook_to_yaml(book, header="seeded"), encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["themes"][0]["component"] is None
    lines = validate_codebook(path)
    assert len(lines) == 36 and all("missing" in line for line in lines)
    assert load_codebook(path, complete=False).codes[0].guid


def test_qdc_nested_and_ungrouped_codes(tmp_path: Path):
    path = tmp_path / "nested.qdc"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.5">\n<Codes>\n'
        '<Code guid="1" name="Access" isCodable="false">\n'
        '  <Code guid="2" name="Reach" isCodable="true">'
        '<Code guid="3" name="Phone" isCodable="true"/></Code>\n'
        '  <Code guid="4" name="Sub" isCodable="false">'
        '<Code guid="5" name="Reach" isCodable="true"/></Code>\n'
        "</Code>\n"
        '<Code guid="6" name="Loose" isCodable="true"/>\n'
        '<Code guid="7" name="Empty" isCodable="false"/>\n'
        "</Codes>\n</CodeBook>\n",
        encoding="utf-8",
    )
    book, notes = read_qdc(path)
    assert [theme.id for theme in book.themes] == ["access", "ungrouped"]
    assert [code.id for code in book.themes[0].codes] == ["reach", "phone", "reach_2"]
    assert [code.name for code in book.themes[1].codes] == ["Loose"]
    assert any("flattened" in note for note in notes)
    assert any("'Empty' has no codable codes" in note for note in notes)


def test_malformed_qdc(tmp_path: Path):
    path = tmp_path / "bad.qdc"
    path.write_text("<CodeBook><Codes>", encoding="utf-8")
    with pytest.raises(InstrumentError, match="malformed XML"):
        read_qdc(path)
