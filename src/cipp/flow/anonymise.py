"""Anonymising quotes: labels from a template, and pseudonyms for names.

Quotes are labelled by a template (default ``{group}, FGD {session}, P{participant}``;
fields: ``group, session, participant, document, segment_id``; an unknown value prints
as ``?``).

A pseudonym file maps each real name to its replacement. It is YAML (a mapping
``name: replacement``, or a list of ``{name, replacement}``) or CSV/xlsx with the columns
``name, replacement``. Names match as whole words, ignoring case and with any spacing
between the words of a multi-word name; longer names are replaced first, in one pass
(so a replacement is never replaced again). Matching ignores case so that "RAVI" and
"ravi" are caught too; a name that is also an ordinary word (Will, Grace) therefore
replaces that word as well: list a fuller form instead.

After replacement cipp checks every output text: if an original name survives (for
example because a replacement is itself another original name, or a name sits in a
field the template prints), it fails with a CippError instead of writing it.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cipp.model.errors import CippError, DataError
from cipp.read.segments import Unit, read_table

DEFAULT_LABEL = "{group}, FGD {session}, P{participant}"
LABEL_FIELDS: tuple[str, ...] = ("group", "session", "participant", "document", "segment_id")


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _pattern(names: list[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    parts = [r"\s+".join(re.escape(word) for word in name.split()) for name in names]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Pseudonyms:
    """Real name -> replacement, applied as whole words, longest names first."""

    pairs: tuple[tuple[str, str], ...]
    source: str = ""

    def apply(self, text: str) -> str:
        """``text`` with every listed name replaced."""
        pattern = _pattern([name for name, _ in self.pairs])
        if pattern is None:
            return text
        table = {_key(name): replacement for name, replacement in self.pairs}
        return pattern.sub(lambda match: table[_key(match.group(0))], text)

    def survivors(self, text: str) -> list[str]:
        """The original names still present in ``text`` (as listed in the file)."""
        found = []
        for name, _ in self.pairs:
            pattern = _pattern([name])
            if pattern is not None and pattern.search(text):
                found.append(name)
        return found

    def check(self, text: str, *, where: str) -> None:
        """Raise CippError if any original name survives in ``text``."""
        found = self.survivors(text)
        if found:
            names = ", ".join(f"'{name}'" for name in found)
            raise CippError(
                f"{where}: original name(s) {names} from {self.source or 'the pseudonym file'} "
                "survive after anonymising; check that no replacement is itself an original "
                "name and that no label field holds a name. Nothing was written"
            )


def load_pseudonyms(path: str | Path) -> Pseudonyms:
    """Read a pseudonym file (YAML mapping/list, or CSV/xlsx ``name, replacement``)."""
    path = Path(path)
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data: Any = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise DataError(f"{path}: file not found") from None
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise DataError(f"{path}: cannot read the pseudonym file ({error})") from None
        if isinstance(data, dict):
            items = [(str(k), "" if v is None else str(v), f"key '{k}'") for k, v in data.items()]
        elif isinstance(data, list):
            items = []
            for index, entry in enumerate(data):
                if not isinstance(entry, dict) or "name" not in entry:
                    problems.append(f"[{index}]: expected a mapping with name and replacement")
                    continue
                replacement = entry.get("replacement")
                items.append(
                    (
                        str(entry["name"]),
                        "" if replacement is None else str(replacement),
                        f"[{index}]",
                    )
                )
        else:
            raise DataError(f"{path}: expected a mapping of name: replacement")
    else:
        headers, records = read_table(path)
        normal = [header.strip().lower() for header in headers]
        if "name" not in normal or "replacement" not in normal:
            raise DataError(
                f"{path}: needs the columns name, replacement; found {', '.join(headers)}"
            )
        name_at, replacement_at = normal.index("name"), normal.index("replacement")
        items = [
            (
                cells[name_at] if name_at < len(cells) else "",
                cells[replacement_at] if replacement_at < len(cells) else "",
                f"row {number}",
            )
            for number, cells in records
        ]
    seen: dict[str, str] = {}
    for name, replacement, where in items:
        name, replacement = name.strip(), replacement.strip()
        if not name:
            problems.append(f"{where}: empty name")
            continue
        if not replacement:
            problems.append(f"{where}: no replacement for '{name}'")
            continue
        if _key(name) in seen:
            problems.append(f"{where}: '{name}' is listed twice (also {seen[_key(name)]})")
            continue
        seen[_key(name)] = where
        pairs.append((name, replacement))
    if problems:
        raise DataError(f"{path}: " + "; ".join(problems))
    pairs.sort(key=lambda pair: -len(pair[0]))
    return Pseudonyms(pairs=tuple(pairs), source=str(path))


def check_template(template: str) -> None:
    """Raise CippError if the label template uses an unknown field or bad syntax."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        raise CippError(f"label template '{template}': {error}") from None
    unknown = [name for name in fields if name not in LABEL_FIELDS]
    if unknown:
        raise CippError(
            f"label template '{template}': unknown field(s) {', '.join(unknown)} "
            f"(use {', '.join(LABEL_FIELDS)})"
        )


def quote_label(unit: Unit, template: str = DEFAULT_LABEL) -> str:
    """The label of a quote from ``unit`` (unknown values print as ``?``)."""
    check_template(template)
    values = {name: getattr(unit, name) for name in LABEL_FIELDS}
    return template.format_map(
        {name: "?" if value is None else value for name, value in values.items()}
    )
