"""What the cipp commands share: options defined once, one-line errors, writing outputs.

Library errors name the library's parameters (`` `adjust='holms'` ``); :func:`as_flags`
turns them into the flags a user typed, and :func:`user_errors` prints any CippError as
one line on stderr with exit code 2 (a traceback only with ``--debug``).
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cipp.model.distributions import SORT_ORDERS
from cipp.model.errors import CippError
from cipp.platforms.registry import SOURCES
from cipp.render.formats import FORMATS

if TYPE_CHECKING:
    from rich.console import Console

    from cipp.render.document import Document

#: The output formats as --format lists them (importing the list imports no writer).
FORMAT_NAMES = ", ".join(FORMATS)

# Options that mean the same in every command that takes them.
InstrumentOption = Annotated[
    str | None,
    typer.Option(
        "--instrument",
        "-i",
        help="Bundled instrument name (see 'cipp instruments') or YAML path. "
        "Default: the bundled instrument whose items match the columns.",
    ),
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Worksheet (default: first non-empty).")
]
DecimalsOption = Annotated[
    int, typer.Option("--decimals", min=0, max=6, help="Decimals of displayed percentages.")
]
AdjustOption = Annotated[
    str, typer.Option("--adjust", help="Multiple-testing adjustment: bh or holm.")
]
SourceOption = Annotated[
    str,
    typer.Option(
        "--source",
        help=f"Platform that wrote the export: {', '.join(SOURCES)}.",
    ),
]
CompleteOnlyOption = Annotated[
    bool,
    typer.Option("--complete-only", help="Keep only finished responses (Qualtrics, REDCap)."),
]
LenientOption = Annotated[
    bool,
    typer.Option(
        "--lenient",
        help="Count values outside the scale as invalid and go on, instead of stopping.",
    ),
]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help=f"Output format: {FORMAT_NAMES}.")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
]
ByOption = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        help="Test every item against this demographic or column (repeatable; in batch, "
        "within each wave). Default: the instrument's tested demographics.",
    ),
]
NoTestsOption = Annotated[bool, typer.Option("--no-tests", help="Skip the tests of association.")]
CollapseOption = Annotated[
    bool,
    typer.Option(
        "--collapse",
        help="Test the scales' collapse groups (e.g. Disagree / Agree) instead of every level.",
    ),
]
ParticipationOption = Annotated[
    str | None,
    typer.Option(
        "--participation",
        help="Test whether respondents are spread evenly (or as --expected) across this "
        "column (in batch, within each wave).",
    ),
]
ExpectedOption = Annotated[
    str | None,
    typer.Option(
        "--expected",
        help="Expected counts or shares for --participation: 'Year 1=150,Year 2=150,...'.",
    ),
]
MinCellOption = Annotated[
    int,
    typer.Option(
        "--min-cell",
        min=0,
        help="Mask counts below N in tables broken down by a demographic (small-cell protection).",
    ),
]
ConfidenceOption = Annotated[
    float,
    typer.Option(
        "--confidence",
        min=0.5,
        max=0.999,
        help="Confidence level of the intervals (% positive, its changes, level shares).",
    ),
]
SortOption = Annotated[
    str,
    typer.Option(
        "--sort",
        help=f"Order of the items in the figures by group or wave: {', '.join(SORT_ORDERS)} "
        "(the instrument's order, or by % positive, most positive first).",
    ),
]
WeightOption = Annotated[
    str | None,
    typer.Option(
        "--weight",
        help="Column holding each respondent's survey weight: adds weighted % with "
        "design-based 95% CIs and Rao-Scott tests beside the unweighted counts.",
    ),
]
RakeOption = Annotated[
    Path | None,
    typer.Option(
        "--rake",
        help="Rake the weights to population counts: a CSV with columns variable,level,count "
        "(iterative proportional fitting to 1e-6, as R's survey::rake).",
    ),
]
LimitsOption = Annotated[
    str | None,
    typer.Option(
        "--limits",
        help="Change what cipp agrees to read, as NAME=VALUE,...: cells (per sheet), "
        "zip-size, zip-ratio, csv-field, csv-line, yaml-size, yaml-nodes; values may end "
        "in k, M or G (e.g. cells=500M). Defaults fit a 1,000,000-respondent survey.",
    ),
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="Encoding of CSV inputs (e.g. cp1252, utf-8). Default: detected, one for "
        "the whole file.",
    ),
]
RosterOption = Annotated[
    str | None,
    typer.Option(
        "--roster",
        help="How many people were asked: a number, or a CSV with columns group,size (or "
        "one size column): response rates overall and per group, participation tested "
        "against it.",
    ),
]
CodersOption = Annotated[
    str | None,
    typer.Option("--coders", help="Coders to compare, comma-separated (A,B); default all."),
]

#: Library parameters whose flag is not the parameter's name with dashes.
FLAGS = {
    "exact_max_steps": "--exact-steps",
    "output_format": "--format",
    "output_formats": "--format",
    "out": "--out",
    "coder_names": "--coder",
    "components": "--component",
    "demographics": "--demographic",
    "id_column": "--id",
}
_OPTION = re.compile(r"`([a-z][a-z0-9_]*)(?:=([^`]*))?`")

#: Help and usage errors as click prints them, not typer's rich panels: drawing them
#: imports rich's console and markdown (about half of ``cipp --help``'s time).
MARKUP_MODE = None


class _ErrConsole:
    """The console for messages on stderr, made (and rich imported) on first use, so
    that ``cipp --help`` does not import rich."""

    _console: Console | None = None

    def _get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)

    # Dunder methods are looked up on the type, not through __getattr__: a progress bar
    # enters its console as a context manager.
    def __enter__(self) -> Console:
        return self._get().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._get().__exit__(*exc)  # type: ignore[arg-type]


err_console: Any = _ErrConsole()

# Set by the main callback's --debug flag: show tracebacks instead of one-line errors.
state = {"debug": False}


def stdout_console() -> Console:
    """The console for results on stdout: the terminal's width, else $COLUMNS, else 80."""
    from rich.console import Console

    from cipp.render.terminal import terminal_width

    return Console(highlight=False, width=terminal_width(sys.stdout))


def say(message: str) -> None:
    """One line for the user on stderr ('cipp: ...'), never read as markup."""
    err_console.print(f"cipp: {message}", markup=False)


def count(n: int, noun: str) -> str:
    """'1 file', '2 files'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def as_flags(message: str) -> str:
    """A library message with its parameters (`` `split_by=year` ``, see
    cipp.model.errors.option) named as the flags of the command line (``--split-by year``)."""

    def flag(match: re.Match[str]) -> str:
        name, value = match.group(1), match.group(2)
        text = FLAGS.get(name, "--" + name.replace("_", "-"))
        return text if value is None else f"{text} {value}"

    return _OPTION.sub(flag, message)


def coder_list(value: str | None) -> tuple[str, ...] | None:
    """'A, B' -> ('A', 'B'); None when not given."""
    return tuple(name.strip() for name in value.split(",") if name.strip()) if value else None


#: The modules :func:`warm_up` imports after the platforms', in the order the analysis
#: meets them.
WARM_UP = (
    "cipp.stats.contingency",
    "cipp.stats.describe",
    "cipp.flow.findings",
    "cipp.render.survey",
    "cipp.render.json",
    "rich.console",
)


def warm_up(*inputs: Path) -> None:
    """Import what the analysis and the writers will need in a background thread while
    the file is read.

    The readers (fastexcel, pyarrow) release the GIL while they parse, so loading
    scipy.special's functions (cipp.stats.tails.special) and cipp's own modules
    overlaps with reading instead of adding to it.
    pandas and scipy.stats are not among them: an analysis imports them only for a step
    that uses them (exact tests, workbooks, figures). Importing twice is harmless: the
    second import waits for the first. A workbook among ``inputs`` adds pyarrow.compute,
    which mapping its (not dictionary-encoded) columns needs.
    """
    from cipp.read.tables import SPREADSHEET_SUFFIXES

    spreadsheet = any(path.suffix.lower() in SPREADSHEET_SUFFIXES for path in inputs)
    names = (*WARM_UP, "pyarrow.compute") if spreadsheet else WARM_UP

    def load() -> None:
        import importlib

        with contextlib.suppress(ImportError):
            from cipp.platforms.registry import platforms

            # Every platform's module: recognising the file's platform imports them first.
            platforms()
        with contextlib.suppress(ImportError):
            from cipp.stats.tails import special

            special()  # scipy.special's compiled functions, first in the analysis
        for name in names:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)

    threading.Thread(target=load, name="cipp-warm-up", daemon=True).start()


def given_files(*values: str | Path | None) -> tuple[Path, ...]:
    """The options' values that name files (an instrument YAML, a roster or rake CSV
    beside the responses): what an output may never overwrite. A bundled instrument's
    name or a roster size names no file and is left out."""
    return tuple(Path(value) for value in values if value is not None and Path(value).is_file())


def emit(
    document: Document,
    output_format: str,
    out: Path | None,
    *,
    inputs: Sequence[Path] = (),
    width: int | None = None,
) -> None:
    """Write a document to ``out`` in a format, or show it on stdout."""
    from cipp.render.formats import check_names, render, write

    if out is not None:
        write(document, output_format, out, inputs=tuple(inputs), width=width or 120)
        say(f"wrote {out}")
        return
    if output_format == "table" and width is None:
        from cipp.render.terminal import print_document

        console = stdout_console()
        check_names(document, "\n".join(document.texts()), "the output")
        print_document(document, console)
        return
    data = render(document, output_format, width=width or 120)
    check_names(document, data, "the output")
    sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8"))


#: The longest error message printed whole; a longer one (a value from a hostile file
#: quoted in it) is cut.
MAX_MESSAGE = 2000


def one_line(message: str) -> str:
    """A message as one line of reasonable length, whatever values it quotes; a list of
    problems (cipp.model.errors.listed: indented lines, '  - ...') keeps one line each,
    and so does a heading of such a list (a line ending in ':' before them). Any other
    line break (from a library's message) is shown as ' ⏎ '."""
    kept: list[str] = []
    lines = message.splitlines() or [""]
    for i, line in enumerate(lines):
        follows = lines[i + 1] if i + 1 < len(lines) else ""
        heading = line.rstrip().endswith(":") and follows.startswith("  ")
        if kept and not line.startswith("  ") and not heading:
            kept[-1] += " ⏎ " + line
        else:
            kept.append(line)
    return "\n".join(
        text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " … (cut)" for text in kept
    )


@contextlib.contextmanager
def reading_with(limits: str | None, encoding: str | None = None) -> Iterator[None]:
    """Read inside the block with the limits and encoding the user gave (cipp.read.settings)."""
    from cipp.model.limits import parse_limits
    from cipp.read.settings import reading

    with reading(limits=parse_limits(limits) if limits else None, encoding=encoding):
        yield


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Report a CippError as one line on stderr (flags named as typed) and exit with 2."""
    try:
        yield
    except CippError as error:
        if state["debug"]:
            raise
        err_console.print(f"cipp: error: {one_line(as_flags(str(error)))}", markup=False)
        raise typer.Exit(2) from None


#: Seconds of drawing before a progress bar is worth showing.
SLOW_DRAWING = 1.0


@contextlib.contextmanager
def drawing_progress(description: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress callback for drawing figures (done, total, last stem) that shows a bar
    on stderr once drawing has taken more than :data:`SLOW_DRAWING` seconds, so a quick
    run prints nothing extra; None when stderr is not a terminal."""
    if not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    start = time.monotonic()
    shown: list[Progress] = []

    def update(done: int, total: int, name: str) -> None:
        if not shown:
            if done >= total or time.monotonic() - start < SLOW_DRAWING:
                return
            bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err_console,
                transient=True,
            )
            bar.add_task(description, total=total)
            bar.start()
            shown.append(bar)
        bar = shown[0]
        bar.update(
            bar.task_ids[0], completed=done, total=total, description=f"{description} ({name})"
        )

    try:
        yield update
    finally:
        for bar in shown:
            bar.stop()
