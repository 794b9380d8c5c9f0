"""Seed 001: numbered sections, "Date & Timeframe", "Severity / Priority", Status + Verification
columns in one action table, and the "*Date Prepared:*" footer."""

from __future__ import annotations

from pmkit.synth.shapes.common import (
    cell,
    date_text,
    duration_text,
    hm,
    iso_min,
    long_date,
    owner_cell,
    timeline_time,
)
from pmkit.synth.truth import IncidentTruth


def timeframe(t: IncidentTruth) -> str:
    """``2026-03-04, 14:05–16:35 UTC``, or both ends in full when the incident spans days."""
    if t.started_at.date() == t.resolved_at.date():
        day = long_date(t.started_at) if "odd-dates" in t.messy else f"{t.started_at:%Y-%m-%d}"
        return f"{day}, {hm(t.started_at)}–{hm(t.resolved_at)} UTC"
    return f"{iso_min(t.started_at)} – {iso_min(t.resolved_at)} UTC"


def action_text(text: str, ref: str | None) -> str:
    return f"{text} ({ref})" if ref else text


def render(t: IncidentTruth) -> str:
    day = t.started_at.date()
    out = [
        f"# Blameless Postmortem: {t.title}",
        "",
        "The goal of this template is to document what happened without blame, surface system "
        "patterns quickly, and ensure the follow-up work prevents repeat incidents.",
        "",
        "## 1. Incident Summary",
        f"- **Incident ID / Title**: {t.incident_id}: {t.title}",
        f"- **Date & Timeframe**: {timeframe(t)}",
        f"- **Detection Method**: {t.detection_method}",
        f"- **Initial Reporter**: {t.responders[0]}",
        f"- **Severity / Priority**: {t.severity_label or ''}".rstrip(),
        "- **Status**: Resolved",
        f"- **Executive Summary**: {t.summary}",
        "",
        "## 2. Impact",
        f"- **Impacted Customers / Teams**: {t.team} team customers",
        f"- **Impacted Systems / Services**: {', '.join(t.services)}",
        f"- **Customer Experience**: {t.customer_impact}.",
        f"- **Duration of Impact**: {duration_text(t.duration_minutes)}",
        "- **Business / Compliance Effect**: None known",
        "",
        "## 3. Timeline",
        "Document key events minute-by-minute (UTC preferred). Include manual actions and automation.",
        "",
        "| Time (UTC) | Event | Actor | Notes |",
        "| --- | --- | --- | --- |",
    ]
    for ev in t.timeline:
        out.append(f"| {timeline_time(ev.at, day)} | {cell(ev.text)} | {cell(ev.actor)} | |")
    out += [
        "",
        "## 4. Root Cause Analysis",
        "Apply systems thinking to explain how the incident unfolded. Avoid blame; focus on "
        "contributing factors.",
        "",
        f"- **Triggering Event**: {t.trigger}",
        "- **Contributing Factors** (technical, process, organizational):",
        *[f"  - {f}" for f in t.factors],
        f"- **Safeguards That Worked**: {t.went_well[0]}",
        f"- **Safeguards That Failed or Were Missing**: {t.went_poorly[0]}",
        f"- **5-Whys / Causal Chain Summary**: {t.root_cause}",
        "",
        "## 5. Resolution & Recovery",
        f"- **Mitigation Actions Taken**: {t.timeline[-2].text}",
        "- **Verification Steps** (logs, monitors, QA): Error rate and latency back to baseline",
        "- **Residual Risk / Outstanding Issues**: See action items",
        "- **Communication Summary** (status page, stakeholders): Status page updated",
        "",
        "## 6. Lessons Learned",
        "Capture improvements to upstream systems, runbooks, or processes.",
        "",
        f"- **Early Signals We Missed**: {t.went_poorly[1]}",
        f"- **What Went Well**: {t.went_well[1]}",
        f"- **What We Should Change**: {t.actions[0].text}",
        "- **Monitoring / Alerting Gaps**: See contributing factors",
        "",
        "## 7. Action Items",
        "Track remediation with clear ownership, deadlines, and validation. Link to tickets when "
        "possible.",
        "",
        "| Action Item | Owner | Due Date | Status | Verification |",
        "| --- | --- | --- | --- | --- |",
    ]
    for a in t.actions:
        out.append(
            f"| {cell(action_text(a.text, a.tracking_ref))} | {owner_cell(a.owner, t.messy)} "
            f"| {date_text(a.due_date)} | {cell(a.status_text)} | {cell(a.verification)} |"
        )
    drafted = t.drafted_at.date().isoformat() if t.drafted_at else ""
    out += [
        "",
        "---",
        f"*Prepared by:* {t.owner}",
        f"*Date Prepared:* {drafted}",
        f"*Reviewers:* {', '.join(t.responders)}",
        "",
    ]
    text = "\n".join(out)
    # the seed itself carries this damage (UTF-8 read as cp1252): ingest must repair it
    return text.replace("–", "â€“") if "mojibake" in t.messy else text
