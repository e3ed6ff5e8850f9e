"""Coded segment files: CSV sniffing, xlsx, tool header aliases, codes checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from cipp.model.errors import DataError
from cipp.read.segments import read_segments, sniff_delimiter

from ..conftest import write_xlsx
from .conftest import FGD

HEADER = ["segment_id", "document", "participant", "text", "coder", "code"]
ROWS = [
    ["u1", "FGD1", "1", "My mentor helped me plan revision.", "ann", "guidance_on_studies"],
    ["u1", "FGD1", "1", "My mentor helped me plan revision.", "bob", "guidance_on_studies"],
    ["u2", "FGD1", "2", "Café talk, nothing coded.", "ann", ""],
    ["u2", "FGD1", "2", "Café talk, nothing coded.", "bob", "felt_encouraged"],
    ["u3", "FGD1", "Moderator", "Next question.", "ann", ""],
]


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value or '"' in value else value

    return "\n".join(delimiter.join(cell(v) for v in row) for row in rows) + "\n"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ";"), ("utf-8", "|")],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, codebook, encoding, delimiter):
    path = tmp_path / "segments.csv"
    path.write_bytes(_csv([HEADER, *ROWS], delimiter).encode(encoding))
    coding = read_segments(path, codebook)
    assert coding.coders == ("ann", "bob")
    assert [unit.segment_id for unit in coding.units] == ["u1", "u2"]
    assert coding.unit("u2").text == "Café talk, nothing coded."
    assert coding.coded_by("ann") == {
        "u1": frozenset({"guidance_on_studies"}),
        "u2": frozenset(),
    }
    assert coding.moderator_rows == 1
    assert any("moderator" in note for note in coding.notes)


def test_sniff_delimiter_uses_the_header_line():
    assert sniff_delimiter("a;b;c\n1,5;2;3\n") == ";"
    assert sniff_delimiter("just one column\n") == ","


def test_xlsx(tmp_path: Path, codebook):
    path = write_xlsx(tmp_path / "segments.xlsx", [HEADER, *ROWS])
    coding = read_segments(path, codebook)
    assert coding.coded_by("bob")["u2"] == frozenset({"felt_encouraged"})


def test_code_missing_from_codebook_names_file_row_column_value(tmp_path: Path, codebook):
    rows = [HEADER, *ROWS]
    rows[4][5] = "felt_encuraged"
    path = tmp_path / "segments.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_segments(path, codebook)
    message = str(caught.value)
    assert message.startswith(f"{path}: row 5, column 'code': code 'felt_encuraged'")
    assert "is not in the codebook" in message
    assert "did you mean 'felt_encouraged'?" in message


def test_all_cell_problems_at_once(tmp_path: Path, codebook):
    path = tmp_path / "segments.csv"
    path.write_text(
        "segment_id,document,text,coder,code,exemplar,start\n"
        "u1,D,t,ann,nope,maybe,12\n"
        "u2,D,t,,guidance_on_studies,,x\n"
        "u3,D,t,ann,guidance_on_studies,,seven\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        read_segments(path, codebook)
    message = str(caught.value)
    assert "row 2, column 'exemplar': 'maybe' is not yes/no" in message
    assert "row 3, column 'coder': empty coder" in message
    assert "row 4, column 'start': 'seven' is not a number" in message
    assert "row 2, column 'code': code 'nope'" in message


def test_missing_columns(tmp_path: Path, codebook):
    path = tmp_path / "segments.csv"
    path.write_text("segment_id,text\nu1,hello\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column\\(s\\) document, code, coder"):
        read_segments(path, codebook)


def test_conflicting_unit_details(tmp_path: Path, codebook):
    rows = [HEADER, *ROWS]
    rows[2][2] = "7"
    path = tmp_path / "segments.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    with pytest.raises(DataError, match="unit 'u1' has participant '7' but '1' at row 2"):
        read_segments(path, codebook)


def test_qualcoder_export_headers(tmp_path: Path, codebook):
    path = tmp_path / "qualcoder.csv"
    path.write_text(
        "Codename,Coded,Coded_Memo,File,Coder,Id\n"
        "Guidance on studies and exams,She planned my revision.,exemplar: clear,FGD1,ann,17\n"
        "Felt encouraged and listened to,She planned my revision.,,FGD1,bob,17\n",
        encoding="utf-8",
    )
    coding = read_segments(path, codebook)
    assert coding.coded_by("ann") == {"17": frozenset({"guidance_on_studies"})}
    exemplar = [row for row in coding.applications if row.coder == "ann"][0]
    assert exemplar.exemplar and exemplar.memo == "exemplar: clear"


def test_taguette_export_needs_a_coder(tmp_path: Path, codebook):
    path = tmp_path / "taguette.csv"
    path.write_text(
        "id,document,tag,content\n3,FGD1,guidance_on_studies,She planned my revision.\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="give the coder with `coder`"):
        read_segments(path, codebook)
    coding = read_segments(path, codebook, coders=["ann"])
    assert coding.coders == ("ann",)


def test_two_taguette_files_one_coder_each(tmp_path: Path, codebook):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("id,document,tag,content\n3,D,guidance_on_studies,x\n", encoding="utf-8")
    second.write_text("id,document,tag,content\n3,D,felt_encouraged,x\n", encoding="utf-8")
    coding = read_segments([first, second], codebook, coders=["ann", "bob"])
    assert coding.coders == ("ann", "bob")
    assert coding.coded_by("bob") == {"3": frozenset({"felt_encouraged"})}


def test_requal_export_derives_unit_ids(tmp_path: Path, codebook):
    path = tmp_path / "requal.csv"
    path.write_text(
        "doc_name,segment_start,segment_end,code_name,segment_text,user_name\n"
        "FGD1,10,40,Guidance on studies and exams,She planned my revision.,ann\n"
        "FGD1,10,40,Guidance on studies and exams,She planned my revision.,bob\n",
        encoding="utf-8",
    )
    coding = read_segments(path, codebook)
    assert [unit.segment_id for unit in coding.units] == ["FGD1:10-40"]
    assert coding.units[0].start == 10 and coding.units[0].end == 40


def test_example_data_counts(coding):
    mentees = {u.person for u in coding.units if u.group == "mentee"}
    mentors = {u.person for u in coding.units if u.group == "mentor"}
    assert len(mentees) == 27
    assert len(mentors) == 8
    assert coding.coders == ("coder_a", "coder_b")
    assert all(unit.participant != "moderator" for unit in coding.units)


def test_missing_file(tmp_path: Path, codebook):
    with pytest.raises(DataError, match="file not found"):
        read_segments(tmp_path / "nope.csv", codebook)
    assert (FGD / "segments.csv").exists()
