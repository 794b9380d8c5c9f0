"""Seed 004: ``- **Start Time (UTC):**`` bullets, SEV-1..4, TTA/TTM as HH:MM, one ``AI-001`` table
with Target Date."""

from __future__ import annotations

from datetime import datetime

from pmkit.synth.shapes.common import (
    VAGUE_END,
    cell,
    date_text,
    front_matter,
    hhmm_span,
    iso_min,
    minutes_between,
    odd_datetime,
    owner_cell,
)
from pmkit.synth.truth import IncidentTruth


def action_text(text: str, ref: str | None) -> str:
    return f"{text} ({ref})" if ref else text


def render(t: IncidentTruth) -> str:
    odd = "odd-dates" in t.messy

    def when(d: datetime, n: int) -> str:
        return odd_datetime(d, n) if odd else iso_min(d)

    tta = minutes_between(t.detected_at, t.acknowledged_at)
    ttm = minutes_between(t.detected_at, t.mitigated_at)
    updated = (t.reviewed_at or t.drafted_at or t.resolved_at).date()
    impact_pct = 5 + (t.started_at.minute * 7) % 60
    out = [
        *front_matter(t.title, t.team, t.drafted_at, t.reviewed_at),
        f"# Incident Postmortem: {t.title}",
        "",
        "**Version:** 1.0  ",
        "**Status:** Final  ",
        f"**Owner:** {t.owner}  ",
        f"**Last Updated:** {updated.isoformat()}",
        "",
        "---",
        "",
        "## Incident Summary",
        "",
        f"- **Incident ID:** {t.incident_id}",
        f"- **Start Time (UTC):** {when(t.started_at, 1)}",
        f"- **End Time (UTC):** {VAGUE_END if 'vague-end' in t.messy else when(t.resolved_at, 1)}",
        f"- **Duration:** {hhmm_span(t.duration_minutes)}",
        f"- **Severity:** {t.severity_label or ''}".rstrip(),
        "- **Services Affected:**",
        *[f"  - {s} ({'primary' if i == 0 else 'degraded'})" for i, s in enumerate(t.services)],
        "- **Customer Impact:**",
        f"  - {impact_pct}% of users affected",
        "  - All regions",
        f"  - {t.customer_impact}",
        "",
        "## Executive Summary",
        "",
        t.summary,
        "",
        "## Detection & Response",
        "",
        f"- **Detected By:** {t.detection_method}",
        f"- **Detection Time (UTC):** {when(t.detected_at, 2)}",
        f"- **Time to Acknowledge (TTA):** {hhmm_span(tta)}",
        f"- **Time to Mitigate (TTM):** {hhmm_span(ttm)}",
        f"- **Incident Commander:** {t.commander}",
        f"- **On-Call Responders:** {', '.join(t.responders)}",
        "- **Communication Channel(s):** Slack",
        "",
        "## Impact Analysis",
        "",
        "- **Customer Impact:**",
        f"  - {t.customer_impact}",
        "- **Internal Impact:**",
        "  - Manual actions by the on-call team",
        "- **Data Impact:**",
        "  - Data loss/corruption? No",
        "  - Data exposure? No",
        "  - Compliance implications? No",
        "",
        "## Timeline (UTC)",
        "",
        "| Time (UTC) | Event |",
        "| --- | --- |",
        *[f"| {iso_min(ev.at)} | {cell(ev.text)} |" for ev in t.timeline],
        "",
        "## Root Cause",
        "",
        f"- **Primary Cause:** {t.root_cause}",
        "- **Contributing Factors:**",
        *[f"  - {f}" for f in t.factors],
        "",
        "## Resolution",
        "",
        f"- **Immediate Fix:** {t.timeline[-2].text}",
        f"- **Long-Term Fix:** {t.actions[-1].text}",
        "- **Rollback Needed:** No",
        "",
        "## Customer Communication",
        "",
        "- **Status Page Updates:** Posted at detection and at resolution",
        "- **Direct Notifications:** None",
        "- **Post-Incident Follow-up:** Summary shared with support",
        "",
        "## What Went Well",
        "",
        *[f"- {w}" for w in t.went_well],
        "",
        "## What Went Poorly",
        "",
        *[f"- {w}" for w in t.went_poorly],
        "",
        "## Action Items",
        "",
        "| ID | Action | Owner | Priority | Target Date | Status |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for a in t.actions:
        out.append(
            f"| {a.action_id} | {cell(action_text(a.text, a.tracking_ref))} | {owner_cell(a.owner, t.messy)} "
            f"| {a.priority} | {date_text(a.due_date)} | {a.status_text} |"
        )
    out += [
        "",
        "## Prevention & Follow-up",
        "",
        "- **Monitoring Improvements:** See action items",
        "- **Process Improvements:** See action items",
        "- **Documentation Updates:** Runbook updated",
        "- **Training Needs:** None",
        "",
        "## Attachments & References",
        "",
        f"- https://grafana.example.com/d/{t.services[0]}",
        "",
    ]
    return "\n".join(out)
