"""Time to draft (resolution -> draft, hours) and time to review (draft -> review, business days)
against their targets (``[targets]`` in ``pmkit.toml``), and the postmortems not written or
waiting for review at as-of.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pmkit.config import DRAFT_TARGET_HOURS, REVIEW_TARGET_BUSINESS_DAYS
from pmkit.metrics.frames import (
    SOURCES,
    as_people,
    distribution,
    on_grid,
    summary_key,
)
from pmkit.metrics.scope import (
    Filters,
    periods,
    scope_query,
)
from pmkit.periods import check_period


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
           resolved_at, drafted_at, drafted_source, resolved_source, draft_source AS source,
           drafted_date_only, draft_hours AS hours, hours <= $target_hours AS within_target
    FROM scope
    WHERE draft_hours IS NOT NULL AND drafted_by_as_of
    ORDER BY day, path, incident_id
    """
    return as_people(scope_query(con, f, body, {"target_hours": float(target_hours)}), f)


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
        return distribution(df, None, "hours", "within_target")
    if by == "period":
        check_period(period or "")
    keyed, key = summary_key(df, by, period)
    out = distribution(keyed, key, "hours", "within_target")
    if by == "period":
        out = on_grid(
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
    return as_people(scope_query(con, f, body, {"target_hours": float(target_hours)}), f)


def time_to_review(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    target_business_days: int = REVIEW_TARGET_BUSINESS_DAYS,
) -> pd.DataFrame:
    """Per incident drafted and reviewed by as_of: business days (Mon-Fri) from draft to review."""
    body = """
    SELECT path, incident_id, title, severity_level, owner, team, services, day, drafted_at,
           reviewed_at, reviewed_source, review_source AS source,
           review_business_days AS business_days
    FROM scope
    WHERE review_business_days IS NOT NULL AND reviewed_by_as_of
    ORDER BY day, path, incident_id
    """
    df = scope_query(con, f, body)
    df["business_days"] = df["business_days"].astype(int)
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
        return distribution(df, None, "business_days", "within_target")
    keyed, key = summary_key(df, by)
    return distribution(keyed, key, "business_days", "within_target")


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
               AS review_recorded, s.review_waiting_business_days AS waiting
    FROM base AS s
    LEFT JOIN recorded AS r ON r.template = s.template
    WHERE s.review_waiting_business_days IS NOT NULL
    ORDER BY s.drafted_at, s.path, s.incident_id
    """
    df = as_people(scope_query(con, f, body), f)
    df["business_days_waiting"] = df.pop("waiting").astype(int)
    df["past_target"] = df["business_days_waiting"] > target_business_days
    return df.sort_values(
        ["review_recorded", "business_days_waiting", "path"], ascending=[False, False, True]
    ).reset_index(drop=True)
