"""Outputs shared with others: formula-safe spreadsheets, escaped Markdown, pseudonyms
that hold, outputs only to regular files, no temporary files left, one batch per folder."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cipp.cli import app
from cipp.model.errors import CippError, OutputError
from cipp.model.names import find_names, fold
from cipp.model.qualitative import Pseudonyms
from cipp.render.document import Document, Paragraph, Records, Section
from cipp.render.safe import csv_value, markdown_code, markdown_text
from tests.conftest import DATA, ROOT
from tests.test_errors import one_line_error

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "![x](http://evil.example/t.png)",
    "@SUM(1+1)*cmd",
    "+1-2",
    "-2+3",
    "<img src=x onerror=alert(1)>",
]


@pytest.fixture(scope="module")
def hostile_survey(tmp_path_factory) -> Path:
    """The mentor survey with a column of hostile group labels (tested with --by Site)."""
    from openpyxl import load_workbook

    sheet = load_workbook(DATA / "mentors.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*rows[0], "Site"])
        for number, row in enumerate(rows[1:]):
            label = HOSTILE[number % len(HOSTILE)] + ("\x01" if number == 1 else "")
            writer.writerow([*row, label])
    return path


def _analyze(runner, path: Path, fmt: str, out: Path) -> None:
    args = ["analyze", str(path), "-i", "mentor", "--by", "Site", "-f", fmt, "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output


# --- spreadsheets ---------------------------------------------------------------------


def test_xlsx_text_cells_are_strings_never_formulas(runner, hostile_survey, tmp_path):
    out = tmp_path / "tables.xlsx"
    _analyze(runner, hostile_survey, "xlsx", out)
    with zipfile.ZipFile(out) as archive:
        sheets = [
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
        ]
    xml = "".join(sheets)
    assert "<f>" not in xml and "<f " not in xml
    assert "=cmd|' /C calc'!A0</t>" in xml  # written, as text
    from openpyxl import load_workbook

    workbook = load_workbook(out)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_csv_outputs_quote_formula_text_and_keep_numbers():
    from cipp.render.csv import write_csv

    records = Records(("label", "n", "share"), tuple((text, -3, -0.5) for text in HOSTILE))
    rows = list(csv.reader(io.StringIO(write_csv(Document(None, (), records=records)))))
    labels = [row[0] for row in rows[1:]]
    assert labels[0] == "'=cmd|' /C calc'!A0" and labels[3] == "'@SUM(1+1)*cmd"
    assert labels[4] == "'+1-2" and labels[5] == "'-2+3"
    assert labels[1] == HOSTILE[1]  # not a formula start: unchanged
    assert {row[1] for row in rows[1:]} == {"-3"} and {row[2] for row in rows[1:]} == {"-0.5"}
    for text in ("\tx", "\rx", "-", "@"):
        assert csv_value(text) == "'" + text
    for number in ("-0.5", "+3", "-1e5", "-12%", 7, -2.5):
        assert csv_value(number) == number


def test_the_adjudication_sheet_is_formula_safe_and_round_trips(runner, tmp_path):
    from cipp.read.adjudication import read_adjudication

    segments = (DATA / "fgd" / "segments.csv").read_text(encoding="utf-8")
    lines = segments.splitlines()
    header, rows = lines[0], lines[1:]
    # A unit whose id and text start like formulas.
    rows = ["=" + row for row in rows]
    rows = [row.replace(",Honestly my mentor", ",=HYPERLINK(1) my mentor", 1) for row in rows]
    path = tmp_path / "segments.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    sheet = tmp_path / "disagreements.csv"
    codebook = str(DATA / "fgd" / "codebook.yaml")
    args = ["qual", "agreement", str(path), "-c", codebook, "--disagreements", str(sheet)]
    assert runner.invoke(app, args).exit_code == 0
    written = list(csv.reader(sheet.open(encoding="utf-8")))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in written for cell in row)
    ids = {row[0] for row in written[1:]}
    # Decide one disagreement, read the sheet back: the id is the segment's own again.
    target = next(row for row in written[1:] if row[0].startswith("'="))
    target[4] = "include"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(written)
    decisions = read_adjudication(sheet).decisions
    assert (target[0][1:], target[1]) in decisions
    assert any(identifier.startswith("'=") for identifier in ids)


# --- Markdown -------------------------------------------------------------------------


def test_markdown_escapes_html_and_markdown_from_inputs(runner, hostile_survey, tmp_path):
    out = tmp_path / "tables.md"
    _analyze(runner, hostile_survey, "markdown", out)
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text and "![x](" not in text
    assert "&lt;script>alert(1)&lt;/script>" in text
    assert "![x\\](http://evil.example/t.png)" in text


def test_html_keeps_escaping_inputs(runner, hostile_survey, tmp_path):
    out = tmp_path / "tables.html"
    _analyze(runner, hostile_survey, "html", out)
    text = out.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<img src=x" not in text


def test_word_output_survives_control_characters(runner, hostile_survey, tmp_path):
    _analyze(runner, hostile_survey, "docx", tmp_path / "tables.docx")


def test_a_file_name_with_backticks_stays_in_its_code_span(runner, tmp_path):
    path = tmp_path / "we`ird`` name.csv"
    _mentor_csv(path)
    result = runner.invoke(app, ["analyze", str(path), "-i", "mentor", "-f", "markdown"])
    assert result.exit_code == 0, result.output
    source = next(line for line in result.stdout.splitlines() if line.startswith("Source:"))
    assert f"```{path}```" in source
    assert markdown_code("a`b") == "``a`b``" and markdown_code("`x") == "`` `x ``"


def _mentor_csv(path: Path) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(DATA / "mentors.xlsx").active
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([[c.value for c in row] for row in sheet.iter_rows()])


def test_markdown_text_leaves_plain_text_alone():
    for text in ("p < .05", "n (%)", "> .99", "mentor_accessible", "Cramér's V", "2 of 8"):
        assert markdown_text(text) == text
    assert markdown_text("# heading", block=True) == "\\# heading"
    assert markdown_text("- item", block=True) == "\\- item"
    assert markdown_text("3. item", block=True) == "3\\. item"
    assert markdown_text("`code` *em* _em_ ~~s~~ &amp; a|b") == (
        "\\`code\\` \\*em\\* \\_em\\_ \\~\\~s\\~\\~ &amp;amp; a\\|b"
    )
    assert markdown_text("two\nlines") == "two lines"


# --- pseudonyms -----------------------------------------------------------------------

NAMES = Pseudonyms((("Ayesha", "Rania"), ("José", "Pedro"), ("Strauß", "Berg"), ("Ali", "Omar")))


@pytest.mark.parametrize(
    "text",
    [
        "PAyesha",
        "Jose\u0301",  # e + combining acute
        "Ay\u00adesha",  # soft hyphen
        "Aye\u200bsha",  # zero-width space
        "Ayeshas",
        "Ayesha's",
        "Ayesha\u2019s",
        "Ayesha2",
        "ayesha_k",
        "\uff21\uff59\uff45\uff53\uff48\uff41",  # fullwidth
        "STRAUSS",
        "AyeshaKhan",
        "AYESHA",
    ],
)
def test_names_are_found_however_they_are_spelled(text):
    assert NAMES.survivors(f"said {text} today") != []
    replaced = NAMES.apply(f"said {text} today")
    assert NAMES.survivors(replaced) == [], replaced


def test_short_names_inside_other_words_are_left_alone():
    text = "the quality of Alison's talk"
    assert NAMES.apply(text) == text and NAMES.survivors(text) == []
    # A name of five letters or more is found inside a longer word too.
    assert NAMES.survivors("thank you Ayeshaji") != []
    assert NAMES.apply("thank you Ayeshaji") == "thank you Raniaji"
    assert NAMES.apply("Ayesha's notes; Ayeshas") == "Rania's notes; Ranias"
    assert fold("Strauß") == fold("STRAUSS") == "strauss"
    assert [found.name for found in find_names("Ali met José.", ["Ali", "José"])] == [
        "Ali",
        "José",
    ]


def _segments_with_named_participant(tmp_path: Path) -> Path:
    lines = (DATA / "fgd" / "segments.csv").read_text(encoding="utf-8").splitlines()
    renamed = [line.replace(",mentee,1,1,", ",mentee,1,Ayesha,", 1) for line in lines]
    path = tmp_path / "segments.csv"
    path.write_text("\n".join(renamed) + "\n", encoding="utf-8")
    return path


def test_label_templates_cannot_glue_a_name_into_a_word(runner, tmp_path):
    segments = _segments_with_named_participant(tmp_path)
    names = tmp_path / "names.yaml"
    names.write_text("Ayesha: Rania\n", encoding="utf-8")
    codebook = str(DATA / "fgd" / "codebook.yaml")
    adjudication = str(DATA / "fgd" / "adjudication.csv")
    base = ["qual", "themes", str(segments), "-c", codebook, "-a", adjudication, "-p", str(names)]
    for template in ("{group}, FGD {session}, P{participant}", "{participant}_{session}"):
        result = runner.invoke(app, [*base, "--label", template, "-f", "json"])
        assert result.exit_code == 0, result.output
        assert "Ayesha" not in result.stdout and "Rania" in result.stdout
    assert "PRania" in runner.invoke(app, [*base, "-f", "markdown"]).stdout


def test_the_survivor_check_covers_file_names_and_json(runner, tmp_path, monkeypatch):
    segments = _segments_with_named_participant(tmp_path)
    names = tmp_path / "names.yaml"
    names.write_text("Ayesha: Rania\n", encoding="utf-8")
    codebook = str(DATA / "fgd" / "codebook.yaml")
    adjudication = str(DATA / "fgd" / "adjudication.csv")
    base = ["qual", "themes", str(segments), "-c", codebook, "-a", adjudication, "-p", str(names)]
    out = tmp_path / "ayesha_quotes.md"
    line = one_line_error(runner.invoke(app, [*base, "-f", "markdown", "-o", str(out)]))
    assert "the file name" in line and "'Ayesha'" in line and not out.exists()
    # a folder given with the file is shared with it; relative to where cipp runs
    (tmp_path / "Ayesha").mkdir()
    monkeypatch.chdir(tmp_path)
    line = one_line_error(runner.invoke(app, [*base, "-f", "json", "-o", "Ayesha/quotes.json"]))
    assert "the file name" in line and not (tmp_path / "Ayesha" / "quotes.json").exists()

    from cipp.render.formats import check_names

    document = Document(None, (Section(None, (Paragraph("quotes"),)),), names=NAMES)
    for output in ('{"label": "P Ay\u00adesha"}', "Ayesha&#x27;s", "\\*Ayesha\\*"):
        with pytest.raises(CippError, match="Ayesha"):
            check_names(document, output, "out.json")
    check_names(document, '{"label": "P Rania"}', "out.json")


def test_the_survivor_check_reads_inside_workbooks(tmp_path):
    from cipp.render.formats import check_names
    from cipp.render.xlsx import write_xlsx

    records = Records(("quote",), (("Ayesha said so",),))
    document = Document(None, (), records=records, names=NAMES)
    with pytest.raises(CippError, match="Ayesha"):
        check_names(document, write_xlsx(document), "out.xlsx")


def test_names_listed_twice_after_folding_are_refused(tmp_path):
    from cipp.read.pseudonyms import load_pseudonyms

    path = tmp_path / "names.yaml"
    path.write_text("José: Pedro\nJOSE: Juan\n", encoding="utf-8")
    with pytest.raises(CippError, match="listed twice"):
        load_pseudonyms(path)


# --- where outputs go -----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_fifo_is_never_opened_as_an_input_or_for_disagreements(runner, tmp_path):
    # Opening a named pipe waits for a writer forever: each is refused before it is opened.
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    fgd = DATA / "fgd"
    codebook, segments = str(fgd / "codebook.yaml"), str(fgd / "segments.csv")
    commands = [
        ["analyze", str(fifo)],
        ["qual", "themes", str(fifo), "--codebook", codebook],
        ["qual", "agreement", segments, "--codebook", str(fifo)],
        ["analyze", str(DATA / "mentors.xlsx"), "--roster", str(fifo)],
        ["validate", str(fifo)],
        ["instrument", "from-qualtrics", str(fifo)],
    ]
    for args in commands:
        line = one_line_error(runner.invoke(app, args))
        assert "named pipe (FIFO); cipp reads only regular files" in line, args
    args = ["qual", "agreement", segments, "--codebook", codebook, "--disagreements", str(fifo)]
    line = one_line_error(runner.invoke(app, args))
    assert "named pipe" in line and "--disagreements" in line
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_out_at_a_fifo_a_device_or_a_socket_is_refused(runner, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    mentors = str(DATA / "mentors.xlsx")
    line = one_line_error(runner.invoke(app, ["analyze", mentors, "-f", "json", "-o", str(fifo)]))
    assert "named pipe" in line and "--out" in line
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    line = one_line_error(runner.invoke(app, ["analyze", mentors, "-f", "json", "-o", os.devnull]))
    assert "a device" in line
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    sock_path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        args = ["analyze", mentors, "-f", "json", "-o", str(sock_path)]
        assert "a socket" in one_line_error(runner.invoke(app, args))
    finally:
        server.close()


def test_temporary_files_are_named_for_their_output_and_removed(tmp_path):
    from cipp.render.files import atomic_path

    out = tmp_path / "report.docx"
    with pytest.raises(KeyboardInterrupt), atomic_path(out) as tmp:
        assert tmp.name.startswith("report.docx.cipp-writing-") and tmp.suffix == ".tmp"
        tmp.write_text("partial")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name == "nt", reason="POSIX signals")
def test_sigterm_while_writing_leaves_no_temporary_file(tmp_path):
    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from cipp.cli.app import _exit_on_signals\n"
        "from cipp.render.files import atomic_path\n"
        "_exit_on_signals()\n"
        "with atomic_path(Path(sys.argv[1])) as tmp:\n"
        "    tmp.write_text('partial')\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(10)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "-c", script, str(out)], env=env, timeout=60, capture_output=True
    )
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_second_batch_into_a_locked_folder_fails_with_one_line(runner, tmp_path):
    from cipp.render.files import LOCK_NAME, folder_lock

    out = tmp_path / "report"
    args = ["batch", str(DATA / "mentors.xlsx"), "--no-tests", "-f", "json", "--out", str(out)]
    with folder_lock(out):
        line = one_line_error(runner.invoke(app, args))
        assert "another cipp batch run is writing into this folder" in line
        assert "--out" in line
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (out / "summary.json").exists() and not (out / LOCK_NAME).exists()
    json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_a_batch_that_fails_leaves_no_empty_folder(runner, tmp_path):
    out = tmp_path / "report"
    missing = str(tmp_path / "nothing.csv")
    result = runner.invoke(app, ["batch", missing, "-f", "json", "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()


def test_lock_refuses_a_file_as_folder(tmp_path):
    from cipp.render.files import folder_lock

    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(OutputError, match="not a folder"), folder_lock(path):
        pass


def test_the_library_output_of_a_theme_analysis_runs_the_survivor_check(tmp_path):
    import cipp
    from cipp.flow.qualitative import QualitativeInputs, analyse_themes

    names = tmp_path / "names.yaml"
    # A name that is also a word of a theme's title survives anonymising (titles are the
    # researcher's, not the participants'): cipp.output must refuse, as the CLI does.
    names.write_text("Academic: Rania\n", encoding="utf-8")
    fgd = DATA / "fgd"
    inputs = QualitativeInputs(
        segments=(fgd / "segments.csv",),
        codebook=fgd / "codebook.yaml",
        adjudication=fgd / "adjudication.csv",
        pseudonyms=names,
    )
    analysis = analyse_themes(inputs)
    with pytest.raises(CippError, match="'Academic'"):
        cipp.output(analysis, "markdown")
    with pytest.raises(CippError, match="'Academic'"):
        cipp.write(analysis, tmp_path / "themes.json")
    assert not (tmp_path / "themes.json").exists()
    assert "Academic" in cipp.output(analysis.themes, "markdown")  # the bare results: no list


def test_an_invalid_cell_is_quoted_cut_in_documents(tmp_path):
    from cipp.model.responses import InvalidCell
    from cipp.render.survey import _invalid_cells

    cell = InvalidCell(
        "big.csv", None, 6, "F", "program_important", "program_important", "x" * 10**6
    )

    class Shown:
        invalid_cells = (cell,)

    bullets = _invalid_cells(Shown())  # type: ignore[arg-type]
    assert bullets is not None
    (line,) = bullets.items
    assert len(line) < 200 and "(1,000,000 characters)" in line
