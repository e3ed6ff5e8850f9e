"""REFI-QDA exchange files: a ``.qdc`` codebook and a ``.qdpx`` project.

REFI-QDA (www.qdasoftware.org) is what NVivo, ATLAS.ti, MAXQDA and QualCoder export.
Elements are matched by local name, since tools write other namespace versions than
``urn:QDA-XML:codebook:1.0`` / ``urn:QDA-XML:project:1.0``, and parsed with defusedxml,
which refuses entity expansion and external references.

``.qdc`` (root ``CodeBook``): a top-level ``Code`` with ``isCodable="false"`` is a theme,
the codable codes below it (any depth) are its codes. A top-level codable code with
codable children becomes a theme that also holds itself as a code; top-level codable
codes without children go to a theme ``ungrouped``. Components and valences are left
empty for the user to fill (``cipp validate`` lists them).

``.qdpx`` (a zip with one ``.qde`` file and a ``sources/`` or ``Sources/`` folder): every
``TextSource/PlainTextSelection[@startPosition, @endPosition]`` is a unit, its text
sliced from the source (BOM stripped, line endings normalised to ``\\n`` before slicing);
each ``Coding[@creatingUser]/CodeRef[@targetGUID]`` is one row; the coder is the
``Users/User`` name. A selection with no ``Coding`` is a unit its ``creatingUser`` read
and left uncoded. Selections with the same source and span are one unit, whose id is the
selection's ``name`` (else ``document:start-end``). The selection's ``Description`` is
the memo (one starting with "exemplar" marks an exemplar quote). ``group``, ``session``
and ``participant`` come from ``VariableValue`` of the source and of the ``Case`` that
holds the selection (``SelectionRef``) or its source (``SourceRef``); without a
``participant`` variable the case name is the participant.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET

from cipp.model.coding import Code, Codebook, RawRow, Theme
from cipp.model.errors import DataError, InstrumentError
from cipp.read.archive import open_zip
from cipp.read.files import check_input, unsafe_xml

_VARIABLES = ("group", "session", "participant")


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text_of(element: Element | None) -> str:
    return "" if element is None or element.text is None else element.text.strip()


def _parse_xml(data: bytes, where: str, error_type: type[DataError | InstrumentError]) -> Element:
    try:
        root: Element = SafeET.fromstring(data)
    except ParseError as error:
        raise error_type(f"{where}: malformed XML ({error})") from None
    except defusedxml.DefusedXmlException as error:
        raise error_type(f"{where}: refused unsafe XML: it holds {unsafe_xml(error)}") from None
    return root


# --- .qdc codebook --------------------------------------------------------------------


def _slug(name: str) -> str:
    slug = re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")
    return slug or "code"


class _Ids:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, name: str) -> str:
        base = _slug(name)
        ident, number = base, 2
        while ident in self.used:
            ident, number = f"{base}_{number}", number + 1
        self.used.add(ident)
        return ident


def _codable(element: Element) -> bool:
    return element.get("isCodable", "true").strip().lower() in ("true", "1")


def read_qdc(path: str | Path) -> tuple[Codebook, list[str]]:
    """Read a REFI-QDA codebook (``.qdc``, or the codebook of a ``.qdpx``) as a seed.

    Returns the codebook (components and valences empty) and notes on how the code
    tree was flattened. Raises InstrumentError for unreadable or malformed files.
    """
    path = Path(path)
    check_input(path, InstrumentError)
    try:
        if path.suffix.lower() == ".qdpx":
            member, data = _qde_bytes(path, InstrumentError)
            where = f"{path}: {member}"
        else:
            data, where = path.read_bytes(), str(path)
    except FileNotFoundError:
        raise InstrumentError(f"{path}: file not found") from None
    except OSError as error:
        raise InstrumentError(f"{path}: cannot read ({error.strerror})") from None
    root = _parse_xml(data, where, InstrumentError)
    if _local(root.tag) == "Project":
        book = _child(root, "CodeBook")
        if book is None:
            raise InstrumentError(f"{where}: the project has no CodeBook")
        root = book
    if _local(root.tag) != "CodeBook":
        raise InstrumentError(f"{where}: root element is {_local(root.tag)}, not CodeBook")
    codes_element = _child(root, "Codes")
    top = _children(codes_element, "Code") if codes_element is not None else []
    if not top:
        raise InstrumentError(f"{where}: the codebook holds no codes")
    ids = _Ids()
    notes: list[str] = []
    themes: list[Theme] = []
    ungrouped: list[Element] = []
    for element in top:
        name = element.get("name", "").strip() or "unnamed"
        descendants = [node for node in element.iter() if node is not element]
        coded = [node for node in descendants if _local(node.tag) == "Code" and _codable(node)]
        if _codable(element) and not coded:
            ungrouped.append(element)
            continue
        theme_id = ids.make(name)
        members = ([element] if _codable(element) else []) + coded
        if not members:
            notes.append(f"theme '{name}' has no codable codes and was left out")
            continue
        nested = any(
            _local(node.tag) == "Code" and not _codable(node) for node in descendants
        ) or any(_child(node, "Code") is not None for node in coded)
        if nested:
            notes.append(f"theme '{name}': nested codes were flattened into the theme")
        themes.append(
            Theme(
                id=theme_id,
                name=name,
                component=None,
                valence=None,
                codes=tuple(_qdc_code(node, theme_id, ids) for node in members),
                description=_text_of(_child(element, "Description")),
                guid=element.get("guid"),
            )
        )
    if ungrouped:
        theme_id = ids.make("ungrouped")
        themes.append(
            Theme(
                id=theme_id,
                name="Codes not under a theme",
                component=None,
                valence=None,
                codes=tuple(_qdc_code(node, theme_id, ids) for node in ungrouped),
            )
        )
        notes.append(f"{len(ungrouped)} top-level codes were put in theme '{theme_id}'")
    origin = root.get("origin", "").strip()
    return (
        Codebook(
            themes=tuple(themes),
            title=f"Codebook from {path.name}" + (f" ({origin})" if origin else ""),
            source=str(path),
        ),
        notes,
    )


def _qdc_code(element: Element, theme_id: str, ids: _Ids) -> Code:
    name = element.get("name", "").strip() or "unnamed"
    return Code(
        id=ids.make(name),
        name=name,
        theme=theme_id,
        definition=_text_of(_child(element, "Description")),
        guid=element.get("guid"),
    )


# --- .qdpx project --------------------------------------------------------------------


def _qde_bytes(
    path: Path, error_type: type[DataError | InstrumentError] = DataError
) -> tuple[str, bytes]:
    # Every member's unpacked size and compression ratio is checked first: a project
    # that unpacks to gigabytes is refused before any of it is read.
    archive = open_zip(path, error_type, "a REFI-QDA project (.qdpx is a zip archive)")
    with archive:
        members = [name for name in archive.namelist() if name.lower().endswith(".qde")]
        if len(members) != 1:
            found = "no .qde file" if not members else f"{len(members)} .qde files"
            raise error_type(f"{path}: a REFI-QDA project holds one .qde file, found {found}")
        try:
            return members[0], archive.read(members[0])
        except (zipfile.BadZipFile, OSError, RuntimeError) as error:
            raise error_type(f"{path}: cannot read {members[0]} ({error})") from None


def normalise_text(raw: bytes | str) -> str:
    """Source text as positions count it: BOM stripped, CR LF and CR turned into LF."""
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class _Case:
    name: str
    variables: dict[str, str] = field(default_factory=dict)


def _variable_values(element: Element, variables: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for value in _children(element, "VariableValue"):
        ref = _child(value, "VariableRef")
        name = variables.get(ref.get("targetGUID", "") if ref is not None else "", "")
        key = name.strip().lower()
        if key not in _VARIABLES:
            continue
        for child in value:
            if _local(child.tag) != "VariableRef" and child.text is not None:
                values[key] = child.text.strip()
    return values


def _grandchildren(root: Element, name: str, child: str) -> list[Element]:
    """The ``child`` elements of ``root``'s ``name`` element (none if it is absent)."""
    element = _child(root, name)
    return _children(element, child) if element is not None else []


@dataclass(frozen=True)
class _Project:
    """What a project's selections refer to, by guid: coders' names, code names, variable
    names, and the cases holding a selection or a whole source."""

    users: dict[str, str]
    codes: dict[str, str]
    variables: dict[str, str]
    by_selection: dict[str, _Case]
    by_source: dict[str, _Case]


def _project(root: Element) -> _Project:
    users: dict[str, str] = {}
    for person in _grandchildren(root, "Users", "User"):
        guid = person.get("guid", "")
        users[guid] = (person.get("name") or person.get("id") or guid).strip()
    codes: dict[str, str] = {}
    book = _child(root, "CodeBook")
    for code in book.iter() if book is not None else []:
        if _local(code.tag) == "Code" and code.get("guid"):
            codes[code.get("guid", "")] = code.get("name", "").strip()
    variables = {
        variable.get("guid", ""): variable.get("name", "")
        for variable in _grandchildren(root, "Variables", "Variable")
    }
    by_selection: dict[str, _Case] = {}
    by_source: dict[str, _Case] = {}
    for element in _grandchildren(root, "Cases", "Case"):
        case = _Case(element.get("name", "").strip(), _variable_values(element, variables))
        for ref in _children(element, "SelectionRef"):
            by_selection[ref.get("targetGUID", "")] = case
        for ref in _children(element, "SourceRef"):
            by_source[ref.get("targetGUID", "")] = case
    return _Project(users, codes, variables, by_selection, by_source)


def read_qdpx_rows(path: str | Path) -> tuple[list[RawRow], list[str]]:
    """Read a ``.qdpx`` project as raw segment rows (see the module docstring)."""
    path = Path(path)
    member, data = _qde_bytes(path)
    where = f"{path}: {member}"
    root = _parse_xml(data, where, DataError)
    if _local(root.tag) != "Project":
        raise DataError(f"{where}: root element is {_local(root.tag)}, not Project")
    reader = _SelectionReader(_project(root), member)
    sources_element = _child(root, "Sources")
    if sources_element is None:
        raise DataError(f"{where}: the project has no Sources")
    text_sources = _children(sources_element, "TextSource")
    with open_zip(path, DataError, "a REFI-QDA project (.qdpx is a zip archive)") as archive:
        files = {name.lower(): name for name in archive.namelist()}
        for source_index, source in enumerate(text_sources):
            reader.add_source(source_index, source, archive, files)
    if reader.problems:
        shown = "; ".join(reader.problems[:10])
        more = f"; and {len(reader.problems) - 10} more" if len(reader.problems) > 10 else ""
        raise DataError(f"{where}: {shown}{more}")
    if not reader.rows:
        raise DataError(f"{where}: no coded text selections in the project")
    reader.rows.sort(key=lambda item: item[:4])
    notes = []
    others = len(list(sources_element)) - len(text_sources)
    if others:
        notes.append(f"{others} non-text sources (PDF, audio, pictures) were not read")
    return [item[4] for item in reader.rows], notes


#: The headers a project's rows name in messages, as segment files' columns would.
_HEADERS = {"code": "CodeRef", "coder": "creatingUser", "segment_id": "PlainTextSelection/@name"}


class _SelectionReader:
    """Turns the text selections of a project into raw rows, collecting every problem.

    ``rows`` are sorted by (source, start, end, selection) before use; selections with
    the same source and span are one unit.
    """

    def __init__(self, project: _Project, member: str) -> None:
        self.project = project
        self.member = member
        self.problems: list[str] = []
        self.rows: list[tuple[int, int, int, int, RawRow]] = []
        self.unit_ids: dict[tuple[str, int, int], str] = {}

    def add_source(
        self, index: int, source: Element, archive: zipfile.ZipFile, files: dict[str, str]
    ) -> None:
        """Every selection of one ``TextSource``."""
        document = (source.get("name") or source.get("guid") or "").strip()
        try:
            text = _source_text(source, archive, files)
        except DataError as error:
            self.problems.append(f"source '{document}': {error}")
            return
        values = {"document": document, **_variable_values(source, self.project.variables)}
        case = self.project.by_source.get(source.get("guid", ""))
        for number, selection in enumerate(_children(source, "PlainTextSelection")):
            self._add_selection((index, number), selection, text, values, case)

    def _add_selection(
        self,
        order: tuple[int, int],
        selection: Element,
        text: str,
        source_values: dict[str, str],
        source_case: _Case | None,
    ) -> None:
        document = source_values["document"]
        label = selection.get("name") or selection.get("guid") or str(order[1])
        place = f"source '{document}', selection '{label}'"
        span = self._span(selection, len(text), place)
        if span is None:
            return
        start, end = span
        segment_id = self.unit_ids.setdefault(
            (document, start, end),
            (selection.get("name") or "").strip() or f"{document}:{start}-{end}",
        )
        values = {
            "segment_id": segment_id,
            "document": document,
            "text": text[start:end].strip(),
            "start": str(start),
            "end": str(end),
            "memo": _text_of(_child(selection, "Description")),
            **source_values,
        }
        case = self.project.by_selection.get(selection.get("guid", "")) or source_case
        if case is not None:
            values.update(case.variables)
            values.setdefault("participant", case.name)
        for user, code_name, code_guid in self._codings(selection, place):
            if user and user not in self.project.users:
                self.problems.append(f"{place}: creatingUser '{user}' is not in Users")
                continue
            row_values = {
                **values,
                "coder": self.project.users.get(user, ""),
                "code": code_name,
                "code_guid": code_guid,
            }
            row = RawRow(where=f"{self.member}: {place}", values=row_values, headers=_HEADERS)
            self.rows.append((order[0], start, end, order[1], row))

    def _span(self, selection: Element, length: int, place: str) -> tuple[int, int] | None:
        """The selection's start and end, checked against the source's length."""
        try:
            start = int(selection.get("startPosition", ""))
            end = int(selection.get("endPosition", ""))
        except ValueError:
            self.problems.append(f"{place}: startPosition/endPosition are not integers")
            return None
        if not 0 <= start <= end <= length:
            self.problems.append(
                f"{place}: positions {start}-{end} lie outside the source text "
                f"({length} characters)"
            )
            return None
        return start, end

    def _codings(self, selection: Element, place: str) -> list[tuple[str, str, str]]:
        """(coder guid, code name, code guid) of each ``Coding``; a selection without
        one is a unit its creator read and left uncoded."""
        codings = _children(selection, "Coding")
        entries: list[tuple[str, str, str]] = []
        for coding in codings:
            code_ref = _child(coding, "CodeRef")
            target = code_ref.get("targetGUID", "") if code_ref is not None else ""
            user = coding.get("creatingUser") or selection.get("creatingUser") or ""
            if target not in self.project.codes:
                self.problems.append(f"{place}: CodeRef '{target}' is not in the CodeBook")
                continue
            entries.append((user, self.project.codes[target], target))
        if not codings:
            entries.append((selection.get("creatingUser") or "", "", ""))
        return entries


def _source_text(source: Element, archive: zipfile.ZipFile, files: dict[str, str]) -> str:
    content = _child(source, "PlainTextContent")
    if content is not None and content.text is not None:
        return normalise_text(content.text)
    target = source.get("plainTextPath", "").strip()
    if not target:
        raise DataError("has neither PlainTextContent nor plainTextPath")
    if not target.startswith("internal://"):
        raise DataError(f"plainTextPath '{target}' is outside the project; export it as internal")
    name = target[len("internal://") :].lstrip("/")
    for folder in ("sources/", ""):
        key = posixpath.join(folder, name).lower()
        if key in files:
            try:
                return normalise_text(archive.read(files[key]))
            except UnicodeDecodeError:
                raise DataError(f"the source file '{name}' is not UTF-8 text") from None
    raise DataError(f"the source file '{name}' is missing from the sources/ folder")
