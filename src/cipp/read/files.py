"""Inputs are regular files: a named pipe, a device or a socket given as an input would
make cipp wait for a writer forever (or read without end), so it is refused at once."""

from __future__ import annotations

import os
from pathlib import Path

from cipp.model.errors import CippError, DataError, shown, special_file


def check_input(path: str | Path, error: type[CippError] = DataError) -> None:
    """Refuse ``path`` if it is a pipe, a device or a socket (a missing file or a folder
    is left to the reader, whose message says so)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    kind = special_file(mode)
    if kind is not None:
        raise error(f"{path}: is {kind}; cipp reads only regular files")


def unsafe_xml(error: Exception) -> str:
    """What defusedxml refused, in words (its exceptions print as Python reprs): 'an
    entity declaration (entity 'x')', 'an external reference (to 'http://...')', 'a
    document type declaration'."""
    kind = type(error).__name__
    name = getattr(error, "name", None)
    system_id = getattr(error, "sysid", None) or getattr(error, "system_id", None)
    if kind == "EntitiesForbidden":
        what = "an entity declaration"
        detail = f"entity {shown(name)}" if name else ""
    elif kind == "ExternalReferenceForbidden":
        what = "an external reference"
        detail = f"to {shown(system_id)}" if system_id else ""
    elif kind == "DTDForbidden":
        what, detail = "a document type declaration", ""
    else:
        what, detail = "a construct cipp does not read", kind
    return f"{what} ({detail})" if detail else what
