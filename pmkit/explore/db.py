"""The explorer's database: the file ATTACHed read-only under views that add the explorer's own
filters, and the choices its filter widgets offer.

Why an in-memory connection with views: the metrics in ``pmkit.metrics`` filter by date, severity,
service, team and template, but the explorer also filters by action status. Rather than copy the
metric SQL, the database file is ATTACHed read-only as ``src`` and the tables the metrics read are
views over it; the ``action_items`` and ``incidents`` views honour the chosen action statuses
(and the linked views' narrowing, ``explore_keys``), and the analysis views (``incident_facts``,
``action_backlog``, ``factor_mentions``; ``pmkit/sql/views.sql``) are created over them. The
metric functions then run unchanged (:mod:`pmkit.explore.data`). The file is only ever read, so an
ingest (which writes a copy and renames it) never waits for the explorer; :meth:`ExploreDB.reload`
picks up a newer file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pmkit.config import Config, load_config
from pmkit.store.db import views_sql

ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "unknown")
"""Normalised action statuses (``action_items.status``)."""

PASS_THROUGH_TABLES: tuple[str, ...] = (
    "documents",
    "timeline_events",
    "contributing_factors",
    "factor_categories",
    "parse_issues",
)

_VIEWS_SQL = """
CREATE TABLE explore_statuses (status VARCHAR NOT NULL);
CREATE TABLE explore_keys (root VARCHAR, path VARCHAR, incident_id VARCHAR);
CREATE TABLE explore_restrict (active BOOLEAN NOT NULL);
INSERT INTO explore_restrict VALUES (FALSE);
CREATE VIEW action_items AS
    SELECT * FROM src.action_items
    WHERE NOT EXISTS (SELECT 1 FROM explore_statuses)
       OR status IN (SELECT status FROM explore_statuses);
CREATE VIEW incidents AS
    SELECT * FROM src.incidents AS i
    WHERE (NOT EXISTS (SELECT 1 FROM explore_statuses)
           OR EXISTS (SELECT 1 FROM action_items AS a
                      WHERE a.root = i.root AND a.path = i.path
                        AND a.incident_id = i.incident_id))
      AND (NOT (SELECT active FROM explore_restrict)
           OR EXISTS (SELECT 1 FROM explore_keys AS k
                      WHERE k.root = i.root AND k.path = i.path
                        AND k.incident_id = i.incident_id));
"""
"""``explore_keys`` narrows the incidents to a set (the chart selections of the other charts,
for linked views) while ``explore_restrict`` is true; an empty set then means no incident."""

Key = tuple[str, str, str]
"""(root, path, incident_id): an incident (two roots may hold the same path)."""


class ExploreError(ValueError):
    """A database that cannot be explored (missing file) or a filter state that makes no sense."""


class ExploreDB:
    """A read-only view of a pmkit database with the explorer's action-status filter."""

    def __init__(self, db_path: str | Path | None = None, config: Config | None = None) -> None:
        self.config = config or load_config()
        """The settings (``pmkit.toml``, found as every entry point finds it): the database when
        none is given, the draft target, ``[people]``."""
        self.db_path = self.config.locate(db_path or self.config.db_path)
        if not self.db_path.is_file():
            raise ExploreError(f"{self.db_path}: no database yet (run `pmkit ingest` first)")
        self.con = duckdb.connect()
        self._attach()
        for table in PASS_THROUGH_TABLES:
            # Table names come from the constant above, never from input.
            self.con.execute(f"CREATE VIEW {table} AS SELECT * FROM src.{table}")  # noqa: S608
        self.con.execute(_VIEWS_SQL)
        # The analysis views over these tables: the metrics read them, so they see the
        # action-status filter and the linked views' narrowing as every other query does.
        self.con.execute(views_sql())

    def _attach(self) -> None:
        self.con.execute("ATTACH ? AS src (READ_ONLY)", [str(self.db_path)])

    def reload(self) -> None:
        """Re-open the file, so the explorer sees the latest ingest."""
        self.con.execute("DETACH src")
        self._attach()

    def set_action_statuses(self, statuses: Sequence[str]) -> None:
        """Narrow incidents to those with an action in ``statuses`` (empty: no narrowing)."""
        self.con.execute("DELETE FROM explore_statuses")
        if statuses:
            self.con.execute(
                "INSERT INTO explore_statuses SELECT unnest(CAST($s AS VARCHAR[]))",
                {"s": list(statuses)},
            )

    def set_keys(self, keys: Collection[Key] | None) -> None:
        """Narrow incidents to ``keys`` (None: no narrowing; empty: none at all)."""
        self.con.execute("DELETE FROM explore_keys")
        if keys:
            frame = pd.DataFrame(list(keys), columns=["root", "path", "incident_id"])
            self.con.register("explore_keys_in", frame)
            try:
                self.con.execute("INSERT INTO explore_keys SELECT * FROM explore_keys_in")
            finally:
                self.con.unregister("explore_keys_in")
        self.con.execute("UPDATE explore_restrict SET active = $a", {"a": keys is not None})

    @contextmanager
    def restricted(self, keys: Collection[Key] | None) -> Iterator[None]:
        """Queries inside see only the incidents in ``keys`` (None: all)."""
        self.set_keys(keys)
        try:
            yield
        finally:
            self.set_keys(None)

    def close(self) -> None:
        self.con.close()


@dataclass(frozen=True)
class FilterOptions:
    """What the filter widgets offer: the values present in the database's real postmortems."""

    first_day: date | None
    last_day: date | None
    severity_levels: tuple[int, ...]
    services: tuple[str, ...]
    teams: tuple[str, ...]
    templates: tuple[str, ...]
    action_statuses: tuple[str, ...] = ACTION_STATUSES


_REAL = """
    FROM src.incidents AS i
    JOIN src.documents AS d ON d.root = i.root AND d.path = i.path
    WHERE NOT d.is_unfilled_template AND NOT d.is_process_doc
"""


def filter_options(db: ExploreDB) -> FilterOptions:
    """The choices for every filter widget, from the unfiltered database."""
    con = db.con

    def column(sql: str) -> list[Any]:
        return [row[0] for row in con.execute(sql).fetchall() if row[0] is not None]

    days = con.execute(
        f"SELECT min(COALESCE(CAST(i.started_at AS DATE), i.incident_date)), "  # noqa: S608
        f"max(COALESCE(CAST(i.started_at AS DATE), i.incident_date)) {_REAL}"
    ).fetchall()
    first, last = days[0] if days else (None, None)
    levels = column(f"SELECT DISTINCT i.severity_level {_REAL} ORDER BY 1")  # noqa: S608
    services = column(
        f"SELECT DISTINCT trim(s) FROM (SELECT unnest(i.services) AS s {_REAL}) "  # noqa: S608
        "WHERE trim(s) <> '' ORDER BY 1"
    )
    teams = column(f"SELECT DISTINCT i.team {_REAL} ORDER BY 1")  # noqa: S608
    templates = column(f"SELECT DISTINCT d.template {_REAL} ORDER BY 1")  # noqa: S608
    present = set(column("SELECT DISTINCT status FROM src.action_items"))
    statuses = tuple(s for s in ACTION_STATUSES if s in present) + tuple(
        sorted(present - set(ACTION_STATUSES))
    )
    return FilterOptions(
        first_day=first,
        last_day=last,
        severity_levels=tuple(int(v) for v in levels),
        services=tuple(str(v) for v in services),
        teams=tuple(str(v) for v in teams),
        templates=tuple(str(v) for v in templates),
        action_statuses=statuses or ACTION_STATUSES,
    )
