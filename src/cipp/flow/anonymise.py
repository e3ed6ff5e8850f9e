"""Anonymising quotes: labels from a template, and pseudonyms for names.

Quotes are labelled by a template (default ``{group}, FGD {session}, P{participant}``;
fields: ``group, session, participant, document, segment_id``; an unknown value prints
as ``?``).

A pseudonym file (read by :mod:`cipp.read.pseudonyms` into a
:class:`cipp.model.qualitative.Pseudonyms`) maps each real name to its replacement. It is
YAML (a mapping ``name: replacement``, or a list of ``{name, replacement}``) or CSV/xlsx
with the columns ``name, replacement``. Names are found however they are spelled
(cipp.model.names: case, accents, fullwidth letters, soft hyphens and zero-width
characters, possessives and plurals, inside identifiers such as ``ayesha_k`` and
``PAyesha``), with any spacing between the words of a multi-word name; longer names are
replaced first, in one pass (so a replacement is never replaced again). A name that is
also an ordinary word (Will, Grace) therefore replaces that word as well: list a fuller
form instead. The fields of a quote's label are anonymised before the template puts
them together, whatever the template.

After replacement cipp checks every output, its file name included, with the same
matching: if an original name survives (for example because a replacement is itself
another original name), it fails with a CippError instead of writing it.
"""

from __future__ import annotations

import string

from cipp.model.coding import Unit
from cipp.model.errors import CippError
from cipp.model.qualitative import Pseudonyms

DEFAULT_LABEL = "{group}, FGD {session}, P{participant}"
LABEL_FIELDS: tuple[str, ...] = ("group", "session", "participant", "document", "segment_id")


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


def quote_label(
    unit: Unit, template: str = DEFAULT_LABEL, pseudonyms: Pseudonyms | None = None
) -> str:
    """The label of a quote from ``unit`` (unknown values print as ``?``).

    With ``pseudonyms``, each field is anonymised before it is put into the template
    (whatever the template: ``P{participant}`` must not make "PAyesha" of "Ayesha"),
    and the whole label after.
    """
    check_template(template)
    values = {name: getattr(unit, name) for name in LABEL_FIELDS}
    filled = {name: "?" if value is None else str(value) for name, value in values.items()}
    if pseudonyms is not None:
        filled = {name: pseudonyms.apply(value) for name, value in filled.items()}
    label = template.format_map(filled)
    return pseudonyms.apply(label) if pseudonyms is not None else label
