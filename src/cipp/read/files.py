"""Inputs are regular files: a named pipe, a device or a socket given as an input would
make cipp wait for a writer forever (or read without end), so it is refused at once."""

from __future__ import annotations

import os
from pathlib import Path

from cipp.model.errors import CippError, DataError, special_file


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
