"""Golden files: the exact outputs of the commands a researcher runs on the example data.

Each case runs one command through the CLI, from a scratch folder holding a copy of `data/`
(so paths in outputs are the same relative paths on every machine), and compares every
text file it writes, and its stdout where that is the output, byte for byte with
`tests/golden/<case>/`. Only cipp's own version is normalised, so that a release does not
rewrite every file.

After a deliberate change of output, regenerate with

    CIPP_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and read the diff of `tests/golden/` before committing it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from cipp import __version__
from cipp.cli import app
from tests.conftest import DATA

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CIPP_UPDATE_GOLDEN") == "1"
TEXT_SUFFIXES = {".json", ".csv", ".md", ".txt"}

FGD = ["data/fgd/segments.csv", "--codebook", "data/fgd/codebook.yaml"]
THEMES = [
    "data/fgd/segments.csv",
    "--codebook",
    "data/fgd/codebook.yaml",
    "--adjudication",
    "data/fgd/adjudication.csv",
    "--pseudonyms",
    "data/fgd/pseudonyms.yaml",
]
REPORT = [
    "report",
    "--survey",
    "data/mentees.xlsx",
    "--survey",
    "data/mentors.xlsx",
    "--qual",
    "data/fgd/segments.csv",
    "--codebook",
    "data/fgd/codebook.yaml",
    "--adjudication",
    "data/fgd/adjudication.csv",
    "--pseudonyms",
    "data/fgd/pseudonyms.yaml",
]


def _cases() -> dict[str, list[str]]:
    """Case name -> arguments; `{out}` is the case's output folder."""
    cases: dict[str, list[str]] = {}
    for survey in ("mentors", "mentees"):
        for fmt, suffix in (("json", "json"), ("csv", "csv"), ("markdown", "md")):
            cases[f"analyze-{survey}-{fmt}"] = [
                "analyze",
                f"data/{survey}.xlsx",
                "--format",
                fmt,
                "--out",
                f"{{out}}/{survey}.{suffix}",
            ]
    cases["batch-mentees-by-year"] = [
        "batch",
        "data/mentees.xlsx",
        "--split-by",
        "year_of_study",
        "--workers",
        "1",
        "--format",
        "json,csv,markdown,table",
        "--out",
        "{out}/batch",
    ]
    for fmt, suffix in (("json", "json"), ("csv", "csv"), ("markdown", "md")):
        cases[f"qual-agreement-{fmt}"] = [
            "qual",
            "agreement",
            *FGD,
            "--format",
            fmt,
            "--out",
            f"{{out}}/agreement.{suffix}",
        ]
        cases[f"qual-themes-{fmt}"] = [
            "qual",
            "themes",
            *THEMES,
            "--format",
            fmt,
            "--out",
            f"{{out}}/themes.{suffix}",
        ]
    for fmt, suffix in (("json", "json"), ("markdown", "md")):
        cases[f"report-{fmt}"] = [*REPORT, "--format", fmt, "--out", f"{{out}}/report.{suffix}"]
    return cases


CASES = _cases()


#: A float written to its last digit: numpy's and scipy's builds may differ in that digit
#: (summation order, vectorised kernels), which no reader of the outputs sees.
LONG_FLOAT = re.compile(r"-?\d+\.\d{10,}(?:[eE][-+]?\d+)?")


def _normalise(text: str) -> str:
    text = re.sub(re.escape(__version__), "<version>", text)
    return LONG_FLOAT.sub(lambda number: f"{float(number.group()):.11g}", text)


def _outputs(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): _normalise(path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in TEXT_SUFFIXES
    }


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("golden")
    shutil.copytree(
        DATA, root / "data", ignore=shutil.ignore_patterns("*.py", "README.md", "__pycache__")
    )
    return root


@pytest.mark.parametrize("case", sorted(CASES))
def test_output_matches_golden(case: str, workspace: Path, runner, monkeypatch) -> None:
    monkeypatch.chdir(workspace)
    out = workspace / "out" / case
    out.mkdir(parents=True)
    args = [arg.replace("{out}", os.path.relpath(out, workspace)) for arg in CASES[case]]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    produced = _outputs(out)
    assert produced, f"{case} wrote no text output"
    expected_dir = GOLDEN / case
    if UPDATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, text in produced.items():
            target = expected_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return
    expected = _outputs(expected_dir)
    assert sorted(produced) == sorted(expected), f"{case}: files differ"
    for name, text in produced.items():
        assert text == expected[name], f"{case}: {name} differs from tests/golden/{case}/{name}"
