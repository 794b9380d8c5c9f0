"""Seed 002: bold ``**Key**: value`` header lines, "Duration: 14:05 to 16:35 (2h 30m)", SEV0-4,
Preventive / Detection / Process action tables with ACT-n ids."""

from __future__ import annotations

from pmkit.synth.shapes.common import (
    cell,
    date_text,
    duration_text,
    front_matter,
    hm,
    iso_min,
    long_date,
    minutes_between,
    owner_cell,
    timeline_time,
)
from pmkit.synth.truth import IncidentTruth

_TABLES = {
    "preventive": "### Preventive Actions (Prevent Recurrence)",
    "detection": "### Detection Improvements",
    "process": "### Process Improvements",
}
_HEADER = "| ID | Action | Owner | Priority | Due Date | Status |"
_RULE = "|----|--------|-------|----------|----------|--------|"


def duration_line(t: IncidentTruth) -> str:
    """``14:05 to 16:35 (2h 30m)``; full dates when the incident crosses midnight."""
    span = duration_text(t.duration_minutes)
    if t.started_at.date() == t.resolved_at.date():
        return f"{hm(t.started_at)} to {hm(t.resolved_at)} ({span})"
    return f"{iso_min(t.started_at)} to {iso_min(t.resolved_at)} ({span})"


def action_text(text: str, ref: str | None) -> str:
    return f"{text} ({ref})" if ref else text


def render(t: IncidentTruth) -> str:
    day = t.started_at.date()
    out = [
        *front_matter(t.title, t.team, t.drafted_at, t.reviewed_at),
        f"# Incident Post-Mortem: {t.title}",
        "",
        f"**Incident ID**: {t.incident_id}",
        f"**Date**: {long_date(day) if 'odd-dates' in t.messy else day.isoformat()}",
        f"**Duration**: {duration_line(t)}",
        f"**Severity**: {t.severity_label or ''}".rstrip(),
        f"**Incident Commander**: {t.commander}",
        f"**Author**: {t.owner}",
        "**Status**: Final",
        "",
        "## Executive Summary",
        "",
        t.summary,
        "",
        "## Timeline",
        "",
        "| Time (UTC) | Duration | Description | Owner |",
        "|------------|----------|-------------|-------|",
    ]
    for n, ev in enumerate(t.timeline):
        offset = round(minutes_between(t.started_at, ev.at))
        span = "0 min" if n == 0 else f"+{offset} min"
        out.append(f"| {timeline_time(ev.at, day)} | {span} | {cell(ev.text)} | {cell(ev.actor)} |")
    out += [
        "",
        "## Impact Assessment",
        "",
        "### Customer Impact",
        f"- **Affected Services**: {', '.join(t.services)}",
        "- **Affected Customers**: Customers in the affected regions",
        f"- **User-Visible Symptoms**: {t.customer_impact}",
        f"- **Duration of Impact**: {duration_text(t.duration_minutes)}",
        "",
        "### Business Impact",
        "- **Revenue Impact**: Not estimated",
        "- **SLA Impact**: No",
        "- **Compliance Impact**: No",
        "- **Stakeholder Notifications**: Support and account managers",
        "",
        "## Root Cause Analysis",
        "",
        "### The Problem",
        t.root_cause,
        "",
        "### How It Happened",
        f"{t.trigger}. {t.timeline[1].text}.",
        "",
        "### Why It Happened",
        t.factors[0].split(": ", 1)[-1] + ".",
        "",
        "### Contributing Factors",
        *[f"- {f}" for f in t.factors],
        "",
        "### 5 Whys Analysis",
        "1. Why did the incident happen?",
        f"   → {t.trigger}",
        "2. Why did that cause an outage?",
        f"   → {t.factors[0].split(': ', 1)[-1]}",
        "3. Why was it not caught earlier?",
        f"   → {t.went_poorly[0]}",
        "4. Why was there no safeguard?",
        "   → It was never prioritised",
        "5. Why was it never prioritised?",
        f"   → {t.root_cause}",
        "",
        "## What Went Well",
        "",
        *[f"- [ ] {w}: it helped shorten the incident" for w in t.went_well],
        "",
        "## What Could Be Improved",
        "",
        *[f"- [ ] {w}: worth fixing" for w in t.went_poorly],
        "",
        "## Action Items",
    ]
    for kind, heading in _TABLES.items():
        out += ["", heading, _HEADER, _RULE]
        for a in t.actions:
            if a.kind == kind:
                out.append(
                    f"| {a.action_id} | {cell(action_text(a.text, a.tracking_ref))} "
                    f"| {owner_cell(a.owner, t.messy)} | {a.priority} | {date_text(a.due_date)} "
                    f"| {a.status_text} |"
                )
    out += [
        "",
        "## Resolution Summary",
        "",
        "### What Fixed It",
        t.timeline[-2].text,
        "",
        "### Verification Steps",
        "- [x] Error rate: back to baseline",
        "- [x] Synthetic checks: passing",
        "",
        "## Metrics and Graphs",
        "",
        "### Key Metrics During Incident",
        "| Metric | Before | During | After |",
        "|--------|--------|--------|-------|",
        "| Error rate | 0.1% | 9% | 0.1% |",
        "| p99 latency | 180ms | 2400ms | 190ms |",
        "",
        "### Dashboard Snapshots",
        f"- https://grafana.example.com/d/{t.services[0]}",
        "",
        "## Appendix",
        "",
        "### Logs and Traces",
        f"- https://logs.example.com/search?service={t.services[0]}",
        "",
        "### Related Documents",
        f"- Runbook: https://runbooks.example.com/{t.services[0]}",
        "",
        "### Review and Approval",
        "",
        "| Role | Name | Approval |",
        "|------|------|----------|",
        f"| Incident Commander | {t.commander} | Approved |",
        f"| Technical Lead | {t.responders[0]} | Approved |",
        "| Manager | | Pending |",
        "",
        "---",
        "",
        "## Notes",
        "",
        "None.",
        "",
        "---",
        "",
        "**Blameless Post-Mortem Culture Reminder**: This document focuses on systems and processes, "
        "not individuals. The goal is learning and improvement, not blame.",
        "",
    ]
    return "\n".join(out)
