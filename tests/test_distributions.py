"""The numbers behind the figures by group and by wave (issue 19, part 4).

By group: each bar's counts against a pandas crosstab of the raw workbook's cells (read
here with pandas, mapped with the instrument's labels by hand) and against the tables
the association tests ran on; declared missing answers (N/A) per group against the raw
cells. By wave: one bar per wave, each the wave's own counts; a wave that did not ask an
item has a "not asked" bar. Sorting: instrument order, or most positive first.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cipp.flow.analysis import AnalysisOptions, analyze, load_file
from cipp.flow.batch import run_batch
from cipp.flow.distributions import by_group, by_groups, by_wave, check_sort
from cipp.model.errors import CippError
from tests.conftest import DATA

MENTEES = DATA / "mentees.xlsx"
MENTORS = DATA / "mentors.xlsx"
FEEDBACK = "My mentor gave me constructive critiques of my work."
#: The example file's cell texts as the agreement scale reads them, by level position.
AGREEMENT = {
    "strongly disagree": 0,
    "sd": 0,
    "disagree": 1,
    "slightly disagree": 2,
    "slightly agree": 3,
    "agree": 4,
    "strongly agree": 5,
    "sa": 5,
}
DECLARED = {"n/a", "not applicable", "99"}  # the mentee instrument's missing values


def _normal(cells: pd.Series) -> pd.Series:
    return cells.fillna("").str.strip().str.lower().str.split().str.join(" ")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_excel(MENTEES, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def mentees():
    return load_file(MENTEES).responses


@pytest.fixture(scope="module")
def by_year(mentees):
    return by_group(mentees, "Year of study")


def test_bars_equal_an_independent_crosstab_of_the_raw_cells(by_year, raw, mentees):
    assert by_year.groups == ("Year 1", "Year 2", "Year 3", "Year 4", "Year 5")
    assert by_year.n_respondents == 182 and by_year.ungrouped == 0
    for item in by_year.items:
        header = mentees.columns[item.id]
        cells = _normal(raw[header])
        positions = cells.map(AGREEMENT)
        answered = positions.notna()
        table = pd.crosstab(positions[answered].astype(int), raw["Year of study"][answered])
        table = table.reindex(index=range(6), columns=by_year.groups, fill_value=0)
        declared = raw["Year of study"][cells.isin(DECLARED)].value_counts()
        for bar in item.bars:
            assert list(bar.counts) == table[bar.group].tolist(), (item.id, bar.group)
            assert bar.n == int(answered[raw["Year of study"] == bar.group].sum())
            assert bar.declared_missing == int(declared.get(bar.group, 0)), (item.id, bar.group)
    # The example file's one N/A: a Year 4 mentee's answer on constructive critiques.
    feedback = next(item for item in by_year.items if item.id == "constructive_feedback")
    assert [bar.declared_missing for bar in feedback.bars] == [0, 0, 0, 1, 0]
    assert _normal(raw[FEEDBACK]).isin(DECLARED).sum() == 1


def test_bars_equal_the_tables_the_association_tests_ran_on():
    results = analyze(load_file(MENTORS).responses, AnalysisOptions(by=("mentoring_year",)))
    distributions = by_group(load_file(MENTORS).responses, "mentoring_year")
    items = {item.id: item for item in distributions.items}
    tested = [a for a in results.associations if a.level == "item"]
    assert len(tested) == len(items) == 11
    for test in tested:
        item = items[test.item]
        table = test.result
        for i, row in enumerate(table.row_labels):
            for j, group in enumerate(table.col_labels):
                bar = next(b for b in item.bars if b.group == group)
                assert bar.counts[item.levels.index(row)] == table.table[i][j], (test.item, row)
        for row in table.dropped_rows:  # levels nobody chose: zero in every bar
            assert all(bar.counts[item.levels.index(row)] == 0 for bar in item.bars)
        assert sum(bar.n for bar in item.bars) == table.n


def test_positive_share_pools_the_bars_and_sorting_puts_the_most_positive_first(mentees):
    results = analyze(mentees, AnalysisOptions(by=()))
    by_instrument = by_group(mentees, "gender")
    by_positive = by_group(mentees, "gender", sort="positive")
    assert by_instrument.ungrouped == 0  # every mentee gave a gender: pooled = overall
    assert [i.id for i in by_instrument.items] == [i.id for i in mentees.instrument.items]
    for item in by_positive.items:
        assert item.positive_percent == pytest.approx(results.item(item.id).positive_percent)
    expected = sorted(
        mentees.instrument.items,
        key=lambda i: (
            ("context", "input", "process", "product").index(i.component),
            -results.item(i.id).positive_percent,
        ),
    )
    assert [i.id for i in by_positive.items] == [i.id for i in expected]
    # Input: accessible (74.7%) before sessions often enough (47.3%) before resources (40.1%).
    inputs = [i.id for i in by_positive.items if i.component == "input"]
    assert inputs == ["mentor_accessible", "sessions_often_enough", "satisfied_resources"]


def test_each_grouping_once_and_unknown_sorts_are_refused(mentees):
    assert [d.by for d in by_groups(mentees, ["gender", "Gender", "year_of_study"])] == [
        "gender",
        "year_of_study",
    ]
    with pytest.raises(CippError, match=r"`sort='alphabetical'` is not one of instrument, pos"):
        check_sort("alphabetical")
    with pytest.raises(CippError, match="`by=nowhere`"):
        by_group(mentees, "nowhere")


def test_respondents_without_a_group_are_in_no_bar(tmp_path, raw):
    frame = raw.copy()
    frame.loc[:4, "Gender"] = ""  # five blank cells
    frame.to_csv(tmp_path / "blanks.csv", index=False)
    distributions = by_group(load_file(tmp_path / "blanks.csv").responses, "gender")
    assert distributions.ungrouped == 5 and distributions.n_respondents == 177
    assert all(sum(bar.n for bar in item.bars) <= 177 for item in distributions.items)


@pytest.fixture(scope="module")
def two_waves(tmp_path_factory, raw):
    """wave_2023.csv without the goals_clear column (an older form), wave_2024.csv."""
    folder = tmp_path_factory.mktemp("waves")
    frame = raw.drop(columns=["academic_year"])
    older, newer = (frame[raw["academic_year"] == year] for year in ("2023", "2024"))
    goals = "The goals of the mentorship program were made clear to me."
    older.drop(columns=[goals]).to_csv(folder / "wave_2023.csv", index=False)
    newer.to_csv(folder / "wave_2024.csv", index=False)
    return run_batch([folder], options=AnalysisOptions(by=()), workers=1)


def test_batch_has_one_bar_per_wave_with_the_waves_own_counts(two_waves):
    distributions = by_wave(two_waves)
    assert distributions.waves and distributions.groups == ("wave_2023", "wave_2024")
    assert distributions.n_respondents == 182
    for item in distributions.items:
        assert [bar.group for bar in item.bars] == ["wave_2023", "wave_2024"]
        for bar in item.bars:
            results = two_waves.waves[bar.group]
            if not bar.asked:
                assert item.id in results.items_not_asked and bar.n == 0
                continue
            assert list(bar.counts) == [level.n for level in results.item(item.id).levels]
            assert bar.declared_missing == results.declared_missing[item.id]
    goals = next(item for item in distributions.items if item.id == "goals_clear")
    assert [bar.asked for bar in goals.bars] == [False, True]
    assert not math.isnan(goals.positive_percent)  # from the wave that asked it
    feedback = next(item for item in distributions.items if item.id == "constructive_feedback")
    assert sum(bar.declared_missing for bar in feedback.bars) == 1
