"""Time `cipp analyze` as a whole process against reading the same file alone.

    python bench/run.py                   # every case, 3 runs each
    python bench/run.py --runs 5 --only mid
    python bench/run.py --rows-xlsx 20000 --rows-csv 200000   # a quicker look

The data are generated on first use by bench/make_data.py (fixed seed) into bench/data/.
Each command runs as its own process, the reader and cipp alternately (and, for the
mid-sized case, the pandas + scipy script too); wall time and peak memory (the child's
maximum resident set size) are the medians of the runs, and each ratio is the median of
the ratios within each round of runs. The read-alone baseline is the fastest reader for
the format, also as a whole process: fastexcel to Arrow for .xlsx, pyarrow.csv for .csv.
Targets (issues 6 and 18): analyze at most 1.3x the read-alone time on the xlsx (with
13 of its 34 columns in the instrument), 1.5x on the 1M-row CSV and 2.5x on the
mid-sized CSV, where it is also at least 2x faster than bench/baseline_pandas.py; and
`cipp --help` and `cipp --version` under 0.1 s. ``--before DIR`` times another
checkout's src/ (e.g. main's, as it was before a change) alongside.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

READ_XLSX = "import fastexcel, sys; fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow()"
READ_CSV = "import pyarrow.csv, sys; pyarrow.csv.read_csv(sys.argv[1])"
STARTUP_TARGET = 0.1


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    reader: str
    target: float
    instrument: str
    by: tuple[str, ...]
    pandas_baseline: bool = False


def child_env(source: str | None = None) -> dict[str, str]:
    """The children's environment: bytecode caching on (as for an installed package; a
    shell that turns it off would charge every run for compiling cipp), and ``source``
    (another checkout's src/) first on the path when given."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if source:
        env["PYTHONPATH"] = source
    return env


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or child_env()
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{error}")
    return elapsed, usage.ru_maxrss / 1024


def median_of(
    command: list[str], runs: int, env: dict[str, str] | None = None
) -> tuple[float, float]:
    results = [run(command, env) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results))


def ensure_data(rows: int, suffix: str, *, mid: bool = False) -> Path:
    path = DATA / f"{'mid' if mid else 'survey'}-{rows}{suffix}"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        command = [sys.executable, str(HERE / "make_data.py"), "--rows", str(rows)]
        subprocess.run([*command, "--out", str(path), *(["--mid"] if mid else [])], check=True)
    return path


def cipp_command() -> list[str]:
    # ``python -m cipp`` runs the installed command's entry point (cipp.__main__:run),
    # and runs another checkout (--before) the same way.
    return [sys.executable, "-m", "cipp"]


def cases(args: argparse.Namespace) -> list[Case]:
    chosen = []
    if args.only in (None, "xlsx"):
        path = ensure_data(args.rows_xlsx, ".xlsx")
        chosen.append(Case("xlsx", path, READ_XLSX, 1.3, "bench30-13.yaml", ("gender", "age")))
    if args.only in (None, "csv"):
        path = ensure_data(args.rows_csv, ".csv")
        chosen.append(Case("csv", path, READ_CSV, 1.5, "bench30.yaml", ("gender", "age")))
    if args.only in (None, "mid"):
        path = ensure_data(args.rows_mid, ".csv", mid=True)
        chosen.append(Case("mid", path, READ_CSV, 2.5, "mid80.yaml", ("region",), True))
    return chosen


def measure(case: Case, runs: int, before: str | None) -> list[str]:
    """The table lines of one case: cipp against the reader (and the pandas script, and
    the ``before`` checkout's cipp)."""
    flags = [flag for name in case.by for flag in ("--by", name)]
    analyze = [*cipp_command(), "analyze", str(case.path)]
    analyze += ["--instrument", str(DATA / case.instrument), *flags, "--format", "json", "--out"]
    commands = [
        ([sys.executable, "-c", case.reader, str(case.path)], child_env()),
        ([*analyze, str(DATA / f"out-{case.name}.json")], child_env()),
    ]
    if case.pandas_baseline:
        script = [sys.executable, str(HERE / "baseline_pandas.py"), str(case.path)]
        commands.append(([*script, str(DATA / "out-pandas.json")], child_env()))
    if before:
        out = str(DATA / f"out-{case.name}-before.json")
        commands.append(([*analyze, out], child_env(before)))
    # Alternate the commands so that all see the same state of a shared machine; the
    # verdict is the median of the ratios within each round.
    rounds = [[run(command, env) for command, env in commands] for _ in range(runs)]
    seconds = [statistics.median(r[k][0] for r in rounds) for k in range(len(commands))]
    memory = [statistics.median(r[k][1] for r in rounds) for k in range(len(commands))]
    ratio = statistics.median(r[1][0] / r[0][0] for r in rounds)
    mark = "ok" if ratio <= case.target else "over"
    lines = [
        f"| {case.path.name} | {seconds[0]:.2f} | {seconds[1]:.2f} | {ratio:.2f} "
        f"({mark}) | {case.target} | {memory[1]:.0f} (read alone {memory[0]:.0f}) |"
    ]
    if case.pandas_baseline:
        speedup = statistics.median(r[2][0] / r[1][0] for r in rounds)
        mark = "ok" if speedup >= 2 else "under"
        lines.append(
            f"| pandas + scipy script | | {seconds[2]:.2f} | cipp {speedup:.2f}x faster "
            f"({mark}) | 2x faster | {memory[2]:.0f} |"
        )
    if before:
        ratio = statistics.median(r[-1][0] / r[0][0] for r in rounds)
        lines.append(f"| cipp before | | {seconds[-1]:.2f} | {ratio:.2f} | | {memory[-1]:.0f} |")
    return lines


def startup(runs: int, before: str | None) -> list[str]:
    lines = []
    for flag in ("--help", "--version"):
        seconds, _ = median_of([*cipp_command(), flag], runs)
        mark = "ok" if seconds < STARTUP_TARGET else "over"
        lines.append(f"| cipp {flag} | | {seconds:.3f} | ({mark}) | < {STARTUP_TARGET} s | |")
        if before:
            seconds, _ = median_of([*cipp_command(), flag], runs, child_env(before))
            lines.append(f"| cipp {flag} before | | {seconds:.3f} | | | |")
    seconds, _ = median_of([sys.executable, "-c", "pass"], runs)
    lines.append(f"| python -c pass (for scale) | | {seconds:.3f} | | | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows-xlsx", type=int, default=100_000)
    parser.add_argument("--rows-csv", type=int, default=1_000_000)
    parser.add_argument("--rows-mid", type=int, default=65_000)
    parser.add_argument("--only", choices=("xlsx", "csv", "mid", "startup"))
    parser.add_argument("--before", help="another checkout's src/ folder, timed alongside")
    args = parser.parse_args()
    lines = [
        "| case | read alone (s) | cipp analyze (s) | ratio | target | peak MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    print(f"load before: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    for case in cases(args):
        lines += measure(case, args.runs, args.before)
    if args.only in (None, "startup"):
        lines += startup(max(args.runs, 5), args.before)
    print(f"load after: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
