"""Read a project file (``cipp.yaml``) into a Project, checking every key.

Paths in the file are relative to the file's folder. Every problem is reported at once,
each with its key path (``compare[0].id: missing``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cipp.model.errors import CippError
from cipp.model.project import QUAL_COMMANDS, TASK_KINDS, Project, Task
from cipp.read.safe_yaml import load_yaml

#: Per kind: keys that name one input file, keys that name a list of them, required
#: keys, and the other options (the library's parameter names, or their short forms).
_FILE = {
    "analyze": ("input", "rake"),
    "batch": ("rake",),
    "compare": ("before", "after"),
    "qual": ("codebook", "adjudication", "pseudonyms"),
    "report": ("codebook", "integration", "adjudication", "pseudonyms"),
}
_FILES = {
    "analyze": (),
    "batch": ("inputs",),
    "compare": (),
    "qual": ("segments",),
    "report": ("surveys", "qual"),
}
_REQUIRED = {
    "analyze": ("input",),
    "batch": ("inputs",),
    "compare": ("before", "after", "id"),
    "qual": ("command", "segments", "codebook"),
    "report": ("surveys", "qual", "codebook"),
}
_SURVEY_OPTIONS = ("instrument", "sheet", "lenient", "source", "complete_only")
_TEST_OPTIONS = ("by", "no_tests", "collapse", "adjust", "participation", "expected", "weight")
_OPTIONS = {
    "analyze": (*_SURVEY_OPTIONS, *_TEST_OPTIONS, "min_cell", "bias_corrected", "seed"),
    "batch": (*_SURVEY_OPTIONS, *_TEST_OPTIONS, "split_by"),
    "compare": (*_SURVEY_OPTIONS, "id"),
    "qual": ("command", "coders", "quotes"),
    "report": ("coders", "quotes", "collapse", "min_cell"),
}
_COMMON = ("name", "formats", "decimals")


def _paths(value: Any, where: str, folder: Path, problems: list[str]) -> list[Path]:
    items = value if isinstance(value, list) else [value]
    paths = []
    for k, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{where}[{k}]: expected a file path, got {item!r}")
            continue
        paths.append(folder / item)
    return paths


def _task(kind: str, index: int, entry: Any, folder: Path, defaults: dict[str, Any],
          problems: list[str]) -> Task | None:  # fmt: skip
    where = f"{kind}[{index}]"
    if not isinstance(entry, dict):
        problems.append(f"{where}: expected a mapping of options")
        return None
    allowed = {*_COMMON, *_FILE[kind], *_FILES[kind], *_OPTIONS[kind]}
    for key in entry:
        if key not in allowed:
            problems.append(f"{where}.{key}: unknown key (allowed: {', '.join(sorted(allowed))})")
    for key in _REQUIRED[kind]:
        if key not in entry:
            problems.append(f"{where}.{key}: missing")
    if kind == "qual" and entry.get("command", "agreement") not in QUAL_COMMANDS:
        problems.append(
            f"{where}.command: {entry.get('command')!r} is not one of agreement, themes"
        )
    options: dict[str, Any] = {}
    inputs: list[Path] = []
    for key, value in entry.items():
        if key in _COMMON or key not in allowed:
            continue
        if key in _FILE[kind]:
            found = _paths(value, f"{where}.{key}", folder, problems)
            options[key] = found[0] if found else None
            inputs += found
        elif key in _FILES[kind]:
            found = _paths(value, f"{where}.{key}", folder, problems)
            options[key] = tuple(found)
            inputs += found
        elif key == "instrument" and str(value).endswith((".yaml", ".yml")):
            options[key] = folder / str(value)
            inputs.append(folder / str(value))
        else:
            options[key] = tuple(value) if isinstance(value, list) else value
    formats = entry.get("formats", defaults["formats"])
    formats = [formats] if isinstance(formats, str) else formats
    if not isinstance(formats, list) or not formats:
        problems.append(f"{where}.formats: expected a list of output formats")
        formats = []
    name = str(entry.get("name") or f"{kind}-{index + 1}")
    decimals = entry.get("decimals", defaults["decimals"])
    return Task(kind, name, tuple(inputs), options, tuple(str(f) for f in formats), int(decimals))


def load_project(path: str | Path) -> Project:
    """The project of a ``cipp.yaml`` file (read as every YAML input is: bounded, no
    duplicate keys, no alias bombs), every key checked."""
    path = Path(path)
    data = load_yaml(path, unreadable="cannot read the project file")
    if not isinstance(data, dict):
        raise CippError(f"{path}: a project file is a mapping (output:, analyze:, ...)")
    folder = path.parent
    problems: list[str] = []
    known = {"output", "formats", "decimals", *TASK_KINDS}
    problems += [f"{key}: unknown key" for key in data if key not in known]
    defaults = {
        "formats": data.get("formats", ["json", "markdown"]),
        "decimals": data.get("decimals", 1),
    }
    tasks: list[Task] = []
    for kind in TASK_KINDS:
        entries = data.get(kind) or []
        if not isinstance(entries, list):
            problems.append(f"{kind}: expected a list of tasks")
            continue
        for index, entry in enumerate(entries):
            task = _task(kind, index, entry, folder, defaults, problems)
            if task is not None:
                tasks.append(task)
    names = [t.name for t in tasks]
    problems += [
        f"name {n!r} is used twice" for n in sorted({n for n in names if names.count(n) > 1})
    ]
    if not tasks:
        problems.append("no task (analyze:, batch:, compare:, qual: or report:)")
    if problems:
        raise CippError(f"{path}: " + "; ".join(problems))
    output = folder / str(data.get("output", "results"))
    settings = {"formats": defaults["formats"], "decimals": defaults["decimals"]}
    return Project(path, output, tuple(tasks), settings)
