"""Writing outputs safely: never onto an input, never half-written.

Every file cipp writes goes to a temporary file in the destination folder first and is
then renamed over the destination, so a crash or a full disk leaves the old file (or
nothing) in place, never a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from cipp.model.errors import OutputError


def check_not_input(out: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output path that names one of the inputs."""
    target = Path(out).resolve()
    for source in inputs:
        if Path(source).resolve() == target:
            raise OutputError(f"{out}: refusing to overwrite an input file; choose another `out`")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_output(out: Path, inputs: Iterable[Path] = ()) -> None:
    """Fail before any work if ``out`` names an input, a folder, or sits in no folder."""
    out = Path(out)
    check_not_input(out, inputs)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{out}: folder {folder} does not exist")
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; give a file name")


@contextlib.contextmanager
def atomic_path(out: Path, *, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; rename it onto ``out`` if the block succeeds."""
    out = Path(out)
    check_output(out, inputs)
    folder = out.parent if str(out.parent) else Path(".")
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise OutputError(f"{out}: cannot write in {folder} ({error.strerror})") from None
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes the file private (0600); give it the permissions of a normal file.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot write ({error.strerror or error})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(out: Path, text: str, *, inputs: Iterable[Path] = ()) -> None:
    """Write ``text`` (UTF-8) to ``out`` atomically."""
    with atomic_path(out, inputs=inputs) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(out: Path, data: bytes, *, inputs: Iterable[Path] = ()) -> None:
    """Write ``data`` to ``out`` atomically."""
    with atomic_path(out, inputs=inputs) as tmp:
        tmp.write_bytes(data)


def write_with(out: Path, writer: Callable[[Path], None], *, inputs: Iterable[Path] = ()) -> None:
    """Call ``writer(tmp_path)`` (e.g. a workbook's save) and move the result onto ``out``."""
    with atomic_path(out, inputs=inputs) as tmp:
        writer(tmp)
