"""``cipp init`` and ``cipp run``: one project file that reruns the whole evaluation."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from cipp.cli.common import say, user_errors

ProjectArgument = Annotated[
    Path, typer.Argument(help="The project file (default: cipp.yaml in this folder).")
]
FolderArgument = Annotated[
    Path, typer.Argument(help="Folder whose files the project lists (default: this one).")
]
EXIT_DIFFERENT = 1


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """Run in the project's folder, so that outputs name inputs as the project file does
    (the same bytes wherever the command is started from)."""
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def init(
    folder: FolderArgument = Path("."),
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Where to write it (default: FOLDER/cipp.yaml)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter cipp.yaml from the files in a folder: surveys (and by academic year),
    a before/after pair, a roster, focus-group segments, codebook, adjudication, pseudonyms."""
    from cipp.flow.project import scan_folder
    from cipp.model.errors import OutputError
    from cipp.render.files import write_text
    from cipp.render.project import starter_yaml

    with user_errors():
        target = out if out is not None else folder / "cipp.yaml"
        if target.exists() and not force:
            raise OutputError(f"{target}: exists; give --force to overwrite it")
        text = starter_yaml(scan_folder(folder))
        write_text(target, text)
        say(f"wrote {target}: check it, then run 'cipp run {target}'")


def run(
    project: ProjectArgument = Path("cipp.yaml"),
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Rerun into a temporary folder and report every output whose SHA-256 "
            "differs from the manifest (exit code 1 if any).",
        ),
    ] = False,
) -> None:
    """Rerun every analyze, batch, compare, qual and report of a project file into its
    output folder, and write manifest.json (hashes, versions, options, time)."""
    import tempfile

    from cipp.flow.project import compute
    from cipp.read.project import load_project
    from cipp.render.project import differences, manifest, read_manifest, write_manifest, write_task

    different: list[str] = []
    with user_errors(), _inside(project.resolve().parent), contextlib.ExitStack() as stack:
        loaded = load_project(Path(project.name))
        folder = loaded.output
        if check:
            recorded = read_manifest(folder)
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cipp-check-")))
        folder.mkdir(parents=True, exist_ok=True)
        outputs: list[Path] = []
        for task in loaded.tasks:
            computed = compute(task)
            written = write_task(task, computed.record, folder, names=computed.names)
            outputs.extend(written)
            say(f"{task.kind} '{task.name}': wrote {len(written)} files")
        document = manifest(loaded, outputs, folder)
        if not check:
            path = write_manifest(document, folder)
            say(f"wrote {path} ({len(outputs)} outputs)")
        else:
            different = differences(recorded, document)
            for line in different:
                say(f"differs: {line}")
            if not different:
                say(f"all {len(outputs)} outputs match {loaded.output / 'manifest.json'}")
    if different:
        raise typer.Exit(EXIT_DIFFERENT)
