"""HTML for the explorer's incident detail. Everything from a postmortem is escaped
(``present.table`` escapes every cell, ``escape`` the rest); the summary, impact and root cause
are rendered as Markdown with raw HTML and images switched off (``<script>`` shows as text, no
picture is fetched from anywhere) and links opening in a new tab. A title such as
``<img onerror=...>`` shows as text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from markdown_it import MarkdownIt

from pmkit.explore.detail import IncidentDetail
from pmkit.explore.strip import timeline_strip
from pmkit.explore.table import severity_text
from pmkit.present.format import MISSING, action_text, fmt_value
from pmkit.present.page import Html, table

STYLE = """
<style>
.pmkit-explore .pmkit-table { border-collapse: collapse; font-size: 12px; }
.pmkit-explore .pmkit-table th, .pmkit-explore .pmkit-table td {
  border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
.pmkit-explore .pmkit-table caption { text-align: left; font-weight: bold; padding: 4px 0; }
.pmkit-explore h3 { margin: 6px 0; }
.pmkit-explore h4 { margin: 10px 0 4px; font-size: 13px; }
.pmkit-explore .pmkit-note, .pmkit-explore .pmkit-empty { color: #555; font-size: 12px; }
.pmkit-explore .pmkit-missing { color: #999; font-style: italic; }
.pmkit-explore dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px;
  font-size: 12px; margin: 4px 0; }
.pmkit-explore dt { font-weight: bold; }
.pmkit-explore dd { margin: 0; }
.pmkit-explore .pmkit-x-md { font-size: 13px; max-width: 900px; }
.pmkit-explore .pmkit-x-md p { margin: 4px 0; }
.pmkit-explore .pmkit-status { padding: 0 6px; border-radius: 8px; color: #fff; font-size: 11px; }
.pmkit-explore .pmkit-status-done { background: #2ca02c; }
.pmkit-explore .pmkit-status-open { background: #d62728; }
.pmkit-explore .pmkit-status-in_progress { background: #ff7f0e; }
.pmkit-explore .pmkit-status-unknown { background: #999; }
.pmkit-explore .pmkit-overdue { color: #b30000; font-weight: bold; }
.pmkit-explore .pmkit-x-source pre { max-height: 24em; overflow: auto; background: #f7f7f7;
  padding: 6px; font-size: 11px; white-space: pre-wrap; }
.pmkit-detail { border-top: 2px solid #4c78a8; padding-top: 4px; }
.pmkit-detail .pmkit-table td:first-child { white-space: nowrap; }
.pmkit-detail .pmkit-x-actions td:nth-child(4), .pmkit-detail .pmkit-x-actions td:nth-child(5) {
  white-space: nowrap; }
</style>
"""

_MD = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable("image")
"""A line break in a postmortem's field is kept: lists the parser read as lines (an impact's
bullet points) stay one per line, and a hard-wrapped paragraph reads as in the file."""


def _link_open(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    """Links from a postmortem open in a new tab (never replace JupyterLab's page)."""
    tokens[idx].attrSet("target", "_blank")
    tokens[idx].attrSet("rel", "noopener noreferrer")
    return str(self.renderToken(tokens, idx, options, env))


_MD.add_render_rule("link_open", _link_open)


def markdown(text: Any) -> Html:
    """A postmortem's Markdown text as HTML (raw HTML escaped, no images), or "not recorded"."""
    if not isinstance(text, str) or not text.strip():
        return Html('<p class="pmkit-missing">not recorded</p>')
    return Html(f'<div class="pmkit-x-md">{_MD.render(text)}</div>')


def web_url(value: Any) -> str | None:
    """``value`` when it is one absolute http(s) address: the only tracking links made."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or any(c.isspace() or ord(c) < 32 for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _value(value: Any) -> str:
    text = fmt_value(value)
    if text == MISSING:
        return '<span class="pmkit-missing">not recorded</span>'
    return escape(text)


def _fields(pairs: list[tuple[str, Any]]) -> str:
    items = "".join(f"<dt>{escape(k)}</dt><dd>{_value(v)}</dd>" for k, v in pairs)
    return f"<dl>{items}</dl>"


def _status(status: Any, due: Any, as_of: date | None) -> str:
    name = str(status) if isinstance(status, str) and status else "unknown"
    badge = (
        f'<span class="pmkit-status pmkit-status-{escape(name, quote=True)}">'
        f"{escape(name.replace('_', ' '))}</span>"
    )
    if as_of is not None and name != "done" and due is not None and not pd.isna(due):
        days = (as_of - pd.Timestamp(due).date()).days
        if days > 0:
            badge += f' <span class="pmkit-overdue">overdue {days} d</span>'
    return badge


def _cell(value: Any) -> str:
    """A table cell: the value escaped, or a grey dash (hover: not recorded)."""
    text = fmt_value(value)
    if text == MISSING:
        return f'<span class="pmkit-missing" title="not in the postmortem">{MISSING}</span>'
    return escape(text)


def _owner(written: object, person: object) -> str:
    """The person ``[people]`` names, with what the postmortem wrote when that differs."""
    if not isinstance(person, str) or person == written:
        return _cell(written)
    return (
        f'{escape(person)} <span class="pmkit-x-written" title="as the postmortem writes it">'
        f"({escape(str(written))})</span>"
    )


def _actions(detail: IncidentDetail) -> str:
    actions = detail.actions
    if actions.empty:
        return '<p class="pmkit-empty">No action items.</p>'
    head = "".join(f"<th>{h}</th>" for h in ("Id", "Action", "Owner", "Due", "Status", "Tracking"))
    rows = []
    for a in actions.to_dict("records"):
        ref = a.get("tracking_ref")
        url = web_url(ref)
        tracking = _cell(ref)
        if url is not None:
            tracking = (
                f'<a href="{escape(url, quote=True)}" target="_blank" '
                f'rel="noopener noreferrer">{escape(str(ref).strip())}</a>'
            )
        text = action_text(
            a.get("text"), a.get("owner"), a.get("due_date"), ref, a.get("status_text")
        )
        cells = [
            _cell(a.get("action_id")),
            _cell(text),
            _owner(a.get("owner"), a.get("person")),
            _cell(a.get("due_date")),
            _status(a.get("status"), a.get("due_date"), detail.as_of),
            tracking,
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        f'<table class="pmkit-table pmkit-x-actions"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def incident_detail(detail: IncidentDetail | None, file_href: str | None = None) -> Html:
    """One incident: key fields, its file (a link when ``file_href`` is given), the rendered
    summary, impact and root cause, the timeline strip and events, factors, actions and the
    Markdown source."""
    if detail is None:
        return Html(
            f'{STYLE}<div class="pmkit-explore"><p class="pmkit-empty">'
            "Click an incident in the table to see its summary, timeline, factors and actions."
            "</p></div>"
        )
    inc = detail.incident
    drafted = inc.get("drafted_at")
    if drafted is not None and not pd.isna(drafted) and inc.get("drafted_source"):
        drafted = f"{fmt_value(drafted)} (from {inc['drafted_source']})"
    reviewed = inc.get("reviewed_at")
    if reviewed is not None and not pd.isna(reviewed) and inc.get("reviewed_source"):
        reviewed = f"{fmt_value(reviewed)} (from {inc['reviewed_source']})"
    severity = severity_text(inc.get("severity_label"), inc.get("severity_level"))
    fields = _fields(
        [
            ("Severity", None if severity == "unknown" else severity),
            ("Status", inc.get("status")),
            ("Team", inc.get("team")),
            ("Owner", inc.get("owner")),
            ("Services", inc.get("services")),
            ("Started", inc.get("started_at") or inc.get("incident_date")),
            ("Resolved", inc.get("resolved_at")),
            ("Drafted", drafted),
            ("Reviewed", reviewed),
            ("Template", inc.get("template")),
        ]
    )
    title = f"{inc.get('incident_id') or ''}: {inc.get('title') or '(no title)'}"
    source = escape(detail.source)
    if file_href:
        file_line = (
            f'<a class="pmkit-x-file" href="{escape(file_href, quote=True)}" target="_blank" '
            f'rel="noopener">{source}</a> (opens in JupyterLab)'
        )
    else:
        file_line = f"<code>{source}</code>"
    timeline = detail.timeline.assign(
        when=[
            fmt_value(at) if at is not None and not pd.isna(at) else (text or "")
            for at, text in zip(
                detail.timeline["occurred_at"], detail.timeline["time_text"], strict=True
            )
        ]
    )
    raw = detail.raw_text
    source_block = (
        '<details class="pmkit-x-source"><summary>Markdown source</summary>'
        f"<pre>{escape(raw)}</pre></details>"
        if raw
        else ""
    )
    parts = [
        f"<h3>{escape(title)}</h3>",
        f'<p class="pmkit-x-source-file">Source file: {file_line}</p>',
        fields,
        "<h4>Executive summary</h4>",
        markdown(inc.get("executive_summary")),
        "<h4>Customer impact</h4>",
        markdown(inc.get("customer_impact")),
        "<h4>Root cause</h4>",
        markdown(inc.get("root_cause")),
        "<h4>Timeline (UTC)</h4>",
        timeline_strip(inc, detail.timeline),
        table(
            timeline,
            {"when": "Time (UTC)", "event": "Event", "actor": "Actor", "line": "Line"},
            max_rows=None,
            empty="No timeline.",
        ),
        "<h4>Contributing factors</h4>",
        table(
            detail.factors,
            {"text": "Factor", "categories": "Categories"},
            max_rows=None,
            empty="No contributing factors.",
        ),
        "<h4>Action items</h4>",
        _actions(detail),
        source_block,
    ]
    return Html(f'{STYLE}<div class="pmkit-explore pmkit-detail">{"".join(parts)}</div>')
