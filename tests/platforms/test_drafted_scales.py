"""Drafted scales a researcher would accept: decimals, numbered two-ended labels, labelled
ends, listed orders, misspellings and nominal demographics (issue 14's remaining gaps).

Every file here is written by the test.
"""

from __future__ import annotations

from cipp.cli import app
from cipp.platforms import ImportOptions, scaffold
from cipp.platforms.orders import order_answers

ALL = ImportOptions(components={"*": "process"})


def _csv(path, header, rows):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- decimals -----------------------------------------------------------------------------


def test_whole_decimals_are_their_integers_and_fractions_are_no_scale(tmp_path):
    whole = ["1.0", "2.0", "3.0", "4.0", "5.0", "3.0"] * 3
    fractional = ["1.5", "2.0", "3.5", "4.0", "5", "3.5"] * 3
    path = _csv(
        tmp_path / "d.csv", ["whole", "fractional"], list(zip(whole, fractional, strict=True))
    )
    result = scaffold(path, ALL)
    scale = result.instrument.scale_of(result.instrument.item("whole"))
    assert [(level.code, level.label) for level in scale.levels] == [
        (n, str(n)) for n in range(1, 6)
    ]
    # 3.5 is never code 3 labelled ".5": the column is a number, and the report says so
    assert "fractional" not in {item.id for item in result.instrument.items}
    assert any("fractional: numbers with fractions (1.5, 3.5)" in g for g in result.report.guessed)


def test_decimals_have_no_numeric_prefix():
    assert order_answers(["1.5", "2.0", "3.5"]) is None
    assert order_answers(["10%", "20%", "30%"]) is None
    assert order_answers(["1 - Poor", "2", "3 - Good"]) is not None


def test_validate_reports_two_levels_with_one_label(tmp_path, runner):
    path = tmp_path / "dup.yaml"
    path.write_text(
        """id: dup
title: dup
scales:
  halves:
    levels:
      - {code: 1, label: ".5"}
      - {code: 2, label: "Two"}
      - {code: 3, label: ".5"}
items:
  - {id: q1, text: Q1, scale: halves, component: process}
""",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if "duplicate label" in line]
    assert len(lines) == 1
    assert "scales.halves.levels[2]" in lines[0] and "'.5'" in lines[0]
