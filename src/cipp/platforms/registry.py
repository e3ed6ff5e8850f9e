"""The survey platforms cipp reads, in one ordered registry.

A platform is any object of the :class:`Platform` shape: its name, how to recognise its
response exports and read them into a :class:`~cipp.model.table.RawTable`, and
optionally how to import its questionnaire definition. Each lives in its own module
(most are a :class:`TablePlatform`) and is made known by one line of ``_REGISTRY``.
From there come :func:`detect_source`, the names ``source=`` accepts (:data:`SOURCES`,
the command line's ``--source`` choices) and the columns no export counts as a question.

Importing this module is cheap: a platform's module is imported the first time a
platform is asked for, so ``cipp --help`` does not pay for pandas, pyarrow or the
readers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cipp.model.errors import DataError, option

if TYPE_CHECKING:
    from cipp.model.instrument import Instrument
    from cipp.model.table import RawTable
    from cipp.platforms.draft import ImportOptions, ImportResult

    #: How a platform's questionnaire definition becomes an instrument.
    Importer = Callable[[Path, ImportOptions], ImportResult]


# The dataclasses here compare by identity (eq=False): nothing compares them, and without
# generated __eq__/__hash__ they cost less to create when `cipp --help` imports this.
@dataclass(frozen=True, eq=False)
class ReadRequest:
    """What a caller of :func:`cipp.platforms.exports.read_export` asked for besides the file."""

    sheet: str | None = None
    complete_only: bool = False
    instrument: Instrument | None = None
    #: The caller named the platform (``source=``) instead of letting cipp recognise it:
    #: a platform checks then that the file looks like its export.
    forced: bool = False


class Platform(Protocol):
    """One survey platform, as detection, the export reader and the command line see it."""

    @property
    def name(self) -> str:
        """The ``source`` value (one lowercase word) and what :func:`detect_source` returns."""
        ...

    @property
    def title(self) -> str:
        """The platform as its users call it ("REDCap", "Microsoft Forms"), for messages."""
        ...

    @property
    def marks_complete(self) -> bool:
        """Whether its exports mark finished responses, so that ``complete_only`` applies."""
        ...

    @property
    def metadata(self) -> frozenset[str]:
        """Headers of the columns its exports add about the response itself (ids, times,
        status): never questions, so never reported as columns no item claims."""
        ...

    @property
    def importer(self) -> Importer | None:
        """How its questionnaire definition becomes an instrument (None: it exports none)."""
        ...

    def recognises(self, path: Path, table: RawTable | None) -> bool:
        """Whether a file is this platform's export, from its path and headers.

        ``table`` is None before the file is read: only a platform whose files
        :func:`cipp.read.tables.read_table` cannot read (SPSS) recognises one then.
        """
        ...

    def open(self, path: Path, request: ReadRequest) -> RawTable:
        """The file as raw text cells, as :func:`cipp.read.tables.read_table` reads a sheet
        or CSV file; refuses the request's options that do not apply to such a file."""
        ...

    def read(self, table: RawTable, request: ReadRequest) -> RawTable:
        """The opened export as the loader reads a plain file: header rows dropped,
        columns renamed to the question names, multi-select answers split, and (with
        ``complete_only``) unfinished responses left out."""
        ...


def _as_is(table: RawTable, request: ReadRequest) -> RawTable:
    return table


@dataclass(frozen=True, eq=False)
class TablePlatform:
    """A :class:`Platform` whose exports are sheets or CSV files: ``looks_like`` recognises
    one by its headers (and first rows), ``tidy`` makes it a plain table."""

    name: str
    title: str
    looks_like: Callable[[RawTable], bool]
    tidy: Callable[[RawTable, ReadRequest], RawTable] = _as_is
    marks_complete: bool = False
    metadata: frozenset[str] = frozenset()
    importer: Importer | None = None

    def recognises(self, path: Path, table: RawTable | None) -> bool:
        return table is not None and self.looks_like(table)

    def open(self, path: Path, request: ReadRequest) -> RawTable:
        from cipp.read.tables import read_table

        return read_table(path, sheet=request.sheet)

    def read(self, table: RawTable, request: ReadRequest) -> RawTable:
        return self.tidy(table, request)


@dataclass(frozen=True, eq=False)
class _Entry:
    name: str
    where: str  # "module:attribute" of the Platform object
    listed: int  # its place in SOURCES, the order users see; detection keeps the registry's

    def load(self) -> Platform:
        module, _, attribute = self.where.partition(":")
        platform: Platform = getattr(import_module(module), attribute)
        return platform


#: The platforms in the order detection tries them. Adding one: its module, and a line here.
_REGISTRY = (
    # Recognised by the file's extension, before anything is read.
    _Entry("spss", "cipp.platforms.spss:PLATFORM", listed=8),
    _Entry("qualtrics", "cipp.platforms.qualtrics:PLATFORM", listed=2),
    _Entry("redcap", "cipp.platforms.redcap:PLATFORM", listed=1),
    # ODK before Kobo, as detection has always tried them: ODK's markers
    # (meta-instanceID; KEY beside SubmissionDate ...) are ODK Central's own, Kobo's are
    # any of a few underscore columns.
    _Entry("odk", "cipp.platforms.xlsform:ODK", listed=4),
    _Entry("kobo", "cipp.platforms.xlsform:KOBO", listed=3),
    _Entry("msforms", "cipp.platforms.forms:MSFORMS", listed=6),
    _Entry("google", "cipp.platforms.forms:GOOGLE", listed=5),
    # Last: any sheet or CSV file no platform above recognises.
    _Entry("plain", "cipp.platforms.plain:PLATFORM", listed=0),
)

#: The platform of a file no other platform recognises.
PLAIN = "plain"

#: What ``source=`` accepts: ``auto`` (recognise the platform), then each platform's name.
SOURCES = ("auto", *(entry.name for entry in sorted(_REGISTRY, key=lambda e: e.listed)))


@cache
def platforms() -> tuple[Platform, ...]:
    """Every registered platform, in detection order (their modules imported on first use)."""
    return tuple(entry.load() for entry in _REGISTRY)


def find(name: str) -> Platform:
    """The platform ``source=name`` names; a :class:`DataError` listing them if none."""
    for entry in _REGISTRY:
        if entry.name == name:
            return entry.load()
    raise DataError(f"{option('source', name)}: unknown platform (choose {', '.join(SOURCES)})")


def detect(path: str | Path, table: RawTable | None = None) -> Platform:
    """The first platform that recognises a file (see :meth:`Platform.recognises`)."""
    for platform in platforms():
        if platform.recognises(Path(path), table):
            return platform
    return find(PLAIN)


def detect_source(path: str | Path, table: RawTable | None = None) -> str:
    """Which platform exported a file, from its extension and headers ("plain" if none)."""
    return detect(path, table).name


def metadata_headers() -> frozenset[str]:
    """Every platform's :attr:`Platform.metadata` headers."""
    return frozenset().union(*(platform.metadata for platform in platforms()))


def complete_only_refused(path: Path, platform: str | None = None) -> DataError:
    """The error for ``complete_only`` on a file whose platform does not mark finished
    responses (``platform``: what the file was read as, when it is worth saying)."""
    marking = " and ".join(p.title for p in platforms() if p.marks_complete)
    reads_as = f" (this file reads as {platform})" if platform else ""
    return DataError(f"{path}: {option('complete_only')} applies to {marking} exports{reads_as}")
