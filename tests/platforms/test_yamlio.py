"""The YAML writer emits the documented format: every bundled instrument round-trips."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cipp.platforms import instrument_to_yaml, missing_components
from cipp.platforms.yamlio import _scalar
from cipp.read.instrument import bundled_paths, load_instrument


@pytest.mark.parametrize("name", sorted(bundled_paths()))
def test_bundled_instruments_round_trip(name, tmp_path):
    original = load_instrument(bundled_paths()[name])
    path = tmp_path / f"{name}.yaml"
    path.write_text(instrument_to_yaml(original, header=["a comment"]), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("# a comment\n")
    assert dataclasses.replace(load_instrument(path), path=None) == dataclasses.replace(
        original, path=None
    )


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "No",
        "null",
        "1.5",
        "a: b",
        "#x",
        "N/A",
        "",
        " pad",
        "it's",
        "Oui ?",
        "é",
        '"q"',
        "[x]",
        "Yes, very useful",
        "- dash",
        "@at",
        "tab\there",
        "line\nbreak",
        "~",
        "0x10",
    ],
)
def test_scalars_read_back_as_the_same_string(text):
    assert yaml.safe_load(f"key: {_scalar(text)}") == {"key": text}
    assert yaml.safe_load(f"[{_scalar(text)}]") == [text]


@given(st.text(max_size=30))
def test_any_text_reads_back(text):
    assert yaml.safe_load(f"k: {{label: {_scalar(text)}}}") == {"k": {"label": text}}


def test_missing_components(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(
        "items:\n  - {id: a, component: process}\n  - {id: b, component: ''}\n"
        "  - {id: c}\n  - {text: no id}\n",
        encoding="utf-8",
    )
    assert missing_components(path) == ["b", "c", "items[3]"]
    path.write_text("just text", encoding="utf-8")
    assert missing_components(path) == []
