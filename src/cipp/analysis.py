"""analyze(): from validated responses to Results. Orchestration only; no maths here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cipp.describe import describe_component, describe_demographic, describe_item
from cipp.instrument import COMPONENTS, Instrument, resolve_instrument
from cipp.loading import Responses, detect_instrument, load_responses, read_table
from cipp.results import Results


@dataclass(frozen=True)
class LoadedFile:
    """Responses read from a file, with how the instrument was chosen."""

    responses: Responses
    instrument_note: str | None


def load_file(
    path: str | Path,
    *,
    instrument: str | Path | Instrument | None = None,
    sheet: str | None = None,
    lenient: bool = False,
    require_all_items: bool = True,
) -> LoadedFile:
    """Read a response file and validate it against an instrument.

    ``instrument`` is an Instrument, a bundled instrument's name or a YAML path; with
    None the bundled instrument whose items match the file's columns is picked, and
    ``instrument_note`` says which.
    """
    table = read_table(path, sheet=sheet)
    note = None
    if instrument is None:
        choice = detect_instrument(table)
        chosen = choice.instrument
        note = (
            f"using bundled instrument '{chosen.id}' ({choice.matched} of "
            f"{choice.total} items matched the file's columns)"
        )
    elif isinstance(instrument, Instrument):
        chosen = instrument
    else:
        chosen = resolve_instrument(instrument)
    responses = load_responses(table, chosen, lenient=lenient, require_all_items=require_all_items)
    return LoadedFile(responses, note)


def analyze(responses: Responses) -> Results:
    """Describe every item, CIPP component and demographic of one set of responses."""
    instrument = responses.instrument
    invalid_by_variable = Counter(cell.variable for cell in responses.invalid)
    items = responses.items_asked
    summaries = tuple(
        describe_item(
            item,
            instrument.scale_of(item),
            responses.codes[item.id],
            n_invalid=invalid_by_variable[item.id],
        )
        for item in items
    )
    by_id = {s.id: s for s in summaries}
    components = []
    for component in COMPONENTS:
        members = [item for item in items if item.component == component]
        if members:
            components.append(
                describe_component(
                    component, members, [by_id[i.id] for i in members], instrument, responses.codes
                )
            )
    demographics = tuple(
        describe_demographic(d, responses.demographics[d.id])
        for d in instrument.demographics
        if d.id in responses.demographics.columns
    )
    notes = []
    if responses.invalid:
        notes.append(
            f"{len(responses.invalid)} cells held values outside their scale and "
            "were counted as invalid (not as any level); see invalid_cells."
        )
    for item_id in responses.items_not_asked:
        notes.append(f"Item '{item_id}' was not asked in this file (no column).")
    for item_id, n in responses.declared_missing.items():
        if n:
            notes.append(
                f"'{item_id}': {n} answers given as a declared missing value "
                "(e.g. N/A) are counted as missing."
            )
    return Results(
        instrument=instrument,
        source=responses.source,
        sheet=responses.sheet,
        n_respondents=responses.n_respondents,
        items=summaries,
        components=tuple(components),
        demographics=demographics,
        invalid_cells=responses.invalid,
        items_not_asked=responses.items_not_asked,
        notes=tuple(notes),
    )


def analyze_file(
    path: str | Path,
    *,
    instrument: str | Path | Instrument | None = None,
    sheet: str | None = None,
    lenient: bool = False,
) -> Results:
    """Read, validate and analyse one response file (the notebook entry point)."""
    loaded = load_file(path, instrument=instrument, sheet=sheet, lenient=lenient)
    return analyze(loaded.responses)
