"""An analysis imports only what its steps use (issue 18).

Each check runs in a fresh interpreter, so that what other tests imported does not count.
A chi-square-only run from a CSV to JSON needs neither pandas nor scipy.stats, nor the
scipy.special package (only its compiled functions, cipp.stats.tails.special), nor any
writer or figure library; ``cipp --version`` needs not even typer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HEAVY = ("pandas", "scipy.stats", "scipy.special", "matplotlib", "openpyxl", "docx")

INSTRUMENT = """\
id: small
title: Small survey
scales:
  agree4:
    kind: likert
    levels:
      - {code: 1, label: Strongly disagree}
      - {code: 2, label: Disagree}
      - {code: 3, label: Agree}
      - {code: 4, label: Strongly agree}
items:
  - {id: q1, text: First, scale: agree4, component: context}
  - {id: q2, text: Second, scale: agree4, component: input}
  - {id: q3, text: Third, scale: agree4, component: process}
  - {id: q4, text: Fourth, scale: agree4, component: product}
demographics:
  - {id: site, type: categorical, test: true, levels: [North, South]}
  - id: age
    type: numeric
    bins: [{label: '<30', max: 29}, {label: '30+', min: 30}]
"""

# Runs a command line in this interpreter (main(), not run(), which ends the process),
# waits for the background imports, and prints the heavy modules that got imported.
PROBE = """
import json, sys, threading
from cipp.cli.app import main
sys.argv = ["cipp", *sys.argv[1:]]
try:
    main()
except SystemExit as stop:
    if stop.code not in (0, None):
        raise
for thread in threading.enumerate():
    if thread is not threading.main_thread():
        thread.join()
print(json.dumps([name for name in HEAVY if name in sys.modules]))
""".replace("HEAVY", repr(HEAVY))


@pytest.fixture
def survey(tmp_path: Path) -> tuple[Path, Path]:
    """300 respondents, every table with large expected counts (chi-square only), and
    two columns outside the instrument (an id and a comment)."""
    rng = np.random.default_rng(7)
    labels = np.array(["Strongly disagree", "Disagree", "Agree", "Strongly agree", ""])
    rows = ["id,site,age,q1,q2,q3,q4,comment"]
    for i in range(300):
        site = "North" if i % 2 else "South"
        answers = labels[rng.choice(5, size=4, p=[0.2, 0.25, 0.25, 0.28, 0.02])]
        rows.append(f"{i},{site},{20 + i % 20},{','.join(answers)},note {i % 7}")
    csv = tmp_path / "survey.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    instrument = tmp_path / "small.yaml"
    instrument.write_text(INSTRUMENT, encoding="utf-8")
    return csv, instrument


def probe(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_a_chi_square_run_to_json_imports_neither_pandas_nor_scipy_stats(survey, tmp_path):
    csv, instrument = survey
    out = tmp_path / "out.json"
    imported = probe("analyze", str(csv), "-i", str(instrument), "-f", "json", "-o", str(out))
    assert imported == []
    results = json.loads(out.read_text(encoding="utf-8"))
    tests = results["associations"]
    assert tests and {t["test_used"] for t in tests} == {"pearson chi-square"}
    # The run did the work that used to need them: intervals, tests, adjustment.
    assert all(t["p_adjusted"] is not None for t in tests)
    assert results["items"][0]["levels"][0]["ci_low"] > 0


def test_grouping_by_a_column_outside_the_instrument_needs_no_pandas(survey, tmp_path):
    csv, instrument = survey
    out = tmp_path / "out.json"
    args = ("analyze", str(csv), "-i", str(instrument), "--by", "comment", "-f", "json")
    assert probe(*args, "-o", str(out)) == []
    tests = json.loads(out.read_text(encoding="utf-8"))["associations"]
    assert tests[0]["table"]["columns"] == [f"note {k}" for k in range(7)]


def test_the_library_api_imports_neither(survey):
    csv, instrument = survey
    code = (
        "import json, sys, cipp\n"
        f"results = cipp.analyze_file({str(csv)!r}, instrument={str(instrument)!r})\n"
        "cipp.to_dict(results)\n"
        f"print(json.dumps([n for n in {HEAVY!r} if n in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_the_compiled_functions_are_scipy_specials_own():
    # Loaded without the package, they are the objects the package exports later, so a
    # p value is the same float either way.
    code = (
        "from cipp.stats.tails import special; import sys; light = special();"
        "assert 'scipy.special' not in sys.modules; import scipy.special as full;"
        "names = ('chdtrc', 'ndtr', 'ndtri', 'chdtri', 'chndtrinc');"
        "print(all(getattr(light, n) is getattr(full, n) for n in names))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr


def test_an_exact_test_still_imports_scipy_stats_when_it_needs_it(tmp_path):
    """The lazy imports are real: a table that calls for Fisher's test gets it."""
    code = (
        "import sys\n"
        "from cipp.stats.contingency import test_contingency\n"
        "r = test_contingency([[3, 1], [1, 3]], row_labels='ab', col_labels='xy')\n"
        "print(r.test_used, 'scipy.stats' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["fisher", "exact", "True"], done.stderr


def test_version_imports_no_command_line_library():
    code = (
        "import sys\n"
        "sys.argv = ['cipp', '--version']\n"
        "from cipp.__main__ import run\n"
        "run()\n"
        "print(sorted(n for n in ('typer', 'rich', 'pydantic', 'numpy', 'pandas', 'scipy') "
        "if n in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["cipp 0.1.0", "[]"]


def test_version_prints_what_the_typer_app_prints():
    from typer.testing import CliRunner

    from cipp.cli import app

    fast = subprocess.run(
        [sys.executable, "-m", "cipp", "--version"], capture_output=True, text=True, check=True
    )
    assert fast.stdout == CliRunner().invoke(app, ["--version"]).output


def test_help_imports_no_rich():
    code = (
        "import sys\n"
        "sys.argv = ['cipp', '--help']\n"
        "from cipp.cli.app import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print([n for n in ('rich', 'pandas', 'numpy') if n in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Usage: cipp" in done.stdout
    assert done.stdout.splitlines()[-1] == "[]"


# --- the replacements give scipy.stats' numbers to the last bit ------------------------


def test_chi_square_cramers_v_and_trend_equal_scipy_stats_exactly():
    from scipy import stats

    from cipp.stats.contingency import cramers_v, linear_by_linear, pearson_chi_square

    rng = np.random.default_rng(3)
    for case in range(400):
        shape = (2, 2) if case % 5 == 0 else tuple(rng.integers(2, 7, 2))
        table = rng.integers(1, [5, 50, 5000, 100_000][case % 4], shape)
        expected = stats.chi2_contingency(table, correction=False)
        ours = pearson_chi_square(table)
        assert ours.statistic == expected.statistic and ours.p_value == expected.pvalue
        assert ours.df == expected.dof
        assert ours.expected == tuple(map(tuple, expected.expected_freq.tolist()))
        if shape == (2, 2):
            assert ours.p_yates == stats.chi2_contingency(table, correction=True).pvalue
        assert cramers_v(table) == stats.contingency.association(table, method="cramer")
        m2, p = linear_by_linear(table, np.arange(1.0, shape[0] + 1), np.arange(1.0, shape[1] + 1))
        assert p == stats.chi2.sf(m2, 1)


def test_wilson_intervals_equal_scipy_binomtest_exactly():
    from scipy.stats import binomtest

    from cipp.stats.describe import wilson_interval

    rng = np.random.default_rng(5)
    cases = [(0, 1), (1, 1), (0, 9), (9, 9), (3, 7)]
    cases += [(int(rng.integers(0, n + 1)), int(n)) for n in rng.integers(1, 200_000, 300)]
    for k, n in cases:
        for confidence in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999):
            interval = binomtest(k, n).proportion_ci(confidence, method="wilson")
            expected = (100 * interval.low, 100 * interval.high)
            assert wilson_interval(k, n, confidence) == expected, (k, n, confidence)


def test_bh_and_goodness_of_fit_equal_scipy_stats_exactly():
    from scipy import stats

    from cipp.stats.adjust import adjust_pvalues
    from cipp.stats.goodness_of_fit import goodness_of_fit

    rng = np.random.default_rng(11)
    for size in range(1, 120, 7):
        pvalues = rng.random(size) ** rng.integers(1, 8)
        pvalues[: size // 3] = pvalues[0]  # ties
        expected = stats.false_discovery_control(pvalues, method="bh")
        assert adjust_pvalues(list(pvalues), "bh") == expected.tolist()
        counts = rng.integers(0, 500, 5)
        counts[0] += 1
        shares = rng.random(5) + 0.1
        fit = goodness_of_fit(list(counts), list("abcde"), dict(zip("abcde", shares, strict=True)))
        reference = stats.chisquare(counts, np.array(fit.expected))
        assert (fit.statistic, fit.p_value) == (reference.statistic, reference.pvalue)


# --- reading a CSV file ahead, while the command line starts ---------------------------


def test_a_file_read_ahead_is_the_file_read_now(survey):
    from cipp.read import tables

    csv, _ = survey
    fresh = tables.read_table(csv)
    tables.read_ahead(csv)
    ahead = tables.read_table(csv)
    assert not tables._AHEAD  # taken
    assert ahead.headers == fresh.headers and ahead.rows.tolist() == fresh.rows.tolist()
    assert [c.to_pylist() for c in ahead.cells] == [c.to_pylist() for c in fresh.cells]


def test_a_workbook_read_ahead_is_its_first_sheet_read_now(tmp_path):
    from cipp.read import tables
    from tests.conftest import write_xlsx

    path = write_xlsx(tmp_path / "w.xlsx", [["id", "q1"], [1, "Agree"], [2, None], [3, "x"]])
    fresh = tables.read_table(path)
    tables.read_ahead(path)
    ahead = tables.read_table(path)
    assert not tables._AHEAD
    assert ahead.headers == fresh.headers and ahead.rows.tolist() == fresh.rows.tolist()
    assert [c.to_pylist() for c in ahead.cells] == [c.to_pylist() for c in fresh.cells]
    tables.read_ahead(path)
    tables.read_table(path, sheet="Sheet1")  # a sheet named: read as asked, not taken
    assert tables._AHEAD
    tables._AHEAD.clear()


def test_a_file_changed_since_it_was_read_ahead_is_read_again(survey):
    from cipp.read import tables

    csv, _ = survey
    tables.read_ahead(csv)
    with csv.open("a", encoding="utf-8") as handle:
        handle.write("999,North,40,Agree,Agree,Agree,Agree,late row\n")
    table = tables.read_table(csv)
    assert table.cells[0].to_pylist()[-1] == "999"
    tables._AHEAD.clear()


def test_a_file_read_ahead_under_other_limits_is_read_again_under_the_given_ones(survey):
    from cipp.model.errors import DataError
    from cipp.model.limits import parse_limits
    from cipp.read import tables
    from cipp.read.settings import reading

    csv, _ = survey
    tables.read_ahead(csv)
    with reading(limits=parse_limits("csv-field=3")), pytest.raises(DataError, match="csv"):
        tables.read_table(csv)
    assert not tables._AHEAD


def test_the_installed_command_gives_what_the_library_gives(survey, tmp_path):
    """``python -m cipp analyze FILE.csv`` (which reads the file ahead) writes the JSON
    that the library's analysis of the same file gives."""
    import cipp

    csv, instrument = survey
    out = tmp_path / "out.json"
    command = [sys.executable, "-m", "cipp", "analyze", str(csv), "-i", str(instrument)]
    subprocess.run([*command, "-f", "json", "-o", str(out)], check=True, capture_output=True)
    expected = cipp.to_dict(cipp.analyze_file(csv, instrument=str(instrument)))
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(expected))


# --- the process builds the typer app with only what it runs ---------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        [],
        ["analyze", "--help"],
        ["batch", "--help"],
        ["qual", "--help"],
        ["qual", "agreement", "--help"],
        ["export", "--help"],
        ["analyze"],
        ["analyze", "--bogus"],
    ],
)
def test_the_app_built_for_one_command_says_what_the_whole_app_says(args):
    from typer.testing import CliRunner

    from cipp.cli.app import app, build

    runner = CliRunner()
    whole = runner.invoke(app, args)
    built = build(listing=True) if args in ([], ["--help"]) else build([args[0]])
    part = runner.invoke(built, args)
    assert (part.output, part.exit_code) == (whole.output, whole.exit_code)
