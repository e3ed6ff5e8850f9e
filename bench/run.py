"""Time `cipp analyze` as a whole process against reading the same file alone.

    python bench/run.py                   # 100k-row xlsx and 1M-row CSV, 3 runs each
    python bench/run.py --runs 5 --only xlsx
    python bench/run.py --rows-xlsx 20000 --rows-csv 200000   # a quicker look

The data are generated on first use by bench/make_data.py (fixed seed) into bench/data/.
Each command runs as its own process, the reader and cipp alternately; wall time and
peak memory (the child's maximum resident set size) are the medians of the runs, and the
ratio is the median of the ratios of each pair of runs. The read-alone baseline is the fastest
reader for the format, also as a whole process: fastexcel to Arrow for .xlsx,
pyarrow.csv for .csv. Targets (issue 6): analyze at most 1.3x the read-alone time on the
xlsx and 1.5x on the CSV, at most 1.5 GB peak memory on the CSV, and `cipp --help` and
`cipp --version` under 0.2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"

READ_XLSX = "import fastexcel, sys; fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow()"
READ_CSV = "import pyarrow.csv, sys; pyarrow.csv.read_csv(sys.argv[1])"


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{error}")
    return elapsed, usage.ru_maxrss / 1024


def median_of(command: list[str], runs: int) -> tuple[float, float]:
    results = [run(command) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results))


def ensure_data(rows: int, suffix: str) -> Path:
    path = DATA / f"survey-{rows}{suffix}"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(HERE / "make_data.py"), "--rows", str(rows), "--out", str(path)],
            check=True,
        )
    return path


def cipp_command() -> list[str]:
    found = shutil.which("cipp")
    return [found] if found else [sys.executable, "-m", "cipp"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows-xlsx", type=int, default=100_000)
    parser.add_argument("--rows-csv", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("xlsx", "csv", "startup"))
    args = parser.parse_args()
    cipp = cipp_command()
    lines = [
        "| case | read alone (s) | cipp analyze (s) | ratio | target | peak MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    cases = []
    if args.only in (None, "xlsx"):
        cases.append(("xlsx", ensure_data(args.rows_xlsx, ".xlsx"), READ_XLSX, 1.3))
    if args.only in (None, "csv"):
        cases.append(("csv", ensure_data(args.rows_csv, ".csv"), READ_CSV, 1.5))
    for name, path, reader, target in cases:
        instrument = DATA / "bench30.yaml"
        out = DATA / f"out-{name}.json"
        analyze = [
            *cipp,
            "analyze",
            str(path),
            "--instrument",
            str(instrument),
            "--by",
            "gender",
            "--by",
            "age",
            "--format",
            "json",
            "--out",
            str(out),
        ]
        # Alternate the two commands so that both see the same state of a shared
        # machine; the verdict is the median of the per-pair ratios.
        pairs = [
            (run([sys.executable, "-c", reader, str(path)]), run(analyze)) for _ in range(args.runs)
        ]
        read_time = statistics.median(read[0] for read, _ in pairs)
        read_memory = statistics.median(read[1] for read, _ in pairs)
        analyze_time = statistics.median(cipp_run[0] for _, cipp_run in pairs)
        analyze_memory = statistics.median(cipp_run[1] for _, cipp_run in pairs)
        ratio = statistics.median(cipp_run[0] / read[0] for read, cipp_run in pairs)
        mark = "ok" if ratio <= target else "over"
        lines.append(
            f"| {path.name} | {read_time:.2f} | {analyze_time:.2f} | {ratio:.2f} "
            f"({mark}) | {target} | {analyze_memory:.0f} (read alone "
            f"{read_memory:.0f}) |"
        )
    if args.only in (None, "startup"):
        for flag in ("--help", "--version"):
            seconds, _ = median_of([*cipp, flag], max(args.runs, 5))
            mark = "ok" if seconds < 0.2 else "over"
            lines.append(f"| cipp {flag} | | {seconds:.3f} | ({mark}) | < 0.2 s | |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
