"""Readers and a second ingest while an ingest runs.

- A read-only query (the report's own metric functions) run again and again while an ingest runs
  never fails and always sees exactly the old or the new database, never half of an ingest.
- A connection opened before the ingest keeps its snapshot until it is closed.
- A second ingest waits for the first (it does not write while the lock is held), then runs; with a
  short ``PMKIT_LOCK_WAIT`` it fails with a message that says another ingest is running.

No timed assertions: the reader loop asserts on every read, however many reads overlap the
ingest, and "the second ingest is waiting" is observed through the lock file it holds open.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hostile"))

from corpora import (  # noqa: E402
    Signature,
    Versions,
    ingest_command,
    kill_group,
    materialize,
    signature,
    start,
    versions,
)

from pmkit import metrics  # noqa: E402
from pmkit.store import ingest_lock  # noqa: E402

DEADLINE_S = 120


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """Versions of a corpus and the signature of a clean ingest of each."""
    base = tmp_path_factory.mktemp("concurrency")
    vs = versions(80)
    sigs: dict[str, Signature] = {}
    for name in ("a", "b"):
        corpus = base / f"ref-{name}"
        materialize(corpus, getattr(vs, name))
        db = base / f"ref-{name}.duckdb"
        _run(ingest_command(corpus, db))
        sigs[name] = signature(db)
    yield {"versions": vs, "sigs": sigs}


def _run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def _at_a(tmp_path: Path, vs: Versions) -> tuple[Path, Path]:
    """A corpus folder holding version a, ingested; returns (corpus, db)."""
    corpus, db = tmp_path / "corpus", tmp_path / "pmkit.duckdb"
    materialize(corpus, vs.a)
    _run(ingest_command(corpus, db))
    return corpus, db


def _read(db: Path) -> Signature:
    """What a report does: open read-only, run metric queries, close; returns the signature."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        f = metrics.Filters(as_of=date(2026, 6, 1), lookback_days=None)
        metrics.severity_by_period(con, f)
        metrics.overdue_actions(con, f)
        metrics.factor_frequency(con, f)
    finally:
        con.close()
    return signature(db)


def test_reads_during_an_ingest_see_old_or_new(tmp_path: Path, setup: dict[str, object]) -> None:
    vs: Versions = setup["versions"]  # type: ignore[assignment]
    sigs: dict[str, Signature] = setup["sigs"]  # type: ignore[assignment]
    corpus, db = _at_a(tmp_path, vs)
    assert _read(db) == sigs["a"]
    materialize(corpus, vs.b)
    proc = start(ingest_command(corpus, db))
    seen: list[str] = []
    try:
        deadline = time.monotonic() + DEADLINE_S
        while True:
            running = proc.poll() is None
            got = _read(db)
            assert got in (sigs["a"], sigs["b"]), "a reader saw half an ingest"
            seen.append("new" if got == sigs["b"] else "old")
            if not running or time.monotonic() > deadline:
                break
        out, err = proc.communicate(timeout=DEADLINE_S)
    finally:
        if proc.poll() is None:
            kill_group(proc)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert _read(db) == sigs["b"]
    # once a reader has seen the new database it never sees the old one again
    if "new" in seen:
        assert "old" not in seen[seen.index("new") :]


def test_open_connection_keeps_its_snapshot(tmp_path: Path, setup: dict[str, object]) -> None:
    vs: Versions = setup["versions"]  # type: ignore[assignment]
    corpus, db = _at_a(tmp_path, vs)
    con = duckdb.connect(str(db), read_only=True)
    try:
        before = con.execute("SELECT count(*), sum(length(path)) FROM documents").fetchone()
        materialize(corpus, vs.b)
        _run(ingest_command(corpus, db))
        assert con.execute("SELECT count(*), sum(length(path)) FROM documents").fetchone() == (
            before
        )
        f = metrics.Filters(as_of=date(2026, 6, 1), lookback_days=None)
        metrics.overdue_actions(con, f)  # still queryable after the file was replaced
    finally:
        con.close()
    setup_sigs: dict[str, Signature] = setup["sigs"]  # type: ignore[assignment]
    assert signature(db) == setup_sigs["b"]


def _holds_open(pid: int, path: Path) -> bool:
    """True when process ``pid`` has ``path`` open (Linux /proc)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return True
        except OSError:
            continue
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_second_ingest_waits_for_the_first(tmp_path: Path, setup: dict[str, object]) -> None:
    vs: Versions = setup["versions"]  # type: ignore[assignment]
    sigs: dict[str, Signature] = setup["sigs"]  # type: ignore[assignment]
    corpus, db = _at_a(tmp_path, vs)
    materialize(corpus, vs.b)
    lock_path = db.with_name(db.name + ".lock").resolve()
    with ingest_lock(db, wait_seconds=0):  # we are "the first ingest"
        proc = start(ingest_command(corpus, db), env={"PMKIT_LOCK_WAIT": "300"})
        try:
            deadline = time.monotonic() + DEADLINE_S
            while not _holds_open(proc.pid, lock_path):
                assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
                assert time.monotonic() < deadline, "second ingest never reached the lock"
                time.sleep(0.05)
            # it is waiting on the lock: it has written nothing
            assert proc.poll() is None
            assert signature(db) == sigs["a"]
        except BaseException:
            kill_group(proc)
            raise
    _out, err = proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert signature(db) == sigs["b"]


def test_second_ingest_gives_up_with_a_clear_message(
    tmp_path: Path, setup: dict[str, object]
) -> None:
    vs: Versions = setup["versions"]  # type: ignore[assignment]
    sigs: dict[str, Signature] = setup["sigs"]  # type: ignore[assignment]
    corpus, db = _at_a(tmp_path, vs)
    materialize(corpus, vs.b)
    with ingest_lock(db, wait_seconds=0):
        proc = subprocess.run(
            ingest_command(corpus, db),
            capture_output=True,
            text=True,
            timeout=DEADLINE_S,
            env={**os.environ, "PMKIT_LOCK_WAIT": "0.5"},
        )
    assert proc.returncode == 1
    assert "another ingest is running" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert signature(db) == sigs["a"]


def test_two_ingests_at_once_both_finish(tmp_path: Path, setup: dict[str, object]) -> None:
    vs: Versions = setup["versions"]  # type: ignore[assignment]
    sigs: dict[str, Signature] = setup["sigs"]  # type: ignore[assignment]
    corpus, db = _at_a(tmp_path, vs)
    materialize(corpus, vs.b)
    procs = [start(ingest_command(corpus, db)) for _ in range(2)]
    try:
        results = [p.communicate(timeout=DEADLINE_S) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                kill_group(p)
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err.decode()[-2000:]
    assert signature(db) == sigs["b"]


def test_report_during_an_ingest_runs(tmp_path: Path, setup: dict[str, object]) -> None:
    """``pmkit report --no-ingest`` (a real papermill kernel) while an ingest replaces the file."""
    vs: Versions = setup["versions"]  # type: ignore[assignment]
    sigs: dict[str, Signature] = setup["sigs"]  # type: ignore[assignment]
    corpus, db = _at_a(tmp_path, vs)
    materialize(corpus, vs.b)
    out = tmp_path / "reports"
    report = start(
        [sys.executable, "-m", "pmkit.cli", "report", "--db", str(db), "--no-ingest"]
        + ["--out", str(out), "--as-of", "2026-06-01", "--only", "severity_trends"]
    )
    ingest = start(ingest_command(corpus, db))
    try:
        results = {
            name: p.communicate(timeout=600) for name, p in (("ingest", ingest), ("report", report))
        }
    finally:
        for p in (ingest, report):
            if p.poll() is None:
                kill_group(p)
    assert ingest.returncode == 0, results["ingest"][1].decode()[-2000:]
    assert report.returncode == 0, results["report"][1].decode()[-2000:]
    assert (out / "2026-06-01" / "severity_trends.html").is_file()
    assert signature(db) == sigs["b"]
