"""The attacks that held (issue 15), kept as tests so they keep holding.

- Markup through every field a postmortem has (title, id, owner, responders, summary, impact,
  root cause, trigger, lessons, timeline, factors, actions), with a file name that is markup
  and a folder name that is SQL: stored verbatim, shown as text by the explorer and by every
  report (the reports run in ``make test-slow``).
- SQL in folder and file names through every kind of ingest (folder, file alone, edit, removal).
- A named pipe named on the command line (ingest and lint), folder-link loops and chains.
- Two ingests of different folders into one database at once: both land, serialised.
- ``pmkit report`` killed with SIGKILL at random moments: every run folder the index links is
  whole, and the next run cleans up (slow).

Kill -9 of ingest (``test_crash.py``, ``test_reliability.py``), concurrent ingests of one
folder (``test_concurrency.py``), symlink self-loops and pipes in a folder (``test_hostile.py``)
and hostile draft titles (``test_injection.py``) are tested where they were.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hostile"))

from corpora import ingest_command, kill_group, start  # noqa: E402
from make_hostile import filled  # noqa: E402

from pmkit.cli import main  # noqa: E402
from pmkit.store import ingest_paths  # noqa: E402

FOLDER = "corpus'); DROP TABLE documents; --"
FILE = "2026-03-04-<svg onload=x('file')>.md"
EVERY_FIELD = """\
# Incident Post-Mortem: &lt;script&gt;x('title')&lt;/script&gt;

**Incident ID**: INC-&lt;img src=x onerror=x('id')&gt;
**Date**: 2026-03-04
**Duration**: 14:05 UTC to 15:40 UTC
**Severity**: SEV1
**Incident Commander**: &lt;img src=x onerror=x('commander')&gt;
**Owner**: &lt;script&gt;x('owner')&lt;/script&gt;
**Services Affected**: api
**Status**: Final

## Executive Summary

&lt;script&gt;x('summary')&lt;/script&gt; checkout broke.

## Customer Impact

&lt;img src=x onerror=x('impact')&gt; customers saw errors.

## Timeline

| Time (UTC) | Description | Owner |
|------------|-------------|-------|
| 14:05 | &lt;script&gt;x('event')&lt;/script&gt; deploy | CI |
| 15:40 | Rolled back, resolved | CI |

## Root Cause

&lt;img src=x onerror=x('rootcause')&gt; a bad config.

## Trigger

&lt;script&gt;x('trigger')&lt;/script&gt; a deploy.

## Contributing Factors

- &lt;img src=x onerror=x('factor')&gt; no validation in CI

## Action Items

| ID | Action | Owner | Due Date | Status | Priority |
|----|--------|-------|----------|--------|----------|
| ACT-1 | &lt;script&gt;x('action')&lt;/script&gt; validate | Tom | 2026-03-20 | Open | \
&lt;script&gt;x('prio')&lt;/script&gt; |

## Lessons Learned

&lt;img src=x onerror=x('lessons')&gt; test configs.
"""
MARKUP = re.compile(r"<(script|img|svg|iframe)\b[^>]*x\(", re.IGNORECASE)
"""An injected tag as markup (escaped, it reads ``&lt;script&gt;x(``)."""


class _Markup(HTMLParser):
    """Every tag that carries an event handler or a script URL, and all the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _check_page(html: str, where: str) -> str:
    """Assert ``html`` holds no injected markup; returns its text."""
    assert not MARKUP.search(html), f"{where}: {MARKUP.search(html)}"
    page = _Markup()
    page.feed(html)
    assert not page.problems, f"{where}: {page.problems}"
    return "".join(page.parts)


@pytest.fixture(scope="module")
def attack_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The every-field postmortem and a calm one in a folder named with SQL, ingested."""
    base = tmp_path_factory.mktemp("attack")
    corpus = base / FOLDER
    corpus.mkdir()
    (corpus / FILE).write_text(EVERY_FIELD, encoding="utf-8")
    (corpus / "2026-03-10-calm.md").write_text(
        filled(title="Calm", iid="INC-CALM", date="2026-03-10"), encoding="utf-8"
    )
    db = base / "pmkit.duckdb"
    assert ingest_paths([corpus], db, workers=1).incidents == 2
    yield corpus, db


def test_every_field_is_stored_as_the_text_written(attack_db: tuple[Path, Path]) -> None:
    """The fixture really carries markup into every field (else the escaping tests prove
    nothing); the folder and file names are stored verbatim."""
    corpus, db = attack_db
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT root, incident_id, title, owner, responders, executive_summary, "
            'customer_impact, root_cause, "trigger", lessons FROM incidents WHERE path = ?',
            [FILE],
        ).fetchone()
        (event,) = con.execute(
            "SELECT event FROM timeline_events WHERE seq = 1 AND path = ?", [FILE]
        ).fetchone()
        action = con.execute(
            "SELECT text, priority FROM action_items WHERE path = ?", [FILE]
        ).fetchone()
        (factor,) = con.execute(
            "SELECT text FROM contributing_factors WHERE path = ?", [FILE]
        ).fetchone()
        texts = [event, *action, factor]
    finally:
        con.close()
    assert row is not None and row[0] == str(corpus.resolve())
    fields = [*row[1:4], row[4][0], *row[5:], *texts]
    assert len(fields) == 13
    for value in fields:
        assert re.search(r"<(script|img)\b", value), value


def test_the_explorer_shows_every_field_as_text(attack_db: tuple[Path, Path]) -> None:
    """The explorer's incident table and detail pane, as the panel renders them."""
    from pmkit.explore import ExploreDB, ExploreState, load, render
    from pmkit.explore.detail import incident_detail
    from pmkit.explore.table import IncidentTable

    _corpus, db = attack_db
    explorer = ExploreDB(db)
    try:
        data = load(explorer, ExploreState(end=date(2026, 6, 1)))
        (iid,) = data.incidents.loc[data.incidents["path"] == FILE, "incident_id"]
        # the table widget sends text that its script sets with textContent, never as markup
        table = IncidentTable()
        table.show(data.incidents, len(data.incidents))
        assert "innerHTML" not in table._esm
        assert "x('title')" in " ".join(c for r in table.rows for c in r["cells"])
        text = _check_page(render.incident_detail(incident_detail(explorer, FILE, iid)), "detail")
    finally:
        explorer.close()
    for marker in ("title", "id", "event", "factor", "action"):
        assert f"x('{marker}')" in text, marker


@pytest.mark.slow
def test_every_report_shows_every_field_as_text(
    attack_db: tuple[Path, Path], tmp_path: Path
) -> None:
    """A real run of every report on the every-field postmortem: no page holds a tag or an
    event handler from the postmortem; the index neither."""
    _corpus, db = attack_db
    out = tmp_path / "reports"
    argv = ["report", "--db", str(db), "--no-ingest", "--out", str(out), "--as-of", "2026-06-01"]
    assert main(argv) == 0
    pages = sorted((out / "2026-06-01").glob("*.html"))
    assert len(pages) >= 5
    shown = ""
    for page in [*pages, out / "index.html"]:
        shown += _check_page(page.read_text(encoding="utf-8"), page.name)
    assert "x('title')" in shown and "x('action')" in shown


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 (fixed names)
            for t in ("documents", "incidents", "action_items", "parse_issues")
        }
    finally:
        con.close()


def test_sql_in_folder_and_file_names_through_every_ingest(tmp_path: Path) -> None:
    corpus = tmp_path / FOLDER
    name = "a'; DELETE FROM incidents; --.md"
    (corpus / "sub'--").mkdir(parents=True)
    (corpus / name).write_text(filled(title="Quoted", iid="INC-Q"), encoding="utf-8")
    (corpus / "sub'--" / "b.md").write_text(filled(title="Sub", iid="INC-S"), encoding="utf-8")
    db = tmp_path / "pmkit.duckdb"
    ingest_paths([corpus], db, workers=1)
    first = _counts(db)
    assert first["documents"] == 2 and first["incidents"] == 2
    (corpus / name).write_text(filled(title="Quoted again", iid="INC-Q"), encoding="utf-8")
    assert ingest_paths([corpus / name], db, workers=1).removed == 0
    assert _counts(db) == first
    (corpus / "sub'--" / "b.md").unlink()
    assert ingest_paths([corpus], db, workers=1).removed == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT root, path, title FROM incidents").fetchall()
    finally:
        con.close()
    assert rows == [(str(corpus.resolve()), name, "Quoted again")]


def test_a_named_pipe_named_on_the_command_line(tmp_path: Path) -> None:
    """Ingest and lint of a FIFO given by name: an error, never a hang."""
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    db = tmp_path / "pmkit.duckdb"
    cmd = [sys.executable, "-m", "pmkit.cli"]
    ingest = subprocess.run(
        [*cmd, "ingest", str(pipe), "--db", str(db)], capture_output=True, text=True, timeout=300
    )
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    assert "not a regular file" in ingest.stdout
    lint = subprocess.run([*cmd, "lint", str(pipe)], capture_output=True, text=True, timeout=300)
    assert lint.returncode == 1 and "Traceback" not in lint.stderr
    assert "not a regular file" in lint.stdout


def test_folder_link_loops_and_chains_are_not_walked(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.md").write_text(filled(title="A", iid="INC-A"), encoding="utf-8")
    (corpus / "sub" / "b.md").write_text(filled(title="B", iid="INC-B"), encoding="utf-8")
    os.symlink("..", corpus / "sub" / "up")
    os.symlink("sub", corpus / "down")
    os.symlink("loop2", corpus / "loop1")
    os.symlink("loop1", corpus / "loop2")
    db = tmp_path / "pmkit.duckdb"
    summary = ingest_paths([corpus], db, workers=1)
    assert (summary.files, summary.incidents) == (2, 2)
    proc = subprocess.run(
        [sys.executable, "-m", "pmkit.cli", "lint", str(corpus)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr
    *lines, totals = proc.stdout.splitlines()
    listed = {line.split(":")[0] for line in lines}
    assert listed == {str(corpus / "a.md"), str(corpus / "sub" / "b.md")}
    assert totals.startswith("2 files, ")


def test_two_ingests_of_different_folders_into_one_database(tmp_path: Path) -> None:
    """Started together: the lock serialises them and both folders' rows land."""
    db = tmp_path / "pmkit.duckdb"
    folders = []
    for team in ("teamA", "teamB"):
        folder = tmp_path / team
        for i in range(40):
            (folder / f"{i:02d}.md").parent.mkdir(parents=True, exist_ok=True)
            (folder / f"{i:02d}.md").write_text(
                filled(title=f"{team} {i}", iid=f"INC-{team}-{i}"), encoding="utf-8"
            )
        folders.append(folder)
    procs = [start(ingest_command(folder, db)) for folder in folders]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-2000:]
    con = duckdb.connect(str(db), read_only=True)
    try:
        per_root = dict(
            con.execute("SELECT root, count(*) FROM incidents GROUP BY root").fetchall()
        )
    finally:
        con.close()
    assert per_root == {str(f.resolve()): 40 for f in folders}


def _runs_are_whole(out: Path) -> None:
    """Every link of the index leads to a file, and every run folder has all it lists."""
    index = out / "index.html"
    if index.is_file():
        for href in re.findall(r'href="([^"]+)"', index.read_text(encoding="utf-8")):
            assert (out / href).is_file(), f"index links a missing {href}"
    for folder in out.iterdir():
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", folder.name):
            manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
            for entry in manifest["notebooks"]:
                assert (folder / entry["html"]).is_file(), (folder.name, entry)


@pytest.mark.slow
def test_killed_report_runs_leave_whole_runs(tmp_path: Path) -> None:
    """``pmkit report`` SIGKILLed (with its kernels) at seeded random moments, replacing a run
    of the same date: the index never links a missing page, and the next run cleans up."""
    corpus = Path(__file__).parent / "fixtures" / "explore" / "corpus"
    db, out = tmp_path / "pmkit.duckdb", tmp_path / "reports"
    ingest_paths([corpus], db, workers=1)
    cmd = [
        sys.executable,
        "-m",
        "pmkit.cli",
        "report",
        "--db",
        str(db),
        "--no-ingest",
        "--out",
        str(out),
        "--as-of",
        "2026-10-23",
    ]
    began = time.monotonic()
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    took = time.monotonic() - began
    rng = random.Random(11)
    for _ in range(int(os.environ.get("PMKIT_REPORT_KILLS", "4"))):
        proc = start(cmd)
        try:
            time.sleep(rng.uniform(0.3, 1.1) * took)
        finally:
            kill_group(proc)
        _runs_are_whole(out)
    last = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert last.returncode == 0, last.stderr[-2000:]
    _runs_are_whole(out)
    left = [p.name for p in out.iterdir() if p.name.startswith(".") and p.is_dir()]
    assert not left, f"leftovers of killed runs: {left}"
