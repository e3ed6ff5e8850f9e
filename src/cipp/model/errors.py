"""The one exception hierarchy of cipp.

The library raises these; only ``cli.py`` turns them into a single line on stderr and
exit code 2. Every message says what is wrong and where (file, sheet, row, column,
value or YAML path), so the user can fix the input without a traceback.
"""

from __future__ import annotations


class CippError(Exception):
    """Base class: something the user can fix in their input or options."""


class InstrumentError(CippError):
    """An instrument (or codebook) definition is malformed or does not fit the data."""


class DataError(CippError):
    """A response file cannot be read or holds values the instrument does not allow."""


class OutputError(CippError):
    """An output cannot be written (for example, it would overwrite an input)."""


def option(name: str, *value: object) -> str:
    """How a message names one of the library's parameters: `` `adjust` `` or, with the
    value that is wrong, `` `adjust=holms` ``.

    The library speaks in its own parameter names, which a notebook user typed; the
    command line rewrites these spans into the flags its user typed (``--adjust holms``).
    """
    if not value:
        return f"`{name}`"
    return f"`{name}={value[0]}`"
