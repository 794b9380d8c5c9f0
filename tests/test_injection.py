"""Injection: values from documents and users reach SQL only as parameters, HTML only escaped,
notebooks only as literal papermill parameters, and the file system only inside the corpus.

- A postmortem whose title, id, owner, team, service and action text are SQL and HTML is ingested
  (its file name has quotes too), re-ingested after an edit, queried with its own hostile values as
  filters, and reported on by a real papermill run: every table survives, the values come back
  verbatim, the filters match exactly, and the report shows the text escaped.
- ``--as-of`` and other report options with SQL in them are refused before any kernel starts.
- papermill's parameter cell for any filter text is plain literals that read back to the value.
- The drafting form's preview of any text holds no tag or attribute that text could inject, and a
  file name from any title stays inside the corpus and never replaces a file.
"""

from __future__ import annotations

import ast
import os
import shlex
import subprocess
import sys
import unicodedata
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkit import metrics
from pmkit.draft.form import preview_html
from pmkit.draft.model import Draft, DraftAction, DraftEvent, DraftFactor
from pmkit.draft.render import render
from pmkit.draft.save import (
    RESERVED,
    SaveError,
    relative_target,
    safe_target,
    slugify,
    write_text,
)
from pmkit.reports import ReportRequest
from pmkit.store import ingest_paths

SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TABLES = (
    "documents",
    "incidents",
    "timeline_events",
    "action_items",
    "contributing_factors",
    "parse_issues",
)
HOSTILE_NAME = '2026-03-04-o\'brien "quoted"; DROP TABLE documents; --.md'
INCIDENT_ID = "INC-9'; DROP TABLE documents; --"
TEAM = "team'); DELETE FROM action_items; --"
SERVICE = "svc'--"
OWNER_PART = 'O\'Brien "Bobby"'
ACTION = "'; UPDATE action_items SET status='done'; --"
ACTION_OWNER = "Mallory' OR '1'='1"
DOC = f"""# Incident Post-Mortem: Robert'); DROP TABLE incidents;-- <script>alert(1)</script>

**Incident ID**: {INCIDENT_ID}
**Date**: 2026-03-04
**Duration**: 14:05 UTC to 15:40 UTC
**Severity**: SEV1
**Owner**: {OWNER_PART} <b>tables</b>
**Team**: {TEAM}
**Services Affected**: {SERVICE}
**Status**: Final

## Executive Summary

The checkout broke; ' OR '1'='1 <img src=x onerror=alert(2)>

## Contributing Factors

- Retries & "timeouts"; DROP TABLE contributing_factors <script>alert(5)</script>

## Action Items

| ID | Action | Owner | Due Date | Status |
|----|--------|-------|----------|--------|
| ACT-1 | {ACTION} | {ACTION_OWNER} | 2026-03-20 | Open |
"""
OTHER = """# Incident Post-Mortem: A calm one

**Incident ID**: INC-CALM
**Date**: 2026-03-10
**Severity**: SEV3
**Team**: quiet
**Services Affected**: calm-svc

## Action Items

| ID | Action | Owner | Due Date | Status |
|----|--------|-------|----------|--------|
| ACT-1 | Nothing to see | Alice | 2026-03-20 | Open |
"""
AS_OF = date(2026, 6, 1)


def _counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 (fixed names)
            for t in TABLES
        }
    finally:
        con.close()


@pytest.fixture
def hostile_db(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus holding the hostile postmortem and a calm one, ingested; (corpus, db)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / HOSTILE_NAME).write_text(DOC, encoding="utf-8")
    (corpus / "2026-03-10-calm.md").write_text(OTHER, encoding="utf-8")
    db = tmp_path / "pmkit.duckdb"
    ingest_paths([corpus], db, workers=1)
    return corpus, db


def test_hostile_values_are_stored_verbatim(hostile_db: tuple[Path, Path]) -> None:
    corpus, db = hostile_db
    counts = _counts(db)
    assert counts["documents"] == 2 and counts["incidents"] == 2
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT incident_id, title, owner, team, services FROM incidents WHERE path = ?",
            [HOSTILE_NAME],
        ).fetchone()
        action = con.execute(
            "SELECT text, owner, status FROM action_items WHERE incident_id = ?", [INCIDENT_ID]
        ).fetchone()
        factor = con.execute(
            "SELECT text FROM contributing_factors WHERE incident_id = ?", [INCIDENT_ID]
        ).fetchone()
        raw = con.execute("SELECT raw_text FROM documents WHERE path = ?", [HOSTILE_NAME])
        assert raw.fetchone()[0] == DOC
    finally:
        con.close()
    assert row[0] == INCIDENT_ID
    assert "DROP TABLE incidents" in row[1]
    assert OWNER_PART in row[2]
    assert row[3] == TEAM
    assert SERVICE in row[4]
    assert action == (ACTION, ACTION_OWNER, "open")
    assert factor is not None and "DROP TABLE contributing_factors" in factor[0]


def test_reingest_of_a_quoted_path_replaces_its_rows(hostile_db: tuple[Path, Path]) -> None:
    corpus, db = hostile_db
    before = _counts(db)
    path = corpus / HOSTILE_NAME
    path.write_text(DOC.replace("2026-03-20", "2026-03-21"), encoding="utf-8")
    ingest_paths([corpus], db, workers=1)
    assert _counts(db) == before  # replaced, not duplicated, nothing else deleted
    path.unlink()
    ingest_paths([corpus], db, workers=1)
    after = _counts(db)
    assert after["documents"] == 1 and after["incidents"] == 1 and after["action_items"] == 1


def test_hostile_filters_match_exactly(hostile_db: tuple[Path, Path]) -> None:
    _corpus, db = hostile_db
    con = duckdb.connect(str(db), read_only=True)
    try:
        every = metrics.Filters(as_of=AS_OF, lookback_days=None)
        assert len(metrics.overdue_actions(con, every)) == 2
        for filters in (
            metrics.Filters(as_of=AS_OF, lookback_days=None, teams=(TEAM,)),
            metrics.Filters(as_of=AS_OF, lookback_days=None, services=(SERVICE,)),
        ):
            overdue = metrics.overdue_actions(con, filters)
            assert overdue["owner"].tolist() == [ACTION_OWNER]
        for value in ("' OR '1'='1", "x') OR 1=1 --", "%", "_", "*"):
            for filters in (
                metrics.Filters(as_of=AS_OF, lookback_days=None, teams=(value,)),
                metrics.Filters(as_of=AS_OF, lookback_days=None, services=(value,)),
                metrics.Filters(as_of=AS_OF, lookback_days=None, templates=(value,)),
            ):
                assert metrics.overdue_actions(con, filters).empty
                assert metrics.severity_by_period(con, filters).empty
    finally:
        con.close()
    for bad in ("2026-01-01'; DROP TABLE incidents; --", "2026-01-01 OR 1=1", "'"):
        with pytest.raises(ValueError):
            metrics.Filters(as_of=bad)
    with pytest.raises(ValueError):
        metrics.Filters(as_of=AS_OF, severity_levels=("1 OR 1=1",))  # type: ignore[arg-type]
    assert _counts(db)["incidents"] == 2


def _pmkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pmkit.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "2026-01-01'; DROP TABLE incidents; --"],
        ["--as-of", "$(touch pwned)"],
        ["--as-of", "2026-06-01", "--lookback", "1; DROP TABLE x"],
        ["--as-of", "2026-06-01", "--only", "../../etc/passwd"],
        ["--as-of", "2026-06-01", "--severity", "1 OR 1=1"],
    ],
    ids=["as-of-sql", "as-of-shell", "lookback", "only-path", "severity"],
)
def test_report_refuses_hostile_options(
    hostile_db: tuple[Path, Path], tmp_path: Path, args: list[str]
) -> None:
    _corpus, db = hostile_db
    before = _counts(db)
    out = tmp_path / "reports"
    proc = _pmkit("report", "--db", str(db), "--no-ingest", "--out", str(out), *args, cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip(), "no message"
    assert _counts(db) == before
    assert not (tmp_path / "pwned").exists()
    assert not any(p.is_dir() and not p.name.startswith(".") for p in out.glob("*"))


def test_report_with_hostile_filters_escapes_everything(
    hostile_db: tuple[Path, Path], tmp_path: Path
) -> None:
    """A real papermill run: the hostile values are filters and data, the page shows text."""
    _corpus, db = hostile_db
    before = _counts(db)
    out = tmp_path / "reports"
    proc = _pmkit(
        "report",
        "--db",
        str(db),
        "--no-ingest",
        "--out",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
        "--only",
        "overdue_actions",
        "--team",
        TEAM,
        "--service",
        SERVICE,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (out / AS_OF.isoformat() / "overdue_actions.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in page and "<b>tables</b>" not in page
    seen = _Page()
    seen.feed(page)
    assert not seen.handlers, seen.handlers
    for value in (INCIDENT_ID, ACTION, ACTION_OWNER, TEAM, SERVICE):
        assert value in seen.text, f"{value!r} not shown as text"
    assert _counts(db) == before
    index = _Page()
    index.feed((out / "index.html").read_text(encoding="utf-8"))
    assert not index.handlers and TEAM in index.text


class _Page(HTMLParser):
    """All text of a page (entities decoded) and every event-handler attribute in it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.handlers: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers.extend(f"<{tag} {n}>" for n, _v in attrs if n.startswith("on"))


@SETTINGS
@given(
    services=st.lists(st.text(min_size=1).filter(str.strip), max_size=3),
    teams=st.lists(st.text(min_size=1).filter(str.strip), max_size=3),
)
def test_papermill_parameters_are_literals(
    tmp_path: Path, services: list[str], teams: list[str]
) -> None:
    from papermill.translators import translate_parameters

    db = tmp_path / "empty.duckdb"
    db.touch()
    request = ReportRequest.build(
        db, "2026-06-01", out_dir=tmp_path, services=services, teams=teams, today=AS_OF
    )
    values = request.notebook_parameters()
    source = translate_parameters("python", "python", values, "Parameters")
    tree = ast.parse(source)
    assigned = {}
    for node in tree.body:
        assert isinstance(node, ast.Assign), ast.dump(node)
        assigned[node.targets[0].id] = ast.literal_eval(node.value)  # type: ignore[attr-defined]
    assert assigned == values


# -- the drafting form ---------------------------------------------------------------------

_ALLOWED_TAGS = frozenset(
    "div h1 h2 h3 h4 h5 h6 p ul ol li table thead tbody tr th td strong em code pre a hr br "
    "blockquote img details summary".split()  # details/summary: the folded Markdown source
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"attribute {name}")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                self.problems.append(f"{name}={value}")


INJECT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            '"><svg onload=alert(1)>',
            "[click](javascript:alert(1))",
            "![x](javascript:alert(1))",
            "<a href='javascript:alert(1)'>x</a>",
            "[x](data:text/html;base64,PHNjcmlwdD4=)",
            "<iframe src=//evil>",
            "`<b>` **<i>bold</i>**",
            "&lt;script&gt;",
            "\u0000<script>",
        ]
    ),
)


@SETTINGS
@given(text=INJECT, other=INJECT)
def test_preview_never_holds_injected_markup(text: str, other: str) -> None:
    draft = Draft(
        title=text,
        severity=other,
        owner=other,
        responders=[text],
        started_at=datetime(2026, 3, 4, 14, 5),
        services=[other],
        summary=f"{text}\n\n{other}",
        impact=other,
        root_cause=text,
        lessons=other,
        timeline=[DraftEvent(datetime(2026, 3, 4, 14, 5), text, other)],
        factors=[DraftFactor(other)],
        actions=[DraftAction(text, owner=other, tracking_ref=text)],
    )
    for template in ("canonical", "seed-000", "seed-001", "seed-002", "seed-004"):
        parser = _Tags()
        parser.feed(preview_html(render(draft, template)))
        assert not parser.problems, (template, parser.problems)


TITLES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..",
    ".",
    "a\x00b",
    "CON",
    "nul",
    "com1",
    "LPT9",
    "\uff23\uff2f\uff2e",  # full-width CON: NFKD turns it into ASCII
    "x" * 10_000,
    "../" * 200,
    "",
    "   ",
    "C:\\Windows\\System32",
    "~/.ssh/authorized_keys",
    "name\nwith\nnewlines",
    "\u202eevil\u202d.md",
]


@pytest.mark.parametrize("title", TITLES, ids=[repr(t)[:30] for t in TITLES])
def test_file_name_from_a_title_stays_in_the_corpus(tmp_path: Path, title: str) -> None:
    _check_target(tmp_path / "corpus", title)


@SETTINGS
@given(title=st.text())
def test_any_title_gives_a_safe_file_name(tmp_path: Path, title: str) -> None:
    _check_target(tmp_path / "corpus", title)


def _check_target(corpus: Path, title: str) -> None:
    corpus.mkdir(exist_ok=True)
    draft = Draft(title=title, started_at=datetime(2026, 3, 4, 14, 5))
    rel = relative_target(draft, date(2026, 3, 5))
    target = safe_target(corpus, rel)
    assert target.is_relative_to(corpus.resolve())
    assert target.parent == corpus.resolve() / "2026" / "03"  # an empty corpus: YYYY/MM/
    name = target.name
    assert name.startswith("2026-03-04-") and name.endswith(".md")
    slug = name[len("2026-03-04-") : -len(".md")]
    assert slug and slug == slugify(title)
    # letters, digits and marks of any script (issue 14), "-" for everything else
    assert all(c == "-" or unicodedata.category(c)[0] in "LNM" for c in slug)
    assert not slug.startswith(("-", ".")) and "/" not in slug and "\x00" not in slug
    assert slug not in RESERVED and len(name.encode("utf-8")) <= 120


@pytest.mark.parametrize(
    "relative",
    ["../x.md", "2026/../../x.md", "/etc/passwd", "2026/a\x00b.md", ".", "2026/.."],
)
def test_safe_target_refuses_paths_out_of_the_corpus(tmp_path: Path, relative: str) -> None:
    with pytest.raises(SaveError):
        safe_target(tmp_path / "corpus", Path(relative))


def test_safe_target_refuses_a_symlinked_folder_leading_out(tmp_path: Path) -> None:
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    (corpus / "2026").symlink_to(outside, target_is_directory=True)
    with pytest.raises(SaveError):
        safe_target(corpus, Path("2026/2026-03-04-x.md"))


def test_write_never_replaces_a_file_without_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "corpus" / "2026" / "2026-03-04-x.md"
    write_text(target, "first\n")
    with pytest.raises(SaveError):
        write_text(target, "second\n")
    assert target.read_text() == "first\n"
    write_text(target, "third\n", overwrite=True)
    assert target.read_text() == "third\n"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp files left


# -- the scheduled job -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["db_path", "corpora", "out_dir", "only", "config"],
)
def test_schedule_refuses_a_line_break_that_would_add_a_cron_job(
    tmp_path: Path, field: str
) -> None:
    """A crontab is line-based: ``x\\n* * * * * cmd #`` in a path would install a second job."""
    from pmkit.reports.schedule import ReportSchedule, ScheduleError

    evil = "x\n* * * * * touch /tmp/pwned #"
    kwargs: dict[str, object] = {
        "db_path": tmp_path / "db.duckdb",
        "corpora": (tmp_path / "corpus",),
        "out_dir": tmp_path / "reports",
    }
    if field in ("only", "corpora"):
        kwargs[field] = (evil,) if field == "only" else (tmp_path / "ok", tmp_path / evil)
    else:
        kwargs[field] = tmp_path / evil
    with pytest.raises(ScheduleError, match="line break"):
        ReportSchedule.create(tmp_path, **kwargs)  # type: ignore[arg-type]


def test_schedule_quotes_shell_and_cron_characters(tmp_path: Path) -> None:
    from pmkit.reports.schedule import ReportSchedule, crontab_line

    odd = tmp_path / "a b'c; touch pwned; $(id) `id` 100%"
    line = crontab_line(ReportSchedule.create(tmp_path, odd / "db.duckdb", odd, odd / "out"))
    assert "\n" not in line and "%" not in line.replace("\\%", "")
    # what cron hands to sh after un-escaping % is the quoted argument list, word for word
    command = line.split(" ", 5)[5].rsplit(" # ", 1)[0].replace("\\%", "%")
    words = shlex.split(command)
    assert str(odd / "db.duckdb") in words and str(odd / "out") in words
