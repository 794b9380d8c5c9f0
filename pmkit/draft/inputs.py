"""What the form's boxes say, read into a ``Draft``: times, days, lists, and the timeline's bare
times dated from the row above. Pure: no widgets (the form hands over the values), so each rule
is tested alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pmkit.draft.model import Draft, DraftAction, DraftEvent, DraftFactor, DraftStatus
from pmkit.draft.validate import Message

TIME_FIELDS: tuple[str, ...] = ("started_at", "detected_at", "mitigated_at", "resolved_at")
"""The draft's times, one box each, in the form's order."""
_BARE_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?\s*(?:UTC|Z)?$", re.IGNORECASE)
BACKWARD_LIMIT = timedelta(hours=12)
"""A bare time more than this before the previous row's time is on the next day (the timeline
crossed midnight); less, and it is the same day (rows are not always in order)."""


def parse_time(text: str) -> datetime | None:
    """``2026-03-04 14:05`` (UTC; ``T``, seconds, ``Z``/``UTC``/offsets accepted) -> naive UTC at
    minute precision. Empty -> None; anything else raises ``ValueError``."""
    text = text.strip()
    if not text:
        return None
    for suffix in (" UTC", "UTC", "Z"):
        if text.upper().endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    value = datetime.fromisoformat(text)
    if len(text) <= 10:
        raise ValueError("a time is needed, not only a date")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(second=0, microsecond=0)


def bare_time(text: str) -> time | None:
    """``14:07`` (``14:07:30``, ``14:07 UTC``) -> a time of day; anything else -> None."""
    m = _BARE_TIME.match(text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return time(int(m.group(1)), int(m.group(2)))


def date_bare_time(at: time, previous: datetime) -> datetime:
    """A bare timeline time on the day of ``previous`` (the start, or the row above), one day
    later when that would put it more than ``BACKWARD_LIMIT`` before ``previous``: a timeline
    that crosses midnight goes forward."""
    value = datetime.combine(previous.date(), at)
    return value + timedelta(days=1) if value < previous - BACKWARD_LIMIT else value


def parse_day(text: str) -> date | None:
    text = text.strip()
    return date.fromisoformat(text) if text else None


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _status(value: str) -> DraftStatus:
    """An action's status as the dropdown gives it (one of ``ACTION_STATUSES``)."""
    if value == "in_progress":
        return "in_progress"
    return "done" if value == "done" else "open"


@dataclass
class DraftRead:
    """The draft the widgets describe, the values that could not be read, and how bare
    timeline times were dated (row index -> the full time)."""

    draft: Draft
    bad: dict[str, list[Message]] = field(default_factory=dict)
    dated: dict[int, datetime] = field(default_factory=dict)


EventValues = tuple[str, str, str]
"""A timeline row as typed: time, event, actor."""
ActionValues = tuple[str, str, str, str, str, str]
"""An action row as typed: text, owner, due date, status, tracking reference, kind."""


def read_draft(
    values: dict[str, Any],
    events: list[EventValues],
    factors: list[str],
    actions: list[ActionValues],
) -> DraftRead:
    """The draft from the form's values (``values``: each named box's value), with a message
    for every value that cannot be read."""
    v = values
    out = DraftRead(Draft())
    bad = out.bad

    def time_of(key: str, text: str) -> datetime | None:
        try:
            return parse_time(text)
        except ValueError:
            bad.setdefault(key, []).append(Message("error", "Use YYYY-MM-DD HH:MM (UTC)."))
            return None

    def day_of(key: str, text: str) -> date | None:
        try:
            return parse_day(text)
        except ValueError:
            bad.setdefault(key, []).append(Message("error", "Use a date: YYYY-MM-DD."))
            return None

    draft = Draft(
        title=v["title"],
        severity=v["severity"] or "",
        status=v["status"],
        owner=v["owner"],
        responders=split_list(v["responders"]),
        services=split_list(v["services"]),
        summary=v["summary"],
        impact=v["impact"],
        root_cause=v["root_cause"],
        lessons=v["lessons"],
        drafted_on=day_of("drafted_on", v["drafted_on"]),
        started_at=time_of("started_at", v["started_at"]),
        detected_at=time_of("detected_at", v["detected_at"]),
        mitigated_at=time_of("mitigated_at", v["mitigated_at"]),
        resolved_at=time_of("resolved_at", v["resolved_at"]),
    )
    previous = draft.started_at
    for i, (when, text, actor) in enumerate(events):
        key = f"timeline[{i}]"
        clock = bare_time(when)
        at: datetime | None
        if clock is not None and previous is None:
            bad.setdefault(key, []).append(
                Message("error", "A time alone is dated from the start: set the start time.")
            )
            at = None
        elif clock is not None and previous is not None:
            at = date_bare_time(clock, previous)
            out.dated[i] = at
        else:
            try:
                at = parse_time(when)
            except ValueError:
                bad.setdefault(key, []).append(
                    Message("error", "Use HH:MM or YYYY-MM-DD HH:MM (UTC).")
                )
                at = None
        previous = at or previous
        draft.timeline.append(DraftEvent(at, text, actor))
    draft.factors = [DraftFactor(text) for text in factors]
    for i, (text, owner, due, status, tracking, kind) in enumerate(actions):
        draft.actions.append(
            DraftAction(
                text=text,
                owner=owner,
                due_date=day_of(f"actions[{i}]", due),
                status=_status(status),
                tracking_ref=tracking,
                kind="long_term" if kind == "long_term" else "short_term",
            )
        )
    out.draft = draft
    return out
