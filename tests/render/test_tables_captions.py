"""What the tables say about themselves: captions named by the scale, the favourable
group spelled out, SPSS's footnotes lettered, one number format for n."""

from __future__ import annotations

import pytest

from cipp.flow.analysis import AnalysisOptions, analyze_file
from cipp.render.document import COUNT, P_VALUE, PERCENT
from cipp.render.numbers import count, n_percent
from cipp.render.prose import expected_note
from cipp.render.tabular import (
    association_tables,
    level_table,
    level_table_caption,
    note_mark,
    positive_groups,
)
from tests.conftest import DATA


@pytest.fixture(scope="module")
def mentors():
    return analyze_file(DATA / "mentors.xlsx", options=AnalysisOptions(by=("experience",)))


def test_note_marks_run_as_spss_letters_them():
    assert [note_mark(k) for k in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "a",
        "b",
        "z",
        "aa",
        "ab",
        "az",
        "ba",
        "zz",
        "aaa",
    ]


def test_counts_have_a_thousands_separator():
    assert count(2400) == "2,400" and count(999) == "999" and count(None) == "–"
    assert n_percent(1234, 51.41, 1) == "1,234 (51.4)"


def test_captions_and_notes_name_the_scale(mentors):
    first, second = mentors.tables()
    assert level_table_caption(mentors, first) == (
        "Table 1. Mentor evaluation of the mentorship program: 5-point rating scale "
        "items, n (%) (n = 29)"
    )
    assert "Yes/No items" in level_table_caption(mentors, second)
    scales = {scale.id: scale for scale in mentors.instrument.scales}
    assert positive_groups([scales["rating5"]]) == "Good or better = Excellent, Very good or Good"
    assert positive_groups([scales["yes_no"], scales["yes_no_reversed"]]) == (
        "Yes / No: Yes; Yes / No (No is favourable): No"
    )
    table = level_table(mentors, second)
    assert "(Yes / No: Yes; Yes / No (No is favourable): No)" in table.notes[0]


def test_level_table_holds_its_numbers(mentors):
    table = level_table(mentors, mentors.tables()[0])
    row = next(r for r, cells in enumerate(table.rows) if cells[0].startswith("How would"))
    summary = next(s for s in mentors.items if s.id == "program_rating")
    n, pct = table.numbers_of(row, 1)
    assert (n.kind, n.value, pct.kind) == (COUNT, summary.levels[0].n, PERCENT)
    assert pct.value == summary.levels[0].percent  # unrounded
    share, low, high = table.numbers_of(row, len(table.header) - 1)
    assert (share.value, low.value, high.value) == (
        summary.positive.percent,
        summary.positive.ci_low,
        summary.positive.ci_high,
    )


def test_tests_tables_key_spss_footnotes_to_their_rows(mentors):
    (table,) = association_tables(mentors)
    column = table.header.index("Expected counts")
    tests = [t for t in mentors.associations if t.by == "experience"]
    notes = {note.split(". ", 1)[0]: note.split(". ", 1)[1] for note in table.notes[3:]}
    for test, row in zip(tests, table.rows, strict=True):
        assert notes[row[column]] == expected_note(test.result)
        p_column = table.header.index("p")
        (p,) = table.numbers_of(table.rows.index(row), p_column)
        assert (p.kind, p.value) == (P_VALUE, test.result.p_value_used)
    assert not any("< 5; min" in " ".join(row) for row in table.rows)
