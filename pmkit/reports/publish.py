"""Publishing a run folder atomically: ``publish`` makes the finished temporary folder the
run folder of its date, exchanging the two in one step (``renameat2(RENAME_EXCHANGE)``) so a
SIGKILL at any moment leaves the old run or the new one; where the exchange is not available the
old run is renamed aside first, and a run killed between the two renames is put back by the next
run (``clean_leftovers``). A running run holds a lock on its temporary folder (``hold``).
A partial run (``--only``) keeps the other reports of its date (``carry_over``).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pmkit.reports.index import MANIFEST

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2``); False where it is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel, file system without it
        return False
    raise OSError(code, os.strerror(code), str(a))


def publish(tmp: Path, final: Path) -> None:
    """Make ``tmp`` the run folder ``final``, replacing an existing one only now, atomically.

    After an exchange ``tmp`` holds the old run, which the caller deletes."""
    if not final.exists():
        os.rename(tmp, final)
        return
    if exchange(tmp, final):
        return
    old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
    old.rmdir()
    os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        os.rename(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def hold(folder: Path) -> int:
    """Lock ``folder`` (its own inode, nothing written in it) while this run uses it."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _abandoned(folder: Path) -> bool:
    """Whether no living run holds ``folder`` (a killed run's locks went with it)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def clean_leftovers(out_dir: Path) -> None:
    """Remove what killed runs left in ``out_dir``: ``.<date>.tmp-*`` folders no running run
    holds, and ``.<date>.old-*`` folders, which are put back as ``<date>`` when that run folder
    is missing (a run killed between the two renames of the fallback)."""
    if not out_dir.is_dir():
        return
    for folder in sorted(out_dir.glob(".*.old-*")):
        final = out_dir / folder.name[1:].split(".old-")[0]
        if not folder.is_dir() or not _abandoned(folder):
            continue
        if not final.exists():
            os.rename(folder, final)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    for folder in out_dir.glob(".*.tmp-*"):
        if folder.is_dir() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)


def carry_over(old_run: Path, new_run: Path, done: set[str]) -> list[dict[str, Any]]:
    """Copy reports of the same date that this (partial, ``--only``) run did not regenerate."""
    try:
        old = json.loads((old_run / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    kept: list[dict[str, Any]] = []
    for entry in old.get("notebooks", []):
        name = entry.get("name")
        if not isinstance(name, str) or name in done:
            continue
        files = [entry.get("html"), entry.get("ipynb")]
        if all(isinstance(f, str) and (old_run / f).is_file() for f in files):
            for f in files:
                shutil.copy2(old_run / f, new_run / f)
            for table in old_run.glob(f"{name}*.csv"):  # what the report wrote beside it
                shutil.copy2(table, new_run / table.name)
            kept.append(entry)
    return kept
