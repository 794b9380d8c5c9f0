"""The draft being written: plain dataclasses, filled by the form and read by render/validate.

Times are naive ``datetime`` values in UTC at minute precision (what a person types); a missing
value is ``None`` or an empty string, never a guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

DraftKind = Literal["short_term", "long_term"]
DraftStatus = Literal["open", "in_progress", "done"]

ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "done")
ACTION_KINDS: tuple[str, ...] = ("short_term", "long_term")
DOC_STATUSES: tuple[str, ...] = ("Draft", "Reviewed", "Closed")
"""Postmortem workflow states from the seed process document (seeds/003)."""


@dataclass
class DraftEvent:
    """One timeline row."""

    at: datetime | None
    """UTC, naive."""
    text: str
    actor: str = ""


@dataclass
class DraftFactor:
    """One contributing factor, as a sentence."""

    text: str


@dataclass
class DraftAction:
    """One corrective action. Seeds/003: complete only with owner, due date and tracking link."""

    text: str
    owner: str = ""
    due_date: date | None = None
    status: DraftStatus = "open"
    tracking_ref: str = ""
    """URL, ticket key (``OPS-123``) or ``#123``."""
    kind: DraftKind = "short_term"


@dataclass
class Draft:
    """A postmortem being written. Every field is optional here; ``validate`` says what is missing."""

    title: str = ""
    severity: str = ""
    """A configured label as shown (``P1``, ``SEV2``)."""
    status: str = "Draft"
    owner: str = ""
    responders: list[str] = field(default_factory=list)
    started_at: datetime | None = None
    detected_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    services: list[str] = field(default_factory=list)
    summary: str = ""
    impact: str = ""
    root_cause: str = ""
    lessons: str = ""
    drafted_on: date | None = None
    """The day the draft was written ("Date prepared"): time-to-draft is measured from it."""
    timeline: list[DraftEvent] = field(default_factory=list)
    factors: list[DraftFactor] = field(default_factory=list)
    actions: list[DraftAction] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def draft_from_dict(data: dict[str, Any]) -> Draft:
    """The inverse of ``Draft.as_dict`` after a JSON trip (times as ISO text)."""
    plain = {
        k: v for k, v in data.items() if k not in ("timeline", "factors", "actions", "drafted_on")
    }
    for name in ("started_at", "detected_at", "mitigated_at", "resolved_at"):
        plain[name] = _time(plain.get(name))
    return Draft(
        **plain,
        drafted_on=_day(data.get("drafted_on")),
        timeline=[
            DraftEvent(_time(e.get("at")), e.get("text", ""), e.get("actor", ""))
            for e in data.get("timeline", [])
        ],
        factors=[DraftFactor(f["text"]) for f in data.get("factors", [])],
        actions=[
            DraftAction(**{**a, "due_date": _day(a.get("due_date"))})
            for a in data.get("actions", [])
        ],
    )
