"""The one small survey behind every platform fixture, and helpers to compare counts.

Six respondents answered the same questionnaire on each platform (the fixtures in
data/ were written by hand from each platform's format). TRUTH holds their answers as
labels; a "plain" workbook built from it (headers = item ids, cells = labels) is what a
person would have typed by hand, and every export must give the same counts.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cipp.model.instrument import Instrument, normalize_header
from cipp.model.responses import Responses
from cipp.platforms import read_export
from cipp.platforms.draft import split_option_text
from cipp.read.responses import load_responses
from cipp.read.tables import read_table

from ..conftest import write_xlsx

DATA = Path(__file__).resolve().parent / "data"

GOALS = "The goals of the program were clear."
SUPPORT = "My mentor was supportive."
USEFUL = "Was the program useful?"
RESOURCES = "Which resources did you use?"
RECOMMEND = "Would you recommend the program?"

TRUTH: dict[str, list[str | None]] = {
    GOALS: ["Strongly agree", "Agree", None, "Disagree", "Strongly agree", "Agree"],
    SUPPORT: ["Agree", "Strongly agree", "Neutral", None, "Strongly agree", "Agree"],
    USEFUL: [
        "Yes, very useful",
        "Somewhat",
        "No, not at all",
        "Yes, very useful",
        "Somewhat",
        None,
    ],
    RECOMMEND: ["Yes", "Yes", "No", "Yes", "No", "Yes"],
}
#: Checked options per respondent; respondent 3 checked none.
CHECKED: list[set[str]] = [
    {"library", "mentor"},
    {"mentor"},
    set(),
    {"library", "workshops"},
    {"workshops"},
    {"library", "mentor", "workshops"},
]
GENDER = ["Female", "Male", "Female", "Male", "Female", "Female"]
AGE = [21, 22, 20, 23, 24, 19]

#: Pinned by hand from the table above.
EXPECTED_GOALS = {"Strongly agree": 2, "Agree": 2, "Disagree": 1}
EXPECTED_LIBRARY = {"Selected": 3, "Not selected": 3}


def item_id(instrument: Instrument, text: str) -> str:
    """The id of the item with this question text."""
    for item in instrument.items:
        if normalize_header(item.text) == normalize_header(text):
            return item.id
    raise KeyError(text)


def option_ids(instrument: Instrument) -> dict[str, str]:
    """library/mentor/workshops -> the id of that option's binary item."""
    out = {}
    for item in instrument.items:
        parts = split_option_text(item.text)
        if parts and normalize_header(parts[0]) == normalize_header(RESOURCES):
            out[parts[1].split(",")[0].strip().casefold()] = item.id
    return out


def expected_counts(
    instrument: Instrument, *, unanswered_is_missing: bool, support: str = "Neutral"
) -> dict[str, Counter[str]]:
    """Counts per item, by level label, from TRUTH."""
    truth = dict(TRUTH)
    truth[SUPPORT] = [support if v == "Neutral" else v for v in truth[SUPPORT]]
    out = {
        item_id(instrument, text): Counter(v for v in values if v) for text, values in truth.items()
    }
    for option, identifier in option_ids(instrument).items():
        out[identifier] = Counter(
            "Selected" if option in checked else "Not selected"
            for checked in CHECKED
            if checked or not unanswered_is_missing
        )
    return out


def counts(responses: Responses) -> dict[str, Counter[str]]:
    """Counts per item of loaded responses, by level label (missing not counted)."""
    instrument = responses.instrument
    out = {}
    for item in responses.items_asked:
        scale = instrument.scale_of(item)
        values = responses.codes[item.id].dropna().tolist()
        out[item.id] = Counter(scale.label_of(int(code)) for code in values)
    return out


def plain_workbook(
    path: Path, instrument: Instrument, *, unanswered_is_missing: bool, support: str = "Neutral"
) -> Path:
    """The equivalent plain workbook: item ids as headers, labels as cells."""
    options = option_ids(instrument)
    header = [item_id(instrument, text) for text in TRUTH] + list(options.values())
    header += [d.id for d in instrument.demographics]
    rows: list[list[object]] = [header]
    for r in range(6):
        row: list[object] = []
        for values in TRUTH.values():
            value = values[r]
            row.append(support if value == "Neutral" else value)
        for option in options:
            if not CHECKED[r] and unanswered_is_missing:
                row.append(None)
            else:
                row.append("Selected" if option in CHECKED[r] else "Not selected")
        for demographic in instrument.demographics:
            row.append(GENDER[r] if demographic.kind == "categorical" else AGE[r])
        rows.append(row)
    return write_xlsx(path, rows)


def assert_same_counts(
    export: Path,
    instrument: Instrument,
    tmp_path: Path,
    *,
    unanswered_is_missing: bool,
    support: str = "Neutral",
    **read: object,
) -> Responses:
    """Export and plain workbook give the same counts, equal to TRUTH's; return the export's."""
    table = read_export(export, instrument=instrument, **read)  # type: ignore[arg-type]
    loaded = load_responses(table, instrument)
    plain = plain_workbook(
        tmp_path / "plain.xlsx",
        instrument,
        unanswered_is_missing=unanswered_is_missing,
        support=support,
    )
    from_plain = load_responses(read_table(plain), instrument)
    wanted = expected_counts(
        instrument, unanswered_is_missing=unanswered_is_missing, support=support
    )
    got = counts(loaded)
    assert got == counts(from_plain)
    assert got == wanted
    assert got[item_id(instrument, GOALS)] == EXPECTED_GOALS
    library = dict(EXPECTED_LIBRARY)
    if unanswered_is_missing:  # respondent 3 checked nothing: missing, not "Not selected"
        library["Not selected"] -= 1
    assert got[option_ids(instrument)["library"]] == library
    assert loaded.n_respondents == 6
    return loaded


def xlsform_rows() -> dict[str, list[list[object]]]:
    """An XLSForm of the survey, in English and French, as sheet rows."""
    en, fr = "label::English (en)", "label::Français (fr)"
    survey = [
        ["type", "name", en, fr, "required", "relevant"],
        ["start", "start", None, None, None, None],
        ["end", "end", None, None, None, None],
        ["note", "intro", "Thank you for taking part.", "Merci.", None, None],
        ["begin_group", "context", "Context", "Contexte", None, None],
        ["select_one agree", "goals", GOALS, "Les objectifs étaient clairs.", "yes", None],
        ["end_group", None, None, None, None, None],
        ["begin group", "process", "Process", "Processus", None, None],
        ["select_one agree", "support", SUPPORT, "Mon mentor m'a soutenu.", None, None],
        ["end group", None, None, None, None, None],
        ["select_one useful", "useful", USEFUL, "Le programme était-il utile ?", None, None],
        ["select_multiple res", "resources", RESOURCES, "Quelles ressources ?", None, None],
        ["select_one yn", "recommend", RECOMMEND, "Recommanderiez-vous ?", None, None],
        ["select_one gender", "gender", "Gender", "Genre", None, None],
        ["integer", "age", "Age (years)", "Âge", None, None],
        ["text", "comments", "Any comments?", "Commentaires ?", None, None],
        ["calculate", "total", None, None, None, None],
        ["geopoint", "where", "Location", "Lieu", None, None],
        ["begin_repeat", "children", "Children", "Enfants", None, None],
        ["text", "child_name", "Name", "Nom", None, None],
        ["end_repeat", None, None, None, None, None],
    ]
    choices = [["list_name", "name", en, fr]]
    agree = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    french = ["Pas du tout d'accord", "Pas d'accord", "Neutre", "D'accord", "Tout à fait d'accord"]
    choices += [
        ["agree", str(i + 1), a, f] for i, (a, f) in enumerate(zip(agree, french, strict=True))
    ]
    choices += [["agree", "99", "Not applicable", "Sans objet"]]
    choices += [
        ["useful", "yes_very", "Yes, very useful", "Oui, très utile"],
        ["useful", "somewhat", "Somewhat", "Un peu"],
        ["useful", "no", "No, not at all", "Non, pas du tout"],
        ["res", "library", "Library, online", "Bibliothèque, en ligne"],
        ["res", "mentor", "Mentor", "Mentor"],
        ["res", "workshops", "Workshops", "Ateliers"],
        ["yn", "1", "Yes", "Oui"],
        ["yn", "0", "No", "Non"],
        ["gender", "female", "Female", "Femme"],
        ["gender", "male", "Male", "Homme"],
    ]
    settings = [
        ["form_title", "form_id", "default_language"],
        ["Mentorship pilot", "mentorship_pilot", "English (en)"],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def msforms_rows() -> list[list[object]]:
    """A Microsoft Forms export of the survey (multi-select joined by ';')."""
    header = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        GOALS,
        SUPPORT,
        USEFUL,
        RESOURCES,
        RECOMMEND,
        "Gender",
        "Age (years)",
        "Any comments?",
    ]
    labels = {"library": "Library, online", "mentor": "Mentor", "workshops": "Workshops"}
    rows: list[list[object]] = [header]
    comments = ["Great, thanks", None, "N/A", None, None, None]
    for r in range(6):
        joined = "".join(
            f"{labels[o]};" for o in ("library", "mentor", "workshops") if o in CHECKED[r]
        )
        rows.append(
            [
                r + 1,
                f"3/{r + 1}/24 10:00:00",
                f"3/{r + 1}/24 10:05:00",
                "anonymous",
                None,
                TRUTH[GOALS][r] or "N/A",
                TRUTH[SUPPORT][r],
                TRUTH[USEFUL][r],
                joined or None,
                TRUTH[RECOMMEND][r],
                GENDER[r],
                AGE[r],
                comments[r],
            ]
        )
    return rows
