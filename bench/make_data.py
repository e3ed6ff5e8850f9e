"""Generate a large synthetic survey for the benchmark (fixed seed).

    python bench/make_data.py --rows 100000 --items 30 --out bench/data/survey-100k.xlsx
    python bench/make_data.py --rows 1000000 --items 30 --out bench/data/survey-1m.csv
    python bench/make_data.py --mid --rows 65000 --out bench/data/mid-65000.csv

Answers are labels of the 6-point agreement scale (as survey platforms export them),
with about 1% blanks; four demographics: age (numeric), gender, year of study, site. The
workbook's sheet has a ``<dimension>``, as Excel's and the survey platforms' do.
The matching instrument is written next to the data as ``bench<items>.yaml``, with
``bench<items>-13.yaml`` beside it: the same survey read through an instrument of nine
items and the four demographics, so that 21 of the 34 columns lie outside it.

``--mid`` writes the mid-sized shape instead (a real 79 MB export of 66,690 rows x 81
columns): 80 items on 4-, 5- and 6-point scales with long labels, about 2% blanks, and
one grouping column (``region``, six levels); its instrument is ``mid80.yaml``.
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


#: The mid-sized survey's scales: (name, labels), the items taking them in turn.
MID_SCALES = (
    ("agree4", ("Strongly disagree", "Disagree", "Agree", "Strongly agree")),
    (
        "satisfaction5",
        (
            "Very dissatisfied",
            "Somewhat dissatisfied",
            "Neither satisfied nor dissatisfied",
            "Somewhat satisfied",
            "Very satisfied",
        ),
    ),
    ("agreement6", tuple(str(label) for label in LABELS[:6])),
    ("frequency5", ("Never", "Rarely", "Sometimes", "Often", "Always")),
)
REGIONS = np.array(
    ["North East", "North West", "Midlands", "South East", "South West", "London"], dtype=object
)


def mid_instrument_yaml(items: int) -> str:
    lines = [f"id: mid{items}", f"title: Mid-sized benchmark survey ({items} items)", "scales:"]
    for name, labels in MID_SCALES:
        lines += [f"  {name}:", "    kind: likert", "    levels:"]
        lines += [f"      - {{code: {i + 1}, label: {label}}}" for i, label in enumerate(labels)]
    lines.append("items:")
    components = ("context", "input", "process", "product")
    for i in range(items):
        scale = MID_SCALES[i % len(MID_SCALES)][0]
        lines.append(
            f"  - {{id: item{i + 1:02d}, text: Mid-sized statement {i + 1}, "
            f"scale: {scale}, component: {components[i % 4]}}}"
        )
    lines += [
        "demographics:",
        "  - {id: region, type: categorical, test: true, "
        f"levels: [{', '.join(str(region) for region in REGIONS)}]}}",
    ]
    return "\n".join(lines) + "\n"


def mid_columns(rows: int, items: int, seed: int) -> tuple[list[str], list[np.ndarray]]:
    """Answers driven by one attitude per respondent (so that items correlate and the
    components hold both mostly positive and other respondents), cut at each item's
    own shares of the levels; about 2% blanks."""
    rng = np.random.default_rng(seed)
    headers = ["region"] + [f"item{i + 1:02d}" for i in range(items)]
    region = rng.choice(6, size=rows, p=[0.1, 0.15, 0.2, 0.25, 0.12, 0.18])
    attitude = rng.normal(size=rows) + 0.05 * region
    data = [REGIONS[region]]
    for i in range(items):
        labels = np.array([*MID_SCALES[i % len(MID_SCALES)][1], ""], dtype=object)
        shares = np.cumsum(rng.dirichlet(np.full(len(labels) - 1, 4.0)))[:-1]
        score = 0.7 * attitude + 0.7 * rng.normal(size=rows)
        level = np.searchsorted(np.quantile(score, shares), score)
        level[rng.random(rows) < 0.02] = len(labels) - 1
        data.append(labels[level])
    return headers, data


def subset_yaml(full: str, items: int, kept: int) -> str:
    """The instrument of ``kept`` items (and all four demographics) of the full one."""
    lines = full.splitlines()
    dropped = {f"q{i + 1:02d}" for i in range(kept, items)}
    text = "\n".join(line for line in lines if not any(f"id: {d}," in line for d in dropped))
    return text.replace(f"id: bench{items}", f"id: bench{items}_{kept + 4}") + "\n"


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
    _add_dimension(path, f"A1:{_column_letters(len(headers))}{len(data[0]) + 1}")


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _add_dimension(path: Path, ref: str) -> None:
    """Give the sheet the ``<dimension>`` element that Excel and the survey platforms
    write (openpyxl's write-only mode leaves it out); cipp then checks the sheet's
    formulas beside the reader instead of scanning its XML before loading it."""
    import shutil
    import zipfile

    member = "xl/worksheets/sheet1.xml"
    staged = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                data = data.replace(
                    b"</sheetPr>", f'</sheetPr><dimension ref="{ref}"/>'.encode(), 1
                )
            out.writestr(info, data)
    shutil.move(staged, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20240801)
    parser.add_argument("--out", type=Path, required=True, help=".xlsx or .csv")
    parser.add_argument("--mid", action="store_true", help="the mid-sized shape (80 items)")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.mid:
        headers, data = mid_columns(args.rows, 80, args.seed)
        write_csv(args.out, headers, data)
        (args.out.parent / "mid80.yaml").write_text(mid_instrument_yaml(80))
        return
    headers, data = columns(args.rows, args.items, args.seed)
    if args.out.suffix == ".xlsx":
        write_xlsx(args.out, headers, data)
    else:
        write_csv(args.out, headers, data)
    full = instrument_yaml(args.items)
    (args.out.parent / f"bench{args.items}.yaml").write_text(full)
    (args.out.parent / f"bench{args.items}-13.yaml").write_text(subset_yaml(full, args.items, 9))


if __name__ == "__main__":
    main()
