"""Generate the synthetic example data of the study designs (fixed seed):

- ``data/prepost/before.xlsx`` and ``data/prepost/after.xlsx``: 60 mentees at entry and
  the same people at the end of the year (``cipp compare``), matched by ``Respondent``.
  Two mentees left (their ids are only in the entry file), two joined late (only in the
  end file) and one end-of-year row was entered twice, so the matching has something to
  report. Answers improve a little on average, more for the Process items. The entry file
  carries a ``weight`` column: the inverse of the share of each year of study surveyed.
- ``data/roster.csv``: the mentee population by year of study and gender (750 students),
  to rake ``data/mentees.xlsx`` to (``cipp analyze --rake``).

Run from the repository root:

    python data/make_designs.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
SEED = 17
AGREE = [
    "Strongly disagree",
    "Disagree",
    "Slightly disagree",
    "Slightly agree",
    "Agree",
    "Strongly agree",
]
# The mentee items (instruments/mentee.yaml), their CIPP component and how much the
# latent answer moves from entry to the end of the year.
ITEMS = [
    ("The mentorship program is important for students at this college.", 0.1),
    ("The goals of the mentorship program were made clear to me.", 0.3),
    ("My mentor was accessible to me.", 0.2),
    ("I am satisfied with the resources my mentor provided.", 0.1),
    ("Mentoring sessions were held often enough to be useful to me.", 0.0),
    ("My mentor was supportive and encouraging.", 0.6),
    ("My mentor gave me constructive critiques of my work.", 0.7),
    ("I am satisfied with the response and help I received from my mentor.", 0.5),
    ("My mentor motivated me to improve my work productivity.", 0.4),
    ("The goals of the mentorship program were achieved.", 0.3),
]
YEARS = ["Year 1", "Year 2", "Year 3", "Year 4", "Year 5"]
# Share of each year of study surveyed at entry (the design the weights undo).
SURVEYED = {"Year 1": 0.10, "Year 2": 0.08, "Year 3": 0.08, "Year 4": 0.06, "Year 5": 0.05}
N = 60
ROSTER = {
    "year_of_study": {"Year 1": 170, "Year 2": 160, "Year 3": 150, "Year 4": 140, "Year 5": 130},
    "gender": {"Female": 420, "Male": 330},
}


def answer(latent: float) -> str:
    """The agreement level of a latent score (cut points at -1.5, -0.8, -0.2, 0.5, 1.3)."""
    return AGREE[int(np.searchsorted([-1.5, -0.8, -0.2, 0.5, 1.3], latent))]


def rows(rng: np.random.Generator) -> tuple[list[list], list[list]]:
    satisfaction = rng.normal(0.2, 1.0, N)
    gender = rng.choice(["Female", "Male"], N, p=[0.6, 0.4])
    year = rng.choice(YEARS, N)
    before, after = [], []
    for k in range(N):
        base = [satisfaction[k] + rng.normal(0, 0.7) for _ in ITEMS]
        entry = [answer(b) for b in base]
        end = [answer(b + shift + rng.normal(0, 0.5)) for b, (_, shift) in zip(base, ITEMS)]
        identity = [f"M{k + 1:03d}", gender[k], year[k]]
        before.append([*identity, round(1 / SURVEYED[year[k]], 4), *entry])
        after.append([*identity, *end])
    # Two mentees left before the end; two joined late; one end row was entered twice.
    after = after[:-2]
    for k in (N + 1, N + 2):
        late = [answer(rng.normal(0.4, 1.0)) for _ in ITEMS]
        after.append([f"M{k:03d}", "Female", "Year 1", *late])
    after.insert(10, list(after[9]))
    return before, after


def write(path: Path, headers: list[str], data: list[list]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Responses"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append(row)
    # Fixed document times: regenerating gives the same bytes.
    from datetime import datetime

    workbook.properties.created = workbook.properties.modified = datetime(2025, 1, 1)
    workbook.save(path)


def main() -> None:
    before, after = rows(np.random.default_rng(SEED))
    texts = [text for text, _ in ITEMS]
    write(
        HERE / "prepost" / "before.xlsx",
        ["Respondent", "Gender", "Year of study", "weight", *texts],
        before,
    )
    write(HERE / "prepost" / "after.xlsx", ["Respondent", "Gender", "Year of study", *texts], after)
    with open(HERE / "roster.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(["variable", "level", "count"])
        for variable, counts in ROSTER.items():
            for level, count in counts.items():
                out.writerow([variable, level, count])
    print(
        f"prepost/before.xlsx: {len(before)} rows, after.xlsx: {len(after)} rows", file=sys.stderr
    )


if __name__ == "__main__":
    main()
