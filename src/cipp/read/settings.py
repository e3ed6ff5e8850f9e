"""The settings every reader consults: the limits, and the encoding of text files.

They are set for a block of work (``with reading(limits=..., encoding=...):``) rather
than passed through every reader's signature: a platform's reader calls the table reader,
which calls the zip check, and each of them must apply the same limits. Outside any such
block the defaults hold. The settings live in a context variable, so threads and
asynchronous tasks see their own; worker processes of ``cipp batch`` get them with their
job.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from cipp.model.limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class ReadSettings:
    """``limits``: what a reader agrees to read. ``encoding``: the encoding of CSV files
    (a Python codec name), or None to detect it."""

    limits: Limits = DEFAULT_LIMITS
    encoding: str | None = None


DEFAULT_SETTINGS = ReadSettings()
_SETTINGS: ContextVar[ReadSettings] = ContextVar("cipp_read_settings")


def current() -> ReadSettings:
    """The settings in force here."""
    return _SETTINGS.get(DEFAULT_SETTINGS)


def current_limits() -> Limits:
    return _SETTINGS.get(DEFAULT_SETTINGS).limits


@contextlib.contextmanager
def reading(*, limits: Limits | None = None, encoding: str | None = None) -> Iterator[ReadSettings]:
    """Read with these limits and this encoding inside the block (None keeps what is in
    force: the defaults, or an enclosing block's)."""
    import codecs

    from cipp.model.errors import CippError, option

    before = _SETTINGS.get(DEFAULT_SETTINGS)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise CippError(f"{option('encoding', encoding)} is not a known encoding") from None
    settings = ReadSettings(
        limits if limits is not None else before.limits,
        encoding if encoding is not None else before.encoding,
    )
    token = _SETTINGS.set(settings)
    try:
        yield settings
    finally:
        _SETTINGS.reset(token)
