"""HTML for the explorer's incident table and incident detail. Everything from a postmortem is
escaped (``present.table`` escapes every cell, ``escape`` the rest): a title such as
``<img onerror=...>`` shows as text."""

from __future__ import annotations

from html import escape

import pandas as pd

from pmkit.explore.data import IncidentDetail
from pmkit.present.charts import level_label
from pmkit.present.page import Html, fmt_value, table

TABLE_ROWS = 40

INCIDENT_COLUMNS = {
    "day": "Date",
    "incident_id": "Incident",
    "title": "Title",
    "severity": "Severity",
    "team": "Team",
    "services": "Services",
    "template": "Template",
    "n_actions": "Actions",
    "n_overdue": "Overdue",
}

STYLE = """
<style>
.pmkit-explore .pmkit-table { border-collapse: collapse; font-size: 12px; }
.pmkit-explore .pmkit-table th, .pmkit-explore .pmkit-table td {
  border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
.pmkit-explore .pmkit-table caption { text-align: left; font-weight: bold; padding: 4px 0; }
.pmkit-explore h3 { margin: 6px 0; }
.pmkit-explore .pmkit-note, .pmkit-explore .pmkit-empty { color: #555; font-size: 12px; }
.pmkit-explore dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px;
  font-size: 12px; margin: 4px 0; }
.pmkit-explore dt { font-weight: bold; }
.pmkit-explore dd { margin: 0; }
.pmkit-incidents { max-height: 26em; overflow-y: auto; }
.pmkit-incidents .pmkit-table td { white-space: nowrap; }
.pmkit-incidents .pmkit-table td:nth-child(3) { white-space: normal; min-width: 18em; }
</style>
"""


def severity_text(label: object, level: object) -> str:
    """``SEV2 (L2)``: the label as written and the normalised level."""
    shown = level_label(level)
    if isinstance(label, str) and label.strip():
        return f"{label} ({shown})"
    return shown


def incident_table(incidents: pd.DataFrame, total: int, narrowed_by: str = "") -> Html:
    """The incident table (first ``TABLE_ROWS`` rows) with a line saying what is shown."""
    shown = incidents.assign(
        severity=[
            severity_text(lab, lev)
            for lab, lev in zip(
                incidents["severity_label"], incidents["severity_level"], strict=True
            )
        ]
    )
    if narrowed_by:
        head = f"{len(incidents):,} of {total:,} incidents, narrowed by the chart selection ({narrowed_by})."
    else:
        head = f"{len(incidents):,} incidents match the filters."
    body = table(
        shown,
        INCIDENT_COLUMNS,
        max_rows=TABLE_ROWS,
        empty="No incident matches the filters and selections.",
    )
    return Html(
        f'{STYLE}<div class="pmkit-explore pmkit-incidents">'
        f'<p class="pmkit-count">{escape(head)}</p>{body}</div>'
    )


def _fields(pairs: list[tuple[str, object]]) -> str:
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(fmt_value(v))}</dd>" for k, v in pairs)
    return f"<dl>{items}</dl>"


def incident_detail(detail: IncidentDetail | None) -> Html:
    """One incident: key fields, source file, timeline, factors and actions."""
    if detail is None:
        return Html(
            f'{STYLE}<div class="pmkit-explore"><p class="pmkit-empty">'
            "Pick an incident above to see its timeline, factors and actions.</p></div>"
        )
    inc = detail.incident
    drafted = fmt_value(inc.get("drafted_at"))
    if inc.get("drafted_source"):
        drafted = f"{drafted} (from {inc['drafted_source']})"
    fields = _fields(
        [
            ("Severity", severity_text(inc.get("severity_label"), inc.get("severity_level"))),
            ("Status", inc.get("status")),
            ("Team", inc.get("team")),
            ("Owner", inc.get("owner")),
            ("Services", inc.get("services")),
            ("Started", inc.get("started_at") or inc.get("incident_date")),
            ("Resolved", inc.get("resolved_at")),
            ("Drafted", drafted),
            ("Template", inc.get("template")),
            ("Source file", detail.source),
        ]
    )
    title = f"{inc.get('incident_id') or ''}: {inc.get('title') or '(no title)'}"
    timeline = detail.timeline.assign(
        when=[
            fmt_value(at) if at is not None and not pd.isna(at) else (text or "")
            for at, text in zip(
                detail.timeline["occurred_at"], detail.timeline["time_text"], strict=True
            )
        ]
    )
    parts = [
        f"<h3>{escape(title)}</h3>",
        fields,
        table(
            timeline,
            {"when": "Time (UTC)", "event": "Event", "actor": "Actor", "line": "Line"},
            max_rows=200,
            empty="No timeline.",
            caption="Timeline",
        ),
        table(
            detail.factors,
            {"text": "Factor", "categories": "Categories"},
            max_rows=100,
            empty="No contributing factors.",
            caption="Contributing factors",
        ),
        table(
            detail.actions,
            {
                "action_id": "Id",
                "text": "Action",
                "owner": "Owner",
                "due_date": "Due",
                "status": "Status",
                "tracking_ref": "Tracking",
            },
            max_rows=200,
            empty="No action items.",
            caption="Action items",
        ),
    ]
    return Html(f'{STYLE}<div class="pmkit-explore pmkit-detail">{"".join(parts)}</div>')
