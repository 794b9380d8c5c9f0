"""The "Postmortems owed" section of the time-to-draft and summary reports (issue 17).

Builds the section's tiles, lists and chart from ``pmkit.metrics.owed`` so the notebooks stay one call
per block. New module beside ``headlines.py`` (carried over into ``pmkit/present/`` with it);
every value from a register is escaped by ``pmkit.present``.
"""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd

from pmkit.metrics import owed
from pmkit.present import charts
from pmkit.present import page as p
from pmkit.present.figures import plot
from pmkit.present.headlines import REPORT_PAGES
from pmkit.present.page import MISSING, Html, Stat, fmt_hours
from pmkit.present.report import Report

NO_REGISTER = (
    "No incident register was ingested, so postmortems never started cannot be seen: pmkit "
    "only knows incidents that have a file. Export your paging or incident tool's incidents "
    "(PagerDuty, Opsgenie, incident.io, Jira or any CSV/JSON) and add them with "
    "`pmkit ingest --register FILE` or [register] in pmkit.toml."
)
POLICY_TEXT = (
    "The policy ([policy] in pmkit.toml; seeds/003 by default): P0 always; P1 when customer "
    "impact is non-trivial or it lasts longer than 15 minutes; P2 when flagged as a systemic "
    "gap, security concern or repeatable failure (a tag or label of the export)."
)


def _frames(report: Report) -> tuple[pd.Series, pd.DataFrame]:
    policy = owed.policy_for(report.config)
    target = report.draft_target_hours
    cov = owed.register_coverage(report.con, report.filters, policy, target)
    owing = owed.owed(report.con, report.filters, policy, target)
    return cov, owing


def tiles(report: Report, link: bool = False) -> list[Stat]:
    """Owed, past target, oldest overdue, cannot judge, ambiguous: the state at as-of."""
    if not owed.has_register(report.con):
        return []
    cov, owing = _frames(report)
    href = REPORT_PAGES["time_to_draft"] if link else None
    late = owing[owing["past_target"]] if len(owing) else owing
    target = report.draft_target_hours
    required = int(cov["n_required"])
    return [
        Stat(
            "Postmortems owed",
            f"{len(owing):,}",
            required,
            note=f"n = register incidents the policy requires; {int(cov['n_sources'])} export(s)",
            href=href,
        ),
        Stat(
            f"Owed past {target:g} h",
            f"{len(late):,}",
            len(owing),
            note="n = postmortems owed",
        ),
        Stat(
            "Oldest owed",
            f"{int(late['days_overdue'].max()):,} days late" if len(late) else MISSING,
            len(late),
            note="past the draft target",
        ),
        Stat(
            "Policy cannot tell",
            f"{int(cov['n_cannot_tell']):,}",
            int(cov["n"]),
            note="the export lacks the severity, duration, impact or tags the rule needs",
        ),
        Stat(
            "Ambiguous matches",
            f"{int(cov['n_ambiguous']):,}",
            int(cov["n"]),
            note="fit several postmortems: listed, never guessed",
        ),
    ]


def summary_block(report: Report) -> tuple[Html, Html]:
    """The summary report's block: a heading and the tiles (linking to the time-to-draft
    report), or the note that no register was ingested."""
    heading = Html("<h3>Postmortems owed (incident register)</h3>")
    if not owed.has_register(report.con):
        return heading, p.note(NO_REGISTER)
    return heading, p.stats(tiles(report, link=True))


def owed_lists(report: Report) -> tuple[Any, ...]:
    """The coverage line, every postmortem owed, the ambiguous matches and a caption."""
    if not owed.has_register(report.con):
        return (p.note(NO_REGISTER),)
    cov, owing = _frames(report)
    shown = report.with_links(owing)
    target = report.draft_target_hours
    amb = report.with_links(
        owed.ambiguous(report.con, report.filters, owed.policy_for(report.config))
    )
    counts = (
        f"{int(cov['n']):,} register incidents up to as-of from {int(cov['n_sources'])} "
        f"export(s): {int(cov['n_required']):,} require a postmortem, "
        f"{int(cov['n_not_required']):,} do not, the policy cannot tell for "
        f"{int(cov['n_cannot_tell']):,}; {int(cov['n_matched']):,} matched to a postmortem, "
        f"{int(cov['n_ambiguous']):,} ambiguous, {int(cov['n_unmatched']):,} without one."
    )
    return (
        Html(f'<p class="pmkit-coverage">{escape(counts)}</p>'),
        p.listing(
            shown.assign(due=shown["due_at"]),
            {
                "key": "Incident",
                "title": "Title",
                "severity_label": "Severity",
                "resolved_at": "Resolved (UTC)",
                "due": "Draft due (UTC)",
                "days_overdue": "Days overdue",
                "owner": "Owner",
                "team": "Team",
                "file": "Register",
                "policy_reason": "Required because",
                "why": "Postmortem",
            },
            what=f"postmortems owed ({int(shown['past_target'].sum()) if len(shown) else 0} "
            f"past the {target:g} h target)",
            empty="No register incident that the policy requires lacks its postmortem.",
            links={"key": "url"},
        ),
        p.caption(POLICY_TEXT),
        Html('<h3 class="pmkit-subhead">Ambiguous matches</h3>'),
        p.listing(
            amb,
            {
                "key": "Incident",
                "title": "Title",
                "file": "Register",
                "incident_id": "Postmortem",
                "reason": "Why it fits",
            },
            what="candidate postmortems of incidents that fit more than one",
            empty="Every register incident matched one postmortem or none.",
            links={"incident_id": "file_url"},
        ),
    )


def register_drafts(report: Report) -> tuple[Any, ...]:
    """Time to draft measured from the register's resolution times (window), as a chart."""
    if not owed.has_register(report.con):
        return ()
    policy = owed.policy_for(report.config)
    target = report.draft_target_hours
    per = owed.register_time_to_draft(report.con, report.filters, target, policy)
    status = owed.register_status(report.con, report.filters, policy)
    start = report.filters.window_start
    day = status["started_at"].fillna(status["resolved_at"])
    in_window = status[day >= pd.Timestamp(start)] if start is not None else status
    matched = int((in_window["match"] == "matched").sum())
    n = len(per)
    median = fmt_hours(float(per["hours"].median()) if n else None)
    within = int(per["within_target"].sum()) if n else 0
    return (
        plot(
            charts.draft_hours_histogram,
            per[["hours", "within_target"]],
            target,
            caption="Time to draft measured from the register's resolution time (the tool's "
            "clock) to the matched postmortem's draft: bars right of the dashed line are late.",
            n=n,
            coverage=(n, matched, "draft date", "register incidents matched to a postmortem"),
        ),
        p.caption(
            f"Median {median}; {p.share_text(within, n, report.min_n)} within {target:g} h "
            f"(n = {n:,} register incidents of the window with a matched, drafted postmortem)."
            if n
            else ""
        ),
    )
