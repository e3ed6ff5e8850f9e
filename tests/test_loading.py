"""Reading exports as people make them: encodings, delimiters, labels, codes, blanks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cipp.flow.analysis import analyze, load_file
from cipp.model.errors import DataError
from cipp.model.instrument import normalize_text
from cipp.model.table import column_name
from cipp.read.instrument import resolve_instrument
from cipp.read.tables import read_table
from tests.conftest import DATA, write_xlsx

MENTOR = resolve_instrument("mentor")
YES_NO_ITEMS = [item for item in MENTOR.items if MENTOR.kind_of(item) == "binary"]
RATING_ITEMS = [item for item in MENTOR.items if MENTOR.kind_of(item) == "rating"]


def mentor_csv_text(sep: str = ",") -> str:
    headers = [item.text for item in MENTOR.items]
    rows = [
        ["Excellent", "very good", " GOOD ", *(["Yes"] * 8)],
        ["5", "4", "3", *(["no"] * 8)],
        ["E", "VG", "", *(["Y"] * 7), "N/A"],
        ["Very  Poor", "poor", "Good", *(["1"] * 4), *(["0"] * 4)],
    ]
    quote = lambda cell: f'"{cell}"' if sep in cell or "," in cell else cell  # noqa: E731
    return "\n".join(sep.join(quote(c) for c in row) for row in [headers, *rows]) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_csv_encodings_and_delimiters(tmp_path, encoding, sep):
    text = mentor_csv_text(sep).replace("Your relationship", "Your relationship")
    path = tmp_path / "mentors.csv"
    path.write_bytes(text.encode(encoding))
    responses = load_file(path, instrument="mentor").responses
    assert responses.n_respondents == 4
    assert responses.codes["program_rating"].tolist() == [5, 5, 5, 1]
    assert responses.codes["experience_quality"].tolist() == [4, 4, 4, 2]
    assert responses.codes["mentee_relationship"].isna().tolist() == [False, False, True, False]
    assert responses.codes["wants_more_meetings"].isna().sum() == 1  # "N/A" is missing


def test_latin1_header_text_is_matched(tmp_path):
    instrument_text = (
        "id: fr\ntitle: Français\nscales:\n  yn:\n    levels:\n"
        "      - {code: 1, label: Oui}\n      - {code: 0, label: Non}\n"
        "items:\n  - {id: q1, text: Le mentor était accessible, scale: yn, component: input}\n"
    )
    instrument = tmp_path / "fr.yaml"
    instrument.write_text(instrument_text, encoding="utf-8")
    path = tmp_path / "fr.csv"
    path.write_bytes("Le mentor était accessible\nOui\nnon\n".encode("latin-1"))
    responses = load_file(path, instrument=instrument).responses
    assert responses.codes["q1"].tolist() == [1, 0]


def test_blank_and_declared_missing_are_missing_never_a_level(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(mentor_csv_text())
    results = analyze(load_file(path, instrument="mentor").responses)
    relationship = results.item("mentee_relationship")
    assert relationship.n_valid == 3 and relationship.n_missing == 1
    assert sum(level.n for level in relationship.levels) == 3
    meetings = results.item("wants_more_meetings")
    assert meetings.n_missing == 1
    assert any("declared missing" in note for note in results.notes)


def test_headers_match_by_id_text_case_and_spacing(tmp_path):
    headers = [item.id.upper() for item in RATING_ITEMS] + [
        f"  {item.text.lower()}?  " for item in YES_NO_ITEMS
    ]
    path = write_xlsx(tmp_path / "m.xlsx", [headers, ["Good"] * 3 + ["Yes"] * 8])
    choice_note = load_file(path).instrument_note
    assert choice_note is not None and "'mentor'" in choice_note


def test_default_sheet_is_first_non_empty_and_sheet_option(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Cover"
    data = workbook.create_sheet("Data")
    data.append(["x", "y"])
    data.append([1, 2])
    other = workbook.create_sheet("Other")
    other.append(["a"])
    other.append(["b"])
    workbook.save(tmp_path / "w.xlsx")
    assert read_table(tmp_path / "w.xlsx").sheet == "Data"
    assert read_table(tmp_path / "w.xlsx", sheet="Other").headers == ("a",)
    with pytest.raises(DataError, match="no sheet 'Nope'"):
        read_table(tmp_path / "w.xlsx", sheet="Nope")


def test_leading_blank_rows_keep_spreadsheet_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", [[None], ["q"], ["a"], [None], ["b"]])
    table = read_table(path)
    assert table.header_row == 2 and table.rows.tolist() == [3, 5]


def test_column_letters():
    assert [column_name(i, spreadsheet=True) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
    assert column_name(3, spreadsheet=False) == "4"


def test_demographic_aliases_and_numeric_bins(tmp_path):
    headers = [
        "Age",
        "Gender",
        "Year of study",
        *(item.id for item in resolve_instrument("mentee").items),
    ]
    rows = [headers, [19, "F", "1st year", *(["SA"] * 10)], [25, "male", "V", *(["sd"] * 10)]]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    responses = load_file(path, instrument="mentee").responses
    assert responses.demographics["gender"].tolist() == ["Female", "Male"]
    assert responses.demographics["year_of_study"].tolist() == ["Year 1", "Year 5"]
    assert responses.demographics["age"].tolist() == [19.0, 25.0]


def test_demographic_value_outside_levels_is_an_error(tmp_path):
    headers = ["Gender", *(item.id for item in resolve_instrument("mentee").items)]
    path = write_xlsx(tmp_path / "m.xlsx", [headers, ["Other", *(["SA"] * 10)]])
    with pytest.raises(DataError, match=r"row 2, column A \(Gender\): 'Other'"):
        load_file(path, instrument="mentee")


def test_example_files_load_without_invalid_cells():
    for name in ("mentors.xlsx", "mentees.xlsx"):
        responses = load_file(DATA / name).responses
        assert not responses.invalid


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Excellent", "Very good", "Good", "Poor", "Very poor", "", "N/A", "5", "1", " good "]
        ),
        min_size=1,
        max_size=40,
    )
)
def test_counts_sum_to_valid_and_percents_in_range(tmp_path_factory, answers):
    path = tmp_path_factory.mktemp("h") / "m.csv"
    header = ",".join(item.text for item in RATING_ITEMS)
    path.write_text(header + "\n" + "\n".join(f"{a},{a},{a}" for a in answers) + "\n")
    table = read_table(path)
    from cipp.read.responses import load_responses

    # A row left wholly blank is not a respondent (exports end in blank rows).
    respondents = sum(1 for a in answers if a.strip())
    if not respondents:
        with pytest.raises(DataError, match="no responses"):
            load_responses(table, MENTOR, require_all_items=False)
        return
    results = analyze(load_responses(table, MENTOR, require_all_items=False))
    summary = results.item("program_rating")
    assert summary.n_valid + summary.n_missing == respondents
    assert sum(level.n for level in summary.levels) == summary.n_valid
    for level in summary.levels:
        if summary.n_valid:
            assert 0 <= level.percent <= 100
            assert level.ci_low <= level.percent <= level.ci_high
    if summary.n_valid:
        assert sum(level.percent for level in summary.levels) == pytest.approx(100)


@given(st.sampled_from([lvl for s in MENTOR.scales for lvl in s.levels]))
def test_label_to_code_to_label_round_trip(level):
    scale = next(s for s in MENTOR.scales if level in s.levels)
    lookup = scale.lookup()
    assert scale.label_of(lookup[normalize_text(level.label)]) == level.label
    for alias in level.aliases:
        assert lookup[normalize_text(alias)] == level.code


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=9), min_size=1, max_size=60))
def test_count_stats_equal_numpy_on_the_answers(answers):
    """Item statistics are computed from level counts; they must equal numpy's."""
    import numpy as np

    from cipp.stats.describe import count_stats

    counts: dict[int, int] = {}
    for answer in answers:
        counts[answer] = counts.get(answer, 0) + 1
    mean, sd, median = count_stats(counts)
    values = np.array(answers, dtype=float)
    assert mean == pytest.approx(values.mean())
    assert median == pytest.approx(np.median(values))
    if len(values) > 1:
        assert sd == pytest.approx(values.std(ddof=1), abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(1, 6), min_size=3, max_size=3), min_size=2, max_size=30))
def test_alpha_by_columns_equals_alpha_of_the_matrix(rows):
    import math

    import numpy as np

    from cipp.stats.reliability import cronbach_alpha, cronbach_alpha_columns

    matrix = np.array(rows)
    by_matrix = cronbach_alpha(matrix)
    by_columns = cronbach_alpha_columns([matrix[:, j] for j in range(3)])
    if math.isnan(by_matrix):
        assert math.isnan(by_columns)
    else:
        assert by_columns == pytest.approx(by_matrix)


def test_a_title_above_the_header_is_skipped(tmp_path):
    """Hand-made sheets often start with a title; the header is found below it."""
    headers = [item.text for item in MENTOR.items]
    rows = [
        ["Mentor survey, academic year 2024"],
        [None],
        headers,
        ["Good"] * 3 + ["Yes"] * 8,
        ["Poor"] * 3 + ["No"] * 8,
    ]
    path = write_xlsx(tmp_path / "titled.xlsx", rows)
    loaded = load_file(path)
    assert loaded.responses.instrument.id == "mentor"
    assert loaded.responses.n_respondents == 2
    assert loaded.responses.codes["program_rating"].tolist() == [3, 2]
    assert loaded.responses.codes.index.tolist() == [4, 5]  # spreadsheet row numbers
    rows[3][0] = "Superb"
    path = write_xlsx(tmp_path / "titled.xlsx", rows)
    with pytest.raises(DataError, match="row 4, column A"):
        load_file(path, instrument="mentor")


def test_values_between_whole_number_bins_fall_in_the_lower_bin(tmp_path):
    """'Under 10' (max 9) and '10-19' (min 10): 9.5 years is under 10; 19.5 is 10-19."""
    headers = ["Teaching experience (years)", *(item.id for item in MENTOR.items)]
    answers = ["Good"] * 3 + ["Yes"] * 8
    rows = [headers, [9.5, *answers], [19.5, *answers], [20, *answers], [0, *answers]]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    from cipp.stats.describe import group_numeric

    responses = load_file(path, instrument="mentor").responses
    experience = MENTOR.demographic("experience")
    grouped = group_numeric(experience, responses.demographics["experience"])
    assert grouped.tolist() == ["Under 10", "10-19", "20 or more", "Under 10"]


def test_a_number_outside_every_bin_is_an_error(tmp_path):
    instrument = tmp_path / "i.yaml"
    instrument.write_text(
        "id: t\ntitle: T\nscales:\n  yn:\n"
        "    levels: [{code: 1, label: 'Yes'}, {code: 0, label: 'No'}]\n"
        "items:\n  - {id: q1, text: Q1, scale: yn, component: input}\n"
        "demographics:\n  - id: age\n    type: numeric\n"
        "    bins: [{label: young, min: 18, max: 29}, {label: older, min: 30, max: 65}]\n"
    )
    path = write_xlsx(tmp_path / "m.xlsx", [["q1", "age"], ["Yes", 29.5], ["No", 70]])
    with pytest.raises(DataError, match=r"row 3, column B \(age\): '70'"):
        load_file(path, instrument=instrument)
    path = write_xlsx(tmp_path / "m.xlsx", [["q1", "age"], ["Yes", 29.5]])
    assert load_file(path, instrument=instrument).responses.demographics["age"].tolist() == [29.5]


def test_rows_with_only_an_id_are_not_respondents(tmp_path):
    headers = ["Respondent", *(item.text for item in MENTOR.items)]
    rows = [headers, ["M01", *(["Good"] * 3), *(["Yes"] * 8)], ["M02"], ["M03"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    results = analyze(load_file(path, instrument="mentor").responses)
    assert results.n_respondents == 1
    assert results.item("program_rating").n_missing == 0
    assert any("2 rows answered no item or demographic" in note for note in results.notes)
