"""The incidents a report looks at: ``Filters`` and the shared scope SQL every query starts from.

Two incident sets, both built by :func:`scope_query` from one SQL prefix (:data:`SCOPE_SQL`):

- ``scope``: the incidents a *trend* looks at. Incidents of real postmortems (never unfilled
  templates, never the process document) whose day, ``COALESCE(started_at, incident_date)``, lies
  in ``[as_of - lookback_days, as_of]``, narrowed by severity level, service, team and template.
  Incidents with no date at all cannot be placed in a window and are left out.
- ``base``: the same without the window's start: every incident up to as-of. The *backlog* reads
  it (overdue and untracked actions, postmortems not written or waiting for review): an overdue
  action does not stop being overdue because its incident is older than the window.

Child rows (timeline events, action items, factors) count when their incident does; the CTEs
:data:`FACTOR_CTE`, :data:`ACTION_CTE` and :data:`BACKLOG_CTE` join them. Any report query, in
this package or beside it (``pmkit.similar.recurrence``, ``pmkit.metrics.owed``), runs through
:func:`scope_query` so that it counts exactly the incidents every other number counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from pmkit.config import check_severity_level
from pmkit.normalize.owners import People
from pmkit.periods import period_for_days, period_grid
from pmkit.store.views import ensure_views


def as_of_date(value: object) -> date:
    """``Filters.as_of`` as a date: a date, a datetime (its day) or ISO text (``2026-11-16``, as
    papermill passes it); anything else raises ValueError."""
    as_of = value
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of.strip())
        except ValueError:
            raise ValueError(f"Filters.as_of: {value!r} is not a YYYY-MM-DD date") from None
    elif isinstance(as_of, datetime):
        as_of = as_of.date()
    if not isinstance(as_of, date):
        raise ValueError(f"Filters.as_of must be a date, got {type(value).__name__}")
    return as_of


@dataclass(frozen=True)
class Filters:
    """What a report looks at. Empty tuples mean "no filter"; ``lookback_days=None`` means all
    history up to ``as_of``. ``as_of`` may be given as an ISO string (papermill parameters).
    ``people`` merges the names one person is written as wherever owners are counted."""

    as_of: date
    lookback_days: int | None = 365
    severity_levels: tuple[int, ...] = ()
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    people: People = field(default_factory=People)

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_of", as_of_date(self.as_of))

        lookback: Any = self.lookback_days
        if lookback is not None and (
            isinstance(lookback, bool) or not isinstance(lookback, int) or lookback < 0
        ):
            raise ValueError(
                f"Filters.lookback_days must be a whole number >= 0 or None, got {lookback!r}"
            )

        levels = _as_tuple("severity_levels", self.severity_levels)
        for level in levels:
            check_severity_level(level, "Filters.severity_levels")
        object.__setattr__(self, "severity_levels", levels)
        for name in ("services", "teams", "templates"):
            values = _as_tuple(name, getattr(self, name))
            for value in values:
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"Filters.{name}: {value!r} is not a non-empty string")
            object.__setattr__(self, name, values)
        if not isinstance(self.people, People):
            raise ValueError(f"Filters.people must be a People, got {self.people!r}")

    @property
    def window_start(self) -> date | None:
        """The first day of the window; None for all history."""
        if self.lookback_days is None:
            return None
        return self.as_of - timedelta(days=self.lookback_days)

    def previous(self) -> Filters:
        """The window of the same length just before this one (ValueError for all history)."""
        if self.lookback_days is None:
            raise ValueError("a window of all history has no previous period")
        days = self.lookback_days + 1
        return Filters(
            self.as_of - timedelta(days=days),
            self.lookback_days,
            self.severity_levels,
            self.services,
            self.teams,
            self.templates,
            self.people,
        )


def _as_tuple(name: str, value: Any) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(f"Filters.{name} must be a tuple (empty for no filter), got {value!r}")
    return tuple(value)


# ``filtered`` is every incident of ``incident_facts`` (the analysis view: real postmortems only,
# with its milestones, durations, draft and review and its actions at as_of) that the filters
# select; ``base`` its part up to as_of; ``scope`` the part inside the window. ``as_of_end`` is
# the first instant after ``as_of`` (as_of is a whole day): a draft or review at or after it did
# not exist yet at as_of.
FACTS_SOURCE = "incident_facts(CAST($as_of AS DATE))"
BACKLOG_SOURCE = "action_backlog(CAST($as_of AS DATE))"
"""The two analysis views at the filters' as-of date, as the CTEs below read them: a report's
connection reads them from TEMP tables instead (:func:`_on_kept_facts`)."""

SCOPE_SQL = """
WITH filtered AS (
    SELECT
        f.path, f.incident_id, f.title, f.severity_label, f.severity_level, f.status,
        f.owner, f.team, f.services, f.started_at, f.detected_at, f.acknowledged_at,
        f.mitigated_at, f.resolved_at, f.duration_minutes, f.duration_source, f.drafted_at,
        f.drafted_source,
        f.reviewed_at, f.reviewed_source, f.trigger_category, f.root_cause,
        f.executive_summary, f.template, f.root,
        f.started_source, f.detected_source, f.acknowledged_source, f.mitigated_source,
        f.resolved_source,
        f.day, f.as_of,
        CAST(f.as_of + INTERVAL 1 DAY AS TIMESTAMP) AS as_of_end,
        f.detect_minutes, f.detect_source, f.acknowledge_minutes, f.acknowledge_source,
        f.mitigate_minutes, f.mitigate_source, f.resolve_minutes, f.resolve_source,
        f.incident_minutes, f.incident_minutes_source,
        f.drafted_date_only, f.draft_hours, f.draft_source,
        f.review_business_days, f.review_source, f.review_waiting_business_days,
        f.resolved_by_as_of, f.drafted_by_as_of, f.reviewed_by_as_of,
        f.n_actions, f.n_open, f.n_overdue, f.n_factors
    FROM <facts> AS f
    WHERE (len(CAST($severity_levels AS INTEGER[])) = 0
           OR list_contains(CAST($severity_levels AS INTEGER[]), f.severity_level))
      AND (len(CAST($services AS VARCHAR[])) = 0
           OR list_has_any(COALESCE(f.services, []), CAST($services AS VARCHAR[])))
      AND (len(CAST($teams AS VARCHAR[])) = 0 OR list_contains(CAST($teams AS VARCHAR[]), f.team))
      AND (len(CAST($templates AS VARCHAR[])) = 0
           OR list_contains(CAST($templates AS VARCHAR[]), f.template))
), base AS (
    SELECT * FROM filtered WHERE day <= CAST($as_of AS DATE)
), scope AS (
    SELECT * FROM base
    WHERE $lookback_days IS NULL
       OR day >= CAST($as_of AS DATE) - CAST($lookback_days AS INTEGER)
)
""".replace("<facts>", FACTS_SOURCE)

# Factor rows of in-scope incidents, each once, in its primary category (the first taxonomy
# match, contributing_factors.category): ``factor_mentions`` rows with ``is_primary``;
# ``n_categories`` says how many categories the factor matched.
FACTOR_CTE = """
, factor_cats AS (
    SELECT m.path, m.incident_id, m.seq, m.text, m.line, s.title, s.severity_level, s.day,
           s.root, m.category, m.n_categories
    FROM factor_mentions AS m
    JOIN scope AS s ON s.root = m.root AND s.path = m.path AND s.incident_id = m.incident_id
    WHERE m.is_primary
)
"""

# Actions of in-window incidents (trends: completion by the incident's period): the
# ``action_backlog`` rows of the incidents in scope.
ACTION_CTE = """
, acts AS (
    SELECT ab.*
    FROM <backlog> AS ab
    SEMI JOIN scope AS s ON s.root = ab.root AND s.path = ab.path AND s.incident_id = ab.incident_id
)
""".replace("<backlog>", BACKLOG_SOURCE)

# Every action of an incident up to as_of, whatever the window: the backlog (``action_backlog``,
# narrowed by the filters). An action is open when it is not done (``unknown``, no status
# written, counts as open: nothing says done).
BACKLOG_CTE = """
, backlog AS (
    SELECT ab.*
    FROM <backlog> AS ab
    SEMI JOIN base AS b ON b.root = ab.root AND b.path = ab.path AND b.incident_id = ab.incident_id
)
""".replace("<backlog>", BACKLOG_SOURCE)


def scope_params(f: Filters) -> dict[str, Any]:
    """The named parameters :data:`SCOPE_SQL` takes, from ``f``."""
    return {
        "as_of": f.as_of,
        "lookback_days": f.lookback_days,
        "severity_levels": list(f.severity_levels),
        "services": list(f.services),
        "teams": list(f.teams),
        "templates": list(f.templates),
    }


_REMEMBERED: dict[int, tuple[duckdb.DuckDBPyConnection, MutableMapping[str, pd.DataFrame]]] = {}
"""Connections whose query results :func:`scope_query` keeps: id -> (the connection, results)."""
_REMEMBER_AT_MOST = 4


def remember_results(
    con: duckdb.DuckDBPyConnection, store: MutableMapping[str, pd.DataFrame] | None = None
) -> None:
    """Keep every :func:`scope_query` result on ``con`` and answer a repeated query (same SQL,
    same parameters) with a copy. Only for a read-only connection to a file nothing writes while
    it is open, as a report's (``pmkit.present.report.open_report``): a report asks the same
    question several times (the summary counts incidents for four sections). ``store`` keeps
    them instead of a dict of this connection's own (one shared by the connections of a report
    run to the same file: ``pmkit.present.shared``)."""
    _REMEMBERED[id(con)] = (con, {} if store is None else store)
    while len(_REMEMBERED) > _REMEMBER_AT_MOST:  # a notebook re-run opens a new connection
        del _REMEMBERED[next(iter(_REMEMBERED))]


def forget_results(con: duckdb.DuckDBPyConnection) -> None:
    """Stop keeping results for ``con`` (and drop those kept)."""
    _REMEMBERED.pop(id(con), None)
    _KEPT_FACTS.pop(id(con), None)


def scope_query(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    body: str,
    params: Mapping[str, Any] | None = None,
    ctes: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Run ``body`` after the scope CTEs (``filtered``, ``base``, ``scope``; then ``ctes``, e.g.
    :data:`BACKLOG_CTE`), with the filter parameters bound (``$as_of``, ``$lookback_days``...)
    and ``params`` besides. ``body`` starts with ``, name AS (...)`` for more CTEs or with the
    final ``SELECT``. Parameterized: no value is ever formatted into the SQL."""
    ensure_views(con)
    sql = "".join((SCOPE_SQL, *ctes, body))
    bound = {**scope_params(f), **(params or {})}
    kept = _REMEMBERED.get(id(con))
    if kept is None or kept[0] is not con:
        return con.execute(sql, bound).df()
    key = repr((sql, sorted(bound.items())))
    if key not in kept[1]:
        kept[1][key] = con.execute(_on_kept_facts(con, sql, bound.get("as_of")), bound).df()
    return kept[1][key].copy(deep=True)


_KEPT = {FACTS_SOURCE: "pmkit_facts", BACKLOG_SOURCE: "pmkit_backlog"}
"""What a report's queries read from TEMP tables: the view at the as-of date -> the table's name."""
_KEPT_FACTS: dict[int, tuple[duckdb.DuckDBPyConnection, set[tuple[str, date]]]] = {}


def _on_kept_facts(con: duckdb.DuckDBPyConnection, sql: str, as_of: Any) -> str:
    """``sql`` reading ``incident_facts`` and ``action_backlog`` at ``as_of`` from TEMP tables of
    ``con``, each made at the first query that reads it: a report asks a dozen questions of the
    same incidents at the same day, each query computing them again (~20 ms of a ~35 ms query
    on 10k). The same rows: a table holds all the macro gives."""
    if not isinstance(as_of, date):
        return sql
    made = _KEPT_FACTS.get(id(con))
    if made is None or made[0] is not con:
        made = _KEPT_FACTS[id(con)] = (con, set())
        while len(_KEPT_FACTS) > _REMEMBER_AT_MOST:
            del _KEPT_FACTS[next(iter(_KEPT_FACTS))]
    for source, table in _KEPT.items():
        if source not in sql:
            continue
        name = f"{table}_{as_of.strftime('%Y%m%d')}"
        if (table, as_of) not in made[1]:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS "  # noqa: S608 (our names, a date's digits)
                f"SELECT * FROM {source}",
                {"as_of": as_of},
            )
            made[1].add((table, as_of))
        sql = sql.replace(source, name)
    return sql


def first_day(con: duckdb.DuckDBPyConnection, f: Filters) -> date | None:
    """The window's first day, or (all history) the first incident's day; None when empty."""
    if f.window_start is not None:
        return f.window_start
    df = scope_query(con, f, "SELECT min(day) AS first FROM scope")
    first = df["first"].iloc[0]
    return None if pd.isna(first) else pd.Timestamp(first).date()


def period_for(con: duckdb.DuckDBPyConnection, f: Filters) -> str:
    """week, month or quarter, by the window's length (all history: from the first incident)."""
    first = first_day(con, f)
    return period_for_days((f.as_of - first).days if first is not None else 0)


def periods(con: duckdb.DuckDBPyConnection, f: Filters, period: str) -> pd.DataFrame:
    """The time axis of every trend: ``pmkit.periods.period_grid`` over the window."""
    return period_grid(first_day(con, f), f.as_of, period, cut_first=f.lookback_days is not None)
