"""Two corpus folders (roots) holding the same relative paths, with different incidents under the
same ids: each incident gets its own similarity rows, keyed (root, path, incident_id) as every
table is since issue 15, and the recurrence, the explorer and a draft's list keep them apart.

The corpus, the same three paths in each root:

| path               | team-a (cache, checkout)            | team-b (certificates, payments)     |
| ------------------ | ----------------------------------- | ----------------------------------- |
| incidents/one.md   | INC-1 2026-01-10 Redis evicts, done | INC-1 2026-01-12 cert expired, open |
| incidents/two.md   | INC-2 2026-03-04 Redis evicts again | INC-2 2026-03-06 cert expired again |
| incidents/three.md | INC-3 2026-04-20 search index lag   | INC-3 2026-04-22 login page slow    |

So each root's INC-2 repeats its own INC-1: team-a's fix (done) did not hold, team-b's (open)
never landed. Ingested through the CLI entry point into a real DuckDB file.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import pmkit.similar.cache as cache
import pmkit.similar.tables as tables
from pmkit.cli import cli
from pmkit.metrics import Filters
from pmkit.model import ContributingFactor, Postmortem
from pmkit.similar import recurrence
from pmkit.similar import text as text_model
from pmkit.similar.draft import SimilarIndex

ONE, TWO, THREE = "incidents/one.md", "incidents/two.md", "incidents/three.md"
TEAM_A = {
    ONE: (
        "INC-1",
        "2026-01-10",
        "Redis cache eviction storm took checkout down",
        "checkout, redis",
        "Checkout timed out while the Redis cache evicted hot keys under memory pressure.",
        "Redis maxmemory was set too low for holiday traffic, so hot keys were evicted.",
        "Done",
    ),
    TWO: (
        "INC-2",
        "2026-03-04",
        "Checkout timeouts: Redis evicted hot keys again",
        "checkout",
        "Checkout requests timed out as the Redis cache evicted hot keys again.",
        "Redis maxmemory was too low after traffic grew; hot keys were evicted.",
        "Open",
    ),
    THREE: (
        "INC-3",
        "2026-04-20",
        "Search index lag after a bad deploy",
        "search",
        "Search results were two hours stale after the indexer deploy.",
        "The new indexer build dropped the batch size flag and fell behind.",
        "Open",
    ),
}
TEAM_B = {
    ONE: (
        "INC-1",
        "2026-01-12",
        "Payment gateway TLS certificate expired",
        "payments",
        "Card payments failed because the gateway's TLS certificate expired.",
        "The certificate was renewed by hand and nobody was reminded before it expired.",
        "Open",
    ),
    TWO: (
        "INC-2",
        "2026-03-06",
        "Payments down: the gateway certificate expired again",
        "payments",
        "Card payments failed again when the gateway TLS certificate expired.",
        "The certificate is still renewed by hand and no reminder fired before it expired.",
        "Open",
    ),
    THREE: (
        "INC-3",
        "2026-04-22",
        "Login page slow after a CDN config change",
        "web",
        "The login page took ten seconds to load after a CDN configuration change.",
        "A CDN rule bypassed the cache for static assets of the login page.",
        "Done",
    ),
}


def _write(root: Path, files: dict[str, tuple[str, ...]]) -> None:
    for path, (iid, day, title, services, summary, cause, status) in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"# {title}\n\n**Incident ID:** {iid}\n**Date:** {day}\n**Services:** {services}\n\n"
            f"## Summary\n\n{summary}\n\n## Root Cause\n\n{cause}\n\n## Action Items\n\n"
            "| Action | Owner | Due | Status |\n| --- | --- | --- | --- |\n"
            f"| Fix {title.lower()} | Ana | 2026-05-01 | {status} |\n",
            encoding="utf-8",
        )


def _ingest(db: Path, *roots: Path) -> str:
    result = CliRunner().invoke(cli, ["ingest", *map(str, roots), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(team-a, team-b, db), both ingested in one CLI run."""
    a, b = tmp_path / "team-a", tmp_path / "team-b"
    _write(a, TEAM_A)
    _write(b, TEAM_B)
    db = tmp_path / "pm.duckdb"
    out = _ingest(db, a, b)
    assert "similarity: full, 6 incidents" in out
    return a.resolve(), b.resolve(), db


def _rows(db: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_ingest_prints_what_the_similarity_did(
    corpus: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """One line from the refresh: computed in full (the fixture), updated, not recomputed when
    no file changed, and skipped with the reason and the way out when there are too many."""
    a, b, db = corpus
    lines = [line for line in _ingest(db, a, b).splitlines() if line.startswith("similarity")]
    assert lines == ["similarity: not recomputed (no file changed)"]
    (a / THREE).unlink()
    lines = [line for line in _ingest(db, a, b).splitlines() if line.startswith("similarity")]
    assert len(lines) == 1 and lines[0].startswith("similarity: full, 5 incidents (5 changed")
    config = tmp_path / "small.toml"
    config.write_text("[recurrence]\nmax_incidents = 3\n", encoding="utf-8")
    _write(a, {THREE: TEAM_A[THREE]})
    result = CliRunner().invoke(
        cli, ["ingest", str(a), str(b), "--db", str(db), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "similarity: not computed (6 incidents, more than [recurrence] max_incidents = 3; "
        "`pmkit similar --refresh` computes it)"
    )


def test_each_root_gets_its_own_similarity_rows(corpus: tuple[Path, Path, Path]) -> None:
    a, b, db = map(str, corpus)
    vectors = _rows(db, "SELECT root, path, incident_id FROM similarity_vectors ORDER BY ALL")
    assert vectors == sorted(
        (root, path, files[path][0]) for root, files in ((a, TEAM_A), (b, TEAM_B)) for path in files
    )
    # each INC-2's most similar earlier incident is its own root's INC-1, at a high score
    best = _rows(
        db,
        "SELECT root, similar_root, similar_path, similar_incident_id, round(score, 2) "
        "FROM incident_similarity WHERE path = ? AND rank = 1 ORDER BY root",
        [TWO],
    )
    assert [r[:4] for r in best] == [(a, a, ONE, "INC-1"), (b, b, ONE, "INC-1")]
    assert all(float(r[4]) >= 0.6 for r in best), best  # type: ignore[arg-type]
    # one list per incident: no incident holds two rank-1 rows (the rows of one root's
    # incident never land in the other's list)
    per = _rows(
        db,
        "SELECT root, path, incident_id, count(*) FROM incident_similarity WHERE rank = 1 "
        "GROUP BY ALL HAVING count(*) > 1",
    )
    assert per == []
    # every listed incident exists in the root the row names, and is earlier
    orphans = _rows(
        db,
        """
        SELECT count(*) FROM incident_similarity AS s
        LEFT JOIN incidents AS i ON i.root = s.similar_root AND i.path = s.similar_path
            AND i.incident_id = s.similar_incident_id
        JOIN incidents AS me ON me.root = s.root AND me.path = s.path
            AND me.incident_id = s.incident_id
        WHERE i.path IS NULL OR i.incident_date > me.incident_date
        """,
    )
    assert orphans == [(0,)]


def test_repeats_and_families_follow_their_own_root(corpus: tuple[Path, Path, Path]) -> None:
    a, b, db = map(str, corpus)
    con = duckdb.connect(db, read_only=True)
    try:
        rule = recurrence.RecurrenceRule(threshold=0.6, window_days=180)
        reps = recurrence.repeats(con, Filters(date(2026, 5, 1), None), rule)
        found = reps[reps["is_repeat"]]
        got = sorted(
            zip(
                found["root"],
                found["path"],
                found["earlier_root"],
                found["earlier_path"],
                found["actions_done"],
                found["follow_up"],
                strict=True,
            )
        )
        assert got == [
            (a, TWO, a, ONE, "1 of 1", recurrence.DID_NOT_HOLD),
            (b, TWO, b, ONE, "0 of 1", recurrence.NEVER_LANDED),
        ]
        assert len(reps) == 6  # one row per incident, none doubled by the other root
        fam = recurrence.families(con, Filters(date(2026, 5, 1), None), rule)
        members = {
            n: sorted(zip(part["root"], part["path"], strict=True))
            for n, part in fam.groupby("family")
        }
        assert sorted(members.values()) == [[(a, ONE), (a, TWO)], [(b, ONE), (b, TWO)]]
        assert list(fam.groupby("family")["n_actions"].sum()) == [2, 2]
    finally:
        con.close()


def test_the_explorer_and_a_draft_name_the_root(corpus: tuple[Path, Path, Path]) -> None:
    from pmkit.explore import ExploreDB
    from pmkit.explore.similar import similar_incidents

    a, b, db = map(str, corpus)
    explore_db = ExploreDB(db)
    try:
        for root, files in ((a, TEAM_A), (b, TEAM_B)):
            frame = similar_incidents(explore_db, root, TWO, "INC-2")
            assert frame is not None
            assert (frame["root"].iloc[0], frame["title"].iloc[0]) == (root, files[ONE][2])
    finally:
        explore_db.close()

    draft = Postmortem(
        incident_id="draft",
        title="Gateway certificate expired once more",
        executive_summary="Card payments failed when the gateway TLS certificate expired.",
        root_cause="The certificate is renewed by hand; no reminder before it expired.",
        services=["payments"],
        factors=[ContributingFactor(seq=1, text="manual renewal")],
    )
    found = SimilarIndex.open(db).query(draft, k=2)
    assert [(s.root, s.path) for s in found] == [(b, TWO), (b, ONE)]


def _table(db: Path) -> list[tuple[object, ...]]:
    return _rows(
        db,
        "SELECT root, path, incident_id, similar_root, similar_path, similar_incident_id, rank, "
        "window_best, round(score, 5) FROM incident_similarity ORDER BY ALL",
    )


def _full_copy(db: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ``db`` scored again in full with the model stored in it."""
    copy = tmp / "full.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    try:
        state = tables.read_state(con)
        assert state is not None and state.model is not None
        model = text_model.TextModel.from_bytes(state.model)
        with monkeypatch.context() as m:
            m.setattr(text_model.TextModel, "fit", classmethod(lambda cls, counts: model))
            con.execute("BEGIN")
            assert cache.refresh(con, full=True).mode == "full"
            con.execute("COMMIT")
    finally:
        con.close()
    return copy


def test_incremental_refresh_equals_a_full_one_across_roots(
    corpus: tuple[Path, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, db = corpus
    monkeypatch.setattr(cache, "FULL_BELOW", 0)  # incremental at any size
    monkeypatch.setattr(cache, "REFIT_SHARE", 100.0)  # and however much of it changed
    edits = [
        # team-a's INC-3 now reads like team-b's certificate incidents (same path in both roots)
        lambda: _write(a, {THREE: ("INC-3", "2026-04-20", *TEAM_B[TWO][2:])}),
        lambda: (b / ONE).unlink(),  # team-b's INC-1 gone, team-a's (same path) stays
        lambda: _write(b, {ONE: TEAM_A[ONE]}),  # back, with team-a's text and date
    ]
    for n, edit in enumerate(edits, start=1):
        edit()
        out = _ingest(db, a, b)
        assert "similarity: incremental" in out, (n, out)
        assert _table(db) == _table(_full_copy(db, tmp_path, monkeypatch)), n
    # after the last edit both roots hold the same text at incidents/one.md, as two incidents
    rows = _rows(db, "SELECT root FROM similarity_vectors WHERE path = ?", [ONE])
    assert sorted(r[0] for r in rows) == sorted([str(a), str(b)])


def test_the_report_links_each_incident_to_its_own_roots_file(
    corpus: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The Recurring incidents page (papermill): team-b's INC-3, rewritten as a repeat of
    team-a's Redis incidents, links the incident it repeats to team-a's file, not to the same
    path under team-b."""
    import re

    from pmkit.reports import DEFAULT_NOTEBOOK_DIR, ReportRequest, run_reports

    a, b, db = corpus
    title = "Checkout timed out as the Redis cache evicted hot keys"
    _write(b, {THREE: ("INC-3", "2026-04-22", title, *TEAM_A[TWO][3:])})
    _ingest(db, a, b)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rule = recurrence.RecurrenceRule(threshold=0.6, window_days=180)
        reps = recurrence.repeats(con, Filters(date(2026, 5, 1), None), rule).set_index("title")
    finally:
        con.close()
    assert reps.loc[title, "is_repeat"] and reps.loc[title, "earlier_root"] == str(a)
    config = tmp_path / "pmkit.toml"
    config.write_text("[recurrence]\nthreshold = 0.6\n", encoding="utf-8")
    request = ReportRequest.build(
        db,
        "2026-05-01",
        365,
        out_dir=tmp_path / "out",
        only=("recurring_incidents",),
        notebook_dir=DEFAULT_NOTEBOOK_DIR,
        config_path=config,
    )
    html = (run_reports(request).run_dir / "recurring_incidents.html").read_text(encoding="utf-8")
    roots = {files[path][2]: root for root, files in ((a, TEAM_A), (b, TEAM_B)) for path in files}
    roots[title] = b
    links = [
        (href, text)
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', html)
        if text in roots
    ]
    earlier = reps.loc[title, "earlier_title"]
    assert sum(text == earlier for _href, text in links) >= 2  # its own row, and "Repeats"
    for href, text in links:
        assert href.startswith(roots[text].as_uri() + "/"), (text, href)
