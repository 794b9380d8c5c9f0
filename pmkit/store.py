"""DuckDB storage: schema, incremental ingest, connections.

Why copy-and-replace: DuckDB lets only one process open a file for writing and then no other
process may open it at all, so a report started during an ingest would fail. Ingest therefore
writes into a copy of the database and atomically renames it over the original at the end. Readers
keep the snapshot they opened; a crash (even SIGKILL) leaves the previous complete database; two
ingests are serialised by a lock file, whose holder is written in it (a lock kept by a process an
ingest left behind is then named as such); pool workers die with the ingest that started them.

Rows belong to a file: (root, path), the corpus folder given to ingest and the file's path inside
it. Ingest replaces and removes rows by that pair only, and removes the rows of missing files only
under the folders it walked: ingesting one file never touches its neighbours, and two folders
holding the same relative path never touch each other's rows.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import gc
import glob
import hashlib
import math
import multiprocessing
import os
import shutil
import signal
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from pmkit.config import Config, RegisterSource, load_config
from pmkit.factors import Taxonomy, TaxonomyError, load_taxonomy, reclassify
from pmkit.gitdates import first_commit_dates
from pmkit.model import ParsedDocument, ParseIssue
from pmkit.parse.decode import text_as_read
from pmkit.parse.document import parse_bytes

SUFFIXES = (".md", ".markdown", ".mdown", ".txt", ".md.erb", ".mdx")
_PARALLEL_MIN_FILES = 64
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
_DUCKDB_MEMORY = "256MB"
"""Buffer-pool cap of the ingest connection (DuckDB's default is 80% of the machine's RAM)."""
_INGEST_CHECKPOINT_THRESHOLD = "1TB"
"""WAL size at which the ingest connection checkpoints by itself: never, in practice. DuckDB's
default (16 MB) checkpoints after nearly every committed batch, and each checkpoint rewrites the
table's last, partial row group (all of it below 122,880 rows), so the cost grows faster than the
file count (replaying the 100k writes: 42 s with the default, 32 s without). The ingest writes a
private copy and checkpoints it once, explicitly, before the rename; the price is disk: the WAL
grows to about the size of the new rows (~680 MB at 100k files) until then."""
_LOCK_WAIT_SECONDS = 120.0


class IngestError(RuntimeError):
    """An ingest that could not run at all (locked database, unwritable folder)."""


class DatabaseNotWritable(IngestError):
    """The database, its lock file or its folder cannot be written (permissions, read-only disk)."""


def schema_sql() -> str:
    return resources.files("pmkit").joinpath("sql/schema.sql").read_text(encoding="utf-8")


def connect(db_path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database; a writable connection also creates any missing table."""
    db_path = Path(db_path)
    if read_only:
        if not db_path.exists():
            raise IngestError(f"{db_path}: no database yet (run `pmkit ingest` first)")
        return duckdb.connect(str(db_path), read_only=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path))
    con.execute(schema_sql())
    return con


@dataclass
class IngestSummary:
    files: int = 0
    parsed: int = 0
    unchanged: int = 0
    removed: int = 0
    incidents: int = 0
    actions: int = 0
    warnings: int = 0
    errors: int = 0
    unfilled: int = 0
    process_docs: int = 0
    seconds: float = 0.0
    error_messages: list[str] = field(default_factory=list)
    register: str = ""
    """The incident register's summary (pmkit.register.store.RegisterBatch.render)."""
    similarity: str = ""
    """What the similar-incidents refresh did (pmkit.similar.cache.RefreshSummary.render)."""

    def render(self) -> str:
        lines = [
            f"files: {self.files} ({self.parsed} parsed, {self.unchanged} unchanged, "
            f"{self.removed} removed)",
            f"incidents: {self.incidents}   actions: {self.actions}   unfilled templates: "
            f"{self.unfilled}   process docs: {self.process_docs}",
            f"issues: {self.errors} errors, {self.warnings} warnings   ({self.seconds:.2f} s)",
        ]
        lines.extend(f"  error: {m}" for m in self.error_messages[:20])
        if len(self.error_messages) > 20:
            lines.append(f"  ... and {len(self.error_messages) - 20} more (see table parse_issues)")
        if self.register:
            lines.append(self.register)
        if self.similarity:
            lines.append(self.similarity)
        return "\n".join(lines)


@dataclass(frozen=True)
class SourceFile:
    root: Path
    """The corpus folder: the folder given, or for a file given alone the stored root holding
    it (else its own folder)."""
    path: Path
    rel: str
    """Path inside ``root`` (``/``-separated), as ``documents.path`` stores it."""
    refused: str | None = None
    """Why the file is not read (a symbolic link leading out of the corpus); None: read it."""


@dataclass(frozen=True)
class WalkProblem:
    """A folder that could not be listed: its files are neither read nor removed."""

    root: Path
    rel: str
    message: str


_OUTSIDE = "symbolic link to a file outside the corpus folder: not followed"


def _is_postmortem_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(SUFFIXES) and not lower.startswith(".") and lower != "readme.md"


def _storable(name: str) -> str:
    """A file name whose bytes are not UTF-8 (``os.walk`` returns them as surrogates, which
    DuckDB refuses) as storable text: ``bad\\xffname.md``; valid names are unchanged."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _link_refused(link: str, root: str) -> str | None:
    """Why a symbolic link is not followed: it leads out of ``root`` (a resolved path)."""
    return None if _inside(os.path.realpath(link), root) else _OUTSIDE


def _walk(root: Path, files: list[SourceFile], problems: list[WalkProblem]) -> None:
    """Append the postmortem files under ``root`` (sorted, folder by folder, depth first).

    Links to folders are not followed (no loops); a folder named ``x.md`` is a folder; hidden
    folders are skipped. ``os.scandir`` says which entries are links at no extra cost, so only a
    link costs a ``realpath``."""
    top = str(root)
    stack = [""]
    while stack:
        prefix = stack.pop()
        folder = os.path.join(top, prefix) if prefix else top
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            rel = _storable(prefix.rstrip("/") or ".")
            problems.append(WalkProblem(root, rel, f"cannot list folder: {exc.strerror or exc}"))
            continue
        names: list[tuple[str, bool]] = []
        folders: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.name.startswith(".") and not entry.is_symlink():
                    folders.append(entry.name)
            elif _is_postmortem_name(entry.name):
                names.append((entry.name, entry.is_symlink()))
        # the relative path is built as a string (pathlib per file cost more than the walk)
        for name, is_link in sorted(names):
            full = os.path.join(folder, name)
            refused = _link_refused(full, top) if is_link else None
            files.append(SourceFile(root, Path(full), _storable(prefix + name), refused))
        stack.extend(prefix + d + "/" for d in sorted(folders, reverse=True))


def _root_for(folder: Path, known_roots: Iterable[str]) -> Path:
    """The deepest known corpus root holding ``folder`` (resolved), else ``folder`` itself."""
    best = ""
    for root in known_roots:
        if _inside(str(folder), root) and len(root) > len(best):
            best = root
    return Path(best) if best else folder


def discover(
    paths: Iterable[Path], known_roots: Iterable[str] = ()
) -> tuple[list[SourceFile], list[WalkProblem]]:
    """Files to ingest under ``paths``, and the folders that could not be listed.

    A folder given is a corpus root. A file given alone belongs to the deepest of
    ``known_roots`` (the roots already stored) that holds it, so its rows are the ones a folder
    ingest wrote; else its own folder is its root. A symbolic link to a file outside its root is
    listed with ``refused`` set and never read.
    """
    files: list[SourceFile] = []
    problems: list[WalkProblem] = []
    known = list(known_roots)
    for given in paths:
        if given.is_dir():
            _walk(given.resolve(), files, problems)
            continue
        folder = given.absolute().parent.resolve()
        root = _root_for(folder, known)
        full = folder / given.name
        rel = _storable(os.path.relpath(full, root).replace(os.sep, "/"))
        refused = _link_refused(str(full), str(root)) if full.is_symlink() else None
        files.append(SourceFile(root, full, rel, refused))
    return files, problems


def _parse_one(
    args: tuple[str, str, bytes | None, str | None, Config],
) -> tuple[ParsedDocument, str]:
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
            error = _cannot_read(exc)
    if data is None:
        doc = ParsedDocument(path=rel, template="unreadable", raw_text="")
        doc.issues.append(ParseIssue("document", "error", error or "cannot read file"))
        return doc, ""
    doc = parse_bytes(data, rel, config)
    doc.raw_text = text_as_read(data, doc.raw_text)
    return doc, hashlib.sha256(data).hexdigest()


def _cannot_read(exc: OSError) -> str:
    return f"cannot read file: {exc.strerror or exc}"


_PR_SET_PDEATHSIG = 1


def _worker_start(parent: int, lock_fd: int | None) -> None:
    """Pool worker set-up: die with the ingest, and let go of its lock.

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


def _parse_many(
    jobs: list[tuple[str, str, bytes | None, str | None, Config]],
    workers: int,
    lock_fd: int | None = None,
) -> Iterator[tuple[ParsedDocument, str]]:
    if workers <= 1 or len(jobs) < _PARALLEL_MIN_FILES:
        yield from map(_parse_one, jobs)
        return
    # fork: the workers inherit the config and job list instead of unpickling them
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_worker_start,
        initargs=(os.getpid(), lock_fd),
    ) as pool:
        yield from pool.map(_parse_one, jobs, chunksize=64)


def lock_wait_seconds() -> float:
    """How long a second ingest waits for the first: ``PMKIT_LOCK_WAIT`` seconds, else 120."""
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
    """One ingest per database at a time: the second waits, then fails with a clear message.

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


_COLUMNS_SQL = "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"


@cache
def _schema_columns() -> frozenset[tuple[str, str]]:
    """(table, column) of every column the current schema defines."""
    con = duckdb.connect()
    try:
        con.execute(schema_sql())
        return frozenset(con.execute(_COLUMNS_SQL).fetchall())
    finally:
        con.close()


def _is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a database has every column of this version's schema.

    A database written by an older pmkit lacks new columns; it is rebuilt from the files (every
    file parsed again) rather than patched, so no row holds a column its parser never filled."""
    return _schema_columns() <= set(con.execute(_COLUMNS_SQL).fetchall())


def _known(db_path: Path) -> dict[tuple[str, str], tuple[int, int | None, str]]:
    """(root, path) -> (size, mtime_ns, sha256) of every stored document; empty for a database
    of an older schema, which the next write rebuilds."""
    if not db_path.exists():
        return {}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        if not _is_current(con):
            return {}
        rows = con.execute(
            "SELECT root, path, size_bytes, mtime_ns, sha256 FROM documents"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    finally:
        con.close()
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def _frames(
    docs: list[tuple[SourceFile, ParsedDocument, str, int, int | None]],
    now: datetime,
    git: dict[Path, dict[str, datetime]],
    walk_problems: Iterable[WalkProblem] = (),
) -> dict[str, pd.DataFrame]:
    documents, incidents, events, actions, factors, issues = [], [], [], [], [], []
    for src, doc, sha, size, mtime in docs:
        root = str(src.root)
        documents.append(
            (
                root,
                doc.path,
                sha,
                size,
                mtime,
                now,
                doc.template,
                doc.is_unfilled_template,
                doc.is_process_doc,
                doc.raw_text,
            )
        )
        git_dates = git.get(src.root, {})
        for pm in doc.incidents:
            if pm.drafted_at is None and doc.path in git_dates:
                pm.drafted_at, pm.drafted_source = git_dates[doc.path], "git"
            iid = pm.incident_id
            incidents.append(
                (
                    root,
                    doc.path,
                    iid,
                    pm.title,
                    pm.severity_label,
                    pm.severity_scheme,
                    pm.severity_level,
                    pm.status,
                    pm.owner,
                    pm.team,
                    pm.incident_date,
                    pm.started_at,
                    pm.detected_at,
                    pm.acknowledged_at,
                    pm.mitigated_at,
                    pm.resolved_at,
                    pm.started_source,
                    pm.detected_source,
                    pm.acknowledged_source,
                    pm.mitigated_source,
                    pm.resolved_source,
                    pm.duration_minutes,
                    pm.duration_source,
                    pm.drafted_at,
                    pm.drafted_source,
                    pm.reviewed_at,
                    pm.reviewed_source,
                    pm.services,
                    pm.responders,
                    pm.customer_impact,
                    pm.executive_summary,
                    pm.root_cause,
                    pm.trigger,
                    pm.lessons,
                    pm.line,
                )
            )
            events.extend(
                (
                    root,
                    doc.path,
                    iid,
                    e.seq,
                    e.occurred_at,
                    e.occurred_on,
                    e.time_text,
                    e.event,
                    e.actor,
                    e.line,
                )
                for e in pm.timeline
            )
            actions.extend(
                (
                    root,
                    doc.path,
                    iid,
                    a.action_id,
                    a.text,
                    a.owner,
                    a.due_date,
                    a.status,
                    a.status_text,
                    a.priority,
                    a.kind,
                    a.tracking_ref,
                    a.section,
                    a.line,
                )
                for a in pm.actions
            )
            factors.extend((root, doc.path, iid, f.seq, f.text, f.line) for f in pm.factors)
        issues.extend(
            (root, doc.path, i.incident_id, i.field, i.level, i.message, i.line) for i in doc.issues
        )
    issues.extend(
        (str(p.root), p.rel, None, "folder", "error", p.message, None) for p in walk_problems
    )
    return {
        "documents": pd.DataFrame(
            documents,
            columns=[
                "root",
                "path",
                "sha256",
                "size_bytes",
                "mtime_ns",
                "ingested_at",
                "template",
                "is_unfilled_template",
                "is_process_doc",
                "raw_text",
            ],
        ),
        "incidents": pd.DataFrame(
            incidents,
            columns=[
                "root",
                "path",
                "incident_id",
                "title",
                "severity_label",
                "severity_scheme",
                "severity_level",
                "status",
                "owner",
                "team",
                "incident_date",
                "started_at",
                "detected_at",
                "acknowledged_at",
                "mitigated_at",
                "resolved_at",
                "started_source",
                "detected_source",
                "acknowledged_source",
                "mitigated_source",
                "resolved_source",
                "duration_minutes",
                "duration_source",
                "drafted_at",
                "drafted_source",
                "reviewed_at",
                "reviewed_source",
                "services",
                "responders",
                "customer_impact",
                "executive_summary",
                "root_cause",
                "trigger",
                "lessons",
                "line",
            ],
        ),
        "timeline_events": pd.DataFrame(
            events,
            columns=[
                "root",
                "path",
                "incident_id",
                "seq",
                "occurred_at",
                "occurred_on",
                "time_text",
                "event",
                "actor",
                "line",
            ],
        ),
        "action_items": pd.DataFrame(
            actions,
            columns=[
                "root",
                "path",
                "incident_id",
                "action_id",
                "text",
                "owner",
                "due_date",
                "status",
                "status_text",
                "priority",
                "kind",
                "tracking_ref",
                "section",
                "line",
            ],
        ),
        "contributing_factors": pd.DataFrame(
            factors, columns=["root", "path", "incident_id", "seq", "text", "line"]
        ),
        "parse_issues": pd.DataFrame(
            issues, columns=["root", "path", "incident_id", "field", "level", "message", "line"]
        ),
    }


_TABLES = (
    "documents",
    "incidents",
    "timeline_events",
    "action_items",
    "contributing_factors",
    "parse_issues",
)
_CASTS = {
    "incident_date": "CAST(incident_date AS DATE)",
    "due_date": "CAST(due_date AS DATE)",
    "occurred_on": "CAST(occurred_on AS DATE)",
    "severity_level": "CAST(severity_level AS INTEGER)",
    "services": "CAST(services AS VARCHAR[])",
    "responders": "CAST(responders AS VARCHAR[])",
    "mtime_ns": "CAST(mtime_ns AS BIGINT)",
    "line": "CAST(line AS INTEGER)",
    "seq": "CAST(seq AS INTEGER)",
}
_TIMESTAMP_COLS = {
    "ingested_at",
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "drafted_at",
    "reviewed_at",
    "occurred_at",
}


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    exprs = []
    for col in frame.columns:
        name = f'"{col}"'
        if col in _CASTS:
            exprs.append(f"{_CASTS[col]} AS {name}")
        elif col in _TIMESTAMP_COLS:
            exprs.append(f"CAST({name} AS TIMESTAMP) AS {name}")
        else:
            exprs.append(name)
    view = f"_pmkit_new_{table}"
    con.register(view, frame)
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    # identifiers come from the fixed lists above, never from input
    con.execute(f"INSERT INTO {table} ({cols}) SELECT {', '.join(exprs)} FROM {view}")  # noqa: S608
    con.unregister(view)


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

    def job(self, config: Config) -> tuple[str, str, bytes | None, str | None, Config]:
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
    started = time.perf_counter()
    config = config or load_config()
    try:
        taxonomy = load_taxonomy(config.taxonomy_path if config.taxonomy_path.is_file() else None)
    except TaxonomyError as exc:
        raise IngestError(str(exc)) from exc
    # --- incident register (issue 17): read before the lock, written inside _write ---
    from pmkit.register import store as register_store

    try:
        register = register_store.load(
            config.register_sources if registers is None else registers, config
        )
    except register_store.RegisterError as exc:
        raise IngestError(str(exc)) from exc
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    db_path = Path(db_path)
    summary = IngestSummary()
    with ingest_lock(db_path, lock_wait_seconds()) as lock_fd:
        known = _known(db_path)
        files, walk_problems = discover(paths, {root for root, _path in known})
        walked = {str(p.resolve()) for p in paths if p.is_dir()}
        seen: set[tuple[str, str]] = set()
        changed: list[_Pending] = []
        touched: list[tuple[str, str, int | None]] = []
        for src in files:
            key = (str(src.root), src.rel)
            if key in seen:  # a file given alone and inside a folder given too
                continue
            seen.add(key)
            if src.refused:
                changed.append(_Pending(src, None, src.refused, 0, None))
                continue
            try:
                st = os.stat(src.path)
            except OSError as exc:
                changed.append(_Pending(src, None, _cannot_read(exc), 0, None))
                continue
            size, mtime = st.st_size, _mtime(st)
            if not stat.S_ISREG(st.st_mode):  # reading a named pipe would block forever
                error = "cannot read file: not a regular file (pipe, socket or device)"
                changed.append(_Pending(src, None, error, 0, None))
                continue
            old = known.get(key)
            if old is not None and old[0] == size and old[1] == mtime and mtime is not None:
                summary.unchanged += 1
                continue
            if size > MAX_FILE_BYTES:
                changed.append(_Pending(src, None, _too_large(size), size, mtime, keep_stat=True))
                continue
            if old is None:  # new: read, hashed and parsed in a worker
                changed.append(_Pending(src, None, None, size, mtime))
                continue
            try:
                data = src.path.read_bytes()
                err = None
            except OSError as exc:
                data, err = None, _cannot_read(exc)
            if data is not None and old[2] == hashlib.sha256(data).hexdigest():
                summary.unchanged += 1
                if old[1] != mtime:
                    touched.append((key[0], key[1], mtime))
                continue
            changed.append(_Pending(src, data, err, size if data is not None else 0, mtime))
        summary.files = len(seen)
        # rows of a folder that could not be listed are kept: its files are not known to be gone
        unlisted = [(str(p.root), "" if p.rel == "." else p.rel + "/") for p in walk_problems]
        removed = (
            [
                k
                for k in known
                if k[0] in walked
                and k not in seen
                and not any(k[0] == r and k[1].startswith(sub) for r, sub in unlisted)
            ]
            if remove_missing
            else []
        )
        summary.removed = len(removed)
        if (
            not changed
            and not removed
            and not touched
            and not walk_problems
            and not register.sources
        ):
            summary.seconds = time.perf_counter() - started
            if db_path.exists():
                summary.similarity = "similarity: not recomputed (no file changed)"
                return summary
        parsed = _parse_many([p.job(config) for p in changed], workers, lock_fd)
        if progress:
            from rich.progress import track

            parsed = track(parsed, total=len(changed), description="parsing", transient=True)
        git: dict[Path, dict[str, datetime]] = {}
        now = datetime.now(UTC).replace(tzinfo=None)

        def batches() -> Iterator[dict[str, pd.DataFrame]]:
            """Frames of at most _BATCH_FILES files or _BATCH_BYTES bytes of text each."""
            docs: list[tuple[SourceFile, ParsedDocument, str, int, int | None]] = []
            held = 0
            for pending, (doc, sha) in zip(changed, parsed, strict=True):
                src = pending.src
                if src.root not in git and any(pm.drafted_at is None for pm in doc.incidents):
                    git[src.root] = first_commit_dates(src.root)
                _refuse_out_of_range(doc)
                _count(summary, doc)
                size = pending.size if sha or pending.keep_stat else 0
                if docs and held + size > _BATCH_BYTES:
                    yield _frames(docs, now, git)
                    docs, held = [], 0
                docs.append((src, doc, sha, size, pending.mtime))
                held += size
                if len(docs) >= _BATCH_FILES:
                    yield _frames(docs, now, git)
                    docs, held = [], 0
            yield _frames(docs, now, git, walk_problems)

        replaced = [(str(p.src.root), p.src.rel) for p in changed] + removed

        def after(con: duckdb.DuckDBPyConnection) -> None:
            """What is derived from every postmortem, computed in the same private copy."""
            register_store.apply(con, register)  # the incident register (issue 17)
            from pmkit.similar.cache import refresh

            summary.similarity = refresh(con, config).render()  # similar incidents (issue 18)

        _write(db_path, batches(), replaced, touched, walked, taxonomy, after=after)
        summary.register = register.render()
        summary.errors += len(walk_problems)
        summary.error_messages.extend(
            f"{os.path.join(p.root, p.rel)}: {p.message}" for p in walk_problems
        )
    summary.seconds = time.perf_counter() - started
    return summary


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


def _count(summary: IngestSummary, doc: ParsedDocument) -> None:
    """Add one parsed file to the ingest summary."""
    summary.parsed += 1
    summary.incidents += 0 if doc.is_unfilled_template else len(doc.incidents)
    summary.actions += sum(len(pm.actions) for pm in doc.incidents)
    summary.unfilled += doc.is_unfilled_template
    summary.process_docs += doc.is_process_doc
    for issue in doc.issues:
        if issue.level == "error":
            summary.errors += 1
            line = f":{issue.line}" if issue.line else ""
            summary.error_messages.append(f"{doc.path}{line}: {issue.message}")
        elif issue.level == "warning":
            summary.warnings += 1


def db_is_current(db_path: Path) -> bool:
    """Whether the database file has every column of this version's schema."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return _is_current(con)
    finally:
        con.close()


def _write(
    db_path: Path,
    batches: Iterable[dict[str, pd.DataFrame]],
    replace: list[tuple[str, str]],
    touched: list[tuple[str, str, int | None]],
    walked: set[str],
    taxonomy: Taxonomy,
    after: Callable[[duckdb.DuckDBPyConnection], object] | None = None,
) -> None:
    """Write into a copy, then rename it over the database: all or nothing.

    ``replace`` is the (root, path) of every file whose rows go (rewritten or removed); the
    folder problems of the ``walked`` roots are written afresh. ``after`` runs on the copy
    inside the transaction, once the postmortems are written (the register, similar
    incidents)."""
    try:
        _write_copy(db_path, batches, replace, touched, walked, taxonomy, after)
    except (OSError, duckdb.IOException) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DatabaseNotWritable(f"cannot write the database {db_path}: {detail}") from exc


def _write_copy(
    db_path: Path,
    batches: Iterable[dict[str, pd.DataFrame]],
    replace: list[tuple[str, str]],
    touched: list[tuple[str, str, int | None]],
    walked: set[str],
    taxonomy: Taxonomy,
    after: Callable[[duckdb.DuckDBPyConnection], object] | None = None,
) -> None:
    """The work of :func:`_write`, whose errors it turns into ones the CLI can report."""
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    # under the ingest lock no other ingest writes: copies left by a killed one are garbage
    for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.*.tmp*"):
        stale.unlink(missing_ok=True)
    for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.*.spill"):
        shutil.rmtree(stale, ignore_errors=True)  # the spilled buffers of a killed ingest
    if db_path.exists() and db_is_current(db_path):
        shutil.copyfile(db_path, tmp)
    spill = db_path.with_name(f".{db_path.name}.{os.getpid()}.spill")
    con = connect(tmp)
    try:
        # The copy is private until the rename (which is what makes an ingest all or nothing),
        # so rows are committed batch by batch: DuckDB holds an open transaction's rows in
        # memory. With the buffer pool capped too, memory stays flat whatever the corpus size.
        con.execute("SET memory_limit = ?", [_DUCKDB_MEMORY])
        con.execute("SET temp_directory = ?", [str(spill)])
        # no automatic checkpoint per commit (see _INGEST_CHECKPOINT_THRESHOLD): the copy is
        # checkpointed once, below; a crash before the rename leaves only garbage copies
        con.execute("SET checkpoint_threshold = ?", [_INGEST_CHECKPOINT_THRESHOLD])
        con.execute("BEGIN TRANSACTION")
        if replace:
            keys = pd.DataFrame(sorted(set(replace)), columns=["root", "path"], dtype=str)
            con.register("_pmkit_replaced", keys)
            for table in (*_TABLES, "factor_categories"):
                # table names come from the fixed tuple above, never from input
                con.execute(
                    f"DELETE FROM {table} AS t USING _pmkit_replaced AS r "  # noqa: S608
                    "WHERE t.root = r.root AND t.path = r.path"
                )
            con.unregister("_pmkit_replaced")
        if walked:
            con.execute(
                "DELETE FROM parse_issues WHERE field = 'folder' AND list_contains(?, root)",
                [sorted(walked)],
            )
        new_paths: list[str] = []
        for frames in batches:
            for table in _TABLES:
                _insert(con, table, frames[table])
            new_paths.extend(frames["documents"]["path"].tolist())
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")
        if touched:
            con.executemany(
                "UPDATE documents SET mtime_ns = ? WHERE root = ? AND path = ?",
                [(m, r, p) for r, p, m in touched],
            )
        if new_paths:
            # every stored document is new (a first ingest): classify all of them, which is
            # much cheaper than matching each row against a list of every path
            # fetchall: a half-read result would block reclassify's con.register
            ((stored,),) = con.execute("SELECT count(*) FROM documents").fetchall()
            everything = stored == len(new_paths)
            reclassify(con, taxonomy, None if everything else new_paths)
        if after is not None:
            after(con)
        _flag_duplicate_ids(con)
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
