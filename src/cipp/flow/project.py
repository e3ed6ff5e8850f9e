"""Running a project's tasks (``cipp run``) and finding the files of a new one (``cipp init``).

Each task is the library call its command makes, with the options the project file gives;
writing the outputs and the manifest is cipp.render.project's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cipp.flow.analysis import AnalysisOptions, analyze_file, parse_expected
from cipp.model.errors import CippError
from cipp.model.project import Task

_ANALYSIS_KEYS = (
    "by", "collapse", "adjust", "participation", "weight", "min_cell", "bias_corrected", "seed",
)  # fmt: skip


@dataclass(frozen=True)
class Computed:
    """A task's result record, and the real names its outputs must not show (themes)."""

    task: Task
    record: Any
    names: Any = None


def analysis_options(options: Mapping[str, Any]) -> AnalysisOptions:
    """AnalysisOptions from a task's options (``no_tests``, ``expected`` as the CLI's)."""
    chosen: dict[str, Any] = {k: options[k] for k in _ANALYSIS_KEYS if k in options}
    if "by" in chosen:
        by = chosen["by"]
        chosen["by"] = (by,) if isinstance(by, str) else tuple(by)
    if options.get("no_tests"):
        chosen["by"] = ()
    if options.get("expected"):
        expected = options["expected"]
        chosen["expected"] = parse_expected(expected) if isinstance(expected, str) else expected
    if options.get("rake") is not None:
        chosen["rake"] = options["rake"]
    return AnalysisOptions(**chosen)


def _reading(options: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("instrument", "sheet", "lenient", "source", "complete_only")
    return {k: options[k] for k in keys if k in options}


def _qualitative(options: Mapping[str, Any], segments: Any) -> Any:
    from cipp.flow.qualitative import QualitativeInputs

    coders = options.get("coders")
    if isinstance(coders, str):
        coders = tuple(c.strip() for c in coders.split(",") if c.strip())
    return QualitativeInputs(
        segments=tuple(segments),
        codebook=options["codebook"],
        adjudication=options.get("adjudication"),
        pseudonyms=options.get("pseudonyms"),
        coders=tuple(coders) if coders else None,
        quotes=int(options.get("quotes", 2)),
    )


def compute(task: Task) -> Computed:
    """Run one task; CippError messages name the task."""
    try:
        return _compute(task)
    except CippError as error:
        raise type(error)(f"{task.kind} '{task.name}': {error}") from None


def _compute(task: Task) -> Computed:
    options = task.options
    if task.kind == "analyze":
        results = analyze_file(
            options["input"], options=analysis_options(options), **_reading(options)
        )
        return Computed(task, results)
    if task.kind == "batch":
        from cipp.flow.batch import run_batch

        batch = run_batch(
            options["inputs"],
            split_by=options.get("split_by"),
            options=analysis_options(options),
            workers=1,
            **_reading(options),
        )
        return Computed(task, batch)
    if task.kind == "compare":
        from cipp.flow.compare import compare_files

        comparison = compare_files(
            options["before"], options["after"], id_column=str(options["id"]), **_reading(options)
        )
        return Computed(task, comparison)
    if task.kind == "qual":
        return _qual(task)
    from cipp.flow.evaluation import evaluate

    survey_options = AnalysisOptions(
        collapse=bool(options.get("collapse", False)), min_cell=int(options.get("min_cell", 0))
    )
    evaluation = evaluate(
        options["surveys"],
        _qualitative(options, options["qual"]),
        integration=options.get("integration"),
        options=survey_options,
    )
    return Computed(task, evaluation, evaluation.pseudonyms)


def _qual(task: Task) -> Computed:
    options = task.options
    if options.get("command", "agreement") == "themes":
        from cipp.flow.qualitative import analyse_themes

        analysis = analyse_themes(_qualitative(options, options["segments"]))
        return Computed(task, analysis.themes, analysis.pseudonyms)
    from cipp.flow.intercoder import analyse_agreement
    from cipp.read.codebook import load_codebook
    from cipp.read.segments import read_segments

    book = load_codebook(options["codebook"], complete=False)
    coding = read_segments(list(options["segments"]), book)
    coders = _qualitative(options, options["segments"]).coders
    return Computed(task, analyse_agreement(coding, book, coders=coders))


# --------------------------------------------------------------------------------------------
# cipp init: what the files of a folder are
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FolderFiles:
    """The files of a folder by what they are (paths relative to the folder)."""

    surveys: tuple[tuple[str, str, bool], ...]  # (path, instrument id, has academic_year)
    instruments: tuple[str, ...]
    rosters: tuple[str, ...]
    pairs: tuple[tuple[str, str, str | None], ...]  # (before, after, id column found)
    segments: tuple[str, ...]
    codebooks: tuple[str, ...]
    adjudications: tuple[str, ...]
    pseudonyms: tuple[str, ...]
    integrations: tuple[str, ...]


_SKIP = {".git", ".venv", "node_modules", "__pycache__", "results"}


def _files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if any(p in _SKIP or p.startswith(".") for p in parts) or not path.is_file():
            continue
        found.append(path)
    return found


def _yaml_kind(path: Path) -> str | None:
    from cipp.read.safe_yaml import load_yaml

    try:
        data = load_yaml(path)
    except CippError:
        return None
    if not isinstance(data, dict):
        return None
    if "items" in data and "scales" in data:
        return "instrument"
    if "themes" in data:
        return "codebook"
    if "components" in data:
        return "integration"
    if data and all(isinstance(v, str) for v in data.values()):
        return "pseudonyms"
    return None


def _csv_header(path: Path) -> set[str]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return set()
    return {cell.strip().strip('"').casefold() for cell in first.split(",")}


def _survey(path: Path, candidates: list[tuple[str, Any]]) -> tuple[str, bool] | None:
    """The instrument a file's columns match (a folder's instrument file by its path, a
    bundled one by its name) and whether it has an academic_year column."""
    from cipp.platforms import read_export
    from cipp.read.responses import detect_instrument

    try:
        table = read_export(path)
        choice = detect_instrument(table, [instrument for _, instrument in candidates])
    except (CippError, OSError):
        return None
    headers = {h.strip().casefold().replace(" ", "_") for h in table.headers}
    name = next(n for n, instrument in candidates if instrument is choice.instrument)
    return name, "academic_year" in headers


def _instruments(folder: Path, names: list[str]) -> list[tuple[str, Any]]:
    """The folder's instrument files (by path) before the bundled ones (by name)."""
    from cipp.read.instrument import iter_bundled, load_instrument

    found: list[tuple[str, Any]] = []
    for name in names:
        try:
            found.append((name, load_instrument(folder / name)))
        except (CippError, OSError):
            continue
    return found + [(bundled.id, bundled) for bundled in iter_bundled()]


def _id_column(before: Path, after: Path) -> str | None:
    """A header both files share that names an id (a proposal for the user to check)."""
    from cipp.platforms import read_export

    try:
        headers = [read_export(path).headers for path in (before, after)]
    except (CippError, OSError):
        return None
    shared = [h for h in headers[0] if h in headers[1]]
    return next((h for h in shared if any(w in h.casefold() for w in ("id", "respondent"))), None)


def scan_folder(folder: str | Path) -> FolderFiles:
    """Sort a folder's files into surveys (by the instrument their columns match: one of
    the folder's instrument files first, else a bundled one),
    instruments, rosters, focus-group segments, codebooks, adjudication, pseudonym and
    integration files; a survey pair is two files named before/after (or pre/post)."""
    folder = Path(folder)
    kinds: dict[str, list[Any]] = {k: [] for k in FolderFiles.__dataclass_fields__}
    files = _files(folder)
    yamls = [p for p in files if p.suffix.lower() in (".yaml", ".yml")]
    instruments = [p.relative_to(folder).as_posix() for p in yamls if _yaml_kind(p) == "instrument"]
    candidates = _instruments(folder, instruments)
    for path in files:
        name = path.relative_to(folder).as_posix()
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            kind = _yaml_kind(path)
            key = {"instrument": "instruments", "codebook": "codebooks"}.get(kind or "")
            key = key or {"integration": "integrations", "pseudonyms": "pseudonyms"}.get(kind or "")
            if key:
                kinds[key].append(name)
        elif suffix == ".qdpx":
            kinds["segments"].append(name)
        elif suffix in (".csv", ".xlsx"):
            header = _csv_header(path) if suffix == ".csv" else set()
            if {"variable", "level", "count"} <= header:
                kinds["rosters"].append(name)
            elif {"segment_id", "decision"} <= header:
                kinds["adjudications"].append(name)
            elif {"segment_id", "code"} <= header:
                kinds["segments"].append(name)
            else:
                survey = _survey(path, candidates)
                if survey is not None:
                    kinds["surveys"].append((name, *survey))
    names = {Path(s[0]).stem.casefold(): s[0] for s in kinds["surveys"]}
    for first, second in (("before", "after"), ("pre", "post")):
        if first in names and second in names:
            pair = (names[first], names[second])
            kinds["pairs"].append((*pair, _id_column(folder / pair[0], folder / pair[1])))
    paired = {p for pair in kinds["pairs"] for p in pair}
    kinds["surveys"] = [s for s in kinds["surveys"] if s[0] not in paired]
    return FolderFiles(**{k: tuple(v) for k, v in kinds.items()})
