"""The output formats: the one list every command, option and help text comes from.

A format is a writer (a function from a Document to text or bytes) and how its files are
named. Adding a format is one writer module and one line below.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from cipp.model.errors import OutputError, option

if TYPE_CHECKING:
    from cipp.render.document import Document


@dataclass(frozen=True)
class OutputFormat:
    """``name`` as ``--format`` takes it; ``suffix`` of its files; ``writer`` as
    'module:function'; ``binary`` formats need a file (they cannot go to a terminal)."""

    name: str
    suffix: str
    writer: str
    binary: bool = False

    def write(self, document: Document, *, width: int = 120) -> str | bytes:
        module, function = self.writer.split(":")
        result: str | bytes = getattr(import_module(module), function)(document, width)
        return result


FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("table", ".txt", "cipp.render.terminal:write_terminal"),
        OutputFormat("json", ".json", "cipp.render.json:write_json"),
        OutputFormat("csv", ".csv", "cipp.render.csv:write_csv"),
        OutputFormat("markdown", ".md", "cipp.render.markdown:write_markdown"),
        OutputFormat("html", ".html", "cipp.render.html:write_html"),
        OutputFormat("xlsx", ".xlsx", "cipp.render.xlsx:write_xlsx", binary=True),
        OutputFormat("docx", ".docx", "cipp.render.docx:write_docx", binary=True),
    )
}


def output_format(name: str) -> OutputFormat:
    """The format called ``name``, or an error listing the formats."""
    found = FORMATS.get(name)
    if found is None:
        raise OutputError(
            f"{option('output_format', repr(name))} is not one of {', '.join(FORMATS)}"
        )
    return found


def check_format(name: str, out: Path | None) -> OutputFormat:
    """Fail early (before any reading) on an unknown format, or a binary one without a file."""
    found = output_format(name)
    if found.binary and out is None:
        raise OutputError(
            f"{option('output_format', name)} writes a file: give `out` (a path ending "
            f"in {found.suffix})"
        )
    return found


def render(document: Document, name: str, *, width: int = 120) -> str | bytes:
    """The document written in the format called ``name``."""
    return output_format(name).write(document, width=width)


def write(
    document: Document, name: str, out: Path, *, inputs: tuple[Path, ...] = (), width: int = 120
) -> Path:
    """Write the document to ``out`` atomically, never onto an input; refuse (OutputError)
    when a real name the document must hide would appear in it. Returns ``out``."""
    from cipp.render.files import write_bytes, write_text

    check_file_name(document, out)
    data = render(document, name, width=width)
    check_names(document, data, out)
    if isinstance(data, bytes):
        write_bytes(out, data, inputs=inputs)
    else:
        write_text(out, data, inputs=inputs)
    return Path(out)


def check_names(document: Document, data: str | bytes, where: object) -> None:
    """Refuse an output in which a name from the document's pseudonym list survives.

    The output is checked as a reader would see it: text as written and with its HTML
    entities and Markdown escapes undone; JSON decoded; a workbook or Word file by the
    text of every part of it, besides the document's own texts.
    """
    if document.names is None:
        return
    for text in _output_texts(document, data):
        document.names.check(text, where=str(where))


def _output_texts(document: Document, data: str | bytes) -> list[str]:
    import html
    import re

    if isinstance(data, bytes):
        return ["\n".join(document.texts()), *_archive_texts(data)]
    texts = [data]
    if "&" in data:
        texts.append(html.unescape(data))
    if "\\" in data:
        texts.append(re.sub(r"\\(.)", r"\1", data))
    return texts


def _archive_texts(data: bytes) -> list[str]:
    """The text of each XML part of an xlsx or docx file (tags removed, entities undone)."""
    import html
    import io
    import re
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return []
    with archive:
        parts = [
            archive.read(name).decode("utf-8", errors="replace")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        ]
    return [html.unescape(re.sub(r"<[^>]*>", "", part)) for part in parts]


def check_file_name(document: Document, out: Path) -> None:
    """Refuse an output file whose name holds a name from the document's pseudonym list,
    and so its folders as given relative to where cipp runs (``Ayesha/themes.json``: a
    folder shared with the file). An absolute path's folders above the file are the
    machine's, not the output's (``/home/ayesha/...``), and are not checked."""
    if document.names is None:
        return
    out = Path(out)
    shown = out.as_posix() if not out.is_absolute() else out.name
    document.names.check(shown.replace("/", " / "), where=f"{out} (the file name)")


def format_of(out: Path) -> str:
    """The format a file name asks for by its suffix ('report.docx' -> 'docx')."""
    suffix = Path(out).suffix.lower()
    found = next((f.name for f in FORMATS.values() if f.suffix == suffix), None)
    if found is None:
        suffixes = ", ".join(f.suffix for f in FORMATS.values())
        raise OutputError(f"{out}: no output format has the suffix '{suffix}' ({suffixes})")
    return found
