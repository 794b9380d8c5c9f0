"""Action items: the backlog at as-of (open, overdue, untracked; by owner, team, service), its
history per period and the completion of the window's actions.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pmkit.metrics.frames import (
    NO_OWNER,
    NO_SERVICE,
    NO_TEAM,
    as_people,
    on_grid,
    services_of,
)
from pmkit.metrics.scope import (
    ACTION_CTE,
    BACKLOG_CTE,
    Filters,
    periods,
    scope_query,
)
from pmkit.periods import check_period

AGE_BUCKETS: tuple[str, ...] = ("1-7", "8-30", "31-90", ">90")
"""Aging buckets of overdue actions, in days past their due date."""


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
           count(*) FILTER (WHERE is_overdue) AS n_overdue,
           count(*) FILTER (WHERE is_overdue AND status = 'unknown') AS n_overdue_unknown,
           count(*) FILTER (WHERE is_untracked) AS n_untracked_open,
           count(*) FILTER (WHERE status <> 'unknown') AS n_status_known
    FROM backlog
    """
    return scope_query(con, f, body, ctes=(BACKLOG_CTE,))


def overdue_actions(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Every action with due_date < as_of and status not 'done' (unknown counts as not done), of
    any incident up to as_of (the window does not apply: the backlog at as_of). ``owner`` is the
    person (``owner_written`` as written), ``owner_team`` their team ([people], else the
    incident's)."""
    body = """
    SELECT path, incident_id, title, team, services, root, action_id, text, owner, due_date,
           status, status_text, tracking_ref, line,
           days_overdue AS age_days, overdue_bucket AS bucket
    FROM backlog
    WHERE is_overdue
    ORDER BY age_days DESC, path, line NULLS LAST, action_id
    """
    return as_people(scope_query(con, f, body, ctes=(BACKLOG_CTE,)), f)


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
        exploded = overdue.copy()
        exploded["service"] = [services_of(v) for v in overdue["services"]]
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
           status, status_text, line, missing_owner, missing_due_date, missing_tracking_ref,
           concat_ws(', ', CASE WHEN missing_owner THEN 'owner' END,
                           CASE WHEN missing_due_date THEN 'due date' END,
                           CASE WHEN missing_tracking_ref THEN 'tracking reference' END) AS missing
    FROM backlog
    WHERE is_untracked
    ORDER BY path, line NULLS LAST, action_id
    """
    return as_people(scope_query(con, f, body, ctes=(BACKLOG_CTE,)), f)


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
    return scope_query(con, f, body, ctes=(BACKLOG_CTE,))


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
    grid = periods(con, f, check_period(period))
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
    df = scope_query(con, f, body, params, (BACKLOG_CTE,)).drop(columns="period_end")
    out = on_grid(grid, df, {})
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
    df = scope_query(con, f, body, {"period": check_period(period)}, (ACTION_CTE,))
    out = on_grid(periods(con, f, period), df, {"n_actions": 0, "n_status_known": 0, "n_done": 0})
    known = out["n_status_known"].astype(float)
    out["completion_rate"] = (out["n_done"] / known.where(known > 0)).astype(float)
    return out


def window_actions(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[int, int, int]:
    """Actions of the window's incidents: all of them, those with a due date, and those overdue
    at as_of (due before it, not done at ingest)."""
    body = """
    SELECT count(*) AS n, count(due_date) AS n_due,
           count(*) FILTER (WHERE is_overdue) AS n_overdue
    FROM acts
    """
    df = scope_query(con, f, body, ctes=(ACTION_CTE,))
    return int(df["n"].iloc[0]), int(df["n_due"].iloc[0]), int(df["n_overdue"].iloc[0])
