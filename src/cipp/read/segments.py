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
Windows-1252, as cipp.read.csvtext decides for the whole file; the delimiter
(``, ; tab |``) is the one the header line uses most.
Codes may be written as the codebook id or name. Moderator turns (``participant`` is
"moderator", any case) are left out of everything: quotes, counts and agreement.
A REFI-QDA ``.qdpx`` project is read by :mod:`cipp.read.refi` into the same rows.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cipp.model.coding import Application, Codebook, Coding, RawRow, Unit
from cipp.model.errors import DataError, option
from cipp.read.csvtext import decode_text, parse_records
from cipp.read.files import check_input
from cipp.read.settings import current

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
    check_input(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from None
    settings = current()
    text, _encoding = decode_text(path, data, settings.encoding)
    text = text.lstrip("\ufeff")
    records = parse_records(path, text, sniff_delimiter(text), settings.limits)
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

    from cipp.read.archive import check_workbook

    check_workbook(path)  # the limits, before openpyxl makes room for every cell
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
            f"{option('coder')} is only for files without one (Taguette)"
        )
    if missing:
        hint = f" (give the coder with {option('coder')})" if missing == ["coder"] else ""
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
    builder = _CodingBuilder(codebook)
    for row in rows:
        builder.add(row)
    return builder.coding(source=source, notes=notes)


@dataclass(frozen=True)
class _Checked:
    """A row that passed the checks: its unit and what its coder did to it."""

    unit: Unit
    coder: str
    code: str | None
    memo: str
    exemplar: bool


class _CodingBuilder:
    """Gathers units, applications and coders row by row, with every problem found."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.problems: list[str] = []
        self.units: dict[str, Unit] = {}
        self.unit_where: dict[str, str] = {}
        self.applications: dict[tuple[str, str, str | None], Application] = {}
        self.coders: list[str] = []
        self.moderator_rows = 0
        self.unknown_codes: dict[str, list[str]] = {}  # code as written -> where

    def add(self, row: RawRow) -> None:
        participant = _optional(row.values, "participant")
        if participant is not None and participant.casefold() == MODERATOR:
            self.moderator_rows += 1
            return
        checked = self._check(row)
        if checked is not None:
            self._add_unit(checked.unit, row)
            self._add_application(checked, row.where)

    def _check(self, row: RawRow) -> _Checked | None:
        """The row's unit and application, or None when the row has a problem."""
        values, before = row.values, len(self.problems)
        segment_id = values.get("segment_id", "").strip()
        if not segment_id:
            self.problems.append(
                f"{row.where}, column '{_column(row, 'segment_id')}': empty segment id"
            )
        coder = values.get("coder", "").strip()
        if not coder:
            self.problems.append(f"{row.where}, column '{_column(row, 'coder')}': empty coder")
        raw_code = values.get("code", "").strip()
        code = self._resolve(raw_code, values.get("code_guid"))
        if raw_code and code is None:
            where = f"{row.where}, column '{_column(row, 'code')}'"
            self.unknown_codes.setdefault(raw_code, []).append(where)
        start, end = _offsets(row, self.problems)
        exemplar = _exemplar(row, self.problems)
        if len(self.problems) > before or (raw_code and code is None):
            return None
        unit = Unit(
            segment_id=segment_id,
            document=values.get("document", "").strip(),
            text=values.get("text", "").strip(),
            group=_optional(values, "group"),
            session=_optional(values, "session"),
            participant=_optional(values, "participant"),
            start=start,
            end=end,
        )
        return _Checked(unit, coder, code, values.get("memo", "").strip(), exemplar)

    def _resolve(self, raw_code: str, guid: str | None) -> str | None:
        """The code's id; a REFI-QDA CodeRef's guid wins over the name."""
        if not raw_code:
            return None
        return (self.codebook.resolve(guid) if guid else None) or self.codebook.resolve(raw_code)

    def _add_unit(self, unit: Unit, row: RawRow) -> None:
        """Keep the first row's unit; later rows must agree on who said it where."""
        segment_id = unit.segment_id
        known = self.units.get(segment_id)
        if known is None:
            self.units[segment_id] = unit
            self.unit_where[segment_id] = row.where
            return
        for name in ("document", "group", "session", "participant"):
            if getattr(known, name) != getattr(unit, name):
                self.problems.append(
                    f"{row.where}, column '{_column(row, name)}': unit '{segment_id}' has "
                    f"{name} '{getattr(unit, name)}' but '{getattr(known, name)}' at "
                    f"{self.unit_where[segment_id]}"
                )
        if not known.text and unit.text:
            self.units[segment_id] = unit

    def _add_application(self, checked: _Checked, where: str) -> None:
        """One application per unit, coder and code: repeated rows merge memo and exemplar."""
        segment_id, coder, code = checked.unit.segment_id, checked.coder, checked.code
        if coder not in self.coders:
            self.coders.append(coder)
        exemplar, memo = checked.exemplar, checked.memo
        previous = self.applications.get((segment_id, coder, code))
        if previous is not None:
            exemplar = exemplar or previous.exemplar
            memo = previous.memo or memo
        self.applications[(segment_id, coder, code)] = Application(
            segment_id, coder, code, memo, exemplar, where
        )

    def _unknown_code_problems(self) -> list[str]:
        ids = [code.id for code in self.codebook.codes]
        book = f" {self.codebook.source}" if self.codebook.source else ""
        problems = []
        for raw_code, places in self.unknown_codes.items():
            hint = difflib.get_close_matches(raw_code, ids, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            more = f" and {len(places) - 1} more rows" if len(places) > 1 else ""
            problems.append(
                f"{places[0]}{more}: code '{raw_code}' is not in the codebook{book}{suggestion}"
            )
        return problems

    def coding(self, *, source: str, notes: Sequence[str]) -> Coding:
        """The coding of every row added; DataError listing every problem if any."""
        problems = self.problems + self._unknown_code_problems()
        if problems:
            raise DataError(_problems_message(source, problems))
        if not self.units:
            raise DataError(f"{source}: no coded segments (besides moderator turns)")
        extra = list(notes)
        if self.moderator_rows:
            extra.append(f"{self.moderator_rows} moderator rows were left out of quotes and counts")
        return Coding(
            units=tuple(self.units.values()),
            applications=tuple(self.applications.values()),
            coders=tuple(self.coders),
            sources=(source,),
            moderator_rows=self.moderator_rows,
            notes=tuple(extra),
        )


def _column(row: RawRow, name: str) -> str:
    """The column's header as written in the file (for messages)."""
    return row.headers.get(name, name)


def _optional(values: Mapping[str, str], name: str) -> str | None:
    return values.get(name, "").strip() or None


def _offsets(row: RawRow, problems: list[str]) -> tuple[int | None, int | None]:
    """The unit's start and end positions (None when not given)."""
    found: list[int | None] = []
    for name in ("start", "end"):
        text = _optional(row.values, name)
        try:
            found.append(None if text is None else int(float(text)))
        except ValueError:
            problems.append(f"{row.where}, column '{_column(row, name)}': '{text}' is not a number")
            found.append(None)
    return found[0], found[1]


def _exemplar(row: RawRow, problems: list[str]) -> bool:
    """Whether the coder marked the row as an exemplar quote."""
    values = row.values
    flag = values.get("exemplar", "").strip().lower()
    if flag in _TRUE:
        return True
    if flag not in _FALSE:
        problems.append(
            f"{row.where}, column '{_column(row, 'exemplar')}': '{values.get('exemplar')}' "
            "is not yes/no (use 1, yes, x or leave empty)"
        )
        return False
    # Exports without an exemplar column: a memo starting "exemplar".
    memo = values.get("memo", "").strip()
    return "exemplar" not in values and memo.lower().startswith("exemplar")


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
