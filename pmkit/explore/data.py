"""The exploration notebook's data: one filter state in, the frames every chart and table needs out.

Why an in-memory connection with views: the metrics in ``pmkit.metrics`` filter by date, severity,
service, team and template, but the explorer also filters by action status. Rather than copy the
metric SQL, the database file is ATTACHed read-only as ``src`` and the tables the metrics read are
views over it; the ``action_items`` and ``incidents`` views honour the chosen action statuses. The
metric functions then run unchanged. The file is only ever read, so an ingest (which writes a copy
and renames it) never waits for the explorer; :meth:`ExploreDB.reload` picks up a newer file.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pmkit import metrics
from pmkit.config import DRAFT_TARGET_HOURS, Config, load_config
from pmkit.normalize.owners import People

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
CREATE VIEW action_items AS
    SELECT * FROM src.action_items
    WHERE NOT EXISTS (SELECT 1 FROM explore_statuses)
       OR status IN (SELECT status FROM explore_statuses);
CREATE VIEW incidents AS
    SELECT * FROM src.incidents AS i
    WHERE NOT EXISTS (SELECT 1 FROM explore_statuses)
       OR EXISTS (SELECT 1 FROM action_items AS a
                  WHERE a.root = i.root AND a.path = i.path AND a.incident_id = i.incident_id);
"""


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
    ).fetchone()
    first, last = days if days else (None, None)
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


@dataclass(frozen=True)
class ExploreState:
    """The one filter state. Empty tuples mean "no filter"; ``start=None`` means all history."""

    end: date
    start: date | None = None
    severity_levels: tuple[int, ...] = ()
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    action_statuses: tuple[str, ...] = ()

    def to_filters(self, people: People | None = None) -> metrics.Filters:
        """The metric filters (all but action status, which the views apply); ``people``
        merges the names one person is written as (``[people]``)."""
        if self.start is not None and self.start > self.end:
            raise ExploreError(
                f"the start date {self.start.isoformat()} is after the end date "
                f"{self.end.isoformat()}"
            )
        lookback = None if self.start is None else (self.end - self.start).days
        return metrics.Filters(
            as_of=self.end,
            lookback_days=lookback,
            severity_levels=self.severity_levels,
            services=self.services,
            teams=self.teams,
            templates=self.templates,
            people=people or People(),
        )

    @property
    def period(self) -> str:
        """Weeks for a window up to ~4 months, months beyond (bars stay readable)."""
        if self.start is not None and self.end - self.start <= timedelta(days=120):
            return "week"
        return "month"


@dataclass
class ExploreData:
    """Everything shown for one state. Frames keep ``path`` + ``incident_id`` where they have
    incidents, so a chart selection can be turned into the incidents behind it."""

    state: ExploreState
    filters: metrics.Filters
    incidents: pd.DataFrame
    severity: pd.DataFrame
    drafts: pd.DataFrame
    factors: pd.DataFrame
    factor_incidents: pd.DataFrame
    overdue: pd.DataFrame
    overdue_by_owner: pd.DataFrame
    target_hours: float = DRAFT_TARGET_HOURS


_FACTOR_INCIDENTS_SQL = """
SELECT DISTINCT cf.root, cf.path, cf.incident_id,
       COALESCE(fc.category, cf.category, 'unclassified') AS category
FROM contributing_factors AS cf
LEFT JOIN factor_categories AS fc
  ON fc.root = cf.root AND fc.path = cf.path AND fc.incident_id = cf.incident_id
 AND fc.seq = cf.seq
"""


def load(db: ExploreDB, state: ExploreState) -> ExploreData:
    """Run every query for ``state``: the metric functions plus the incident list."""
    f = state.to_filters(People.from_config(db.config))
    target = db.config.draft_target_hours
    db.set_action_statuses(state.action_statuses)
    con = db.con
    incidents = metrics.incident_list(con, f)
    keys = incidents[["root", "path", "incident_id"]]
    factor_incidents = con.execute(_FACTOR_INCIDENTS_SQL).df().merge(keys, how="inner")
    return ExploreData(
        state=state,
        filters=f,
        incidents=incidents,
        severity=metrics.severity_by_period(con, f, state.period),
        drafts=metrics.time_to_draft(con, f, target),
        factors=metrics.factor_frequency(con, f),
        factor_incidents=factor_incidents,
        overdue=metrics.overdue_actions(con, f),
        overdue_by_owner=metrics.overdue_by_owner(con, f),
        target_hours=target,
    )


@dataclass
class IncidentDetail:
    """One incident as the detail pane shows it (all its actions, whatever the status filter)."""

    incident: dict[Hashable, Any]
    source: str
    timeline: pd.DataFrame
    factors: pd.DataFrame
    actions: pd.DataFrame


def incident_detail(db: ExploreDB, path: str, incident_id: str) -> IncidentDetail | None:
    """The incident's fields, timeline, factors and actions, and its source file path."""
    con = db.con
    key = {"path": path, "incident_id": incident_id}
    rows = con.execute(
        """
        SELECT i.*, d.template, d.root
        FROM src.incidents AS i
        LEFT JOIN (SELECT path, any_value(template) AS template, any_value(root) AS root
                   FROM src.documents GROUP BY path) AS d ON d.path = i.path
        WHERE i.path = $path AND i.incident_id = $incident_id
        LIMIT 1
        """,
        key,
    ).df()
    if rows.empty:
        return None
    incident = rows.iloc[0].to_dict()
    root = incident.get("root")
    source = str(Path(root) / path) if isinstance(root, str) and root else path
    timeline = con.execute(
        """
        SELECT seq, occurred_at, time_text, event, actor, line FROM src.timeline_events
        WHERE path = $path AND incident_id = $incident_id ORDER BY seq
        """,
        key,
    ).df()
    factors = con.execute(
        """
        SELECT cf.seq, cf.text,
               COALESCE(string_agg(DISTINCT fc.category, ', ' ORDER BY fc.category),
                        any_value(cf.category), 'unclassified') AS categories
        FROM src.contributing_factors AS cf
        LEFT JOIN src.factor_categories AS fc
          ON fc.path = cf.path AND fc.incident_id = cf.incident_id AND fc.seq = cf.seq
        WHERE cf.path = $path AND cf.incident_id = $incident_id
        GROUP BY cf.seq, cf.text ORDER BY cf.seq
        """,
        key,
    ).df()
    actions = con.execute(
        """
        SELECT action_id, text, owner, due_date, status, priority, kind, tracking_ref, line
        FROM src.action_items
        WHERE path = $path AND incident_id = $incident_id ORDER BY line NULLS LAST, action_id
        """,
        key,
    ).df()
    return IncidentDetail(incident, source, timeline, factors, actions)
