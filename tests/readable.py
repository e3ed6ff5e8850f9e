"""Every document the README shows, as command lines, for the layout tests of each format.

Each entry is (name, arguments without --format/--out). A layout test runs each one in
its format and looks at the result as its reader would (Word's geometry, Chromium at
1,024 px, a terminal 80 columns wide, Excel's cell types).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FGD = DATA / "fgd"

#: The focus-group inputs of the README's `cipp report` and `cipp qual themes`.
_QUAL = (
    "--codebook",
    str(FGD / "codebook.yaml"),
    "--adjudication",
    str(FGD / "adjudication.csv"),
    "--pseudonyms",
    str(FGD / "pseudonyms.yaml"),
)

DOCUMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("analyze-mentees", ("analyze", str(DATA / "mentees.xlsx"))),
    ("analyze-mentors", ("analyze", str(DATA / "mentors.xlsx"), "--instrument", "mentor")),
    (
        "analyze-mentees-by-year-crosstabs",
        ("analyze", str(DATA / "mentees.xlsx"), "--by", "year_of_study", "--crosstabs"),
    ),
    ("analyze-mentees-roster", ("analyze", str(DATA / "mentees.xlsx"), "--roster", "750")),
    ("analyze-mentors-min-cell", ("analyze", str(DATA / "mentors.xlsx"), "--min-cell", "5")),
    (
        "analyze-mentees-raked",
        (
            "analyze",
            str(DATA / "mentees.xlsx"),
            "--rake",
            str(DATA / "roster.csv"),
            "--by",
            "gender",
        ),
    ),
    (
        "compare-prepost",
        (
            "compare",
            str(DATA / "prepost" / "before.xlsx"),
            str(DATA / "prepost" / "after.xlsx"),
            "--id",
            "Respondent",
        ),
    ),
    (
        "qual-agreement",
        ("qual", "agreement", str(FGD / "segments.csv"), "--codebook", str(FGD / "codebook.yaml")),
    ),
    ("qual-themes", ("qual", "themes", str(FGD / "fgd.qdpx"), *_QUAL)),
    (
        "report",
        (
            "report",
            "--survey",
            str(DATA / "mentees.xlsx"),
            "--survey",
            str(DATA / "mentors.xlsx"),
            "--qual",
            str(FGD / "segments.csv"),
            *_QUAL,
        ),
    ),
)

#: `cipp batch` writes a folder: run it with --out FOLDER -f FORMAT.
BATCH: tuple[str, ...] = ("batch", str(DATA / "mentees.xlsx"), "--split-by", "academic_year")

_WIDE_SCALES = """\
scales:
  agree4:
    label: 4-point agreement scale
    kind: likert
    positive: high
    levels:
      - {code: 1, label: Strongly disagree}
      - {code: 2, label: Disagree}
      - {code: 3, label: Agree}
      - {code: 4, label: Strongly agree}
    collapse:
      - {label: Disagree, codes: [1, 2]}
      - {label: Agree, codes: [3, 4]}
  quality5:
    label: 5-point quality rating
    kind: rating
    positive: high
    levels:
      - {code: 1, label: Very poor}
      - {code: 2, label: Poor}
      - {code: 3, label: Fair}
      - {code: 4, label: Good}
      - {code: 5, label: Excellent}
    collapse:
      - {label: Fair or worse, codes: [1, 2, 3]}
      - {label: Good or better, codes: [4, 5]}
  frequency6:
    label: 6-point frequency scale
    kind: likert
    positive: high
    levels:
      - {code: 1, label: Never}
      - {code: 2, label: Very rarely}
      - {code: 3, label: Rarely}
      - {code: 4, label: Occasionally}
      - {code: 5, label: Frequently}
      - {code: 6, label: Very frequently}
    collapse:
      - {label: Rarely or never, codes: [1, 2, 3]}
      - {label: Occasionally or more, codes: [4, 5, 6]}
"""

_WIDE_TEXTS = (
    "The orientation session explained what the residency program expects of me",
    "Clinical supervisors were available whenever I needed advice on a difficult case",
    "The quality of the teaching rounds on the internal medicine wards",
    "The quality of the simulation laboratory and its equipment",
    "How often my supervisor gave me structured written feedback after a procedure",
    "How often the program's academic half-day started on time",
)


def write_wide_survey(folder: Path, rows: int = 2400, seed: int = 7) -> tuple[Path, Path]:
    """A survey shaped like a large real one: items on three scales (4-, 5- and 6-point),
    long item texts, every CIPP component, a three-group site column and n in the
    thousands. Returns (instrument YAML, responses CSV)."""
    import csv
    import random

    scales = ("agree4", "agree4", "quality5", "quality5", "frequency6", "frequency6")
    components = ("context", "input", "process", "process", "product", "product")
    lines = ["id: wide", "title: Residency program survey", _WIDE_SCALES, "items:"]
    for number, (text, scale, component) in enumerate(
        zip(_WIDE_TEXTS, scales, components, strict=True), start=1
    ):
        lines += [
            f"  - id: q{number}",
            f"    text: {text}.",
            f"    scale: {scale}",
            f"    component: {component}",
        ]
    lines += [
        "demographics:",
        "  - id: site",
        "    label: Training site",
        "    type: categorical",
        "    test: true",
        "    levels:",
        "      - {label: North Teaching Hospital}",
        "      - {label: South Community Hospital}",
        "      - {label: East District Hospital}",
    ]
    instrument = folder / "wide.yaml"
    instrument.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sizes = {"agree4": 4, "quality5": 5, "frequency6": 6}
    sites = ("North Teaching Hospital", "South Community Hospital", "East District Hospital")
    generator = random.Random(seed)
    responses = folder / "wide.csv"
    with responses.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["site", *(f"q{n}" for n in range(1, 7))])
        for _ in range(rows):
            site = generator.randrange(3)
            answers = [
                min(sizes[s], max(1, round(generator.gauss(sizes[s] * 0.6 + 0.3 * site, 1.1))))
                for s in scales
            ]
            writer.writerow([sites[site], *answers])
    return instrument, responses
