"""A project file (``cipp.yaml``): every analysis of an evaluation, to rerun with
``cipp run``. Read by cipp.read.project, run by cipp.flow.project."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The kinds of task a project lists, in the order ``cipp run`` runs them.
TASK_KINDS = ("analyze", "batch", "compare", "qual", "report")
#: The two qualitative commands a ``qual`` task can run.
QUAL_COMMANDS = ("agreement", "themes")


@dataclass(frozen=True)
class Task:
    """One command of the project: ``kind`` (analyze, batch, compare, qual, report), its
    ``name`` (the stem of its outputs), its input files (resolved against the project's
    folder), its ``options`` as the library takes them, and its output formats."""

    kind: str
    name: str
    inputs: tuple[Path, ...]
    options: Mapping[str, Any]
    formats: tuple[str, ...]
    decimals: int = 1


@dataclass(frozen=True)
class Project:
    """A project file: where it is, its output folder and its tasks in run order."""

    path: Path
    output: Path
    tasks: tuple[Task, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)
