"""Zip containers and workbook sheets checked against the limits before they are read.

An xlsx, ods or .qdpx file is a zip archive. Its central directory says how big each
member is unpacked, so a zip bomb (a 2 MB workbook that unpacks to gigabytes) is refused
from the directory alone: every member's unpacked size and the total against
``zip_size``, and each member's ratio of unpacked to packed size against ``zip_ratio``
(members up to :data:`RATIO_GRACE` bytes unpacked are exempt, as in Apache POI, which
this follows: a small member cannot bomb, and tiny ones compress very well).

A workbook's reader (calamine, under fastexcel; openpyxl for focus-group sheets) makes
room for every cell between the first and the last one that holds a value: one value in
XFD1048576 asks for 17 billion cells, about 512 GiB, and the process dies without a
message. :func:`check_workbook` streams each xlsx sheet's XML (bounded by the zip
limits) before it is loaded, and

- takes the sheet's extent from its ``<dimension>`` element, or, when the sheet is small
  (up to :data:`EXACT_BYTES` of XML), has none, or claims more than ``cells``, from its
  cells: those holding a value, as the readers count them; an extent over ``cells`` is
  refused, naming the range;
- counts formula cells without a saved value (written by a program that does not
  calculate, such as a script): the readers see them as blank, so they are reported.

A big sheet whose ``<dimension>`` understates its cells is not caught: checking every
cell of a 200 MB sheet would cost as much as reading it. ``.xlsb`` sheets are checked by
their dimension record; ``.ods`` files are bounded by calamine's own limit of 100
million cells; ``.xls`` files are not zip archives and are read as they are.
"""

from __future__ import annotations

import os
import posixpath
import re
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cipp.model.errors import CippError, DataError
from cipp.model.table import column_name
from cipp.read.settings import current_limits

#: The rows of a sheet in Excel (and so in any workbook a reader accepts).
MAX_ROWS = 1_048_576

#: Members up to this many bytes unpacked are not held to the compression ratio.
RATIO_GRACE = 1_000_000

#: Sheets with up to this many bytes of XML have their cells' extent checked cell by cell,
#: whatever their ``<dimension>`` says (about 50 ms of work).
EXACT_BYTES = 8_000_000

_CHUNK = 1 << 23
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")


class _Patterns:
    """The sheet XML's patterns for one namespace prefix (b"" or e.g. b"x:"): with the
    prefix known, each starts with a literal, which the regex engine finds fast."""

    def __init__(self, prefix: bytes) -> None:
        self.prefix = prefix
        p = re.escape(prefix)
        self.cell_starts = (b"<" + prefix + b"c ", b"<" + prefix + b"c>", b"<" + prefix + b"c/")
        self.closing = b"</" + prefix + b"c>"
        self.formula_start = b"<" + prefix + b"f"
        self.dimension = re.compile(
            b"<" + p + rb'dimension\s[^>]*?ref="([A-Z]{1,3})([0-9]{1,7})'
            rb'(?::([A-Z]{1,3})([0-9]{1,7}))?"'
        )
        self.cell_ref = re.compile(b"<" + p + rb'c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*(/?)>')
        self.cell_letters = re.compile(b"<" + p + rb'c r="([A-Z]{1,3})[0-9]')
        self.cell_rows = re.compile(b"<" + p + rb'c r="[A-Z]{1,3}([0-9]{1,7})"')
        self.empty_cell = re.compile(b"<" + p + rb"c\s[^>]*/>")
        self.token = re.compile(b"<" + p + rb"(row|c)\b([^>]*?)(/?)>")
        self.formula = re.compile(b"<" + p + rb"f[\s/>]")
        self.cell = re.compile(b"<" + p + rb"c\b[^>]*?(?<!/)>(.*?)</" + p + b"c>", re.S)
        self.value = re.compile(b"<" + p + rb"(?:v>[^<]|is[\s>])")
        self._probes: dict[int, re.Pattern[bytes]] = {}

    @staticmethod
    def of(head: bytes) -> _Patterns:
        """The patterns of the sheet whose XML starts with ``head``."""
        root = _ROOT.search(head)
        return _Patterns((root.group(1) or b"") if root is not None else b"")

    def probe(self, widest: int) -> re.Pattern[bytes]:
        """Finds a cell in a column beyond ``widest`` (1-based), or one whose first
        attribute is not ``r`` (its column then depends on the cells before it)."""
        if widest not in self._probes:
            start = b"<" + re.escape(self.prefix) + b"c"
            no_ref = rb'(?! r=")[\s>/]'
            if widest >= 16384:
                pattern = start + no_ref
            else:
                beyond = _letters_beyond(column_name(widest - 1, spreadsheet=True))
                pattern = start + b"(?:" + no_ref + rb'| r="(?:' + beyond + rb")[0-9])"
            self._probes[widest] = re.compile(pattern)
        return self._probes[widest]


def _letters_beyond(last: str) -> bytes:
    """A pattern for the column letters after ``last`` ("CQ": CR-CZ, DA-ZZ, AAA-ZZZ)."""
    options = [f"[A-Z]{{{len(last) + 1},3}}"] if len(last) < 3 else []
    for position, letter in enumerate(last):
        if letter != "Z":
            rest = len(last) - position - 1
            following = f"[A-Z]{{{rest}}}" if rest else ""
            options.append(f"{last[:position]}[{chr(ord(letter) + 1)}-Z]{following}")
    return "|".join(options).encode()


_R = re.compile(rb'\br="([A-Z]{0,3})([0-9]{0,7})"')


def check_zip(path: Path, archive: zipfile.ZipFile, error: type[CippError] = DataError) -> None:
    """Refuse an archive whose members unpack to more than the limits allow."""
    limits = current_limits()
    total = 0
    for info in archive.infolist():
        size = info.file_size
        total += size
        if size > limits.zip_size:
            found = f"member '{info.filename}' unpacks to {size:,} bytes"
            raise error(f"{path}: {limits.exceeded('zip_size', found)}")
        ratio = size / max(info.compress_size, 1)
        if size > RATIO_GRACE and ratio > limits.zip_ratio:
            found = (
                f"member '{info.filename}' unpacks {ratio:,.0f} times its packed size "
                f"({info.compress_size:,} to {size:,} bytes; a zip bomb?)"
            )
            raise error(f"{path}: {limits.exceeded('zip_ratio', found)}")
    if total > limits.zip_size:
        found = f"its members unpack to {total:,} bytes together"
        raise error(f"{path}: {limits.exceeded('zip_size', found)}")


def open_zip(
    path: Path, error: type[CippError] = DataError, what: str = "a zip archive"
) -> zipfile.ZipFile:
    """The archive at ``path``, its members checked by :func:`check_zip`."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except (zipfile.BadZipFile, OSError):
        raise error(f"{path}: not {what}") from None
    try:
        check_zip(path, archive, error)
    except BaseException:
        archive.close()
        raise
    return archive


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class _Extent:
    """The rows and columns (1-based) between the first and the last cell with a value."""

    first_row: int = 0
    last_row: int = 0
    first_column: int = 0
    last_column: int = 0

    def add(self, rows: tuple[int, int], columns: tuple[int, int]) -> None:
        if not self.first_row:
            self.first_row, self.last_row = rows
            self.first_column, self.last_column = columns
            return
        self.first_row = min(self.first_row, rows[0])
        self.last_row = max(self.last_row, rows[1])
        self.first_column = min(self.first_column, columns[0])
        self.last_column = max(self.last_column, columns[1])

    @property
    def cells(self) -> int:
        if not self.first_row:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_column - self.first_column + 1)

    def describe(self) -> str:
        first = f"{column_name(self.first_column - 1, spreadsheet=True)}{self.first_row}"
        last = f"{column_name(self.last_column - 1, spreadsheet=True)}{self.last_row}"
        rows = self.last_row - self.first_row + 1
        columns = self.last_column - self.first_column + 1
        size = f"{rows:,} rows x {columns:,} columns = {self.cells:,} cells"
        return f"its cells span {first}:{last} ({size})"


def _dimension(head: bytes, patterns: _Patterns) -> _Extent | None:
    match = patterns.dimension.search(head)
    if match is None:
        return None
    first_column, first_row = _column_number(match.group(1)), int(match.group(2))
    last_column = _column_number(match.group(3)) if match.group(3) else first_column
    last_row = int(match.group(4)) if match.group(4) else first_row
    extent = _Extent()
    extent.add((first_row, last_row), (first_column, last_column))
    return extent


class _CellWalker:
    """Follows rows and cells through chunks of a sheet's XML, for cells without ``r``."""

    def __init__(self, patterns: _Patterns) -> None:
        self.patterns = patterns
        self.row = 0
        self.column = 0

    def walk(self, data: bytes, extent: _Extent) -> None:
        for match in self.patterns.token.finditer(data):
            kind, attributes, closed = match.groups()
            ref = _R.search(attributes)
            if kind == b"row":
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.column = 0
                continue
            if ref and ref.group(1):
                self.column = _column_number(ref.group(1))
                if ref.group(2):
                    self.row = int(ref.group(2))
            else:
                self.column += 1
            if not closed:
                extent.add((self.row, self.row), (self.column, self.column))

    def add(self, data: bytes, extent: _Extent) -> None:
        """Add the cells with a value in ``data`` (whole cells) to ``extent``."""
        found = self.patterns.cell_ref.findall(data)
        if len(found) != sum(data.count(start) for start in self.patterns.cell_starts):
            self.walk(data, extent)  # some cell lacks a leading r attribute
            return
        valued = [(letters, digits) for letters, digits, closed in found if not closed]
        if not valued:
            return
        rows = [int(digits) for digits in {digits for _, digits in valued}]
        columns = [_column_number(letters) for letters in {letters for letters, _ in valued}]
        extent.add((min(rows), max(rows)), (min(columns), max(columns)))
        self.row, self.column = int(valued[-1][1]), _column_number(valued[-1][0])


def _formulas_without_value(data: bytes, patterns: _Patterns) -> int:
    if patterns.formula_start not in data or patterns.formula.search(data) is None:
        return 0
    return sum(
        1
        for cell in patterns.cell.finditer(data)
        if patterns.formula.search(cell.group(1)) and not patterns.value.search(cell.group(1))
    )


def _chunks(archive: zipfile.ZipFile, member: str) -> Iterator[tuple[bytes, _Patterns]]:
    """The member's XML in pieces that end after a whole cell, with the patterns of the
    sheet's namespace prefix."""
    tail = b""
    patterns: _Patterns | None = None
    with archive.open(member) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if patterns is None:
                patterns = _Patterns.of(chunk)
            if not chunk:
                if tail:
                    yield tail, patterns
                return
            data = tail + chunk if tail else chunk
            cut = data.rfind(patterns.closing)
            if cut < 0:
                tail = data
                continue
            cut += len(patterns.closing)
            tail = data[cut:]
            yield data[:cut], patterns


@dataclass(frozen=True)
class SheetCheck:
    """What checking a sheet found: formula cells without a saved value."""

    formulas_without_value: int = 0


class _TooWide(Exception):
    """A cell beyond the columns the probe allows, or one without a leading ``r``: the
    sheet is checked again cell by cell."""


def _scan(path: Path, name: str, member: str, mode: str) -> SheetCheck:
    """Read a sheet's XML once: count formula cells without a saved value and, by
    ``mode``, nothing more ("formulas"), probe every cell's column ("probe": columns
    within ``cells`` / 1,048,576 cannot exceed the limit whatever the rows), or follow
    every cell ("exact")."""
    extent = _Extent()
    formulas = 0
    with zipfile.ZipFile(path) as archive:
        walker: _CellWalker | None = None
        for data, patterns in _chunks(archive, member):
            walker = walker or _CellWalker(patterns)
            formulas += _formulas_without_value(data, patterns)
            if mode == "probe" and patterns.probe(cell_ceiling() // MAX_ROWS).search(data):
                raise _TooWide
            if mode == "exact":
                walker.add(data, extent)
                check_cells(f"{path}, sheet '{name}'", extent.cells, extent.describe())
    return SheetCheck(formulas)


def _scan_checked(path: Path, name: str, member: str, mode: str) -> SheetCheck:
    try:
        try:
            return _scan(path, name, member, mode)
        except _TooWide:
            return _scan(path, name, member, "exact")
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as problem:
        raise DataError(f"{path}, sheet '{name}': cannot be read ({problem})") from None


class PendingCheck:
    """A sheet's check: its limits already checked; :meth:`result` gives what the rest of
    the check found, waiting for it when it runs beside the reader."""

    def __init__(self, done: SheetCheck | None = None) -> None:
        self._done = done
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def run_beside(self, *args: str | Path) -> PendingCheck:
        def work() -> None:
            try:
                self._done = _scan_checked(*args)  # type: ignore[arg-type]
            except BaseException as error:  # handed to the caller by result()
                self._error = error

        self._thread = threading.Thread(target=work, name="cipp-sheet-check", daemon=True)
        self._thread.start()
        return self

    def result(self) -> SheetCheck:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._done or SheetCheck()


#: What one cell of a sheet costs the spreadsheet reader in memory, at least (calamine's
#: cell value is 24 to 32 bytes); a used range that would need more than the machine has
#: is refused whatever ``--limits`` allows, rather than the reader aborting the process.
BYTES_PER_CELL = 24


def _memory_bytes() -> int | None:
    """This machine's physical memory (None where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def cell_ceiling() -> int:
    """The most cells a sheet may have: the ``cells`` limit, or what this machine's
    memory can hold if that is fewer."""
    memory = _memory_bytes()
    limit = current_limits().cells
    return limit if memory is None else min(limit, memory // BYTES_PER_CELL)


def check_cells(where: str, cells: int, found: str) -> None:
    """Refuse a sheet whose used range is over the ``cells`` limit, or one too big for
    this machine's memory to read (an abort of the reader has no message)."""
    limits = current_limits()
    if cells > limits.cells:
        raise DataError(f"{where}: {limits.exceeded('cells', found)}")
    memory = _memory_bytes()
    if memory is not None and cells * BYTES_PER_CELL > memory:
        raise DataError(
            f"{where}: {found}; reading it would take more than this machine's "
            f"{memory / 2**30:,.1f} GiB of memory"
        )


def _head(archive: zipfile.ZipFile, member: str) -> bytes:
    with archive.open(member) as stream:
        return stream.read(65536)


def begin_sheet_check(path: Path, name: str, member: str, archive: zipfile.ZipFile) -> PendingCheck:
    """Check a sheet's extent now; count its formula cells now or beside the reader.

    A sheet whose ``<dimension>`` is within :func:`cell_ceiling` and whose XML is over
    :data:`EXACT_BYTES` is counted in a thread while the caller loads it (the readers
    release the interpreter lock); any other is scanned before it is loaded.
    """
    where = f"{path}, sheet '{name}'"
    if member.lower().endswith(".bin"):
        dimension = _xlsb_dimension(_head(archive, member))
        if dimension is not None:
            check_cells(where, dimension.cells, dimension.describe())
        return PendingCheck(SheetCheck())
    head = _head(archive, member)
    dimension = _dimension(head, _Patterns.of(head))
    size = archive.getinfo(member).file_size
    ceiling = cell_ceiling()
    if dimension is not None and dimension.cells <= ceiling and size > EXACT_BYTES:
        return PendingCheck().run_beside(path, name, member, "formulas")
    # Otherwise the scan finds the real extent (a <dimension> can overstate it).
    wide_enough = ceiling // MAX_ROWS >= 1 and size > EXACT_BYTES
    return PendingCheck(_scan_checked(path, name, member, "probe" if wide_enough else "exact"))


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the archive member holding its XML, from the workbook's parts."""
    import defusedxml.ElementTree as SafeET

    def local(tag: object) -> str:
        return str(tag).rsplit("}", 1)[-1]

    try:
        workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
        relations = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, Exception):
        return {}
    targets = {
        element.get("Id", ""): element.get("Target", "")
        for element in relations.iter()
        if local(element.tag) == "Relationship"
    }
    members: dict[str, str] = {}
    names = {info.filename.lower(): info.filename for info in archive.infolist()}
    for element in workbook.iter():
        if local(element.tag) != "sheet":
            continue
        ident = next((v for k, v in element.attrib.items() if local(k) == "id"), "")
        target = targets.get(ident, "")
        if not target:
            continue
        full = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join("xl", target))
        )
        if full.lower() in names:
            members[element.get("name", "")] = names[full.lower()]
    return members


_XLSB_DIMENSION = 0x94


def _xlsb_dimension(data: bytes) -> _Extent | None:
    """The BrtWsDim record near the start of an xlsb sheet (MS-XLSB 2.4.905)."""
    position = 0
    for _ in range(64):
        kind = 0
        for shift in (0, 7):
            if position >= len(data):
                return None
            byte = data[position]
            position += 1
            kind |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
        size = 0
        for shift in (0, 7, 14, 21):
            if position >= len(data):
                return None
            byte = data[position]
            position += 1
            size |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
        if kind == _XLSB_DIMENSION and size >= 16 and position + 16 <= len(data):
            first_row, last_row, first_column, last_column = (
                int.from_bytes(data[position + k : position + k + 4], "little")
                for k in (0, 4, 8, 12)
            )
            extent = _Extent()
            extent.add((first_row + 1, last_row + 1), (first_column + 1, last_column + 1))
            return extent
        position += size
    return None


def check_sheets(path: Path, sheets: list[str] | None = None) -> dict[str, PendingCheck]:
    """Check a workbook's zip members, then the named sheets (all when None) before they
    are read: each sheet's check, whose :meth:`PendingCheck.result` gives its formula
    cells without a saved value.

    Files that are not zip archives (.xls) are left to their reader.
    """
    path = Path(path)
    if not zipfile.is_zipfile(path):
        return {}
    with open_zip(path, DataError, "a readable workbook") as archive:
        members = _sheet_members(archive)
        named = bool(members)
        if not named:
            # No sheet names to go by (an .xlsb's workbook part is binary): every
            # worksheet part is checked, whichever sheet is asked for.
            members = {
                posixpath.basename(info.filename).rsplit(".", 1)[0]: info.filename
                for info in archive.infolist()
                if info.filename.lower().startswith("xl/worksheets/")
                and info.filename.lower().endswith((".xml", ".bin"))
            }
        checks: dict[str, PendingCheck] = {}
        for name, member in members.items():
            if sheets is None or name in sheets or (not named and sheets):
                try:
                    checks[name] = begin_sheet_check(path, name, member, archive)
                except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as problem:
                    raise DataError(f"{path}, sheet '{name}': cannot be read ({problem})") from None
    return checks


def check_workbook(path: Path, sheets: list[str] | None = None) -> dict[str, SheetCheck]:
    """:func:`check_sheets`, waiting for each sheet's result."""
    return {name: check.result() for name, check in check_sheets(path, sheets).items()}


def formula_note(path: Path, name: str, check: SheetCheck) -> str | None:
    """The note for a sheet's formula cells without a saved value, if any."""
    count = check.formulas_without_value
    if not count:
        return None
    cells, are = (
        ("1 formula cell has", "it is")
        if count == 1
        else (f"{count:,} formula cells have", "they are")
    )
    return (
        f"{path}, sheet '{name}': {cells} no saved value (the file was written by a program "
        f"that does not calculate), so {are} read as blank; open and save the file in a "
        "spreadsheet program to calculate them."
    )
