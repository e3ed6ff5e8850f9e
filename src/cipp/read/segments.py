"""Coded segments: one row per code applied to one unit by one coder.

Columns (CSV or xlsx): ``segment_id, document, text, code, coder`` are required;
``group, session, participant, start, end, memo, exemplar`` are optional. A unit that a
coder read but left uncoded has a row with an empty ``code``, so absence is known; a
unit with no row at all for a coder counts as *missing* for that coder.

Headers of common tools' exports are read unchanged (matched ignoring case, spaces,
hyphens and underscores):

- QualCoder: ``File, Coder, Coded, Id, Codename, Coded_Memo`` (and ``Pos0, Pos1``);
- Taguette: ``id, document, tag, content`` (no coder column: give the coder);
- requal: ``doc_name, segment_start, segment_end, code_name, segment_text,
  user_name`` (no id column: a unit is ``document:start-end``).

CSV files are decoded as UTF-8 (with or without BOM), UTF-16 (with BOM), then
Windows-1252; the delimiter (``, ; tab |``) is the one the header line uses most.
Codes may be written as the codebook id or name. Moderator turns (``participant`` is
"moderator", any case) are left out of everything: quotes, counts and agreement.
A REFI-QDA ``.qdpx`` project is read by :mod:`cipp.read.refi` into the same rows.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from cipp.model.coding import Application, Codebook, Coding, RawRow, Unit
from cipp.model.errors import DataError

COLUMNS: tuple[str, ...] = (
    "segment_id",
    "document",
    "text",
    "code",
    "coder",
    "group",
    "session",
    "participant",
    "start",
    "end",
    "memo",
    "exemplar",
)
REQUIRED: tuple[str, ...] = ("segment_id", "document", "text", "code", "coder")

#: Header aliases (normalised: lower case, spaces and hyphens as underscores).
ALIASES: dict[str, tuple[str, ...]] = {
    "segment_id": ("segment_id", "segmentid", "id", "unit_id", "unit"),
    "document": ("document", "file", "doc_name", "document_name", "source"),
    "text": ("text", "coded", "segment_text", "content", "coded_text"),
    "code": ("code", "codename", "code_name", "tag"),
    "coder": ("coder", "user_name", "coder_name", "user"),
    "group": ("group",),
    "session": ("session", "fgd", "focus_group"),
    "participant": ("participant", "speaker"),
    "start": ("start", "segment_start", "pos0", "start_position"),
    "end": ("end", "segment_end", "pos1", "end_position"),
    "memo": ("memo", "coded_memo"),
    "exemplar": ("exemplar",),
}
MODERATOR = "moderator"
_TRUE = {"1", "yes", "y", "true", "x", "exemplar", "*"}
_FALSE = {"", "0", "no", "n", "false"}
MAX_LISTED = 12  # problems listed in one message before "and N more"


def _norm_header(header: str) -> str:
    return "_".join(str(header).strip().lower().replace("-", " ").split())


def map_headers(headers: Sequence[str]) -> dict[str, int]:
    """Canonical column -> position in ``headers``; exact names win over aliases."""
    normal = [_norm_header(header) for header in headers]
    mapping: dict[str, int] = {}
    for canonical, aliases in ALIASES.items():
        for alias in aliases:
            if alias in normal and normal.index(alias) not in mapping.values():
                mapping[canonical] = normal.index(alias)
                break
    return mapping


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file: UTF-16 with BOM, UTF-8 (BOM optional), else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most among ``, ; tab |`` (comma if none)."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t", "|")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Headers and (row number, cells) of a CSV/TSV or xlsx file; blank rows skipped."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from None
    text, _encoding = decode_bytes(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise DataError(f"{path}: not a readable CSV file ({error})") from None
    if not records:
        raise DataError(f"{path}: the file is empty")
    headers = [cell.strip() for cell in records[0]]
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return headers, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise DataError(f"{path}: not a readable xlsx workbook ({error})") from None
    try:
        sheet = workbook.worksheets[0]
        table = [
            (number, [_cell_text(value) for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    table = [(number, cells) for number, cells in table if any(cells)]
    if not table:
        raise DataError(f"{path}: the first sheet is empty")
    return [cell.strip() for cell in table[0][1]], table[1:]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def raw_rows(path: Path, *, coder: str | None = None) -> list[RawRow]:
    """Rows of a segment file with canonical column names (aliases applied)."""
    headers, records = read_table(path)
    mapping = map_headers(headers)
    missing = [column for column in REQUIRED if column not in mapping]
    if "segment_id" in missing and {"document", "start", "end"} <= mapping.keys():
        missing.remove("segment_id")  # requal: a unit is document:start-end
    if "coder" in missing and coder:
        missing.remove("coder")
    elif coder and "coder" in mapping:
        raise DataError(
            f"{path}: the file has a coder column ('{headers[mapping['coder']]}'); "
            "`coder` is only for files without one (Taguette)"
        )
    if missing:
        hint = " (give the coder with `coder`)" if missing == ["coder"] else ""
        raise DataError(
            f"{path}: missing column(s) {', '.join(missing)}{hint}; found: {', '.join(headers)}"
        )
    rows: list[RawRow] = []
    names = {canonical: headers[index] for canonical, index in mapping.items()}
    for number, cells in records:
        values = {
            canonical: (cells[index].strip() if index < len(cells) else "")
            for canonical, index in mapping.items()
        }
        if "coder" not in mapping and coder:
            values["coder"] = coder
        if "segment_id" not in mapping:
            values["segment_id"] = f"{values['document']}:{values['start']}-{values['end']}"
        rows.append(RawRow(where=f"row {number}", values=values, headers=names))
    return rows


def _problems_message(source: str, problems: list[str]) -> str:
    shown = problems[:MAX_LISTED]
    more = f"; and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return f"{source}: " + "; ".join(shown) + more


def build_coding(
    rows: Iterable[RawRow], codebook: Codebook, *, source: str, notes: Sequence[str] = ()
) -> Coding:
    """Check raw rows against the codebook and build a :class:`Coding`.

    Every problem (code not in the codebook, bad exemplar or offset, empty coder,
    conflicting unit details) is reported at once, naming file, row, column and value.
    """
    problems: list[str] = []
    units: dict[str, Unit] = {}
    unit_where: dict[str, str] = {}
    applications: dict[tuple[str, str, str | None], Application] = {}
    coders: list[str] = []
    moderator_rows = 0
    unknown_codes: dict[str, list[str]] = {}
    for row in rows:
        values = row.values

        def column(name: str, row: RawRow = row) -> str:
            return row.headers.get(name, name)

        def opt(name: str, values: Mapping[str, str] = values) -> str | None:
            return values.get(name, "").strip() or None

        participant = opt("participant")
        if participant is not None and participant.casefold() == MODERATOR:
            moderator_rows += 1
            continue
        before = len(problems)
        segment_id = values.get("segment_id", "").strip()
        if not segment_id:
            problems.append(f"{row.where}, column '{column('segment_id')}': empty segment id")
        coder = values.get("coder", "").strip()
        if not coder:
            problems.append(f"{row.where}, column '{column('coder')}': empty coder")
        raw_code = values.get("code", "").strip()
        code: str | None = None
        if raw_code:
            guid = values.get("code_guid")  # REFI-QDA CodeRef: the guid wins over the name
            code = (codebook.resolve(guid) if guid else None) or codebook.resolve(raw_code)
            if code is None:
                unknown_codes.setdefault(raw_code, []).append(
                    f"{row.where}, column '{column('code')}'"
                )
        offsets: list[int | None] = []
        for name in ("start", "end"):
            text = opt(name)
            try:
                offsets.append(None if text is None else int(float(text)))
            except ValueError:
                problems.append(f"{row.where}, column '{column(name)}': '{text}' is not a number")
                offsets.append(None)
        flag = values.get("exemplar", "").strip().lower()
        exemplar = False
        memo = values.get("memo", "").strip()
        if flag in _TRUE:
            exemplar = True
        elif flag not in _FALSE:
            problems.append(
                f"{row.where}, column '{column('exemplar')}': '{values.get('exemplar')}' "
                "is not yes/no (use 1, yes, x or leave empty)"
            )
        elif "exemplar" not in values and memo.lower().startswith("exemplar"):
            exemplar = True  # exports without an exemplar column: a memo starting "exemplar"
        if len(problems) > before or (raw_code and code is None):
            continue
        unit = Unit(
            segment_id=segment_id,
            document=values.get("document", "").strip(),
            text=values.get("text", "").strip(),
            group=opt("group"),
            session=opt("session"),
            participant=participant,
            start=offsets[0],
            end=offsets[1],
        )
        known = units.get(segment_id)
        if known is None:
            units[segment_id] = unit
            unit_where[segment_id] = row.where
        else:
            for name in ("document", "group", "session", "participant"):
                if getattr(known, name) != getattr(unit, name):
                    problems.append(
                        f"{row.where}, column '{column(name)}': unit '{segment_id}' has "
                        f"{name} '{getattr(unit, name)}' but '{getattr(known, name)}' at "
                        f"{unit_where[segment_id]}"
                    )
            if not known.text and unit.text:
                units[segment_id] = unit
        if coder not in coders:
            coders.append(coder)
        key = (segment_id, coder, code)
        previous = applications.get(key)
        if previous is not None:
            exemplar = exemplar or previous.exemplar
            memo = previous.memo or memo
        applications[key] = Application(segment_id, coder, code, memo, exemplar, row.where)
    for raw_code, places in unknown_codes.items():
        hint = difflib.get_close_matches(raw_code, [code.id for code in codebook.codes], n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        more = f" and {len(places) - 1} more rows" if len(places) > 1 else ""
        book = f" {codebook.source}" if codebook.source else ""
        problems.append(
            f"{places[0]}{more}: code '{raw_code}' is not in the codebook{book}{suggestion}"
        )
    if problems:
        raise DataError(_problems_message(source, problems))
    if not units:
        raise DataError(f"{source}: no coded segments (besides moderator turns)")
    extra = list(notes)
    if moderator_rows:
        extra.append(f"{moderator_rows} moderator rows were left out of quotes and counts")
    return Coding(
        units=tuple(units.values()),
        applications=tuple(applications.values()),
        coders=tuple(coders),
        sources=(source,),
        moderator_rows=moderator_rows,
        notes=tuple(extra),
    )


def merge_codings(codings: Sequence[Coding]) -> Coding:
    """Several segment files as one coding (e.g. one Taguette export per coder)."""
    if len(codings) == 1:
        return codings[0]
    units: dict[str, Unit] = {}
    for coding in codings:
        for unit in coding.units:
            known = units.setdefault(unit.segment_id, unit)
            if (known.document, known.participant) != (unit.document, unit.participant):
                raise DataError(
                    f"unit '{unit.segment_id}' is {unit.document}/{unit.participant} in "
                    f"{coding.sources[0]} but {known.document}/{known.participant} elsewhere"
                )
    coders: list[str] = []
    for coding in codings:
        coders.extend(coder for coder in coding.coders if coder not in coders)
    return Coding(
        units=tuple(units.values()),
        applications=tuple(row for coding in codings for row in coding.applications),
        coders=tuple(coders),
        sources=tuple(source for coding in codings for source in coding.sources),
        moderator_rows=sum(coding.moderator_rows for coding in codings),
        notes=tuple(note for coding in codings for note in coding.notes),
    )


def read_segments(
    paths: str | Path | Sequence[str | Path],
    codebook: Codebook,
    *,
    coders: Sequence[str] | None = None,
) -> Coding:
    """Read one or more segment files (CSV, TSV, xlsx or REFI-QDA .qdpx) as one Coding.

    ``coders`` names the coder of each file that has no coder column (Taguette), in
    file order; one name is used for every such file.
    """
    items = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    if not items:
        raise DataError("no segment file given")
    names = list(coders or [])
    if len(names) > 1 and len(names) != len(items):
        raise DataError(f"{len(names)} coder names for {len(items)} segment files")
    codings = []
    for index, path in enumerate(items):
        coder = names[index] if len(names) > 1 else (names[0] if names else None)
        if path.suffix.lower() == ".qdpx":
            from cipp.read.refi import read_qdpx_rows  # defusedxml only for a project

            rows, notes = read_qdpx_rows(path)
            codings.append(build_coding(rows, codebook, source=str(path), notes=notes))
        else:
            rows = raw_rows(path, coder=coder)
            codings.append(build_coding(rows, codebook, source=str(path)))
    return merge_codings(codings)
