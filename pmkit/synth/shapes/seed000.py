"""Seed 000: bullet metadata, P0-P2, short-/long-term corrective-action tables with tracking links."""

from __future__ import annotations

from pmkit.synth.shapes.common import (
    VAGUE_END,
    cell,
    date_text,
    duration_text,
    front_matter,
    iso_min,
    odd_datetime,
    owner_cell,
    timeline_time,
)
from pmkit.synth.truth import IncidentTruth

_ACTION_HEADINGS = {
    "short_term": "### Short-term (stabilize in days/weeks)",
    "long_term": "### Long-term (prevent recurrence)",
}


def render(t: IncidentTruth) -> str:
    odd = "odd-dates" in t.messy
    dash = "â€“" if "mojibake" in t.messy else "–"
    start = odd_datetime(t.started_at, 0) if odd else iso_min(t.started_at)
    end = odd_datetime(t.resolved_at, 0) if odd else iso_min(t.resolved_at)
    if "vague-end" in t.messy:
        end = VAGUE_END
    day = t.started_at.date()
    out = [
        *front_matter(t.title, t.team, t.drafted_at, t.reviewed_at),
        "# Incident Post-Mortem (Blameless)",
        "",
        "> **Blameless principle:** This document focuses on **what happened and how we improve**, "
        "not on who made mistakes.",
        "> Assume people acted with the best intent and the information they had at the time.",
        "",
        "## Metadata",
        "",
        f"- **Incident title:** {t.title}",
        f"- **Date:** {day.isoformat()}",
        f"- **Severity:** {t.severity_label or ''}".rstrip(),
        f"- **Incident owner (PM):** {t.owner}",
        f"- **Primary responder:** {t.commander}",
        f"- **Contributors:** {', '.join(t.responders)}",
        f"- **Status:** {'Reviewed' if t.reviewed_at else 'Draft'}",
        f"- **Start time (UTC):** {start}",
        f"- **End time (UTC):** {end}",
        f"- **Duration:** {duration_text(t.duration_minutes)}",
        "",
        "### Severity definitions (for this post-mortem)",
        "",
        "- **P0:** Customer-impacting outage, security incident, or data loss risk.",
        "- **P1:** Degraded service with customer impact but not a full outage.",
        "- **P2:** Internal-only or limited-impact incident with minimal customer impact.",
        "",
        f"## Executive Summary (3{dash}5 sentences)",
        "",
        f"- **What happened:** {t.summary}",
        f"- **Customer impact:** {t.customer_impact}.",
        f"- **Resolution:** {t.timeline[-2].text}.",
        f"- **Key follow-ups:** {t.actions[0].text}.",
        "",
        "## Impact",
        "",
        f"- **Customer impact summary:** {t.customer_impact}.",
        f"- **Systems/services affected:** {', '.join(t.services)}",
        "- **Scope:** One region",
        f"- **User-visible symptoms:** {t.customer_impact}.",
        "- **Data/security impact:** None",
        "",
        "## Timeline (UTC)",
        "",
        "| Time | Event | Notes |",
        "| --- | --- | --- |",
    ]
    for ev in t.timeline:
        out.append(f"| {timeline_time(ev.at, day)} | {cell(ev.text)} | {cell(ev.actor or '')} |")
    out += [
        "",
        "## Root Cause",
        "",
        f"- **Primary root cause:** {t.root_cause}",
        "- **Contributing factors:**",
        *[f"  - {f}" for f in t.factors],
        "",
        "## Detection & Response",
        "",
        f"- **How was it detected?** {t.detection_method}",
        f"- **What went well?** {t.went_well[0]}",
        f"- **What could be improved?** {t.went_poorly[0]}",
        "",
        "## Customer Communication (if applicable)",
        "",
        "- **Was a customer communication required?** Yes",
        "- **Summary of communication:** Status page updated during the incident.",
        "- **Status page or support ticket links:** https://status.example.com",
        "",
        "## Corrective Actions (Required)",
        "",
        "> **Rule:** This post-mortem is **not complete** until **all actions are tracked** "
        "(ticket created, owner assigned, due date set).",
    ]
    for kind, heading in _ACTION_HEADINGS.items():
        out += [
            "",
            heading,
            "",
            "| Action | Owner | Due Date | Tracking Link |",
            "| --- | --- | --- | --- |",
        ]
        for a in t.actions:
            if a.kind == kind:
                out.append(
                    f"| {cell(a.text)} | {owner_cell(a.owner, t.messy)} | {date_text(a.due_date)} "
                    f"| {cell(a.tracking_ref)} |"
                )
    out += [
        "",
        "## Lessons Learned",
        "",
        f"- **What should we keep doing?** {t.went_well[1]}",
        f"- **What should we stop doing?** {t.went_poorly[1]}",
        "- **What should we start doing?** Review alerts for this service quarterly",
        "",
        "## Appendix (Optional)",
        "",
        "- **Logs/metrics/screenshots:** https://grafana.example.com/d/incident",
        "- **Related incidents:** None",
        f"- **Runbooks referenced:** https://runbooks.example.com/{t.services[0]}",
        "",
    ]
    return "\n".join(out)
