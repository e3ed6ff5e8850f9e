"""Writing outputs safely: never onto an input, never half-written, only to files.

Every file cipp writes goes to a temporary file in the destination folder first and is
then renamed over the destination, so a crash or a full disk leaves the old file (or
nothing) in place, never a truncated one. The temporary file is named after the output
(``report.docx.cipp-writing-x1y2.tmp``) so a user who finds one knows what it is, and it
is removed on any exit Python sees: an error, Ctrl-C, ``sys.exit``, and SIGTERM or SIGHUP
once the command line has turned them into exits.

An output must be a regular file or a new path: writing "to" a named pipe, a device
(``/dev/null``, which running as root would replace) or a socket is refused.

``cipp batch`` locks its output folder (:func:`folder_lock`) for the whole run.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from cipp.model.errors import OutputError, special_file


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


def check_output(out: Path, inputs: Iterable[Path] = (), *, name: str = "out") -> None:
    """Fail before any work if ``out`` names an input, a folder, anything but a regular
    file (a pipe, a device, a socket), or sits in no folder; ``name``: the option that
    gave it, for the message."""
    out = Path(out)
    check_not_input(out, inputs)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{out}: folder {folder} does not exist")
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; give a file name")
    try:
        mode = out.stat().st_mode
    except OSError:
        return  # a new path (or a dangling link, which the rename replaces)
    kind = special_file(mode)
    if kind is not None:
        raise OutputError(
            f"{out}: is {kind}; cipp writes only to regular files or new paths "
            f"(choose another `{name}`)"
        )


#: Temporary files being written, removed at exit if still there.
_IN_FLIGHT: set[Path] = set()


def _remove_in_flight() -> None:
    for tmp in list(_IN_FLIGHT):
        with contextlib.suppress(OSError):
            tmp.unlink()
    _IN_FLIGHT.clear()


atexit.register(_remove_in_flight)

#: What the temporary file of an output is called: the output's name, then this.
TEMPORARY_MARK = ".cipp-writing-"


@contextlib.contextmanager
def atomic_path(out: Path, *, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``out``; rename it onto ``out`` if the block succeeds."""
    out = Path(out)
    check_output(out, inputs)
    folder = out.parent if str(out.parent) else Path(".")
    try:
        handle, tmp_name = tempfile.mkstemp(
            prefix=f"{out.name}{TEMPORARY_MARK}", suffix=".tmp", dir=folder
        )
    except OSError as error:
        raise OutputError(f"{out}: cannot write in {folder} ({error.strerror})") from None
    os.close(handle)
    tmp = Path(tmp_name)
    _IN_FLIGHT.add(tmp)
    try:
        yield tmp
        # mkstemp makes the file private (0600); give it the permissions of a normal file.
        os.chmod(tmp, 0o666 & ~_umask())
        check_output(out, inputs)  # still a file or a new path (not replaced meanwhile)
        os.replace(tmp, out)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{out}: cannot write ({error.strerror or error})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        _IN_FLIGHT.discard(tmp)


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


#: The lock file of a ``cipp batch`` output folder (removed when the run ends).
LOCK_NAME = "cipp-batch.lock"
#: The list of files the last ``cipp batch`` run wrote into its folder, one relative path
#: per line: what the next run into the folder may remove.
MANIFEST_NAME = ".cipp-batch.files"
#: How much of a manifest is read (a run of thousands of waves lists well under this).
MANIFEST_CHARACTERS = 1_000_000


def replace_run_files(folder: Path, written: Iterable[Path]) -> tuple[Path, ...]:
    """Record ``written`` as this run's files in ``folder`` and remove the files an
    earlier run recorded there that this run did not write again (a wave that is gone
    would otherwise sit beside the new summary as if it belonged to it), with the wave
    folders that leaves empty. Only files cipp recorded are removed, never anything else
    in the folder; returns the removed files."""
    folder = Path(folder)
    root = folder.resolve()
    manifest = folder / MANIFEST_NAME
    kept = {Path(path).resolve() for path in written}
    removed: list[Path] = []
    for line in _recorded(manifest):
        stale = folder / line
        target = stale.resolve()
        inside = target.parent.is_relative_to(root)
        if inside and target not in kept and stale.is_file() and not stale.is_symlink():
            with contextlib.suppress(OSError):
                stale.unlink()
                removed.append(stale)
                if stale.parent != folder and not any(stale.parent.iterdir()):
                    stale.parent.rmdir()
    relative = sorted(path.relative_to(root).as_posix() for path in kept)
    write_text(manifest, "".join(f"{path}\n" for path in relative))
    return tuple(removed)


def _recorded(manifest: Path) -> list[str]:
    """The relative paths a manifest lists (none if it is missing or unreadable); a line
    that leaves the folder (absolute, or with '..') is ignored."""
    try:
        with manifest.open(encoding="utf-8") as opened:
            text = opened.read(MANIFEST_CHARACTERS)  # bounded: the folder is the user's
    except (OSError, UnicodeDecodeError):
        return []
    lines = [line.strip() for line in text.splitlines()]
    return [
        line
        for line in lines
        if line and not Path(line).is_absolute() and ".." not in Path(line).parts
    ]


def _try_lock(descriptor: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False if another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _open_lock(folder: Path) -> int:
    """An open, locked descriptor of the folder's lock file."""
    lock = folder / LOCK_NAME
    for _attempt in range(3):
        try:
            descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise OutputError(f"{folder}: cannot create {LOCK_NAME} ({error.strerror})") from None
        if not _try_lock(descriptor):
            os.close(descriptor)
            raise OutputError(
                f"{folder}: another cipp batch run is writing into this folder (it holds "
                f"{lock}); wait for it to finish or choose another `out`"
            )
        # The holder before us may have removed the file between our open and our lock:
        # then we hold a lock nobody else can see, and try again on the new file.
        try:
            if os.stat(lock).st_ino == os.fstat(descriptor).st_ino:
                return descriptor
        except OSError:
            pass
        os.close(descriptor)
    raise OutputError(f"{folder}: cannot lock {lock}; try again")


@contextlib.contextmanager
def folder_lock(folder: Path, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Hold ``folder`` (created if needed) for one run of ``cipp batch``: a second run
    into it fails at once with a one-line error instead of mixing its files with this
    run's. The lock is the operating system's, so a run that was killed leaves no lock
    behind (at most the empty lock file); a folder this created and left empty is
    removed again."""
    folder = Path(folder)
    check_not_input(folder, inputs)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder; choose another `out`")
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{folder}: cannot create the folder ({error.strerror})") from None
    descriptor = _open_lock(folder)
    try:
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        yield folder
    finally:
        with contextlib.suppress(OSError):
            (folder / LOCK_NAME).unlink()
        os.close(descriptor)
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if this run wrote nothing into it
