"""Generate a large synthetic survey for the benchmark (fixed seed).

    python bench/make_data.py --rows 100000 --items 30 --out bench/data/survey-100k.xlsx
    python bench/make_data.py --rows 1000000 --items 30 --out bench/data/survey-1m.csv

Answers are labels of the 6-point agreement scale (as survey platforms export them),
with about 1% blanks; four demographics: age (numeric), gender, year of study, site.
The matching instrument is written next to the data as ``bench-<items>.yaml``.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

LABELS = np.array(
    [
        "Strongly disagree",
        "Disagree",
        "Slightly disagree",
        "Slightly agree",
        "Agree",
        "Strongly agree",
        "",
    ],
    dtype=object,
)
GENDERS = np.array(["Female", "Male"], dtype=object)
YEARS = np.array(["Year 1", "Year 2", "Year 3", "Year 4", "Year 5"], dtype=object)
SITES = np.array(["North", "South", "East", "West"], dtype=object)


def instrument_yaml(items: int) -> str:
    lines = [
        f"id: bench{items}",
        f"title: Benchmark survey ({items} items)",
        "scales:",
        "  agreement6:",
        "    kind: likert",
        "    levels:",
        *(f"      - {{code: {i + 1}, label: {label}}}" for i, label in enumerate(LABELS[:6])),
        "    missing: [N/A]",
        "    collapse:",
        "      - {label: Disagree, codes: [1, 2, 3]}",
        "      - {label: Agree, codes: [4, 5, 6]}",
        "items:",
    ]
    components = ("context", "input", "process", "product")
    for i in range(items):
        lines.append(
            f"  - {{id: q{i + 1:02d}, text: Benchmark statement {i + 1}, "
            f"scale: agreement6, component: {components[i % 4]}}}"
        )
    lines += [
        "demographics:",
        "  - id: age",
        "    type: numeric",
        "    test: true",
        "    bins: [{label: '<20', max: 19}, {label: '20-23', min: 20, max: 23}, "
        "{label: '24+', min: 24}]",
        "  - {id: gender, type: categorical, test: true, levels: [Female, Male]}",
        "  - {id: year_of_study, type: categorical, ordered: true, "
        "levels: [Year 1, Year 2, Year 3, Year 4, Year 5]}",
        "  - {id: site, type: categorical, levels: [North, South, East, West]}",
    ]
    return "\n".join(lines) + "\n"


def columns(rows: int, items: int, seed: int) -> tuple[list[str], list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    headers = ["age", "gender", "year_of_study", "site"] + [f"q{i + 1:02d}" for i in range(items)]
    data = [
        rng.integers(17, 30, rows),
        GENDERS[rng.integers(0, 2, rows)],
        YEARS[rng.integers(0, 5, rows)],
        SITES[rng.integers(0, 4, rows)],
    ]
    weights = np.array([0.08, 0.1, 0.14, 0.22, 0.28, 0.17, 0.01])
    for _ in range(items):
        data.append(LABELS[rng.choice(7, size=rows, p=weights / weights.sum())])
    return headers, data


def write_csv(path: Path, headers: list[str], data: list[np.ndarray]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(zip(*(column.tolist() for column in data), strict=True))


def write_xlsx(path: Path, headers: list[str], data: list[np.ndarray]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    sheet.append(headers)
    for row in zip(*(column.tolist() for column in data), strict=True):
        sheet.append([None if cell == "" else cell for cell in row])
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20240801)
    parser.add_argument("--out", type=Path, required=True, help=".xlsx or .csv")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    headers, data = columns(args.rows, args.items, args.seed)
    if args.out.suffix == ".xlsx":
        write_xlsx(args.out, headers, data)
    else:
        write_csv(args.out, headers, data)
    (args.out.parent / f"bench{args.items}.yaml").write_text(instrument_yaml(args.items))


if __name__ == "__main__":
    main()
