"""Every metric on a small hand-built DuckDB file, with exact expected numbers.

The fixture: as_of = 2026-03-31 (a Tuesday), default lookback 365 days (window starts 2025-03-31).

  id     file   tmpl      lvl  team      services       day         notes
  INC-1  a.md   seed-000  0    payments  api, db        2026-03-02  all milestones as fields
  INC-2  b.md   seed-004  1    payments  api            2026-03-10  detect/ack/mitigate from timeline
  INC-3  c.md   freeform  2    search    search         2026-02-16  drafted exactly 48 h after
  INC-4  c.md   freeform  1    -         -              2026-01-20  no start time (incident_date)
  INC-5  d.md   seed-002  3    -         -              2026-03-28  empty stub -> unwritten
  INC-6  e.md   seed-001  -    search    search, api    2026-03-30  drafted after as_of -> unwritten
  left out: X-1 unfilled template, X-2 process doc, X-4 after as_of, U-1 no date at all, X-3
  (2024-06-01) outside the 365-day window (in scope only with lookback_days=None). X-3 is in the
  *backlog* (every incident up to as_of): its open action Z3 is overdue whatever the window.

Owners: INC-2 "@bob", INC-4 "dave"; actions A1 "alice" and A2 "@asmith" are one person once
[people] says so (PEOPLE below). Sources: INC-2 drafted from git, INC-3 resolved from the
timeline, INC-5 started from prose; every other time is a field.

Quantiles are linear (quantile_cont): for sorted v[0..n-1], q at position (n-1)*q.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from pmkit import metrics as m
from pmkit.metrics import Filters
from pmkit.normalize.owners import People

SCHEMA = Path(__file__).resolve().parents[1] / "pmkit" / "sql" / "schema.sql"
AS_OF = date(2026, 3, 31)
T = datetime


def D(year: int, month: int, day: int) -> datetime:
    """A DATE column as pandas returns it (datetime64 -> midnight datetime)."""
    return datetime(year, month, day)


DOCUMENTS = [
    # path, template, is_unfilled_template, is_process_doc
    ("a.md", "seed-000", False, False),
    ("b.md", "seed-004", False, False),
    ("c.md", "freeform", False, False),
    ("d.md", "seed-002", False, False),
    ("e.md", "seed-001", False, False),
    ("t.md", "seed-000", True, False),
    ("p.md", "process", False, True),
    ("old.md", "freeform", False, False),
    ("future.md", "freeform", False, False),
    ("u.md", "freeform", False, False),
]

INSERT_INCIDENT = (
    "INSERT INTO incidents (path, incident_id, severity_level, team, services, incident_date, "
    "started_at, detected_at, acknowledged_at, mitigated_at, resolved_at, duration_minutes, "
    "drafted_at, reviewed_at, trigger_category, root_cause, title) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INCIDENTS: list[tuple[Any, ...]] = [
    # fmt: off
    (
        "a.md",
        "INC-1",
        0,
        "payments",
        ["api", "db"],
        None,
        T(2026, 3, 2, 10, 0),
        T(2026, 3, 2, 10, 10),
        T(2026, 3, 2, 10, 15),
        T(2026, 3, 2, 10, 40),
        T(2026, 3, 2, 12, 0),
        None,
        T(2026, 3, 3, 12, 0),
        T(2026, 3, 6, 9, 0),
        "deploy",
        "bad config",
        "one",
    ),
    (
        "b.md",
        "INC-2",
        1,
        "payments",
        ["api"],
        None,
        T(2026, 3, 10, 8, 0),
        None,
        None,
        None,
        T(2026, 3, 10, 10, 0),
        120.0,
        T(2026, 3, 13, 16, 0),
        T(2026, 3, 23, 10, 0),
        "config_push",
        "bad deploy",
        "two",
    ),
    (
        "c.md",
        "INC-3",
        2,
        "search",
        ["search"],
        None,
        T(2026, 2, 16, 22, 0),
        T(2026, 2, 16, 23, 0),
        T(2026, 2, 16, 23, 30),
        T(2026, 2, 17, 1, 0),
        T(2026, 2, 17, 4, 0),
        None,
        T(2026, 2, 19, 4, 0),
        None,
        None,
        "disk full",
        "three",
    ),
    (
        "c.md",
        "INC-4",
        1,
        None,
        [],
        date(2026, 1, 20),
        None,
        None,
        None,
        None,
        T(2026, 1, 20, 15, 0),
        30.0,
        T(2026, 1, 26, 15, 0),
        T(2026, 1, 30, 11, 0),
        "deploy",
        None,
        "four",
    ),
    (
        "d.md",
        "INC-5",
        3,
        None,
        None,
        None,
        T(2026, 3, 28, 9, 0),
        None,
        None,
        None,
        T(2026, 3, 28, 11, 0),
        None,
        None,
        None,
        None,
        "  ",
        "five",
    ),
    (
        "e.md",
        "INC-6",
        None,
        "search",
        ["search", "api"],
        None,
        T(2026, 3, 30, 12, 0),
        None,
        None,
        None,
        T(2026, 3, 30, 13, 0),
        None,
        T(2026, 4, 2, 9, 0),
        None,
        "traffic",
        "surge",
        "six",
    ),
    (
        "t.md",
        "X-1",
        0,
        "payments",
        ["api"],
        None,
        T(2026, 3, 5, 0, 0),
        None,
        None,
        None,
        T(2026, 3, 5, 1, 0),
        None,
        None,
        None,
        "deploy",
        "x",
        "template",
    ),
    (
        "p.md",
        "X-2",
        0,
        "payments",
        ["api"],
        None,
        T(2026, 3, 5, 0, 0),
        None,
        None,
        None,
        T(2026, 3, 5, 1, 0),
        None,
        None,
        None,
        "deploy",
        "x",
        "process",
    ),
    (
        "old.md",
        "X-3",
        2,
        "search",
        ["db"],
        None,
        T(2024, 6, 1, 0, 0),
        None,
        None,
        None,
        T(2024, 6, 1, 1, 0),
        None,
        None,
        None,
        None,
        "x",
        "old",
    ),
    (
        "future.md",
        "X-4",
        0,
        "payments",
        ["api"],
        None,
        T(2026, 4, 5, 0, 0),
        None,
        None,
        None,
        T(2026, 4, 5, 1, 0),
        None,
        None,
        None,
        None,
        "x",
        "future",
    ),
    # fmt: on
]

TIMELINE = [
    # path, incident_id, seq, occurred_at, event
    ("a.md", "INC-1", 1, T(2026, 3, 2, 10, 5), "Alert fired"),  # the field (10:10) wins
    ("b.md", "INC-2", 1, T(2026, 3, 10, 8, 0), "Deploy of api v2 started"),
    ("b.md", "INC-2", 2, T(2026, 3, 10, 8, 30), "Alert fired for api 5xx"),
    ("b.md", "INC-2", 3, T(2026, 3, 10, 8, 45), "On-call acknowledged the page"),
    ("b.md", "INC-2", 4, T(2026, 3, 10, 9, 20), "Rolled back the release"),
    ("b.md", "INC-2", 5, T(2026, 3, 10, 10, 0), "Incident resolved"),
    ("b.md", "INC-2", 6, None, "Detected earlier by a customer"),  # unreadable time: ignored
]

ACTIONS = [
    # path, incident_id, action_id, owner, due_date, status, tracking_ref, line
    ("a.md", "INC-1", "A1", "alice", date(2026, 3, 30), "open", "PAY-1", 10),
    ("a.md", "INC-1", "A2", "@asmith", date(2026, 3, 1), "in_progress", "PAY-2", 11),
    ("a.md", "INC-1", "A3", "bob", date(2026, 3, 15), "done", "PAY-3", 12),
    ("b.md", "INC-2", "A4", None, date(2025, 12, 1), "unknown", None, 20),
    ("b.md", "INC-2", "A5", "bob", date(2026, 4, 15), "open", " ", 21),
    ("c.md", "INC-3", "A6", "carol", date(2026, 1, 30), "open", "SRCH-9", 30),
    ("c.md", "INC-3", "A7", "carol", None, "open", "SRCH-10", 31),
    ("c.md", "INC-4", "A8", "dave", date(2026, 3, 31), "open", "X-1", 40),
    ("c.md", "INC-4", "A9", "dave", date(2026, 2, 1), "done", "X-2", 41),
    ("c.md", "INC-4", "A10", None, None, "done", None, 42),  # done: never untracked
    ("t.md", "X-1", "Z1", "zed", date(2026, 1, 1), "open", None, 1),
    ("old.md", "X-3", "Z3", "zed", date(2024, 7, 1), "open", None, 1),
]

FACTORS = [
    # path, incident_id, seq, text, category (first match)
    ("a.md", "INC-1", 1, "Config change pushed without review", "config_change"),
    ("a.md", "INC-1", 2, "No alert on queue depth", "monitoring_gap"),
    ("b.md", "INC-2", 1, "Bad deploy", "deploy"),
    ("b.md", "INC-2", 2, "Cosmic ray", "unclassified"),
    ("c.md", "INC-3", 1, "Disk full", "capacity"),  # no factor_categories rows: falls back
    ("c.md", "INC-3", 2, "Config typo", "config_change"),
    ("c.md", "INC-4", 1, "Deploy during the freeze", "deploy"),
    ("e.md", "INC-6", 1, "Unknown", None),  # never classified: counts as unclassified
    ("t.md", "X-1", 1, "Config", "config_change"),
]

FACTOR_CATEGORIES = [
    ("a.md", "INC-1", 1, "config_change"),
    ("a.md", "INC-1", 1, "process_gap"),
    ("a.md", "INC-1", 2, "monitoring_gap"),
    ("b.md", "INC-2", 1, "deploy"),
    ("b.md", "INC-2", 2, "unclassified"),
    ("c.md", "INC-3", 2, "config_change"),
    ("c.md", "INC-4", 1, "deploy"),
    ("c.md", "INC-4", 1, "process_gap"),
    ("t.md", "X-1", 1, "config_change"),
]


def _build(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        con.executemany(
            "INSERT INTO documents (path, sha256, size_bytes, ingested_at, template, "
            "is_unfilled_template, is_process_doc) VALUES (?, 'x', 1, TIMESTAMP '2026-04-10', ?, ?, ?)",
            DOCUMENTS,
        )
        con.executemany(INSERT_INCIDENT, INCIDENTS)
        con.execute(
            "INSERT INTO incidents (path, incident_id, title) VALUES ('u.md', 'U-1', 'undated')"
        )
        for sql in (
            "UPDATE incidents SET owner = '@bob' WHERE incident_id = 'INC-2'",
            "UPDATE incidents SET owner = 'dave' WHERE incident_id = 'INC-4'",
            "UPDATE incidents SET drafted_source = 'git' WHERE incident_id = 'INC-2'",
            "UPDATE incidents SET resolved_source = 'timeline' WHERE incident_id = 'INC-3'",
            "UPDATE incidents SET started_source = 'prose' WHERE incident_id = 'INC-5'",
            # INC-2's detection, acknowledgement and mitigation are read from its timeline by
            # the parser (the alert, the acknowledged page, the rollback: see TIMELINE)
            "UPDATE incidents SET detected_at = TIMESTAMP '2026-03-10 08:30', "
            "detected_source = 'timeline', acknowledged_at = TIMESTAMP '2026-03-10 08:45', "
            "acknowledged_source = 'timeline', mitigated_at = TIMESTAMP '2026-03-10 09:20', "
            "mitigated_source = 'timeline' WHERE incident_id = 'INC-2'",
        ):
            con.execute(sql)
        con.executemany(
            "INSERT INTO timeline_events (path, incident_id, seq, occurred_at, event) "
            "VALUES (?, ?, ?, ?, ?)",
            TIMELINE,
        )
        con.executemany(
            "INSERT INTO action_items (path, incident_id, action_id, text, owner, due_date, status,"
            " kind, tracking_ref, line) VALUES (?, ?, ?, 'do it', ?, ?, ?, 'unspecified', ?, ?)",
            ACTIONS,
        )
        con.executemany(
            "INSERT INTO contributing_factors (path, incident_id, seq, text, category) "
            "VALUES (?, ?, ?, ?, ?)",
            FACTORS,
        )
        con.executemany(
            "INSERT INTO factor_categories (path, incident_id, seq, category) VALUES (?, ?, ?, ?)",
            FACTOR_CATEGORIES,
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("metrics") / "metrics.duckdb"
    _build(path)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


F = Filters(as_of=AS_OF)
PEOPLE = People(
    aliases=(("alice", "Alice Smith"), ("asmith", "Alice Smith"), ("bob", "Bob Jones")),
    teams=(("Alice Smith", "platform"),),
)
"""[people]: "Alice Smith" = { aliases = ["alice", "@asmith"], team = "platform" },
"Bob Jones" = ["@bob"] (person_key drops the @)."""
FP = Filters(as_of=AS_OF, people=PEOPLE)


def rows(df: pd.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    """Plain tuples (NaN and NA as None, numpy scalars as Python) for exact comparison."""
    out = []
    for record in df[list(columns)].itertuples(index=False):
        out.append(tuple(_plain(v) for v in record))
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


# --- Filters -------------------------------------------------------------------------------


def test_filters_validate_and_coerce() -> None:
    f = Filters(as_of="2026-03-31", severity_levels=[0, 1], services=["api"])  # type: ignore[arg-type]
    assert f.as_of == AS_OF and f.severity_levels == (0, 1) and f.services == ("api",)
    for bad in (
        {"as_of": "31/03/2026"},
        {"as_of": 20260331},
        {"as_of": AS_OF, "lookback_days": -1},
        {"as_of": AS_OF, "lookback_days": True},
        {"as_of": AS_OF, "severity_levels": (-1,)},
        {"as_of": AS_OF, "severity_levels": ("P1",)},
        {"as_of": AS_OF, "services": "api"},
        {"as_of": AS_OF, "teams": ("",)},
    ):
        with pytest.raises(ValueError, match="Filters"):
            Filters(**bad)


def test_scope_filters(con: duckdb.DuckDBPyConnection) -> None:
    def n(**kw: Any) -> int:
        return int(m.severity_share(con, Filters(as_of=AS_OF, **kw))["n"].iloc[0])

    assert n() == 6  # INC-1..6; template, process doc, old and future left out
    assert n(lookback_days=None) == 7  # + X-3 from 2024
    assert n(lookback_days=30) == 4  # day >= 2026-03-01: INC-1, INC-2, INC-5, INC-6
    assert n(severity_levels=(1,)) == 2  # INC-2, INC-4
    assert n(services=("search",)) == 2  # INC-3, INC-6
    assert n(teams=("payments",)) == 2  # INC-1, INC-2
    assert n(templates=("seed-004", "freeform")) == 3  # INC-2, INC-3, INC-4
    empty = m.severity_share(con, Filters(as_of=AS_OF, teams=("nobody",)))
    assert rows(empty, "n", "n_known", "n_level_le_1", "share_level_le_1") == [(0, 0, 0, None)]


# --- severity ------------------------------------------------------------------------------


def test_severity_by_period(con: duckdb.DuckDBPyConnection) -> None:
    # 30 days back from Tue 03-31: the window starts Sun 03-01. ISO weeks start on Monday:
    # 02-23 (cut: partial), 03-02, 03-09, 03-16 (empty: still there), 03-23, 03-30 (ends 04-05
    # after as_of: partial). Levels seen: 0 (03-02), 1 (03-10), 3 (03-28), unknown (03-30).
    week = m.severity_by_period(con, Filters(as_of=AS_OF, lookback_days=30), "week")
    assert len(week) == 6 * 4
    totals = week.groupby("period_label", sort=False)["n"].sum()
    assert list(totals.items()) == [
        ("2026-02-23*", 0),
        ("2026-03-02", 1),
        ("2026-03-09", 1),
        ("2026-03-16", 0),
        ("2026-03-23", 1),
        ("2026-03-30*", 1),
    ]
    assert rows(week[week["n"] > 0], "period_start", "severity_level", "n") == [
        (D(2026, 3, 2), 0, 1),
        (D(2026, 3, 9), 1, 1),
        (D(2026, 3, 23), 3, 1),
        (D(2026, 3, 30), None, 1),
    ]
    # 365 days: every month from 2025-03 (cut: the window starts 03-31) to 2026-03 (as_of is its
    # last day: whole), 13 months x the 5 levels seen, zero where nothing happened
    month = m.severity_by_period(con, F, "month")
    assert len(month) == 13 * 5 and int(month["n"].sum()) == 6
    labels = list(month.drop_duplicates("period_start")["period_label"])
    assert labels[0] == "2025-03*" and labels[-1] == "2026-03" and len(labels) == 13
    assert list(month.drop_duplicates("period_start")["partial"]) == [True] + [False] * 12
    assert int(month.loc[month["period_start"] == D(2025, 6, 1), "n"].sum()) == 0
    assert rows(month[month["n"] > 0], "period_start", "severity_level", "n") == [
        (D(2026, 1, 1), 1, 1),
        (D(2026, 2, 1), 2, 1),
        (D(2026, 3, 1), 0, 1),
        (D(2026, 3, 1), 1, 1),
        (D(2026, 3, 1), 3, 1),
        (D(2026, 3, 1), None, 1),
    ]
    quarter = m.severity_by_period(con, F, "quarter")
    assert list(quarter.drop_duplicates("period_start")["period_label"]) == [
        "2025 Q1*",
        "2025 Q2",
        "2025 Q3",
        "2025 Q4",
        "2026 Q1",
    ]
    with pytest.raises(ValueError, match="period"):
        m.severity_by_period(con, F, "day")


def test_severity_share(con: duckdb.DuckDBPyConnection) -> None:
    # 6 incidents, 5 with a level, 3 at level <= 1 (INC-1, INC-2, INC-4): 3 / 5 = 0.6
    overall = m.severity_share(con, F)
    assert rows(overall, "n", "n_known", "n_level_le_1", "share_level_le_1") == [(6, 5, 3, 0.6)]
    # March: INC-1 (0), INC-2 (1), INC-5 (3), INC-6 (unknown) -> 2 / 3; every month of the window
    monthly = m.severity_share(con, F, period="month")
    assert len(monthly) == 13
    cols = ("period_start", "n", "n_known", "n_level_le_1", "share_level_le_1")
    assert rows(monthly[monthly["n"] > 0], *cols) == [
        (D(2026, 1, 1), 1, 1, 1, 1.0),
        (D(2026, 2, 1), 1, 1, 0, 0.0),
        (D(2026, 3, 1), 4, 3, 2, round(2 / 3, 6)),
    ]
    assert rows(monthly.head(1), *cols) == [(D(2025, 3, 1), 0, 0, 0, None)]


def test_duration_by_severity(con: duckdb.DuckDBPyConnection) -> None:
    # written duration, else resolved - started: INC-1 120 (0); INC-2 120 written, INC-4 30
    # written (1): median 75, p90 30 + 0.9 * 90 = 111; INC-3 360 (2); INC-5 120 (3); INC-6 60 (-)
    # Sources: a written duration is a field; INC-3 ends on a timeline time, INC-5 starts on prose.
    df = m.duration_by_severity(con, F)
    cols = ("severity_level", "n", "median_minutes", "p90_minutes")
    assert rows(df, *cols, "n_field", "n_timeline", "n_prose") == [
        (0, 1, 120.0, 120.0, 1, 0, 0),
        (1, 2, 75.0, 111.0, 2, 0, 0),
        (2, 1, 360.0, 360.0, 0, 1, 0),
        (3, 1, 120.0, 120.0, 0, 0, 1),
        (None, 1, 60.0, 60.0, 1, 0, 0),
    ]


def test_duration_derived_by_the_parser_keeps_its_source(tmp_path: Path) -> None:
    # the parser stores resolved - started as duration_minutes too, with duration_source saying
    # where its ends were read: INC-2's 120 minutes from its timeline count as timeline, not as
    # a written field (level 1: INC-2 timeline, INC-4 written)
    path = tmp_path / "derived.duckdb"
    _build(path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE incidents SET duration_source = 'timeline' WHERE incident_id = 'INC-2'")
        df = m.duration_by_severity(con, F)
    level1 = df[df["severity_level"] == 1]
    assert rows(level1, "n", "n_field", "n_timeline", "n_prose") == [(2, 1, 1, 0)]


def test_top_services(con: duckdb.DuckDBPyConnection) -> None:
    # api: INC-1, INC-2, INC-6 (2 at level <= 1); search: INC-3, INC-6; db: INC-1
    df = m.top_services(con, F)
    assert rows(df, "service", "n_incidents", "n_level_le_1") == [
        ("api", 3, 2),
        ("search", 2, 0),
        ("db", 1, 1),
    ]
    assert list(m.top_services(con, F, limit=2)["service"]) == ["api", "search"]
    with pytest.raises(ValueError, match="limit"):
        m.top_services(con, F, limit=0)


# --- MTTx ----------------------------------------------------------------------------------


def test_mttx(con: duckdb.DuckDBPyConnection) -> None:
    # detect (detected - started): INC-1 10, INC-2 30 (timeline 08:30), INC-3 60
    #   -> median 30, p90 30 + 0.8 * 30 = 54
    # acknowledge (ack - detected): 5, 15 (timeline), 30 -> median 15, p90 15 + 0.8 * 15 = 27
    # mitigate (mitigated - started): 40, 80 (timeline 09:20), 180 -> 80, p90 80 + 0.8 * 100 = 160
    # resolve (resolved - started): INC-1 120, INC-2 120, INC-3 360, INC-5 120, INC-6 60
    #   (INC-4 has no start) -> sorted 60 120 120 120 360: median 120, p90 120 + 0.6 * 240 = 264
    # Sources: INC-2's first three from its timeline; resolve: INC-3 ends on a timeline time,
    # INC-5 starts on a time read in prose, the other three are fields.
    df = m.mttx(con, F)
    cols = ("measure", "n", "median_minutes", "p90_minutes", "n_from_timeline")
    assert rows(df, *cols, "n_field", "n_timeline", "n_prose", "n_git") == [
        ("detect", 3, 30.0, 54.0, 1, 2, 1, 0, 0),
        ("acknowledge", 3, 15.0, 27.0, 1, 2, 1, 0, 0),
        ("mitigate", 3, 80.0, 160.0, 1, 2, 1, 0, 0),
        ("resolve", 5, 120.0, 264.0, 1, 3, 1, 1, 0),
    ]


def test_mttx_by_period(con: duckdb.DuckDBPyConnection) -> None:
    # every month of the window for each measure. March: detect INC-1 10, INC-2 30 -> median 20,
    # p90 10 + 0.9 * 20 = 28; acknowledge 5, 15 -> 10, 14; mitigate 40, 80 -> 60, 76; resolve
    # 120, 120, 120 (INC-5, prose), 60 -> 120, p90 120. February: INC-3 alone. January: INC-4
    # has no start -> n = 0.
    df = m.mttx_by_period(con, F, "month")
    assert len(df) == 13 * 4
    cols = ("period_start", "measure", "n", "median_minutes", "p90_minutes", "n_prose")
    nonzero = df[df["n"] > 0].sort_values(["measure", "period_start"])
    assert rows(nonzero, *cols) == [
        (D(2026, 2, 1), "acknowledge", 1, 30.0, 30.0, 0),
        (D(2026, 3, 1), "acknowledge", 2, 10.0, 14.0, 0),
        (D(2026, 2, 1), "detect", 1, 60.0, 60.0, 0),
        (D(2026, 3, 1), "detect", 2, 20.0, 28.0, 0),
        (D(2026, 2, 1), "mitigate", 1, 180.0, 180.0, 0),
        (D(2026, 3, 1), "mitigate", 2, 60.0, 76.0, 0),
        (D(2026, 2, 1), "resolve", 1, 360.0, 360.0, 0),
        (D(2026, 3, 1), "resolve", 4, 120.0, 120.0, 1),
    ]


def test_milestones_per_incident(con: duckdb.DuckDBPyConnection) -> None:
    df = m.milestones(con, F).set_index("incident_id")
    assert _plain(df.loc["INC-2", "detected_at"]) == T(2026, 3, 10, 8, 30)
    assert bool(df.loc["INC-2", "detected_from_timeline"]) is True
    assert _plain(df.loc["INC-1", "detected_at"]) == T(2026, 3, 2, 10, 10)  # field wins
    assert bool(df.loc["INC-1", "detected_from_timeline"]) is False
    assert _plain(df.loc["INC-4", "resolve_minutes"]) is None  # no start time


def test_mttx_empty_scope_keeps_every_measure(con: duckdb.DuckDBPyConnection) -> None:
    df = m.mttx(con, Filters(as_of=AS_OF, teams=("nobody",)))
    assert rows(df, "measure", "n", "median_minutes") == [
        ("detect", 0, None),
        ("acknowledge", 0, None),
        ("mitigate", 0, None),
        ("resolve", 0, None),
    ]


# --- time to draft / review ----------------------------------------------------------------


def test_time_to_draft(con: duckdb.DuckDBPyConnection) -> None:
    # INC-4: 01-20 15:00 -> 01-26 15:00 = 144 h; INC-3: 02-17 04:00 -> 02-19 04:00 = 48 h (on
    # target); INC-1: 24 h; INC-2: 03-10 10:00 -> 03-13 16:00 = 78 h. INC-6 drafted after as_of.
    df = m.time_to_draft(con, F)
    assert rows(df, "incident_id", "hours", "within_target") == [
        ("INC-4", 144.0, False),
        ("INC-3", 48.0, True),
        ("INC-1", 24.0, True),
        ("INC-2", 78.0, False),
    ]


def test_time_to_draft_summary(con: duckdb.DuckDBPyConnection) -> None:
    # March: 24, 78 -> median 51, p90 24 + 0.9 * 54 = 72.6, one of two within 48 h
    by_month = m.time_to_draft_summary(con, F, by="month")
    assert rows(by_month, "month", "n", "median_hours", "p90_hours", "share_within_target") == [
        (D(2026, 1, 1), 1, 144.0, 144.0, 0.0),
        (D(2026, 2, 1), 1, 48.0, 48.0, 1.0),
        (D(2026, 3, 1), 2, 51.0, 72.6, 0.5),
    ]
    # level 1: 78, 144 -> median 111, p90 78 + 0.9 * 66 = 137.4
    by_sev = m.time_to_draft_summary(con, F, by="severity")
    assert rows(
        by_sev, "severity_level", "n", "median_hours", "p90_hours", "share_within_target"
    ) == [
        (0, 1, 24.0, 24.0, 1.0),
        (1, 2, 111.0, 137.4, 0.0),
        (2, 1, 48.0, 48.0, 1.0),
    ]
    # all four: 24 48 78 144 -> median 63, p90 78 + 0.7 * 66 = 124.2; INC-2 drafted per git,
    # INC-3 resolved per its timeline
    overall = m.time_to_draft_summary(con, F, by=None)
    assert rows(overall, "n", "median_hours", "p90_hours", "n_field", "n_git", "n_timeline") == [
        (4, 63.0, 124.2, 2, 1, 1)
    ]
    # teams: payments INC-1 24, INC-2 78; INC-4 has none; search INC-3 48 (most drafts first)
    by_team = m.time_to_draft_summary(con, F, by="team")
    assert rows(by_team, "team", "n", "median_hours", "share_within_target") == [
        ("payments", 2, 51.0, 0.5),
        ("(no team)", 1, 144.0, 0.0),
        ("search", 1, 48.0, 1.0),
    ]
    # services: INC-1 api + db, INC-2 api, INC-3 search, INC-4 none: an incident under each
    by_service = m.time_to_draft_summary(con, F, by="service")
    assert rows(by_service, "service", "n", "median_hours") == [
        ("api", 2, 51.0),
        ("(no service)", 1, 144.0),
        ("db", 1, 24.0),
        ("search", 1, 48.0),
    ]
    by_period = m.time_to_draft_summary(con, F, by="period", period="month")
    assert len(by_period) == 13 and int(by_period["n"].sum()) == 4
    with pytest.raises(ValueError, match="by"):
        m.time_to_draft_summary(con, F, by="owner")


def test_late_drafts(con: duckdb.DuckDBPyConnection) -> None:
    late = m.late_drafts(con, F)
    assert rows(late, "incident_id", "hours", "owner", "team") == [
        ("INC-4", 144.0, "dave", None),
        ("INC-2", 78.0, "@bob", "payments"),
    ]
    # a 100 h target makes only INC-4 late
    assert list(m.late_drafts(con, F, target_hours=100)["incident_id"]) == ["INC-4"]
    # [people] names @bob as Bob Jones; what was written stays in owner_written
    merged = m.late_drafts(con, FP)
    assert rows(merged, "incident_id", "owner", "owner_written") == [
        ("INC-4", "dave", "dave"),
        ("INC-2", "Bob Jones", "@bob"),
    ]


def test_unwritten(con: duckdb.DuckDBPyConnection) -> None:
    # INC-5: resolved 03-28 11:00, nothing written (blank root cause, no factors, no actions);
    #   3 days before as_of; as_of ends 04-01 00:00, 85 h after resolution > 48 h.
    # INC-6: resolved 03-30 13:00, drafted 04-02 (after as_of); 35 h < 48 h.
    # INC-4 has no root cause but has factors and actions: written.
    df = m.unwritten(con, F)
    assert rows(df, "incident_id", "days_since_resolved", "past_target", "reason") == [
        ("INC-5", 3, True, "empty postmortem"),
        ("INC-6", 1, False, "drafted after as_of"),
    ]
    # the state at as_of, whatever the window: a one-day window lists the same two
    assert list(m.unwritten(con, Filters(as_of=AS_OF, lookback_days=1))["incident_id"]) == [
        "INC-5",
        "INC-6",
    ]
    # looking back from 2026-03-12: INC-2 resolved 03-10, drafted 03-13 -> unwritten then
    earlier = m.unwritten(con, Filters(as_of=date(2026, 3, 12)))
    assert rows(earlier, "incident_id", "days_since_resolved", "past_target", "owner") == [
        ("INC-2", 2, True, "@bob")
    ]


def test_time_to_review(con: duckdb.DuckDBPyConnection) -> None:
    # INC-4: Mon 01-26 -> Fri 01-30 = 4 business days; INC-1: Tue 03-03 -> Fri 03-06 = 3;
    # INC-2: Fri 03-13 -> Mon 03-23 = 6 (late; drafted per git). INC-3 not reviewed.
    df = m.time_to_review(con, F)
    assert rows(df, "incident_id", "business_days", "within_target", "source") == [
        ("INC-4", 4, True, "field"),
        ("INC-1", 3, True, "field"),
        ("INC-2", 6, False, "git"),
    ]
    # 3, 4, 6 -> median 4, p90 4 + 0.8 * 2 = 5.6, 2 of 3 within 5
    summary = m.time_to_review_summary(con, F)
    assert rows(
        summary, "n", "median_business_days", "p90_business_days", "share_within_target"
    ) == [(3, 4.0, 5.6, round(2 / 3, 6))]
    by_sev = m.time_to_review_summary(con, F, by="severity")
    assert rows(by_sev, "severity_level", "n", "median_business_days") == [(0, 1, 3.0), (1, 2, 5.0)]


def test_waiting_for_review(con: duckdb.DuckDBPyConnection) -> None:
    # At 03-31 only INC-3 is drafted (Thu 02-19) and not reviewed: weekdays in [02-19, 03-31)
    # = 2 + 5 * 5 + 1 = 28 > 5. INC-6 is drafted only on 04-02.
    df = m.waiting_for_review(con, F)
    assert rows(df, "incident_id", "business_days_waiting", "past_target", "review_recorded") == [
        ("INC-3", 28, True, True)
    ]
    # At 04-10: INC-3 waits 28 + 8 = 36; INC-6 (Thu 04-02) 6, but seed-001 files never record a
    # review, so it is only listed as such; the window does not matter (the state at as_of)
    later = m.waiting_for_review(con, Filters(as_of=date(2026, 4, 10), lookback_days=1))
    assert rows(later, "incident_id", "business_days_waiting", "review_recorded") == [
        ("INC-3", 36, True),
        ("INC-6", 6, False),
    ]


# --- action items --------------------------------------------------------------------------


def test_overdue_actions(con: duckdb.DuckDBPyConnection) -> None:
    # due < 2026-03-31 and not done: Z3 2024-07-01 (365 + 273 = 638 d; its incident is from
    # 2024, outside the window, still overdue), A4 2025-12-01 (120 d, status unknown counts),
    # A6 01-30 (1 + 28 + 31 = 60 d), A2 03-01 (30 d), A1 03-30 (1 d). A8 is due on as_of: not
    # overdue. Z1 belongs to an unfilled template: never.
    df = m.overdue_actions(con, F)
    assert rows(df, "action_id", "owner", "team", "age_days", "bucket") == [
        ("Z3", "zed", "search", 638, ">90"),
        ("A4", None, "payments", 120, ">90"),
        ("A6", "carol", "search", 60, "31-90"),
        ("A2", "@asmith", "payments", 30, "8-30"),
        ("A1", "alice", "payments", 1, "1-7"),
    ]


@pytest.mark.parametrize("lookback", [1, 30, 365, None])
def test_the_backlog_does_not_depend_on_the_window(
    con: duckdb.DuckDBPyConnection, lookback: int | None
) -> None:
    f = Filters(as_of=AS_OF, lookback_days=lookback)
    assert list(m.overdue_actions(con, f)["action_id"]) == ["Z3", "A4", "A6", "A2", "A1"]
    assert list(m.untracked_actions(con, f)["action_id"]) == ["A4", "A5", "A7", "Z3"]
    assert rows(m.action_summary(con, f), "n_open", "n_overdue") == [(8, 5)]
    # the incident filters still apply: search's incidents hold A6, A7 and Z3
    search = Filters(as_of=AS_OF, lookback_days=lookback, teams=("search",))
    assert list(m.overdue_actions(con, search)["action_id"]) == ["Z3", "A6"]


def test_action_summary(con: duckdb.DuckDBPyConnection) -> None:
    # 11 actions up to as_of (A1-A10, Z3); done: A3, A9, A10; open: the other 8, A4 with no
    # status written; A7 has no due date; overdue 5 (A4 among them); untracked open: A4, A5, A7, Z3
    df = m.action_summary(con, F)
    cols = ("n_actions", "n_open", "n_open_unknown", "n_open_with_due", "n_overdue")
    assert rows(df, *cols, "n_overdue_unknown", "n_untracked_open", "n_status_known") == [
        (11, 8, 1, 7, 5, 1, 4, 10)
    ]


def test_overdue_by_owner_and_team(con: duckdb.DuckDBPyConnection) -> None:
    cols = ("n_overdue", "oldest_days", "1-7", "8-30", "31-90", ">90")
    by_owner = m.overdue_by_owner(con, F)
    assert rows(by_owner, "owner", *cols) == [
        ("zed", 1, 638, 0, 0, 0, 1),
        ("(no owner)", 1, 120, 0, 0, 0, 1),
        ("carol", 1, 60, 0, 0, 1, 0),
        ("@asmith", 1, 30, 0, 1, 0, 0),
        ("alice", 1, 1, 1, 0, 0, 0),
    ]
    by_team = m.overdue_by_team(con, F)
    assert rows(by_team, "team", *cols) == [
        ("payments", 3, 120, 1, 1, 0, 1),
        ("search", 2, 638, 0, 0, 1, 1),
    ]
    none = m.overdue_by_team(con, Filters(as_of=AS_OF, teams=("nobody",)))
    assert list(none.columns) == ["team", *cols] and none.empty


def test_people_merge_owners_and_give_their_team(con: duckdb.DuckDBPyConnection) -> None:
    # [people]: alice and @asmith are Alice Smith (team platform): one owner with two actions
    cols = ("n_overdue", "oldest_days", "1-7", "8-30", "31-90", ">90")
    assert rows(m.overdue_by_owner(con, FP), "owner", *cols) == [
        ("Alice Smith", 2, 30, 1, 1, 0, 0),
        ("zed", 1, 638, 0, 0, 0, 1),
        ("(no owner)", 1, 120, 0, 0, 0, 1),
        ("carol", 1, 60, 0, 0, 1, 0),
    ]
    # her actions count for her team; the others for their incident's team
    assert rows(m.overdue_by_team(con, FP), "team", *cols) == [
        ("search", 2, 638, 0, 0, 1, 1),
        ("platform", 2, 30, 1, 1, 0, 0),
        ("payments", 1, 120, 0, 0, 0, 1),
    ]
    overdue = m.overdue_actions(con, FP)
    assert rows(overdue[overdue["action_id"] == "A2"], "owner", "owner_written", "owner_team") == [
        ("Alice Smith", "@asmith", "platform")
    ]


def test_overdue_by_service(con: duckdb.DuckDBPyConnection) -> None:
    # A1, A2 (INC-1: api, db), A4 (INC-2: api), A6 (INC-3: search), Z3 (X-3: db): an action
    # counts under each service of its incident
    df = m.overdue_by_service(con, F)
    assert rows(df, "service", "n_overdue", "oldest_days", "1-7", "8-30", "31-90", ">90") == [
        ("db", 3, 638, 1, 1, 0, 1),
        ("api", 3, 120, 1, 1, 0, 1),
        ("search", 1, 60, 0, 0, 1, 0),
    ]


def test_owner_names(con: duckdb.DuckDBPyConnection) -> None:
    df = m.owner_names(con, F)
    assert rows(df, "name", "n") == [
        ("@asmith", 1),
        ("@bob", 1),
        ("alice", 1),
        ("bob", 2),
        ("carol", 2),
        ("dave", 3),
        ("zed", 1),
    ]


def test_untracked_actions(con: duckdb.DuckDBPyConnection) -> None:
    # open actions only: A4 no owner, no tracking ref; A5 blank tracking ref; A7 no due date;
    # Z3 (a 2024 incident) no tracking ref. A10 has none of the three but is done: tracked enough.
    df = m.untracked_actions(con, F)
    assert rows(df, "action_id", "missing") == [
        ("A4", "owner, tracking reference"),
        ("A5", "tracking reference"),
        ("A7", "due date"),
        ("Z3", "tracking reference"),
    ]


def test_action_backlog(con: duckdb.DuckDBPyConnection) -> None:
    # window 90 days: from 2025-12-31, months 2025-12 (cut) .. 2026-03 (the last ends at as_of).
    # Every action up to each month end counts, whatever the window: Z3 (created 2024-06-01,
    # open, due 2024-07-01) from the start. Created on the incident day: A8-A10 on 01-20; A6, A7
    # on 02-16; A1-A3 on 03-02; A4, A5 on 03-10. still_open = created so far, not done at ingest
    # (A3, A9, A10 are done); unknown_status: A4. Overdue at the month end: Dec, Jan: Z3; Feb: Z3,
    # A6 (due 01-30); Mar 31: Z3, A6, A1, A2, A4 (A8 due on 03-31: no).
    df = m.action_backlog(con, Filters(as_of=AS_OF, lookback_days=90))
    cols = ("period_label", "period_end", "created", "created_to_date", "still_open")
    assert rows(df, *cols, "unknown_status", "done_at_ingest", "overdue") == [
        ("2025-12*", D(2025, 12, 31), 0, 1, 1, 0, 0, 1),
        ("2026-01", D(2026, 1, 31), 3, 4, 2, 0, 2, 1),
        ("2026-02", D(2026, 2, 28), 2, 6, 4, 0, 2, 2),
        ("2026-03", D(2026, 3, 31), 5, 11, 8, 1, 3, 5),
    ]
    # no lookback: the window starts at the first incident (X-3, 2024-06): 22 months
    assert len(m.action_backlog(con, Filters(as_of=AS_OF, lookback_days=None))) == 22


def test_action_completion_by_month(con: duckdb.DuckDBPyConnection) -> None:
    # Jan: A8, A9 (done), A10 (done); Feb: A6, A7; Mar: A1..A5, A3 done, A4 without a status:
    # 1 of the 4 with a status. Every month of the window, empty ones with no rate.
    df = m.action_completion(con, F, "month")
    assert len(df) == 13
    cols = ("period_start", "n_actions", "n_status_known", "n_done", "completion_rate")
    assert rows(df[df["n_actions"] > 0], *cols) == [
        (D(2026, 1, 1), 3, 3, 2, round(2 / 3, 6)),
        (D(2026, 2, 1), 2, 2, 0, 0.0),
        (D(2026, 3, 1), 5, 4, 1, 0.25),
    ]
    assert rows(df.head(1), *cols) == [(D(2025, 3, 1), 0, 0, 0, None)]


# --- factors and triggers ------------------------------------------------------------------
# Categories per in-scope incident (factor_categories, else contributing_factors.category):
#   INC-1 config_change + process_gap (factor 1), monitoring_gap (2); INC-2 deploy, unclassified;
#   INC-3 capacity (fallback), config_change; INC-4 deploy + process_gap; INC-6 unclassified.


def test_factor_frequency(con: duckdb.DuckDBPyConnection) -> None:
    # each of the 8 factors of the window once, in its primary category; 5 incidents list
    # factors (INC-1, 2, 3, 4, 6), the share's base. process_gap is no factor's primary
    # category but two factors (INC-1 #1, INC-4 #1) also match it: n_also.
    df = m.factor_frequency(con, F)
    assert rows(df, "category", "n_factors", "n_incidents", "share_of_incidents", "n_also") == [
        ("config_change", 2, 2, 0.4, 0),
        ("deploy", 2, 2, 0.4, 0),
        ("unclassified", 2, 2, 0.4, 0),
        ("capacity", 1, 1, 0.2, 0),
        ("monitoring_gap", 1, 1, 0.2, 0),
        ("process_gap", 0, 0, 0.0, 2),
    ]
    assert int(df["n_factors"].sum()) == 8  # each factor counted once


def test_factor_trend(con: duckdb.DuckDBPyConnection) -> None:
    df = m.factor_trend(con, F, period="month")
    assert len(df) == 13 * 5  # every month x the 5 primary categories seen
    nonzero = df[df["n_incidents"] > 0]
    assert rows(nonzero, "period_start", "category", "n_incidents", "n_factors") == [
        (D(2026, 1, 1), "deploy", 1, 1),
        (D(2026, 2, 1), "capacity", 1, 1),
        (D(2026, 2, 1), "config_change", 1, 1),
        (D(2026, 3, 1), "unclassified", 2, 2),
        (D(2026, 3, 1), "config_change", 1, 1),
        (D(2026, 3, 1), "deploy", 1, 1),
        (D(2026, 3, 1), "monitoring_gap", 1, 1),
    ]


def test_factor_by_severity(con: duckdb.DuckDBPyConnection) -> None:
    df = m.factor_by_severity(con, F)
    assert rows(df, "severity_level", "category", "n_incidents") == [
        (0, "config_change", 1),
        (0, "monitoring_gap", 1),
        (1, "deploy", 2),
        (1, "unclassified", 1),
        (2, "capacity", 1),
        (2, "config_change", 1),
        (None, "unclassified", 1),
    ]


def test_factor_cooccurrence(con: duckdb.DuckDBPyConnection) -> None:
    df = m.factor_cooccurrence(con, F)
    assert rows(df, "category_a", "category_b", "n_incidents") == [
        ("capacity", "config_change", 1),
        ("config_change", "monitoring_gap", 1),
    ]


def test_unclassified_factors(con: duckdb.DuckDBPyConnection) -> None:
    df = m.unclassified_factors(con, F)
    assert rows(df, "incident_id", "seq", "text") == [
        ("INC-2", 2, "Cosmic ray"),
        ("INC-6", 1, "Unknown"),
    ]


def test_trigger_frequency(con: duckdb.DuckDBPyConnection) -> None:
    # deploy: INC-1, INC-4; none written: INC-3, INC-5 -> unknown; config_push INC-2; traffic INC-6
    df = m.trigger_frequency(con, F)
    assert rows(df, "trigger_category", "n_incidents", "share") == [
        ("deploy", 2, round(2 / 6, 6)),
        ("unknown", 2, round(2 / 6, 6)),
        ("config_push", 1, round(1 / 6, 6)),
        ("traffic", 1, round(1 / 6, 6)),
    ]


def test_same_path_under_two_roots_counts_once(tmp_path: Path) -> None:
    path = tmp_path / "two_roots.duckdb"
    _build(path)
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "INSERT INTO documents (root, path, sha256, size_bytes, ingested_at, template, "
            "is_unfilled_template) VALUES ('/other', 'a.md', 'y', 1, TIMESTAMP '2026-04-10', "
            "'seed-000', FALSE)"
        )
        assert int(m.severity_share(con, F)["n"].iloc[0]) == 6
    finally:
        con.close()


@pytest.mark.parametrize(
    "fn",
    list(m.QUERIES),
    ids=lambda fn: fn.__name__,
)
def test_every_metric_handles_an_empty_scope(con: duckdb.DuckDBPyConnection, fn: Any) -> None:
    df = fn(con, Filters(as_of=AS_OF, teams=("nobody",)))
    assert isinstance(df, pd.DataFrame)
    if fn is m.mttx_by_period:  # the 13-month grid of each measure, every n 0
        assert len(df) == 13 * 4
    elif fn not in (m.action_backlog, m.action_completion):
        assert len(df) <= 4  # mttx keeps its 4 measures, summaries one row of n = 0
    counts = [c for c in df.columns if c.startswith("n") or c in ("created", "overdue")]
    numbers = df[counts].apply(pd.to_numeric, errors="coerce").fillna(0)
    assert int(numbers.to_numpy().sum()) == 0, fn.__name__


def test_business_days_between() -> None:
    from pmkit.dates import business_days_between

    monday, friday, saturday = date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 7)
    assert business_days_between(monday, monday) == 0
    assert business_days_between(monday, date(2026, 3, 9)) == 5  # Monday to next Monday
    assert business_days_between(friday, date(2026, 3, 9)) == 1  # over the weekend
    assert business_days_between(saturday, date(2026, 3, 9)) == 0
    assert business_days_between(T(2026, 3, 2, 23, 0), T(2026, 3, 3, 1, 0)) == 1  # dates count
    assert business_days_between(date(2026, 3, 9), monday) == -5


def test_unwritten_ignores_free_form_files_with_nothing_extracted(tmp_path: Path) -> None:
    # a free-form file whose prose the parser could not map to fields is written, not a stub;
    # the same emptiness in a template-shaped file (INC-5, seed-002) is a stub
    path = tmp_path / "freeform.duckdb"
    _build(path)
    con = duckdb.connect(str(path))
    try:
        con.execute(
            "INSERT INTO documents (path, sha256, size_bytes, ingested_at, template, "
            "is_unfilled_template) VALUES ('f.md', 'z', 1, TIMESTAMP '2026-04-10', 'freeform', FALSE)"
        )
        con.execute(
            "INSERT INTO incidents (path, incident_id, started_at, resolved_at) VALUES "
            "('f.md', 'F-1', TIMESTAMP '2026-03-20 10:00', TIMESTAMP '2026-03-20 11:00')"
        )
        assert list(m.unwritten(con, F)["incident_id"]) == ["INC-5", "INC-6"]
    finally:
        con.close()


def test_time_to_draft_with_a_date_only_draft(tmp_path: Path) -> None:
    # INC-1 resolved 03-02 12:00 with "Date Prepared: 2026-03-02" (midnight): 0 h, not -12 h.
    # INC-2 resolved 03-10 10:00, drafted "2026-03-12": midnight to midnight counts, 38 h.
    path = tmp_path / "dates.duckdb"
    _build(path)
    with duckdb.connect(str(path)) as rw:
        rw.execute(
            "UPDATE incidents SET drafted_at = ? WHERE incident_id = 'INC-1'", [D(2026, 3, 2)]
        )
        rw.execute(
            "UPDATE incidents SET drafted_at = ? WHERE incident_id = 'INC-2'", [D(2026, 3, 12)]
        )
    with duckdb.connect(str(path), read_only=True) as c:
        df = m.time_to_draft(c, F)
    assert rows(df, "incident_id", "hours", "drafted_date_only") == [
        ("INC-4", 144.0, False),
        ("INC-3", 48.0, False),
        ("INC-1", 0.0, True),
        ("INC-2", 38.0, True),
    ]


@pytest.mark.parametrize(
    ("resolved", "drafted", "hours"),
    [
        (T(2026, 3, 2, 12, 0), T(2026, 3, 2), 0.0),  # date-only, same day
        (T(2026, 3, 2, 12, 0), T(2026, 3, 3), 12.0),  # date-only, next day: from midnight
        (T(2026, 3, 2, 12, 0), T(2026, 3, 2, 9, 30), -2.5),  # a real time before: kept
        (T(2026, 3, 2, 12, 0), T(2026, 3, 4, 12, 0), 48.0),
    ],
)
def test_hours_to_draft_matches_the_metric(
    resolved: datetime, drafted: datetime, hours: float
) -> None:
    from pmkit.dates import hours_to_draft

    assert hours_to_draft(resolved, drafted) == hours


def test_incident_list(con: duckdb.DuckDBPyConnection) -> None:
    # as_of 03-31: INC-1 A1 (03-30 open), A2 (03-01 in progress) overdue, A3 done; INC-2 A4
    # (2025-12-01, unknown) overdue, A5 due later; INC-3 A6 overdue, A7 no due date; INC-4 A8
    # due on as_of itself (not overdue), A9, A10 done. Latest incident first.
    df = m.incident_list(con, F)
    assert rows(df, "incident_id", "n_actions", "n_overdue") == [
        ("INC-6", 0, 0),
        ("INC-5", 0, 0),
        ("INC-2", 2, 1),
        ("INC-1", 3, 2),
        ("INC-3", 2, 1),
        ("INC-4", 3, 0),
    ]
    # with all history the list holds X-3 too, and with it every overdue action
    everything = m.incident_list(con, Filters(as_of=AS_OF, lookback_days=None))
    assert int(everything["n_overdue"].sum()) == len(m.overdue_actions(con, F)) == 5
    only_search = m.incident_list(con, Filters(as_of=AS_OF, teams=("search",)))
    assert list(only_search["incident_id"]) == ["INC-6", "INC-3"]


def test_previous_period_and_coverage(con: duckdb.DuckDBPyConnection) -> None:
    f = Filters(as_of=AS_OF, lookback_days=30)
    assert f.window_start == date(2026, 3, 1)
    prev = f.previous()  # the 31 days before: 01-29 .. 02-28
    assert (prev.as_of, prev.window_start) == (date(2026, 2, 28), date(2026, 1, 29))
    with pytest.raises(ValueError, match="previous"):
        Filters(as_of=AS_OF, lookback_days=None).previous()
    with pytest.raises(ValueError, match="People"):
        Filters(as_of=AS_OF, people={"a": "b"})  # type: ignore[arg-type]
    # in the 365-day window: 6 incidents; INC-6's draft is after as_of; U-1 has no date at all;
    # up to as_of (with X-3): 7, all resolved, 5 with a draft date
    cov = m.coverage(con, F)
    assert rows(
        cov,
        "n_incidents",
        "n_severity",
        "n_started",
        "n_resolved",
        "n_duration",
        "n_drafted",
        "n_draft_and_resolved",
        "n_reviewed",
        "n_services",
        "n_team",
        "n_owner",
        "n_trigger",
        "n_with_factors",
        "n_with_actions",
        "n_undated",
        "n_base",
        "n_base_resolved",
        "n_base_resolved_drafted",
        "n_base_drafted",
    ) == [(6, 5, 5, 6, 6, 4, 4, 3, 4, 4, 2, 4, 5, 4, 1, 7, 7, 5, 5)]
    assert m.period_for(con, F) == "month"
    assert m.period_for(con, Filters(as_of=AS_OF, lookback_days=60)) == "week"
    assert m.period_for(con, Filters(as_of=AS_OF, lookback_days=3650)) == "quarter"
    # all history: from X-3 (2024-06-01) to as_of, 668 days -> months
    assert m.period_for(con, Filters(as_of=AS_OF, lookback_days=None)) == "month"


def test_overdue_grouped_is_what_the_by_functions_give(con: duckdb.DuckDBPyConnection) -> None:
    overdue = m.overdue_actions(con, FP)
    for by, fn in (
        ("owner", m.overdue_by_owner),
        ("team", m.overdue_by_team),
        ("service", m.overdue_by_service),
    ):
        pd.testing.assert_frame_equal(m.overdue_grouped(overdue, by), fn(con, FP))
    with pytest.raises(ValueError, match="by"):
        m.overdue_grouped(overdue, "severity")


def test_remembered_results_answer_a_repeated_query_with_a_copy(tmp_path: Path) -> None:
    """A report's read-only connection keeps its query results (``open_report``): the same
    question asked again gets the same frame, as a copy the caller may change; other queries,
    and connections not registered, always ask the database."""
    path = tmp_path / "memo.duckdb"
    _build(path)
    con = duckdb.connect(str(path))
    try:
        fresh = m.coverage(con, F)
        m.remember_results(con)
        first = m.coverage(con, F)
        pd.testing.assert_frame_equal(first, fresh)
        first.loc[0, "n_incidents"] = -1  # the caller's copy, not the kept result
        con.execute(
            "INSERT INTO incidents (path, incident_id, title, incident_date, severity_level) "
            "VALUES ('c.md', 'NEW-1', 'new', DATE '2026-03-20', 1)"
        )
        pd.testing.assert_frame_equal(m.coverage(con, F), fresh)  # kept: not asked again
        other = m.coverage(con, Filters(as_of=AS_OF, lookback_days=3650))  # new parameters
        assert int(other["n_incidents"].iloc[0]) > 0
        m.forget_results(con)
        assert int(m.coverage(con, F)["n_incidents"].iloc[0]) == int(fresh["n_incidents"][0]) + 1
    finally:
        m.forget_results(con)
        con.close()


def test_open_report_remembers_its_results(tmp_path: Path) -> None:
    from pmkit.metrics.scope import _REMEMBERED
    from pmkit.present.report import open_report

    path = tmp_path / "report.duckdb"
    _build(path)
    report = open_report(path, AS_OF.isoformat(), 365)
    try:
        assert _REMEMBERED[id(report.con)][0] is report.con
    finally:
        m.forget_results(report.con)
        report.con.close()


def test_a_remembered_connection_answers_every_query_as_a_plain_one(tmp_path: Path) -> None:
    """A report's connection reads the incidents and actions at as-of from TEMP tables it makes
    once (``scope._on_kept_facts``): every query gives the frame a plain connection gives."""
    from pmkit.metrics.scope import _KEPT_FACTS

    path = tmp_path / "kept.duckdb"
    _build(path)
    plain = duckdb.connect(str(path), read_only=True)
    kept = duckdb.connect(str(path), read_only=True)
    m.remember_results(kept)
    try:
        for f in (
            F,
            FP,
            F.previous(),
            Filters(as_of=AS_OF, lookback_days=None),
            Filters(as_of=AS_OF, severity_levels=(0, 1)),
        ):
            for query in m.QUERIES:
                expected = query(plain, f)
                pd.testing.assert_frame_equal(query(kept, f), expected, obj=query.__name__)
        made = _KEPT_FACTS[id(kept)][1]
        assert {day for _, day in made} == {AS_OF, F.previous().as_of}
    finally:
        m.forget_results(kept)
        kept.close()
        plain.close()
    assert id(kept) not in _KEPT_FACTS


def test_open_report_takes_the_threads_the_runner_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmkit.present.report import open_report
    from pmkit.present.shared import THREADS_ENV
    from pmkit.reports.kernel import ReportKernelManager

    path = tmp_path / "threads.duckdb"
    _build(path)
    monkeypatch.setenv(THREADS_ENV, "1")
    report = open_report(path, AS_OF.isoformat(), 365)
    try:
        assert report.con.execute("SELECT current_setting('threads')").fetchone() == (1,)
    finally:
        m.forget_results(report.con)
        report.con.close()
    assert ReportKernelManager.in_folder(tmp_path, threads=1).threads == 1
