"""The headline numbers of each report, each with its ``n`` and its coverage.

Each report leads with its own headlines and the summary report shows all four sets, so they are
computed here once (from ``pmkit.metrics``) rather than copied between notebooks. The rules:

- ``n`` is the number of things a tile is made of (the drafts a median is of, the open actions
  an overdue count is drawn from), and the coverage says how many of the things in scope have
  the value it needs ("drafted time known for 4 of 57 incidents").
- When most of them lack it, the tile states no value ("–") and says what little is known.
- Below ``min_n`` a share is shown as a count ("2 of 2"), never as a percentage, and no p90.
- The action tiles are the backlog at as-of, whatever the window.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pmkit import metrics
from pmkit.config import DRAFT_TARGET_HOURS, REVIEW_TARGET_BUSINESS_DAYS
from pmkit.present.page import (
    MISSING,
    Stat,
    coverage_text,
    fmt_hours,
    mostly_missing,
    share_text,
    sources_text,
)

REPORT_PAGES: dict[str, str] = {
    "severity_trends": "severity_trends.html",
    "time_to_draft": "time_to_draft.html",
    "contributing_factors": "contributing_factors.html",
    "overdue_actions": "overdue_actions.html",
}
"""Report name -> its HTML page in the same run folder (the summary links to them)."""
MIN_N = 10
"""Default ``[reports] min_n``: below it, counts instead of percentages."""


def incident_count(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> int:
    """Incidents in the window (the ``n`` most statistics rest on)."""
    return int(metrics.severity_share(con, f)["n"].iloc[0])


def resolved_count(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> int:
    """Incidents up to as-of, whatever the window, with a resolution time before the end of the
    as-of day: the ones ``metrics.unwritten`` picks from."""
    everything = metrics.Filters(
        f.as_of, None, f.severity_levels, f.services, f.teams, f.templates, f.people
    )
    ms = metrics.milestones(con, everything)
    end = pd.Timestamp(f.as_of) + pd.Timedelta(days=1)
    return int((ms["resolved_at"].notna() & (pd.to_datetime(ms["resolved_at"]) < end)).sum())


def _covered(
    label: str,
    value: str,
    n: int,
    known: int,
    total: int,
    what: str,
    of: str = "incidents",
    note: str = "",
    href: str | None = None,
    thin_note: str = "",
) -> Stat:
    """A tile whose value needs ``what``: no value when most of the ``total`` lack it."""
    thin = mostly_missing(known, total)
    if thin:
        value, note = MISSING, thin_note or note
    return Stat(
        label,
        value,
        n,
        note=note,
        href=href,
        coverage=coverage_text(known, total, what, of),
        thin=thin,
    )


def _first(frame: pd.DataFrame, column: str) -> tuple[str, int]:
    """The first row's ``column`` and its ``n_incidents``; (missing, 0) for no row."""
    if frame.empty:
        return MISSING, 0
    return str(frame[column].iloc[0]), int(frame["n_incidents"].iloc[0])


def _part(k: int, n: int, min_n: int) -> str:
    """``40%`` of n, or ``2`` of n below ``min_n`` (the sentence names n)."""
    return share_text(k, n, min_n) if n >= min_n else f"{k:,}"


def severity(
    con: duckdb.DuckDBPyConnection,
    f: metrics.Filters,
    link: bool = False,
    min_n: int = MIN_N,
) -> list[Stat]:
    """Incidents, share at level 0-1, median time to resolve, most involved service."""
    cov = metrics.coverage(con, f).iloc[0]
    total = int(cov["n_incidents"])
    share = metrics.severity_share(con, f).iloc[0]
    known, severe = int(share["n_known"]), int(share["n_level_le_1"])
    measures = metrics.mttx(con, f)
    resolve = measures[measures["measure"] == "resolve"].iloc[0]
    n_resolve = int(resolve["n"])
    median = float(resolve["median_minutes"]) / 60.0 if n_resolve else None
    services = metrics.top_services(con, f, limit=1)
    undated = int(cov["n_undated"])
    href = REPORT_PAGES["severity_trends"] if link else None
    return [
        Stat(
            "Incidents in window",
            f"{total:,}",
            total,
            href=href,
            note=(
                f"{undated:,} postmortem{'s' if undated != 1 else ''} with no date at all "
                f"{'are' if undated != 1 else 'is'} left out"
                if undated
                else ""
            ),
        ),
        _covered(
            "Severe (L0-L1) share",
            share_text(severe, known, min_n),
            known,
            known,
            total,
            "severity",
            note="of incidents with a known severity"
            + (f" (fewer than {min_n}: a count, not a share)" if 0 < known < min_n else ""),
            thin_note=f"{severe:,} of the {known:,} with a severity are L0-L1",
        ),
        _covered(
            "Median time to resolve",
            fmt_hours(median),
            n_resolve,
            n_resolve,
            total,
            "start and resolution",
            note="; ".join(filter(None, ("from start to resolution", sources_text(resolve)))),
            thin_note=f"median of the {n_resolve:,} known: {fmt_hours(median)}"
            if n_resolve
            else "",
        ),
        _covered(
            "Most involved service",
            *_first(services, "service"),
            int(cov["n_services"]),
            total,
            "services",
            note="incidents listing it (n)",
        ),
    ]


def drafting(
    con: duckdb.DuckDBPyConnection,
    f: metrics.Filters,
    target_hours: float = DRAFT_TARGET_HOURS,
    link: bool = False,
    min_n: int = MIN_N,
    review_days: int = REVIEW_TARGET_BUSINESS_DAYS,
) -> list[Stat]:
    """Median and p90 time to draft, share within target, review, postmortems owed."""
    cov = metrics.coverage(con, f).iloc[0]
    total = int(cov["n_incidents"])
    per = metrics.time_to_draft(con, f, target_hours)
    hours = per["hours"].dropna()
    n = int(len(hours))
    summary = metrics.time_to_draft_summary(con, f, by="severity", target_hours=target_hours)
    sources = sources_text(summary[[c for c in summary.columns if c.startswith("n_")]].sum())
    review = metrics.time_to_review_summary(con, f, target_business_days=review_days).iloc[0]
    n_review = int(review["n"])
    drafted = int(cov["n_drafted"])
    unwritten = metrics.unwritten(con, f, target_hours)
    waiting = metrics.waiting_for_review(con, f, review_days)
    recorded = waiting[waiting["review_recorded"].astype(bool)]
    href = REPORT_PAGES["time_to_draft"] if link else None
    median = fmt_hours(float(hours.median()) if n else None)
    within = int(per["within_target"].astype(bool).sum())
    left_out = len(waiting) - len(recorded)
    return [
        _covered(
            "Median time to draft",
            median,
            n,
            n,
            total,
            "resolution and draft time",
            note=sources,
            href=href,
            thin_note=f"median of the {n:,} known: {median}" if n else "",
        ),
        _covered(
            "p90 time to draft",
            fmt_hours(float(hours.quantile(0.9))) if n >= min_n else MISSING,
            n,
            n,
            total,
            "resolution and draft time",
            note="" if n >= min_n else f"fewer than {min_n} drafts: no p90",
        ),
        _covered(
            f"Drafted within {target_hours:g} h",
            share_text(within, n, min_n),
            n,
            n,
            total,
            "resolution and draft time",
            thin_note=f"{within:,} of the {n:,} known" if n else "",
        ),
        _covered(
            "Median business days to review",
            MISSING
            if pd.isna(review["median_business_days"])
            else f"{review['median_business_days']:.0f}",
            n_review,
            n_review,
            drafted,
            "review date",
            of="drafted postmortems",
            note=sources_text(review),
        ),
        _covered(
            "No postmortem yet",
            f"{len(unwritten):,}",
            resolved_count(con, f),
            int(cov["n_base_resolved_drafted"]),
            int(cov["n_base_resolved"]),
            "draft date",
            of="incidents resolved by as-of",
            note="of the incidents resolved by as-of, whatever the window (n)",
            thin_note=f"{len(unwritten):,} known (empty stubs or drafted after as-of); "
            "without draft dates the rest cannot be told",
        ),
        _covered(
            "Waiting for review",
            f"{len(recorded):,}",
            int(len(recorded)),
            int(cov["n_base_drafted"]),
            int(cov["n_base"]),
            "draft date",
            of="incidents up to as-of",
            note=f"{int(recorded['past_target'].sum()):,} past {review_days} business days"
            + (f"; {left_out:,} more in templates that never record a review" if left_out else ""),
            thin_note=f"{len(recorded):,} known; without draft dates the rest cannot be told",
        ),
    ]


def factors(
    con: duckdb.DuckDBPyConnection,
    f: metrics.Filters,
    link: bool = False,
    min_n: int = MIN_N,
) -> list[Stat]:
    """Most cited category, factors listed (each once), unclassified factors, top trigger."""
    cov = metrics.coverage(con, f).iloc[0]
    total, listing = int(cov["n_incidents"]), int(cov["n_with_factors"])
    freq = metrics.factor_frequency(con, f)
    classified = freq[(freq["category"] != "unclassified") & (freq["n_factors"] > 0)]
    n_factors = int(freq["n_factors"].sum()) if not freq.empty else 0
    unclassified = metrics.unclassified_factors(con, f)
    triggers = metrics.trigger_frequency(con, f)
    known_triggers = triggers[triggers["trigger_category"] != "unknown"]
    href = REPORT_PAGES["contributing_factors"] if link else None
    top = classified.sort_values(["n_incidents", "n_factors"], ascending=False).head(1)
    top_name, top_n = _first(top, "category")
    return [
        _covered(
            "Most cited factor category",
            top_name,
            top_n,
            listing,
            total,
            "contributing factors",
            note=f"{_part(top_n, listing, min_n)} of the {listing:,} incidents that list factors"
            if not top.empty
            else "",
            href=href,
            thin_note=f"{top_name}: {top_n:,} of the {listing:,} incidents that list factors"
            if not top.empty
            else "",
        ),
        Stat(
            "Factors listed",
            f"{n_factors:,}",
            listing,
            note="each counted once; n = incidents listing them",
            coverage=coverage_text(listing, total, "contributing factors"),
            thin=mostly_missing(listing, total),
        ),
        Stat(
            "Unclassified factors",
            f"{len(unclassified):,}",
            n_factors,
            note="to place them, add rules to your taxonomy file (taxonomy_path in pmkit.toml)",
        ),
        _covered(
            "Most common trigger",
            *_first(known_triggers, "trigger_category"),
            int(known_triggers["n_incidents"].sum()),
            total,
            "trigger",
            note="incidents with it (n)",
        ),
    ]


def actions(
    con: duckdb.DuckDBPyConnection,
    f: metrics.Filters,
    link: bool = False,
    min_n: int = MIN_N,
) -> list[Stat]:
    """The backlog at as-of: open, overdue, oldest overdue, untracked, owners with overdue."""
    s = metrics.action_summary(con, f).iloc[0]
    n_actions, n_open = int(s["n_actions"]), int(s["n_open"])
    with_due, n_overdue = int(s["n_open_with_due"]), int(s["n_overdue"])
    overdue = metrics.overdue_actions(con, f)
    owners = overdue["owner"].dropna().nunique() if not overdue.empty else 0
    no_owner = int(overdue["owner"].isna().sum()) if not overdue.empty else 0
    unknown = int(s["n_open_unknown"])
    href = REPORT_PAGES["overdue_actions"] if link else None
    return [
        Stat(
            "Open actions",
            f"{n_open:,}",
            n_actions,
            note=f"of every action up to as-of (n); {unknown:,} of them have no status written"
            if unknown
            else "of every action up to as-of (n)",
            href=href,
        ),
        _covered(
            "Overdue actions",
            f"{n_overdue:,}",
            with_due,
            with_due,
            n_open,
            "due date",
            of="open actions",
            note=f"n = open actions with a due date; {int(s['n_overdue_unknown']):,} with no status"
            if int(s["n_overdue_unknown"])
            else "n = open actions with a due date",
            thin_note=f"{n_overdue:,} of the {with_due:,} with a due date are past it"
            if with_due
            else "no open action has a due date: overdue cannot be told",
        ),
        _covered(
            "Oldest overdue",
            f"{int(overdue['age_days'].max()):,} days" if not overdue.empty else MISSING,
            n_overdue,
            with_due,
            n_open,
            "due date",
            of="open actions",
        ),
        Stat(
            "Untracked open actions",
            f"{int(s['n_untracked_open']):,}",
            n_open,
            note="missing owner, due date or tracking reference",
        ),
        _covered(
            "Owners with overdue actions",
            f"{owners:,}",
            n_overdue,
            with_due,
            n_open,
            "due date",
            of="open actions",
            note=(
                "people, as [people] merges their names"
                if f.people.aliases
                else "names as written: no [people] table merges them"
            )
            + (f"; {no_owner:,} overdue with no owner" if no_owner else ""),
        ),
    ]
