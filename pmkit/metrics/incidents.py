"""The incidents themselves: coverage of the values the pages need, the incident list, severity
(per period, share of the worst), durations per severity, the services hit most.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from pmkit.metrics.frames import (
    distribution,
    on_grid,
)
from pmkit.metrics.scope import (
    Filters,
    periods,
    scope_query,
)
from pmkit.periods import check_period


def coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """How many incidents in scope have each value a chart or tile needs (one row).

    The reports print these beside every number ("drafted time known for 0 of 57") and do not
    draw a section whose values most incidents lack. ``n_undated`` counts the postmortems with
    no date at all, which no window can hold (left out of every metric). The ``n_base*`` columns
    count every incident up to as-of (the backlog's scope): all, resolved by as-of, those of
    them with a draft date (known at all, even if after as-of), and all with a draft date.
    """
    body = """
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
           count(*) FILTER (WHERE s.n_factors > 0) AS n_with_factors,
           count(*) FILTER (WHERE s.n_actions > 0) AS n_with_actions,
           (SELECT count(*) FROM filtered WHERE day IS NULL) AS n_undated,
           (SELECT count(*) FROM base) AS n_base,
           (SELECT count(*) FROM base WHERE resolved_at < as_of_end) AS n_base_resolved,
           (SELECT count(*) FROM base WHERE resolved_at < as_of_end AND drafted_at IS NOT NULL)
               AS n_base_resolved_drafted,
           (SELECT count(*) FROM base WHERE drafted_at IS NOT NULL) AS n_base_drafted
    FROM scope AS s
    """
    return scope_query(con, f, body)


_INCIDENT_LIST_BODY = """
SELECT s.path, s.incident_id, s.title, s.severity_label, s.severity_level, s.status, s.owner,
       s.team, s.services, s.template, s.root, s.day, s.started_at, s.resolved_at, s.drafted_at,
       s.n_actions, s.n_overdue
FROM scope AS s
ORDER BY s.day DESC, s.path, s.incident_id
"""


def incident_list(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The incidents the filters select, latest first, with their action and overdue counts.

    Built on the same scope as every trend, so a table of it lists exactly what the charts count.
    """
    return scope_query(con, f, _INCIDENT_LIST_BODY)


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
    df = scope_query(con, f, body, {"period": check_period(period)})
    out = on_grid(periods(con, f, period), df, {"n": 0}, by="severity_level")
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
        df = scope_query(con, f, body, {"period": None})
        if df.empty:
            df = pd.DataFrame([{"period_start": None, "n": 0, "n_known": 0, "n_level_le_1": 0}])
            df["share_level_le_1"] = np.nan
        return df.drop(columns="period_start").reset_index(drop=True)
    df = scope_query(con, f, body, {"period": check_period(period)})
    out = on_grid(periods(con, f, period), df, {"n": 0, "n_known": 0, "n_level_le_1": 0})
    out["share_level_le_1"] = pd.to_numeric(out["share_level_le_1"]).astype(float)
    return out


def duration_by_severity(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Incident duration in minutes per level: the written duration, else resolved - started;
    with where the values came from (a written duration is a field)."""
    body = """
    SELECT severity_level, incident_minutes AS minutes, incident_minutes_source AS source
    FROM scope
    WHERE incident_minutes IS NOT NULL
    """
    df = scope_query(con, f, body)
    out = distribution(df, "severity_level", "minutes")
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
    return scope_query(con, f, body, {"limit": limit})
