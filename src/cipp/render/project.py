"""A project's files: the starter ``cipp.yaml`` (``cipp init``), each task's outputs and
the ``manifest.json`` of a run (``cipp run``).

The manifest records each input's and output's path and SHA-256, the versions of cipp,
Python and every dependency, each task's options and the time of the run; outputs are
byte-identical from run to run (Office files get a fixed date: cipp.render.stable), so
``cipp run --check`` can compare a rerun's hashes with the manifest's.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import platform
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cipp import __version__
from cipp.model.errors import OutputError
from cipp.model.project import Project, Task

MANIFEST = "manifest.json"
#: cipp's dependencies, when the installed package's metadata cannot say.
_DEPENDENCIES = (
    "pandas", "numpy", "scipy", "typer", "openpyxl", "rich", "PyYAML", "pyarrow",
    "fastexcel", "defusedxml", "matplotlib", "python-docx",
)  # fmt: skip


def write_task(task: Task, record: Any, folder: Path, *, names: Any = None) -> tuple[Path, ...]:
    """Write one task's outputs into ``folder``: ``<name>.<suffix>`` per format, or for a
    batch the folder ``<name>/`` that ``cipp batch --out`` writes."""
    from cipp.render.documents import document_of
    from cipp.render.formats import output_format, write

    if task.kind == "batch":
        from cipp.render.trends import write_batch

        return write_batch(record, folder / task.name, task.formats, decimals=task.decimals)
    document = document_of(record, decimals=task.decimals)
    if names is not None:
        document = replace(document, names=names)
    return tuple(
        write(document, name, folder / f"{task.name}{output_format(name).suffix}",
              inputs=task.inputs)
        for name in task.formats
    )  # fmt: skip


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str | None]:
    from importlib import metadata

    try:
        required = metadata.requires("cipp") or []
        names = [r.split(";")[0].split("[")[0] for r in required if "extra ==" not in r]
        names = [n.split(">")[0].split("=")[0].split("<")[0].strip() for n in names]
    except metadata.PackageNotFoundError:
        names = list(_DEPENDENCIES)
    versions: dict[str, str | None] = {}
    for name in sorted(set(names or _DEPENDENCIES), key=str.casefold):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return value.as_posix()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _files(paths: Iterable[Path], base: Path) -> list[dict[str, str]]:
    entries = {}
    for path in paths:
        try:
            name = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            name = path.as_posix()
        entries[name] = {"path": name, "sha256": sha256(path)}
    return [entries[name] for name in sorted(entries)]


def manifest(project: Project, outputs: Sequence[Path], folder: Path) -> dict[str, Any]:
    """The manifest of a run whose outputs were written to ``folder``: inputs relative to
    the project's folder, outputs relative to ``folder``."""
    inputs = {path for task in project.tasks for path in task.inputs}
    return {
        "cipp_version": __version__,
        "python": platform.python_version(),
        "dependencies": _versions(),
        "project": project.path.as_posix(),
        "time": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "settings": _plain(project.settings),
        "tasks": [
            {
                "kind": task.kind,
                "name": task.name,
                "formats": list(task.formats),
                "decimals": task.decimals,
                "options": _plain(task.options),
            }
            for task in project.tasks
        ],
        "inputs": _files(inputs, project.path.parent),
        "outputs": _files(outputs, folder),
    }


def write_manifest(document: Mapping[str, Any], folder: Path) -> Path:
    from cipp.render.files import write_text

    path = folder / MANIFEST
    write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise OutputError(f"{path}: no manifest to check against ({error}); run first") from None
    return data


def differences(recorded: Mapping[str, Any], rerun: Mapping[str, Any]) -> list[str]:
    """What differs between two manifests' inputs and outputs, one line each."""
    lines = []
    for key, what in (("inputs", "input"), ("outputs", "output")):
        before = {f["path"]: f["sha256"] for f in recorded.get(key, [])}
        after = {f["path"]: f["sha256"] for f in rerun.get(key, [])}
        for path in sorted(before.keys() | after.keys()):
            if path not in after:
                lines.append(f"{what} {path}: in the manifest, not in the rerun")
            elif path not in before:
                lines.append(f"{what} {path}: new in the rerun (not in the manifest)")
            elif before[path] != after[path]:
                lines.append(f"{what} {path}: SHA-256 differs from the manifest")
    return lines


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _list(paths: Sequence[str]) -> str:
    return "[" + ", ".join(_q(p) for p in paths) + "]"


def starter_yaml(files: Any, output: str = "results") -> str:
    """A starter ``cipp.yaml`` for the files cipp.flow.project.scan_folder found."""
    lines = [
        "# cipp project file: `cipp run` reruns every task below into `output` and writes",
        "# output/manifest.json (each input's and output's SHA-256, the versions, the options,",
        "# the time); `cipp run --check` reruns into a temporary folder and compares hashes.",
        "# Written by `cipp init`: check every task, then add the options you publish with.",
        f"output: {_q(output)}",
        "formats: [json, markdown, xlsx, docx]",
    ]
    if files.surveys:
        lines.append("analyze:")
        for path, instrument, _ in files.surveys:
            lines += [f"  - name: {_q(Path(path).stem)}", f"    input: {_q(path)}",
                      f"    instrument: {_q(instrument)}"]  # fmt: skip
            if files.rosters:
                lines.append(f"    # rake: {_q(files.rosters[0])}   # population counts")
    by_year = [s for s in files.surveys if s[2]]
    if by_year:
        lines.append("batch:")
        for path, instrument, _ in by_year:
            lines += [f"  - name: {_q(Path(path).stem + '-by-year')}",
                      f"    inputs: {_list([path])}", f"    instrument: {_q(instrument)}",
                      "    split_by: academic_year"]  # fmt: skip
    if files.pairs:
        lines.append("compare:")
        for before, after, id_column in files.pairs:
            lines += [f"  - name: {_q(Path(before).parent.name or 'before-after')}",
                      f"    before: {_q(before)}", f"    after: {_q(after)}"]  # fmt: skip
            lines.append(
                f"    id: {_q(id_column)}   # check: the column of each respondent's id"
                if id_column
                else '    id: "ID COLUMN"   # TODO: the column holding each respondent\'s id'
            )
    lines += _qual_lines(files)
    return "\n".join(lines) + "\n"


def _qual_lines(files: Any) -> list[str]:
    if not (files.segments and files.codebooks):
        return []
    csv = [s for s in files.segments if s.endswith((".csv", ".xlsx"))]
    segments = csv or list(files.segments[:1])
    extra = []
    if files.adjudications:
        extra.append(f"    adjudication: {_q(files.adjudications[0])}")
    if files.pseudonyms:
        extra.append(f"    pseudonyms: {_q(files.pseudonyms[0])}")
    lines = [
        "qual:",
        "  - name: agreement",
        "    command: agreement",
        f"    segments: {_list(segments)}",
        f"    codebook: {_q(files.codebooks[0])}",
        "  - name: themes",
        "    command: themes",
        f"    segments: {_list(segments)}",
        f"    codebook: {_q(files.codebooks[0])}",
        *extra,
    ]
    if files.surveys:
        lines += [
            "report:",
            "  - name: evaluation",
            f"    surveys: {_list([s[0] for s in files.surveys])}",
            f"    qual: {_list(segments)}",
            f"    codebook: {_q(files.codebooks[0])}",
            *extra,
        ]
        if files.integrations:
            lines.append(f"    integration: {_q(files.integrations[0])}")
    return lines
