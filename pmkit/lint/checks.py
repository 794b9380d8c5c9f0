"""Completeness and process checks for postmortem files: the rules of seeds/003, for pre-commit/CI.

Checks run on the parser's output (``ParsedDocument``) plus the raw lines (for line numbers and
placeholders). Errors: unfilled template, missing required field (title, severity, start, end,
owner, root cause, at least one action), template placeholder left, action not tracked (owner, due
date, tracking reference), unknown severity label, end before start, a date in the future, and
the parser's own errors. Warnings: draft later than the target after resolution, review later
than the target in business days, blaming language (``blame_hints``), the parser's warnings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pmkit.config import Config, load_config
from pmkit.dates import business_days_between, hours_to_draft
from pmkit.lint.blame import blame_hints
from pmkit.lint.messages import LintMessage
from pmkit.lint.scan import Lines, scan
from pmkit.model import ParsedDocument, Postmortem
from pmkit.normalize.placeholders import describe_placeholder, find_placeholder

_REQUIRED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (attribute of Postmortem, what to call it, fields whose line to point at)
    ("title", "title", ("title",)),
    ("severity_label", "severity", ("severity",)),
    ("started_at", "start time", ("start", "date", "timeframe", "duration")),
    ("resolved_at", "end time", ("end", "timeframe", "duration")),
    ("owner", "owner", ("owner", "commander", "author")),
    ("root_cause", "root cause", ("root_cause",)),
)


class _Report:
    def __init__(self, path: str, lines: Lines, incident: Postmortem | None, many: bool) -> None:
        self.path = path
        self.lines = lines
        self.prefix = f"{incident.incident_id}: " if incident is not None and many else ""
        self.messages: list[LintMessage] = []
        self.fallback = (incident.line if incident is not None else None) or 1

    def line_of(self, *fields: str) -> int:
        for name in fields:
            if name in self.lines.field_lines:
                return self.lines.field_lines[name]
        return self.fallback

    def add(self, line: int | None, level: str, code: str, message: str) -> None:
        self.messages.append(
            LintMessage(self.path, line or self.fallback, level, code, self.prefix + message)
        )


def _check_incident(r: _Report, pm: Postmortem, config: Config, now: datetime) -> None:
    written = r.lines.field_values.get("severity", "")
    if pm.severity_level is None and written and not find_placeholder(written):
        known = ", ".join(sorted(config.severity_levels)) or "none"
        r.add(
            r.line_of("severity"),
            "error",
            "unknown-severity",
            f"severity {pm.severity_label or written!r} is not a configured label (P0.., SEV0.., "
            f"or one of: {known}; add it under [severity.levels] in pmkit.toml)",
        )
    for attr, label, fields in _REQUIRED:
        value = getattr(pm, attr)
        if attr.endswith("_at") and getattr(pm, attr[:-3] + "_source") != "field":
            value = None  # read from the timeline or prose: the template's field is still unfilled
        if attr == "severity_label" and written and not find_placeholder(written):
            continue  # reported above as an unknown label
        if value is not None and not (isinstance(value, str) and not value.strip()):
            continue
        raw = r.lines.field_values.get(fields[0], "") if attr.endswith("_at") else ""
        if raw and not find_placeholder(raw):
            r.add(
                r.line_of(fields[0]),
                "error",
                "unreadable-time",
                f"{label} {_short(raw)!r} is not a readable time (write e.g. 2026-03-04 14:05 UTC)",
            )
        else:
            r.add(r.line_of(*fields), "error", "missing-field", f"{label} is missing or not filled")
    if pm.started_at and pm.resolved_at and pm.resolved_at < pm.started_at:
        r.add(
            r.line_of("end", "timeframe"),
            "error",
            "end-before-start",
            f"end {pm.resolved_at:%Y-%m-%d %H:%M} is before start {pm.started_at:%Y-%m-%d %H:%M}",
        )
    _check_future(r, pm, now)
    _check_actions(r, pm)
    _check_targets(r, pm, config)


def _check_future(r: _Report, pm: Postmortem, now: datetime) -> None:
    stamps: list[tuple[str, datetime | date | None, tuple[str, ...]]] = [
        ("incident date", pm.incident_date, ("date",)),
        ("start", pm.started_at, ("start", "timeframe")),
        ("detection", pm.detected_at, ("detected",)),
        ("acknowledgement", pm.acknowledged_at, ("acknowledged",)),
        ("mitigation", pm.mitigated_at, ("mitigated",)),
        ("end", pm.resolved_at, ("end", "timeframe")),
        ("draft date", pm.drafted_at, ("drafted",)),
        ("review date", pm.reviewed_at, ("reviewed",)),
    ]
    for label, value, fields in stamps:
        if value is not None and _after(value, now):
            r.add(r.line_of(*fields), "error", "future-date", f"{label} {value} is in the future")
    for event in pm.timeline:
        if event.occurred_at is not None and event.occurred_at > now:
            r.add(
                event.line,
                "error",
                "future-date",
                f"timeline time {event.occurred_at:%Y-%m-%d %H:%M} is in the future",
            )


def _after(value: datetime | date, now: datetime) -> bool:
    if isinstance(value, datetime):
        return value > now
    return value > now.date()


# Templates 001, 002 and 004 have no tracking column, yet seeds/003 wants every action tracked.
_TRACKING_HINT = (
    " (put its ticket key or link in the row, e.g. 'ABC-123', or add a Tracking column)"
)


def _check_actions(r: _Report, pm: Postmortem) -> None:
    if not pm.actions:
        r.add(r.line_of(), "error", "no-actions", "no action items: at least one is required")
        return
    for action in pm.actions:
        missing = [
            name
            for name, value in (
                ("owner", action.owner),
                ("due date", action.due_date),
                ("tracking reference", action.tracking_ref),
            )
            if value is None or (isinstance(value, str) and not value.strip())
        ]
        if missing:
            label = action.action_id or _short(action.text)
            r.add(
                action.line,
                "error",
                "untracked-action",
                f"action {label!r} is not tracked: no {', no '.join(missing)}"
                + (_TRACKING_HINT if action.tracking_ref is None else ""),
            )


def _check_targets(r: _Report, pm: Postmortem, config: Config) -> None:
    if pm.drafted_at and pm.resolved_at:
        hours = hours_to_draft(pm.resolved_at, pm.drafted_at)
        if hours > config.draft_target_hours:
            r.add(
                r.line_of("drafted"),
                "warning",
                "late-draft",
                f"drafted {hours:.0f} h after resolution (target: within "
                f"{config.draft_target_hours:g} h)",
            )
    if pm.drafted_at and pm.reviewed_at:
        days = business_days_between(pm.drafted_at, pm.reviewed_at)
        if days > config.review_target_business_days:
            r.add(
                r.line_of("reviewed"),
                "warning",
                "late-review",
                f"reviewed {days} business days after the draft (target: within "
                f"{config.review_target_business_days})",
            )


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def utcnow() -> datetime:
    """The clock of the future-date rule (naive UTC); tests replace it."""
    return datetime.now(UTC).replace(tzinfo=None)


def lint_document(
    doc: ParsedDocument, config: Config | None = None, now: datetime | None = None
) -> list[LintMessage]:
    """Lint an already parsed document (``now``: naive UTC, for the future-date rule)."""
    config = config or load_config()
    now = now or utcnow()
    lines = scan(doc.raw_text)
    whole = _Report(doc.path, lines, None, False)
    if doc.is_process_doc:
        whole.add(1, "info", "not-postmortem", "process document, not a postmortem: not linted")
        return whole.messages
    for issue in doc.issues:
        if issue.level in ("error", "warning"):
            whole.add(issue.line, issue.level, "parse", f"{issue.field}: {issue.message}")
    if doc.template in ("empty", "binary", "unreadable") or not doc.incidents:
        if not any(m.level == "error" for m in whole.messages):
            whole.add(1, "error", "not-postmortem", "no postmortem found in this file")
        return whole.messages
    if doc.is_unfilled_template:
        whole.add(
            lines.heading_line or 1,
            "error",
            "unfilled-template",
            f"still an unfilled template ({doc.template}): fill in the fields",
        )
    for line, value, kind in lines.placeholders:
        whole.add(
            line,
            "error",
            "placeholder",
            f"template placeholder left: {_short(value, 60)!r} ({describe_placeholder(kind)})",
        )
    messages = list(whole.messages)
    many = len(doc.incidents) > 1
    for pm in doc.incidents:
        report = _Report(doc.path, lines, pm, many)
        _check_incident(report, pm, config, now)
        messages.extend(report.messages)
    if not doc.is_unfilled_template:
        for line, phrase, suggestion in blame_hints(doc.raw_text):
            messages.append(
                LintMessage(doc.path, line, "warning", "blame", f"{phrase!r}: {suggestion}")
            )
    return sorted(messages, key=lambda m: (m.line, m.level != "error", m.code))
