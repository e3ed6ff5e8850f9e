"""CSV text: the encoding of a file, detected once for the whole file or given, and its
records, read within the limits.

UTF-8 (BOM optional) and UTF-16 with a BOM are recognised; a file that is not UTF-8 is
read as Windows-1252, what Excel on Windows saves as "CSV" (Latin-1 when a byte is not
even that). A file is one encoding: when a row added later by another program is in
another (a Windows-1252 row at the end of a UTF-8 file, a UTF-8 row in a Windows-1252
file), decoding the whole file as either would silently garble the other part, so it is
an error naming the first row that does not fit, unless the user names the encoding
(``encoding``, the command line's ``--encoding``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from cipp.model.errors import DataError, option
from cipp.model.limits import Limits

if TYPE_CHECKING:
    import mmap

#: A character of UTF-8 outside ASCII (two to four bytes, as RFC 3629 allows them).
UTF8_CHARACTER = re.compile(
    rb"[\xC2-\xDF][\x80-\xBF]|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}"
    rb"|\xED[\x80-\x9F][\x80-\xBF]|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}"
    rb"|\xF4[\x80-\x8F][\x80-\xBF]{2}"
)
_NON_ASCII = re.compile(rb"[\x80-\xFF]")

#: Names the messages use for the encodings cipp detects.
NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}


def where(data: bytes, offset: int, encoding: str = "latin-1") -> str:
    """'row N' (and 'line L' when a quoted line break makes them differ) of the byte at
    ``offset``: rows are CSV records, counted as the readers count them (header = 1)."""
    start = data.rfind(b"\n", 0, offset) + 1
    before = data[:start].decode(encoding, errors="replace")
    row = sum(1 for _ in csv.reader(io.StringIO(before, newline=""))) + 1
    line = before.count("\n") + 1
    return f"row {row}" if row == line else f"row {row} (line {line})"


def _shown(data: bytes, offset: int) -> str:
    return data[offset : offset + 4].hex(" ").upper()


def decode_given(path: Path, data: bytes, encoding: str) -> str:
    """The text in the encoding the user named; a byte that is not valid in it is an
    error naming its row."""
    text = data[3:] if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else data
    if data.startswith(codecs.BOM_UTF8) and text is not data:
        data = text
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DataError(
            f"{path}: {where(data, error.start)}: bytes {_shown(data, error.start)} are not "
            f"valid {encoding} ({option('encoding', encoding)})"
        ) from None


def decode_text(path: Path, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with (see the module
    docstring); ``encoding`` given skips detection."""
    if encoding is not None:
        return decode_given(path, data, encoding), encoding
    if data.startswith(codecs.BOM_UTF8):
        return decode_given(path, data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_given(path, data, "utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _NON_ASCII.search(data, 0, error.start):
            # UTF-8 text before the bad byte: the file is UTF-8 and this row is not.
            raise DataError(
                f"{path}: {where(data, error.start)}: bytes {_shown(data, error.start)} are "
                "not valid UTF-8, the encoding of the rows before it (mixed encodings); "
                f"give {option('encoding', 'NAME')} (e.g. cp1252) to read the whole file in one"
            ) from None
    check_single_byte(path, data)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def check_single_byte(path: Path, data: bytes | mmap.mmap) -> None:
    """Refuse a file read as Windows-1252 that holds UTF-8 characters too (a row written
    by another program), naming the first such row."""
    found = UTF8_CHARACTER.search(data)
    if found is None:
        return
    first = _NON_ASCII.search(data)
    raw = bytes(data[: found.start() + 4])
    at = first.start() if first is not None else found.start()
    raise DataError(
        f"{path}: {where(raw, found.start())}: bytes {_shown(raw, found.start())} are UTF-8 "
        f"text, while the file's first non-ASCII bytes ({where(raw, at)}) are Windows-1252 "
        f"(mixed encodings); give {option('encoding', 'NAME')} to read the whole file in one"
    )


class _Stop(Exception):
    """Parsing stopped: ``kind`` is "unclosed", "field", "line" or "other"."""

    def __init__(self, kind: str, row: int, line: int, message: str = "") -> None:
        super().__init__(message)
        self.kind, self.row, self.line, self.message = kind, row, line, message


def _parse(
    body: str, delimiter: str, limits: Limits, *, strict: bool
) -> tuple[list[list[str]], int]:
    """The records of ``body`` and the line the last one starts on (raises _Stop)."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, strict=strict)
    records: list[list[str]] = []
    start = last_start = 1
    try:
        for record in reader:
            if len(record) > 1 and sum(map(len, record)) + len(record) > limits.csv_line:
                raise _Stop("line", len(records) + 1, start)
            records.append(record)
            last_start, start = start, reader.line_num + 1
    except csv.Error as error:
        message = str(error)
        kind = (
            "unclosed"
            if "unexpected end of data" in message
            else "field"
            if "field larger than field limit" in message
            else "other"
        )
        if kind == "other" and reader.line_num > start:
            # A stray quote after a quoted field ran over line breaks: that field's
            # opening quote was never closed where it should have been (Excel doubles
            # every quote inside a field), so the rows after it were swallowed.
            kind = "unclosed"
        raise _Stop(kind, len(records) + 1, start, message) from None
    return records, last_start


def _ends_open(body: str, delimiter: str, limits: Limits, start_line: int) -> bool:
    """Whether the record starting on ``start_line`` runs to the end of the text inside
    a quoted field (the csv module's lenient mode accepts that silently)."""
    lines = io.StringIO(body, newline="")
    offset = sum(len(lines.readline()) for _ in range(start_line - 1))
    try:
        _parse(body[offset:], delimiter, limits, strict=True)
    except _Stop as stop:
        return stop.kind == "unclosed"
    return False


def _at(row: int, line: int) -> str:
    return f"row {row}" if row == line else f"row {row} (line {line})"


def parse_records(path: Path, body: str, delimiter: str, limits: Limits) -> list[list[str]]:
    """The CSV records of a decoded file, refusing what would garble them silently.

    A quoted field that is never closed swallows every later row into one value: it is
    an error naming the row where it starts (rows are records; the header is row 1).
    A field over ``csv_field`` or a record over ``csv_line`` characters is an error too.
    Other irregular quoting (a stray quote inside a quoted field) is read as Excel
    reads it.
    """
    previous = csv.field_size_limit(limits.csv_field)
    try:
        try:
            return _parse(body, delimiter, limits, strict=True)[0]
        except _Stop as stop:
            if stop.kind != "other":
                raise
        records, last_start = _parse(body, delimiter, limits, strict=False)
        if records and _ends_open(body, delimiter, limits, last_start):
            raise _Stop("unclosed", len(records), last_start)
        return records
    except _Stop as stop:
        raise DataError(f"{path}: {_at(stop.row, stop.line)}: {_problem(stop, limits)}") from None
    finally:
        csv.field_size_limit(previous)


def _problem(stop: _Stop, limits: Limits) -> str:
    if stop.kind == "unclosed":
        return (
            "a quoted field starts in this row and is never closed (a '\"' is missing), "
            "so the rows after it would be read into one value"
        )
    if stop.kind == "field":
        hint = limits.raise_hint("csv_field")
        return f"a field is longer than {limits.csv_field:,} characters {hint}"
    if stop.kind == "line":
        hint = limits.raise_hint("csv_line")
        return f"the record is longer than {limits.csv_line:,} characters {hint}"
    return f"not readable as CSV ({stop.message})"
