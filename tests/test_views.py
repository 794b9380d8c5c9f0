"""The analysis views (``pmkit/sql/views.sql``): ``incident_facts(as_of)``,
``action_backlog(as_of)`` and ``factor_mentions``.

Each view's columns give the same numbers as the metrics, both ways: what an analyst's SQL
finds in a view is what the report's metric function returns, on two fixtures: the explorer's
corpus ingested for real (hand-checked numbers below) and the hand-built database of
``test_metrics.py`` (every source, the unwritten stub, the undated incident, the template and
the process document left out). Then: the views are in the file after an ingest, a database
without them (an older pmkit's) gets them for the session only, ``pmkit.connect`` is read-only,
and the business-day count is numpy's.

Hand-checked on the explorer's corpus at 2026-10-23: INC-20261001-001 resolved 11:46, drafted
19:45 (7 h 59 min = 7.9833 h); the auth-service crash loop resolved 2026-10-05 06:26, drafted
"2026-10-06" (a date: midnight, 17 h 34 min = 17.5667 h); the hostile one drafted 2026-10-25,
after as-of. @yhaddad's action of the crash loop was due 2026-10-22: overdue 1 day.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_metrics import AS_OF as METRICS_AS_OF
from test_metrics import _build as build_metrics_fixture

import pmkit
from pmkit import metrics as m
from pmkit.store import IngestError, ingest_paths
from pmkit.store.db import schema_sql, views_sql
from pmkit.store.views import VIEWS_VERSION, ensure_views, temp_views_sql, views_version

CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"
AS_OF = date(2026, 10, 23)
KEY = ["root", "path", "incident_id"]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("views") / "pmkit.duckdb"
    ingest_paths([CORPUS], db, workers=1)
    return db


@pytest.fixture(scope="module")
def metrics_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """test_metrics.py's hand-built database: the schema's tables only, no views in the file."""
    db = tmp_path_factory.mktemp("views-metrics") / "metrics.duckdb"
    build_metrics_fixture(db)
    return db


def _facts(con: duckdb.DuckDBPyConnection, as_of: date) -> pd.DataFrame:
    return con.execute("SELECT * FROM incident_facts(?)", [as_of]).df()


def _in_window(frame: pd.DataFrame, f: m.Filters, base: bool = False) -> pd.DataFrame:
    """The rows of a view the report's filters select: day <= as_of (and >= the window's
    start), the severity levels, services, teams and templates, as an analyst writes them."""
    day = pd.to_datetime(frame["day"])
    keep = (day <= pd.Timestamp(f.as_of)).fillna(False)
    if not base and f.window_start is not None:
        keep &= (day >= pd.Timestamp(f.window_start)).fillna(False)
    if f.severity_levels:
        keep &= frame["severity_level"].isin(f.severity_levels).fillna(False)
    if f.teams:
        keep &= frame["team"].isin(f.teams).fillna(False)
    if f.templates:
        keep &= frame["template"].isin(f.templates).fillna(False)
    if f.services:
        wanted = set(f.services)
        keep &= [v is not None and bool(wanted & set(list(v))) for v in frame["services"]]
    return frame[keep]


def _by(frame: pd.DataFrame, *keys: str) -> pd.DataFrame:
    return frame.sort_values(list(keys)).reset_index(drop=True)


def _same(a: pd.Series, b: pd.Series) -> None:
    """Equal values, NaN and None alike, floats to 1e-9."""
    x, y = list(a), list(b)
    assert len(x) == len(y)
    for u, v in zip(x, y, strict=True):
        if u is None or (isinstance(u, float) and np.isnan(u)) or u is pd.NA:
            assert v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA, (u, v)
        elif isinstance(u, float):
            assert abs(u - float(v)) < 1e-9, (u, v)
        else:
            assert u == v, (u, v)


def both_ways(con: duckdb.DuckDBPyConnection, f: m.Filters) -> dict[str, Any]:
    """Every view column the reports show against the metric that shows it; returns a few
    counts so that a caller can check the comparison was not vacuous."""
    facts = _facts(con, f.as_of)
    scope, base = _in_window(facts, f), _in_window(facts, f, base=True)

    # incident_facts: time to draft
    ttd = _by(m.time_to_draft(con, f), "path", "incident_id")
    drafted = _by(
        scope[scope["draft_hours"].notna() & scope["drafted_by_as_of"]], "path", "incident_id"
    )
    assert list(ttd["incident_id"]) == list(drafted["incident_id"])
    _same(ttd["hours"], drafted["draft_hours"])
    _same(ttd["source"], drafted["draft_source"])
    _same(ttd["drafted_date_only"], drafted["drafted_date_only"])

    # incident_facts: milestones and MTTx
    ms = _by(m.milestones(con, f), "path", "incident_id")
    sc = _by(scope, "path", "incident_id")
    for measure in ("detect", "acknowledge", "mitigate", "resolve"):
        _same(ms[f"{measure}_minutes"], sc[f"{measure}_minutes"])
        _same(ms[f"{measure}_source"], sc[f"{measure}_source"])
    for milestone in ("started", "detected", "acknowledged", "mitigated", "resolved"):
        _same(ms[f"{milestone}_source"], sc[f"{milestone}_source"])
    mttx = m.mttx(con, f).set_index("measure")
    for measure in ("detect", "resolve"):
        known = sc[f"{measure}_minutes"].dropna().astype(float)
        assert int(mttx.loc[measure, "n"]) == len(known)
        if len(known):
            assert abs(mttx.loc[measure, "median_minutes"] - known.quantile(0.5)) < 1e-9

    # incident_facts: durations
    durations = m.duration_by_severity(con, f)
    timed = scope[scope["incident_minutes"].notna()]
    assert int(durations["n"].sum()) == len(timed)
    for source in m.SOURCES:
        assert int(durations[f"n_{source}"].sum()) == int(
            (timed["incident_minutes_source"] == source).sum()
        )

    # incident_facts: review and waiting for review
    review = _by(m.time_to_review(con, f), "path", "incident_id")
    reviewed = _by(
        scope[scope["review_business_days"].notna() & scope["reviewed_by_as_of"]],
        "path",
        "incident_id",
    )
    _same(review["business_days"], reviewed["review_business_days"])
    _same(review["source"], reviewed["review_source"])
    waiting = _by(m.waiting_for_review(con, f), "path", "incident_id")
    waits = _by(base[base["review_waiting_business_days"].notna()], "path", "incident_id")
    _same(waiting["business_days_waiting"], waits["review_waiting_business_days"])

    # incident_facts: the incident list's counts and the coverage
    listed = _by(m.incident_list(con, f), "path", "incident_id")
    _same(listed["n_actions"], sc["n_actions"])
    _same(listed["n_overdue"], sc["n_overdue"])
    coverage = m.coverage(con, f).iloc[0]
    assert int(coverage["n_incidents"]) == len(scope)
    assert int(coverage["n_with_factors"]) == int((scope["n_factors"] > 0).sum())
    assert int(coverage["n_with_actions"]) == int((scope["n_actions"] > 0).sum())
    assert int(coverage["n_undated"]) == int(facts["day"].isna().sum())

    # action_backlog against the backlog metrics
    backlog = con.execute("SELECT * FROM action_backlog(?)", [f.as_of]).df().merge(base[KEY])
    summary = m.action_summary(con, f).iloc[0]
    assert int(summary["n_actions"]) == len(backlog)
    assert int(summary["n_open"]) == int(backlog["is_open"].sum())
    assert int(summary["n_overdue"]) == int(backlog["is_overdue"].sum())
    assert int(summary["n_untracked_open"]) == int(backlog["is_untracked"].sum())
    assert int(summary["n_open"]) == int(base["n_open"].sum())  # the facts' counts agree
    assert int(summary["n_overdue"]) == int(base["n_overdue"].sum())
    overdue = _by(m.overdue_actions(con, f), "path", "line", "action_id")
    late = _by(backlog[backlog["is_overdue"]], "path", "line", "action_id")
    _same(overdue["age_days"], late["days_overdue"])
    _same(overdue["bucket"], late["overdue_bucket"])
    untracked = _by(m.untracked_actions(con, f), "path", "line", "action_id")
    loose = _by(backlog[backlog["is_untracked"]], "path", "line", "action_id")
    for column in ("missing_owner", "missing_due_date", "missing_tracking_ref"):
        _same(untracked[column], loose[column])

    # factor_mentions against the factor metrics
    mentions = con.execute("SELECT * FROM factor_mentions").df().merge(scope[KEY])
    frequency = m.factor_frequency(con, f).set_index("category")
    primary = mentions[mentions["is_primary"]]
    for category, row in frequency.iterrows():
        mine = primary[primary["category"] == category]
        also = mentions[~mentions["is_primary"] & (mentions["category"] == category)]
        assert int(row["n_factors"]) == len(mine)
        assert int(row["n_incidents"]) == len(mine[KEY].drop_duplicates())
        assert int(row["n_also"]) == len(also[[*KEY, "seq"]].drop_duplicates())
    assert len(m.unclassified_factors(con, f)) == int((primary["category"] == "unclassified").sum())
    return {
        "drafted": len(ttd),
        "reviewed": len(review),
        "overdue": len(overdue),
        "mentions": len(mentions),
    }


def test_the_views_are_in_the_file_after_an_ingest(corpus_db: Path) -> None:
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        stored = {
            name
            for (name,) in con.execute(
                "SELECT function_name FROM duckdb_functions() WHERE database_name = ? "
                "UNION SELECT view_name FROM duckdb_views() WHERE database_name = ?",
                [corpus_db.stem, corpus_db.stem],
            ).fetchall()
        }
        assert {"incident_facts", "action_backlog", "factor_mentions"} <= stored
        assert views_version(con) == VIEWS_VERSION
        # a plain DuckDB client reads them as they are
        assert con.execute("SELECT count(*) FROM incident_facts(DATE '2026-10-23')").fetchone() == (
            10,
        )


def test_same_numbers_both_ways_on_the_explorers_corpus(corpus_db: Path) -> None:
    with duckdb.connect(str(corpus_db), read_only=True) as con:
        counts = both_ways(con, m.Filters(as_of=AS_OF, lookback_days=None))
        assert counts["drafted"] == 9 and counts["overdue"] > 0 and counts["mentions"] > 10
        both_ways(con, m.Filters(as_of=date(2026, 9, 15), lookback_days=60))
        both_ways(con, m.Filters(as_of=AS_OF, severity_levels=(2,), teams=("Identity",)))


def test_same_numbers_both_ways_on_the_hand_built_fixture(metrics_db: Path) -> None:
    with pmkit.connect(metrics_db) as con:  # no views in this file: the session gets them
        counts = both_ways(con, m.Filters(as_of=METRICS_AS_OF))
        # as test_metrics.py counts them: INC-4, INC-1 and INC-2 reviewed (4, 3 and 6 days)
        reviewed = con.execute(
            "SELECT incident_id, review_business_days FROM incident_facts(?) "
            "WHERE reviewed_by_as_of AND review_business_days IS NOT NULL ORDER BY day",
            [METRICS_AS_OF],
        ).fetchall()
        assert reviewed == [("INC-4", 4), ("INC-1", 3), ("INC-2", 6)]
        assert counts == {"drafted": 4, "reviewed": 3, "overdue": 5, "mentions": 10}
        both_ways(con, m.Filters(as_of=METRICS_AS_OF, lookback_days=None))
        both_ways(con, m.Filters(as_of=date(2026, 3, 15), lookback_days=30))


def test_hand_checked_rows(corpus_db: Path) -> None:
    con = pmkit.connect(corpus_db)
    try:
        facts = _facts(con, AS_OF).set_index("incident_id")
        october = facts[pd.to_datetime(facts["day"]).dt.month == 10]
        assert len(october) == 3
        cdn = facts.loc["INC-20261001-001"]
        assert round(cdn["draft_hours"], 4) == 7.9833 and cdn["draft_source"] == "field"
        crash = facts.loc["2026-10-05-auth-service-crash-loop"]
        assert crash["drafted_date_only"] and round(crash["draft_hours"], 4) == 17.5667
        hostile = facts.loc["2026-10-23-hostile-html"]
        assert not hostile["drafted_by_as_of"]  # drafted 2026-10-25
        assert (
            _facts(con, date(2026, 10, 25))
            .set_index("incident_id")
            .loc["2026-10-23-hostile-html", "drafted_by_as_of"]
        )
        assert (crash["n_actions"], crash["n_overdue"]) == (3, 1)
        late = con.execute(
            "SELECT owner, days_overdue, overdue_bucket FROM action_backlog(DATE '2026-10-23') "
            "WHERE incident_id = '2026-10-05-auth-service-crash-loop' AND is_overdue"
        ).fetchall()
        assert late == [("@yhaddad", 1, "1-7")]
        # one day later the same action is two days overdue: as-of is the macro's argument
        later = con.execute(
            "SELECT days_overdue FROM action_backlog(DATE '2026-10-24') WHERE owner = '@yhaddad'"
            " AND is_overdue AND incident_id = '2026-10-05-auth-service-crash-loop'"
        ).fetchall()
        assert later == [(2,)]
        # the default as-of is today
        assert con.execute("SELECT DISTINCT as_of FROM incident_facts()").fetchall() == [
            (date.today(),)
        ]
    finally:
        con.close()


def test_a_database_without_the_views_gets_them_for_the_session_only(metrics_db: Path) -> None:
    with duckdb.connect(str(metrics_db), read_only=True) as con:
        assert views_version(con) is None
        ensure_views(con)
        assert views_version(con) == VIEWS_VERSION
        assert con.execute(
            "SELECT DISTINCT database_name FROM duckdb_functions() "
            "WHERE function_name = 'incident_facts'"
        ).fetchall() == [("temp",)]
    with duckdb.connect(str(metrics_db), read_only=True) as con:
        assert views_version(con) is None  # nothing was written to the file


def test_older_views_in_a_file_are_shadowed_by_this_versions(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(schema_sql())
        con.execute(views_sql())
        con.execute("CREATE OR REPLACE MACRO pmkit_views_version() AS 0")
        con.execute(
            "CREATE OR REPLACE MACRO incident_facts(as_of := current_date) AS TABLE SELECT 1 AS stale"
        )
    with duckdb.connect(str(db), read_only=True) as con:
        assert views_version(con) == 0
        ensure_views(con)
        assert views_version(con) == VIEWS_VERSION
        assert "stale" not in _facts(con, AS_OF).columns


def test_pmkit_connect_is_read_only(corpus_db: Path, tmp_path: Path) -> None:
    con = pmkit.connect(corpus_db)
    try:
        # the README's example: the relation API works on the connection as given
        frame = con.sql(
            "SELECT team, count(*) AS n, median(draft_hours) AS h FROM incident_facts(DATE "
            "'2026-10-23') WHERE day BETWEEN DATE '2025-10-23' AND DATE '2026-10-23' GROUP BY team"
        ).df()
        assert int(frame["n"].sum()) == 10
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE main.mine AS SELECT 1")
        con.execute("CREATE TEMP TABLE mine AS SELECT * FROM factor_mentions")  # your own: fine
    finally:
        con.close()
    with pytest.raises(IngestError, match="no database yet"):
        pmkit.connect(tmp_path / "absent.duckdb")


def test_temp_views_are_the_same_text_made_temporary() -> None:
    text, temp = views_sql(), temp_views_sql()
    assert temp.count("CREATE OR REPLACE TEMP ") == text.count("CREATE OR REPLACE ") > 5
    assert f"pmkit_views_version() AS {VIEWS_VERSION};" in text


def test_the_explorers_filters_flow_through_the_views(corpus_db: Path) -> None:
    from pmkit.explore import ExploreDB

    db = ExploreDB(corpus_db)
    try:
        db.set_action_statuses(["done"])
        facts = _facts(db.con, AS_OF)
        assert (facts["n_open"] == 0).all() and (facts["n_actions"] > 0).all()
        with db.restricted(
            [(str(CORPUS.resolve()), "2026-10-01-cdn-edge-crash-loop.md", "INC-20261001-001")]
        ):
            assert list(_facts(db.con, AS_OF)["incident_id"]) == ["INC-20261001-001"]
    finally:
        db.close()


def test_business_days_are_numpys() -> None:
    """Every start weekday against offsets of -40..40 days, and 3,000 random pairs over ten
    years, in one query: the SQL count equals ``numpy.busday_count`` (b before a included)."""
    rng = np.random.default_rng(20)
    grid = [(date(2026, 3, 2) + timedelta(days=d), o) for d in range(14) for o in range(-40, 41)]
    starts = [date(2020, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 3650, 3000)]
    pairs = grid + [(a, int(o)) for a, o in zip(starts, rng.integers(-400, 400, 3000), strict=True)]
    frame = pd.DataFrame(
        {"a": [a for a, _ in pairs], "b": [a + timedelta(days=o) for a, o in pairs]}
    )
    with duckdb.connect() as con:
        con.execute(views_sql().split("-- One row per incident")[0])  # the helper macros
        got = con.execute("SELECT pmkit_business_days(a, b) AS n FROM frame").df()["n"]
    want = np.busday_count(
        frame["a"].to_numpy(dtype="datetime64[D]"), frame["b"].to_numpy(dtype="datetime64[D]")
    )
    assert list(got) == [int(n) for n in want]
