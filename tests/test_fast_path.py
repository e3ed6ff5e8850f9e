"""The fast paths (level positions, joint crosstabs, counted variances, chunked CSV
reading) against plain, obviously correct computations."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cipp.read.tables
import cipp.stats.crosstab
from cipp import to_dict
from cipp.flow.analysis import AnalysisOptions, analyze
from cipp.flow.grouping import resolve_grouping
from cipp.model.responses import MISSING_CODE, Grouping, level_positions
from cipp.model.table import RawTable, answered_rows
from cipp.read.instrument import instrument_from_dict
from cipp.read.responses import _distinct_and_indices, load_responses
from cipp.read.tables import read_table
from cipp.stats.counting import tally
from cipp.stats.crosstab import JointGroups, crosstab
from cipp.stats.describe import component_rows, counts_of_levels, level_counts
from cipp.stats.reliability import cronbach_alpha_columns, cronbach_alpha_levels, variance_of_counts

# --- tally ----------------------------------------------------------------------------


def _seeded_arrays(dtype: str, high: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, high, size=size).astype(dtype) for size in (0, 1, 7, 1000)]


@pytest.mark.parametrize("n_values", [0, 1, 2, 5, 16, 17, 100, 256, 300])
def test_tally_of_uint8_equals_bincount(n_values):
    for values in _seeded_arrays("uint8", 256, seed=n_values):
        counts = tally(values, n_values)
        assert counts.dtype == np.int64
        assert counts.tolist() == np.bincount(values, minlength=n_values)[:n_values].tolist()


@settings(max_examples=50, deadline=None)
@given(
    dtype=st.sampled_from(["int32", "int64", "uint16", "uint8"]),
    n_values=st.integers(0, 40),
    values=st.lists(st.integers(0, 80), max_size=200),
)
def test_tally_ignores_values_outside_the_range(dtype, n_values, values):
    array = np.array(values, dtype=dtype)
    expected = np.bincount(array, minlength=n_values)[:n_values]
    assert tally(array, n_values).tolist() == expected.tolist()


# --- joint crosstabs ------------------------------------------------------------------


@st.composite
def groupings_and_rows(draw):
    n = draw(st.integers(0, 60))
    n_rows = draw(st.integers(1, 5))
    rows = np.array(draw(st.lists(st.integers(0, n_rows), min_size=n, max_size=n)))
    rows = rows.astype(draw(st.sampled_from(["uint8", "int64"])))
    groupings = []
    for g in range(draw(st.integers(1, 3))):
        k = draw(st.integers(1, 4))
        codes = draw(st.lists(st.integers(-1, k - 1), min_size=n, max_size=n))
        groupings.append(
            Grouping(
                id=f"g{g}",
                label=f"G{g}",
                labels=tuple(f"level {j}" for j in range(k)),
                codes=np.array(codes, dtype="int64"),
                ordered=False,
            )
        )
    return groupings, rows, n_rows


def _check_joint_crosstabs(groupings, rows, n_rows):
    tables = JointGroups(groupings).crosstabs(rows, n_rows)
    assert len(tables) == len(groupings)
    plain_rows = np.where(rows == n_rows, -1, rows.astype("int64"))
    for grouping, table in zip(groupings, tables, strict=True):
        expected = crosstab(plain_rows, grouping.codes, n_rows, len(grouping.labels))
        assert table.shape == (n_rows, len(grouping.labels))
        assert table.tolist() == expected.tolist()


@settings(max_examples=50, deadline=None)
@given(case=groupings_and_rows())
def test_joint_crosstabs_equal_one_crosstab_per_grouping(case):
    _check_joint_crosstabs(*case)


@settings(max_examples=50, deadline=None)
@given(case=groupings_and_rows())
def test_joint_crosstabs_over_several_packs_equal_crosstabs(case):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cipp.stats.crosstab, "JOINT_GROUPS_LIMIT", 4)
        _check_joint_crosstabs(*case)


def test_small_joint_limit_really_splits_the_groupings_into_packs(monkeypatch):
    monkeypatch.setattr(cipp.stats.crosstab, "JOINT_GROUPS_LIMIT", 4)
    rng = np.random.default_rng(3)
    groupings = [
        Grouping(f"g{g}", f"G{g}", ("a", "b", "c"), rng.integers(-1, 3, 50), ordered=True)
        for g in range(3)
    ]
    joint = JointGroups(groupings)
    assert len(joint._packs) == 3  # one grouping (4 slots with "unknown") per pack
    rows = rng.integers(0, 3, 50).astype("uint8")  # 2 is the unknown slot
    _check_joint_crosstabs(groupings, rows, 2)


# --- Cronbach's alpha from level positions --------------------------------------------

SCALE_CODES = [(1, 2, 3, 4, 5), (0, 1, 2, 3), (-2, -1, 0, 1, 2), (1, 0), (5, 4, 3, 2, 1)]


def _alpha_by_hand(levels: list[np.ndarray], codes) -> tuple[float, int]:
    complete = np.all([item < len(codes) for item in levels], axis=0)
    lookup = np.array(codes)
    columns = [lookup[item[complete]] for item in levels]
    return cronbach_alpha_columns(columns), int(complete.sum())


def _same_float(got: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(got)
    return got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@st.composite
def level_matrices(draw):
    codes = draw(st.sampled_from(SCALE_CODES))
    k = draw(st.integers(2, 5))
    n = draw(st.integers(0, 40))
    missing_share = draw(st.sampled_from([0.0, 0.1, 0.5]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    base = rng.integers(0, len(codes), n)
    levels = []
    for _ in range(k):
        # Correlated items (mostly the respondent's base answer), some answers missing.
        item = np.where(rng.random(n) < 0.6, base, rng.integers(0, len(codes), n))
        item = np.where(rng.random(n) < missing_share, len(codes), item)
        levels.append(item.astype("uint8"))
    return levels, codes


@settings(max_examples=50, deadline=None)
@given(case=level_matrices())
def test_alpha_from_levels_equals_alpha_of_complete_rows(case):
    levels, codes = case
    alpha, n = cronbach_alpha_levels(levels, codes)
    expected, n_complete = _alpha_by_hand(levels, codes)
    assert n == n_complete
    assert _same_float(alpha, expected), (alpha, expected)


@pytest.mark.parametrize("codes", SCALE_CODES)
def test_alpha_from_levels_on_seeded_data_with_missing_answers(codes):
    rng = np.random.default_rng(len(codes))
    m = len(codes)
    base = rng.integers(0, m, 500)
    levels = [
        np.where(rng.random(500) < 0.05, m, np.clip(base + rng.integers(-1, 2, 500), 0, m - 1))
        for _ in range(4)
    ]
    levels = [item.astype("uint8") for item in levels]
    alpha, n = cronbach_alpha_levels(levels, codes)
    expected, n_complete = _alpha_by_hand(levels, codes)
    assert 0 < n_complete < 500 and n == n_complete
    assert not math.isnan(expected)
    assert alpha == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("levels", "n_complete"),
    [
        ([[], []], 0),
        ([[0, 4], [4, 1]], 0),  # nobody answered both
        ([[0, 1, 4], [2, 4, 3]], 1),  # one complete row
    ],
)
def test_alpha_is_nan_with_fewer_than_two_complete_rows(levels, n_complete):
    arrays = [np.array(item, dtype="uint8") for item in levels]
    alpha, n = cronbach_alpha_levels(arrays, (1, 2, 3, 4))
    assert math.isnan(alpha) and n == n_complete


def test_alpha_is_nan_when_the_total_is_constant():
    codes = (-2, -1, 0, 1, 2)
    first = np.array([0, 1, 2, 3, 4, 5], dtype="uint8")  # the last is missing
    second = np.array([4, 3, 2, 1, 0, 2], dtype="uint8")  # mirrors the first: total 0
    alpha, n = cronbach_alpha_levels([first, second], codes)
    assert math.isnan(alpha) and n == 5
    assert math.isnan(_alpha_by_hand([first, second], codes)[0])
    same = np.array([2, 2, 2, 5], dtype="uint8")
    alpha, n = cronbach_alpha_levels([same, same, same], codes)
    assert math.isnan(alpha) and n == 3


# --- variance from counts -------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 50), st.integers(-1000, 1000)),
        max_size=8,
        unique_by=lambda pair: pair[1],
    )
)
def test_variance_of_counts_equals_variance_of_the_values(pairs):
    counts = [c for c, _ in pairs]
    values = [v for _, v in pairs]
    expanded = np.repeat(np.array(values, dtype="float64"), counts)
    got = variance_of_counts(counts, values)
    if len(expanded) < 2:
        assert math.isnan(got)
    else:
        expected = float(np.var(expanded, ddof=1))
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


# --- the CSV fast path, chunk by chunk ------------------------------------------------

FRENCH = instrument_from_dict(
    {
        "id": "fastpath",
        "title": "Fast path",
        "scales": {
            "accord": {
                "kind": "likert",
                "levels": [
                    {"code": -2, "label": "Pas du tout d'accord", "aliases": ["PTDA"]},
                    {"code": -1, "label": "Pas d'accord", "aliases": ["PDA"]},
                    {"code": 0, "label": "Neutre"},
                    {"code": 1, "label": "D'accord", "aliases": ["DA"]},
                    {"code": 2, "label": "Très d'accord", "aliases": ["TDA"]},
                ],
                "missing": ["NSP"],
                "collapse": [
                    {"label": "Désaccord", "codes": [-2, -1]},
                    {"label": "Neutre", "codes": [0]},
                    {"label": "Accord", "codes": [1, 2]},
                ],
            },
            "oui_non": {
                "levels": [{"code": 1, "label": "Oui"}, {"code": 0, "label": "Non"}],
                "missing": ["NSP"],
            },
        },
        "items": [
            {
                "id": "a1",
                "text": "Le programme était utile",
                "scale": "accord",
                "component": "context",
            },
            {
                "id": "a2",
                "text": "Les séances étaient claires",
                "scale": "accord",
                "component": "process",
            },
            {
                "id": "a3",
                "text": "Le mentor était disponible",
                "scale": "accord",
                "component": "process",
            },
            {"id": "b1", "text": "Recommanderiez-vous", "scale": "oui_non", "component": "product"},
            {"id": "b2", "text": "Referiez-vous", "scale": "oui_non", "component": "product"},
        ],
        "demographics": [
            {
                "id": "groupe",
                "label": "Groupe",
                "type": "categorical",
                "test": True,
                "levels": [
                    {"label": "Première année", "aliases": ["1re"]},
                    {"label": "Deuxième année", "aliases": ["2e"]},
                ],
            },
            {
                "id": "age",
                "label": "Âge",
                "type": "numeric",
                "bins": [{"label": "Moins de 30", "max": 29}, {"label": "30 et plus", "min": 30}],
            },
        ],
    },
    source="test_fast_path",
)

HEADERS = [
    "Identifiant",
    "Le programme était utile",
    "Les séances étaient claires",
    "Le mentor était disponible",
    "Recommanderiez-vous",
    "Referiez-vous",
    "Groupe",
    "Âge",
    "Commentaire",
]


def _spellings(label: str, code: int, aliases: tuple[str, ...] = ()) -> list[str]:
    """Ways people type a level: odd case, odd spacing, its code, its aliases."""
    doubled = label.replace(" ", "  ", 1)
    return [label, label.upper(), label.lower(), f"  {label} ", doubled, str(code), *aliases]


ACCORD = [
    spelling
    for level in FRENCH.scale("accord").levels
    for spelling in _spellings(level.label, level.code, level.aliases)
] + ["", "", "NSP", " nsp "]
OUI_NON = [*_spellings("Oui", 1), *_spellings("Non", 0), "", "NSP"]
GROUPE = ["Première année", "PREMIÈRE  ANNÉE", "1re", " Deuxième année", "2e", "deuxième année", ""]


def _french_csv_bytes(*, blank_rows: bool, n: int = 300, seed: int = 7) -> bytes:
    """A UTF-8 CSV with a BOM: odd spellings, blanks, an unanswered row, an invalid cell
    and a quoted line break; with ``blank_rows``, also a blank line and a row of empty
    cells in the middle."""
    rng = np.random.default_rng(seed)
    pick = lambda options: options[rng.integers(len(options))]  # noqa: E731
    lines = [",".join(HEADERS)]
    for i in range(n):
        comment = pick(["", "", "RAS", "très bien", '"bien, merci"', f"note {i}"])
        row = [
            f"R{i:04d}",
            pick(ACCORD),
            pick(ACCORD),
            pick(ACCORD),
            pick(OUI_NON),
            pick(OUI_NON),
            pick(GROUPE),
            pick(["", "24", "31", " 45 ", '"27,5"']),
            comment,
        ]
        lines.append(",".join(row))
        if i == n // 3 and blank_rows:
            lines.append("," * (len(HEADERS) - 1))  # a row of empty cells
        if i == n // 2:
            if blank_rows:
                lines.append("")  # a blank line
            lines.append(f"R{i:04d}b" + "," * (len(HEADERS) - 1))  # only an identifier
        if i == 2 * n // 3:
            lines.append(
                f'R{i:04d}c,peut-être,Neutre,TDA,Oui,Non,2e,30,"deux\nlignes"'
            )  # an invalid answer
    return "\ufeff".encode() + ("\n".join(lines) + "\n").encode("utf-8")


def _slow_read_table(path, monkeypatch):
    """read_table through the csv module (the fast reader declines the file)."""
    with monkeypatch.context() as patch:
        patch.setattr(cipp.read.tables, "_read_csv_arrow", lambda *args, **kwargs: None)
        return read_table(path)


def _blank_as_none(column) -> list[str | None]:
    texts = column.to_pylist()
    return [text.strip() or None if text is not None else None for text in texts]


def _read_both(tmp_path, monkeypatch, *, blank_rows: bool) -> tuple[RawTable, RawTable]:
    """The CSV file read by the fast path in 256-byte blocks, and by the slow path."""
    path = tmp_path / "réponses.csv"
    path.write_bytes(_french_csv_bytes(blank_rows=blank_rows))
    monkeypatch.setattr(cipp.read.tables, "CSV_BLOCK_BYTES", 256)
    fast = read_table(path)
    slow = _slow_read_table(path, monkeypatch)
    assert all(isinstance(column, pa.ChunkedArray) for column in fast.cells)  # Arrow read it
    return fast, slow


@pytest.fixture(params=[False, True], ids=["contiguous", "blank rows"])
def french_csv(request, tmp_path, monkeypatch):
    return _read_both(tmp_path, monkeypatch, blank_rows=request.param)


def test_small_blocks_give_many_chunks_with_different_dictionaries(tmp_path, monkeypatch):
    # Without blank rows the data rows are one slice of the reader's chunks, kept as they are.
    fast, _ = _read_both(tmp_path, monkeypatch, blank_rows=False)
    for column in fast.cells:
        assert column.num_chunks > 20
        dictionaries = {tuple(chunk.dictionary.to_pylist()) for chunk in column.chunks}
        assert len(dictionaries) > 1


def test_chunked_fast_path_reads_the_same_table_as_the_csv_module(french_csv):
    fast, slow = french_csv
    assert fast.headers == slow.headers == tuple(HEADERS)
    assert fast.header_row == slow.header_row == 1
    assert fast.rows.tolist() == slow.rows.tolist()
    assert fast.n_rows == 300 + 2  # with the identifier-only and invalid rows; no blanks
    for j, header in enumerate(HEADERS):
        assert _blank_as_none(fast.cells[j]) == _blank_as_none(slow.cells[j]), header
    texts = set(_blank_as_none(fast.cells[3]))
    assert "TRÈS D'ACCORD" in texts and "Très  d'accord" in texts
    assert "deux\nlignes" in _blank_as_none(fast.cells[8])


def test_chunked_fast_path_loads_and_analyzes_like_the_csv_module(french_csv):
    fast_table, slow_table = french_csv
    fast = load_responses(fast_table, FRENCH, lenient=True)
    slow = load_responses(slow_table, FRENCH, lenient=True)
    pd.testing.assert_frame_equal(fast.codes, slow.codes)
    pd.testing.assert_frame_equal(fast.demographics, slow.demographics)
    pd.testing.assert_frame_equal(fast.other, slow.other)
    assert fast.rows_without_answers == slow.rows_without_answers == 1
    assert fast.invalid == slow.invalid and len(fast.invalid) == 1
    assert fast.declared_missing == slow.declared_missing
    for item in FRENCH.items:
        assert fast.level_index(item.id).tolist() == slow.level_index(item.id).tolist()
    assert fast.codes["a1"].notna().sum() > 100
    options = AnalysisOptions(resamples=200)
    assert to_dict(analyze(fast, options)) == to_dict(analyze(slow, options))


def test_cells_of_spaces_are_blank_in_the_fast_path_too(tmp_path, monkeypatch):
    path = tmp_path / "spaces.csv"
    path.write_bytes(
        b"Identifiant,Recommanderiez-vous,Referiez-vous\nR1,Oui,Non\nR2, , \n , ,  \nR3,Non,Oui\n"
    )
    fast = load_responses(read_table(path), FRENCH, require_all_items=False)
    slow = load_responses(_slow_read_table(path, monkeypatch), FRENCH, require_all_items=False)
    assert slow.n_respondents == 2 and slow.rows_without_answers == 1
    assert fast.n_respondents == slow.n_respondents
    assert fast.rows_without_answers == slow.rows_without_answers


def test_other_column_texts_are_the_same_in_both_paths(tmp_path, monkeypatch):
    path = tmp_path / "ville.csv"
    path.write_bytes(b"Ville,Recommanderiez-vous\nParis,Oui\n Paris ,Non\nLyon,Oui\n")
    fast = load_responses(read_table(path), FRENCH, require_all_items=False)
    slow = load_responses(_slow_read_table(path, monkeypatch), FRENCH, require_all_items=False)
    assert resolve_grouping(slow, "Ville").labels == ("Lyon", "Paris")
    assert resolve_grouping(fast, "Ville").labels == resolve_grouping(slow, "Ville").labels


# --- distinct texts and answered rows over dictionary chunks ---------------------------

texts_or_blank = st.one_of(st.none(), st.sampled_from(["Oui", "oui", " Oui ", "Non", "é", ""]))
chunk_lists = st.lists(st.lists(texts_or_blank, max_size=12), min_size=1, max_size=5)


def _chunked(chunks: list[list[str | None]], *, encoded: bool) -> pa.ChunkedArray:
    """Each chunk dictionary-encoded on its own (its own dictionary), or plain strings."""
    arrays = [pa.array(chunk, type=pa.string()) for chunk in chunks]
    if encoded:
        arrays = [array.dictionary_encode() for array in arrays]
        return pa.chunked_array(arrays, type=pa.dictionary(pa.int32(), pa.string()))
    return pa.chunked_array(arrays, type=pa.string())


@settings(max_examples=50, deadline=None)
@given(chunks=chunk_lists, encoded=st.booleans())
def test_distinct_and_indices_give_back_every_cell(chunks, encoded):
    distinct, indices = _distinct_and_indices(_chunked(chunks, encoded=encoded))
    cells = [text for chunk in chunks for text in chunk]
    assert distinct[0] is None and len(set(distinct)) == len(distinct)
    assert indices.dtype == np.int32 and len(indices) == len(cells)
    assert [distinct[i] for i in indices] == cells
    assert set(distinct) == {None, *cells}


@settings(max_examples=50, deadline=None)
@given(columns=st.lists(chunk_lists, min_size=1, max_size=4), encoded=st.booleans())
def test_answered_rows_is_any_cell_not_null(columns, encoded):
    flat = [[text for chunk in column for text in chunk] for column in columns]
    n = min(len(column) for column in flat)
    # Every column in chunks of three rows, each chunk with its own dictionary.
    arrays = [
        _chunked([column[i : min(i + 3, n)] for i in range(0, n, 3)] or [[]], encoded=encoded)
        for column in flat
    ]
    expected = [any(column[i] is not None for column in flat) for i in range(n)]
    assert answered_rows(arrays).tolist() == expected
    assert answered_rows([]).tolist() == []


# --- a cp1252 byte past the first 64 kB -----------------------------------------------


@pytest.mark.parametrize("block_bytes", [256, 1 << 22])
def test_cp1252_byte_after_an_ascii_head_falls_back_to_the_slow_path(
    tmp_path, monkeypatch, block_bytes
):
    monkeypatch.setattr(cipp.read.tables, "CSV_BLOCK_BYTES", block_bytes)
    filler = b"".join(b"R%05d,Oui,plain text\n" % i for i in range(4000))
    assert len(filler) > 65536
    path = tmp_path / "windows.csv"
    path.write_bytes(b"Identifiant,Recommanderiez-vous,Boisson\n" + filler + b"R9,Non,caf\xe9\n")
    answers = []
    real = cipp.read.tables._read_csv_arrow

    def spy(*args, **kwargs):
        answers.append(real(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(cipp.read.tables, "_read_csv_arrow", spy)
    table = read_table(path)
    assert answers == [None]  # tried, declined: the slow path read the file
    assert table.n_rows == 4001 and table.rows[-1] == 4002
    assert table.cells[2].to_pylist()[-1] == "café"
    responses = load_responses(table, FRENCH, require_all_items=False)
    assert responses.other["Boisson"].iloc[-1] == "café"


# --- level positions ------------------------------------------------------------------


def test_loader_level_index_equals_the_lazy_one_and_the_codes(french_csv):
    fast_table, _ = french_csv
    responses = load_responses(fast_table, FRENCH, lenient=True)
    lazy = dataclasses.replace(responses, _levels={})
    for item in FRENCH.items:
        scale = FRENCH.scale_of(item)
        loaded = responses.level_index(item.id)
        assert loaded.dtype == np.uint8
        assert lazy.level_index(item.id).dtype == np.uint8
        assert loaded.tolist() == lazy.level_index(item.id).tolist()
        floats = responses.codes[item.id].to_numpy(dtype="float64", na_value=np.nan)
        assert loaded.tolist() == level_positions(scale, floats).tolist()
        expected = [
            len(scale.codes) if math.isnan(code) else scale.codes.index(int(code))
            for code in floats
        ]
        assert loaded.tolist() == expected
        assert counts_of_levels(scale, loaded) == level_counts(scale, responses.codes[item.id])
        array = responses.code_array(item.id)
        assert array.dtype == np.int32
        assert array.tolist() == [MISSING_CODE if math.isnan(c) else int(c) for c in floats]


# --- component rows -------------------------------------------------------------------

COMPONENT_INSTRUMENT = instrument_from_dict(
    {
        "id": "components",
        "title": "Components",
        "scales": {
            "yn": {"levels": [{"code": 1, "label": "Yes"}, {"code": 0, "label": "No"}]},
            "yn_low": {
                "positive": "low",
                "levels": [{"code": 1, "label": "Yes"}, {"code": 0, "label": "No"}],
            },
            "rating": {
                "levels": [{"code": c, "label": f"R{c}"} for c in (5, 4, 3, 2, 1)],
                "collapse": [
                    {"label": "Good", "codes": [5, 4]},
                    {"label": "Not good", "codes": [3, 2, 1]},
                ],
            },
        },
        "items": [
            {"id": "i1", "text": "I1", "scale": "yn", "component": "input"},
            {"id": "i2", "text": "I2", "scale": "yn_low", "component": "input"},
            {"id": "i3", "text": "I3", "scale": "rating", "component": "input"},
            {"id": "i4", "text": "I4", "scale": "yn", "component": "input"},
            {"id": "p1", "text": "P1", "scale": "yn", "component": "process"},
        ],
    },
    source="test_fast_path",
)


def test_component_rows_follow_the_more_than_half_rule():
    # Positive answers: i1 Yes, i2 No (positive: low), i3 4 or 5, i4 Yes.
    rows = [
        # i1     i2     i3    i4     p1      -> input
        ["Yes", "No", "R4", "Yes", "No"],  # 4 of 4 -> 1
        ["Yes", "No", "R3", "No", "Yes"],  # 2 of 4, exactly half -> 0
        ["Yes", "No", "R5", "No", None],  # 3 of 4 -> 1
        ["Yes", None, None, None, None],  # 1 of 1 -> 1
        ["Yes", "Yes", None, None, None],  # 1 of 2, exactly half -> 0
        [None, "Yes", "R1", "No", None],  # 0 of 3 -> 0
        [None, None, None, None, "Yes"],  # no input item answered -> -1
        [None, None, "R2", None, "Yes"],  # 0 of 1 -> 0
    ]
    table = RawTable(
        path="hand.csv",
        sheet=None,
        headers=("i1", "i2", "i3", "i4", "p1"),
        header_row=1,
        rows=range(2, 2 + len(rows)),
        cells=[[row[j] for row in rows] for j in range(5)],
    )
    responses = load_responses(table, COMPONENT_INSTRUMENT)
    scores = component_rows(responses, "input")
    assert scores.dtype == np.int8
    assert scores.tolist() == [1, 0, 1, 1, 0, 0, -1, 0]
    assert component_rows(responses, "process").tolist() == [0, 1, -1, -1, -1, -1, 1, 1]
    assert component_rows(responses, "product").tolist() == [-1] * len(rows)


# --- found in review ----------------------------------------------------------------------


def test_crosstab_of_one_byte_rows_with_many_groups():
    rows = np.array([0, 1, -1, 1, 0], dtype="int8")
    groups = np.array([0, 129, 5, -1, 129], dtype="int64")
    table = crosstab(rows, groups, 2, 130)
    assert table.shape == (2, 130)
    assert table[0, 0] == 1 and table[1, 129] == 1 and table[0, 129] == 1
    assert table.sum() == 3


def test_monte_carlo_fisher_p_value_is_a_number():
    from cipp.stats.contingency import test_contingency

    table = np.array(
        [
            [0, 2, 1, 1],
            [0, 0, 5, 0],
            [2, 1, 2, 0],
            [0, 3, 0, 1],
            [0, 1, 0, 0],
            [1, 0, 2, 0],
            [1, 1, 1, 1],
            [0, 1, 0, 2],
            [0, 0, 1, 0],
            [0, 2, 1, 0],
        ]
    )
    result = test_contingency(
        table,
        row_labels=[f"r{i}" for i in range(10)],
        col_labels=list("abcd"),
        exact_max_steps=0,
        resamples=500,
        seed=1,
    )
    assert result.exact_method == "monte carlo"
    assert isinstance(result.p_exact, float) and 0 < result.p_exact <= 1


YES_NO = {
    "id": "yn",
    "title": "YN",
    "scales": {
        "yn": {
            "label": "Yes/No",
            "levels": [{"code": 1, "label": "Yes"}, {"code": 0, "label": "No"}],
        }
    },
    "items": [{"id": "q1", "text": "Q1", "scale": "yn", "component": "process"}],
}


@pytest.mark.parametrize("blank", ["", "  "])
def test_grouping_by_a_column_with_blank_cells(tmp_path, blank):
    from cipp.read.instrument import instrument_from_dict

    path = tmp_path / "by.csv"
    path.write_text(f"Q1,Site\nYes,North\nNo,South\nYes,{blank}\nYes,South\n", encoding="utf-8")
    responses = load_responses(read_table(path), instrument_from_dict(YES_NO, source="test"))
    grouping = resolve_grouping(responses, "Site")
    assert grouping.labels == ("North", "South")
    assert grouping.codes.tolist() == [0, 1, -1, 1]


@pytest.mark.parametrize("blank", ["", "  "])
def test_batch_split_skips_rows_that_answered_nothing(tmp_path, blank):
    from cipp.flow.batch import run_batch
    from cipp.read.instrument import instrument_from_dict

    path = tmp_path / "split.csv"
    path.write_text(f"Q1,Site\nYes,North\nNo,South\n{blank},North\nYes,South\n", encoding="utf-8")
    batch = run_batch(
        [path],
        instrument=instrument_from_dict(YES_NO, source="test"),
        split_by="Site",
        options=AnalysisOptions(by=()),
        workers=1,
    )
    assert not batch.errors
    assert {name: r.n_respondents for name, r in batch.waves.items()} == {"North": 1, "South": 2}


def test_a_scale_of_256_levels_is_tested(tmp_path):
    from cipp.read.instrument import instrument_from_dict

    levels = [{"code": c, "label": f"L{c}"} for c in range(256)]
    spec = {
        "id": "s256",
        "title": "256 levels",
        "scales": {"s": {"label": "0-255", "kind": "rating", "levels": levels}},
        "items": [{"id": "q", "text": "Q", "scale": "s", "component": "process"}],
    }
    path = tmp_path / "s256.csv"
    path.write_text("Q,Group\n3,A\n200,B\n17,A\n255,B\n", encoding="utf-8")
    responses = load_responses(read_table(path), instrument_from_dict(spec, source="test"))
    assert responses.level_index("q").dtype == np.uint16
    results = analyze(responses, AnalysisOptions(by=("Group",), resamples=200))
    test = next(t for t in results.associations if t.item == "q")
    assert test.result.n == 4
