"""Generate the synthetic example surveys data/mentors.xlsx and data/mentees.xlsx.

The study published only aggregates, so these files are synthetic: every count the
paper prints is reproduced exactly (see data/README.md), and everything it does not
print is made up. Responses are assigned to respondents at random; the generator
tries seeds from SEED upwards and keeps the first whose association tests between
ratings and the tested demographics all come out non-significant (Pearson p > 0.05),
as the paper reports. Run from the repository root:

    python data/make_examples.py
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font
from scipy.stats import chi2_contingency

HERE = Path(__file__).resolve().parent
SEED = 2023

AGREE = [
    "Strongly disagree",
    "Disagree",
    "Slightly disagree",
    "Slightly agree",
    "Agree",
    "Strongly agree",
]
RATING = ["Excellent", "Very good", "Good", "Poor", "Very poor"]

# Mentee items: counts per level, Strongly disagree .. Strongly agree (n = 182).
# Published: accessible 46 SA (25.27%) and 17 SD (9.34%); supportive 46 SA and 16 SD
# (8.79%); productivity 24 SA (13%) and 36 not agreeing (20%); 91 (50%) satisfied with
# the response or help and 73 (40%) with the resources; goals achieved 32 SA (17.6%).
MENTEE_ITEMS = {
    "The mentorship program is important for students at this college.": [8, 10, 14, 34, 64, 52],
    "The goals of the mentorship program were made clear to me.": [22, 30, 38, 40, 34, 18],
    "My mentor was accessible to me.": [17, 14, 15, 30, 60, 46],
    "I am satisfied with the resources my mentor provided.": [25, 38, 46, 28, 30, 15],
    "Mentoring sessions were held often enough to be useful to me.": [26, 34, 36, 38, 30, 18],
    "My mentor was supportive and encouraging.": [16, 12, 14, 33, 61, 46],
    # 180 answers: one cell left blank and one "N/A" (declared missing).
    "My mentor gave me constructive critiques of my work.": [12, 18, 24, 44, 50, 32],
    "I am satisfied with the response and help I received from my mentor.": [
        20,
        31,
        40,
        30,
        39,
        22,
    ],
    "My mentor motivated me to improve my work productivity.": [10, 12, 14, 50, 72, 24],
    "The goals of the mentorship program were achieved.": [18, 24, 30, 38, 40, 32],
}
N_MENTEES = 182
YEAR_OF_STUDY = {"Year 1": 33, "Year 2": 43, "Year 3": 44, "Year 4": 39, "Year 5": 23}
MENTEE_GENDER = {"Female": 110, "Male": 72}
ACADEMIC_YEAR = {2023: 88, 2024: 94}

# Mentor items (n = 29): the study's Table 1 (Excellent .. Very poor) and Table 2 (Yes, No).
MENTOR_RATINGS = {
    "How would you rate the mentorship program?": [2, 5, 18, 3, 1],
    "Quality of your experience as a participant in the program": [1, 5, 19, 3, 1],
    "Your relationship with your mentee": [7, 11, 9, 1, 1],
}
MENTOR_YES_NO = {
    "Would volunteer to serve as a mentor again": [22, 7],
    "The mentor training session helped prepare me": [24, 5],
    "Would have liked additional training for mentors": [21, 8],
    "Mentor responsibilities were clearly defined to me": [12, 17],
    "Time spent with the mentee was sufficient": [19, 10],
    "Time spent together was helpful for the mentee": [25, 4],
    "I learned personally from this relationship": [21, 8],
    "Would have preferred to meet the mentee more often": [18, 11],
}
N_MENTORS = 29
MENTOR_GENDER = {"Female": 24, "Male": 5}
RANKS = {"Professor": 5, "Associate professor": 4, "Assistant professor": 11, "Lecturer": 9}
DEGREES = {"Doctoral": 9, "Master": 12, "Bachelor": 8}
MENTORING_YEAR = {"First year": 15, "Second year": 14}


def ranked(counts: dict, score: np.ndarray, rng: np.random.Generator, noise: float = 1.0) -> list:
    """Exactly counts[value] copies of each value (listed worst to best), given in the order
    of a noisy score: respondents who are more satisfied overall answer more favourably,
    so items correlate as in real surveys while every item's counts stay exact."""
    values = [value for value, n in counts.items() for _ in range(n)]
    order = np.argsort(score + rng.normal(0, noise, len(score)), kind="stable")
    out: list = [None] * len(values)
    for position, respondent in enumerate(order):
        out[respondent] = values[position]
    return out


def shuffled(counts: dict, rng: np.random.Generator) -> list:
    """Exactly counts[value] copies of each value, in random order."""
    values = [value for value, n in counts.items() for _ in range(n)]
    return list(rng.permutation(np.array(values, dtype=object)))


def ages(
    n: int, mean: float, sd: float, low: int, high: int, rng: np.random.Generator
) -> list[int]:
    """Whole-number ages whose mean is exactly ``mean`` and whose SD rounds to ``sd``."""
    values = np.clip(np.rint(rng.normal(mean, sd, n)), low, high).astype(int)
    target_sum = round(mean * n)
    for _ in range(100_000):
        total = values.sum()
        current_sd = values.std(ddof=1)
        if total == target_sum and round(current_sd, 2) == sd:
            return [int(v) for v in values]
        i = rng.integers(n)
        if total != target_sum:
            step = 1 if total < target_sum else -1
        else:
            # Move one value away from (or towards) the mean and another back, keeping the sum.
            j = rng.integers(n)
            widen = current_sd < sd
            a, b = (i, j) if (values[i] >= values[j]) == widen else (j, i)
            if low <= values[a] + 1 <= high and low <= values[b] - 1 <= high and a != b:
                values[a] += 1
                values[b] -= 1
            continue
        if low <= values[i] + step <= high:
            values[i] += step
    raise RuntimeError("could not hit the target mean and SD")


def all_independent(columns: dict[str, list], groups: dict[str, list]) -> bool:
    """True when no item is associated with any group at p <= 0.05 (Pearson chi-square)."""
    for answers, grouping in itertools.product(columns.values(), groups.values()):
        pairs = [(a, g) for a, g in zip(answers, grouping, strict=True) if a is not None]
        rows = sorted({a for a, _ in pairs})
        cols = sorted({g for _, g in pairs})
        table = np.zeros((len(rows), len(cols)))
        for a, g in pairs:
            table[rows.index(a), cols.index(g)] += 1
        if chi2_contingency(table, correction=False).pvalue <= 0.05:
            return False
    return True


VARIANTS = {
    "Strongly agree": "SA",
    "Strongly disagree": "SD",
    "Agree": "agree",
    "Slightly agree": "slightly  agree",
    "Disagree": " Disagree ",
}


def messy(answer: str | None, rng: np.random.Generator) -> str | None:
    """Now and then write an answer the way people type it (case, spacing, abbreviation)."""
    if answer in VARIANTS and rng.random() < 0.04:
        return VARIANTS[answer]
    return answer


def age_group(age: int, edges: list[tuple[int, int]]) -> int:
    return next(i for i, (lo, hi) in enumerate(edges) if lo <= age <= hi)


def mentee_rows(rng: np.random.Generator) -> tuple[list[str], list[list]]:
    items = {}
    satisfaction = rng.normal(0, 1, N_MENTEES)
    for text, counts in MENTEE_ITEMS.items():
        levels = dict(zip(AGREE, counts, strict=True))
        # Missing answers (one blank, one "N/A") fall on random respondents.
        skipped = rng.choice(N_MENTEES, N_MENTEES - sum(counts), replace=False)
        answered = np.setdiff1d(np.arange(N_MENTEES), skipped)
        answers: list = [None] * N_MENTEES
        for respondent, answer in zip(
            answered, ranked(levels, satisfaction[answered], rng), strict=True
        ):
            answers[respondent] = answer
        for respondent, answer in zip(skipped, [None, "N/A"], strict=False):
            answers[respondent] = answer
        items[text] = answers
    age = ages(N_MENTEES, 21.0, 3.12, 17, 30, rng)
    gender = shuffled(MENTEE_GENDER, rng)
    year = shuffled(YEAR_OF_STUDY, rng)
    academic_year = shuffled(ACADEMIC_YEAR, rng)
    age_edges = [(0, 19), (20, 21), (22, 23), (24, 99)]
    groups = {"age": [age_group(a, age_edges) for a in age], "gender": gender, "year": year}
    valid = {t: [None if a in (None, "N/A") else a for a in v] for t, v in items.items()}
    if not all_independent(valid, groups):
        return [], []
    headers = ["Respondent", "Age", "Gender", "Year of study", "academic_year", *items]
    rows = []
    for r in range(N_MENTEES):
        answers = [messy(items[text][r], rng) for text in items]
        rows.append([f"S{r + 1:03d}", age[r], gender[r], year[r], academic_year[r], *answers])
    return headers, rows


def mentor_rows(rng: np.random.Generator) -> tuple[list[str], list[list]]:
    satisfaction = rng.normal(0, 1, N_MENTORS)
    items = {
        text: ranked(dict(zip(RATING[::-1], c[::-1], strict=True)), satisfaction, rng)
        for text, c in MENTOR_RATINGS.items()
    }
    for text, (yes, no) in MENTOR_YES_NO.items():
        # Wanting more training or more meetings is the less favourable answer.
        favourable_yes = not text.startswith(("Would have liked", "Would have preferred"))
        order = {"No": no, "Yes": yes} if favourable_yes else {"Yes": yes, "No": no}
        items[text] = ranked(order, satisfaction, rng, noise=1.5)
    age = sorted(ages(N_MENTORS, 44.0, 9.12, 28, 65, rng), reverse=True)
    # Seniority follows age: the oldest mentors hold the highest ranks.
    rank = [r for r, n in RANKS.items() for _ in range(n)]
    degree = shuffled(DEGREES, rng)
    gender = shuffled(MENTOR_GENDER, rng)
    mentoring_year = shuffled(MENTORING_YEAR, rng)
    experience = [max(1, a - 27 - int(rng.integers(0, 4))) for a in age]
    exp_edges = [(0, 9), (10, 19), (20, 99)]
    groups = {"year": mentoring_year, "experience": [age_group(e, exp_edges) for e in experience]}
    if not all_independent(items, groups):
        return [], []
    headers = [
        "Mentor",
        "Age",
        "Gender",
        "Academic rank",
        "Highest degree",
        "Year of mentoring in the program",
        "Teaching experience (years)",
        *items,
    ]
    order = rng.permutation(N_MENTORS)
    rows = []
    for position, r in enumerate(order):
        answers = [items[text][r] for text in items]
        rows.append(
            [
                f"M{position + 1:02d}",
                age[r],
                gender[r],
                rank[r],
                degree[r],
                mentoring_year[r],
                experience[r],
                *answers,
            ]
        )
    return headers, rows


def first_independent(make_rows, seed: int) -> tuple[int, list[str], list[list]]:
    for attempt in itertools.count(seed):
        headers, rows = make_rows(np.random.default_rng(attempt))
        if rows:
            return attempt, headers, rows
    raise AssertionError("unreachable")


def write(path: Path, sheet: str, headers: list[str], rows: list[list]) -> None:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(headers)
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        worksheet.append(row)
    workbook.save(path)


def main() -> None:
    seed, headers, rows = first_independent(mentee_rows, SEED)
    write(HERE / "mentees.xlsx", "Responses", headers, rows)
    print(f"mentees.xlsx: {len(rows)} rows (seed {seed})", file=sys.stderr)
    seed, headers, rows = first_independent(mentor_rows, SEED)
    write(HERE / "mentors.xlsx", "Mentors", headers, rows)
    print(f"mentors.xlsx: {len(rows)} rows (seed {seed})", file=sys.stderr)


if __name__ == "__main__":
    main()
