"""Parsing the files of an ingest, in worker processes when there are many.

Workers are forked (they inherit the configuration and the job list instead of unpickling them)
and die with the ingest that started them; each reads, hashes and parses its files, so the
parent never holds the whole corpus in memory.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pmkit.config import Config
from pmkit.model import ParsedDocument, ParseIssue
from pmkit.parse.decode import text_as_read
from pmkit.parse.document import parse_bytes

PARALLEL_MIN_FILES = 64
"""Below this many files to parse, the ingest parses them itself (a pool costs its start-up)."""

Job = tuple[str, str, bytes | None, str | None, Config]
"""(path inside the root, full path, the bytes if already read, why not to read it, settings)."""


def _parse_one(args: Job) -> tuple[ParsedDocument, str]:
    """Parse one file and return it with its sha256. A file not read yet (no data, no error) is
    read here, in the worker: a full ingest then reads each file once, in parallel, and the
    parent never holds the whole corpus in memory. A file with an error (the message) is not read.

    The document's ``raw_text`` becomes the text as read (decoded, with its line endings and
    any mojibake): the parser worked on the repaired text, the database keeps what was written.
    """
    rel, full, data, error, config = args
    if data is None and error is None:
        try:
            data = Path(full).read_bytes()
        except OSError as exc:
            error = cannot_read(exc)
    if data is None:
        doc = ParsedDocument(path=rel, template="unreadable", raw_text="")
        doc.issues.append(ParseIssue("document", "error", error or "cannot read file"))
        return doc, ""
    doc = parse_bytes(data, rel, config)
    doc.raw_text = text_as_read(data, doc.raw_text)
    return doc, hashlib.sha256(data).hexdigest()


def cannot_read(exc: OSError) -> str:
    return f"cannot read file: {exc.strerror or exc}"


_PR_SET_PDEATHSIG = 1


def worker_start(parent: int, lock_fd: int | None) -> None:
    """Pool worker set-up (the parse's, the similarity's hashing ahead): die with the ingest,
    and let go of its lock.

    A worker forked while the ingest holds ``<db>.lock`` shares that lock: if only the ingest is
    killed (``kill -9``, the OOM killer), a worker left blocked under PID 1 would keep the lock
    forever. So the kernel kills the worker when its parent dies (``PR_SET_PDEATHSIG``), and the
    worker closes its copy of the lock file (the lock stays with the parent's copy).
    gc.freeze: a forked worker's garbage collector never walks the objects it inherited (the
    file lists of a 100k-file ingest), which otherwise costs CPU on every full pass.
    """
    gc.freeze()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent check below still runs
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    if lock_fd is not None:
        try:
            os.close(lock_fd)
        except OSError:
            pass


def parse_many(
    jobs: list[Job], workers: int, lock_fd: int | None = None
) -> Iterator[tuple[ParsedDocument, str]]:
    """Each job's parsed document and sha256, in job order (``lock_fd``: the ingest lock, which
    workers close)."""
    if workers <= 1 or len(jobs) < PARALLEL_MIN_FILES:
        yield from map(_parse_one, jobs)
        return
    # fork: the workers inherit the config and job list instead of unpickling them
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=worker_start,
        initargs=(os.getpid(), lock_fd),
    ) as pool:
        yield from pool.map(_parse_one, jobs, chunksize=64)
