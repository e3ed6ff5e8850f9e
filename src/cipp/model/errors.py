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


def special_file(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file or a folder ("a
    named pipe (FIFO)", "a device", "a socket"), for messages; None for a file or folder.
    cipp reads and writes only regular files: opening a pipe waits for a writer forever."""
    import stat

    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kinds = {
        stat.S_IFIFO: "a named pipe (FIFO)",
        stat.S_IFCHR: "a device",
        stat.S_IFBLK: "a device",
        stat.S_IFSOCK: "a socket",
    }
    return kinds.get(stat.S_IFMT(mode), "not a regular file")


def option(name: str, *value: object) -> str:
    """How a message names one of the library's parameters: `` `adjust` `` or, with the
    value that is wrong, `` `adjust=holms` ``.

    The library speaks in its own parameter names, which a notebook user typed; the
    command line rewrites these spans into the flags its user typed (``--adjust holms``).
    """
    if not value:
        return f"`{name}`"
    return f"`{name}={value[0]}`"


#: How many characters of a value a message quotes (a 1 MB cell is not echoed whole).
SHOWN_CHARACTERS = 80
#: How many problems a message lists, one per line, before "and N more".
SHOWN_PROBLEMS = 10

_CONTROL = {ord(c): f"\\x{ord(c):02x}" for c in map(chr, range(32)) if c not in "\n\r\t"}
_CONTROL.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def shown(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """A value as a message quotes it: ``'text'``, on one line (line breaks written
    ``\\n``), and beyond ``limit`` characters cut, with its full length given:
    ``'aaaa…' (1,048,576 characters)``."""
    text = str(value)
    if len(text) <= limit:
        return f"'{text.translate(_CONTROL)}'"
    return f"'{text[:limit].translate(_CONTROL)}…' ({len(text):,} characters)"


def listed(problems: list[str] | tuple[str, ...], limit: int = SHOWN_PROBLEMS) -> str:
    """Problems one per line (``\\n  - ...``), the first ``limit`` of them, then
    ``and N more``: a message that stays readable however many there are. A single
    problem stays on the message's line."""
    if len(problems) == 1:
        return f" {problems[0]}"
    lines = [f"\n  - {problem}" for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"\n  - and {len(problems) - limit} more")
    return "".join(lines)
