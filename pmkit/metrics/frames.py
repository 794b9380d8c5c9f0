"""How the metrics shape their results: distributions (median, p90, n and where the values came
from), the complete period grid, owners as people, groupings.

Durations are distributions, never a bare mean, and say where their values came from
(``n_field``, ``n_timeline``, ``n_prose``, ``n_git``). Trends are on the complete period grid of
``pmkit.periods`` (zero where nothing happened, partial periods marked).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from pmkit.metrics.scope import Filters
from pmkit.periods import check_period

SOURCES: tuple[str, ...] = ("field", "git", "timeline", "prose")
"""Where a time was read, most direct first. A duration takes the least direct of its two ends'
sources; ``n_<source>`` columns count the values of each."""
NO_OWNER = "(no owner)"
NO_TEAM = "(no team)"
NO_SERVICE = "(no service)"


def distribution(
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


def as_people(df: pd.DataFrame, f: Filters, team: str | None = "team") -> pd.DataFrame:
    """``owner`` as the person it names (``owner_written`` keeps what was written) and
    ``owner_team``: the person's team from ``[people]``, else the incident's ``team``."""
    out = df.copy()
    written = out["owner"].astype(object).where(out["owner"].notna(), None)
    out["owner_written"] = written
    # each distinct name looked up once: a backlog writes the same few hundred owners on
    # thousands of rows, and each lookup normalizes the name and rebuilds the alias table
    names = written.tolist()
    persons = {v: f.people.person(v) for v in dict.fromkeys(names)}
    owners = [persons[v] for v in names]
    out["owner"] = owners
    team_of = {v: f.people.team(v) for v in persons.values()}  # None: no owner, no team
    teams = [team_of[v] for v in owners]
    if team is not None and team in out.columns:
        fallback = out[team].astype(object).where(out[team].notna(), None)
        teams = [t if t is not None else d for t, d in zip(teams, fallback, strict=True)]
    out["owner_team"] = teams
    return out


def on_grid(
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


def truncate(days: pd.Series, period: str) -> pd.Series:
    """Period start of each day (as pmkit.periods / DuckDB date_trunc count them)."""
    check_period(period)
    when = pd.to_datetime(days).astype("datetime64[us]")
    if period == "week":
        start = when.dt.normalize() - pd.to_timedelta(when.dt.weekday, unit="D")
    else:
        start = when.dt.to_period("M" if period == "month" else "Q").dt.start_time
    return start.astype("datetime64[us]")


def summary_key(df: pd.DataFrame, by: str, period: str | None = None) -> tuple[pd.DataFrame, str]:
    """``df`` with the column to group it by for ``by`` (month, period, severity, team,
    service; an incident listing two services is in both groups), and that column's name."""
    if by in ("month", "period"):
        df = df.copy()
        df["period_start"] = truncate(df["day"], "month" if by == "month" else period or "")
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
        df = df.copy()
        df["service"] = [services_of(v) for v in df["services"]]
        df = df.explode("service")
        return df, "service"
    raise ValueError(f"by must be 'month', 'period', 'severity', 'team' or 'service', got {by!r}")


def services_of(value: Any) -> list[str]:
    """The services of one row (``(no service)`` when it lists none)."""
    if value is None or (not isinstance(value, list | tuple | np.ndarray) and pd.isna(value)):
        return [NO_SERVICE]
    names = [str(v) for v in list(value) if v is not None and str(v).strip()]
    return names or [NO_SERVICE]
