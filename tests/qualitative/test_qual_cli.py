"""``cipp qual ...`` through the real CLI: outputs, JSON = API, one-line errors, exit 2."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cipp import to_dict
from cipp.cli import app
from cipp.flow.adjudication import final_coding
from cipp.flow.intercoder import analyse_agreement
from cipp.flow.themes import summarize_themes
from cipp.read.adjudication import read_adjudication
from cipp.read.pseudonyms import load_pseudonyms

from .conftest import FGD


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _ok(result) -> None:
    assert result.exit_code == 0, result.output + str(result.exception)


def _error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("cipp: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_help_for_every_command(runner):
    for command in ("agreement", "themes", "codebook-from"):
        result = runner.invoke(app, ["qual", command, "--help"])
        _ok(result)
        assert "Usage" in result.output


def test_agreement_json_equals_the_api(runner, coding, codebook, fgd: Path):
    result = runner.invoke(
        app,
        [
            "qual",
            "agreement",
            str(fgd / "segments.csv"),
            "-c",
            str(fgd / "codebook.yaml"),
            "--format",
            "json",
        ],
    )
    _ok(result)
    assert json.loads(result.stdout) == to_dict(analyse_agreement(coding, codebook))


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_agreement_formats(runner, fgd: Path, fmt):
    out = fgd / f"agreement.{fmt}"
    result = runner.invoke(
        app,
        [
            "qual",
            "agreement",
            str(fgd / "fgd.qdpx"),
            "-c",
            str(fgd / "codebook.yaml"),
            "--coders",
            "coder_a,coder_b",
            "-f",
            fmt,
            "--out",
            str(out),
        ],
    )
    _ok(result)
    text = out.read_text(encoding="utf-8")
    assert "rewarding_relationship" in text
    if fmt != "csv":
        assert "Two coders independently coded 74 units" in " ".join(text.split())


def test_disagreements_file_keeps_earlier_decisions(runner, fgd: Path):
    target = fgd / "adjudication.csv"  # already holds every decision
    result = runner.invoke(
        app,
        [
            "qual",
            "agreement",
            str(fgd / "segments.csv"),
            "-c",
            str(fgd / "codebook.yaml"),
            "--disagreements",
            str(target),
            "-f",
            "json",
        ],
    )
    _ok(result)
    assert "wrote 25 disagreements" in result.stderr and "kept 25 earlier decisions" in (
        result.stderr
    )
    assert (
        read_adjudication(target).decisions == read_adjudication(FGD / "adjudication.csv").decisions
    )


def test_themes_json_equals_the_api(runner, coding, codebook, fgd: Path):
    args = [
        "qual",
        "themes",
        str(fgd / "segments.csv"),
        "-c",
        str(fgd / "codebook.yaml"),
        "--adjudication",
        str(fgd / "adjudication.csv"),
        "--pseudonyms",
        str(fgd / "pseudonyms.yaml"),
        "--quotes",
        "1",
        "--format",
        "json",
    ]
    result = runner.invoke(app, args)
    _ok(result)
    final = final_coding(
        coding, adjudication=read_adjudication(FGD / "adjudication.csv"), codebook=codebook
    )
    expected = summarize_themes(
        final, codebook, quotes=1, pseudonyms=load_pseudonyms(FGD / "pseudonyms.yaml")
    )
    assert json.loads(result.stdout) == to_dict(expected)


def test_themes_markdown_says_2_of_8_mentors(runner, fgd: Path):
    result = runner.invoke(
        app,
        [
            "qual",
            "themes",
            str(fgd / "fgd.qdpx"),
            "-c",
            str(fgd / "codebook.yaml"),
            "-a",
            str(fgd / "adjudication.csv"),
            "-p",
            str(fgd / "pseudonyms.yaml"),
            "-f",
            "markdown",
        ],
    )
    _ok(result)
    assert "Found the relationship rewarding (2 of 8 mentors, positive)" in result.stdout
    assert "Imran" not in result.stdout


def test_undecided_disagreement_is_a_listed_warning(runner, fgd: Path):
    path = fgd / "adjudication.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",include,", ",,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "qual",
            "themes",
            str(fgd / "segments.csv"),
            "-c",
            str(fgd / "codebook.yaml"),
            "-a",
            str(path),
            "-f",
            "csv",
        ],
    )
    _ok(result)
    assert "cipp: warning: 1 of 25 disagreements are undecided" in result.stderr
    assert (
        "cipp: warning: undecided: segment F1-05, code 'felt_judged' (coder_a: yes, "
        "coder_b: no)" in result.stderr
    )


def test_malformed_qdpx_exits_2(runner, fgd: Path):
    bad = fgd / "broken.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", "<Project><Sources>")
    line = _error(
        runner.invoke(app, ["qual", "agreement", str(bad), "-c", str(fgd / "codebook.yaml")])
    )
    assert "broken.qdpx: project.qde: malformed XML" in line


def test_code_missing_from_codebook_exits_2(runner, fgd: Path):
    path = fgd / "segments.csv"
    text = path.read_text(encoding="utf-8").replace(
        "coder_b,felt_judged,", "coder_b,felt_judgd,", 1
    )
    path.write_text(text, encoding="utf-8")
    line = _error(
        runner.invoke(app, ["qual", "themes", str(path), "-c", str(fgd / "codebook.yaml")])
    )
    assert f"{path}: row " in line
    assert "column 'code': code 'felt_judgd' is not in the codebook" in line
    assert "did you mean 'felt_judged'?" in line


def test_surviving_real_name_exits_2_and_writes_nothing(runner, fgd: Path):
    names = fgd / "names.csv"
    names.write_text("name,replacement\nImran,Hina\nHina,[classmate]\n", encoding="utf-8")
    out = fgd / "themes.md"
    line = _error(
        runner.invoke(
            app,
            [
                "qual",
                "themes",
                str(fgd / "segments.csv"),
                "-c",
                str(fgd / "codebook.yaml"),
                "-a",
                str(fgd / "adjudication.csv"),
                "-p",
                str(names),
                "--quotes",
                "9",
                "-f",
                "markdown",
                "-o",
                str(out),
            ],
        )
    )
    assert "original name(s) 'Hina'" in line and "Nothing was written" in line
    assert not out.exists()


def test_name_in_a_label_field_is_caught(runner, fgd: Path):
    path = fgd / "segments.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",mentor,5,2,", ",mentor,5,Imran,"),
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "qual",
            "themes",
            str(path),
            "-c",
            str(fgd / "codebook.yaml"),
            "-a",
            str(fgd / "adjudication.csv"),
            "-p",
            str(fgd / "pseudonyms.yaml"),
            "-f",
            "json",
            "--label",
            "{group} {participant}",
        ],
    )
    _ok(result)  # the label is pseudonymised too
    assert "mentor [mentor]" in result.stdout and "Imran" not in result.stdout


def test_refuses_to_overwrite_an_input(runner, fgd: Path):
    line = _error(
        runner.invoke(
            app,
            [
                "qual",
                "agreement",
                str(fgd / "segments.csv"),
                "-c",
                str(fgd / "codebook.yaml"),
                "-o",
                str(fgd / "segments.csv"),
            ],
        )
    )
    assert "refusing to overwrite an input" in line


def test_codebook_from_qdc(runner, fgd: Path):
    out = fgd / "seed.yaml"
    result = runner.invoke(
        app, ["qual", "codebook-from", str(fgd / "codebook.qdc"), "-o", str(out)]
    )
    _ok(result)
    assert "18 themes need a component and a valence" in result.stderr
    from cipp.read.codebook import validate_codebook

    assert sum("missing component" in line for line in validate_codebook(out)) == 18
    line = _error(runner.invoke(app, ["qual", "themes", str(fgd / "segments.csv"), "-c", str(out)]))
    assert "missing component" in line
    # agreement needs no components: the seed matches the project's codes by guid
    result = runner.invoke(
        app, ["qual", "agreement", str(fgd / "fgd.qdpx"), "-c", str(out), "-f", "json"]
    )
    _ok(result)
    assert json.loads(result.stdout)["units"] == 74


def test_missing_codebook_exits_2(runner, fgd: Path):
    line = _error(
        runner.invoke(
            app, ["qual", "agreement", str(fgd / "segments.csv"), "-c", str(fgd / "nope.yaml")]
        )
    )
    assert "codebook not found" in line
