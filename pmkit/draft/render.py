"""Draft -> Markdown, in the canonical template or one of the four seed template shapes.

The templates are Markdown files in ``pmkit/draft/templates/`` with ``${name}`` slots, so a team can
read (and diff) exactly what the form writes. Repeated parts (table rows, factor lists) are built
here. Every typed value goes through ``pmkit.draft.escape``, so that pmkit's own parser (and any
Markdown viewer) reads back what was typed, never markup: ``List<Order>`` stays ``List<Order>``,
a ``<script>`` tag is text. Times are ``YYYY-MM-DD HH:MM`` in UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from importlib import resources
from string import Template

from pmkit.config import Config, load_config
from pmkit.draft.escape import (
    escape_factor,
    escape_item_paragraphs,
    escape_line,
    escape_name,
    escape_names,
    escape_owner,
    escape_paragraphs,
    escape_title,
)
from pmkit.draft.model import Draft, DraftAction, DraftEvent
from pmkit.normalize.links import extract_tracking_ref

TEMPLATES: tuple[str, ...] = ("canonical", "seed-000", "seed-001", "seed-002", "seed-004")
"""Template names accepted by ``render``: the canonical one and the four seed shapes."""

STATUS_TEXT: dict[str, str] = {"open": "Open", "in_progress": "In Progress", "done": "Done"}
TIME_FORMAT = "%Y-%m-%d %H:%M"

_FIELD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(\*\*?)[^*\n]+?\1(?:\s*\([^)\n]*\))?\s*:?\s*")
"""The key part of a ``- **Key:**`` / ``**Key**:`` / ``*Key:*`` field line."""
_SLOT = re.compile(r"\$\{(\w+)\}")


class UnknownTemplateError(ValueError):
    """``render`` was asked for a template it does not have."""


@cache
def template_text(name: str) -> str:
    """The raw template file (``${slots}`` unfilled), e.g. for the README or a diff."""
    if name not in TEMPLATES:
        raise UnknownTemplateError(f"unknown template {name!r} (known: {', '.join(TEMPLATES)})")
    return (resources.files("pmkit.draft") / "templates" / f"{name}.md").read_text(encoding="utf-8")


def inline(text: str) -> str:
    """One line of typed text, escaped so it reads back as typed (see ``pmkit.draft.escape``)."""
    return escape_line(text)


cell = inline
"""A table cell: the same escaping (``|`` is always escaped, so it cannot split the row)."""


def block(text: str) -> str:
    """Free text under a heading: each typed line its own paragraph, escaped."""
    return escape_paragraphs(text)


def item_block(text: str) -> str:
    """Free text as the value of a ``- **Key:**`` list item: later paragraphs indented into it."""
    return escape_item_paragraphs(text)


def tracking_cell(ref: str) -> str:
    """A tracking reference as written, so the parser's link reader sees it unchanged: a URL as
    an autolink (``<https://...>``, whose text Markdown never interprets), a ticket key or
    ``#123`` as is. Anything else (validation refuses it) is escaped like any cell."""
    ref = ref.strip()
    if ref and extract_tracking_ref(ref) == ref:
        return f"<{ref}>" if _URL_SCHEME.match(ref) else ref
    return cell(ref)


_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:")


def fmt_time(value: datetime | None) -> str:
    return value.strftime(TIME_FORMAT) if value else ""


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def fmt_duration(draft: Draft) -> str:
    if not (draft.started_at and draft.resolved_at) or draft.resolved_at < draft.started_at:
        return ""
    minutes = int((draft.resolved_at - draft.started_at).total_seconds() // 60)
    return f"{minutes} minutes"


def _severity_definitions(draft: Draft, config: Config) -> str:
    """The definitions of the chosen label's scheme (``P0..``, ``SEV0..``), as a list."""
    prefix = re.sub(r"[^A-Za-z].*", "", draft.severity.strip(), flags=re.S).lower()
    defs = config.severity_definitions
    same = [k for k in defs if prefix and re.fullmatch(rf"{re.escape(prefix)}[-\s]?\d+", k.lower())]
    labels = same or list(defs)
    return "\n".join(f"- **{cell(k)}:** {inline(defs[k])}" for k in labels)


def _factor_items(draft: Draft, indent: str) -> str:
    texts = [escape_factor(f.text) for f in draft.factors]
    return "\n".join(f"{indent}- {t}" for t in texts if t)


def _timeline_rows(draft: Draft, template: str) -> str:
    rows: list[str] = []
    for ev in draft.timeline:
        at, text, actor = fmt_time(ev.at), cell(ev.text), cell(ev.actor)
        if template == "seed-002":
            rows.append(f"| {at} | {_offset(draft, ev)} | {text} | {actor} |")
        elif template in ("seed-000", "seed-001"):  # Time | Event | Actor | Notes
            rows.append(f"| {at} | {text} | {actor} |  |")
        else:  # canonical and seed-004: Time | Event | Actor
            rows.append(f"| {at} | {text} | {actor} |")
    return "\n".join(rows)


def _offset(draft: Draft, ev: DraftEvent) -> str:
    if not (ev.at and draft.started_at):
        return ""
    minutes = int((ev.at - draft.started_at).total_seconds() // 60)
    return f"+{minutes} min" if minutes >= 0 else f"{minutes} min"


def _action_rows(actions: list[tuple[int, DraftAction]], template: str) -> str:
    rows: list[str] = []
    for n, a in actions:
        cells = [
            cell(a.text),
            escape_owner(a.owner),
            fmt_date(a.due_date),
            STATUS_TEXT.get(a.status, cell(a.status)),
            tracking_cell(a.tracking_ref),
        ]
        if template in ("seed-002", "seed-004"):
            prefix = "ACT-" if template == "seed-002" else "AI-"
            width = 1 if template == "seed-002" else 3
            cells.insert(0, f"{prefix}{n:0{width}d}")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def context(draft: Draft, template: str, config: Config) -> dict[str, str]:
    """Every ``${slot}`` value for ``template``, as Markdown text."""
    responders = [r for r in draft.responders if escape_name(r)]
    numbered = list(enumerate(draft.actions, start=1))
    start, end = fmt_time(draft.started_at), fmt_time(draft.resolved_at)
    return {
        "title": escape_title(draft.title),
        "severity": inline(draft.severity),
        "status": inline(draft.status),
        "owner": escape_owner(draft.owner),
        "responders": escape_names(responders),
        "primary_responder": escape_names(responders[:1]),
        "contributors": escape_names(responders[1:]),
        "services": escape_names(draft.services),
        "service_subitems": "\n".join(
            f"  - {escape_name(s)}" for s in draft.services if escape_name(s)
        ),
        "date": draft.started_at.date().isoformat() if draft.started_at else "",
        "timeframe": f"{start} to {end} UTC" if start and end else "",
        "started_at": start,
        "detected_at": fmt_time(draft.detected_at),
        "mitigated_at": fmt_time(draft.mitigated_at),
        "resolved_at": end,
        "duration": fmt_duration(draft),
        "drafted_on": fmt_date(draft.drafted_on),
        "severity_definitions": _severity_definitions(draft, config),
        "summary": block(draft.summary),
        "summary_item": item_block(draft.summary),
        "impact": block(draft.impact),
        "impact_item": item_block(draft.impact),
        "root_cause": block(draft.root_cause),
        "root_cause_item": item_block(draft.root_cause),
        "lessons": block(draft.lessons),
        "timeline_rows": _timeline_rows(draft, template),
        "factor_items": _factor_items(draft, ""),
        "factor_subitems": _factor_items(draft, "  "),
        "short_term_rows": _action_rows(
            [p for p in numbered if p[1].kind != "long_term"], template
        ),
        "long_term_rows": _action_rows([p for p in numbered if p[1].kind == "long_term"], template),
    }


def _drop_empty_fields(text: str, values: dict[str, str]) -> str:
    """Remove template field lines whose slot is empty (and key lines whose only child slot is
    empty), so an optional field left blank never reads as an unfilled placeholder."""
    lines = text.split("\n")
    kept: list[str] = []
    for i, line in enumerate(lines):
        key = _FIELD_LINE.match(line)
        rest = line[key.end() :].strip() if key else None
        slot = _SLOT.fullmatch(rest) if rest else None
        if slot and not values.get(slot.group(1)):
            continue
        if key and rest == "" and i + 1 < len(lines):
            child = _SLOT.fullmatch(lines[i + 1].strip())
            if child and not values.get(child.group(1)):
                continue
        kept.append(line)
    return "\n".join(kept)


def render(draft: Draft, template: str = "canonical", config: Config | None = None) -> str:
    """The draft as a Markdown postmortem in ``template`` (one of ``TEMPLATES``)."""
    values = context(draft, template, config or load_config())
    text = _drop_empty_fields(template_text(template), values)
    filled = Template(text).safe_substitute(values)
    return re.sub(r"\n{3,}", "\n\n", filled).strip() + "\n"
