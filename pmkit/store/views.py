"""The analysis views: what the reports count, as SQL (``pmkit/sql/views.sql``).

``incident_facts(as_of)`` (one row per incident: milestones, durations, draft and review times,
its actions at as-of), ``action_backlog(as_of)`` (one row per action of an incident up to
as-of, with its state then) and the view ``factor_mentions`` (one row per factor and category it
matched). What depends on a day is a table macro taking the day, so a query names it and no
session setting can change an answer behind its back.

Where they come from:

- every ingest writes them into the database file (``db.connect``), so any DuckDB client sees
  them: ``duckdb pmkit.duckdb -c "SELECT * FROM incident_facts(DATE '2026-10-01')"``;
- :func:`ensure_views` gives a connection this version's views as TEMP objects (never written to
  the file) when its file has none or older ones: a database ingested by an older pmkit, a test
  fixture built by hand. The metrics call it before every query (``pmkit.metrics.scope``), so
  the reports always read the views of the code that runs them;
- :func:`connect` (``pmkit.connect``) opens a database read-only with them, for notebooks.

The explorer runs :func:`pmkit.store.db.views_sql` over its own filtered tables.
"""

from __future__ import annotations

import re
import weakref
from pathlib import Path

import duckdb

from pmkit.store.db import IngestError, views_sql

VIEWS_VERSION = 1
"""``pmkit_views_version()`` of this code's views; raise it with any change to views.sql."""

_CHECKED: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = weakref.WeakKeyDictionary()
"""Connections already given this version's views (a catalog lookup costs ~15 ms)."""


def temp_views_sql() -> str:
    """views.sql with every object TEMP: for a read-only connection, or one whose file has
    older views (a TEMP object is found before the file's)."""
    text = views_sql()
    return re.sub(r"\bCREATE OR REPLACE (MACRO|VIEW)\b", r"CREATE OR REPLACE TEMP \1", text)


def views_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The version of the views ``con`` sees (None: none). A catalog lookup, never a failing
    statement: a caller's open transaction is left alone."""
    # fetchall, not fetchone: a result left unfinished blocks the caller's next con.sql()
    found = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'pmkit_views_version'"
    ).fetchall()
    if not found or not found[0][0]:
        return None
    rows = con.execute("SELECT pmkit_views_version()").fetchall()
    return int(rows[0][0]) if rows else None


def ensure_views(con: duckdb.DuckDBPyConnection) -> None:
    """Make sure ``con`` sees this version's views (TEMP ones when its file lacks them)."""
    if _CHECKED.get(con):
        return
    if views_version(con) != VIEWS_VERSION:
        con.execute(temp_views_sql())
    _CHECKED[con] = True


def connect(db_path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the database at ``db_path`` with the analysis views.

    Read-only: the file is never written (an ingest meanwhile writes a copy and renames it; this
    connection keeps the snapshot it opened). Temporary tables of your own are fine."""
    path = Path(db_path).expanduser()
    if not path.is_file():
        raise IngestError(f"{path}: no database yet (run `pmkit ingest` first)")
    con = duckdb.connect(str(path), read_only=True)
    ensure_views(con)
    return con
