"""How much of an input cipp agrees to read: limits checked before the work they bound.

Survey exports and coded transcripts come from other people; a 2 KB workbook can ask
for half a terabyte and a 700-byte YAML file for gigabytes. Every reader checks the
limit that bounds its work before doing it and names the limit in its error, so a user
with a genuinely bigger file knows what to raise (``limits="cells=500M"``; the command
line's ``--limits cells=500M``).

The defaults read a 1,000,000-respondent survey: a sheet of 100 million cells (a
1,048,576-row sheet of 95 columns), zip members (xlsx, ods, .qdpx) of up to 10 GB
unpacked, a CSV line of 10 MB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from cipp.model.errors import CippError, option

#: Suffixes a limit's value may carry: 500M, 10G, 64k.
_SUFFIXES = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}
_VALUE = re.compile(r"^\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s*([kKmMgG]?)\s*$")


@dataclass(frozen=True)
class Limits:
    """The limits, each a count (cells, YAML nodes), a size (bytes, characters) or a
    ratio; see the README's "Limits" section for what each bounds.

    ``cells``: cells in the used range of one sheet (rows x columns, blanks included),
    checked before the sheet is loaded. ``zip_size``: unpacked bytes of one member of a
    zip container (xlsx, ods, docx-like files, .qdpx) and of all members together.
    ``zip_ratio``: unpacked size over packed size of a member (members up to 1 MB
    unpacked are exempt: a small member cannot bomb). ``csv_field`` and ``csv_line``:
    characters in one CSV field and one CSV record. ``yaml_size``: bytes of a YAML file.
    ``yaml_nodes``: nodes of a YAML document with every alias expanded (an alias bomb
    has billions).
    """

    cells: int = 100_000_000
    zip_size: int = 10_000_000_000
    zip_ratio: int = 100
    csv_field: int = 1_000_000
    csv_line: int = 10_000_000
    yaml_size: int = 10_000_000
    yaml_nodes: int = 1_000_000

    def raise_hint(self, name: str) -> str:
        """'(`limits=csv-field=N` raises the limit)': how a message says to raise one."""
        return f"({option('limits', name.replace('_', '-') + '=N')} raises the limit)"

    def exceeded(self, name: str, found: str) -> str:
        """The end of a limit error: what was found, the limit, and how to raise it."""
        key = name.replace("_", "-")
        return (
            f"{found}, more than the limit of {getattr(self, name):,} "
            f"({option('limits', f'{key}=N')} raises it)"
        )


DEFAULT_LIMITS = Limits()

#: The limits as ``--limits`` names them (dashes), in the order of the dataclass.
LIMIT_NAMES: tuple[str, ...] = tuple(f.name.replace("_", "-") for f in fields(Limits))


def parse_limits(text: str, base: Limits = DEFAULT_LIMITS) -> Limits:
    """``"cells=500M,zip-ratio=200"`` -> Limits with those two raised, the rest as ``base``.

    Values are whole numbers, optionally with a decimal suffix k (thousand), M (million)
    or G (billion); names take dashes or underscores.
    """
    changes: dict[str, int] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        key = name.strip().lower().replace("-", "_")
        if not sep or key.replace("_", "-") not in LIMIT_NAMES:
            raise CippError(
                f"{option('limits', text)}: '{part.strip()}' is not NAME=VALUE with NAME "
                f"one of {', '.join(LIMIT_NAMES)}"
            )
        match = _VALUE.match(value)
        number = (
            float(match.group(1).replace("_", "")) * _SUFFIXES[match.group(2).lower()]
            if match
            else 0
        )
        if number < 1 or number != int(number):
            raise CippError(
                f"{option('limits', text)}: '{value.strip()}' is not a positive whole number "
                "(e.g. 500M, 10G, 200)"
            )
        changes[key] = int(number)
    return replace(base, **changes)
