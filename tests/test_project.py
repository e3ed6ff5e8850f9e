"""cipp init / cipp run / cipp run --check: one project file that reruns everything, with
byte-identical outputs (xlsx and docx included) and a manifest of hashes."""

from __future__ import annotations

import json
import shutil

import pytest

from cipp.cli.app import app
from tests.conftest import DATA

PROJECT = """\
output: out
formats: [json, csv]
analyze:
  - name: mentors
    input: mentors.xlsx
    instrument: mentor
    no_tests: true
compare:
  - name: prepost
    before: prepost/before.xlsx
    after: prepost/after.xlsx
    id: Respondent
    instrument: mentee
qual:
  - name: agreement
    command: agreement
    segments: [fgd/segments.csv]
    codebook: fgd/codebook.yaml
    formats: [json, xlsx, docx]
"""


@pytest.fixture
def project(tmp_path):
    shutil.copy(DATA / "mentors.xlsx", tmp_path / "mentors.xlsx")
    shutil.copytree(DATA / "prepost", tmp_path / "prepost")
    (tmp_path / "fgd").mkdir()
    for name in ("segments.csv", "codebook.yaml"):
        shutil.copy(DATA / "fgd" / name, tmp_path / "fgd" / name)
    (tmp_path / "cipp.yaml").write_text(PROJECT)
    return tmp_path


def _hashes(folder):
    return {
        f["path"]: f["sha256"]
        for f in json.loads((folder / "manifest.json").read_text())["outputs"]
    }


def test_run_twice_gives_identical_outputs_and_check_agrees(project, runner):
    outcome = runner.invoke(app, ["run", str(project / "cipp.yaml")])
    assert outcome.exit_code == 0, outcome.output
    manifest = json.loads((project / "out" / "manifest.json").read_text())
    assert set(manifest) >= {"cipp_version", "python", "dependencies", "time", "inputs", "outputs"}
    assert {f["path"] for f in manifest["inputs"]} >= {"mentors.xlsx", "prepost/before.xlsx"}
    first = _hashes(project / "out")
    assert set(first) == {
        "mentors.json", "mentors.csv", "prepost.json", "prepost.csv",
        "agreement.json", "agreement.xlsx", "agreement.docx",
    }  # fmt: skip
    # The check is a rerun into a temporary folder: the same bytes, xlsx and docx too.
    outcome = runner.invoke(app, ["run", str(project / "cipp.yaml"), "--check"])
    assert outcome.exit_code == 0, outcome.output
    assert "all 7 outputs match" in outcome.output


def test_check_reports_an_output_that_differs(project, runner):
    (project / "cipp.yaml").write_text(PROJECT.replace("[json, xlsx, docx]", "[json]"))
    assert runner.invoke(app, ["run", str(project / "cipp.yaml")]).exit_code == 0
    path = project / "out" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["outputs"][0]["sha256"] = "0" * 64
    path.write_text(json.dumps(manifest))
    outcome = runner.invoke(app, ["run", str(project / "cipp.yaml"), "--check"])
    assert outcome.exit_code == 1
    assert f"output {manifest['outputs'][0]['path']}: SHA-256 differs" in outcome.output


def test_project_errors_name_every_key(tmp_path, runner):
    (tmp_path / "cipp.yaml").write_text("compare:\n  - before: a.xlsx\n    colour: red\n")
    outcome = runner.invoke(app, ["run", str(tmp_path / "cipp.yaml")])
    assert outcome.exit_code == 2
    assert "compare[0].colour: unknown key" in outcome.output
    assert "compare[0].id: missing" in outcome.output


def test_init_lists_the_folder(project, runner):
    shutil.copy(DATA / "roster.csv", project / "roster.csv")
    (project / "cipp.yaml").unlink()
    outcome = runner.invoke(app, ["init", str(project)])
    assert outcome.exit_code == 0, outcome.output
    text = (project / "cipp.yaml").read_text()
    assert 'input: "mentors.xlsx"' in text
    assert 'before: "prepost/before.xlsx"' in text and 'id: "Respondent"' in text
    assert 'rake: "roster.csv"' in text
    assert runner.invoke(app, ["init", str(project)]).exit_code == 2  # exists: needs --force


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_office_files_carry_a_fixed_date(fmt, monkeypatch):
    import io
    import zipfile

    from cipp.render.document import Document, Section, Table
    from cipp.render.formats import render

    table = Table("A table", ("a", "b"), (("1", "2"),))
    document = Document("Title", (Section("Part", (table,)),))
    for epoch, stamp in ((None, "1980-01-01T00:00:00Z"), ("1700000000", "2023-11-14T22:13:20Z")):
        if epoch:
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        data = render(document, fmt)
        archive = zipfile.ZipFile(io.BytesIO(data))
        core = archive.read("docProps/core.xml").decode()
        assert core.count(stamp) == 2  # created and modified
        assert {info.date_time[:3] for info in archive.infolist()} == {
            tuple(int(x) for x in stamp[:10].split("-"))
        }
        assert render(document, fmt) == data
