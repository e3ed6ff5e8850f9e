"""REFI-QDA .qdpx projects: same results as the CSV, clear errors for malformed files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cipp import to_dict
from cipp.flow.adjudication import final_coding
from cipp.flow.intercoder import analyse_agreement
from cipp.flow.themes import summarize_themes
from cipp.model.errors import DataError
from cipp.read.adjudication import read_adjudication
from cipp.read.refi import normalise_text, read_qdpx_rows
from cipp.read.segments import read_segments

from .conftest import FGD


def test_qdpx_and_csv_give_identical_coding_agreement_and_themes(codebook, coding):
    project = read_segments(FGD / "fgd.qdpx", codebook)
    assert project.units == coding.units
    assert _applications(project) == _applications(coding)
    assert to_dict(analyse_agreement(project, codebook)) == (
        to_dict(analyse_agreement(coding, codebook))
    )
    decisions = read_adjudication(FGD / "adjudication.csv")
    themes = [
        summarize_themes(final_coding(c, adjudication=decisions, codebook=codebook), codebook)
        for c in (project, coding)
    ]
    assert to_dict(themes[0]) == to_dict(themes[1])


def _applications(coding) -> list[tuple]:
    return sorted(
        (row.segment_id, row.coder, row.code or "", row.memo, row.exemplar)
        for row in coding.applications
    )


def test_qdpx_sources_are_normalised_before_slicing():
    assert normalise_text("\ufeffa\r\nb\rc".encode()) == "a\nb\nc"
    rows, notes = read_qdpx_rows(FGD / "fgd.qdpx")
    assert notes == []
    first = rows[0].values
    assert first["text"].startswith("Let us start with your mentor.")
    assert first["participant"] == "moderator"
    assert {rows[2].values["group"], rows[2].values["session"]} == {"mentee", "1"}


def _project(tmp_path: Path, qde: str, sources: dict[str, bytes] | None = None) -> Path:
    path = tmp_path / "project.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, data in (sources or {}).items():
            archive.writestr(name, data)
    return path


QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.5" name="p">
  <Users><User guid="u-1" name="ann"/></Users>
  <CodeBook><Codes>
    <Code guid="t-1" name="Theme" isCodable="false">
      <Code guid="c-1" name="Mentor hard to reach" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="s-1" name="FGD9" plainTextPath="internal://s-1.txt">
      <PlainTextSelection guid="p-1" startPosition="{start}" endPosition="{end}"
          creatingUser="u-1">
        <Coding guid="k-1" creatingUser="u-1"><CodeRef targetGUID="{code}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""


def test_other_namespace_version_and_capital_sources_folder(tmp_path: Path, codebook):
    qde = QDE.format(start=4, end=25, code="c-1")
    path = _project(tmp_path, qde, {"Sources/s-1.txt": b"P1: I can never reach him.\r\n"})
    coding = read_segments(path, codebook)
    assert coding.units[0].segment_id == "FGD9:4-25"
    assert coding.units[0].text == "I can never reach him"
    assert coding.coded_by("ann") == {"FGD9:4-25": frozenset({"mentor_hard_to_reach"})}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"not a zip"), "not a REFI-QDA project"),
        (lambda p: _zip(p, {"readme.txt": b"x"}), "holds one .qde file, found no .qde file"),
        (lambda p: _zip(p, {"a.qde": b"<Project>", "b.qde": b"<Project/>"}), "found 2 .qde"),
        (lambda p: _zip(p, {"project.qde": b"<Project><Sources>"}), "malformed XML"),
        (lambda p: _zip(p, {"project.qde": b"<CodeBook/>"}), "root element is CodeBook"),
        (
            lambda p: _zip(p, {"project.qde": BOMB}),
            "refused unsafe XML: it holds an entity declaration .entity .lol..",
        ),
        (lambda p: _zip(p, {"project.qde": b"<Project/>"}), "the project has no Sources"),
    ],
)
def test_malformed_qdpx_gives_a_clear_error(tmp_path: Path, codebook, make, message):
    path = tmp_path / "bad.qdpx"
    make(path)
    with pytest.raises(DataError, match=message) as caught:
        read_segments(path, codebook)
    assert str(caught.value).startswith(str(path))


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<Project>&lol2;</Project>
"""


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_bad_selection_references_are_all_listed(tmp_path: Path, codebook):
    qde = QDE.format(start=4, end=999, code="c-1").replace(
        "</TextSource>",
        '<PlainTextSelection guid="p-2" startPosition="0" endPosition="2" creatingUser="u-9">'
        '<Coding guid="k-2"><CodeRef targetGUID="c-404"/></Coding></PlainTextSelection>'
        "</TextSource>",
    )
    path = _project(tmp_path, qde, {"sources/s-1.txt": b"P1: I can never reach him."})
    with pytest.raises(DataError) as caught:
        read_segments(path, codebook)
    message = str(caught.value)
    assert "positions 4-999 lie outside the source text" in message
    assert "CodeRef 'c-404' is not in the CodeBook" in message


def test_missing_source_file(tmp_path: Path, codebook):
    path = _project(tmp_path, QDE.format(start=0, end=2, code="c-1"))
    with pytest.raises(DataError, match="source file 's-1.txt' is missing"):
        read_segments(path, codebook)


def test_qdpx_code_not_in_codebook_yaml(tmp_path: Path, codebook):
    qde = QDE.format(start=0, end=2, code="c-1").replace("Mentor hard to reach", "Unlisted")
    path = _project(tmp_path, qde, {"sources/s-1.txt": b"P1: hello"})
    with pytest.raises(DataError, match="code 'Unlisted' is not in the codebook"):
        read_segments(path, codebook)
