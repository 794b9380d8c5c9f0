"""Writing a database all or nothing: one writer at a time (a lock file), each writing a private
copy that is renamed over the database at the end.

Why copy-and-replace: DuckDB lets only one process open a file for writing and then no other
process may open it at all, so a report started during an ingest would fail. A writer therefore
works on a copy and atomically renames it over the original when done. Readers keep the snapshot
they opened; a crash (even SIGKILL) leaves the previous complete database and a garbage copy that
the next writer removes. Ingest, ``pmkit classify`` and ``pmkit similar --refresh`` all write
this way: :func:`ingest_lock`, then :func:`private_copy`.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pmkit.store.db import DatabaseNotWritable, IngestError, connect, db_is_current

_LOCK_WAIT_SECONDS = 120.0
_DUCKDB_MEMORY = "256MB"
"""Buffer-pool cap of the writing connection (DuckDB's default is 80% of the machine's RAM)."""
INGEST_CHECKPOINT_THRESHOLD = "1TB"
"""WAL size at which the writing connection checkpoints by itself: never, in practice. DuckDB's
default (16 MB) checkpoints after nearly every committed batch, and each checkpoint rewrites the
table's last, partial row group (all of it below 122,880 rows), so the cost grows faster than the
file count (replaying the 100k writes: 42 s with the default, 32 s without). The copy is private
and checkpointed once, explicitly, before the rename; the price is disk: the WAL grows to about
the size of the new rows (~680 MB at 100k files) until then."""


def lock_wait_seconds() -> float:
    """How long a second writer waits for the first: ``PMKIT_LOCK_WAIT`` seconds, else 120."""
    try:
        return max(0.0, float(os.environ.get("PMKIT_LOCK_WAIT") or _LOCK_WAIT_SECONDS))
    except ValueError:
        return _LOCK_WAIT_SECONDS


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _lock_busy(db_path: Path, lock_path: Path, holder: str, waited: float) -> IngestError:
    """The error for a lock still held after the wait: a running ingest, or a process left
    over from one that has exited (it inherited the lock)."""
    pid = int(holder) if holder.isdigit() else None
    if pid is not None and not _pid_alive(pid):
        return IngestError(
            f"{db_path}: the lock {lock_path} is held by a process left over from ingest {pid}, "
            f"which has exited; stop it (`fuser -v {lock_path}` names it) and run again"
        )
    who = f" (pid {pid})" if pid is not None else ""
    return IngestError(
        f"{db_path}: another ingest is running{who} (lock {lock_path}); waited {waited:.0f} s"
    )


@contextmanager
def ingest_lock(db_path: Path, wait_seconds: float = _LOCK_WAIT_SECONDS) -> Iterator[int]:
    """One writer per database at a time: the second waits, then fails with a clear message.

    Yields the lock file's descriptor (pool workers close their inherited copy). The holder's
    pid is written in the file, so a lock kept by a leftover process can be told apart.
    """
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock_path, "a+")  # noqa: SIM115 (closed below, after the yield)
    except OSError as exc:
        raise DatabaseNotWritable(
            f"cannot write the database {db_path}: {exc.strerror or exc} ({exc.filename})"
        ) from exc
    with fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    fh.seek(0)
                    raise _lock_busy(db_path, lock_path, fh.read().strip(), wait_seconds) from exc
                time.sleep(0.2)
        try:
            fh.truncate(0)
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            yield fh.fileno()
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_leftovers(db_path: Path) -> None:
    """Copies and spilled buffers a killed writer left: garbage, since under the lock no other
    writer is at work."""
    for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.*.tmp*"):
        stale.unlink(missing_ok=True)
    for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.*.spill"):
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def private_copy(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to a private copy of ``db_path``, inside a transaction; hold
    :func:`ingest_lock` around it.

    On leaving the block the transaction is committed, the copy checkpointed once and renamed
    over the database; on any error the copy is removed and the database left as it was. A
    database of an older schema is not copied: the copy starts empty (every file is then parsed
    again). The caller may commit and begin again inside the block (DuckDB holds an open
    transaction's rows in memory; the copy is private, so nobody sees a half-written state).
    Errors writing the files become :class:`DatabaseNotWritable`.
    """
    try:
        with _copy(db_path) as con:
            yield con
    except (OSError, duckdb.IOException) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DatabaseNotWritable(f"cannot write the database {db_path}: {detail}") from exc


@contextmanager
def _copy(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    spill = db_path.with_name(f".{db_path.name}.{os.getpid()}.spill")
    _remove_leftovers(db_path)
    if db_path.exists() and db_is_current(db_path):
        shutil.copyfile(db_path, tmp)
    con = connect(tmp)
    try:
        # memory stays flat whatever the corpus size: the buffer pool is capped and spills
        con.execute("SET memory_limit = ?", [_DUCKDB_MEMORY])
        con.execute("SET temp_directory = ?", [str(spill)])
        # no automatic checkpoint per commit (see INGEST_CHECKPOINT_THRESHOLD): the copy is
        # checkpointed once, below; a crash before the rename leaves only garbage copies
        con.execute("SET checkpoint_threshold = ?", [INGEST_CHECKPOINT_THRESHOLD])
        con.execute("BEGIN TRANSACTION")
        yield con
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)
        raise
    con.close()
    shutil.rmtree(spill, ignore_errors=True)
    tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
    os.replace(tmp, db_path)


@contextmanager
def checkpoint_behind(con: duckdb.DuckDBPyConnection) -> Iterator[Callable[[], None]]:
    """Commit, and checkpoint what is committed in a thread while the caller goes on in a new
    transaction: an ingest's rows are checkpointed (~0.7 s of CPU at 10k files, compressing
    them) while the similarity reads and computes, on the core it leaves idle, instead of at the
    end. DuckDB checkpoints beside a reading transaction; the caller calls the ``wait`` given
    before its next write (it is called on leaving too), which raises the checkpoint's error."""
    con.execute("COMMIT")
    cursor = con.cursor()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            cursor.execute("CHECKPOINT")
        except BaseException as exc:  # raised in the caller's thread by wait()
            failed.append(exc)

    con.execute("BEGIN TRANSACTION")
    thread = threading.Thread(target=run, name="pmkit-checkpoint", daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed.pop()

    try:
        yield wait
    finally:
        thread.join()
        cursor.close()
    wait()
