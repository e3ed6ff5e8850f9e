"""Disclosure control that holds (issue 19, part 6): with --min-cell every output masks,
and an attacker who solves the published totals and statistics for the masked counts
recovers none of them.

The attack is the textbook one (Hundepool et al., Statistical Disclosure Control, 2012,
ch. 4): each masked count is bounded by linear programming over everything published
beside it (the cells shown, the row and column totals, the groups' positive counts), with
every count at least 0; a count whose bounds leave one whole value is recovered. The
attacker is given the true totals even where cipp masks them (the worst case).
"""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from scipy.optimize import linprog

from cipp.cli import app
from cipp.flow.analysis import AnalysisOptions, analyze_file
from cipp.stats.disclosure import suppress_table
from tests.conftest import DATA

MIN_CELL = 5


def _run(runner, tmp_path, survey, *extra):
    out = tmp_path / f"{survey}.json"
    args = ["analyze", str(DATA / f"{survey}.xlsx"), "--min-cell", str(MIN_CELL), *extra]
    result = runner.invoke(app, [*args, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _seen(true_n, kind=""):
    """What the reader of the Markdown knows of a masked count: "< 5" is 1 to 4, "masked"
    is 5 or more (a zero masked for want of another cell: anything), "withheld" anything."""
    if kind == "withheld":
        return (0, None)
    if 0 < true_n < MIN_CELL:
        return (1, MIN_CELL - 1)
    return (MIN_CELL, None) if true_n else (0, None)


def _bounds(equations, totals, ranges, below=((), ())):
    """Smallest and largest whole value of each unknown under the equations, the
    inequalities ``below`` (A x <= b) and the ranges."""
    problem = {"A_eq": equations or None, "b_eq": totals or None, "bounds": ranges}
    if below[0]:
        problem.update(A_ub=list(below[0]), b_ub=list(below[1]))
    out = []
    for k in range(len(ranges)):
        objective = [0.0] * len(ranges)
        objective[k] = 1.0
        low = linprog(objective, **problem).fun
        objective[k] = -1.0
        high = -linprog(objective, **problem).fun
        out.append((math.ceil(low - 1e-6), math.floor(high + 1e-6)))
    return out


def _attack_row(shown, true, kinds):
    """A row of counts whose total is known: bounds of the masked ones (None entries)."""
    unknown = [j for j, n in enumerate(shown) if n is None]
    if not unknown:
        return []
    rest = sum(true) - sum(n for n in shown if n is not None)
    return _bounds([[1.0] * len(unknown)], [rest], [_seen(true[j], kinds[j]) for j in unknown])


def _attack_table(association, truth, masks, levels=None):
    """Bounds of a crosstab's masked cells from its shown cells, its true margins (a small
    one, which other tables mask, as "< 5"), the groups' shown positive counts and, given
    the item's ``levels`` as Table 1 shows them, each row total as Table 1 gives it."""
    counts = association["table"]["counts"]
    true = truth["table"]["counts"]
    cells = [(i, j) for i, row in enumerate(counts) for j, n in enumerate(row) if n is None]
    index = {cell: k for k, cell in enumerate(cells)}
    equations, totals, below = [], [], ([], [])

    def add(members, total, seen=None):
        line = [0.0] * len(cells)
        for cell in members:
            line[index[cell]] = 1.0
        known = sum(counts[i][j] for i, j in members_all if (i, j) not in index)
        low, high = seen or ((1, MIN_CELL - 1) if 0 < total < MIN_CELL else (total, total))
        if low == high:
            equations.append(line)
            totals.append(total - known)
            return
        below[0].append([-x for x in line])
        below[1].append(known - low)
        if high is not None:
            below[0].append(line)
            below[1].append(high - known)

    shown = {level.label: level.masked for level in levels or ()}
    for i, row in enumerate(true):
        members_all = [(i, j) for j in range(len(row))]
        label = association["table"]["rows"][i]
        seen = _seen(sum(row), shown[label]) if shown.get(label) else None
        add([c for c in members_all if c in index], sum(row), seen)
    for j in range(len(true[0])):
        members_all = [(i, j) for i in range(len(true))]
        add([c for c in members_all if c in index], sum(row[j] for row in true))
    positive = [i for i, label in enumerate(association["table"]["rows"]) if label in POSITIVE]
    for j, share in enumerate(association["positive_by_group"]):
        if share["k"] is not None and positive:
            members_all = [(i, j) for i in positive]
            add([c for c in members_all if c in index], share["k"])
    return _bounds(equations, totals, [_seen(true[i][j], masks[i][j]) for i, j in cells], below)


POSITIVE = {"Excellent", "Very good", "Good", "Yes", "Slightly agree", "Agree", "Strongly agree"}


@pytest.mark.parametrize(
    "survey,extra",
    [
        ("mentors", ()),
        ("mentors", ("--by", "mentoring_year", "--by", "experience")),
        ("mentees", ("--by", "gender", "--by", "year_of_study")),
    ],
)
def test_no_masked_count_can_be_recovered(runner, tmp_path, survey, extra):
    document = _run(runner, tmp_path, survey, *extra)
    by = tuple(extra[1::2]) or None
    truth = analyze_file(DATA / f"{survey}.xlsx", options=AnalysisOptions(by=by))
    # How the readable tables show each masked count ("< 5", "masked", "withheld").
    kinds = analyze_file(DATA / f"{survey}.xlsx", options=AnalysisOptions(by=by, min_cell=MIN_CELL))
    masked = 0
    for item, true_item in zip(document["items"], truth.items, strict=True):
        shown = [level["n"] for level in item["levels"]]
        seen = [level.masked for level in kinds.item(item["id"]).levels]
        for low, high in _attack_row(shown, [level.n for level in true_item.levels], seen):
            masked += 1
            assert low < high, (item["id"], shown)
        if None in shown:
            assert item["suppressed"] and item["mean"] is None and item["positive"]["k"] is None
    for demographic, true_d in zip(document["demographics"], truth.demographics, strict=True):
        shown = [c["n"] for c in demographic["categories"]]
        seen = kinds.findings.demographics.get(demographic["id"], ("",) * len(shown))
        for low, high in _attack_row(shown, [c.n for c in true_d.categories], seen):
            masked += 1
            assert low < high, (demographic["id"], shown)
    truths = {(t.item, t.by): t for t in truth.associations}
    protected = {(t.item, t.by): t for t in kinds.associations}
    from cipp import to_dict

    for association in document["associations"]:
        if not association.get("suppressed"):
            continue
        true = to_dict(truths[(association["item"], association["by"])])
        key = (association["item"], association["by"])
        levels = kinds.item(key[0]).levels if association["level"] == "item" else None
        for low, high in _attack_table(association, true, protected[key].masks, levels):
            masked += 1
            assert low < high, (association["item"], association["by"])
        for key in ("statistic", "p_value", "p_exact", "cramers_v", "p_adjusted", "min_expected"):
            assert association[key] is None, key
        assert association["residuals"] == [] and association["cells_driving"] == []
        assert association["expected_note"] is None and association["test_reason"] is None
    assert masked > 10  # the attack had something to attack


def test_suppression_gives_every_masked_cell_room_to_move():
    # A masked cell alone in its row would be found from the row total; a rectangle of
    # masked cells lets each move; a bridge between two such cycles would not.
    table = [[1, 7, 9, 12], [6, 10, 3, 8], [12, 8, 7, 2], [9, 9, 9, 9]]
    masks = suppress_table(table, MIN_CELL)
    hidden = [[m != "" for m in row] for row in masks]
    from cipp.stats.disclosure import cell_bounds, determined

    assert all(not determined(b) for b in cell_bounds(table, hidden).values())
    assert masks[0][0] == "small" and masks[1][2] == "small" and masks[2][3] == "small"


def test_every_format_masks_the_same(runner):
    args = ["analyze", str(DATA / "mentors.xlsx"), "--min-cell", str(MIN_CELL)]
    markdown = runner.invoke(app, [*args, "--format", "markdown"]).stdout
    csv_text = runner.invoke(app, [*args, "--format", "csv"]).stdout
    rating = next(line for line in markdown.splitlines() if "rate the mentorship" in line)
    assert "< 5" in rating and "(6.9)" not in rating and "suppressed" in rating
    rows = [line.split(",") for line in csv_text.splitlines() if line.startswith("program_rating")]
    rows = [row for row in rows if row[8]]  # the levels' rows, not the tests'
    # CSV: the masked counts are empty, the shown ones (5, 18) stay.
    assert [row[10] for row in rows] == ["", "5", "18", "", ""]
    # ... and so do the findings beside them: % positive, groups' shares, table cells.
    by_year = [*args, "--by", "mentoring_year", "--format"]
    records = list(csv.DictReader(io.StringIO(runner.invoke(app, [*by_year, "csv"]).stdout)))
    document = json.loads(runner.invoke(app, [*by_year, "json"]).stdout)
    positive = next(
        r for r in records if r["record"] == "positive" and r["item"] == "program_rating"
    )
    assert positive["k"] == positive["percent"] == "" and positive["masked"] == "true"
    cells = [r for r in records if r["record"] == "cell"]
    json_cells = [
        (n, masked)
        for a in document["associations"]
        for counts, masks in zip(
            a["table"]["counts"], a["table"].get("masked", a["table"]["counts"]), strict=False
        )
        for n, masked in zip(counts, masks, strict=True)
    ]
    assert [("" if n is None else str(n)) for n, _ in json_cells] == [c["n"] for c in cells]
    assert any(c["masked"] == "true" and c["residual"] == "" for c in cells)
    assert all(not (0 < int(c["n"]) < MIN_CELL) for c in cells if c["n"])


def test_batch_trend_tables_hold(runner, tmp_path):
    # The wave x response table of each trend repeats the waves' Table 1 counts: it masks
    # at least what they mask, withholds its statistics, and the attack recovers nothing.
    out = tmp_path / "waves"
    args = ["batch", str(DATA / "mentors.xlsx"), "--split-by", "mentoring_year"]
    result = runner.invoke(app, [*args, "--min-cell", str(MIN_CELL), "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "open")]).exit_code == 0
    truth = json.loads((tmp_path / "open" / "summary.json").read_text(encoding="utf-8"))
    masked = 0
    true_trends = {t["id"]: t for t in truth["trends"]["items"] + truth["trends"]["components"]}
    from cipp.flow.batch import run_batch

    api = run_batch(
        [DATA / "mentors.xlsx"],
        split_by="mentoring_year",
        options=AnalysisOptions(min_cell=MIN_CELL),
        workers=1,
    ).trends
    kinds = {t.id: t.masks for t in (*api.items, *api.components)}
    for trend in document["trends"]["items"] + document["trends"]["components"]:
        test = trend["test"]
        true_table = true_trends[trend["id"]]["test"]["table"]
        if not trend["test"]["suppressed"]:
            assert test["table"] == true_table
            continue
        for key in ("statistic", "p_value", "p_exact", "cramers_v", "p_linear_by_linear"):
            assert test[key] is None, (trend["id"], key)
        assert test["residuals"] == [] and test["expected"] == []
        assert trend["p_value"] is None and trend["p_trend"] is None
        assert all(
            step["difference"] is None or not step["significant"] for step in trend["changes"]
        )
        if trend["level"] == "component":
            waves = [w for w in trend["waves"] if w["asked"]]
            for j, wave in enumerate(waves):
                if any(row[j] is None for row in test["table"]):
                    assert wave["mostly_positive_percent"] is None
        else:
            for j, wave in enumerate(document["trends"]["waves"]):
                item = next(i for i in document["waves"][wave]["items"] if i["id"] == trend["id"])
                level_n = {level["label"]: level["n"] for level in item["levels"]}
                for i, label in enumerate(test["row_labels"]):
                    if level_n.get(label, 0) is None:
                        assert test["table"][i][j] is None, (trend["id"], wave, label)
        bounds = _attack_table(
            {
                "table": {"counts": test["table"], "rows": test["row_labels"]},
                "positive_by_group": [],
            },
            {"table": {"counts": true_table}},
            kinds[trend["id"]],
        )
        for low, high in bounds:
            masked += 1
            assert low < high, trend["id"]
    assert masked > 10


def test_an_untestable_table_is_masked_too(runner, tmp_path):
    # One wave alone: each association has one column, so no test, but its table is
    # published and must mask like any other.
    import pandas as pd

    frame = pd.read_excel(DATA / "mentors.xlsx")
    year = "Year of mentoring in the program"
    path = tmp_path / "first.csv"
    frame[frame[year] == "First year"].to_csv(path, index=False)
    out = tmp_path / "first.json"
    args = ["analyze", str(path), "--by", "mentoring_year", "--min-cell", str(MIN_CELL)]
    result = runner.invoke(app, [*args, "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    for association in document["associations"]:
        assert not association["testable"]
        counts = [n for row in association["table"]["counts"] for n in row]
        assert all(n is None or n == 0 or n >= MIN_CELL for n in counts), association["item"]
        if None in counts:
            assert association["suppressed"] and "masked" in association["table"]


def test_nonresponse_by_group_masks_what_the_demographics_mask(runner, tmp_path):
    # Professors (5) and associate professors (4): the demographics table masks both, so
    # the response by group cannot print their sizes, and the roster test is withheld.
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "group,size\nProfessor,10\nAssociate professor,10\nAssistant professor,20\nLecturer,20\n",
        encoding="utf-8",
    )
    args = ["analyze", str(DATA / "mentors.xlsx"), "--min-cell", str(MIN_CELL)]
    args += ["--by", "academic_rank", "--roster", str(roster), "--format"]
    document = json.loads(runner.invoke(app, [*args, "json"]).stdout)
    rank = next(d for d in document["demographics"] if d["id"] == "academic_rank")
    hidden = {c["label"] for c in rank["categories"] if c["n"] is None}
    (grouping,) = document["nonresponse"]["by_group"]
    assert hidden == {"Professor", "Associate professor"}
    for group in grouping["groups"]:
        if group["group"] in hidden:
            assert group["respondents"] is None and group["masked"]
            assert all(item["answered"] is None for item in group["items"])
        else:
            assert group["respondents"] >= MIN_CELL
    assert grouping["participation"]["statistic"] is None
    records = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "csv"]).stdout)))
    shown = [
        r for r in records if r["group"] in hidden and r["record"] in ("response", "nonresponse")
    ]
    assert shown and all(r["n"] == "" and r["answered"] == "" for r in shown)
    markdown = runner.invoke(app, [*args, "markdown"]).stdout
    assert "| Professor | masked |" in markdown and "| Associate professor | < 5 |" in markdown
