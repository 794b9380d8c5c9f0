"""The report queries: each takes a DuckDB connection and ``Filters``, returns a DataFrame.

Every function starts from one filtered incident set, the ``scope`` CTE built by ``_query``:
incidents of real postmortems (never unfilled templates, never the process document) whose day,
``COALESCE(started_at, incident_date)``, lies in ``[as_of - lookback_days, as_of]``, narrowed by
severity level, service, team and template. Incidents with no date at all cannot be placed in a
window and are left out. Child rows (timeline events, action items, factors) count when their
incident is in scope. Durations are distributions (median, p90 with ``quantile_cont``, and n),
never a bare mean. All SQL is parameterized; the definitions are in the README's "Metrics" table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd

__all__ = [
    "Filters",
    "severity_by_period",
    "severity_share",
    "duration_by_severity",
    "top_services",
    "milestones",
    "mttx",
    "time_to_draft",
    "time_to_draft_summary",
    "late_drafts",
    "unwritten",
    "time_to_review",
    "time_to_review_summary",
    "overdue_actions",
    "overdue_by_owner",
    "overdue_by_team",
    "untracked_actions",
    "action_backlog",
    "action_completion_by_month",
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
PERIODS: tuple[str, ...] = ("week", "month")

MILESTONE_PATTERNS: dict[str, str] = {
    "detected": (
        r"(?i)\b(detect(s|ed|ion)?|alert(s|ed)?|alarm(s|ed)?|paged|page (fired|sent)|noticed"
        r"|first (customer |user )?reports?|reported by|monitoring (fired|flagged|showed))\b"
    ),
    "acknowledged": (
        r"(?i)\b(ack(s|ed|nowledged?|nowledges)?|on-?call (engineer )?(responded|joined|engaged)"
        r"|incident (declared|opened|created)|(began|started) investigating"
        r"|investigation (began|started))\b"
    ),
    "mitigated": (
        r"(?i)\b(mitigat(ed|es|ion)|rolled back|rolling back|rollback|reverted|workaround"
        r"|fail(ed)? ?over|traffic (drained|shifted|rerouted)|service restored|stabili[sz]ed)\b"
    ),
    "resolved": (
        r"(?i)\b(resolved|resolution|fully (restored|recovered)|recovered"
        r"|incident (closed|over|ended)|all clear|back to normal)\b"
    ),
}
"""How a timeline event is recognised as a milestone when the incident's own field is missing.
RE2 syntax (DuckDB ``regexp_matches``); the earliest matching event with a readable time wins."""


@dataclass(frozen=True)
class Filters:
    """What a report looks at. Empty tuples mean "no filter"; ``lookback_days=None`` means all
    history up to ``as_of``. ``as_of`` may be given as an ISO string (papermill parameters)."""

    as_of: date
    lookback_days: int | None = 365
    severity_levels: tuple[int, ...] = ()
    services: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()

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


def _as_tuple(name: str, value: Any) -> tuple[Any, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(f"Filters.{name} must be a tuple (empty for no filter), got {value!r}")
    return tuple(value)


def _check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {period!r}")
    return period


# The one filtered incident set. ``as_of_end`` is the first instant after ``as_of`` (as_of is a
# whole day): a draft or review at or after it did not exist yet at as_of.
_SCOPE_SQL = """
WITH scope AS (
    SELECT
        i.path, i.incident_id, i.title, i.severity_label, i.severity_level, i.status,
        i.owner, i.team, i.services, i.started_at, i.detected_at, i.acknowledged_at,
        i.mitigated_at, i.resolved_at, i.duration_minutes, i.drafted_at, i.drafted_source,
        i.reviewed_at, i.reviewed_source, i.trigger_category, i.root_cause,
        i.executive_summary, d.template,
        COALESCE(CAST(i.started_at AS DATE), i.incident_date) AS day,
        CAST($as_of AS DATE) AS as_of,
        CAST(CAST($as_of AS DATE) + INTERVAL 1 DAY AS TIMESTAMP) AS as_of_end
    FROM incidents AS i
    JOIN (
        -- one row per path even if two corpus roots hold the same relative path
        SELECT path, any_value(template) AS template,
               bool_or(is_unfilled_template) AS is_unfilled_template,
               bool_or(is_process_doc) AS is_process_doc
        FROM documents
        GROUP BY path
    ) AS d ON d.path = i.path
    WHERE NOT d.is_unfilled_template
      AND NOT d.is_process_doc
      AND COALESCE(CAST(i.started_at AS DATE), i.incident_date) <= CAST($as_of AS DATE)
      AND ($lookback_days IS NULL
           OR COALESCE(CAST(i.started_at AS DATE), i.incident_date)
              >= CAST($as_of AS DATE) - CAST($lookback_days AS INTEGER))
      AND (len(CAST($severity_levels AS INTEGER[])) = 0
           OR list_contains(CAST($severity_levels AS INTEGER[]), i.severity_level))
      AND (len(CAST($services AS VARCHAR[])) = 0
           OR list_has_any(COALESCE(i.services, []), CAST($services AS VARCHAR[])))
      AND (len(CAST($teams AS VARCHAR[])) = 0 OR list_contains(CAST($teams AS VARCHAR[]), i.team))
      AND (len(CAST($templates AS VARCHAR[])) = 0
           OR list_contains(CAST($templates AS VARCHAR[]), d.template))
)
"""

# Factor rows of in-scope incidents, one per (factor, category): every category the factor
# matched (factor_categories) or, before any reclassify, contributing_factors.category.
_FACTOR_CTE = """
, factor_cats AS (
    SELECT cf.path, cf.incident_id, cf.seq, cf.text, cf.line, s.title, s.severity_level, s.day,
           COALESCE(fc.category, cf.category, 'unclassified') AS category
    FROM contributing_factors AS cf
    JOIN scope AS s ON s.path = cf.path AND s.incident_id = cf.incident_id
    LEFT JOIN factor_categories AS fc
      ON fc.path = cf.path AND fc.incident_id = cf.incident_id AND fc.seq = cf.seq
)
"""

_ACTION_CTE = """
, acts AS (
    SELECT a.*, s.title, s.team, s.severity_level, s.day, s.as_of
    FROM action_items AS a
    JOIN scope AS s ON s.path = a.path AND s.incident_id = a.incident_id
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
    """Run ``body`` after the scope CTE (and any extra CTEs), with the filter parameters bound."""
    sql = "".join((_SCOPE_SQL, *ctes, body))
    return con.execute(sql, {**_scope_params(f), **(params or {})}).df()


def _distribution(
    df: pd.DataFrame, by: str | None, value: str, within: str | None = None
) -> pd.DataFrame:
    """median, p90 (linear interpolation, as quantile_cont) and n of ``value`` per ``by``."""
    keys = [by] if by else []
    grouped = df.groupby(keys, dropna=False, sort=True) if keys else None
    rows: list[dict[str, Any]] = []
    groups = list(grouped) if grouped is not None else [((), df)]
    for key, part in groups:
        values = part[value].dropna().astype(float)
        row: dict[str, Any] = {}
        if by:
            row[by] = key[0] if isinstance(key, tuple) else key
        row["n"] = int(len(values))
        row[f"median_{value}"] = float(values.quantile(0.5)) if len(values) else np.nan
        row[f"p90_{value}"] = float(values.quantile(0.9)) if len(values) else np.nan
        if within:
            flags = part.loc[part[value].notna(), within].astype(bool)
            row["share_within_target"] = float(flags.mean()) if len(flags) else np.nan
        rows.append(row)
    columns = [*keys, "n", f"median_{value}", f"p90_{value}"] + (
        ["share_within_target"] if within else []
    )
    return pd.DataFrame(rows, columns=columns)


# --- the incidents themselves --------------------------------------------------------------

_INCIDENT_LIST_BODY = """
, acts AS (
    SELECT path, incident_id, count(*) AS n_actions,
           count(*) FILTER (WHERE due_date < CAST($as_of AS DATE) AND status <> 'done')
               AS n_overdue
    FROM action_items
    GROUP BY path, incident_id
)
SELECT s.path, s.incident_id, s.title, s.severity_label, s.severity_level, s.status, s.team,
       s.services, s.template, s.day, s.started_at, s.resolved_at, s.drafted_at,
       COALESCE(a.n_actions, 0) AS n_actions, COALESCE(a.n_overdue, 0) AS n_overdue
FROM scope AS s
LEFT JOIN acts AS a ON a.path = s.path AND a.incident_id = s.incident_id
ORDER BY s.day DESC, s.path, s.incident_id
"""


def incident_list(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The incidents the filters select, latest first, with their action and overdue counts.

    Built on the same scope as every metric, so a table of it lists exactly what the charts count.
    """
    return _query(con, f, _INCIDENT_LIST_BODY)


# --- severity ------------------------------------------------------------------------------


def severity_by_period(
    con: duckdb.DuckDBPyConnection, f: Filters, period: str = "week"
) -> pd.DataFrame:
    """Incidents per ISO week (Monday start) or calendar month and severity level (NULL = unknown)."""
    body = """
    SELECT CAST(date_trunc($period, day) AS DATE) AS period_start, severity_level,
           count(*) AS n
    FROM scope
    GROUP BY ALL
    ORDER BY period_start, severity_level NULLS LAST
    """
    return _query(con, f, body, {"period": _check_period(period)})


def severity_share(
    con: duckdb.DuckDBPyConnection, f: Filters, period: str | None = None
) -> pd.DataFrame:
    """Share of incidents at level <= 1 among those with a known level; per period if given."""
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
    return _query(con, f, body, {"period": _check_period(period)})


def duration_by_severity(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Incident duration in minutes per level: the written duration, else resolved - started."""
    body = """
    , dur AS (
        SELECT severity_level,
               COALESCE(duration_minutes,
                        date_diff('second', started_at, resolved_at) / 60.0) AS minutes
        FROM scope
    )
    SELECT severity_level, count(*) AS n,
           quantile_cont(minutes, 0.5) AS median_minutes,
           quantile_cont(minutes, 0.9) AS p90_minutes
    FROM dur
    WHERE minutes IS NOT NULL AND minutes >= 0
    GROUP BY severity_level
    ORDER BY severity_level NULLS LAST
    """
    return _query(con, f, body)


def top_services(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 10) -> pd.DataFrame:
    """Services by number of incidents that list them (an incident counts once per service)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a whole number >= 1, got {limit!r}")
    body = """
    , svc AS (
        SELECT DISTINCT path, incident_id, severity_level, unnest(services) AS service
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

_MILESTONE_CTE = """
, ev AS (
    SELECT t.path, t.incident_id,
           min(t.occurred_at) FILTER (WHERE regexp_matches(t.event, $re_detected)) AS detected_at,
           min(t.occurred_at) FILTER (WHERE regexp_matches(t.event, $re_acknowledged))
               AS acknowledged_at,
           min(t.occurred_at) FILTER (WHERE regexp_matches(t.event, $re_mitigated)) AS mitigated_at,
           min(t.occurred_at) FILTER (WHERE regexp_matches(t.event, $re_resolved)) AS resolved_at
    FROM timeline_events AS t
    JOIN scope AS s ON s.path = t.path AND s.incident_id = t.incident_id
    WHERE t.occurred_at IS NOT NULL AND t.event IS NOT NULL
    GROUP BY t.path, t.incident_id
), ms AS (
    SELECT s.path, s.incident_id, s.title, s.severity_level, s.started_at,
           COALESCE(s.detected_at, ev.detected_at) AS detected_at,
           COALESCE(s.acknowledged_at, ev.acknowledged_at) AS acknowledged_at,
           COALESCE(s.mitigated_at, ev.mitigated_at) AS mitigated_at,
           COALESCE(s.resolved_at, ev.resolved_at) AS resolved_at,
           s.detected_at IS NULL AND ev.detected_at IS NOT NULL AS detected_from_timeline,
           s.acknowledged_at IS NULL AND ev.acknowledged_at IS NOT NULL
               AS acknowledged_from_timeline,
           s.mitigated_at IS NULL AND ev.mitigated_at IS NOT NULL AS mitigated_from_timeline,
           s.resolved_at IS NULL AND ev.resolved_at IS NOT NULL AS resolved_from_timeline
    FROM scope AS s
    LEFT JOIN ev ON ev.path = s.path AND ev.incident_id = s.incident_id
), mm AS (
    SELECT *,
           date_diff('second', started_at, detected_at) / 60.0 AS detect_minutes,
           date_diff('second', detected_at, acknowledged_at) / 60.0 AS acknowledge_minutes,
           date_diff('second', started_at, mitigated_at) / 60.0 AS mitigate_minutes,
           date_diff('second', started_at, resolved_at) / 60.0 AS resolve_minutes
    FROM ms
)
"""


def _milestone_params() -> dict[str, str]:
    return {f"re_{name}": pattern for name, pattern in MILESTONE_PATTERNS.items()}


def milestones(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per incident: milestone times (field, else timeline) and the four MTTx measures in minutes.

    detect = detected - started, acknowledge = acknowledged - detected, mitigate = mitigated -
    started, resolve = resolved - started. A negative difference (inconsistent data) is NULL.
    """
    body = """
    SELECT path, incident_id, title, severity_level, started_at, detected_at, acknowledged_at,
           mitigated_at, resolved_at, detected_from_timeline, acknowledged_from_timeline,
           mitigated_from_timeline, resolved_from_timeline,
           CASE WHEN detect_minutes >= 0 THEN detect_minutes END AS detect_minutes,
           CASE WHEN acknowledge_minutes >= 0 THEN acknowledge_minutes END AS acknowledge_minutes,
           CASE WHEN mitigate_minutes >= 0 THEN mitigate_minutes END AS mitigate_minutes,
           CASE WHEN resolve_minutes >= 0 THEN resolve_minutes END AS resolve_minutes
    FROM mm
    ORDER BY path, incident_id
    """
    return _query(con, f, body, _milestone_params(), (_MILESTONE_CTE,))


def mttx(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Time to detect / acknowledge / mitigate / resolve: n, median, p90 minutes per measure, and
    how many of the n used a milestone recognised in the timeline (``n_from_timeline``)."""
    body = """
    , long AS (
        SELECT 1 AS ord, 'detect' AS measure, detect_minutes AS minutes,
               detected_from_timeline AS from_timeline FROM mm
        UNION ALL
        SELECT 2, 'acknowledge', acknowledge_minutes,
               detected_from_timeline OR acknowledged_from_timeline FROM mm
        UNION ALL
        SELECT 3, 'mitigate', mitigate_minutes, mitigated_from_timeline FROM mm
        UNION ALL
        SELECT 4, 'resolve', resolve_minutes, resolved_from_timeline FROM mm
    ), measures AS (
        SELECT * FROM (VALUES (1, 'detect'), (2, 'acknowledge'), (3, 'mitigate'), (4, 'resolve'))
            AS m(ord, measure)
    )
    SELECT m.measure, count(l.minutes) AS n,
           quantile_cont(l.minutes, 0.5) AS median_minutes,
           quantile_cont(l.minutes, 0.9) AS p90_minutes,
           count(l.minutes) FILTER (WHERE l.from_timeline) AS n_from_timeline
    FROM measures AS m
    LEFT JOIN long AS l ON l.ord = m.ord AND l.minutes >= 0
    GROUP BY m.ord, m.measure
    ORDER BY m.ord
    """
    return _query(con, f, body, _milestone_params(), (_MILESTONE_CTE,))


# --- time to draft / review ----------------------------------------------------------------


def time_to_draft(
    con: duckdb.DuckDBPyConnection, f: Filters, target_hours: float = DRAFT_TARGET_HOURS
) -> pd.DataFrame:
    """Per incident with both times, drafted by as_of: hours from resolution to draft.

    Many templates give the draft a date and no time ("Date Prepared: 2026-03-02"), stored at
    midnight. Such a draft on the day of the resolution counts as 0 h: the midnight is not a
    time, and reading it as one would make the draft precede the resolution."""
    body = """
    SELECT path, incident_id, title, severity_level, day, resolved_at, drafted_at,
           drafted_source,
           drafted_at = date_trunc('day', drafted_at) AS drafted_date_only,
           CASE WHEN drafted_date_only AND drafted_at::DATE = resolved_at::DATE THEN 0.0
                ELSE date_diff('second', resolved_at, drafted_at) / 3600.0 END AS hours,
           hours <= $target_hours AS within_target
    FROM scope
    WHERE resolved_at IS NOT NULL AND drafted_at IS NOT NULL AND drafted_at < as_of_end
    ORDER BY day, path, incident_id
    """
    return _query(con, f, body, {"target_hours": float(target_hours)})


def _summary_key(df: pd.DataFrame, by: str) -> str:
    if by == "month":
        df["month"] = pd.to_datetime(df["day"]).dt.to_period("M").dt.start_time
        return "month"
    if by == "severity":
        return "severity_level"
    raise ValueError(f"by must be 'month' or 'severity', got {by!r}")


def time_to_draft_summary(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    by: str = "month",
    target_hours: float = DRAFT_TARGET_HOURS,
) -> pd.DataFrame:
    """median / p90 / n of time-to-draft hours and the share within target, per month of the
    incident or per severity level."""
    df = time_to_draft(con, f, target_hours)
    return _distribution(df, _summary_key(df, by), "hours", "within_target")


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
    """Incidents resolved by as_of that had no postmortem draft at as_of.

    In a corpus made of postmortems, "no draft" means one of: ``drafted after as_of`` (the draft
    exists now but was written after as_of: looking back in time) or ``empty postmortem`` (a file
    in a known template shape whose root cause, executive summary, contributing factors and
    action items are all empty: a stub opened for the incident, nothing written yet). Free-form
    files are never "empty": there, a field the parser did not find is not a field left blank.
    An incident whose draft time is merely unknown is not unwritten either. ``past_target`` says
    the target has already passed.
    """
    body = """
    SELECT s.path, s.incident_id, s.title, s.severity_level, s.resolved_at, s.drafted_at,
           date_diff('day', CAST(s.resolved_at AS DATE), s.as_of) AS days_since_resolved,
           date_diff('second', s.resolved_at, s.as_of_end) / 3600.0 > $target_hours
               AS past_target,
           CASE WHEN s.drafted_at >= s.as_of_end THEN 'drafted after as_of'
                ELSE 'empty postmortem' END AS reason
    FROM scope AS s
    WHERE s.resolved_at IS NOT NULL AND s.resolved_at < s.as_of_end
      AND (s.drafted_at >= s.as_of_end
           OR (s.template LIKE 'seed-%'
               AND NULLIF(trim(s.root_cause), '') IS NULL
               AND NULLIF(trim(s.executive_summary), '') IS NULL
               AND NOT EXISTS (SELECT 1 FROM contributing_factors AS cf
                               WHERE cf.path = s.path AND cf.incident_id = s.incident_id
                                 AND NULLIF(trim(cf.text), '') IS NOT NULL)
               AND NOT EXISTS (SELECT 1 FROM action_items AS a
                               WHERE a.path = s.path AND a.incident_id = s.incident_id
                                 AND NULLIF(trim(a.text), '') IS NOT NULL)))
    ORDER BY s.resolved_at, s.path, s.incident_id
    """
    return _query(con, f, body, {"target_hours": float(target_hours)})


def time_to_review(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    target_business_days: int = REVIEW_TARGET_BUSINESS_DAYS,
) -> pd.DataFrame:
    """Per incident drafted and reviewed by as_of: business days (Mon-Fri) from draft to review."""
    body = """
    SELECT path, incident_id, title, severity_level, day, drafted_at, reviewed_at,
           reviewed_source
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
    ``by`` = 'month' | 'severity')."""
    df = time_to_review(con, f, target_business_days)
    key = _summary_key(df, by) if by is not None else None
    return _distribution(df, key, "business_days", "within_target")


# --- action items --------------------------------------------------------------------------


def overdue_actions(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Actions with due_date < as_of and status not 'done' (unknown counts as not done)."""
    body = """
    SELECT path, incident_id, title, team, action_id, text, owner, due_date, status,
           tracking_ref, line,
           date_diff('day', due_date, as_of) AS age_days,
           CASE WHEN age_days <= 7 THEN '1-7' WHEN age_days <= 30 THEN '8-30'
                WHEN age_days <= 90 THEN '31-90' ELSE '>90' END AS bucket
    FROM acts
    WHERE due_date < as_of AND status <> 'done'
    ORDER BY age_days DESC, path, line NULLS LAST, action_id
    """
    return _query(con, f, body, ctes=(_ACTION_CTE,))


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


def overdue_by_owner(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Overdue actions per owner ('(no owner)' when missing): count, oldest, aging buckets."""
    return _overdue_grouped(overdue_actions(con, f), "owner", "(no owner)")


def overdue_by_team(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Overdue actions per team of the incident ('(no team)' when missing)."""
    return _overdue_grouped(overdue_actions(con, f), "team", "(no team)")


def untracked_actions(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Actions missing an owner, a due date or a tracking reference; ``missing`` names which."""
    body = """
    SELECT path, incident_id, title, action_id, text, owner, due_date, tracking_ref, status, line,
           NULLIF(trim(owner), '') IS NULL AS missing_owner,
           due_date IS NULL AS missing_due_date,
           NULLIF(trim(tracking_ref), '') IS NULL AS missing_tracking_ref,
           concat_ws(', ', CASE WHEN missing_owner THEN 'owner' END,
                           CASE WHEN missing_due_date THEN 'due date' END,
                           CASE WHEN missing_tracking_ref THEN 'tracking reference' END) AS missing
    FROM acts
    WHERE missing_owner OR missing_due_date OR missing_tracking_ref
    ORDER BY path, line NULLS LAST, action_id
    """
    return _query(con, f, body, ctes=(_ACTION_CTE,))


def action_backlog(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Open-action backlog at the end of each month of the window (the last month ends at as_of).

    An action is created on its incident's day. Its closing date is not recorded anywhere, only
    its status at ingest, so: ``still_open`` counts actions created by the month end that are
    still not done at ingest (certainly open at that month end, barring reopening);
    ``done_at_ingest`` counts those done by now (open or closed at that month end: unknown);
    ``overdue`` is the part of ``still_open`` whose due date had passed at the month end. A rising
    ``still_open`` is a growing backlog.
    """
    body = """
    , bounds AS (
        SELECT COALESCE(CAST($as_of AS DATE) - CAST($lookback_days AS INTEGER),
                        (SELECT min(day) FROM scope)) AS lo
    ), months AS (
        SELECT CAST(unnest(generate_series(CAST(date_trunc('month', lo) AS TIMESTAMP),
                                           CAST(date_trunc('month', CAST($as_of AS DATE))
                                                AS TIMESTAMP),
                                           INTERVAL 1 MONTH)) AS DATE) AS month
        FROM bounds
        WHERE lo IS NOT NULL
    ), ends AS (
        SELECT month,
               least(CAST(month + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE),
                     CAST($as_of AS DATE)) AS month_end
        FROM months
    )
    SELECT e.month, e.month_end,
           count(a.day) FILTER (WHERE a.day >= e.month) AS created,
           count(a.day) AS created_to_date,
           count(a.day) FILTER (WHERE a.status <> 'done') AS still_open,
           count(a.day) FILTER (WHERE a.status = 'done') AS done_at_ingest,
           count(a.day) FILTER (WHERE a.status <> 'done' AND a.due_date < e.month_end) AS overdue
    FROM ends AS e
    LEFT JOIN acts AS a ON a.day <= e.month_end
    GROUP BY e.month, e.month_end
    ORDER BY e.month
    """
    return _query(con, f, body, ctes=(_ACTION_CTE,))


def action_completion_by_month(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per month of the incident: actions, those done at ingest, and the completion rate."""
    body = """
    SELECT CAST(date_trunc('month', day) AS DATE) AS month, count(*) AS n_actions,
           count(*) FILTER (WHERE status = 'done') AS n_done,
           n_done / n_actions AS completion_rate
    FROM acts
    GROUP BY ALL
    ORDER BY month
    """
    return _query(con, f, body, ctes=(_ACTION_CTE,))


# --- contributing factors and triggers -----------------------------------------------------


def factor_frequency(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per category: factors in it, incidents with at least one, and that share of incidents."""
    body = """
    SELECT category, count(*) AS n_factors,
           count(DISTINCT (path, incident_id)) AS n_incidents,
           n_incidents / (SELECT count(*) FROM scope) AS share_of_incidents
    FROM factor_cats
    GROUP BY category
    ORDER BY n_factors DESC, category
    """
    return _query(con, f, body, ctes=(_FACTOR_CTE,))


def factor_trend(con: duckdb.DuckDBPyConnection, f: Filters, period: str = "month") -> pd.DataFrame:
    """Incidents (and factors) per period and category."""
    body = """
    SELECT CAST(date_trunc($period, day) AS DATE) AS period_start, category,
           count(DISTINCT (path, incident_id)) AS n_incidents, count(*) AS n_factors
    FROM factor_cats
    GROUP BY ALL
    ORDER BY period_start, n_incidents DESC, category
    """
    return _query(con, f, body, {"period": _check_period(period)}, (_FACTOR_CTE,))


def factor_by_severity(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Incidents (and factors) per severity level and category."""
    body = """
    SELECT severity_level, category,
           count(DISTINCT (path, incident_id)) AS n_incidents, count(*) AS n_factors
    FROM factor_cats
    GROUP BY ALL
    ORDER BY severity_level NULLS LAST, n_incidents DESC, category
    """
    return _query(con, f, body, ctes=(_FACTOR_CTE,))


def factor_cooccurrence(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Pairs of categories (a < b, 'unclassified' left out) found in the same incident."""
    body = """
    , ic AS (
        SELECT DISTINCT path, incident_id, category FROM factor_cats
        WHERE category <> 'unclassified'
    )
    SELECT a.category AS category_a, b.category AS category_b, count(*) AS n_incidents
    FROM ic AS a
    JOIN ic AS b ON a.path = b.path AND a.incident_id = b.incident_id AND a.category < b.category
    GROUP BY ALL
    ORDER BY n_incidents DESC, category_a, category_b
    """
    return _query(con, f, body, ctes=(_FACTOR_CTE,))


def unclassified_factors(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Factor texts no taxonomy rule matched: the list to read when tuning data/taxonomy.toml."""
    body = """
    SELECT path, incident_id, seq, line, title, text
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
