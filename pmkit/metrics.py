"""The report queries: each takes a DuckDB connection and ``Filters``, returns a DataFrame.

Two incident sets, both built by ``_query`` from one SQL prefix:

- ``scope``: the incidents a *trend* looks at. Incidents of real postmortems (never unfilled
  templates, never the process document) whose day, ``COALESCE(started_at, incident_date)``, lies
  in ``[as_of - lookback_days, as_of]``, narrowed by severity level, service, team and template.
  Incidents with no date at all cannot be placed in a window and are left out.
- ``base``: the same without the window's start: every incident up to as-of. The *backlog* reads
  it (overdue and untracked actions, postmortems not written or waiting for review): an overdue
  action does not stop being overdue because its incident is older than the window.

Child rows (timeline events, action items, factors) count when their incident does. Durations
are distributions (median, p90 with ``quantile_cont``, and n), never a bare mean, and say where
their values came from (``n_field``, ``n_timeline``, ``n_prose``, ``n_git``). Trends are on the
complete period grid of ``pmkit.periods`` (zero where nothing happened, partial periods marked).
Owners are counted as people (``Filters.people``). All SQL is parameterized; the definitions are
in the README's "Metrics" table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from pmkit.normalize.owners import People
from pmkit.periods import check_period, period_for_days, period_grid

__all__ = [
    "Filters",
    "coverage",
    "incident_list",
    "severity_by_period",
    "severity_share",
    "duration_by_severity",
    "top_services",
    "milestones",
    "mttx",
    "mttx_by_period",
    "time_to_draft",
    "time_to_draft_summary",
    "late_drafts",
    "unwritten",
    "time_to_review",
    "time_to_review_summary",
    "waiting_for_review",
    "action_summary",
    "overdue_actions",
    "overdue_by_owner",
    "overdue_by_team",
    "overdue_by_service",
    "untracked_actions",
    "action_backlog",
    "action_completion",
    "owner_names",
    "factor_frequency",
    "factor_trend",
    "factor_by_severity",
    "factor_cooccurrence",
    "unclassified_factors",
    "trigger_frequency",
]

DRAFT_TARGET_HOURS = 48.0
"""seeds/003: draft within 24-48 hours of resolution."""
REVIEW_TARGET_BUSINESS_DAYS = 5
"""seeds/003: review within 5 business days."""
AGE_BUCKETS: tuple[str, ...] = ("1-7", "8-30", "31-90", ">90")
"""Aging buckets of overdue actions, in days past their due date."""
SOURCES: tuple[str, ...] = ("field", "git", "timeline", "prose")
"""Where a time was read, most direct first. A duration takes the least direct of its two ends'
sources; ``n_<source>`` columns count the values of each."""
NO_OWNER = "(no owner)"
NO_TEAM = "(no team)"
NO_SERVICE = "(no service)"

"""How a timeline event is recognised as a milestone when the incident's own column is empty.
RE2 syntax (DuckDB ``regexp_matches``); the earliest matching event with a readable time wins."""


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
        as_of: Any = self.as_of
        if isinstance(as_of, str):
            try:
                as_of = date.fromisoformat(as_of.strip())
            except ValueError:
                raise ValueError(
                    f"Filters.as_of: {self.as_of!r} is not a YYYY-MM-DD date"
                ) from None
        elif isinstance(as_of, datetime):
            as_of = as_of.date()
        if not isinstance(as_of, date):
            raise ValueError(f"Filters.as_of must be a date, got {type(self.as_of).__name__}")
        object.__setattr__(self, "as_of", as_of)

        lookback: Any = self.lookback_days
        if lookback is not None and (
            isinstance(lookback, bool) or not isinstance(lookback, int) or lookback < 0
        ):
            raise ValueError(
                f"Filters.lookback_days must be a whole number >= 0 or None, got {lookback!r}"
            )

        levels = _as_tuple("severity_levels", self.severity_levels)
        for level in levels:
            if isinstance(level, bool) or not isinstance(level, int) or level < 0:
                raise ValueError(
                    f"Filters.severity_levels: {level!r} is not a level (0 = most severe)"
                )
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


def _check_period(period: str) -> str:
    return check_period(period)


# ``base`` is every incident the filters select up to as_of; ``scope`` is its part inside the
# window. ``as_of_end`` is the first instant after ``as_of`` (as_of is a whole day): a draft or
# review at or after it did not exist yet at as_of.
_SCOPE_SQL = """
WITH filtered AS (
    SELECT
        i.path, i.incident_id, i.title, i.severity_label, i.severity_level, i.status,
        i.owner, i.team, i.services, i.started_at, i.detected_at, i.acknowledged_at,
        i.mitigated_at, i.resolved_at, i.duration_minutes, i.duration_source, i.drafted_at,
        i.drafted_source,
        i.reviewed_at, i.reviewed_source, i.trigger_category, i.root_cause,
        i.executive_summary, d.template, i.root,
        CASE WHEN i.started_at IS NOT NULL THEN COALESCE(i.started_source, 'field') END
            AS started_source,
        CASE WHEN i.detected_at IS NOT NULL THEN COALESCE(i.detected_source, 'field') END
            AS detected_source,
        CASE WHEN i.acknowledged_at IS NOT NULL THEN COALESCE(i.acknowledged_source, 'field') END
            AS acknowledged_source,
        CASE WHEN i.mitigated_at IS NOT NULL THEN COALESCE(i.mitigated_source, 'field') END
            AS mitigated_source,
        CASE WHEN i.resolved_at IS NOT NULL THEN COALESCE(i.resolved_source, 'field') END
            AS resolved_source,
        COALESCE(CAST(i.started_at AS DATE), i.incident_date) AS day,
        CAST($as_of AS DATE) AS as_of,
        CAST(CAST($as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP) AS as_of_end
    FROM incidents AS i
    JOIN documents AS d ON d.root = i.root AND d.path = i.path
    WHERE NOT d.is_unfilled_template
      AND NOT d.is_process_doc
      AND (len(CAST($severity_levels AS INTEGER[])) = 0
           OR list_contains(CAST($severity_levels AS INTEGER[]), i.severity_level))
      AND (len(CAST($services AS VARCHAR[])) = 0
           OR list_has_any(COALESCE(i.services, []), CAST($services AS VARCHAR[])))
      AND (len(CAST($teams AS VARCHAR[])) = 0 OR list_contains(CAST($teams AS VARCHAR[]), i.team))
      AND (len(CAST($templates AS VARCHAR[])) = 0
           OR list_contains(CAST($templates AS VARCHAR[]), d.template))
), base AS (
    SELECT * FROM filtered WHERE day <= CAST($as_of AS DATE)
), scope AS (
    SELECT * FROM base
    WHERE $lookback_days IS NULL
       OR day >= CAST($as_of AS DATE) - CAST($lookback_days AS INTEGER)
)
"""

# Factor rows of in-scope incidents, each once, in its primary category (the first taxonomy
# match, contributing_factors.category); ``n_categories`` says how many categories it matched.
_FACTOR_CTE = """
, factor_cats AS (
    SELECT cf.path, cf.incident_id, cf.seq, cf.text, cf.line, s.title, s.severity_level, s.day,
           s.root, COALESCE(cf.category, 'unclassified') AS category,
           (SELECT count(DISTINCT fc.category) FROM factor_categories AS fc
            WHERE fc.root = cf.root AND fc.path = cf.path AND fc.incident_id = cf.incident_id AND fc.seq = cf.seq
              AND fc.category <> 'unclassified') AS n_categories
    FROM contributing_factors AS cf
    JOIN scope AS s ON s.root = cf.root AND s.path = cf.path AND s.incident_id = cf.incident_id
)
"""

# Actions of in-window incidents (trends: completion by the incident's period).
_ACTION_CTE = """
, acts AS (
    SELECT a.*, s.title, s.team, s.services, s.severity_level, s.day, s.as_of
    FROM action_items AS a
    JOIN scope AS s ON s.root = a.root AND s.path = a.path AND s.incident_id = a.incident_id
)
"""

# Every action of an incident up to as_of, whatever the window: the backlog. An action is
# open when it is not done (``unknown``, no status written, counts as open: nothing says done).
_BACKLOG_CTE = """
, backlog AS (
    SELECT a.*, b.title, b.team, b.services, b.severity_level, b.day, b.as_of,
           a.status <> 'done' AS is_open
    FROM action_items AS a
    JOIN base AS b ON b.root = a.root AND b.path = a.path AND b.incident_id = a.incident_id
)
"""


def _scope_params(f: Filters) -> dict[str, Any]:
    return {
        "as_of": f.as_of,
        "lookback_days": f.lookback_days,
        "severity_levels": list(f.severity_levels),
        "services": list(f.services),
        "teams": list(f.teams),
        "templates": list(f.templates),
    }


def _query(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    body: str,
    params: Mapping[str, Any] | None = None,
    ctes: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Run ``body`` after the scope CTEs (and any extra CTEs), with the filter parameters bound."""
    sql = "".join((_SCOPE_SQL, *ctes, body))
    return con.execute(sql, {**_scope_params(f), **(params or {})}).df()


def _distribution(
    df: pd.DataFrame, by: str | None, value: str, within: str | None = None
) -> pd.DataFrame:
    """median, p90 (linear interpolation, as quantile_cont), n and sources of ``value`` per ``by``."""
    keys = [by] if by else []
    grouped = df.groupby(keys, dropna=False, sort=True) if keys else None
    rows: list[dict[str, Any]] = []
    groups = list(grouped) if grouped is not None else [((), df)]
    for key, part in groups:
        known = part[part[value].notna()]
        values = known[value].astype(float)
        row: dict[str, Any] = {}
        if by:
            row[by] = key[0] if isinstance(key, tuple) else key
        row["n"] = int(len(values))
        row[f"median_{value}"] = float(values.quantile(0.5)) if len(values) else np.nan
        row[f"p90_{value}"] = float(values.quantile(0.9)) if len(values) else np.nan
        if within:
            flags = known[within].astype(bool)
            row["share_within_target"] = float(flags.mean()) if len(flags) else np.nan
        row.update(_source_counts(known.get("source")))
        rows.append(row)
    columns = [*keys, "n", f"median_{value}", f"p90_{value}"]
    columns += (["share_within_target"] if within else []) + [f"n_{s}" for s in SOURCES]
    out = pd.DataFrame(rows, columns=columns)
    floats = [f"median_{value}", f"p90_{value}"] + (["share_within_target"] if within else [])
    counts = ["n", *(f"n_{s}" for s in SOURCES)]
    return out.astype({**{c: "float64" for c in floats}, **{c: "int64" for c in counts}})


def _source_counts(sources: pd.Series | None) -> dict[str, int]:
    if sources is None:
        return {f"n_{s}": 0 for s in SOURCES}
    counts = sources.value_counts()
    return {f"n_{s}": int(counts.get(s, 0)) for s in SOURCES}


def _people(df: pd.DataFrame, f: Filters, team: str | None = "team") -> pd.DataFrame:
    """``owner`` as the person it names (``owner_written`` keeps what was written) and
    ``owner_team``: the person's team from ``[people]``, else the incident's ``team``."""
    out = df.copy()
    written = out["owner"].astype(object).where(out["owner"].notna(), None)
    out["owner_written"] = written
    out["owner"] = [f.people.person(v) for v in written]
    teams = [f.people.team(v) for v in out["owner"]]
    if team is not None and team in out.columns:
        fallback = out[team].astype(object).where(out[team].notna(), None)
        teams = [t if t is not None else d for t, d in zip(teams, fallback, strict=True)]
    out["owner_team"] = teams
    return out


# --- periods and coverage ------------------------------------------------------------------


def first_day(con: duckdb.DuckDBPyConnection, f: Filters) -> date | None:
    """The window's first day, or (all history) the first incident's day; None when empty."""
    if f.window_start is not None:
        return f.window_start
    df = _query(con, f, "SELECT min(day) AS first FROM scope")
    first = df["first"].iloc[0]
    return None if pd.isna(first) else pd.Timestamp(first).date()


def period_for(con: duckdb.DuckDBPyConnection, f: Filters) -> str:
    """week, month or quarter, by the window's length (all history: from the first incident)."""
    first = first_day(con, f)
    return period_for_days((f.as_of - first).days if first is not None else 0)


def periods(con: duckdb.DuckDBPyConnection, f: Filters, period: str) -> pd.DataFrame:
    """The time axis of every trend: ``pmkit.periods.period_grid`` over the window."""
    return period_grid(first_day(con, f), f.as_of, period, cut_first=f.lookback_days is not None)


def _on_grid(
    grid: pd.DataFrame, df: pd.DataFrame, fill: Mapping[str, Any], by: str | None = None
) -> pd.DataFrame:
    """``df`` (keyed by ``period_start`` and ``by``) on every period of ``grid``; missing rows get
    ``fill``. With ``by``, every value of ``by`` seen in ``df`` gets every period."""
    axis = grid[["period_start", "label", "partial"]].rename(columns={"label": "period_label"})
    df = df.copy()
    df["period_start"] = pd.to_datetime(df["period_start"])
    if by is not None:
        values = pd.DataFrame({by: df[by].drop_duplicates()})
        axis = axis.merge(values, how="cross")
        keys = ["period_start", by]
    else:
        keys = ["period_start"]
    out = axis.merge(df, on=keys, how="left")
    for column, value in fill.items():
        if column in out.columns:
            out[column] = out[column].astype(object).where(out[column].notna(), value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                out[column] = pd.to_numeric(out[column])
    return out.reset_index(drop=True)


def coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """How many incidents in scope have each value a chart or tile needs (one row).

    The reports print these beside every number ("drafted time known for 0 of 57") and do not
    draw a section whose values most incidents lack. ``n_undated`` counts the postmortems with
    no date at all, which no window can hold (left out of every metric). The ``n_base*`` columns
    count every incident up to as-of (the backlog's scope): all, resolved by as-of, those of
    them with a draft date (known at all, even if after as-of), and all with a draft date.
    """
    body = """
    , factored AS (SELECT DISTINCT root, path, incident_id FROM contributing_factors)
    , acted AS (SELECT DISTINCT root, path, incident_id FROM action_items)
    SELECT count(*) AS n_incidents,
           count(s.severity_level) AS n_severity,
           count(s.started_at) AS n_started,
           count(s.resolved_at) AS n_resolved,
           count(*) FILTER (WHERE s.duration_minutes IS NOT NULL
                            OR (s.started_at IS NOT NULL AND s.resolved_at IS NOT NULL))
               AS n_duration,
           count(*) FILTER (WHERE s.drafted_at < s.as_of_end) AS n_drafted,
           count(*) FILTER (WHERE s.drafted_at < s.as_of_end AND s.resolved_at IS NOT NULL)
               AS n_draft_and_resolved,
           count(*) FILTER (WHERE s.reviewed_at < s.as_of_end) AS n_reviewed,
           count(*) FILTER (WHERE len(COALESCE(s.services, [])) > 0) AS n_services,
           count(s.team) AS n_team,
           count(s.owner) AS n_owner,
           count(s.trigger_category) AS n_trigger,
           count(fa.path) AS n_with_factors,
           count(ac.path) AS n_with_actions,
           (SELECT count(*) FROM filtered WHERE day IS NULL) AS n_undated,
           (SELECT count(*) FROM base) AS n_base,
           (SELECT count(*) FROM base WHERE resolved_at < as_of_end) AS n_base_resolved,
           (SELECT count(*) FROM base WHERE resolved_at < as_of_end AND drafted_at IS NOT NULL)
               AS n_base_resolved_drafted,
           (SELECT count(*) FROM base WHERE drafted_at IS NOT NULL) AS n_base_drafted
    FROM scope AS s
    LEFT JOIN factored AS fa ON fa.root = s.root AND fa.path = s.path AND fa.incident_id = s.incident_id
    LEFT JOIN acted AS ac ON ac.root = s.root AND ac.path = s.path AND ac.incident_id = s.incident_id
    """
    return _query(con, f, body)


# --- the incidents themselves --------------------------------------------------------------

_INCIDENT_LIST_BODY = """
, acts AS (
    SELECT root, path, incident_id, count(*) AS n_actions,
           count(*) FILTER (WHERE due_date < CAST($as_of AS DATE) AND status <> 'done')
               AS n_overdue
    FROM action_items
    GROUP BY root, path, incident_id
)
SELECT s.path, s.incident_id, s.title, s.severity_label, s.severity_level, s.status, s.owner,
       s.team, s.services, s.template, s.root, s.day, s.started_at, s.resolved_at, s.drafted_at,
       COALESCE(a.n_actions, 0) AS n_actions, COALESCE(a.n_overdue, 0) AS n_overdue
FROM scope AS s
LEFT JOIN acts AS a ON a.root = s.root AND a.path = s.path AND a.incident_id = s.incident_id
ORDER BY s.day DESC, s.path, s.incident_id
"""


def incident_list(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The incidents the filters select, latest first, with their action and overdue counts.

    Built on the same scope as every trend, so a table of it lists exactly what the charts count.
    """
    return _query(con, f, _INCIDENT_LIST_BODY)


# --- severity ------------------------------------------------------------------------------


def severity_by_period(
    con: duckdb.DuckDBPyConnection, f: Filters, period: str = "week"
) -> pd.DataFrame:
    """Incidents per ISO week (Monday start), month or quarter and severity level (NULL =
    unknown), on every period of the window: each level seen has a row (n = 0) in every period."""
    body = """
    SELECT CAST(date_trunc($period, day) AS DATE) AS period_start, severity_level,
           count(*) AS n
    FROM scope
    GROUP BY ALL
    """
    df = _query(con, f, body, {"period": _check_period(period)})
    out = _on_grid(periods(con, f, period), df, {"n": 0}, by="severity_level")
    out["severity_level"] = out["severity_level"].astype("Int64")
    out = out.sort_values(["period_start", "severity_level"], na_position="last")
    return out.reset_index(drop=True)[
        ["period_start", "period_label", "partial", "severity_level", "n"]
    ]


def severity_share(
    con: duckdb.DuckDBPyConnection, f: Filters, period: str | None = None
) -> pd.DataFrame:
    """Share of incidents at level <= 1 among those with a known level; overall (one row), or on
    every period of the window (share NaN where no level is known)."""
    body = """
    SELECT CAST(date_trunc($period, day) AS DATE) AS period_start,
           count(*) AS n,
           count(severity_level) AS n_known,
           count(*) FILTER (WHERE severity_level <= 1) AS n_level_le_1,
           n_level_le_1 / NULLIF(n_known, 0) AS share_level_le_1
    FROM scope
    GROUP BY ALL
    ORDER BY period_start
    """
    if period is None:
        df = _query(con, f, body, {"period": None})
        if df.empty:
            df = pd.DataFrame([{"period_start": None, "n": 0, "n_known": 0, "n_level_le_1": 0}])
            df["share_level_le_1"] = np.nan
        return df.drop(columns="period_start").reset_index(drop=True)
    df = _query(con, f, body, {"period": _check_period(period)})
    out = _on_grid(periods(con, f, period), df, {"n": 0, "n_known": 0, "n_level_le_1": 0})
    out["share_level_le_1"] = pd.to_numeric(out["share_level_le_1"]).astype(float)
    return out


def duration_by_severity(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Incident duration in minutes per level: the written duration, else resolved - started;
    with where the values came from (a written duration is a field)."""
    body = """
    , dur AS (
        SELECT severity_level,
               COALESCE(duration_minutes,
                        date_diff('second', started_at, resolved_at) / 60.0) AS minutes,
               CASE WHEN duration_minutes IS NOT NULL THEN COALESCE(duration_source, 'field')
                    ELSE CASE WHEN 'prose' IN (started_source, resolved_source) THEN 'prose'
                         WHEN 'timeline' IN (started_source, resolved_source) THEN 'timeline'
                         WHEN 'git' IN (started_source, resolved_source) THEN 'git'
                         WHEN started_source IS NOT NULL AND resolved_source IS NOT NULL THEN 'field' END END AS source
        FROM scope
    )
    SELECT severity_level, minutes, source
    FROM dur
    WHERE minutes IS NOT NULL AND minutes >= 0
    """
    df = _query(con, f, body)
    out = _distribution(df, "severity_level", "minutes")
    out["severity_level"] = out["severity_level"].astype("Int64")
    out = out.sort_values("severity_level", na_position="last").reset_index(drop=True)
    return out


def top_services(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 10) -> pd.DataFrame:
    """Services by number of incidents that list them (an incident counts once per service)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a whole number >= 1, got {limit!r}")
    body = """
    , svc AS (
        SELECT DISTINCT root, path, incident_id, severity_level, unnest(services) AS service
        FROM scope
    )
    SELECT service, count(*) AS n_incidents,
           count(*) FILTER (WHERE severity_level <= 1) AS n_level_le_1
    FROM svc
    WHERE service IS NOT NULL AND trim(service) <> ''
    GROUP BY service
    ORDER BY n_incidents DESC, service
    LIMIT $limit
    """
    return _query(con, f, body, {"limit": limit})


# --- MTTx ----------------------------------------------------------------------------------

_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("detect", "started", "detected"),
    ("acknowledge", "detected", "acknowledged"),
    ("mitigate", "started", "mitigated"),
    ("resolve", "started", "resolved"),
)
"""measure, from milestone, to milestone."""

_MILESTONE_CTE = """
, ms AS (
    SELECT s.path, s.incident_id, s.title, s.severity_level, s.day, s.started_at,
           s.detected_at, s.acknowledged_at, s.mitigated_at, s.resolved_at,
           COALESCE(s.detected_source = 'timeline', FALSE) AS detected_from_timeline,
           COALESCE(s.acknowledged_source = 'timeline', FALSE) AS acknowledged_from_timeline,
           COALESCE(s.mitigated_source = 'timeline', FALSE) AS mitigated_from_timeline,
           COALESCE(s.resolved_source = 'timeline', FALSE) AS resolved_from_timeline,
           s.started_source, s.detected_source, s.acknowledged_source, s.mitigated_source,
           s.resolved_source
    FROM scope AS s
), mm AS (
    SELECT *,
           date_diff('second', started_at, detected_at) / 60.0 AS detect_minutes,
           CASE WHEN 'prose' IN (started_source, detected_source) THEN 'prose'
                WHEN 'timeline' IN (started_source, detected_source) THEN 'timeline'
                WHEN 'git' IN (started_source, detected_source) THEN 'git'
                WHEN started_source IS NOT NULL AND detected_source IS NOT NULL THEN 'field' END AS detect_source,
           date_diff('second', detected_at, acknowledged_at) / 60.0 AS acknowledge_minutes,
           CASE WHEN 'prose' IN (detected_source, acknowledged_source) THEN 'prose'
                WHEN 'timeline' IN (detected_source, acknowledged_source) THEN 'timeline'
                WHEN 'git' IN (detected_source, acknowledged_source) THEN 'git'
                WHEN detected_source IS NOT NULL AND acknowledged_source IS NOT NULL THEN 'field' END AS acknowledge_source,
           date_diff('second', started_at, mitigated_at) / 60.0 AS mitigate_minutes,
           CASE WHEN 'prose' IN (started_source, mitigated_source) THEN 'prose'
                WHEN 'timeline' IN (started_source, mitigated_source) THEN 'timeline'
                WHEN 'git' IN (started_source, mitigated_source) THEN 'git'
                WHEN started_source IS NOT NULL AND mitigated_source IS NOT NULL THEN 'field' END AS mitigate_source,
           date_diff('second', started_at, resolved_at) / 60.0 AS resolve_minutes,
           CASE WHEN 'prose' IN (started_source, resolved_source) THEN 'prose'
                WHEN 'timeline' IN (started_source, resolved_source) THEN 'timeline'
                WHEN 'git' IN (started_source, resolved_source) THEN 'git'
                WHEN started_source IS NOT NULL AND resolved_source IS NOT NULL THEN 'field' END AS resolve_source
    FROM ms
)
"""


def milestones(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per incident: milestone times as the parser read them (from a field, the timeline or the
    prose: ``<milestone>_source``), the four MTTx measures in minutes and each one's source (the
    less direct of its two ends).

    detect = detected - started, acknowledge = acknowledged - detected, mitigate = mitigated -
    started, resolve = resolved - started. A negative difference (inconsistent data) is NULL.
    """
    body = """
    SELECT path, incident_id, title, severity_level, day, started_at, detected_at,
           acknowledged_at, mitigated_at, resolved_at, detected_from_timeline,
           acknowledged_from_timeline, mitigated_from_timeline, resolved_from_timeline,
           started_source, detected_source, acknowledged_source, mitigated_source,
           resolved_source,
           CASE WHEN detect_minutes >= 0 THEN detect_minutes END AS detect_minutes,
           CASE WHEN detect_minutes >= 0 THEN detect_source END AS detect_source,
           CASE WHEN acknowledge_minutes >= 0 THEN acknowledge_minutes END AS acknowledge_minutes,
           CASE WHEN acknowledge_minutes >= 0 THEN acknowledge_source END AS acknowledge_source,
           CASE WHEN mitigate_minutes >= 0 THEN mitigate_minutes END AS mitigate_minutes,
           CASE WHEN mitigate_minutes >= 0 THEN mitigate_source END AS mitigate_source,
           CASE WHEN resolve_minutes >= 0 THEN resolve_minutes END AS resolve_minutes,
           CASE WHEN resolve_minutes >= 0 THEN resolve_source END AS resolve_source
    FROM mm
    ORDER BY path, incident_id
    """
    return _query(con, f, body, ctes=(_MILESTONE_CTE,))


def _mttx_long(ms: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for order, (measure, _, _) in enumerate(_MEASURES):
        part = ms[["day", f"{measure}_minutes", f"{measure}_source"]].rename(
            columns={f"{measure}_minutes": "minutes", f"{measure}_source": "source"}
        )
        parts.append(part.assign(measure=measure, ord=order))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def mttx(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Time to detect / acknowledge / mitigate / resolve: n, median, p90 minutes per measure,
    and where the n values came from (``n_field``, ``n_timeline``, ``n_prose``; a value is from
    the timeline or prose when either of its two milestones is). ``n_from_timeline`` is
    ``n_timeline`` (its older name)."""
    long = _mttx_long(milestones(con, f))
    rows = []
    for measure, _, _ in _MEASURES:
        part = long[long["measure"] == measure]
        dist = _distribution(part, None, "minutes").iloc[0].to_dict()
        rows.append({"measure": measure, **dist})
    out = pd.DataFrame(rows)
    out["n_from_timeline"] = out["n_timeline"]
    for column in ("n", "n_from_timeline", *(f"n_{s}" for s in SOURCES)):
        out[column] = out[column].astype(int)
    return out


def mttx_by_period(
    con: duckdb.DuckDBPyConnection, f: Filters, period: str = "month"
) -> pd.DataFrame:
    """median, p90 and n of each MTTx measure per period of the incident, on every period."""
    _check_period(period)
    long = _mttx_long(milestones(con, f))
    grid = periods(con, f, period)
    frames = []
    for measure, _, _ in _MEASURES:
        part = long[(long["measure"] == measure) & long["minutes"].notna()].copy()
        part["period_start"] = _truncate(part["day"], period)
        dist = _distribution(part, "period_start", "minutes")
        on_grid = _on_grid(grid, dist, {"n": 0, **{f"n_{s}": 0 for s in SOURCES}})
        frames.append(on_grid.assign(measure=measure))
    columns = ["period_start", "period_label", "partial", "measure", "n"]
    columns += ["median_minutes", "p90_minutes", *(f"n_{s}" for s in SOURCES)]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    return out[columns]


def _truncate(days: pd.Series, period: str) -> pd.Series:
    """Period start of each day (as pmkit.periods / DuckDB date_trunc count them)."""
    check_period(period)
    when = pd.to_datetime(days).astype("datetime64[us]")
    if period == "week":
        start = when.dt.normalize() - pd.to_timedelta(when.dt.weekday, unit="D")
    else:
        start = when.dt.to_period("M" if period == "month" else "Q").dt.start_time
    return start.astype("datetime64[us]")


# --- time to draft / review ----------------------------------------------------------------


def time_to_draft(
    con: duckdb.DuckDBPyConnection, f: Filters, target_hours: float = DRAFT_TARGET_HOURS
) -> pd.DataFrame:
    """Per incident with both times, drafted by as_of: hours from resolution to draft.

    Many templates give the draft a date and no time ("Date Prepared: 2026-03-02"), stored at
    midnight. Such a draft on the day of the resolution counts as 0 h: the midnight is not a
    time, and reading it as one would make the draft precede the resolution. ``source`` is the
    less direct of the two times' sources; ``owner`` the incident's owner as a person."""
    body = """
    SELECT path, incident_id, title, severity_level, owner, team, services, root, day,
           resolved_at, drafted_at, drafted_source, resolved_source,
           CASE WHEN 'prose' IN (resolved_source, COALESCE(drafted_source, 'field')) THEN 'prose'
                WHEN 'timeline' IN (resolved_source, COALESCE(drafted_source, 'field')) THEN 'timeline'
                WHEN 'git' IN (resolved_source, COALESCE(drafted_source, 'field')) THEN 'git'
                WHEN resolved_source IS NOT NULL AND COALESCE(drafted_source, 'field') IS NOT NULL THEN 'field' END AS source,
           drafted_at = date_trunc('day', drafted_at) AS drafted_date_only,
           CASE WHEN drafted_date_only AND drafted_at::DATE = resolved_at::DATE THEN 0.0
                ELSE date_diff('second', resolved_at, drafted_at) / 3600.0 END AS hours,
           hours <= $target_hours AS within_target
    FROM scope
    WHERE resolved_at IS NOT NULL AND drafted_at IS NOT NULL AND drafted_at < as_of_end
    ORDER BY day, path, incident_id
    """
    return _people(_query(con, f, body, {"target_hours": float(target_hours)}), f)


def _summary_key(df: pd.DataFrame, by: str, period: str | None = None) -> tuple[pd.DataFrame, str]:
    if by in ("month", "period"):
        df = df.copy()
        df["period_start"] = _truncate(df["day"], "month" if by == "month" else period or "")
        if by == "month":
            df = df.rename(columns={"period_start": "month"})
            return df, "month"
        return df, "period_start"
    if by == "severity":
        return df, "severity_level"
    if by == "team":
        df = df.assign(team=df["team"].astype(object).where(df["team"].notna(), NO_TEAM))
        return df, "team"
    if by == "service":
        df = df.assign(service=[_services(v) for v in df["services"]]).explode("service")
        return df, "service"
    raise ValueError(f"by must be 'month', 'period', 'severity', 'team' or 'service', got {by!r}")


def _services(value: Any) -> list[str]:
    if value is None or (not isinstance(value, list | tuple | np.ndarray) and pd.isna(value)):
        return [NO_SERVICE]
    names = [str(v) for v in list(value) if v is not None and str(v).strip()]
    return names or [NO_SERVICE]


def time_to_draft_summary(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: str | None = "month",
    target_hours: float = DRAFT_TARGET_HOURS,
    period: str | None = None,
) -> pd.DataFrame:
    """median / p90 / n of time-to-draft hours and the share within target, overall (``by=None``),
    per month of the incident, per ``period`` (``by="period"``, on every period), per severity level, team or
    service (an incident listing two services counts under both)."""
    df = time_to_draft(con, f, target_hours)
    if by is None:
        return _distribution(df, None, "hours", "within_target")
    if by == "period":
        _check_period(period or "")
    keyed, key = _summary_key(df, by, period)
    out = _distribution(keyed, key, "hours", "within_target")
    if by == "period":
        out = _on_grid(
            periods(con, f, period or ""), out, {"n": 0, **{f"n_{s}": 0 for s in SOURCES}}
        )
    elif by == "severity":
        out["severity_level"] = out["severity_level"].astype("Int64")
    elif by in ("team", "service"):
        out = out.sort_values(["n", key], ascending=[False, True]).reset_index(drop=True)
    return out


def late_drafts(
    con: duckdb.DuckDBPyConnection, f: Filters, target_hours: float = DRAFT_TARGET_HOURS
) -> pd.DataFrame:
    """Drafts written later than the target after resolution, latest first."""
    df = time_to_draft(con, f, target_hours)
    late = df[~df["within_target"].astype(bool)]
    return late.sort_values(["hours", "path"], ascending=[False, True]).reset_index(drop=True)


def unwritten(
    con: duckdb.DuckDBPyConnection, f: Filters, target_hours: float = DRAFT_TARGET_HOURS
) -> pd.DataFrame:
    """Incidents resolved by as_of, whatever the window, that had no postmortem draft at as_of.

    In a corpus made of postmortems, "no draft" means one of: ``drafted after as_of`` (the draft
    exists now but was written after as_of: looking back in time) or ``empty postmortem`` (a file
    in a known template shape whose root cause, executive summary, contributing factors and
    action items are all empty: a stub opened for the incident, nothing written yet). Free-form
    files are never "empty": there, a field the parser did not find is not a field left blank.
    An incident whose draft time is merely unknown is not unwritten either. ``past_target`` says
    the target has already passed. Like the action backlog, this is the state at as_of: a
    postmortem does not stop being owed because its incident is older than the window.
    """
    body = """
    SELECT s.path, s.incident_id, s.title, s.severity_level, s.owner, s.team, s.root,
           s.resolved_at, s.drafted_at,
           date_diff('day', CAST(s.resolved_at AS DATE), s.as_of) AS days_since_resolved,
           date_diff('second', s.resolved_at, s.as_of_end) / 3600.0 > $target_hours
               AS past_target,
           CASE WHEN s.drafted_at >= s.as_of_end THEN 'drafted after as_of'
                ELSE 'empty postmortem' END AS reason
    FROM base AS s
    WHERE s.resolved_at IS NOT NULL AND s.resolved_at < s.as_of_end
      AND (s.drafted_at >= s.as_of_end
           OR (s.template LIKE 'seed-%'
               AND NULLIF(trim(s.root_cause), '') IS NULL
               AND NULLIF(trim(s.executive_summary), '') IS NULL
               AND NOT EXISTS (SELECT 1 FROM contributing_factors AS cf
                               WHERE cf.root = s.root AND cf.path = s.path AND cf.incident_id = s.incident_id
                                 AND NULLIF(trim(cf.text), '') IS NOT NULL)
               AND NOT EXISTS (SELECT 1 FROM action_items AS a
                               WHERE a.root = s.root AND a.path = s.path AND a.incident_id = s.incident_id
                                 AND NULLIF(trim(a.text), '') IS NOT NULL)))
    ORDER BY s.resolved_at, s.path, s.incident_id
    """
    return _people(_query(con, f, body, {"target_hours": float(target_hours)}), f)


def time_to_review(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    target_business_days: int = REVIEW_TARGET_BUSINESS_DAYS,
) -> pd.DataFrame:
    """Per incident drafted and reviewed by as_of: business days (Mon-Fri) from draft to review."""
    body = """
    SELECT path, incident_id, title, severity_level, owner, team, services, day, drafted_at,
           reviewed_at, reviewed_source,
           CASE WHEN 'prose' IN (COALESCE(drafted_source, 'field'), COALESCE(reviewed_source, 'field')) THEN 'prose'
                WHEN 'timeline' IN (COALESCE(drafted_source, 'field'), COALESCE(reviewed_source, 'field')) THEN 'timeline'
                WHEN 'git' IN (COALESCE(drafted_source, 'field'), COALESCE(reviewed_source, 'field')) THEN 'git'
                WHEN COALESCE(drafted_source, 'field') IS NOT NULL AND COALESCE(reviewed_source, 'field') IS NOT NULL THEN 'field' END
               AS source
    FROM scope
    WHERE drafted_at IS NOT NULL AND reviewed_at IS NOT NULL AND reviewed_at < as_of_end
    ORDER BY day, path, incident_id
    """
    df = _query(con, f, body)
    starts = pd.to_datetime(df["drafted_at"]).values.astype("datetime64[D]")
    ends = pd.to_datetime(df["reviewed_at"]).values.astype("datetime64[D]")
    df["business_days"] = np.busday_count(starts, ends).astype(int)
    df["within_target"] = df["business_days"] <= target_business_days
    return df


def time_to_review_summary(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: str | None = None,
    target_business_days: int = REVIEW_TARGET_BUSINESS_DAYS,
) -> pd.DataFrame:
    """median / p90 / n of business days to review and the share within target (overall, or per
    ``by`` = 'month' | 'severity' | 'team' | 'service')."""
    df = time_to_review(con, f, target_business_days)
    if by is None:
        return _distribution(df, None, "business_days", "within_target")
    keyed, key = _summary_key(df, by)
    return _distribution(keyed, key, "business_days", "within_target")


def waiting_for_review(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    target_business_days: int = REVIEW_TARGET_BUSINESS_DAYS,
) -> pd.DataFrame:
    """Postmortems drafted by as_of and not reviewed at as_of, longest waiting first.

    ``business_days_waiting`` counts Monday-Friday from the draft's day to as_of; ``past_target``
    is more than the target. Only templates that record a review at all count: a template shape
    whose documents never carry a review date (``review_recorded`` false in every one of them,
    like seeds/001) cannot say a review is missing, and its postmortems are left out (the
    report says how many). The state at as_of, like the action backlog.
    """
    body = """
    , recorded AS (
        SELECT d.template, bool_or(i.reviewed_at IS NOT NULL) AS review_recorded
        FROM incidents AS i JOIN documents AS d ON d.root = i.root AND d.path = i.path
        GROUP BY d.template
    )
    SELECT s.path, s.incident_id, s.title, s.severity_level, s.owner, s.team, s.root,
           s.template, s.drafted_at, s.drafted_source, COALESCE(r.review_recorded, FALSE)
               AS review_recorded
    FROM base AS s
    LEFT JOIN recorded AS r ON r.template = s.template
    WHERE s.drafted_at IS NOT NULL AND s.drafted_at < s.as_of_end
      AND (s.reviewed_at IS NULL OR s.reviewed_at >= s.as_of_end)
    ORDER BY s.drafted_at, s.path, s.incident_id
    """
    df = _people(_query(con, f, body), f)
    starts = pd.to_datetime(df["drafted_at"]).values.astype("datetime64[D]")
    end = np.datetime64(f.as_of.isoformat(), "D")
    df["business_days_waiting"] = np.busday_count(starts, end).astype(int)
    df["past_target"] = df["business_days_waiting"] > target_business_days
    return df.sort_values(
        ["review_recorded", "business_days_waiting", "path"], ascending=[False, False, True]
    ).reset_index(drop=True)


# --- action items: the backlog at as_of ----------------------------------------------------


def action_summary(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The action backlog at as_of in one row: every action of an incident up to as_of.

    ``n_open`` = not done (``n_open_unknown`` of them have no status written, which counts as
    not done); ``n_open_with_due`` have a due date, the ones an "overdue" can be told for;
    ``n_overdue`` = open with a due date before as_of; ``n_untracked_open`` = open and missing
    an owner, a due date or a tracking reference.
    """
    body = """
    SELECT count(*) AS n_actions,
           count(*) FILTER (WHERE is_open) AS n_open,
           count(*) FILTER (WHERE is_open AND status = 'unknown') AS n_open_unknown,
           count(*) FILTER (WHERE is_open AND due_date IS NOT NULL) AS n_open_with_due,
           count(*) FILTER (WHERE is_open AND due_date < as_of) AS n_overdue,
           count(*) FILTER (WHERE is_open AND due_date < as_of AND status = 'unknown')
               AS n_overdue_unknown,
           count(*) FILTER (WHERE is_open AND (NULLIF(trim(owner), '') IS NULL
                                               OR due_date IS NULL
                                               OR NULLIF(trim(tracking_ref), '') IS NULL))
               AS n_untracked_open,
           count(*) FILTER (WHERE status <> 'unknown') AS n_status_known
    FROM backlog
    """
    return _query(con, f, body, ctes=(_BACKLOG_CTE,))


def overdue_actions(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every action with due_date < as_of and status not 'done' (unknown counts as not done), of
    any incident up to as_of (the window does not apply: the backlog at as_of). ``owner`` is the
    person (``owner_written`` as written), ``owner_team`` their team ([people], else the
    incident's)."""
    body = """
    SELECT path, incident_id, title, team, services, root, action_id, text, owner, due_date,
           status, status_text, tracking_ref, line,
           date_diff('day', due_date, as_of) AS age_days,
           CASE WHEN age_days <= 7 THEN '1-7' WHEN age_days <= 30 THEN '8-30'
                WHEN age_days <= 90 THEN '31-90' ELSE '>90' END AS bucket
    FROM backlog
    WHERE due_date < as_of AND is_open
    ORDER BY age_days DESC, path, line NULLS LAST, action_id
    """
    return _people(_query(con, f, body, ctes=(_BACKLOG_CTE,)), f)


def _overdue_grouped(df: pd.DataFrame, key: str, missing: str) -> pd.DataFrame:
    columns = [key, "n_overdue", "oldest_days", *AGE_BUCKETS]
    if df.empty:
        return pd.DataFrame(columns=columns)
    df = df.assign(**{key: df[key].astype(object).where(df[key].notna(), missing)})
    counts = pd.crosstab(df[key], df["bucket"]).reindex(columns=list(AGE_BUCKETS), fill_value=0)
    out = df.groupby(key).agg(n_overdue=("age_days", "size"), oldest_days=("age_days", "max"))
    out = out.join(counts).reset_index()
    out = out.sort_values(["n_overdue", "oldest_days", key], ascending=[False, False, True])
    return out[columns].reset_index(drop=True)


def overdue_grouped(overdue: pd.DataFrame, by: str) -> pd.DataFrame:
    """``overdue_actions`` rows per ``by``: 'owner' (the person), 'team' (the owner's team from
    ``[people]``, else the incident's) or 'service' (of the incident: an action of an incident
    listing two services counts under both): count, oldest, aging buckets. A report that shows
    several groupings queries the overdue actions once and groups them here."""
    if by == "owner":
        return _overdue_grouped(overdue, "owner", NO_OWNER)
    if by == "team":
        return _overdue_grouped(overdue.assign(team=overdue["owner_team"]), "team", NO_TEAM)
    if by == "service":
        exploded = overdue.assign(service=[_services(v) for v in overdue["services"]])
        return _overdue_grouped(exploded.explode("service"), "service", NO_SERVICE)
    raise ValueError(f"by must be 'owner', 'team' or 'service', got {by!r}")


def overdue_by_owner(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Overdue actions per person ('(no owner)' when missing): count, oldest, aging buckets."""
    return overdue_grouped(overdue_actions(con, f), "owner")


def overdue_by_team(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Overdue actions per team: the owner's team from ``[people]``, else the incident's team
    ('(no team)' when neither is known)."""
    return overdue_grouped(overdue_actions(con, f), "team")


def overdue_by_service(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Overdue actions per service of their incident (an action of an incident listing two
    services counts under both; '(no service)' when it lists none)."""
    return overdue_grouped(overdue_actions(con, f), "service")


def untracked_actions(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open actions (not done; any incident up to as_of) missing an owner, a due date or a
    tracking reference; ``missing`` names which. A done action needs no more tracking."""
    body = """
    SELECT path, incident_id, title, team, root, action_id, text, owner, due_date, tracking_ref,
           status, status_text, line,
           NULLIF(trim(owner), '') IS NULL AS missing_owner,
           due_date IS NULL AS missing_due_date,
           NULLIF(trim(tracking_ref), '') IS NULL AS missing_tracking_ref,
           concat_ws(', ', CASE WHEN missing_owner THEN 'owner' END,
                           CASE WHEN missing_due_date THEN 'due date' END,
                           CASE WHEN missing_tracking_ref THEN 'tracking reference' END) AS missing
    FROM backlog
    WHERE is_open AND (missing_owner OR missing_due_date OR missing_tracking_ref)
    ORDER BY path, line NULLS LAST, action_id
    """
    return _people(_query(con, f, body, ctes=(_BACKLOG_CTE,)), f)


def owner_names(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every owner name as written (actions and incidents up to as_of) with how often it
    appears: what ``pmkit.normalize.owners.likely_aliases`` reads."""
    body = """
    , names AS (
        SELECT trim(owner) AS name FROM backlog WHERE NULLIF(trim(owner), '') IS NOT NULL
        UNION ALL
        SELECT trim(owner) FROM base WHERE NULLIF(trim(owner), '') IS NOT NULL
    )
    SELECT name, count(*) AS n FROM names GROUP BY name ORDER BY name
    """
    return _query(con, f, body, ctes=(_BACKLOG_CTE,))


def action_backlog(
    con: duckdb.DuckDBPyConnection, f: Filters, period: str = "month"
) -> pd.DataFrame:
    """The open-action backlog at the end of each period of the window (the last ends at as_of).

    Every action of an incident up to that end counts, whatever the window (the window only picks
    the periods shown). An action is created on its incident's day. Its closing date is not
    recorded anywhere, only its status at ingest, so: ``still_open`` counts actions created by
    the period end that are still not done at ingest (certainly open at that end, barring
    reopening), ``unknown_status`` the part of them whose status is not written at all;
    ``done_at_ingest`` counts those done by now (open or closed at that end: unknown);
    ``overdue`` is the part of ``still_open`` whose due date had passed at the end.
    """
    grid = periods(con, f, _check_period(period))
    columns = ["period_start", "period_label", "partial", "period_end", "created"]
    columns += ["created_to_date", "still_open", "unknown_status", "done_at_ingest", "overdue"]
    if grid.empty:
        return pd.DataFrame(columns=columns)
    body = """
    , ends AS (
        SELECT unnest(CAST($starts AS DATE[])) AS period_start,
               unnest(CAST($ends AS DATE[])) AS period_end
    )
    SELECT e.period_start, e.period_end,
           count(a.day) FILTER (WHERE a.day >= e.period_start) AS created,
           count(a.day) AS created_to_date,
           count(a.day) FILTER (WHERE a.is_open) AS still_open,
           count(a.day) FILTER (WHERE a.is_open AND a.status = 'unknown') AS unknown_status,
           count(a.day) FILTER (WHERE NOT a.is_open) AS done_at_ingest,
           count(a.day) FILTER (WHERE a.is_open AND a.due_date < e.period_end) AS overdue
    FROM ends AS e
    LEFT JOIN backlog AS a ON a.day <= e.period_end
    GROUP BY e.period_start, e.period_end
    """
    params = {
        "starts": [d.date() for d in grid["period_start"]],
        "ends": [d.date() for d in grid["period_end"]],
    }
    df = _query(con, f, body, params, (_BACKLOG_CTE,)).drop(columns="period_end")
    out = _on_grid(grid, df, {})
    out["period_end"] = grid["period_end"].to_numpy()
    return out[columns]


def action_completion(
    con: duckdb.DuckDBPyConnection, f: Filters, period: str = "month"
) -> pd.DataFrame:
    """Per period of the incident (every period of the window): actions, those with a status
    written, those done at ingest, and the completion rate among the ones with a status."""
    body = """
    SELECT CAST(date_trunc($period, day) AS DATE) AS period_start, count(*) AS n_actions,
           count(*) FILTER (WHERE status <> 'unknown') AS n_status_known,
           count(*) FILTER (WHERE status = 'done') AS n_done
    FROM acts
    GROUP BY ALL
    """
    df = _query(con, f, body, {"period": _check_period(period)}, (_ACTION_CTE,))
    out = _on_grid(periods(con, f, period), df, {"n_actions": 0, "n_status_known": 0, "n_done": 0})
    known = out["n_status_known"].astype(float)
    out["completion_rate"] = (out["n_done"] / known.where(known > 0)).astype(float)
    return out


def window_actions(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, int, int]:
    """Actions of the window's incidents: all of them, those with a due date, and those overdue
    at as_of (due before it, not done at ingest)."""
    body = """
    SELECT count(*) AS n, count(due_date) AS n_due,
           count(*) FILTER (WHERE status <> 'done' AND due_date < as_of) AS n_overdue
    FROM acts
    """
    df = _query(con, f, body, ctes=(_ACTION_CTE,))
    return int(df["n"].iloc[0]), int(df["n_due"].iloc[0]), int(df["n_overdue"].iloc[0])


# --- contributing factors and triggers -----------------------------------------------------


def factor_frequency(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per primary category: factors in it (each factor once), incidents with at least one, and
    that share of the incidents that list factors at all. ``n_also`` counts the factors whose
    primary category is another but that match this one too (a factor can match several)."""
    body = """
    , secondary AS (
        SELECT fc.category, count(DISTINCT (fc.root, fc.path, fc.incident_id, fc.seq)) AS n_also
        FROM factor_categories AS fc
        JOIN factor_cats AS c
          ON c.root = fc.root AND c.path = fc.path AND c.incident_id = fc.incident_id AND c.seq = fc.seq
        WHERE fc.category <> c.category
        GROUP BY fc.category
    ), primary_cats AS (
        SELECT category, count(*) AS n_factors,
               count(DISTINCT (root, path, incident_id)) AS n_incidents
        FROM factor_cats
        GROUP BY category
    )
    SELECT COALESCE(p.category, s.category) AS category,
           COALESCE(p.n_factors, 0) AS n_factors,
           COALESCE(p.n_incidents, 0) AS n_incidents,
           COALESCE(p.n_incidents, 0)
               / (SELECT count(DISTINCT (root, path, incident_id)) FROM factor_cats)
               AS share_of_incidents,
           COALESCE(s.n_also, 0) AS n_also
    FROM primary_cats AS p
    FULL OUTER JOIN secondary AS s ON s.category = p.category
    ORDER BY n_factors DESC, n_also DESC, category
    """
    return _query(con, f, body, ctes=(_FACTOR_CTE,))


def factor_trend(con: duckdb.DuckDBPyConnection, f: Filters, period: str = "month") -> pd.DataFrame:
    """Incidents (and factors) per period and primary category, on every period of the window."""
    body = """
    SELECT CAST(date_trunc($period, day) AS DATE) AS period_start, category,
           count(DISTINCT (root, path, incident_id)) AS n_incidents, count(*) AS n_factors
    FROM factor_cats
    GROUP BY ALL
    """
    df = _query(con, f, body, {"period": _check_period(period)}, (_FACTOR_CTE,))
    out = _on_grid(periods(con, f, period), df, {"n_incidents": 0, "n_factors": 0}, by="category")
    out = out.sort_values(
        ["period_start", "n_incidents", "category"], ascending=[True, False, True]
    )
    return out.reset_index(drop=True)


def factor_by_severity(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Incidents (and factors) per severity level and primary category."""
    body = """
    SELECT severity_level, category,
           count(DISTINCT (root, path, incident_id)) AS n_incidents, count(*) AS n_factors
    FROM factor_cats
    GROUP BY ALL
    ORDER BY severity_level NULLS LAST, n_incidents DESC, category
    """
    return _query(con, f, body, ctes=(_FACTOR_CTE,))


def factor_cooccurrence(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Pairs of primary categories (a < b, 'unclassified' left out) in the same incident."""
    body = """
    , ic AS (
        SELECT DISTINCT root, path, incident_id, category FROM factor_cats
        WHERE category <> 'unclassified'
    )
    SELECT a.category AS category_a, b.category AS category_b, count(*) AS n_incidents
    FROM ic AS a
    JOIN ic AS b ON a.root = b.root AND a.path = b.path AND a.incident_id = b.incident_id AND a.category < b.category
    GROUP BY ALL
    ORDER BY n_incidents DESC, category_a, category_b
    """
    return _query(con, f, body, ctes=(_FACTOR_CTE,))


def unclassified_factors(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Factor texts no taxonomy rule matched: the list to read when tuning data/taxonomy.toml."""
    body = """
    SELECT path, incident_id, seq, line, title, root, text
    FROM factor_cats
    WHERE category = 'unclassified'
    ORDER BY path, incident_id, seq
    """
    return _query(con, f, body, ctes=(_FACTOR_CTE,))


def trigger_frequency(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Incidents per trigger category (what set the incident off), apart from factors."""
    body = """
    SELECT COALESCE(trigger_category, 'unknown') AS trigger_category,
           count(*) AS n_incidents,
           n_incidents / sum(n_incidents) OVER () AS share
    FROM scope
    GROUP BY ALL
    ORDER BY n_incidents DESC, trigger_category
    """
    return _query(con, f, body)
