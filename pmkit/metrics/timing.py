"""MTTx: time to detect, acknowledge, mitigate and resolve, from the milestones the parser read
(from a field, the timeline or the prose), per incident, overall and per period.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pmkit.metrics.frames import (
    SOURCES,
    distribution,
    on_grid,
    truncate,
)
from pmkit.metrics.scope import (
    Filters,
    periods,
    scope_query,
)
from pmkit.periods import check_period

_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("detect", "started", "detected"),
    ("acknowledge", "detected", "acknowledged"),
    ("mitigate", "started", "mitigated"),
    ("resolve", "started", "resolved"),
)
"""measure, from milestone, to milestone."""

# The milestones and the four measures as ``incident_facts`` holds them (a negative difference,
# inconsistent data, is NULL there), with whether each milestone was read from the timeline.
_MILESTONE_CTE = """
, mm AS (
    SELECT s.path, s.incident_id, s.title, s.severity_level, s.day, s.started_at,
           s.detected_at, s.acknowledged_at, s.mitigated_at, s.resolved_at,
           COALESCE(s.detected_source = 'timeline', FALSE) AS detected_from_timeline,
           COALESCE(s.acknowledged_source = 'timeline', FALSE) AS acknowledged_from_timeline,
           COALESCE(s.mitigated_source = 'timeline', FALSE) AS mitigated_from_timeline,
           COALESCE(s.resolved_source = 'timeline', FALSE) AS resolved_from_timeline,
           s.started_source, s.detected_source, s.acknowledged_source, s.mitigated_source,
           s.resolved_source, s.detect_minutes, s.detect_source, s.acknowledge_minutes,
           s.acknowledge_source, s.mitigate_minutes, s.mitigate_source, s.resolve_minutes,
           s.resolve_source
    FROM scope AS s
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
           resolved_source, detect_minutes, detect_source, acknowledge_minutes,
           acknowledge_source, mitigate_minutes, mitigate_source, resolve_minutes,
           resolve_source
    FROM mm
    ORDER BY path, incident_id
    """
    return scope_query(con, f, body, ctes=(_MILESTONE_CTE,))


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
        dist = distribution(part, None, "minutes").iloc[0].to_dict()
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
    check_period(period)
    long = _mttx_long(milestones(con, f))
    grid = periods(con, f, period)
    frames = []
    for measure, _, _ in _MEASURES:
        part = long[(long["measure"] == measure) & long["minutes"].notna()].copy()
        part["period_start"] = truncate(part["day"], period)
        dist = distribution(part, "period_start", "minutes")
        gridded = on_grid(grid, dist, {"n": 0, **{f"n_{s}": 0 for s in SOURCES}})
        frames.append(gridded.assign(measure=measure))
    columns = ["period_start", "period_label", "partial", "measure", "n"]
    columns += ["median_minutes", "p90_minutes", *(f"n_{s}" for s in SOURCES)]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    return out[columns]
