"""Pick the renderer for an output format: one place that knows every format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cipp.model.errors import CippError, option
from cipp.render.files import write_text

if TYPE_CHECKING:
    from cipp.model.results import Results

TEXT_FORMATS = ("table", "json", "csv", "markdown", "html")
FILE_FORMATS = ("xlsx", "docx")
FORMATS = TEXT_FORMATS + FILE_FORMATS
SUFFIXES = {
    "table": ".txt",
    "json": ".json",
    "csv": ".csv",
    "markdown": ".md",
    "html": ".html",
    "xlsx": ".xlsx",
    "docx": ".docx",
}


def check_format(output_format: str, out: Path | None) -> None:
    """Fail early (before any reading) on an unknown format or a file format without --out."""
    if output_format not in FORMATS:
        raise CippError(
            f"{option('output_format', repr(output_format))} is not one of {', '.join(FORMATS)}"
        )
    if output_format in FILE_FORMATS and out is None:
        raise CippError(
            f"{option('output_format', output_format)} writes a file: give `out` (a path ending "
            f"in {SUFFIXES[output_format]})"
        )


def render_text(
    results: Results, output_format: str, *, decimals: int = 1, min_cell: int = 0
) -> str:
    """The document of a text format (table, json, csv, markdown, html)."""
    if output_format == "table":
        from cipp.render.terminal import render_text as render_table

        return render_table(results, decimals=decimals, min_cell=min_cell)
    if output_format == "json":
        from cipp.render.json import render_json

        return render_json(results)
    if output_format == "csv":
        from cipp.render.csv import render_csv

        return render_csv(results)
    if output_format == "markdown":
        from cipp.render.markdown import render_markdown

        return render_markdown(results, decimals=decimals, min_cell=min_cell)
    if output_format == "html":
        from cipp.render.html import render_html

        return render_html(results, decimals=decimals, min_cell=min_cell)
    raise CippError(f"{option('output_format', output_format)} is not a text format")


def write_output(
    results: Results,
    output_format: str,
    out: Path,
    *,
    decimals: int = 1,
    min_cell: int = 0,
    inputs: tuple[Path, ...] = (),
) -> None:
    """Write one format to ``out`` atomically (never onto an input)."""
    if output_format == "xlsx":
        from cipp.render.xlsx import render_xlsx

        render_xlsx(results, out, decimals=decimals, min_cell=min_cell, inputs=inputs)
    elif output_format == "docx":
        from cipp.render.docx import render_docx

        render_docx(results, out, decimals=decimals, min_cell=min_cell, inputs=inputs)
    else:
        write_text(
            out,
            render_text(results, output_format, decimals=decimals, min_cell=min_cell),
            inputs=inputs,
        )
