"""Every document the README shows, as terminals 80, 100, 120 (and more) columns wide show it.

Nothing may be elided: no "…", no line over the width, and every cell of every table the
terminal shows appears in full (a column rich collapsed to nothing, or an n column left
blank, would lose its cells). Each command runs once through the CLI with $COLUMNS=80
and piped output, which must be honoured; the document it printed is kept and laid out
again at the other widths.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cipp.render.terminal as terminal
from cipp.cli import app
from cipp.render.document import BRIEF, Document, Section, Table
from tests.readable import BATCH, DOCUMENTS, write_wide_survey

#: The widths the issue names, and a few odd ones between and above them.
WIDTHS = (80, 100, 120, 91, 137, 200)


def _commands(folder: Path) -> dict[str, list[str]]:
    instrument, responses = write_wide_survey(folder)
    commands = {name: list(args) for name, args in DOCUMENTS}
    commands["batch"] = list(BATCH)
    commands["wide-survey"] = ["analyze", str(responses), "--instrument", str(instrument)]
    return commands


@pytest.fixture(scope="module")
def shown(tmp_path_factory) -> dict[str, tuple[str, Document]]:
    """Name -> (what `cipp ...` printed at COLUMNS=80, the document it printed)."""
    folder = tmp_path_factory.mktemp("terminal")
    runner = CliRunner()
    out: dict[str, tuple[str, Document]] = {}
    printed: list[Document] = []
    original_print, original_write = terminal.print_document, terminal.write_terminal

    def keep_print(document, console):
        printed.append(document)
        original_print(document, console)

    def keep_write(document, width=120):
        printed.append(document)
        return original_write(document, width)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(terminal, "print_document", keep_print)
        patch.setattr(terminal, "write_terminal", keep_write)
        for name, args in _commands(folder).items():
            printed.clear()
            if args[0] == "report":  # the report is only written to a file
                args = [*args, "--format", "table", "--out", str(folder / "report.txt")]
            result = runner.invoke(app, args, env={"COLUMNS": "80"})
            assert result.exit_code == 0, (name, result.output[-2000:])
            assert printed, name
            out[name] = (result.stdout, printed[-1])
    return out


def _check(text: str, width: int, document: Document, name: str) -> None:
    lines = text.splitlines()
    assert lines, name
    assert "…" not in text, (name, width, next(line for line in lines if "…" in line))
    too_long = [line for line in lines if len(line) > width]
    assert not too_long, (name, width, too_long[:3])
    flat = "".join(text.split())
    # A two-column text table's second column wraps inside its box too: its lines, read
    # down the column, hold each cell whole.
    boxed = [line.split("│") for line in lines if line.count("│") == 3]
    column = "".join("".join(parts[2].split()) for parts in boxed)
    for table in document.tables(BRIEF):
        table = table.without(table.hidden_in_terminal)
        key_value = len(table.header) == 2 and not table.align_numbers
        for row in table.rows:
            for cell in row[1:]:  # the first column's texts wrap inside a box
                whole = "".join(cell.split())
                assert whole in flat or (key_value and whole in column), (
                    name,
                    width,
                    table.caption,
                    cell,
                )


@pytest.mark.parametrize("name", [*(n for n, _ in DOCUMENTS), "batch", "wide-survey"])
def test_at_80_columns_nothing_is_elided_or_too_wide(shown, name):
    text, document = shown[name]
    if name == "report":
        text = terminal.write_terminal(document, 80)
    _check(text, 80, document, name)


@pytest.mark.parametrize("width", WIDTHS[1:])
def test_at_wider_terminals_nothing_is_elided_or_too_wide(shown, width):
    for name, (_, document) in shown.items():
        _check(terminal.write_terminal(document, width), width, document, name)


def test_every_test_shows_its_df_and_p(shown, runner):
    """The numbers of the JSON output for the tests are all in the 80-column view."""
    args = dict(DOCUMENTS)["analyze-mentees-by-year-crosstabs"]
    result = runner.invoke(app, [*args, "--format", "json"])
    tokens = set(shown["analyze-mentees-by-year-crosstabs"][0].split())
    tests = json.loads(result.stdout)["associations"]
    assert len(tests) >= 14
    for test in tests:
        if not test["testable"]:
            continue
        assert str(test["df"]) in tokens, test["item"]
        p = re.search(r"p ([=<]) (\.\d+)", test["apa"])
        assert p is not None, test["apa"]
        assert (p.group(2) if p.group(1) == "=" else "< " + p.group(2)).split()[-1] in tokens


def test_piped_output_honours_columns(runner):
    args = list(dict(DOCUMENTS)["analyze-mentees"])
    for columns in ("100", "132"):
        result = runner.invoke(app, args, env={"COLUMNS": columns})
        widest = max(len(line) for line in result.stdout.splitlines())
        assert int(columns) - 10 <= widest <= int(columns), columns


def test_width_is_columns_else_80_when_not_a_terminal(monkeypatch, tmp_path):
    with (tmp_path / "out.txt").open("w") as piped:
        monkeypatch.setenv("COLUMNS", "97")
        assert terminal.terminal_width(piped) == 97
        monkeypatch.delenv("COLUMNS")
        assert terminal.terminal_width(piped) == 80


def test_a_six_level_table_keeps_its_n_column_at_80():
    levels = ("Never", "Very rarely", "Rarely", "Occasionally", "Frequently", "Very frequently")
    header = ("Item", *levels, "n", "% positive (95% CI)")
    row = (
        "How often my supervisor gave me structured written feedback after a procedure.",
        *("1,234 (51.4)",) * 6,
        "2,400",
        "62.6 (60.6–64.5)",
    )
    text = terminal.write_terminal(Document("T", (_section(Table("Six", header, (row,))),)), 80)
    assert "2,400" in text and "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def _section(table):
    return Section("A section", (table,))


def test_a_long_group_heading_wraps_instead_of_being_cut():
    heading = "A group heading longer than the terminal is wide, " * 2
    header = ("Item", *(f"Level {n}" for n in range(8)))
    rows = ((heading.strip(),), ("An item", *("1,234 (56.7)",) * 8))
    document = Document("T", (_section(Table("Groups", header, rows)),))
    text = terminal.write_terminal(document, 80)
    assert "…" not in text and max(len(line) for line in text.splitlines()) <= 80
    assert "".join(heading.split()) in "".join(text.split())
