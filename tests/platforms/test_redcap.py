"""REDCap: data dictionary (both header variants) -> instrument; raw, label and
longitudinal exports -> the same counts as the plain workbook."""

from __future__ import annotations

import dataclasses

import pytest

from cipp.model.errors import InstrumentError
from cipp.platforms import (
    ImportOptions,
    detect_source,
    from_redcap,
    missing_components,
    read_export,
)
from cipp.platforms.redcap import parse_choices
from cipp.platforms.tables import texts
from cipp.read.instrument import load_instrument
from cipp.read.responses import load_responses

from .common import DATA, assert_same_counts

OPTIONS = ImportOptions(demographics=("gender", "age"), missing_codes=("99",))
NEEDS = ("resources__1", "resources__2", "resources__3", "recommend")


@pytest.fixture(scope="module")
def imported():
    return from_redcap(DATA / "redcap_dictionary.csv", OPTIONS)


def test_choices_split_on_the_first_comma_only():
    choices = parse_choices("1, Yes, very useful | 2,Somewhat|3, No, not at all")
    assert [(c.code, c.label) for c in choices] == [
        ("1", "Yes, very useful"),
        ("2", "Somewhat"),
        ("3", "No, not at all"),
    ]


def test_dictionary_import(imported):
    instrument, report = imported.instrument, imported.report
    assert [i.id for i in instrument.items] == [
        "goals",
        "support",
        "useful",
        "resources__1",
        "resources__2",
        "resources__3",
        "recommend",
    ]
    ratings = instrument.scale("ratings")  # the matrix group's shared scale
    assert [(lv.code, lv.label) for lv in ratings.levels] == [
        (1, "Strongly disagree"),
        (2, "Disagree"),
        (3, "Neutral"),
        (4, "Agree"),
        (5, "Strongly agree"),
    ]
    assert ratings.missing == ("99", "Not applicable")  # --missing-code 99 left the levels
    assert instrument.item("goals").scale == instrument.item("support").scale == "ratings"
    assert instrument.item("support").text == "My mentor was supportive."
    assert instrument.item("support").aliases == ("My mentor was <i>supportive</i>.",)
    useful = instrument.scale(instrument.item("useful").scale)
    assert [lv.label for lv in useful.levels] == ["Yes, very useful", "Somewhat", "No, not at all"]
    recommend = instrument.scale(instrument.item("recommend").scale)
    assert [(lv.code, lv.label) for lv in recommend.levels] == [(1, "Yes"), (0, "No")]
    option = instrument.item("resources__1")
    assert option.text == "Which resources did you use? [Library, online]"
    assert option.source_id == "resources___1"
    assert "Which resources did you use? (choice=Library, online)" in option.aliases
    assert instrument.scale(option.scale).kind == "binary"
    # components from the section headers Context / Process / Product; none for the rest
    assert [instrument.item(i).component for i in ("goals", "support", "useful")] == [
        "context",
        "process",
        "product",
    ]
    assert report.needs_component == NEEDS
    assert [d.id for d in instrument.demographics] == ["gender", "age"]
    assert instrument.demographic("age").kind == "numeric"
    assert instrument.free_text == ("comments",)
    assert dict(report.skipped) == {
        "record_id": "the record id",
        "intro": "descriptive text",
        "consent_date": "a text field validated as date_ymd",
        "total": "a calculated field",
    }
    assert instrument.source["platform"] == "redcap"
    assert instrument.source["file"] == "redcap_dictionary.csv"
    assert len(instrument.source["sha256"]) == 64


def test_api_header_variant_gives_the_same_instrument(imported):
    api = from_redcap(DATA / "redcap_dictionary_api.csv", OPTIONS).instrument
    display = imported.instrument
    ignore = {"source": {}, "description": "", "id": "x", "title": "x"}
    assert dataclasses.replace(api, **ignore) == dataclasses.replace(display, **ignore)


def test_yaml_validates_after_a_component_map(imported, tmp_path):
    yaml_path = tmp_path / "redcap.yaml"
    yaml_path.write_text(imported.to_yaml(), encoding="utf-8")
    text = yaml_path.read_text(encoding="utf-8")
    assert text.startswith("# Imported from REDCap data dictionary redcap_dictionary.csv")
    assert "#   - consent_date: a text field validated as date_ymd" in text
    assert "component: unassigned  # TODO" in text
    assert missing_components(yaml_path) == list(NEEDS)
    # a draft loads (its unassigned items are analysed apart) ...
    assert load_instrument(yaml_path).item("resources__1").component == "unassigned"
    # ... but an empty component is still refused, saying what to write
    yaml_path.write_text(text.replace("component: unassigned", 'component: ""'), encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"component \(item 'resources__1'\): missing"):
        load_instrument(yaml_path)
    components = {
        "resources": "process",
        "recommend": "product",
    }  # a question id covers its options
    fixed = from_redcap(
        DATA / "redcap_dictionary.csv", dataclasses.replace(OPTIONS, components=components)
    )
    yaml_path.write_text(fixed.to_yaml(), encoding="utf-8")
    assert missing_components(yaml_path) == []
    loaded = load_instrument(yaml_path)
    assert dataclasses.replace(loaded, path=None) == fixed.instrument
    assert loaded.item("resources__2").component == "process"


@pytest.fixture(scope="module")
def instrument(imported):
    components = {item: "process" for item in NEEDS}
    return from_redcap(
        DATA / "redcap_dictionary.csv", dataclasses.replace(OPTIONS, components=components)
    ).instrument


@pytest.mark.parametrize("name", ["redcap_raw.csv", "redcap_labels.csv", "redcap_longitudinal.csv"])
def test_exports_give_the_plain_counts(instrument, tmp_path, name):
    assert detect_source(DATA / name, _table(DATA / name)) == "redcap"
    loaded = assert_same_counts(DATA / name, instrument, tmp_path, unanswered_is_missing=False)
    assert loaded.declared_missing["goals"] == 1  # 99 / "Not applicable"
    assert list(loaded.demographics["gender"]) == [
        "Female",
        "Male",
        "Female",
        "Male",
        "Female",
        "Female",
    ]
    comments = "Any comments?" if name == "redcap_labels.csv" else "comments"
    assert list(loaded.other[comments])[0] == "Great, thanks"


def _table(path):
    from cipp.read.tables import read_table

    return read_table(path)


def test_longitudinal_export_keeps_events(instrument):
    table = read_export(DATA / "redcap_longitudinal.csv", instrument=instrument)
    loaded = load_responses(table, instrument)
    assert list(loaded.other["redcap_event_name"]) == ["baseline_arm_1", "followup_arm_1"] * 3


def test_checkbox_columns_are_renamed_without_an_instrument():
    table = read_export(DATA / "redcap_raw.csv")
    assert "resources__1" in table.headers and "resources___1" not in table.headers
    assert texts(table, table.headers.index("resources__1")) == ["1", "0", "0", "1", "0", "1"]


def test_complete_only_keeps_complete_records(instrument):
    for name in ("redcap_raw.csv", "redcap_labels.csv"):
        table = read_export(DATA / name, complete_only=True)
        assert table.rows.tolist() == [2, 3, 4, 6, 7]  # record 4 is Incomplete


def test_not_applicable_is_a_missing_value_without_missing_code():
    """'99, Not applicable' is no place on the scale (it would be its top code): it leaves
    the levels on its own, and the report says so."""
    result = from_redcap(DATA / "redcap_dictionary.csv")
    plain = result.instrument
    assert [(lv.code, lv.label) for lv in plain.scale("ratings").levels][-1] == (
        5,
        "Strongly agree",
    )
    assert plain.scale("ratings").missing == ("99", "Not applicable")
    assert any("'Not applicable' is no place on the scale" in g for g in result.report.guessed)


def test_unknown_component_and_demographic_are_reported():
    with pytest.raises(InstrumentError) as error:
        from_redcap(
            DATA / "redcap_dictionary.csv",
            ImportOptions(components={"goal": "context"}, demographics=("gendr",)),
        )
    message = str(error.value)
    assert "`components=goal`: no such item (nearest: goals)" in message
    assert "`demographics=gendr`: no such question (nearest: gender)" in message


def test_not_a_dictionary(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="not a REDCap data dictionary"):
        from_redcap(path)


# --- choice lists that cannot be read (issue 14) ------------------------------------------

#: A dictionary in REDCap's API column names with one good radio field and choice lists
#: as a hand edit in a spreadsheet leaves them.
MANGLED = {
    "nocomma": ("radio", "1 Agree | 2 Disagree"),
    "lost_bars": ("radio", "1, Agree 2, Disagree 3, Neutral"),
    "slashes": ("dropdown", "1, Agree / 2, Disagree"),
    "one_choice": ("dropdown", "1, Agree"),
    "same_code": ("radio", "1, Yes | 1, No"),
    "empty": ("radio", ""),
    "boxes": ("checkbox", "library online | mentor"),
    "long": ("radio", "1 " + "Strongly agree " * 40 + "| 2 Disagree"),
}


def _dictionary(tmp_path, fields):
    rows = [
        "field_name,form_name,section_header,field_type,field_label,select_choices_or_calculations"
    ]
    rows.append("record_id,survey,,text,ID,")
    rows.append('good,survey,,radio,Good,"1, Disagree | 2, Neutral | 3, Agree"')
    rows += [
        f'{name},survey,,{kind},Question {name},"{cell}"' for name, (kind, cell) in fields.items()
    ]
    rows.append("yn,survey,,yesno,Would you recommend it?,")
    path = tmp_path / "dict.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_choice_list_that_cannot_be_read_is_skipped_with_what_was_found(tmp_path):
    result = from_redcap(_dictionary(tmp_path, MANGLED))
    instrument, skipped = result.instrument, dict(result.report.skipped)
    # the rest imports; nothing mangled became a two-level (yes/no-like) item
    assert [item.id for item in instrument.items] == ["good", "yn"]
    assert instrument.scale_of(instrument.item("yn")).kind == "binary"
    assert skipped["nocomma"] == (
        "cannot read its radio choices: choice '1 Agree' has no comma between code and "
        "label (REDCap writes '1, Label | 2, Label'); found '1 Agree | 2 Disagree'"
    )
    assert "the label 'Agree 2, Disagree 3, Neutral' holds another choice" in skipped["lost_bars"]
    assert "the label 'Agree / 2, Disagree' holds another choice" in skipped["slashes"]
    assert skipped["one_choice"].startswith("cannot read its dropdown choices: only one choice")
    assert "the code '1' is given to two choices" in skipped["same_code"]
    assert skipped["empty"] == "cannot read its radio choices: no choices listed"
    assert "choice 'library online' has no comma" in skipped["boxes"]
    # what was found is cut to 80 characters, with its full length
    length = len(MANGLED["long"][1])
    assert skipped["long"].endswith(f"…' ({length} characters)")
    assert "found '1 Strongly agree" in skipped["long"]
    assert all(len(line) < 300 for line in result.report.lines())


def test_readable_lists_that_are_not_the_usual_form(tmp_path):
    fields = {
        "codes_only": ("radio", "1 | 2 | 3"),  # REDCap: the code is its own label
        "lines": ("radio", "1, Agree\n2, Disagree"),  # one choice a line, as REDCap stores it
        "commas": ("radio", "1, Yes, very | 2, No, not at all"),
        "one_box": ("checkbox", "1, I consent"),  # a checkbox field may have one box
        "negative": ("radio", "1, Yes | 0, No | -99, Not applicable"),
    }
    result = from_redcap(_dictionary(tmp_path, fields))
    instrument = result.instrument
    assert [item.id for item in instrument.items] == [
        "good",
        "codes_only",
        "lines",
        "commas",
        "one_box__1",
        "negative",
        "yn",
    ]
    lines = instrument.scale_of(instrument.item("lines"))
    assert [(lv.code, lv.label) for lv in lines.levels] == [(1, "Agree"), (2, "Disagree")]
    assert [lv.label for lv in instrument.scale_of(instrument.item("commas")).levels] == [
        "Yes, very",
        "No, not at all",
    ]
    assert [s for s, _ in result.report.skipped] == ["record_id"]


def test_a_field_named_twice_is_skipped_not_renamed(tmp_path):
    path = _dictionary(tmp_path, {"good": ("radio", "1, No | 2, Yes")})
    result = from_redcap(path)
    assert [item.id for item in result.instrument.items] == ["good", "yn"]
    assert dict(result.report.skipped)["good (row 4)"] == "an earlier row names this field too"


def test_cli_dry_run_shows_the_skipped_list(tmp_path, runner):
    from cipp.cli import app

    path = _dictionary(tmp_path, {"nocomma": MANGLED["nocomma"]})
    result = runner.invoke(app, ["instrument", "from-redcap", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "  - nocomma: cannot read its radio choices: choice '1 Agree'" in result.output


def test_no_report_line_is_unbounded(tmp_path):
    big = "F" * 3000
    path = tmp_path / "dict.csv"
    rows = [
        "field_name,form_name,section_header,field_type,field_label,"
        "select_choices_or_calculations,field_note,text_validation_type_or_show_slider_number",
        "record_id,f,,text,ID,,,",
        f'{big},f,,radio,X,"1, A | 2, B",,',
        f"q2,f,,weird{big},X,,,",
        f"q3,f,,text,X,,,date{big}",
        f'q4,f,Process {big},radio,X,"1, A | 2, B",,',
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    lines = from_redcap(path).report.lines()
    assert max(len(line) for line in lines) <= 500
    text = "\n".join(lines)
    assert "  - q2: unknown field type 'weirdfff" in text and "(3,005 characters)" in text
    assert "  - q3: a text field validated as 'datefff" in text
    assert "q4: component 'process' from its section header 'Process FFF" in text
    assert lines[-1].endswith(f"'{'F' * 80}…' (3,000 characters)")  # the item to assign
