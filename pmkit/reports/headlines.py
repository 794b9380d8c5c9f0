"""The headline numbers of each report, each with its ``n``.

Each report leads with its own headlines and the summary report shows all four sets, so they are
computed here once (from ``pmkit.metrics``) rather than copied between notebooks.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pmkit import metrics
from pmkit.present import Stat, fmt_hours, fmt_pct

REPORT_PAGES: dict[str, str] = {
    "severity_trends": "severity_trends.html",
    "time_to_draft": "time_to_draft.html",
    "contributing_factors": "contributing_factors.html",
    "overdue_actions": "overdue_actions.html",
}
"""Report name -> its HTML page in the same run folder (the summary links to them)."""


def incident_count(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> int:
    """Incidents in the window (the ``n`` most statistics rest on)."""
    return int(metrics.severity_share(con, f)["n"].iloc[0])


def resolved_count(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> int:
    """Incidents with a resolution time (their own field) by the end of the as-of day: the base
    ``metrics.unwritten`` picks from."""
    ms = metrics.milestones(con, f)
    end = pd.Timestamp(f.as_of) + pd.Timedelta(days=1)
    own = ms["resolved_at"].notna() & ~ms["resolved_from_timeline"].fillna(False).astype(bool)
    return int((own & (pd.to_datetime(ms["resolved_at"]) < end)).sum())


def _first(df: pd.DataFrame, column: str) -> float | None:
    if df.empty or pd.isna(df[column].iloc[0]):
        return None
    return float(df[column].iloc[0])


def severity(con: duckdb.DuckDBPyConnection, f: metrics.Filters, link: bool = False) -> list[Stat]:
    """Incidents, share at level 0-1, median duration, most involved service."""
    share = metrics.severity_share(con, f)
    n, n_known = int(share["n"].iloc[0]), int(share["n_known"].iloc[0])
    # The overall median needs every incident's time, not a median of per-level medians.
    ms = metrics.milestones(con, f)
    overall = ms["resolve_minutes"].dropna()
    services = metrics.top_services(con, f, limit=1)
    href = REPORT_PAGES["severity_trends"] if link else None
    return [
        Stat("Incidents in window", f"{n:,}", n, href=href),
        Stat(
            "Severe (L0-L1) share",
            fmt_pct(_first(share, "share_level_le_1")),
            n_known,
            note="of incidents with a known severity",
        ),
        Stat(
            "Median time to resolve",
            fmt_hours(float(overall.median()) / 60.0 if len(overall) else None),
            int(len(overall)),
            note="from start to resolution",
        ),
        Stat(
            "Most involved service",
            str(services["service"].iloc[0]) if not services.empty else "–",
            int(services["n_incidents"].iloc[0]) if not services.empty else 0,
            note="incidents listing it",
        ),
    ]


def drafting(
    con: duckdb.DuckDBPyConnection,
    f: metrics.Filters,
    target_hours: float = metrics.DRAFT_TARGET_HOURS,
    link: bool = False,
) -> list[Stat]:
    """Median and p90 time to draft, share within target, postmortems not written."""
    per = metrics.time_to_draft(con, f, target_hours)
    hours = per["hours"].dropna()
    unwritten = metrics.unwritten(con, f, target_hours)
    review = metrics.time_to_review_summary(con, f)
    resolved = resolved_count(con, f)
    href = REPORT_PAGES["time_to_draft"] if link else None
    return [
        Stat(
            "Median time to draft",
            fmt_hours(float(hours.median()) if len(hours) else None),
            int(len(hours)),
            href=href,
        ),
        Stat(
            "p90 time to draft",
            fmt_hours(float(hours.quantile(0.9)) if len(hours) else None),
            int(len(hours)),
        ),
        Stat(
            f"Drafted within {target_hours:g} h",
            fmt_pct(float(per["within_target"].mean()) if len(per) else None),
            int(len(per)),
        ),
        Stat(
            "Median business days to review",
            "–"
            if pd.isna(review["median_business_days"].iloc[0])
            else f"{review['median_business_days'].iloc[0]:.0f}",
            int(review["n"].iloc[0]),
        ),
        Stat(
            "No postmortem yet",
            f"{len(unwritten):,}",
            resolved,
            note="of the incidents resolved by as-of (n)",
        ),
    ]


def factors(con: duckdb.DuckDBPyConnection, f: metrics.Filters, link: bool = False) -> list[Stat]:
    """Most frequent category, share of incidents citing it, unclassified factors."""
    freq = metrics.factor_frequency(con, f)
    classified = freq[freq["category"] != "unclassified"]
    unclassified = metrics.unclassified_factors(con, f)
    n_factors = int(freq["n_factors"].sum()) if not freq.empty else 0
    triggers = metrics.trigger_frequency(con, f)
    known_triggers = triggers[triggers["trigger_category"] != "unknown"]
    href = REPORT_PAGES["contributing_factors"] if link else None
    top = classified.iloc[0] if not classified.empty else None
    return [
        Stat(
            "Most cited factor category",
            str(top["category"]) if top is not None else "–",
            int(top["n_incidents"]) if top is not None else 0,
            note=(
                f"{fmt_pct(float(top['share_of_incidents']))} of incidents"
                if top is not None
                else ""
            ),
            href=href,
        ),
        Stat(
            "Factors listed",
            f"{n_factors:,}",
            incident_count(con, f),
            note="in the incidents of the window (n)",
        ),
        Stat(
            "Unclassified factors",
            f"{len(unclassified):,}",
            n_factors,
            note="tune data/taxonomy.toml to place them",
        ),
        Stat(
            "Most common trigger",
            str(known_triggers["trigger_category"].iloc[0]) if not known_triggers.empty else "–",
            int(known_triggers["n_incidents"].iloc[0]) if not known_triggers.empty else 0,
        ),
    ]


def actions(con: duckdb.DuckDBPyConnection, f: metrics.Filters, link: bool = False) -> list[Stat]:
    """Overdue actions, oldest overdue, untracked actions, owners with overdue work."""
    overdue = metrics.overdue_actions(con, f)
    completion = metrics.action_completion_by_month(con, f)
    n_actions = int(completion["n_actions"].sum()) if not completion.empty else 0
    untracked = metrics.untracked_actions(con, f)
    owners = metrics.overdue_by_owner(con, f)
    href = REPORT_PAGES["overdue_actions"] if link else None
    return [
        Stat(
            "Overdue actions",
            f"{len(overdue):,}",
            n_actions,
            note="of the actions in the window (n)",
            href=href,
        ),
        Stat(
            "Oldest overdue",
            f"{int(overdue['age_days'].max()):,} days" if not overdue.empty else "–",
            int(len(overdue)),
        ),
        Stat(
            "Untracked actions",
            f"{len(untracked):,}",
            n_actions,
            note="missing owner, due date or tracking reference",
        ),
        Stat("Owners with overdue actions", f"{len(owners):,}", int(len(overdue))),
    ]
