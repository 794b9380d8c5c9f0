"""Draft -> Markdown, in the canonical template or one of the four seed template shapes.

The templates are Markdown files in ``pmkit/draft/templates/`` with ``${name}`` slots, so a team can
read (and diff) exactly what the form writes. Repeated parts (table rows, factor lists) are built
here. Every value is written so that pmkit's own parser reads it back unchanged: one-line fields are
collapsed to one line, table cells escape ``|``, times are ``YYYY-MM-DD HH:MM`` in UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from importlib import resources
from string import Template

from pmkit.config import Config, load_config
from pmkit.draft.model import Draft, DraftAction, DraftEvent

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
    """One line of text: newlines and runs of whitespace become one space."""
    return " ".join(text.split())


def cell(text: str) -> str:
    """A table cell: one line, ``|`` escaped so it cannot split the row."""
    return inline(text).replace("|", "\\|")


def block(text: str) -> str:
    """Free text under a heading. Lines that would start a new heading or turn the previous line
    into one (``# x``, ``---``, ``===``) are escaped so the document structure stays the draft's."""
    out: list[str] = []
    for line in text.strip().replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("#") or (stripped and set(stripped) <= {"-", "=", " "}):
            line = line[: len(line) - len(stripped)] + "\\" + stripped
        out.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def item_block(text: str) -> str:
    """Free text as the value of a ``- **Key:**`` list item: continuation lines indented."""
    return "\n".join(("  " + x) if x else "" for x in block(text).split("\n")).lstrip()


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
    prefix = re.match(r"[A-Za-z]*", draft.severity.strip()).group(0).lower()
    defs = config.severity_definitions
    same = [k for k in defs if prefix and re.fullmatch(rf"{re.escape(prefix)}[-\s]?\d+", k.lower())]
    labels = same or list(defs)
    return "\n".join(f"- **{cell(k)}:** {inline(defs[k])}" for k in labels)


_BLOCK_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+*#](?=\s|$)|>)")


def list_text(text: str) -> str:
    """One line for a list item: a leading ``1.``/``-``/``>``/``#`` is escaped so the text does not
    open a nested list, a quote or a heading (``>`` opens a quote with no space after it too)."""
    return _BLOCK_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", inline(text)
    )


def _list_items(texts: list[str], indent: str = "") -> str:
    return "\n".join(f"{indent}- {list_text(t)}" for t in texts if inline(t))


def _timeline_rows(draft: Draft, template: str) -> str:
    rows: list[str] = []
    for ev in draft.timeline:
        at, text, actor = fmt_time(ev.at), cell(ev.text), cell(ev.actor)
        if template == "seed-002":
            rows.append(f"| {at} | {_offset(draft, ev)} | {text} | {actor} |")
        elif template == "seed-004":
            rows.append(f"| {at} | {text} |")
        elif template == "seed-001":
            rows.append(f"| {at} | {text} | {actor} |  |")
        else:  # canonical and seed-000: Time | Event | Actor/Notes
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
            cell(a.owner),
            fmt_date(a.due_date),
            STATUS_TEXT.get(a.status, cell(a.status)),
            cell(a.tracking_ref),
        ]
        if template in ("seed-002", "seed-004"):
            prefix = "ACT-" if template == "seed-002" else "AI-"
            width = 1 if template == "seed-002" else 3
            cells.insert(0, f"{prefix}{n:0{width}d}")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def context(draft: Draft, template: str, config: Config) -> dict[str, str]:
    """Every ``${slot}`` value for ``template``, as Markdown text."""
    responders = [inline(r) for r in draft.responders if inline(r)]
    numbered = list(enumerate(draft.actions, start=1))
    start, end = fmt_time(draft.started_at), fmt_time(draft.resolved_at)
    return {
        "title": inline(draft.title),
        "severity": inline(draft.severity),
        "status": inline(draft.status),
        "owner": inline(draft.owner),
        "responders": ", ".join(responders),
        "primary_responder": responders[0] if responders else "",
        "contributors": ", ".join(responders[1:]),
        "services": ", ".join(inline(s) for s in draft.services if inline(s)),
        "service_subitems": _list_items(draft.services, "  "),
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
        "factor_items": _list_items([f.text for f in draft.factors]),
        "factor_subitems": _list_items([f.text for f in draft.factors], "  "),
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
