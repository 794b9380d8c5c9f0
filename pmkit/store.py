"""DuckDB storage: schema, incremental ingest, connections.

Why copy-and-replace: DuckDB lets only one process open a file for writing and then no other
process may open it at all, so a report started during an ingest would fail. Ingest therefore
writes into a copy of the database and atomically renames it over the original at the end. Readers
keep the snapshot they opened; a crash (even SIGKILL) leaves the previous complete database; two
ingests are serialised by a lock file.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import glob
import hashlib
import os
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from pmkit.config import Config, load_config
from pmkit.factors import Taxonomy, TaxonomyError, load_taxonomy, reclassify
from pmkit.gitdates import first_commit_dates
from pmkit.model import ParsedDocument, ParseIssue
from pmkit.parse.document import parse_bytes

SUFFIXES = (".md", ".markdown", ".mdown", ".txt", ".md.erb", ".mdx")
_PARALLEL_MIN_FILES = 64
_BATCH_FILES = 2000
"""Parsed files are written to the database this many at a time (bounded memory)."""
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
        return "\n".join(lines)


@dataclass(frozen=True)
class SourceFile:
    root: Path
    path: Path
    rel: str


def _is_postmortem_name(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(SUFFIXES) and not lower.startswith(".") and lower != "readme.md"


def _storable(name: str) -> str:
    """A file name whose bytes are not UTF-8 (``os.walk`` returns them as surrogates, which
    DuckDB refuses) as storable text: ``bad\\xffname.md``; valid names are unchanged."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover(paths: Iterable[Path]) -> tuple[list[SourceFile], list[tuple[str, ParseIssue]]]:
    """Files to ingest under ``paths``, with (path, issue) for what cannot be walked.

    Symlinks to folders are not followed (no loops); a folder named ``x.md`` is a folder.
    """
    files: list[SourceFile] = []
    problems: list[tuple[str, ParseIssue]] = []
    for given in paths:
        if not given.is_dir():
            root = given.absolute().parent
            files.append(SourceFile(root, root / given.name, _storable(given.name)))
            continue
        root = given.resolve()
        walk_errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=walk_errors.append):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            # os.walk puts folders (and links to them) in dirnames, so these are all files;
            # the relative path is built as a string (pathlib per file cost more than the walk)
            sub = os.path.relpath(dirpath, root)
            prefix = "" if sub == "." else sub.replace(os.sep, "/") + "/"
            for name in sorted(filenames):
                if _is_postmortem_name(name):
                    files.append(SourceFile(root, Path(dirpath, name), _storable(prefix + name)))
        for err in walk_errors:
            rel = _storable(os.path.relpath(err.filename or str(root), root))
            msg = f"cannot list folder: {err.strerror or err}"
            problems.append((rel, ParseIssue("document", "error", msg)))
    return files, problems


def _parse_one(
    args: tuple[str, str, bytes | None, str | None, Config],
) -> tuple[ParsedDocument, str]:
    """Parse one file and return it with its sha256. A file not read yet (no data, no error) is
    read here, in the worker: a full ingest then reads each file once, in parallel, and the
    parent never holds the whole corpus in memory."""
    rel, full, data, read_error, config = args
    if data is None and read_error is None:
        try:
            data = Path(full).read_bytes()
        except OSError as exc:
            read_error = exc.strerror or str(exc)
    if data is None:
        doc = ParsedDocument(path=rel, template="unreadable", raw_text="")
        doc.issues.append(ParseIssue("document", "error", f"cannot read file: {read_error}"))
        return doc, ""
    return parse_bytes(data, rel, config), hashlib.sha256(data).hexdigest()


def _parse_many(
    jobs: list[tuple[str, str, bytes | None, str | None, Config]], workers: int
) -> Iterator[tuple[ParsedDocument, str]]:
    if workers <= 1 or len(jobs) < _PARALLEL_MIN_FILES:
        yield from map(_parse_one, jobs)
        return
    # gc.freeze: a forked worker's garbage collector never walks the objects it inherited
    # (the file lists of a 100k-file ingest), which otherwise costs CPU on every full pass
    with ProcessPoolExecutor(max_workers=workers, initializer=gc.freeze) as pool:
        yield from pool.map(_parse_one, jobs, chunksize=64)


def lock_wait_seconds() -> float:
    """How long a second ingest waits for the first: ``PMKIT_LOCK_WAIT`` seconds, else 120."""
    try:
        return max(0.0, float(os.environ.get("PMKIT_LOCK_WAIT") or _LOCK_WAIT_SECONDS))
    except ValueError:
        return _LOCK_WAIT_SECONDS


@contextmanager
def ingest_lock(db_path: Path, wait_seconds: float = _LOCK_WAIT_SECONDS) -> Iterator[None]:
    """One ingest per database at a time: the second waits, then fails with a clear message."""
    lock_path = db_path.with_name(db_path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    raise IngestError(
                        f"{db_path}: another ingest is running (lock {lock_path}); "
                        f"waited {wait_seconds:.0f} s"
                    ) from exc
                time.sleep(0.2)
        try:
            yield
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
                (doc.path, iid, e.seq, e.occurred_at, e.time_text, e.event, e.actor, e.line)
                for e in pm.timeline
            )
            actions.extend(
                (
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
            factors.extend((doc.path, iid, f.seq, f.text, f.line) for f in pm.factors)
        issues.extend(
            (doc.path, i.incident_id, i.field, i.level, i.message, i.line) for i in doc.issues
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
                "path",
                "incident_id",
                "seq",
                "occurred_at",
                "time_text",
                "event",
                "actor",
                "line",
            ],
        ),
        "action_items": pd.DataFrame(
            actions,
            columns=[
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
            factors, columns=["path", "incident_id", "seq", "text", "line"]
        ),
        "parse_issues": pd.DataFrame(
            issues, columns=["path", "incident_id", "field", "level", "message", "line"]
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


def ingest_paths(
    paths: list[Path],
    db_path: Path,
    *,
    progress: bool = False,
    config: Config | None = None,
    workers: int | None = None,
    remove_missing: bool = True,
) -> IngestSummary:
    """Ingest files and folders into ``db_path`` incrementally, in one atomic step."""
    started = time.perf_counter()
    config = config or load_config()
    try:
        taxonomy = load_taxonomy(config.taxonomy_path if config.taxonomy_path.is_file() else None)
    except TaxonomyError as exc:
        raise IngestError(str(exc)) from exc
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    db_path = Path(db_path)
    summary = IngestSummary()
    with ingest_lock(db_path, lock_wait_seconds()):
        files, walk_issues = discover(paths)
        summary.files = len(files)
        known = _known(db_path)
        roots = {str(f.root) for f in files} | {str(p.resolve()) for p in paths if p.is_dir()}
        seen: set[tuple[str, str]] = set()
        changed: list[tuple[SourceFile, bytes | None, str | None, str, int, int | None]] = []
        touched: list[tuple[str, str, int | None]] = []
        for src in files:
            key = (str(src.root), src.rel)
            seen.add(key)
            try:
                st = src.path.stat()
                size, mtime = st.st_size, st.st_mtime_ns
            except OSError as exc:
                changed.append((src, None, exc.strerror or str(exc), "", 0, None))
                continue
            if not stat.S_ISREG(st.st_mode):  # reading a named pipe would block forever
                changed.append(
                    (src, None, "not a regular file (pipe, socket or device)", "", 0, None)
                )
                continue
            old = known.get(key)
            if old is None:  # new: read, hashed and parsed in a worker
                changed.append((src, None, None, "", size, mtime))
                continue
            if old[0] == size and old[1] == mtime:
                summary.unchanged += 1
                continue
            try:
                data = src.path.read_bytes()
                err = None
            except OSError as exc:
                data, err = None, exc.strerror or str(exc)
            sha = hashlib.sha256(data).hexdigest() if data is not None else ""
            if old is not None and data is not None and old[2] == sha:
                summary.unchanged += 1
                touched.append((key[0], key[1], mtime))
                continue
            changed.append((src, data, err, sha, size if data is not None else 0, mtime))
        removed = [k for k in known if k[0] in roots and k not in seen] if remove_missing else []
        summary.removed = len(removed)
        if not changed and not removed and not touched and not walk_issues:
            summary.seconds = time.perf_counter() - started
            if db_path.exists():
                return summary
        jobs = [(src.rel, str(src.path), data, err, config) for src, data, err, *_ in changed]
        parsed = _parse_many(jobs, workers)
        if progress:
            from rich.progress import track

            parsed = track(parsed, total=len(jobs), description="parsing", transient=True)
        git: dict[Path, dict[str, datetime]] = {}
        now = datetime.now(UTC).replace(tzinfo=None)

        def batches() -> Iterator[dict[str, pd.DataFrame]]:
            """Frames of at most _BATCH_FILES parsed files each: memory stays flat at any size."""
            docs: list[tuple[SourceFile, ParsedDocument, str, int, int | None]] = []
            for (src, _data, _err, _sha, size, mtime), (doc, sha) in zip(
                changed, parsed, strict=True
            ):
                if src.root not in git and any(pm.drafted_at is None for pm in doc.incidents):
                    git[src.root] = first_commit_dates(src.root)
                _count(summary, doc)
                docs.append((src, doc, sha, size if sha else 0, mtime))
                if len(docs) >= _BATCH_FILES:
                    yield _frames(docs, now, git)
                    docs = []
            frames = _frames(docs, now, git)
            for rel, issue in walk_issues:
                frames["parse_issues"].loc[len(frames["parse_issues"])] = [
                    rel,
                    None,
                    issue.field,
                    issue.level,
                    issue.message,
                    issue.line,
                ]
            yield frames

        replaced = [(str(src.root), src.rel) for src, *_ in changed] + removed
        _write(db_path, batches(), replaced, touched, taxonomy, config)
        summary.errors += len(walk_issues)
        summary.error_messages.extend(f"{rel}: {i.message}" for rel, i in walk_issues)
    summary.seconds = time.perf_counter() - started
    return summary


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


def _db_is_current(db_path: Path) -> bool:
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
    taxonomy: Taxonomy,
    config: Config | None = None,
) -> None:
    """Write into a copy, then rename it over the database: all or nothing."""
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    # under the ingest lock no other ingest writes: copies left by a killed one are garbage
    for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.*.tmp*"):
        stale.unlink(missing_ok=True)
    for stale in db_path.parent.glob(f".{glob.escape(db_path.name)}.*.spill"):
        shutil.rmtree(stale, ignore_errors=True)  # the spilled buffers of a killed ingest
    if db_path.exists() and _db_is_current(db_path):
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
        paths = sorted({p for _root, p in replace})
        if paths:
            con.register("_pmkit_paths", pd.DataFrame({"path": paths}))
            for table in (*_TABLES, "factor_categories"):
                # table names come from the fixed tuple above, never from input
                con.execute(f"DELETE FROM {table} WHERE path IN (SELECT path FROM _pmkit_paths)")  # noqa: S608
            con.unregister("_pmkit_paths")
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
        _flag_duplicate_ids(con)
        from pmkit.similar.cache import refresh  # issue 18: similar incidents, in this copy

        refresh(con, config)
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
    """The same incident id in two files is reported on each of them (once)."""
    con.execute(
        "DELETE FROM parse_issues WHERE field = 'incident_id' AND message LIKE 'incident id % is also used in %'"
    )
    con.execute(
        """
        INSERT INTO parse_issues
        SELECT a.path, a.incident_id, 'incident_id', 'warning',
               'incident id ' || a.incident_id || ' is also used in ' || min(b.path), a.line
        FROM incidents a JOIN incidents b ON a.incident_id = b.incident_id AND a.path <> b.path
        GROUP BY a.path, a.incident_id, a.line
        """
    )
