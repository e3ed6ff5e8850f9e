"""``cipp instrument ...`` and ``cipp export ...`` through typer's CliRunner."""

from __future__ import annotations

import pytest

from cipp.cli import app
from cipp.platforms import missing_components
from cipp.read.instrument import load_instrument

from ..conftest import DATA as EXAMPLES
from .common import DATA, write_workbook, xlsform_rows

COMMANDS = [
    ["instrument"],
    ["instrument", "from-redcap"],
    ["instrument", "from-xlsform"],
    ["instrument", "from-xform"],
    ["instrument", "from-spss"],
    ["instrument", "from-qualtrics"],
    ["instrument", "scaffold"],
    ["export"],
    ["export", "sav"],
    ["export", "dta"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(runner, command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_dry_run_writes_nothing(runner, tmp_path):
    out = tmp_path / "redcap.yaml"
    result = runner.invoke(
        app,
        [
            "instrument",
            "from-redcap",
            str(DATA / "redcap_dictionary.csv"),
            "-o",
            str(out),
            "--dry-run",
            "--missing-code",
            "99",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Skipped 5:" in result.stdout
    assert "  - age: a number, not an item (use --demographic to keep it)" in result.stdout
    assert "TODO: 5 item(s) need a CIPP component" in result.stdout
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_from_redcap_with_component_map(runner, tmp_path):
    mapping = tmp_path / "components.csv"
    mapping.write_text(
        "item,component\nresources,input\nrecommend,product\ngender,context\n", encoding="utf-8"
    )
    out = tmp_path / "redcap.yaml"
    args = ["instrument", "from-redcap", str(DATA / "redcap_dictionary.csv"), "-o", str(out)]
    args += ["--component-map", str(mapping), "--component", "gender=process"]
    args += ["--missing-code", "99", "--demographic", "age"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    instrument = load_instrument(out)
    assert instrument.item("gender").component == "process"  # --component wins over the map
    assert instrument.item("resources__3").component == "input"
    assert instrument.demographic("age").kind == "numeric"
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0


def test_yaml_to_stdout_and_validate_names_missing_components(runner, tmp_path):
    result = runner.invoke(
        app, ["instrument", "from-qualtrics", str(DATA / "qualtrics_survey.qsf")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Imported from Qualtrics survey")
    assert "TODO: 3 item(s)" in result.stderr  # gender is an item without --demographic
    path = tmp_path / "q.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    assert missing_components(path) == ["Q1_1", "Q1_2", "gender"]


def test_from_xlsform_and_scaffold(runner, tmp_path):
    form = write_workbook(tmp_path / "form.xlsx", xlsform_rows())
    result = runner.invoke(
        app, ["instrument", "from-xlsform", str(form), "--lang", "fr", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "Imported from XLSForm form.xlsx" in result.stdout
    result = runner.invoke(
        app, ["instrument", "scaffold", str(DATA / "google_export.csv"), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "fit the scale 'agreement6'" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["instrument", "from-redcap", "missing.csv"], "file not found"),
        (["instrument", "from-qualtrics", "{data}/redcap_raw.csv"], "not a Qualtrics .qsf file"),
        (
            ["instrument", "from-redcap", "{data}/redcap_dictionary.csv", "--demographic", "agee"],
            "--demographic agee: no such question (nearest: age",
        ),
        (
            [
                "instrument",
                "from-redcap",
                "{data}/redcap_dictionary.csv",
                "-o",
                "{data}/redcap_dictionary.csv",
            ],
            "refusing to overwrite an input file",
        ),
        (
            ["instrument", "from-xlsform", "{data}/redcap_raw.csv"],
            "an XLSForm is an Excel workbook",
        ),
        (
            ["export", "sav", "{data}/redcap_raw.csv", "-i", "mentee", "-o", "{tmp}/out.sav"],
            "have no column",
        ),
        (
            ["export", "sav", "{data}/redcap_raw.csv", "-i", "mentee", "-o", "{tmp}/out.dta"],
            "ends in .sav",
        ),
        (
            ["export", "dta", "{examples}/mentees.xlsx", "-i", "nosuch", "-o", "{tmp}/out.dta"],
            "no such instrument",
        ),
    ],
)
def test_errors_exit_2_with_one_line(runner, tmp_path, args, message):
    args = [a.format(data=DATA, tmp=tmp_path, examples=EXAMPLES) for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    first, *more = result.stderr.splitlines()
    assert message in first
    # many problems (items without a column) are listed one per line, each indented
    assert all(line.startswith("  ") for line in more), more


def test_bad_component_value_is_a_usage_error(runner):
    result = runner.invoke(
        app,
        [
            "instrument",
            "from-redcap",
            str(DATA / "redcap_dictionary.csv"),
            "--component",
            "goals=outcome",
        ],
    )
    assert result.exit_code == 2
    assert "expected ITEM=COMPONENT" in result.output
    assert "Traceback" not in result.output


def test_export_sav_and_dta(runner, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    mentor = load_instrument(EXAMPLES.parent / "instruments" / "mentor.yaml")
    out = tmp_path / "mentors.sav"
    result = runner.invoke(
        app, ["export", "sav", str(EXAMPLES / "mentors.xlsx"), "-i", "mentor", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "cases" in result.stderr
    frame, meta = pyreadstat.read_sav(str(out), user_missing=True)
    assert meta.column_names[: len(mentor.items)] == [item.id for item in mentor.items]
    assert meta.variable_value_labels["program_rating"][5.0] == "Excellent"
    assert meta.column_labels[0] == mentor.items[0].text
    out_dta = tmp_path / "mentors.dta"
    result = runner.invoke(
        app, ["export", "dta", str(EXAMPLES / "mentors.xlsx"), "-i", "mentor", "-o", str(out_dta)]
    )
    assert result.exit_code == 0, result.output
    frame_dta, _ = pyreadstat.read_dta(str(out_dta))
    assert len(frame_dta) == len(frame)
    assert frame_dta["program_rating"].tolist() == frame["program_rating"].tolist()


def test_export_that_pyreadstat_refuses_names_the_output_and_leaves_nothing(
    runner, tmp_path, monkeypatch
):
    pytest.importorskip("pyreadstat")
    from cipp.model.errors import OutputError
    from cipp.platforms import spss_writer

    def refuse(data, path, *, stata):
        path.write_bytes(b"half a file")
        raise OutputError(f"{path}: pyreadstat could not write the file (too long)")

    monkeypatch.setattr(spss_writer, "write_export", refuse)
    out = tmp_path / "mentors.sav"
    result = runner.invoke(
        app, ["export", "sav", str(EXAMPLES / "mentors.xlsx"), "-i", "mentor", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert f"cipp: error: {out}: pyreadstat could not write the file (too long)" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_scaffold_bar_waits_two_seconds(monkeypatch):
    """The bar appears only once the command has run its delay: a quick scaffold shows
    nothing, a slow one a bar across the columns."""
    from cipp.cli import platforms

    started = []

    class Bar:
        def __init__(self, *columns, **options):
            started.append(self)
            self.updates = []

        def start(self):
            pass

        def stop(self):
            self.stopped = True

        def add_task(self, description, total):
            return 0

        def update(self, task, completed, total):
            self.updates.append((completed, total))

    monkeypatch.setattr("rich.progress.Progress", Bar)
    quick = platforms._DelayedBar(2.0)
    quick(1, 80)
    quick.stop()
    assert started == []
    slow = platforms._DelayedBar(0.0)
    slow(1, 80)
    slow(2, 80)
    slow.stop()
    assert started[0].updates == [(1, 80), (2, 80)] and started[0].stopped
