"""Incremental ingest: the postmortem files of a corpus into the database, in one atomic step.

Rows belong to a file: (root, path), the corpus folder given to ingest and the file's path inside
it (``pmkit.corpus``). Ingest replaces and removes rows by that pair only, and removes the rows of
missing files only under the folders it walked: ingesting one file never touches its neighbours,
and two folders holding the same relative path never touch each other's rows. An unchanged file
(same size and modification time, else the same sha256) is not parsed again.

All of it is written like every write of the database (``pmkit.store.atomic``): under the ingest
lock, into a private copy renamed over the database at the end; the categories, the incident
register and the similar incidents are derived in the same copy.
"""

from __future__ import annotations

import hashlib
import math
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from pmkit.config import Config, RegisterSource, load_config
from pmkit.corpus import CorpusProblem, SourceFile, discover
from pmkit.gitdates import first_commit_dates
from pmkit.model import ParsedDocument, ParseIssue
from pmkit.store.atomic import checkpoint_behind, ingest_lock, lock_wait_seconds, private_copy
from pmkit.store.classify import reclassify
from pmkit.store.db import IngestError, stored_files
from pmkit.store.pool import PARALLEL_MIN_FILES, Job, cannot_read, parse_many, worker_start
from pmkit.store.rows import TABLE_NAMES, FileRows, frames, insert
from pmkit.store.summary import IngestSummary, count_parsed
from pmkit.taxonomy import Taxonomy, TaxonomyError, load_taxonomy

if TYPE_CHECKING:  # imported when used: scipy's import is not for a small ingest
    from pmkit.similar.prehash import Prehash

_BATCH_FILES = 2000
_BATCH_BYTES = 64 * 1024 * 1024
"""Parsed files are written to the database at most _BATCH_FILES files or _BATCH_BYTES bytes of
file text at a time (a batch's text sits in memory twice, in pandas and in DuckDB): memory stays
flat whatever the corpus size, and a few 50 MB files never share one batch."""
MAX_FILE_BYTES = 64 * 1024 * 1024
"""A file larger than this is not read: it gets a documents row (its size, no text) and an error.
Postmortems are kilobytes; a 300 MB log saved as ``.md`` would not fit DuckDB's memory cap."""
MAX_DURATION_MINUTES = 100 * 366 * 24 * 60.0
"""A duration longer than a century (or not a finite number) is refused: it is a typo, and an
infinite one breaks every chart (JSON has no infinity)."""
_INT64 = (-(2**63), 2**63 - 1)


@dataclass
class _Pending:
    """A file to (re)write: read already (``data``), to read in a worker, or not to read."""

    src: SourceFile
    data: bytes | None
    error: str | None
    """Why the file is not read (the message stored); None: read (or to read) it."""
    size: int
    mtime: int | None
    keep_stat: bool = False
    """Store size and mtime although the file is not read (too large): skipped until it
    changes, instead of being looked at again by every ingest."""

    def job(self, config: Config) -> Job:
        return (self.src.rel, str(self.src.path), self.data, self.error, config)


def _mtime(st: os.stat_result) -> int | None:
    """``st_mtime_ns``, or None past what a BIGINT holds (a file touched after 2262): such a
    file is hashed again by every ingest instead of stopping it."""
    ns = st.st_mtime_ns
    return ns if _INT64[0] <= ns <= _INT64[1] else None


def _too_large(size: int) -> str:
    return (
        f"file too large to ingest: {size / 2**20:.0f} MB (the limit is "
        f"{MAX_FILE_BYTES // 2**20} MB); not read"
    )


@dataclass
class _Plan:
    """What an ingest has to write, compared with what is stored."""

    changed: list[_Pending] = field(default_factory=list)
    touched: list[tuple[str, str, int | None]] = field(default_factory=list)
    """(root, path, mtime) of unchanged files whose modification time moved."""
    removed: list[tuple[str, str]] = field(default_factory=list)
    walked: set[str] = field(default_factory=set)
    """The folders given (resolved): their folder problems are written afresh."""
    problems: list[CorpusProblem] = field(default_factory=list)

    @property
    def replaced(self) -> list[tuple[str, str]]:
        """(root, path) of every file whose rows go (rewritten or removed)."""
        return [(str(p.src.root), p.src.rel) for p in self.changed] + self.removed

    def nothing_to_do(self) -> bool:
        return not (self.changed or self.removed or self.touched or self.problems)


_UNCHANGED = "unchanged"
_TOUCHED = "touched"
"""Unchanged content, but a new modification time to store."""


def _pending(
    src: SourceFile, old: tuple[int, int | None, str] | None
) -> _Pending | tuple[str, int | None]:
    """What to do with one file: the pending write, or ``(_UNCHANGED | _TOUCHED, mtime)``."""
    if src.refused:
        return _Pending(src, None, src.refused, 0, None)
    try:
        st = os.stat(src.path)
    except OSError as exc:
        return _Pending(src, None, cannot_read(exc), 0, None)
    size, mtime = st.st_size, _mtime(st)
    if not stat.S_ISREG(st.st_mode):  # reading a named pipe would block forever
        error = "cannot read file: not a regular file (pipe, socket or device)"
        return _Pending(src, None, error, 0, None)
    if old is not None and old[0] == size and old[1] == mtime and mtime is not None:
        return _UNCHANGED, mtime
    if size > MAX_FILE_BYTES:
        return _Pending(src, None, _too_large(size), size, mtime, keep_stat=True)
    if old is None:  # new: read, hashed and parsed in a worker
        return _Pending(src, None, None, size, mtime)
    try:
        data: bytes | None = src.path.read_bytes()
        err = None
    except OSError as exc:
        data, err = None, cannot_read(exc)
    if data is not None and old[2] == hashlib.sha256(data).hexdigest():
        return (_TOUCHED if old[1] != mtime else _UNCHANGED), mtime
    return _Pending(src, data, err, size if data is not None else 0, mtime)


def _plan(
    paths: Sequence[Path],
    known: dict[tuple[str, str], tuple[int, int | None, str]],
    summary: IngestSummary,
    remove_missing: bool,
) -> _Plan:
    files, problems = discover(paths, {root for root, _path in known})
    plan = _Plan(walked={str(p.resolve()) for p in paths if p.is_dir()}, problems=problems)
    seen: set[tuple[str, str]] = set()
    for src in files:
        key = (str(src.root), src.rel)
        if key in seen:  # a file given alone and inside a folder given too
            continue
        seen.add(key)
        pending = _pending(src, known.get(key))
        if isinstance(pending, _Pending):
            plan.changed.append(pending)
            continue
        summary.unchanged += 1
        state, mtime = pending
        if state == _TOUCHED:
            plan.touched.append((key[0], key[1], mtime))
    summary.files = len(seen)
    roots_with_files = {str(src.root) for src in files}
    summary.empty_folders = [
        str(p) for p in paths if p.is_dir() and str(p.resolve()) not in roots_with_files
    ]
    if remove_missing:
        # rows of a folder that could not be listed are kept: its files are not known to be gone
        unlisted = [(str(p.root), "" if p.rel == "." else p.rel + "/") for p in problems]
        plan.removed = [
            k
            for k in known
            if k[0] in plan.walked
            and k not in seen
            and not any(k[0] == r and k[1].startswith(sub) for r, sub in unlisted)
        ]
    summary.removed = len(plan.removed)
    return plan


def ingest_paths(
    paths: list[Path],
    db_path: Path,
    *,
    progress: bool = False,
    config: Config | None = None,
    workers: int | None = None,
    remove_missing: bool = True,
    registers: Sequence[RegisterSource] | None = None,
) -> IngestSummary:
    """Ingest files and folders into ``db_path`` incrementally, in one atomic step.

    Rows of files gone from a folder given here are removed (``remove_missing``); a file given
    alone only replaces its own rows. Raises :class:`IngestError`; a bad ``pmkit.toml`` raises
    ``ConfigError``.

    ``registers``: incident exports written in the same step (default: ``[register]`` of the
    configuration); see ``pmkit.register.store``.
    """
    from pmkit.register import store as register_store

    started = time.perf_counter()
    config = config or load_config()
    try:
        taxonomy = load_taxonomy(None, config)
    except TaxonomyError as exc:
        raise IngestError(str(exc)) from exc
    try:  # the incident register (issue 17): read before the lock, written with the files
        register = register_store.load(
            config.register_sources if registers is None else registers, config
        )
    except register_store.RegisterError as exc:
        raise IngestError(str(exc)) from exc
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    db_path = Path(db_path)
    summary = IngestSummary()
    with ingest_lock(db_path, lock_wait_seconds()) as lock_fd:
        stored = stored_files(db_path)
        plan = _plan(paths, stored, summary, remove_missing)
        if plan.nothing_to_do() and not register.sources and db_path.exists():
            summary.seconds = time.perf_counter() - started
            summary.similarity = "similarity: not recomputed (no file changed)"
            return summary
        parsed: Iterable[tuple[ParsedDocument, str]] = parse_many(
            [p.job(config) for p in plan.changed], workers, lock_fd
        )
        if progress:
            from rich.progress import track

            parsed = track(parsed, total=len(plan.changed), description="parsing", transient=True)
        prehash = _prehash(plan, len(stored), config, workers, lock_fd)

        def after(con: duckdb.DuckDBPyConnection, ready: Callable[[], None]) -> None:
            """What is derived from every postmortem, computed in the same private copy
            (``ready``: to call before writing, see ``_write``)."""
            # imported here: scipy's import (~0.15 s) is not for an ingest with nothing to do
            from pmkit.similar.cache import refresh

            known = prehash.result if prehash else None
            summary.similarity = refresh(con, config, known=known, before_write=ready).render()
            ready()
            register_store.apply(con, register)  # the incident register (issue 17)

        batches = _batches(plan, parsed, summary, prehash, workers)
        try:
            _write(db_path, batches, plan, taxonomy, after)
        finally:
            if prehash:
                prehash.close()
        summary.register = register.render()
        summary.errors += len(plan.problems)
        summary.error_messages.extend(f"{p.where}: {p.message}" for p in plan.problems)
    summary.seconds = time.perf_counter() - started
    return summary


def _prehash(plan: _Plan, stored: int, config: Config, workers: int, fd: int) -> Prehash | None:
    """Where the similarity's texts are hashed ahead (``pmkit.similar.prehash``): an ingest
    that parses many files and may stay under ``max_incidents`` (a file holds an incident or
    so; those of the unchanged files count against the limit too)."""
    limit = config.recurrence.max_incidents - max(0, stored - len(plan.replaced))
    if workers <= 1 or not PARALLEL_MIN_FILES <= len(plan.changed) <= 2 * limit:
        return None
    from pmkit.similar.prehash import Prehash

    return Prehash(limit, worker_start, (os.getpid(), fd))


def _batches(
    plan: _Plan,
    parsed: Iterable[tuple[ParsedDocument, str]],
    summary: IngestSummary,
    prehash: Prehash | None = None,
    workers: int = 1,
) -> Iterator[dict[str, pd.DataFrame]]:
    """Frames of at most _BATCH_FILES files or _BATCH_BYTES bytes of text each; the folder
    problems go with the last. ``prehash`` collects the incidents' texts and starts hashing
    them as soon as the last file is parsed, while the last batch is written."""
    git: dict[Path, dict[str, datetime]] = {}
    now = datetime.now(UTC).replace(tzinfo=None)
    files: list[FileRows] = []
    held = 0
    for pending, (doc, sha) in zip(plan.changed, parsed, strict=True):
        src = pending.src
        if src.root not in git and any(pm.drafted_at is None for pm in doc.incidents):
            git[src.root] = first_commit_dates(src.root)
        _refuse_out_of_range(doc)
        count_parsed(summary, doc)
        size = pending.size if sha or pending.keep_stat else 0
        if files and held + size > _BATCH_BYTES:
            yield frames(files, now, git)
            files, held = [], 0
        files.append(FileRows(src, doc, sha, size, pending.mtime))
        held += size
        if prehash is not None:
            prehash.add(doc)
        if len(files) >= _BATCH_FILES:
            yield frames(files, now, git)
            files, held = [], 0
    if prehash is not None:
        prehash.start(workers)
    yield frames(files, now, git, plan.problems)


def _refuse_out_of_range(doc: ParsedDocument) -> None:
    """A value a report cannot show becomes NULL with a warning: an infinite or century-long
    duration (the parser reads 400 nines as infinity; JSON, and so every chart, has none).
    Every value the store accepts is one a report can draw."""
    for pm in doc.incidents:
        minutes = pm.duration_minutes
        if minutes is not None and not (
            math.isfinite(minutes) and abs(minutes) <= MAX_DURATION_MINUTES
        ):
            pm.duration_minutes = pm.duration_source = None
            shown = f"{minutes:.3g}" if math.isfinite(minutes) else "infinite"
            doc.issues.append(
                ParseIssue(
                    "duration",
                    "warning",
                    f"duration out of range ({shown} minutes): not stored",
                    pm.line,
                    pm.incident_id,
                )
            )


def _write(
    db_path: Path,
    batches: Iterable[dict[str, pd.DataFrame]],
    plan: _Plan,
    taxonomy: Taxonomy,
    after: Callable[[duckdb.DuckDBPyConnection, Callable[[], None]], object],
) -> None:
    """Write the plan into a private copy and rename it over the database: all or nothing.

    The rows of every replaced file go; the folder problems of the walked roots are written
    afresh. ``after`` runs on the copy once the postmortems are written (the similar incidents,
    the register) while they are checkpointed behind it: it calls its second argument before
    it writes."""
    with private_copy(db_path) as con:
        if plan.replaced:
            keys = pd.DataFrame(sorted(set(plan.replaced)), columns=["root", "path"], dtype=str)
            con.register("_pmkit_replaced", keys)
            for table in (*TABLE_NAMES, "factor_categories"):
                # table names come from a fixed tuple, never from input
                con.execute(
                    f"DELETE FROM {table} AS t USING _pmkit_replaced AS r "  # noqa: S608
                    "WHERE t.root = r.root AND t.path = r.path"
                )
            con.unregister("_pmkit_replaced")
        if plan.walked:
            con.execute(
                "DELETE FROM parse_issues WHERE field = 'folder' AND list_contains(?, root)",
                [sorted(plan.walked)],
            )
        new_paths: list[str] = []
        for batch in batches:
            for table in TABLE_NAMES:
                insert(con, table, batch[table])
            new_paths.extend(batch["documents"]["path"].tolist())
            # committed batch by batch: DuckDB holds an open transaction's rows in memory
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")
        if plan.touched:
            con.executemany(
                "UPDATE documents SET mtime_ns = ? WHERE root = ? AND path = ?",
                [(m, r, p) for r, p, m in plan.touched],
            )
        if new_paths:
            # every stored document is new (a first ingest): classify all of them, which is
            # much cheaper than matching each row against a list of every path
            # fetchall: a half-read result would block reclassify's con.register
            ((stored,),) = con.execute("SELECT count(*) FROM documents").fetchall()
            everything = stored == len(new_paths)
            reclassify(con, taxonomy, None if everything else new_paths)
        # the rows so far are checkpointed behind the similarity's reading and computing
        with checkpoint_behind(con) as ready:
            after(con, ready)
        _flag_duplicate_ids(con)


def _flag_duplicate_ids(con: duckdb.DuckDBPyConnection) -> None:
    """The same incident id in two files is reported on each of them (once). The other file is
    named by its path, or by root and path when both roots hold the same path."""
    con.execute(
        "DELETE FROM parse_issues WHERE field = 'incident_id' AND message LIKE 'incident id % is also used in %'"
    )
    con.execute(
        """
        INSERT INTO parse_issues (root, path, incident_id, field, level, message, line)
        SELECT a.root, a.path, a.incident_id, 'incident_id', 'warning',
               'incident id ' || a.incident_id || ' is also used in '
               || min(CASE WHEN b.path = a.path THEN b.root || '/' || b.path ELSE b.path END),
               a.line
        FROM incidents a JOIN incidents b
          ON a.incident_id = b.incident_id AND (a.path <> b.path OR a.root <> b.root)
        GROUP BY a.root, a.path, a.incident_id, a.line
        """
    )
