"""A synthetic register written as each tool exports it: PagerDuty, Opsgenie and incident.io
CSV, Jira's CSV with its own date format (in ``JIRA_ZONE``, no zone named), a generic JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from pmkit.synth.register_model import FILES, JIRA_ZONE, RegisterRow, RegisterTruth

_INCIDENTIO_SEVERITY = {0: "Critical", 1: "Major", 2: "Minor", 3: "Low", 4: "Low"}


def _severity(level: int | None, tool: str) -> str:
    if level is None:
        return ""
    if tool == "incidentio":
        return _INCIDENTIO_SEVERITY[level]
    if tool == "jira":
        return f"SEV-{level}"
    if tool == "generic":
        return f"SEV{level}"
    return f"P{level}"


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _jira_date(at: datetime) -> str:
    """``26/Mar/26 9:00 AM`` in Europe/Berlin, as Jira writes it (no zone named)."""
    from dateutil import tz

    local = at.replace(tzinfo=tz.UTC).astimezone(tz.gettz(JIRA_ZONE))
    return local.strftime("%d/%b/%y %I:%M %p").replace(" 0", " ")


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def render_register(truth: RegisterTruth) -> dict[str, str]:
    """File name -> text of each tool's export (rows in order of resolution)."""
    by_tool: dict[str, list[RegisterRow]] = {tool: [] for tool in FILES}
    for r in sorted(truth.rows, key=lambda r: (r.resolved_at, r.key)):
        by_tool[r.tool].append(r)
    out = {}
    out[FILES["pagerduty"]] = _csv(
        [
            "id",
            "incident_number",
            "title",
            "status",
            "urgency",
            "priority_name",
            "service_name",
            "team_name",
            "created_at",
            "resolved_at",
            "html_url",
        ],
        [
            [
                r.other_id,
                r.key,
                r.title,
                "resolved",
                "high" if (r.level or 9) <= 1 else "low",
                _severity(r.level, "pagerduty"),
                r.service,
                r.team,
                _iso(r.started_at),
                _iso(r.resolved_at),
                f"https://example.pagerduty.com/incidents/{r.other_id}",
            ]
            for r in by_tool["pagerduty"]
        ],
    )
    out[FILES["opsgenie"]] = _csv(
        [
            "id",
            "tinyId",
            "message",
            "status",
            "priority",
            "tags",
            "createdAt",
            "impactStartDate",
            "impactEndDate",
            "ownerTeam",
            "impactedServices",
        ],
        [
            [
                r.other_id,
                r.key,
                r.title,
                "resolved",
                _severity(r.level, "opsgenie"),
                ", ".join(r.tags),
                _iso(r.started_at),
                _iso(r.started_at),
                _iso(r.resolved_at),
                r.team,
                r.service,
            ]
            for r in by_tool["opsgenie"]
        ],
    )
    out[FILES["incidentio"]] = _csv(
        [
            "id",
            "reference",
            "name",
            "incident_status",
            "severity",
            "reported_at",
            "resolved_at",
            "affected_services",
            "incident_lead",
            "customer_impact",
            "permalink",
        ],
        [
            [
                r.other_id,
                r.key,
                r.title,
                "Closed",
                _severity(r.level, "incidentio"),
                _iso(r.started_at),
                _iso(r.resolved_at),
                r.service,
                r.owner,
                "" if r.customer_impact is None else ("Yes" if r.customer_impact else "No"),
                f"https://app.incident.io/example/incidents/{r.key.split('-')[1]}",
            ]
            for r in by_tool["incidentio"]
        ],
    )
    out[FILES["jira"]] = _csv(
        [
            "Summary",
            "Issue key",
            "Issue id",
            "Issue Type",
            "Status",
            "Priority",
            "Custom field (Severity)",
            "Assignee",
            "Created",
            "Resolved",
            "Component/s",
            "Labels",
            "Labels",
        ],
        [
            [
                r.title,
                r.key,
                r.other_id,
                "Incident",
                "Done",
                "High" if (r.level or 9) <= 1 else "Medium",
                _severity(r.level, "jira"),
                r.owner,
                _jira_date(r.started_at),
                _jira_date(r.resolved_at),
                r.service,
                *(list(r.tags) + ["", ""])[:2],
            ]
            for r in by_tool["jira"]
        ],
    )
    items = [
        {
            "Ticket": r.key,
            "Ref": r.other_id,
            "Summary": r.title,
            "Sev": _severity(r.level, "generic"),
            "Opened": _iso(r.started_at),
            "Closed": _iso(r.resolved_at),
            "System": r.service,
            "Team": r.team,
            "Owner": r.owner,
            "CustomerImpact": None
            if r.customer_impact is None
            else ("yes" if r.customer_impact else "no"),
        }
        for r in by_tool["generic"]
    ]
    out[FILES["generic"]] = json.dumps({"incidents": items}, indent=1) + "\n"
    return out
