"""The exploration notebook's data: one filter state in, the frames every chart and table needs out.

Why an in-memory connection with views: the metrics in ``pmkit.metrics`` filter by date, severity,
service, team and template, but the explorer also filters by action status. Rather than copy the
metric SQL, the database file is ATTACHed read-only as ``src`` and the tables the metrics read are
views over it; the ``action_items`` and ``incidents`` views honour the chosen action statuses
(and the linked views' narrowing, ``explore_keys``), and the analysis views (``incident_facts``,
``action_backlog``, ``factor_mentions``; ``pmkit/sql/views.sql``) are created over them. The
metric functions then run unchanged. The file is only ever read, so an ingest (which writes a copy
and renames it) never waits for the explorer; :meth:`ExploreDB.reload` picks up a newer file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pmkit import metrics
from pmkit.config import DRAFT_TARGET_HOURS, Config, load_config
from pmkit.normalize.owners import People
from pmkit.present.format import coverage_text
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
    """Everything shown for one state. Frames keep ``root``, ``path`` and ``incident_id`` where
    they have incidents, so a chart selection can be turned into the incidents behind it."""

    state: ExploreState
    filters: metrics.Filters
    incidents: pd.DataFrame
    severity: pd.DataFrame
    drafts: pd.DataFrame
    factors: pd.DataFrame
    factor_incidents: pd.DataFrame
    overdue: pd.DataFrame
    overdue_by_owner: pd.DataFrame
    coverage: dict[str, int] = field(default_factory=dict)
    """``metrics.coverage`` and ``metrics.action_summary`` (one row each) as one dict: how
    many incidents (actions) have each value a chart needs."""
    target_hours: float = DRAFT_TARGET_HOURS


# The primary category of each factor (contributing_factors.category), as factor_frequency
# counts them: a click on a bar must select the incidents the bar counts.
_FACTOR_INCIDENTS_SQL = """
SELECT DISTINCT root, path, incident_id, COALESCE(category, 'unclassified') AS category
FROM contributing_factors
"""

_OPEN_ACTIONS_SQL = """
SELECT root, path, incident_id, count(*) FILTER (WHERE status <> 'done') AS n_open
FROM action_items
GROUP BY root, path, incident_id
"""

PARTS: dict[str, tuple[str, ...]] = {
    "severity": ("severity",),
    "drafts": ("drafts",),
    "factors": ("factors",),
    "overdue": ("overdue_by_owner",),
}
"""What each chart draws: the ``ExploreData`` frames :func:`restricted_view` recomputes."""


def _keys_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[["root", "path", "incident_id"]].drop_duplicates()


def load(db: ExploreDB, state: ExploreState) -> ExploreData:
    """Run every query for ``state``: the metric functions plus the incident list."""
    f = state.to_filters(People.from_config(db.config))
    target = db.config.draft_target_hours
    db.set_action_statuses(state.action_statuses)
    con = db.con
    incidents = metrics.incident_list(con, f)
    opened = con.execute(_OPEN_ACTIONS_SQL).df()
    incidents = incidents.merge(opened, how="left", on=["root", "path", "incident_id"])
    incidents["n_open"] = incidents["n_open"].fillna(0).astype("int64")
    factor_incidents = con.execute(_FACTOR_INCIDENTS_SQL).df().merge(_keys_frame(incidents))
    overdue = metrics.overdue_actions(con, f)
    return ExploreData(
        coverage=_coverage(con, f),
        state=state,
        filters=f,
        incidents=incidents,
        severity=metrics.severity_by_period(con, f, state.period),
        drafts=metrics.time_to_draft(con, f, target),
        factors=metrics.factor_frequency(con, f),
        factor_incidents=factor_incidents,
        overdue=overdue,
        overdue_by_owner=metrics.overdue_grouped(overdue, "owner"),
        target_hours=target,
    )


def restricted_view(
    db: ExploreDB, data: ExploreData, part: str, keys: Collection[Key]
) -> ExploreData:
    """``data`` with the frames of chart ``part`` (a key of :data:`PARTS`) recomputed on the
    incidents in ``keys`` only: what a chart shows when the other charts' selections narrow it.
    The same metric functions, so a narrowed chart counts what the table lists."""
    f, con = data.filters, db.con
    db.set_action_statuses(data.state.action_statuses)
    if part not in PARTS:
        raise ValueError(f"unknown chart data {part!r}")
    with db.restricted(keys):
        view = replace(data, coverage=_coverage(con, f))
        if part == "severity":
            view.severity = metrics.severity_by_period(con, f, data.state.period)
        elif part == "drafts":
            view.drafts = metrics.time_to_draft(con, f, data.target_hours)
        elif part == "factors":
            view.factors = metrics.factor_frequency(con, f)
        else:
            view.overdue_by_owner = metrics.overdue_by_owner(con, f)
    return view


def _coverage(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> dict[str, int]:
    row = metrics.coverage(con, f).iloc[0].to_dict()
    row.update(metrics.action_summary(con, f).iloc[0].to_dict())
    return {str(k): int(v) for k, v in row.items() if v is not None and not pd.isna(v)}


def _known(known: int, total: int, what: str, of: str = "incidents") -> str:
    """A coverage line when some lack the value; empty when all have it."""
    return "" if known >= total else coverage_text(known, total, what, of)


def coverage_notes(data: ExploreData) -> dict[str, str]:
    """Per chart data (:data:`PARTS`), what the chart lacks, in words ("" when nothing):
    missing data is said, never drawn as zero."""
    c = data.coverage
    n = c.get("n_incidents", 0)
    severity = _known(c.get("n_severity", 0), n, "severity")
    undated = c.get("n_undated", 0)
    if undated:
        severity = "; ".join(
            filter(None, [severity, f"{undated:,} without a date (in no window): not shown"])
        )
    return {
        "severity": severity,
        "drafts": _known(c.get("n_draft_and_resolved", 0), n, "resolution and draft time"),
        "factors": _known(c.get("n_with_factors", 0), n, "contributing factors"),
        "overdue": _known(
            c.get("n_open_with_due", 0), c.get("n_open", 0), "due date", "open actions"
        ),
    }


@dataclass
class IncidentDetail:
    """One incident as the detail pane shows it (all its actions, whatever the status filter)."""

    incident: dict[str, Any]
    source: str
    timeline: pd.DataFrame
    factors: pd.DataFrame
    actions: pd.DataFrame
    raw_text: str | None = None
    """The file as read at ingest (None when the database has no document for it)."""
    as_of: date | None = None
    """The day "overdue" is judged at (the explorer's end date); None: not judged."""


def incident_detail(
    db: ExploreDB,
    path: str,
    incident_id: str,
    root: str | None = None,
    as_of: date | None = None,
) -> IncidentDetail | None:
    """The incident's fields, timeline, factors and actions, its source file path and text.
    ``root`` tells apart two corpus folders holding the same ``path`` (None: the first)."""
    con = db.con
    found = con.execute(
        """
        SELECT i.root FROM src.incidents AS i
        WHERE i.path = $path AND i.incident_id = $incident_id
          AND ($root IS NULL OR i.root = $root)
        ORDER BY i.root LIMIT 1
        """,
        {"path": path, "incident_id": incident_id, "root": root},
    ).fetchall()
    if not found:
        return None
    key = {"root": found[0][0], "path": path, "incident_id": incident_id}
    rows = con.execute(
        """
        SELECT i.*, d.template, d.raw_text
        FROM src.incidents AS i
        LEFT JOIN src.documents AS d ON d.root = i.root AND d.path = i.path
        WHERE i.root = $root AND i.path = $path AND i.incident_id = $incident_id
        LIMIT 1
        """,
        key,
    ).df()
    incident = {str(k): v for k, v in rows.iloc[0].to_dict().items()}
    raw_text = incident.pop("raw_text", None)
    root_dir = incident.get("root")
    source = str(Path(root_dir) / path) if isinstance(root_dir, str) and root_dir else path
    where = "WHERE root = $root AND path = $path AND incident_id = $incident_id"
    timeline = con.execute(
        "SELECT seq, occurred_at, occurred_on, time_text, event, actor, line "  # noqa: S608
        f"FROM src.timeline_events {where} ORDER BY seq",
        key,
    ).df()
    factors = con.execute(
        """
        SELECT cf.seq, cf.text,
               COALESCE(string_agg(DISTINCT fc.category, ', ' ORDER BY fc.category),
                        any_value(cf.category), 'unclassified') AS categories
        FROM src.contributing_factors AS cf
        LEFT JOIN src.factor_categories AS fc
          ON fc.root = cf.root AND fc.path = cf.path AND fc.incident_id = cf.incident_id
         AND fc.seq = cf.seq
        WHERE cf.root = $root AND cf.path = $path AND cf.incident_id = $incident_id
        GROUP BY cf.seq, cf.text ORDER BY cf.seq
        """,
        key,
    ).df()
    actions = con.execute(
        "SELECT action_id, text, owner, due_date, status, status_text, priority, kind, "  # noqa: S608
        f"tracking_ref, line FROM src.action_items {where} "
        "ORDER BY line NULLS LAST, action_id",
        key,
    ).df()
    text = raw_text if isinstance(raw_text, str) else None
    return IncidentDetail(incident, source, timeline, factors, actions, text, as_of)
