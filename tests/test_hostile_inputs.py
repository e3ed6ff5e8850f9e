"""Hostile and broken inputs: limits checked before the work, one-line errors, no silence.

Every hostile file is built here, small: a workbook with one value in XFD1048576 is 2 KB,
a zip bomb is a highly compressible member, an alias bomb is 700 bytes of YAML.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from cipp.cli import app
from cipp.model.errors import CippError, DataError, InstrumentError
from cipp.model.limits import DEFAULT_LIMITS, Limits, parse_limits
from cipp.read.settings import current_limits, reading
from cipp.read.tables import read_table
from tests.conftest import DATA, write_xlsx
from tests.test_errors import mentee_rows, one_line_error

# --- hand-built workbooks -------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Answers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _sheet_xml(cells: list[tuple[str, str]], dimension: str | None = None, tail: str = "") -> str:
    rows: dict[int, list[str]] = {}
    for ref, value in cells:
        number = int("".join(ch for ch in ref if ch.isdigit()))
        rows.setdefault(number, []).append(
            f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        )
    body = "".join(f'<row r="{n}">{"".join(rows[n])}</row>' for n in sorted(rows))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main">{dim}<sheetData>{body}</sheetData>{tail}</worksheet>'
    )


def _workbook(path: Path, sheet_xml: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _far_cell_workbook(path: Path) -> Path:
    """Two kilobytes that ask a reader for 17 billion cells (openpyxl writes the
    dimension A1:XFD1048576, as the issue's file had)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "id"
    sheet["XFD1048576"] = "x"
    workbook.save(path)
    return path


# --- limits ---------------------------------------------------------------------------


def test_limits_parse_and_defaults_fit_a_million_respondents():
    limits = parse_limits("cells=500M, zip-ratio=200,csv_field=2k")
    assert (limits.cells, limits.zip_ratio, limits.csv_field) == (500_000_000, 200, 2000)
    assert limits.yaml_nodes == DEFAULT_LIMITS.yaml_nodes
    # A 1,048,576-row sheet of 95 columns, 10 GB unpacked, a 1M-row CSV's lines.
    assert DEFAULT_LIMITS.cells >= 1_048_576 * 95
    assert DEFAULT_LIMITS.zip_size >= 10**10
    for bad in ("cells", "cells=0", "cells=1.5", "rows=5", "cells=lots"):
        with pytest.raises(CippError, match="limits="):
            parse_limits(bad)


def test_settings_are_scoped_to_the_block():
    assert current_limits() == DEFAULT_LIMITS
    with reading(limits=Limits(cells=10)):
        assert current_limits().cells == 10
        with reading(encoding="cp1252"):
            assert current_limits().cells == 10
    assert current_limits() == DEFAULT_LIMITS
    with pytest.raises(CippError, match="encoding=nope"), reading(encoding="nope"):
        pass


def test_a_value_in_xfd1048576_is_refused_before_reading(tmp_path):
    path = _far_cell_workbook(tmp_path / "far.xlsx")
    assert path.stat().st_size < 10_000
    with pytest.raises(DataError) as caught:
        read_table(path)
    message = str(caught.value)
    assert "sheet 'Sheet'" in message and "A1:XFD1048576" in message
    assert "17,179,869,184 cells" in message and "limits=cells=N" in message


def test_a_dimension_that_lies_does_not_hide_the_far_cell(tmp_path):
    cells = [("A1", "id"), ("XFD1048576", "x")]
    for dimension in ("A1:A1", None):
        path = _workbook(tmp_path / f"lie-{dimension is None}.xlsx", _sheet_xml(cells, dimension))
        with pytest.raises(DataError, match="A1:XFD1048576"):
            read_table(path)


def test_a_huge_dimension_over_few_cells_is_read(tmp_path):
    cells = [("A1", "q"), ("A2", "Agree"), ("B3", "x")]
    path = _workbook(tmp_path / "dim.xlsx", _sheet_xml(cells, "A1:XFD1048576"))
    assert read_table(path).n_rows == 2


def test_the_cell_limit_can_be_lowered_and_raised(tmp_path):
    path = write_xlsx(tmp_path / "small.xlsx", mentee_rows(3))  # 4 rows x 13 columns
    with reading(limits=Limits(cells=51)), pytest.raises(DataError, match="52 cells"):
        read_table(path)
    with reading(limits=Limits(cells=52)):
        assert read_table(path).n_rows == 3


def test_analyze_stops_a_far_cell_with_one_line(runner, tmp_path):
    path = _far_cell_workbook(tmp_path / "far.xlsx")
    line = one_line_error(runner.invoke(app, ["analyze", str(path), "-i", "mentee"]))
    assert "A1:XFD1048576" in line and "--limits cells=N" in line
    small = write_xlsx(tmp_path / "small.xlsx", mentee_rows(3))
    args = ["analyze", str(small), "-i", "mentee", "--limits", "cells=10"]
    assert "more than the limit of 10" in one_line_error(runner.invoke(app, args))
    args[-1] = "cells=52"
    assert runner.invoke(app, args).exit_code == 0


def _bomb_member(size: int = 30_000_000) -> bytes:
    return b" " * size


def test_a_zip_bomb_workbook_is_refused_from_its_directory(tmp_path):
    sheet = _sheet_xml([("A1", "id")], "A1") + " " * 30_000_000
    path = _workbook(tmp_path / "bomb.xlsx", sheet)
    assert path.stat().st_size < 100_000
    with pytest.raises(DataError, match=r"times its packed size .*limits=zip-ratio=N"):
        read_table(path)
    lowered = Limits(zip_ratio=10**6, zip_size=1_000_000)
    with reading(limits=lowered), pytest.raises(DataError, match=r"unpacks to 30,000,\d+ bytes"):
        read_table(path)


def test_a_qdpx_bomb_is_refused(runner, tmp_path):
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", "<Project/>")
        archive.writestr("sources/a.txt", _bomb_member())
    args = ["qual", "agreement", str(path), "-c", str(DATA / "fgd" / "codebook.yaml")]
    line = one_line_error(runner.invoke(app, args))
    assert "sources/a.txt" in line and "--limits zip-ratio=N" in line


def test_a_focus_group_workbook_with_a_far_cell_is_refused(runner, tmp_path):
    path = _far_cell_workbook(tmp_path / "segments.xlsx")
    args = ["qual", "agreement", str(path), "-c", str(DATA / "fgd" / "codebook.yaml")]
    assert "A1:XFD1048576" in one_line_error(runner.invoke(app, args))


def test_batch_lists_the_hostile_wave_and_writes_the_others(runner, tmp_path):
    waves = tmp_path / "waves"
    waves.mkdir()
    shutil.copy(DATA / "mentors.xlsx", waves / "2023.xlsx")
    shutil.copy(DATA / "mentors.xlsx", waves / "2025.xlsx")
    _far_cell_workbook(waves / "2024.xlsx")
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        args = ["batch", str(waves), "-i", "mentor", "--no-tests", "-f", "json"]
        result = runner.invoke(app, [*args, "--out", str(out), "--workers", workers])
        assert result.exit_code == 1, result.output
        assert "failed: 2024:" in result.stderr and "--limits cells=N" in result.stderr
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert sorted(summary["waves"]) == ["2023", "2025"]
        assert "A1:XFD1048576" in summary["errors"]["2024"]
        assert (out / "2023" / "2023.json").exists() and (out / "2025" / "2025.json").exists()


def test_batch_workers_read_with_the_callers_limits(runner, tmp_path):
    waves = tmp_path / "waves"
    waves.mkdir()
    for year in ("2023", "2024"):
        shutil.copy(DATA / "mentors.xlsx", waves / f"{year}.xlsx")
    args = ["batch", str(waves), "-i", "mentor", "--no-tests", "-f", "json", "--workers", "2"]
    result = runner.invoke(app, [*args, "--limits", "cells=100"])
    assert result.exit_code == 2 and result.stderr.count("more than the limit of 100") == 2


def test_formula_cells_without_a_saved_value_are_counted_and_noted(runner, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in mentee_rows(3):
        sheet.append(row)
    sheet["F3"] = "=F2"  # written by a program that does not calculate: no saved value
    sheet["G4"] = "=G2"
    path = tmp_path / "formulas.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert len(table.notes) == 1 and "2 formula cells have no saved value" in table.notes[0]
    result = runner.invoke(app, ["analyze", str(path), "-i", "mentee", "-f", "json"])
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    assert any("2 formula cells have no saved value" in note for note in notes)


def test_formula_cells_with_saved_values_are_not_noted(tmp_path):
    cells = _sheet_xml([("A1", "q"), ("A2", "Agree")]).replace(
        "</row></sheetData>", '<c r="B2"><f>A2</f><v>Agree</v></c></row></sheetData>', 1
    )
    assert read_table(_workbook(tmp_path / "cached.xlsx", cells)).notes == ()


# --- YAML -----------------------------------------------------------------------------

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{child}: &{child} [{', '.join([f'*{parent}'] * 9)}]\n"
    for parent, child in zip("abcdefgh", "bcdefghi", strict=True)
)


def _instrument_text() -> str:
    return (DATA.parent / "instruments" / "mentor.yaml").read_text(encoding="utf-8")


def test_an_alias_bomb_in_an_instrument_source_is_refused(runner, tmp_path):
    assert len(BOMB) < 1000
    text = (
        _instrument_text()
        + "\n"
        + BOMB.replace("\n", "\n  ").replace("a: &a", "source:\n  a: &a", 1)
    )
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    args = ["analyze", str(DATA / "mentors.xlsx"), "-i", str(path)]
    line = one_line_error(runner.invoke(app, args))
    assert "alias" in line and "--limits yaml-nodes=N" in line


@pytest.mark.parametrize("kind", ["codebook", "pseudonyms", "integration"])
def test_alias_bombs_are_refused_in_every_yaml_input(tmp_path, kind):
    from cipp.read.codebook import load_codebook
    from cipp.read.integration import load_integration
    from cipp.read.pseudonyms import load_pseudonyms

    path = tmp_path / f"{kind}.yaml"
    path.write_text(BOMB, encoding="utf-8")
    load = {"codebook": load_codebook, "pseudonyms": load_pseudonyms}.get(kind, load_integration)
    with pytest.raises(CippError, match="alias"):
        load(path)


def test_duplicate_keys_name_the_key_and_both_lines(runner, tmp_path):
    text = _instrument_text().replace("id: mentor\n", "id: mentor\nid: other\n", 1)
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    first = text.splitlines().index("id: mentor") + 1
    line = one_line_error(runner.invoke(app, ["validate", str(path)]))
    assert f"line {first + 1}: duplicate key 'id' (first at line {first})" in line
    pseudonyms = tmp_path / "names.yaml"
    pseudonyms.write_text("Ayesha: Rania\nBilal: Omar\nAyesha: Sara\n", encoding="utf-8")
    from cipp.read.pseudonyms import load_pseudonyms

    with pytest.raises(DataError, match="line 3: duplicate key 'Ayesha'"):
        load_pseudonyms(pseudonyms)


def test_merge_keys_are_not_duplicates():
    from cipp.read.safe_yaml import parse_yaml

    text = "base: &b {k: 1, j: 2}\nother:\n  <<: *b\n  k: 3\n"
    assert parse_yaml(text, "x.yaml") == {"base": {"k": 1, "j": 2}, "other": {"k": 3, "j": 2}}


def test_a_yaml_file_over_the_size_limit_is_refused(tmp_path):
    from cipp.read.instrument import load_instrument

    path = tmp_path / "big.yaml"
    path.write_text(_instrument_text(), encoding="utf-8")
    with reading(limits=Limits(yaml_size=100)), pytest.raises(InstrumentError, match="yaml-size"):
        load_instrument(path)
    size = path.stat().st_size
    with reading(limits=Limits(yaml_size=100)), pytest.raises(InstrumentError) as error:
        load_instrument(path)
    assert f"the file is {size:,} bytes, more than the limit of 100" in str(error.value)


# --- CSV ------------------------------------------------------------------------------


def _survey_csv(path: Path, rows: int = 5001) -> list[str]:
    header = ",".join(str(h) for h in mentee_rows(1)[0])
    lines = [header] + [",".join(["20", "Female", "2", *(["Agree"] * 10)]) for _ in range(rows)]
    return lines


def test_an_unclosed_quote_is_one_line_naming_its_row(runner, tmp_path):
    lines = _survey_csv(tmp_path / "x.csv")
    lines[3] = lines[3].replace("Female", '"Female', 1)
    path = tmp_path / "unclosed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for extra in ([], ["--lenient"]):
        line = one_line_error(runner.invoke(app, ["analyze", str(path), "-i", "mentee", *extra]))
        assert "row 4" in line and "never closed" in line and "Agree,Agree" not in line


def test_an_unclosed_quote_after_irregular_quoting_is_still_found(tmp_path):
    lines = _survey_csv(tmp_path / "x.csv", rows=20)
    lines[2] = lines[2].replace("Female", '"Fe"male', 1)  # read as Excel reads it
    lines[-1] = lines[-1].replace("Female", '"Female', 1)
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 21: a quoted field starts"):
        read_table(path)


def test_an_unclosed_quote_closed_by_a_later_field_is_found(tmp_path):
    lines = _survey_csv(tmp_path / "x.csv", rows=200)
    lines[3] = lines[3].replace("Female", '"Female', 1)
    lines[100] = lines[100].replace("Female", '"Fem, ale"', 1)
    path = tmp_path / "swallowed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 4: a quoted field starts"):
        read_table(path)


def test_lenient_counts_every_row_of_a_ragged_file(runner, tmp_path):
    lines = _survey_csv(tmp_path / "x.csv", rows=50)
    lines[10] += ",extra"  # ragged: a cell beyond the header is kept, not the row dropped
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(path), "-i", "mentee", "--lenient", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["n_respondents"] == 50


def test_one_windows_row_at_the_end_of_a_utf8_file_is_named(runner, tmp_path):
    lines = _survey_csv(tmp_path / "x.csv", rows=3000)
    text = "\n".join(lines).replace("Female", "Femâle") + "\n"
    last = ",".join(["20", "Femâle", "2", *(["Agree"] * 10)]) + "\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode("utf-8") + last.encode("cp1252"))
    for extra in ([], ["--lenient"]):
        line = one_line_error(runner.invoke(app, ["analyze", str(path), "-i", "mentee", *extra]))
        assert "row 3002" in line and "not valid UTF-8" in line and "--encoding" in line
    with reading(encoding="cp1252"):
        assert read_table(path).n_rows == 3001
    with reading(encoding="utf-8"), pytest.raises(DataError, match="row 3002"):
        read_table(path)


def test_a_utf8_row_in_a_windows_file_is_named(tmp_path):
    text = "id,name\n1,José\n2,Zoë\n".encode("cp1252") + "3,Zoë\n".encode()
    path = tmp_path / "mixed.csv"
    path.write_bytes(text)
    with pytest.raises(DataError, match=r"row 4: .*UTF-8 text.*\(row 2\) are Windows-1252"):
        read_table(path)
    plain = tmp_path / "windows.csv"
    plain.write_bytes("id,name\n1,José\n2,Zoë\n".encode("cp1252"))
    assert read_table(plain).n_rows == 2


def test_csv_field_and_line_limits(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("id,q\n1,Agree\n2," + "x" * 5000 + "\n", encoding="utf-8")
    with reading(limits=Limits(csv_field=1000)), pytest.raises(DataError, match="row 3: a field"):
        read_table(path)
    with reading(limits=Limits(csv_line=1000)), pytest.raises(DataError, match="row 3: the record"):
        read_table(path)
    assert read_table(path).n_rows == 2


def test_a_long_error_value_stays_one_line(runner, tmp_path):
    rows = mentee_rows()
    rows[2][5] = "Agree\n" * 500
    path = write_xlsx(tmp_path / "answers.xlsx", rows)
    line = one_line_error(runner.invoke(app, ["analyze", str(path), "-i", "mentee"]))
    assert len(line) < 2100


def test_an_xlsb_dimension_record_is_read():
    import struct

    from cipp.read.archive import _xlsb_dimension

    def record(kind: int, payload: bytes) -> bytes:
        # MS-XLSB 2.1.4: type and size as 7-bit groups, low first, high bit = more.
        def number(value: int) -> bytes:
            out = []
            while True:
                low, value = value & 0x7F, value >> 7
                out.append(low | (0x80 if value else 0))
                if not value:
                    return bytes(out)

        return number(kind) + number(len(payload)) + payload

    sheet = record(0x81, b"") + record(0x94, struct.pack("<4I", 0, 1048575, 0, 16383))
    extent = _xlsb_dimension(sheet)
    assert extent is not None and extent.cells == 1_048_576 * 16_384
    assert _xlsb_dimension(record(0x81, b"")) is None


def test_a_raised_cell_limit_still_stops_at_the_machines_memory(tmp_path, runner):
    # --limits cells=20G lets the far cell past the limit, but the reader would need far
    # more memory than any machine here has: a one-line error, not an abort.
    path = _far_cell_workbook(tmp_path / "far.xlsx")
    result = runner.invoke(app, ["analyze", str(path), "--limits", "cells=20G"])
    assert result.exit_code == 2
    assert "memory" in result.stderr and "17,179,869,184 cells" in result.stderr
