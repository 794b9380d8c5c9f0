"""Check a draft against the process rules of seeds/003, field by field.

Returns messages keyed by field name (``title``, ``started_at``, ``actions[2]``...) so the form can
show each one next to the widget it concerns. ``error`` blocks saving; ``warning`` (blameless
language, odd but possible values) is advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pmkit.config import Config, load_config, normalize_severity_key
from pmkit.draft.escape import typed_line, typed_lines
from pmkit.draft.model import Draft
from pmkit.lint.blame import blame_hints
from pmkit.normalize.links import extract_tracking_ref
from pmkit.normalize.owners import owner_name
from pmkit.normalize.placeholders import find_placeholder

Level = Literal["error", "warning"]

REQUIRED_TEXT: dict[str, str] = {
    "title": "Title",
    "severity": "Severity",
    "owner": "Owner",
    "summary": "Summary",
    "root_cause": "Root cause",
}
TEXT_FOR_HINTS: tuple[str, ...] = ("summary", "impact", "root_cause", "lessons")


@dataclass(frozen=True)
class Message:
    """One thing to tell the author about one field."""

    level: Level
    text: str


def _hint_text(hint: tuple[int, str, str]) -> str:
    _line, phrase, suggestion = hint
    return f"'{phrase}': {suggestion}"


def severity_labels(config: Config) -> list[str]:
    """Labels offered in the form: the configured definitions, in their order."""
    return list(config.severity_definitions)


def is_known_severity(label: str, config: Config) -> bool:
    key = normalize_severity_key(label)
    known = {normalize_severity_key(k) for k in config.severity_definitions}
    return bool(key) and (key in known or key in config.severity_levels)


def validate(
    draft: Draft, config: Config | None = None, now: datetime | None = None
) -> dict[str, list[Message]]:
    """Messages per field; a field with nothing to say is absent. ``now`` is naive UTC."""
    config = config or load_config()
    now = now or datetime.now(UTC).replace(tzinfo=None)
    out: dict[str, list[Message]] = {}

    def add(name: str, level: Level, text: str) -> None:
        out.setdefault(name, []).append(Message(level, text))

    for name, label in REQUIRED_TEXT.items():
        value = typed_line(str(getattr(draft, name)))  # what is written: controls never count
        if not value:
            add(name, "error", f"{label} is required.")
        elif name != "severity" and _placeholder(value):
            add(name, "error", f"{label} still looks like a template placeholder ({value!r}).")
        elif name == "owner" and owner_name(value) is None:
            add(name, "error", f"{value!r} is not an owner: name a person or a team.")
    if draft.severity.strip() and not is_known_severity(draft.severity, config):
        add(
            "severity",
            "error",
            f"Unknown severity; use one of {', '.join(severity_labels(config))}.",
        )

    start, end = draft.started_at, draft.resolved_at
    if start is None:
        add("started_at", "error", "Start time is required.")
    if end is None:
        add("resolved_at", "error", "End time is required.")
    if start and end and end <= start:
        add("resolved_at", "error", "End must be after start.")
    for name, label in (("detected_at", "Detection"), ("mitigated_at", "Mitigation")):
        value = getattr(draft, name)
        if value and start and value < start:
            add(name, "error", f"{label} time is before the start.")
        if value and end and value > end:
            add(name, "error", f"{label} time is after the end.")
    if draft.detected_at and draft.mitigated_at and draft.mitigated_at < draft.detected_at:
        add("mitigated_at", "warning", "Mitigated before it was detected?")
    for name in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
        value = getattr(draft, name)
        if value and value > now:
            add(name, "error", "This time is in the future.")
    if draft.drafted_on and draft.drafted_on > now.date():
        add("drafted_on", "error", "This date is in the future.")

    for i, ev in enumerate(draft.timeline):
        key = f"timeline[{i}]"
        if ev.at is None:
            add(key, "error", "Time is required.")
        elif ev.at > now:
            add(key, "error", "This time is in the future.")
        elif (start and ev.at < start - _DAY) or (end and ev.at > end + _DAY):
            add(key, "warning", "More than a day outside the incident window.")
        text = typed_line(ev.text)
        if not text:
            add(key, "error", "Event text is required.")
        elif _placeholder(text):
            add(key, "error", f"Event text looks like a template placeholder ({text!r}).")
        if typed_line(ev.actor) and _placeholder(typed_line(ev.actor)):
            add(key, "warning", f"Actor {typed_line(ev.actor)!r} reads as a placeholder: left out.")
    seen: set[str] = set()
    for i, factor in enumerate(draft.factors):
        text = typed_line(factor.text).lower()
        if not text:
            add(f"factors[{i}]", "error", "Empty factor: fill it in or remove the row.")
        elif _placeholder(text):
            add(
                f"factors[{i}]",
                "error",
                f"{factor.text.strip()!r} reads as a template placeholder.",
            )
        elif text in seen:
            add(f"factors[{i}]", "error", "Same factor listed twice: remove one.")
        seen.add(text)

    if not draft.actions:
        add("actions", "error", "At least one action item is required.")
    for i, action in enumerate(draft.actions):
        key = f"actions[{i}]"
        missing = [
            label
            for label, value in (
                ("text", typed_line(action.text)),
                ("owner", typed_line(action.owner)),
                ("due date", action.due_date),
                ("tracking reference", typed_line(action.tracking_ref)),
            )
            if not value
        ]
        if missing:
            add(
                key,
                "error",
                f"Action needs {', '.join(missing)} (seeds/003: every action tracked).",
            )
        for label, value in (
            ("text", action.text),
            ("owner", action.owner),
            ("tracking reference", action.tracking_ref),
        ):
            if typed_line(value) and _placeholder(typed_line(value)):
                add(key, "error", f"Action {label} still looks like a placeholder ({value!r}).")
        if typed_line(action.owner) and owner_name(typed_line(action.owner)) is None:
            add(key, "error", f"{action.owner!r} is not an owner: name a person or a team.")
        ref = action.tracking_ref.strip()
        if ref and extract_tracking_ref(ref) != ref:
            add(
                key,
                "error",
                f"Tracking reference {ref!r} is not a ticket key (OPS-123), URL or #123: "
                "pmkit would count the action as untracked.",
            )

    for name in TEXT_FOR_HINTS:
        for line in typed_lines(getattr(draft, name)):
            if _placeholder(line):
                add(name, "warning", f"The line {line!r} reads as template text: it is left out.")
    for name, reads in (("responders", owner_name), ("services", _value)):
        seen = set()
        for value in map(typed_line, getattr(draft, name)):
            if value and reads(value) is None:
                add(name, "warning", f"{value!r} reads as a placeholder: left out.")
            elif value in seen:
                add(name, "warning", f"{value!r} is listed twice: read once.")
            seen.add(value)

    texts = [(name, getattr(draft, name)) for name in TEXT_FOR_HINTS]
    texts += [(f"factors[{i}]", f.text) for i, f in enumerate(draft.factors)]
    texts += [(f"timeline[{i}]", e.text) for i, e in enumerate(draft.timeline)]
    for name, text in texts:
        for hint in blame_hints(text or ""):
            add(name, "warning", f"Blameless wording: {_hint_text(hint)}")
    return out


def _value(value: str) -> str | None:
    """``value`` as pmkit reads it: None for a placeholder."""
    return None if _placeholder(value) else value


def _placeholder(value: str) -> bool:
    """``TBD``, ``[Name]``, ``YYYY-MM-DD``...: the parser would read these as blanks."""
    return find_placeholder(value) is not None


def has_errors(messages: dict[str, list[Message]]) -> bool:
    return any(m.level == "error" for ms in messages.values() for m in ms)


_DAY = datetime(2000, 1, 2) - datetime(2000, 1, 1)
