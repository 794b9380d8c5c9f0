"""Every metric runs on a database written by the real ingest (schema drift shows up here).

The exact numbers are in test_metrics.py on a hand-built database; this checks the wiring:
ingest -> reclassify -> each metric, with invariants that hold whatever the parser extracts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmkit import metrics as m
from pmkit.metrics import Filters
from pmkit.store.classify import reclassify
from pmkit.taxonomy import load_taxonomy

SEEDS_FILLED = Path(__file__).resolve().parent / "fixtures" / "seeds_filled"
F = Filters(as_of=date(2026, 11, 16), lookback_days=None)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    from pmkit.store import connect, ingest_paths

    db = tmp_path_factory.mktemp("metrics_ingest") / "pmkit.duckdb"
    ingest_paths([SEEDS_FILLED], db, workers=1)
    writable = connect(db)
    try:
        reclassify(writable, load_taxonomy())
    finally:
        writable.close()
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


ALL = list(m.QUERIES)


@pytest.mark.parametrize("fn", ALL, ids=lambda fn: fn.__name__)
def test_every_metric_runs_on_an_ingested_database(
    con: duckdb.DuckDBPyConnection, fn: object
) -> None:
    df = fn(con, F)  # type: ignore[operator]
    assert isinstance(df, pd.DataFrame)


def test_invariants(con: duckdb.DuckDBPyConnection) -> None:
    (incidents,) = con.execute(
        "SELECT count(*) FROM incidents i JOIN documents d USING (path) "
        "WHERE NOT d.is_unfilled_template AND NOT d.is_process_doc "
        "AND COALESCE(CAST(i.started_at AS DATE), i.incident_date) <= DATE '2026-11-16'"
    ).fetchone()
    assert incidents > 0
    assert int(m.severity_share(con, F)["n"].iloc[0]) == incidents
    assert int(m.severity_by_period(con, F, "month")["n"].sum()) == incidents
    assert int(m.trigger_frequency(con, F)["n_incidents"].sum()) == incidents
    (factors,) = con.execute(
        "SELECT count(*) FROM contributing_factors cf JOIN incidents i USING (path, incident_id) "
        "JOIN documents d ON d.path = i.path "
        "WHERE NOT d.is_unfilled_template AND NOT d.is_process_doc "
        "AND COALESCE(CAST(i.started_at AS DATE), i.incident_date) <= DATE '2026-11-16'"
    ).fetchone()
    freq = m.factor_frequency(con, F)
    assert factors > 0
    assert int(freq["n_factors"].sum()) == factors  # each factor once, in its primary category
    overdue = m.overdue_actions(con, F)
    assert (overdue["age_days"] >= 1).all()
    assert int(m.overdue_by_owner(con, F)["n_overdue"].sum()) == len(overdue)
    assert m.action_backlog(con, F)["still_open"].is_monotonic_increasing
    cov = m.coverage(con, F).iloc[0]
    assert int(cov["n_incidents"]) == incidents
    assert int(m.mttx(con, F)["n"].max()) <= incidents
