"""The console entry point ends without interpreter teardown: statuses and output survive."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DATA


def cipp(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cipp", *args], capture_output=True, text=True, cwd=cwd
    )


def test_version_exits_zero_with_its_output():
    result = cipp("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("cipp ")


def test_user_error_keeps_exit_status_two_and_one_line():
    result = cipp("analyze", "no-such-file.csv")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["cipp: error: no-such-file.csv: file not found"]
    assert "Traceback" not in result.stderr


def test_usage_error_keeps_click_status():
    result = cipp("--no-such-option")
    assert result.returncode == 2


def test_whole_json_reaches_a_pipe():
    result = cipp("analyze", str(DATA / "mentees.xlsx"), "--format", "json")
    assert result.returncode == 0
    parsed = json.loads(result.stdout)  # every byte flushed before the process ended
    assert parsed["n_respondents"] == 182


def test_output_file_is_complete(tmp_path):
    out = tmp_path / "results.json"
    result = cipp("analyze", str(DATA / "mentors.xlsx"), "--format", "json", "--out", str(out))
    assert result.returncode == 0
    assert json.loads(out.read_text())["n_respondents"] == 29


def test_an_uncaught_error_still_exits_one():
    # Writing --version to a full device fails inside the command: Python's status is 1.
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cipp", "--version"], stdout=full, stderr=subprocess.PIPE
        )
    assert result.returncode == 1
    assert b"OSError" in result.stderr


def test_a_program_calling_main_keeps_its_own_exit_status():
    program = (
        "import sys\n"
        "sys.argv = ['cipp', '--version']\n"
        "from cipp.cli.app import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.exit(3)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 3
    assert result.stdout.startswith("cipp ")
