"""``pmkit ingest`` end to end: the CLI, a real DuckDB file, and the rows it leaves behind.

Fixture files live in ``tests/fixtures/ingest/corpus``; each test copies them into ``tmp_path``
and adds the awkward files it needs (binary, invalid UTF-8, CRLF, mojibake, a git history).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner, Result

from pmkit.cli import cli

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "ingest" / "corpus"
CHECKOUT = "2026-03-04-checkout-502s.md"
DNS = "team-b/2026-04-01-dns-records-deleted.md"
TABLES = (
    "documents",
    "incidents",
    "timeline_events",
    "action_items",
    "contributing_factors",
    "parse_issues",
)
COUNT_SQL = {
    "documents": "SELECT count(*) FROM documents",
    "incidents": "SELECT count(*) FROM incidents",
    "timeline_events": "SELECT count(*) FROM timeline_events",
    "action_items": "SELECT count(*) FROM action_items",
    "contributing_factors": "SELECT count(*) FROM contributing_factors",
    "parse_issues": "SELECT count(*) FROM parse_issues",
}
PATHS_SQL = {
    "incidents": "SELECT DISTINCT path FROM incidents",
    "timeline_events": "SELECT DISTINCT path FROM timeline_events",
    "action_items": "SELECT DISTINCT path FROM action_items",
    "contributing_factors": "SELECT DISTINCT path FROM contributing_factors",
    "parse_issues": "SELECT DISTINCT path FROM parse_issues",
}
SUMMARY = re.compile(r"(\d+) parsed, (\d+) unchanged, (\d+) removed")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the fixture corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, dest)
    return dest


def ingest(corpus: Path, db: Path, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "-q", *extra])


def rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def counts(db: Path) -> dict[str, int]:
    return {t: rows(db, sql)[0][0] for t, sql in COUNT_SQL.items()}


def summary_numbers(output: str) -> tuple[int, int, int]:
    match = SUMMARY.search(output)
    assert match, f"no 'N parsed, N unchanged, N removed' in summary:\n{output}"
    parsed, unchanged, removed = (int(g) for g in match.groups())
    return parsed, unchanged, removed


def test_ingest_help() -> None:
    result = CliRunner().invoke(cli, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "--strict" in result.output and "--db" in result.output


def test_ingest_writes_six_tables_traced_by_relative_path(corpus: Path, tmp_db: Path) -> None:
    result = ingest(corpus, tmp_db)
    assert result.exit_code == 0, result.output
    assert "files: 2" in result.output
    assert summary_numbers(result.output) == (2, 0, 0)

    tables = {r[0] for r in rows(tmp_db, "SELECT table_name FROM information_schema.tables")}
    assert set(TABLES) <= tables
    docs = dict(rows(tmp_db, "SELECT path, is_unfilled_template FROM documents"))
    assert docs == {CHECKOUT: False, DNS: False}
    for table, sql in PATHS_SQL.items():
        assert {r[0] for r in rows(tmp_db, sql)} <= set(docs), table

    n = counts(tmp_db)
    assert n["incidents"] == 2
    assert n["timeline_events"] == 8
    assert n["action_items"] == 5
    assert n["contributing_factors"] == 4
    (title,) = rows(tmp_db, "SELECT title FROM incidents WHERE path = ?", [CHECKOUT])[0]
    assert "Checkout 502s" in title
    acts = rows(
        tmp_db,
        "SELECT action_id, status FROM action_items WHERE path = ? ORDER BY action_id",
        [CHECKOUT],
    )
    assert acts == [("ACT-1", "open"), ("ACT-2", "done"), ("ACT-3", "in_progress")]


def test_second_run_is_idempotent(corpus: Path, tmp_db: Path) -> None:
    first = ingest(corpus, tmp_db)
    assert first.exit_code == 0, first.output
    before = counts(tmp_db)
    second = ingest(corpus, tmp_db)
    assert second.exit_code == 0, second.output
    assert summary_numbers(second.output) == (0, 2, 0)
    assert counts(tmp_db) == before


def test_changed_file_replaces_its_rows(corpus: Path, tmp_db: Path) -> None:
    assert ingest(corpus, tmp_db).exit_code == 0
    path = corpus / CHECKOUT
    text = path.read_text(encoding="utf-8")
    text = text.replace("Checkout 502s after balancer", "Checkout errors after balancer")
    text = text.replace(
        "| ACT-3 | Alert on healthy backend count | Priya Nair | P2 | 2026-04-01 | In Progress |\n",
        "",
    )
    path.write_text(text, encoding="utf-8")

    result = ingest(corpus, tmp_db)
    assert result.exit_code == 0, result.output
    assert summary_numbers(result.output) == (1, 1, 0)
    titles = rows(tmp_db, "SELECT title FROM incidents WHERE path = ?", [CHECKOUT])
    assert len(titles) == 1 and "Checkout errors" in titles[0][0]
    ids = rows(tmp_db, "SELECT action_id FROM action_items WHERE path = ? ORDER BY 1", [CHECKOUT])
    assert ids == [("ACT-1",), ("ACT-2",)]
    assert counts(tmp_db)["documents"] == 2


def test_deleted_file_loses_its_rows(corpus: Path, tmp_db: Path) -> None:
    assert ingest(corpus, tmp_db).exit_code == 0
    (corpus / DNS).unlink()
    result = ingest(corpus, tmp_db)
    assert result.exit_code == 0, result.output
    assert summary_numbers(result.output) == (0, 1, 1)
    for table in TABLES:
        sql = PATHS_SQL.get(table, "SELECT DISTINCT path FROM documents")
        assert DNS not in {r[0] for r in rows(tmp_db, sql)}, table
    assert counts(tmp_db)["incidents"] == 1


def _add_bad_files(corpus: Path) -> None:
    (corpus / "broken.md").write_bytes(b"\x00\x01\x02PK\x03\x04" + bytes(range(256)) * 4)
    (corpus / "latin1.md").write_bytes(
        b"# Caf\xe9 menu outage\n\nThe caf\xe9 menu service was down on 2026-05-01.\n"
    )


def test_bad_files_are_kept_and_do_not_stop_the_ingest(corpus: Path, tmp_db: Path) -> None:
    _add_bad_files(corpus)
    result = ingest(corpus, tmp_db)
    assert result.exit_code == 0, result.output
    docs = dict(rows(tmp_db, "SELECT path, raw_text FROM documents"))
    assert set(docs) == {CHECKOUT, DNS, "broken.md", "latin1.md"}
    assert docs["broken.md"]
    assert "menu outage" in docs["latin1.md"]
    issue_paths = {r[0] for r in rows(tmp_db, "SELECT path FROM parse_issues")}
    assert {"broken.md", "latin1.md"} <= issue_paths
    assert rows(tmp_db, "SELECT count(*) FROM incidents WHERE path = ?", [CHECKOUT])[0][0] == 1
    assert rows(tmp_db, "SELECT count(*) FROM incidents WHERE path = ?", [DNS])[0][0] == 1


def test_strict_exit_codes(corpus: Path, tmp_path: Path) -> None:
    clean = ingest(corpus, tmp_path / "clean.duckdb", "--strict")
    assert clean.exit_code == 0, clean.output

    _add_bad_files(corpus)
    strict = ingest(corpus, tmp_path / "strict.duckdb", "--strict")
    assert strict.exit_code == 1, strict.output
    errors = rows(tmp_path / "strict.duckdb", "SELECT path FROM parse_issues WHERE level = 'error'")
    assert ("broken.md",) in errors

    assert CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "x.duckdb")]).exit_code == 2
    missing = CliRunner().invoke(cli, ["ingest", str(tmp_path / "nope"), "--strict"])
    assert missing.exit_code == 2
    assert CliRunner().invoke(cli, ["ingest", str(corpus), "--no-such-option"]).exit_code == 2


def test_crlf_and_mojibake_get_an_encoding_info_issue(corpus: Path, tmp_db: Path) -> None:
    text = (corpus / DNS).read_text(encoding="utf-8")
    (corpus / "crlf.md").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (corpus / "mojibake.md").write_text(
        text.replace("three internal sites", "3â€“5 internal sites"), encoding="utf-8"
    )
    result = ingest(corpus, tmp_db)
    assert result.exit_code == 0, result.output
    found = rows(
        tmp_db,
        "SELECT DISTINCT path FROM parse_issues WHERE field = 'encoding' AND level = 'info'",
    )
    assert {"crlf.md", "mojibake.md"} <= {r[0] for r in found}
    (summary,) = rows(
        tmp_db, "SELECT executive_summary FROM incidents WHERE path = ?", ["mojibake.md"]
    )[0]
    assert summary is None or "â€" not in summary


def test_drafted_at_falls_back_to_the_first_git_commit(corpus: Path, tmp_db: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    env = {
        **os.environ,
        "HOME": str(corpus.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_AUTHOR_DATE": "2026-03-06T12:00:00+02:00",
        "GIT_COMMITTER_DATE": "2026-03-06T12:00:00+02:00",
    }
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "postmortems"]):
        subprocess.run([git, *args], cwd=corpus, env=env, check=True, timeout=60)

    result = ingest(corpus, tmp_db)
    assert result.exit_code == 0, result.output
    got = rows(tmp_db, "SELECT path, drafted_at, drafted_source FROM incidents ORDER BY path")
    assert got == [
        (CHECKOUT, datetime(2026, 3, 6, 10, 0), "git"),
        (DNS, datetime(2026, 3, 6, 10, 0), "git"),
    ]


def test_console_script_runs_ingest(corpus: Path, tmp_db: Path) -> None:
    exe = Path(sys.executable).parent / "pmkit"
    if not exe.is_file():
        pytest.skip(f"console script {exe} is not installed (pip install -e .)")
    proc = subprocess.run(
        [str(exe), "ingest", str(corpus), "--db", str(tmp_db), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "files: 2" in proc.stdout
    assert counts(tmp_db)["incidents"] == 2


def test_database_of_an_older_schema_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    """A column added by a newer pmkit: the old file is rebuilt from the files, not patched."""
    db = tmp_path / "pm.duckdb"
    assert CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db)]).exit_code == 0
    con = duckdb.connect(str(db))
    con.execute("UPDATE incidents SET started_source = 'stale'")
    con.execute("ALTER TABLE incidents DROP COLUMN responders")
    con.close()
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output
    parsed, unchanged, _removed = map(int, SUMMARY.search(result.output).groups())
    assert unchanged == 0 and parsed > 0
    con = duckdb.connect(str(db), read_only=True)
    cols = {r[0] for r in con.execute("DESCRIBE incidents").fetchall()}
    stale = con.execute("SELECT count(*) FROM incidents WHERE started_source = 'stale'").fetchone()
    con.close()
    assert "responders" in cols and stale == (0,)


def test_a_folder_with_no_postmortems_is_named(tmp_path: Path) -> None:
    """A typo or the wrong folder: the summary says the folder held no postmortem files."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "README.md").write_text("# How we write postmortems\n", encoding="utf-8")
    (folder / "data.csv").write_text("a,b\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["ingest", str(folder), "--db", str(tmp_path / "pm.duckdb"), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert f"no postmortems in {folder} (none of its files ends in .md," in result.output
    assert "files: 0 (0 parsed" in result.output
