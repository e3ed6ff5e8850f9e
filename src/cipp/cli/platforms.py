"""``cipp instrument ...`` and ``cipp export ...``: platform import and SPSS export.

Each command parses its options, makes one library call and writes the result; the
import report goes to stderr (or, with ``--dry-run``, to stdout and nothing is
written). Library imports happen inside the commands so ``cipp --help`` stays instant.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cipp.cli.common import MARKUP_MODE, err_console, user_errors
from cipp.model.errors import CippError, OutputError
from cipp.platforms.registry import SOURCES

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from cipp.platforms.draft import ImportOptions, ImportResult
    from cipp.platforms.spss_writer import ExportData

instrument_app = typer.Typer(
    help="Make an instrument YAML from a platform's questionnaire definition.",
    no_args_is_help=True,
    rich_markup_mode=MARKUP_MODE,
)
export_app = typer.Typer(
    help="Export responses for other software (SPSS, Stata).",
    no_args_is_help=True,
    rich_markup_mode=MARKUP_MODE,
)

Out = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help="Write the instrument YAML here (default: print it to stdout)."
    ),
]
DryRun = Annotated[
    bool,
    typer.Option("--dry-run", help="Print the import report only; write nothing."),
]
Components = Annotated[
    list[str] | None,
    typer.Option(
        "--component",
        help="PATTERN=context|input|process|product (repeatable). PATTERN is an item id, "
        "a multi-select question (all its options), a source id, a glob over those "
        "('pmq*'), or the platform's grouping: 'form:NAME' (REDCap), 'group:NAME' "
        "(XLSForm, XForm), 'block:NAME' (Qualtrics). An exact id wins; otherwise the last "
        "match given wins. Items left without one are written 'component: unassigned'.",
    ),
]
ComponentMap = Annotated[
    Path | None,
    typer.Option(
        "--component-map",
        help="CSV with columns 'item' and 'component' (applied before --component).",
    ),
]
Demographics = Annotated[
    list[str] | None,
    typer.Option(
        "--demographic",
        help="Keep this question as a demographic, not an item (repeatable).",
    ),
]
MissingCodes = Annotated[
    list[str] | None,
    typer.Option(
        "--missing-code",
        help="A code meaning missing, e.g. 99 or -99 (repeatable); it leaves the levels.",
    ),
]


def _parse_component(value: str) -> tuple[str, str]:
    from cipp.model.instrument import COMPONENTS

    item, sep, component = value.rpartition("=")
    component = component.strip().lower()
    if not sep or not item.strip() or component not in COMPONENTS:
        raise typer.BadParameter(
            f"'{value}': expected ITEM=COMPONENT (ITEM an id, a glob such as 'pmq*', or "
            f"form:/group:/block:NAME) with COMPONENT one of {', '.join(COMPONENTS)}",
            param_hint="--component",
        )
    return item.strip(), component


def read_component_map(path: Path) -> dict[str, str]:
    """``item,component`` rows of a CSV (or xlsx) file."""
    from cipp.platforms.draft import check_component
    from cipp.read.tables import read_table

    table = read_table(path)
    keys = [h.strip().casefold() for h in table.headers]
    item_col = next(
        (keys.index(k) for k in ("item", "id", "item_id", "variable", "question") if k in keys),
        None,
    )
    if item_col is None or "component" not in keys:
        raise CippError(
            f"{path}: a component map needs the columns 'item' and 'component' "
            f"(found: {', '.join(table.headers)})"
        )
    component_col = keys.index("component")
    out: dict[str, str] = {}
    items = table.cells[item_col].to_pylist()
    components = table.cells[component_col].to_pylist()
    for row, number in enumerate(table.rows.tolist()):
        item, component = items[row], components[row]
        if not item:
            continue
        if not component:
            raise CippError(f"{table.where(number, component_col)}: no component for '{item}'")
        out[item.strip()] = check_component(component, table.where(number, component_col))
    return out


def _options(
    components: list[str] | None,
    component_map: Path | None,
    demographics: list[str] | None,
    missing_codes: list[str] | None,
    lang: str | None = None,
) -> ImportOptions:
    from cipp.platforms.draft import ImportOptions

    mapping = read_component_map(component_map) if component_map is not None else {}
    for value in components or []:
        item, component = _parse_component(value)
        mapping[item] = component
    return ImportOptions(
        components=mapping,
        demographics=tuple(demographics or ()),
        missing_codes=tuple(missing_codes or ()),
        lang=lang,
    )


def _run_import(
    importer: Callable[[], ImportResult],
    *,
    source: Path,
    out: Path | None,
    dry_run: bool,
    inputs: tuple[Path | None, ...] = (),
) -> None:
    from cipp.model.errors import SHOWN_PROBLEMS
    from cipp.render.files import check_not_input, write_text

    result = importer()
    # The terminal shows the first few of each list; the draft's header keeps them all.
    lines = result.report.lines(limit=SHOWN_PROBLEMS)
    if dry_run:
        typer.echo("\n".join(lines))
        return
    text = result.to_yaml()
    if out is None:
        typer.echo(text, nl=False)
        for line in lines:
            err_console.print(f"cipp: {line}", markup=False)
        return
    check_not_input(out, [source, *(p for p in inputs if p is not None)])
    write_text(out, text, inputs=[source, *(p for p in inputs if p is not None)])
    for line in lines:
        err_console.print(f"cipp: {line}", markup=False)
    err_console.print(f"cipp: wrote {out}", markup=False)


@instrument_app.command("from-redcap")
def from_redcap_command(
    dictionary: Annotated[Path, typer.Argument(help="REDCap data dictionary (.csv).")],
    out: Out = None,
    dry_run: DryRun = False,
    component: Components = None,
    component_map: ComponentMap = None,
    demographic: Demographics = None,
    missing_code: MissingCodes = None,
) -> None:
    """Make an instrument from a REDCap data dictionary (either header variant)."""
    with user_errors():
        from cipp.platforms.redcap import from_redcap

        options = _options(component, component_map, demographic, missing_code)
        _run_import(
            lambda: from_redcap(dictionary, options),
            source=dictionary,
            out=out,
            dry_run=dry_run,
            inputs=(component_map,),
        )


@instrument_app.command("from-xlsform")
def from_xlsform_command(
    form: Annotated[Path, typer.Argument(help="XLSForm workbook (.xlsx): Kobo, ODK, SurveyCTO.")],
    out: Out = None,
    dry_run: DryRun = False,
    component: Components = None,
    component_map: ComponentMap = None,
    demographic: Demographics = None,
    missing_code: MissingCodes = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Label language, e.g. 'English', 'en' or 'English (en)'; the other "
            "languages become aliases. Default: the form's default language.",
        ),
    ] = None,
) -> None:
    """Make an instrument from an XLSForm (survey, choices and settings sheets)."""
    with user_errors():
        from cipp.platforms.xlsform import from_xlsform

        options = _options(component, component_map, demographic, missing_code, lang)
        _run_import(
            lambda: from_xlsform(form, options),
            source=form,
            out=out,
            dry_run=dry_run,
            inputs=(component_map,),
        )


@instrument_app.command("from-xform")
def from_xform_command(
    form: Annotated[
        Path, typer.Argument(help="XForm XML (.xml): ODK Central, ODK Build, KoboToolbox.")
    ],
    out: Out = None,
    dry_run: DryRun = False,
    component: Components = None,
    component_map: ComponentMap = None,
    demographic: Demographics = None,
    missing_code: MissingCodes = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Label language, e.g. 'English', 'en' or 'English (en)'; the other "
            "languages become aliases. Default: the form's default language.",
        ),
    ] = None,
) -> None:
    """Make an instrument from an XForm (the XML form definition), as from-xlsform does
    from the XLSForm it was made from."""
    with user_errors():
        from cipp.platforms.xform import from_xform

        options = _options(component, component_map, demographic, missing_code, lang)
        _run_import(
            lambda: from_xform(form, options),
            source=form,
            out=out,
            dry_run=dry_run,
            inputs=(component_map,),
        )


@instrument_app.command("from-spss")
def from_spss_command(
    data: Annotated[Path, typer.Argument(help="SPSS (.sav, .zsav, .por) or Stata (.dta) file.")],
    out: Out = None,
    dry_run: DryRun = False,
    component: Components = None,
    component_map: ComponentMap = None,
    demographic: Demographics = None,
    missing_code: MissingCodes = None,
) -> None:
    """Make an instrument from the value labels and missing values of a .sav or .dta file."""
    with user_errors():
        from cipp.platforms.spss import from_spss

        options = _options(component, component_map, demographic, missing_code)
        _run_import(
            lambda: from_spss(data, options),
            source=data,
            out=out,
            dry_run=dry_run,
            inputs=(component_map,),
        )


@instrument_app.command("from-qualtrics")
def from_qualtrics_command(
    survey: Annotated[Path, typer.Argument(help="Qualtrics survey file (.qsf).")],
    out: Out = None,
    dry_run: DryRun = False,
    component: Components = None,
    component_map: ComponentMap = None,
    demographic: Demographics = None,
    missing_code: MissingCodes = None,
) -> None:
    """Make an instrument from a Qualtrics survey file (.qsf)."""
    with user_errors():
        from cipp.platforms.qualtrics import from_qualtrics

        options = _options(component, component_map, demographic, missing_code)
        _run_import(
            lambda: from_qualtrics(survey, options),
            source=survey,
            out=out,
            dry_run=dry_run,
            inputs=(component_map,),
        )


@instrument_app.command("scaffold")
def scaffold_command(
    responses: Annotated[
        Path, typer.Argument(help="Google Forms (.csv) or Microsoft Forms (.xlsx) responses.")
    ],
    out: Out = None,
    dry_run: DryRun = False,
    component: Components = None,
    component_map: ComponentMap = None,
    demographic: Demographics = None,
    missing_code: MissingCodes = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Worksheet (default: first non-empty).")
    ] = None,
) -> None:
    """Draft an instrument from a response file (for platforms that export no definition).

    Scales are ordered from their answers' words; where no order can be established the
    scale is written 'order: guessed', which cipp analyze refuses until it is checked."""
    with user_errors(), _progress_after(2.0) as progress:
        from cipp.platforms.scaffolding import scaffold

        options = _options(component, component_map, demographic, missing_code)
        _run_import(
            lambda: scaffold(responses, options, sheet=sheet, progress=progress),
            source=responses,
            out=out,
            dry_run=dry_run,
            inputs=(component_map,),
        )


class _DelayedBar:
    """A bar across the file's columns on stderr that appears only once the command has
    run ``delay`` seconds (a quick scaffold shows nothing)."""

    def __init__(self, delay: float) -> None:
        self.start = time.monotonic()
        self.delay = delay
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < self.delay:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("reading columns"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err_console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("columns", total=total)
        if self.task is not None:
            self.bar.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextlib.contextmanager
def _progress_after(delay: float) -> Iterator[Callable[[int, int], None] | None]:
    """The scaffold's progress callback: a bar on a terminal after ``delay`` seconds,
    nothing when stderr is not a terminal."""
    if not err_console.is_terminal:
        yield None
        return
    bar = _DelayedBar(delay)
    try:
        yield bar
    finally:
        bar.stop()


# --- export -----------------------------------------------------------------------------

ExportInstrument = Annotated[
    str,
    typer.Option("--instrument", "-i", help="Bundled instrument name or instrument YAML path."),
]
Source = Annotated[
    str,
    typer.Option("--source", help=f"Platform of the export: {', '.join(SOURCES)}."),
]
Sheet = Annotated[str | None, typer.Option("--sheet", help="Worksheet (default: first non-empty).")]
CompleteOnly = Annotated[
    bool,
    typer.Option("--complete-only", help="Keep finished responses only (Qualtrics, REDCap)."),
]
Lenient = Annotated[
    bool,
    typer.Option(
        "--lenient", help="Write values outside the scale as missing instead of stopping."
    ),
]


def _export(
    responses: Path,
    *,
    instrument: str,
    out: Path,
    source: str,
    sheet: str | None,
    complete_only: bool,
    lenient: bool,
    stata: bool,
) -> None:
    from cipp.platforms.exports import read_export
    from cipp.platforms.spss import pyreadstat_module
    from cipp.platforms.spss_writer import build_export
    from cipp.read.instrument import resolve_instrument
    from cipp.read.responses import load_responses
    from cipp.render.files import check_not_input

    suffix = ".dta" if stata else ".sav"
    if out.suffix.lower() != suffix:
        raise CippError(f"{out}: the output of 'cipp export {suffix[1:]}' ends in {suffix}")
    check_not_input(out, [responses])
    pyreadstat_module()
    chosen = resolve_instrument(instrument)
    table = read_export(
        responses, source=source, sheet=sheet, complete_only=complete_only, instrument=chosen
    )
    loaded = load_responses(table, chosen, lenient=lenient)
    data = build_export(loaded, table, stata=stata)
    inputs = [responses] + ([Path(chosen.path)] if chosen.path else [])
    _write_export(data, out, stata=stata, inputs=inputs)
    for note in data.notes:
        err_console.print(f"cipp: {note}", markup=False)
    if loaded.invalid:
        err_console.print(
            f"cipp: {len(loaded.invalid)} invalid cell(s) written as missing", markup=False
        )
    err_console.print(
        f"cipp: wrote {out}: {len(data.frame)} cases, {len(data.frame.columns)} variables",
        markup=False,
    )


def _write_export(data: ExportData, out: Path, *, stata: bool, inputs: list[Path]) -> None:
    """Write the .sav/.dta atomically (a temporary file renamed onto ``out``), never over
    an input."""
    from cipp.platforms.spss_writer import write_export
    from cipp.render.files import atomic_path

    with atomic_path(out, inputs=inputs) as tmp:
        try:
            write_export(data, tmp, stata=stata)
        except OutputError as error:
            # Name the file the user asked for, not the temporary one.
            raise OutputError(str(error).replace(str(tmp), str(out), 1)) from None


@export_app.command("sav")
def export_sav(
    responses: Annotated[Path, typer.Argument(help="Response export (.xlsx, .csv, platform).")],
    instrument: ExportInstrument,
    out: Annotated[Path, typer.Option("--out", "-o", help="The .sav file to write.")],
    source: Source = "auto",
    sheet: Sheet = None,
    complete_only: CompleteOnly = False,
    lenient: Lenient = False,
) -> None:
    """Write responses as an SPSS .sav: codes, value and variable labels, missing values."""
    with user_errors():
        _export(
            responses,
            instrument=instrument,
            out=out,
            source=source,
            sheet=sheet,
            complete_only=complete_only,
            lenient=lenient,
            stata=False,
        )


@export_app.command("dta")
def export_dta(
    responses: Annotated[Path, typer.Argument(help="Response export (.xlsx, .csv, platform).")],
    instrument: ExportInstrument,
    out: Annotated[Path, typer.Option("--out", "-o", help="The .dta file to write.")],
    source: Source = "auto",
    sheet: Sheet = None,
    complete_only: CompleteOnly = False,
    lenient: Lenient = False,
) -> None:
    """Write responses as a Stata .dta: codes, value and variable labels, missing values."""
    with user_errors():
        _export(
            responses,
            instrument=instrument,
            out=out,
            source=source,
            sheet=sheet,
            complete_only=complete_only,
            lenient=lenient,
            stata=True,
        )
