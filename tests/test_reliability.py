"""Issue 15: what an attack on ingest, reports and lint found, one test per failure (item N in the
test name's docstring). Each failed before its fix. Real parts only: DuckDB files, the CLI entry
point, subprocesses killed with SIGKILL, an unprivileged user through ``setpriv``.

Items 4, 6, 8, 16 (parser) and 17 (draft file mode) are tested with their fixes elsewhere.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hostile"))

from make_hostile import filled  # noqa: E402

from pmkit import metrics, store  # noqa: E402
from pmkit.cli import main  # noqa: E402
from pmkit.config import ConfigError, load_config  # noqa: E402
from pmkit.corpus import OUTSIDE  # noqa: E402
from pmkit.lint import lint_paths, render  # noqa: E402
from pmkit.parse.decode import decode_bytes  # noqa: E402
from pmkit.store import ingest_paths  # noqa: E402

DEADLINE_S = 120
"""How long a test waits for something that must happen (never a timing assertion)."""


def _rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# --- the database matches the corpus --------------------------------------------------------


def test_ingesting_one_file_keeps_its_neighbours(tmp_path: Path) -> None:
    """Item 1: ``pmkit ingest single/a.md`` after ``pmkit ingest single`` removed ``b.md``."""
    corpus = tmp_path / "single"
    _write(corpus / "a.md", filled(title="Alpha", iid="INC-A"))
    _write(corpus / "b.md", filled(title="Bravo", iid="INC-B"))
    _write(corpus / "sub" / "c.md", filled(title="Charlie", iid="INC-C"))
    db = tmp_path / "d.duckdb"
    assert main(["ingest", str(corpus), "--db", str(db), "-q"]) == 0
    _write(corpus / "a.md", filled(title="Alpha edited", iid="INC-A"))
    _write(corpus / "sub" / "c.md", filled(title="Charlie edited", iid="INC-C"))

    one = ingest_paths([corpus / "a.md"], db, workers=1)
    assert (one.parsed, one.removed) == (1, 0)
    deep = ingest_paths([corpus / "sub" / "c.md"], db, workers=1)  # under the folder's root
    assert (deep.parsed, deep.removed) == (1, 0)

    root = str(corpus.resolve())
    assert _rows(db, "SELECT root, path FROM documents ORDER BY path") == [
        (root, "a.md"),
        (root, "b.md"),
        (root, "sub/c.md"),
    ]
    assert _rows(db, "SELECT path, title FROM incidents ORDER BY path") == [
        ("a.md", "Alpha edited"),
        ("b.md", "Bravo"),
        ("sub/c.md", "Charlie edited"),
    ]
    assert _rows(db, "SELECT count(*) FROM action_items") == [(3,)]
    again = ingest_paths([corpus], db, workers=1)  # the folder again: nothing to do
    assert (again.parsed, again.unchanged, again.removed) == (0, 3, 0)


def test_two_roots_with_the_same_path_keep_their_own_rows(tmp_path: Path) -> None:
    """Item 2: an edit in teamA deleted teamB's rows of the same relative path (and said
    "0 removed"); the next unchanged ingest swapped them."""
    name = "2026-03-04-outage.md"
    team_a, team_b = tmp_path / "teamA", tmp_path / "teamB"
    _write(team_a / name, filled(title="Outage A", iid="INC-A"))
    _write(team_b / name, filled(title="Outage B", iid="INC-B"))
    db = tmp_path / "d.duckdb"
    ingest_paths([team_a, team_b], db, workers=1)
    _write(team_a / name, filled(title="Outage A edited", iid="INC-A"))
    edited = ingest_paths([team_a, team_b], db, workers=1)
    assert (edited.parsed, edited.unchanged, edited.removed) == (1, 1, 0)
    same = ingest_paths([team_a, team_b], db, workers=1)
    assert (same.parsed, same.unchanged, same.removed) == (0, 2, 0)

    a, b = str(team_a.resolve()), str(team_b.resolve())
    expected = [(a, "INC-A", "Outage A edited"), (b, "INC-B", "Outage B")]
    assert _rows(db, "SELECT root, incident_id, title FROM incidents ORDER BY root") == expected
    for table in ("documents", "action_items", "timeline_events", "contributing_factors"):
        per_root = _rows(db, f"SELECT root, count(*) FROM {table} GROUP BY root ORDER BY root")  # noqa: S608
        assert [r for r, _n in per_root] == [a, b], table
        assert per_root[0][1] == per_root[1][1], table
    cats = _rows(db, "SELECT root, incident_id FROM factor_categories ORDER BY root")
    assert {r for r, _i in cats} == {a, b} and all(
        i == {a: "INC-A", b: "INC-B"}[r] for r, i in cats
    )
    # one folder alone never removes the other's rows
    only_a = ingest_paths([team_a], db, workers=1)
    assert only_a.removed == 0
    assert len(_rows(db, "SELECT * FROM incidents")) == 2


def test_raw_text_is_the_text_as_read(tmp_path: Path) -> None:
    """Item 3: raw_text held the repaired text (``cafÃ©`` stored as ``café``; CRLF dropped)."""
    text = filled(title="Caf\u00c3\u00a9 outage", iid="INC-CAFE").replace("\n", "\r\n")
    data = text.encode("utf-8")
    _write(tmp_path / "c" / "crlf-mojibake.md", data)
    latin = filled(title="Caf\u00e9 r\u00e9seau", iid="INC-LATIN")
    _write(tmp_path / "c" / "latin1.md", latin.encode("latin-1"))
    db = tmp_path / "d.duckdb"
    ingest_paths([tmp_path / "c"], db, workers=1)
    raw = dict(_rows(db, "SELECT path, raw_text FROM documents"))
    assert raw["crlf-mojibake.md"] == text  # every character as read, CRLF included
    assert len(raw["crlf-mojibake.md"]) == len(data.decode("utf-8"))
    assert raw["latin1.md"] == latin
    titles = dict(_rows(db, "SELECT path, title FROM incidents"))
    assert titles["crlf-mojibake.md"] == "Caf\u00e9 outage"  # the parser read the repaired text
    fixes = [m for (m,) in _rows(db, "SELECT message FROM parse_issues WHERE field = 'encoding'")]
    assert any("mojibake repaired" in m for m in fixes) and any("CRLF" in m for m in fixes)


def test_a_file_modified_after_2262_is_ingested(tmp_path: Path) -> None:
    """Item 5: an mtime past 2262 (over 64-bit nanoseconds) aborted every ingest of its folder."""
    corpus = tmp_path / "c"
    future = _write(corpus / "x.md", filled(title="Future stamp", iid="INC-FUT"))
    _write(corpus / "y.md", filled(title="Plain", iid="INC-Y"))
    stamp = 10_413_792_000 * 10**9  # 2300-01-01 in nanoseconds
    os.utime(future, ns=(stamp, stamp))
    if future.stat().st_mtime_ns != stamp:
        pytest.skip("this file system cannot store a time past 2262")
    db = tmp_path / "d.duckdb"
    assert ingest_paths([corpus], db, workers=1).parsed == 2
    assert ingest_paths([corpus], db, workers=1).unchanged == 2  # read again, same sha: unchanged
    _write(future, filled(title="Future stamp edited", iid="INC-FUT"))
    os.utime(future, ns=(stamp, stamp))
    assert ingest_paths([corpus], db, workers=1).parsed == 1
    assert ("Future stamp edited",) in _rows(db, "SELECT title FROM incidents")


# --- one hostile file never stops everything -------------------------------------------------


def test_a_file_over_the_size_cap_gets_a_row_and_an_error(tmp_path: Path) -> None:
    """Item 7 (cap): a 300 MB file aborted the ingest (DuckDB could not allocate); it now gets a
    documents row with its size and a clear error, and is not read. Sparse: no disk is used."""
    corpus = tmp_path / "c"
    _write(corpus / "good.md", filled(title="Good", iid="INC-GOOD"))
    huge = corpus / "huge.md"
    with huge.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    db = tmp_path / "d.duckdb"
    summary = ingest_paths([corpus], db, workers=1)
    assert summary.errors >= 1 and any("huge.md" in m for m in summary.error_messages)
    docs = {
        r[0]: r[1:] for r in _rows(db, "SELECT path, template, size_bytes, raw_text FROM documents")
    }
    assert docs["huge.md"][0] == "unreadable" and docs["huge.md"][1] == 300 * 1024 * 1024
    assert not docs["huge.md"][2]
    (message,) = _rows(db, "SELECT message FROM parse_issues WHERE path = 'huge.md'")[0]
    assert "too large" in message and f"{store.MAX_FILE_BYTES // 2**20} MB" in message
    assert ("INC-GOOD",) in _rows(db, "SELECT incident_id FROM incidents")
    # unchanged since: not read again
    assert ingest_paths([corpus], db, workers=1).unchanged == 2


@pytest.mark.slow
def test_four_50mb_files_in_one_folder_are_ingested(tmp_path: Path) -> None:
    """Item 7 (batches): four 50 MB files in one batch went over DuckDB's 256 MB memory cap."""
    corpus = tmp_path / "c"
    block = (
        "- 10:00 UTC retry storm on the queue workers, pod restarts, dns lag\n" * 1000
    ).encode()
    for n in range(4):
        path = _write(corpus / f"big-{n}.md", filled(title=f"Big {n}", iid=f"INC-BIG{n}"))
        with path.open("ab") as fh:
            while fh.tell() < 50 * 1024 * 1024:
                fh.write(block)
    _write(corpus / "small.md", filled(title="Small", iid="INC-SMALL"))
    db = tmp_path / "d.duckdb"
    summary = ingest_paths([corpus], db, workers=2)
    assert summary.parsed == 5
    sizes = dict(_rows(db, "SELECT path, length(raw_text) FROM documents"))
    assert all(sizes[f"big-{n}.md"] >= 50 * 1024 * 1024 for n in range(4))


NINES = "9" * 400


@pytest.mark.parametrize("written", [f"{NINES} minutes", "99999999 days"], ids=["inf", "huge"])
def test_an_infinite_duration_is_not_stored(tmp_path: Path, written: str) -> None:
    """Item 9 (store): ``**Duration**:`` of 400 nines stored ``infinity`` without a warning, and
    the severity report then failed on it. The store refuses it (and a duration over a century)
    with a warning on the field."""
    corpus = tmp_path / "c"
    text = filled(title="Endless", iid="INC-INF").replace(
        "**Duration**: 14:05 UTC to 15:40 UTC", f"**Duration**: {written}"
    )
    _write(corpus / "endless.md", text)
    db = tmp_path / "d.duckdb"
    ingest_paths([corpus], db, workers=1)
    assert _rows(db, "SELECT duration_minutes FROM incidents") == [(None,)]
    issues = _rows(db, "SELECT level, message FROM parse_issues WHERE field = 'duration'")
    assert issues and issues[0][0] == "warning" and "out of range" in issues[0][1]
    con = duckdb.connect(str(db), read_only=True)
    try:  # every number the severity report shows is finite (JSON has no infinity)
        f = metrics.Filters(as_of=date(2026, 6, 1), lookback_days=None)
        frame = metrics.duration_by_severity(con, f)
        assert json.dumps(frame.to_dict("records"), default=str, allow_nan=False)
    finally:
        con.close()


@pytest.mark.slow
def test_report_runs_on_an_infinite_duration(tmp_path: Path) -> None:
    """Item 9 (report): ``pmkit report`` exited 1 in severity_trends and published nothing."""
    corpus = tmp_path / "c"
    text = filled(title="Endless", iid="INC-INF").replace(
        "**Duration**: 14:05 UTC to 15:40 UTC", f"**Duration**: {NINES} minutes"
    )
    _write(corpus / "endless.md", text)
    _write(corpus / "plain.md", filled(title="Plain", iid="INC-PLAIN", date="2026-03-05"))
    db, out = tmp_path / "d.duckdb", tmp_path / "reports"
    argv = ["report", "--corpus", str(corpus), "--db", str(db), "--out", str(out)]
    assert main([*argv, "--as-of", "2026-06-01", "--jobs", "1"]) == 0
    assert (out / "2026-06-01" / "severity_trends.html").is_file()


# --- locks and crashes ------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Living processes whose parent is ``pid`` (zombies count as gone)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _many_files(corpus: Path, n: int) -> None:
    for i in range(n):
        _write(corpus / f"m/{i:05d}.md", filled(title=f"Outage {i}", iid=f"INC-{i:05d}"))


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")
def test_killing_the_ingest_process_ends_its_workers(tmp_path: Path) -> None:
    """Item 10: after ``kill -9`` of only the ingest's main process (as the OOM killer does) its
    two pool workers lived on under PID 1 holding ``<db>.lock``: every later ingest failed."""
    corpus, db = tmp_path / "c", tmp_path / "d.duckdb"
    _many_files(corpus, 1500)
    cmd = [sys.executable, "-m", "pmkit.cli", "ingest", str(corpus), "--db", str(db), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + DEADLINE_S
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert workers, "the ingest ran no pool workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + DEADLINE_S
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
        assert not left, f"workers {left} outlived the ingest"
    finally:
        _kill([p for p in (proc.pid, *workers) if _alive(p)])
    with store.ingest_lock(db, wait_seconds=5):  # free: nothing holds it any more
        pass


_ORPHAN_HOLDER = """
import os, signal, sys, time
from pathlib import Path
from pmkit.store import ingest_lock
with ingest_lock(Path(sys.argv[1])):
    child = os.fork()
    if child == 0:  # lets go of the test's pipes, keeps the lock
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        time.sleep(600)
        os._exit(0)
    print(child, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_lock_held_by_a_leftover_process_is_named_as_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 10 (stale lock): a lock kept by a process the ingest left behind is reported as such,
    with the ingest that took it, not as "another ingest is running"."""
    db = tmp_path / "d.duckdb"
    _write(tmp_path / "c" / "a.md", filled())
    holder = subprocess.run(
        [sys.executable, "-c", _ORPHAN_HOLDER, str(db)], capture_output=True, text=True
    )
    orphan = int(holder.stdout.strip())
    try:
        monkeypatch.setenv("PMKIT_LOCK_WAIT", "0")
        assert main(["ingest", str(tmp_path / "c"), "--db", str(db), "-q"]) == 1
        err = capsys.readouterr().err
        assert "left over" in err and str(holder_pid(db)) in err, err
    finally:
        _kill([orphan])


def holder_pid(db: Path) -> int:
    return int(db.with_name(db.name + ".lock").read_text().split()[0])


_PUBLISH_CHILD = """
import os, shutil, signal, sys
from pathlib import Path
import pmkit.reports.publish as publish
stop_at = int(sys.argv[3])
events = [0]
def tick():
    events[0] += 1
    if events[0] == stop_at:
        os.kill(os.getpid(), signal.SIGKILL)
def killing(fn):
    def step(*args, **kwargs):  # a kill just before and just after each file-system step
        tick()
        result = fn(*args, **kwargs)
        tick()
        return result
    return step
os.rename = killing(os.rename)
os.replace = killing(os.replace)
shutil.rmtree = killing(shutil.rmtree)
if sys.argv[4] == "fallback":  # a file system without renameat2's exchange
    publish.exchange = lambda a, b: False
else:
    publish.exchange = killing(publish.exchange)
publish.publish(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def _run_folder(folder: Path, content: str) -> None:
    _write(folder / "severity_trends.html", content)
    manifest = {
        "as_of": folder.name,
        "notebooks": [
            {"name": "severity_trends", "title": "Severity", "html": "severity_trends.html"}
        ],
    }
    _write(folder / "run.json", json.dumps(manifest))


def _index_targets(out: Path) -> list[Path]:
    import re

    html = (out / "index.html").read_text(encoding="utf-8")
    return [out / href for href in re.findall(r'href="([^"]+)"', html)]


@pytest.mark.parametrize("how", ["exchange", "fallback"])
def test_replacing_a_same_date_run_is_atomic(tmp_path: Path, how: str) -> None:
    """Item 11: a SIGKILL right after the old run was renamed aside left only
    ``.2026-11-16.old-*``, and index.html linked a missing folder. Killed after each step of the
    publish, and just before each, the run folder holds the old run or the new one (with the
    exchange; without it, once the next run has put the old one back) and the next run cleans
    up."""
    from pmkit.reports import publish
    from pmkit.reports.index import write_index

    killed_at: list[tuple[Path, str | None]] = []
    for stop_at in range(1, 16):
        out = tmp_path / f"out-{stop_at}"
        final = out / "2026-11-16"
        _run_folder(final, "old")
        write_index(out)
        tmp = out / ".2026-11-16.tmp-test"
        _run_folder(tmp, "new")
        proc = subprocess.run(
            [sys.executable, "-c", _PUBLISH_CHILD, str(tmp), str(final), str(stop_at), how],
            capture_output=True,
            text=True,
        )
        killed = proc.returncode == -signal.SIGKILL
        assert killed or proc.returncode == 0, proc.stderr[-2000:]
        state = None
        if how == "exchange":
            assert final.is_dir(), f"killed at step {stop_at}: no run folder"
            state = (final / "severity_trends.html").read_text()
            assert state in ("old", "new"), stop_at
            assert all(t.is_file() for t in _index_targets(out)), stop_at
        killed_at.append((out, state))
        if not killed:
            assert state in ("new", None)
            break
    outcomes = set()
    for out, state in killed_at:
        publish.clean_leftovers(out)  # what the next run does first
        assert sorted(p.name for p in out.iterdir()) == ["2026-11-16", "index.html"], out
        after = (out / "2026-11-16" / "severity_trends.html").read_text()
        assert after == state if state else after in ("old", "new")
        assert all(t.is_file() for t in _index_targets(out)), out
        outcomes.add(after)
    assert outcomes == {"old", "new"}
    assert after == "new"  # the run that was not killed published


# --- clear errors instead of tracebacks -------------------------------------------------------


def _as_nobody(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the venv's Python as ``nobody`` when root (root ignores permissions), else as is."""
    if os.geteuid() != 0:
        prefix: list[str] = []
    else:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) is not installed")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    return subprocess.run(
        [*prefix, sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "HOME": str(cwd)},
    )


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder anyone may use (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="pmkit-rel-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for dirpath, dirs, _files in os.walk(folder):
            for d in dirs:
                os.chmod(os.path.join(dirpath, d), 0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_lint_names_an_unlistable_folder(open_folder: Path) -> None:
    """Item 12: ``pmkit lint DIR`` with an unlistable subfolder raised AttributeError."""
    corpus = open_folder / "corpus"
    _write(corpus / "ok.md", filled())
    _write(corpus / "locked" / "inside.md", filled(title="Inside"))
    for p in (corpus, corpus / "ok.md"):
        p.chmod(0o777 if p.is_dir() else 0o666)
    (corpus / "locked").chmod(0)
    proc = _as_nobody(["-m", "pmkit.cli", "lint", str(corpus)], open_folder)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert f"{corpus / 'locked'}:1: error: cannot list folder: Permission denied" in proc.stdout
    assert f"{corpus / 'ok.md'}:" in proc.stdout


def test_db_in_an_unwritable_folder_is_a_one_line_error(open_folder: Path) -> None:
    """Item 13: ``--db`` in a folder the user cannot write gave a PermissionError traceback."""
    corpus = open_folder / "corpus"
    _write(corpus / "ok.md", filled())
    corpus.chmod(0o755)
    (corpus / "ok.md").chmod(0o644)
    closed = open_folder / "closed"
    closed.mkdir(mode=0o755)
    db = closed / "pmkit.duckdb"
    proc = _as_nobody(["-m", "pmkit.cli", "ingest", str(corpus), "--db", str(db)], open_folder)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Permission denied" in lines[0] and str(closed) in lines[0], lines


def test_report_into_an_unwritable_folder_is_a_one_line_error(open_folder: Path) -> None:
    """``pmkit report --out`` in a folder the user cannot write: exit 2 and one line, before
    the ingest (no database is written for a run that cannot be published)."""
    corpus = open_folder / "corpus"
    _write(corpus / "ok.md", filled())
    corpus.chmod(0o755)
    (corpus / "ok.md").chmod(0o644)
    closed = open_folder / "closed"
    closed.mkdir(mode=0o755)
    db = open_folder / "pm.duckdb"
    args = ["report", "--corpus", str(corpus), "--db", str(db), "--out", str(closed / "reports")]
    proc = _as_nobody(["-m", "pmkit.cli", *args, "--as-of", "2026-11-16"], open_folder)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(closed) in lines[0] and "not writable" in lines[0], lines
    assert not db.exists()


def test_report_with_an_unwritable_db_is_a_one_line_error(open_folder: Path) -> None:
    """``pmkit report --db`` in a folder the user cannot write: exit 2 and one line."""
    corpus = open_folder / "corpus"
    _write(corpus / "ok.md", filled())
    corpus.chmod(0o755)
    (corpus / "ok.md").chmod(0o644)
    closed = open_folder / "closed"
    closed.mkdir(mode=0o755)
    args = ["report", "--corpus", str(corpus), "--db", str(closed / "pm.duckdb")]
    args += ["--out", str(open_folder / "reports"), "--as-of", "2026-11-16"]
    proc = _as_nobody(["-m", "pmkit.cli", *args], open_folder)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Permission denied" in lines[0] and str(closed) in lines[0], lines


@pytest.mark.parametrize("level", ["99999999999", "-7", "2.5", '"high"'])
def test_bad_severity_level_in_config_is_a_clean_error(
    tmp_path: Path,
    level: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Item 14: ``"S1" = 99999999999`` passed the check and aborted the ingest (INT32 cast);
    ``"S1" = -7`` was a ConfigError traceback."""
    toml = _write(tmp_path / "pmkit.toml", f'[severity.levels]\n"S1" = {level}\n')
    with pytest.raises(ConfigError, match=r"severity\.levels\.S1 must be a whole number"):
        load_config(toml)
    _write(tmp_path / "c" / "a.md", filled())
    monkeypatch.chdir(tmp_path)
    assert main(["ingest", "c", "--db", "d.duckdb", "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pmkit.toml" in err[0] and "S1" in err[0], err


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        ("# Outage\n\nCaf\u00e9 \u2013 ok\n".encode("utf-16-le"), "UTF-16 (LE"),
        ("# Outage\n\nCaf\u00e9 \u2013 ok\n".encode("utf-16-be"), "UTF-16 (BE"),
        (
            codecs.BOM_UTF32_LE + "# Outage\n\nCaf\u00e9 \u2013 ok\n".encode("utf-32-le"),
            "UTF-32 (LE",
        ),
        (
            codecs.BOM_UTF32_BE + "# Outage\n\nCaf\u00e9 \u2013 ok\n".encode("utf-32-be"),
            "UTF-32 (BE",
        ),
    ],
    ids=["utf16le-no-bom", "utf16be-no-bom", "utf32le-bom", "utf32be-bom"],
)
def test_utf16_without_bom_and_utf32_are_text(data: bytes, codec: str) -> None:
    """Item 15: these were marked ``binary`` with a misleading message."""
    decoded = decode_bytes(data)
    assert not decoded.is_binary
    assert decoded.text == "# Outage\n\nCaf\u00e9 \u2013 ok\n"
    assert any(codec in fix for fix in decoded.fixes), decoded.fixes


def test_binary_with_nul_bytes_is_still_binary() -> None:
    """Item 15's guard: the UTF-16/32 sniffing does not turn random bytes into text."""
    import random

    assert decode_bytes(random.Random(1).randbytes(4096)).is_binary
    assert decode_bytes(b"\x00" * 64).is_binary


def test_a_symlink_out_of_the_corpus_is_not_followed(tmp_path: Path) -> None:
    """Item 18 (ingest): a link to ``/etc/passwd`` (or any file outside) ended up in raw_text."""
    corpus = tmp_path / "c"
    secret = _write(tmp_path / "outside" / "secret.md", "# Secret\n\nroot:x:0:0\n")
    _write(corpus / "real.md", filled(title="Real", iid="INC-REAL"))
    (corpus / "passwd.md").symlink_to("/etc/passwd")
    (corpus / "secret.md").symlink_to(secret)
    (corpus / "inside.md").symlink_to("real.md")  # inside the corpus: followed
    db = tmp_path / "d.duckdb"
    ingest_paths([corpus], db, workers=1)
    docs = {r[0]: r[1:] for r in _rows(db, "SELECT path, template, raw_text FROM documents")}
    for name in ("passwd.md", "secret.md"):
        assert docs[name][0] == "unreadable" and "root:" not in (docs[name][1] or "")
        (message,) = _rows(db, "SELECT message FROM parse_issues WHERE path = ?", [name])[0]
        assert "outside the corpus" in message and "not followed" in message
    assert docs["inside.md"][0] != "unreadable"
    linted = {m.path: m.message for m in lint_paths([corpus]) if m.code == "no-file"}
    assert linted == {
        str(corpus / "passwd.md"): OUTSIDE,
        str(corpus / "secret.md"): OUTSIDE,
    }
    # named on the command line, the same link is refused the same way
    ingest_paths([corpus / "secret.md"], db, workers=1)
    assert "root:" not in str(_rows(db, "SELECT raw_text FROM documents"))


def test_lint_keeps_a_file_name_with_a_newline_on_one_line(tmp_path: Path) -> None:
    """Item 18 (lint): a newline in a file name split lint's output, so a crafted name could
    forge lines."""
    corpus = tmp_path / "c"
    forged = "x.md:1: error: forged\nreal.md"
    _write(corpus / forged, "# Not a postmortem\n")
    messages = lint_paths([corpus])
    out = render(messages).splitlines()
    assert len(out) == len(messages) >= 1
    assert all(line.startswith(str(corpus / "x.md:1: error: forged\\nreal.md")) for line in out)
    assert json.loads(render(messages, "json"))[0]["path"] == str(corpus / forged)
