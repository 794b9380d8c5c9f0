"""The small database the report tests run on, built straight from the schema (no parser needed).

Deterministic: one ``random.Random`` seed, 40 incidents over the year before ``AS_OF``, plus one
incident whose title, owner, team, service, factor, action and tracking references are HTML or
script URLs (``hostile.json``) so the reports' escaping is tested on every page. The files sit
under ``ROOT`` (never read: the reports only link to them). Other report test modules import
``build_fixture_db``.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from pmkit import metrics

AS_OF = date(2026, 11, 16)
FIXTURES = Path(__file__).parent / "fixtures" / "reports"
SCHEMA = Path(__file__).parents[1] / "pmkit" / "sql" / "schema.sql"
HOSTILE = json.loads((FIXTURES / "hostile.json").read_text(encoding="utf-8"))
ROOT = "/srv/postmortems"

SERVICES = ["checkout", "payments", "search", "auth", "api-gateway", "billing"]
TEAMS = ["core", "payments", "platform"]
OWNERS = ["alice", "bob", "chandra", "dmitri", None]
CATEGORIES = ["deployment", "configuration", "capacity", "dependency", "monitoring", "unclassified"]
TRIGGERS = ["deploy", "config change", "traffic spike", None]
STATUSES = ["open", "in_progress", "done", "done", "unknown"]

_INCIDENT_COLS = (
    "path, incident_id, title, severity_label, severity_scheme, severity_level, status, owner, "
    "team, incident_date, started_at, detected_at, mitigated_at, resolved_at, duration_minutes, "
    "drafted_at, drafted_source, reviewed_at, reviewed_source, services, executive_summary, "
    "root_cause, trigger_category, line"
)


def _incident_rows(rng: random.Random) -> list[dict[str, object]]:
    rows = []
    for i in range(40):
        started = datetime(2025, 11, 25, 9, 0) + timedelta(days=i * 9, hours=rng.randrange(0, 12))
        duration = rng.choice([25, 45, 90, 180, 420, 1500])
        resolved = started + timedelta(minutes=duration)
        level = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, None])
        draft_hours = rng.choice([6, 20, 30, 40, 60, 120, 300, None])
        drafted = resolved + timedelta(hours=draft_hours) if draft_hours is not None else None
        reviewed = drafted + timedelta(days=rng.choice([1, 3, 6, 12])) if drafted else None
        hostile = i == 7
        rows.append(
            {
                "path": f"pm/{i:03d}.md",
                "incident_id": HOSTILE["incident_id"] if hostile else f"INC-{i:03d}",
                "title": HOSTILE["title"]
                if hostile
                else f"Incident {i}: {rng.choice(SERVICES)} errors",
                "severity_label": None if level is None else f"SEV{level}",
                "severity_scheme": None if level is None else "SEV",
                "severity_level": level,
                "status": "resolved",
                "owner": HOSTILE["owner"] if hostile else rng.choice(OWNERS),
                "team": HOSTILE["team"] if hostile else rng.choice(TEAMS),
                "incident_date": started.date(),
                "started_at": started,
                "detected_at": started + timedelta(minutes=rng.choice([2, 5, 15])),
                "mitigated_at": started + timedelta(minutes=duration // 2),
                "resolved_at": resolved,
                "duration_minutes": float(duration),
                "drafted_at": drafted,
                "drafted_source": "field" if drafted else None,
                "reviewed_at": reviewed,
                "reviewed_source": "field" if reviewed else None,
                "services": [HOSTILE["service"]]
                if hostile
                else rng.sample(SERVICES, rng.choice([1, 2])),
                "executive_summary": "Summary.",
                "root_cause": "Root cause.",
                "trigger_category": rng.choice(TRIGGERS),
                "line": 1,
            }
        )
    return rows


def build_fixture_db(db_path: Path, similarity: bool = True) -> Path:
    """Create ``db_path`` with the fixture incidents, actions and factors, and (``similarity``)
    their similar incidents as ingest computes them; return the path."""
    rng = random.Random(20261116)
    con = duckdb.connect(str(db_path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        incidents = _incident_rows(rng)
        for row in incidents:
            con.execute(
                "INSERT INTO documents (root, path, sha256, size_bytes, ingested_at, template, "
                "is_unfilled_template, is_process_doc, raw_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    ROOT,
                    row["path"],
                    "0" * 64,
                    100,
                    datetime(2026, 11, 16),
                    "seed-002",
                    False,
                    False,
                    "",
                ],
            )
            names = _INCIDENT_COLS.split(", ")
            marks = ", ".join("?" for _ in names)
            con.execute(
                f"INSERT INTO incidents ({_INCIDENT_COLS}) VALUES ({marks})",  # noqa: S608 (fixed column list)
                [row[n] for n in names],
            )
            hostile = row["incident_id"] == HOSTILE["incident_id"]
            for seq in range(1, rng.choice([2, 3, 4])):
                category = rng.choice(CATEGORIES)
                text = HOSTILE["factor"] if hostile and seq == 1 else f"{category} factor {seq}"
                con.execute(
                    "INSERT INTO contributing_factors (path, incident_id, seq, text, category, "
                    "line) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        row["path"],
                        row["incident_id"],
                        seq,
                        text,
                        "unclassified" if hostile else category,
                        10 + seq,
                    ],
                )
            started = row["started_at"]
            assert isinstance(started, datetime)
            for k in range(rng.choice([1, 2, 3])):
                due = started.date() + timedelta(days=rng.choice([7, 30, 60, 120]))
                owner = HOSTILE["owner"] if hostile else rng.choice(OWNERS)
                text = HOSTILE["action"] if hostile and k == 0 else f"Fix thing {k}"
                status = rng.choice(STATUSES)
                ref = rng.choice([f"OPS-{100 + k}", None])
                if hostile:  # open and overdue, with a script URL (never a link) and a URL with
                    # markup in it as their tracking references
                    status = "open"
                    ref = HOSTILE["tracking"][k % len(HOSTILE["tracking"])]
                con.execute(
                    "INSERT INTO action_items (path, incident_id, action_id, text, owner, due_date, "
                    "status, status_text, priority, kind, tracking_ref, section, line) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        row["path"],
                        row["incident_id"],
                        f"AI-{k + 1}",
                        text,
                        owner,
                        due,
                        status,
                        None,
                        "P2",
                        "preventive",
                        ref,
                        "Action Items",
                        30 + k,
                    ],
                )
        for table in ("incidents", "contributing_factors", "action_items"):
            # every row belongs to its file (root, path), as an ingest writes it
            con.execute(f"UPDATE {table} SET root = ?", [ROOT])  # noqa: S608 (fixed names)
        if similarity:
            from pmkit.similar.cache import refresh

            refresh(con)
    finally:
        con.close()
    return db_path


def test_fixture_db_feeds_the_metrics(tmp_path: Path) -> None:
    db = build_fixture_db(tmp_path / "fixture.duckdb")
    con = duckdb.connect(str(db), read_only=True)
    try:
        f = metrics.Filters(as_of=AS_OF, lookback_days=365)
        share = metrics.severity_share(con, f)
        assert int(share["n"].iloc[0]) >= 30
        assert not metrics.overdue_actions(con, f).empty
        assert not metrics.time_to_draft(con, f).empty
        titles = set(metrics.late_drafts(con, f)["title"]) | set(
            metrics.unclassified_factors(con, f)["title"]
        )
        assert HOSTILE["title"] in titles
    finally:
        con.close()
