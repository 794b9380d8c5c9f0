"""Plain dataclasses for a parsed postmortem.

The parser fills these; the store writes them to DuckDB. Neither side knows the other, so the
model is the contract between them. Times are naive ``datetime`` values in UTC (the store writes
them to ``TIMESTAMP`` columns); dates are ``date``. Missing values are ``None``, never a guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Level = Literal["error", "warning", "info"]
ActionStatus = Literal["open", "in_progress", "done", "unknown"]
ActionKind = Literal["short_term", "long_term", "preventive", "detection", "process", "unspecified"]
ACTION_KINDS: tuple[str, ...] = (
    "short_term",
    "long_term",
    "preventive",
    "detection",
    "process",
    "unspecified",
)


@dataclass
class ParseIssue:
    """A problem found while reading a file; never fatal, always traceable to a line."""

    field: str
    """Which field or part of the document the issue concerns (``severity``, ``encoding``...)."""
    level: Level
    message: str
    line: int | None = None
    """1-based line in the file, when known."""
    incident_id: str | None = None


@dataclass
class TimelineEvent:
    seq: int
    """Position in the document's timeline, from 1."""
    occurred_at: datetime | None
    """UTC, naive; None when the time could not be read (``time_text`` keeps what was written)."""
    time_text: str
    event: str
    actor: str | None = None
    line: int | None = None
    occurred_on: date | None = None
    """The event's day: the UTC date of ``occurred_at`` when the time was read, the date as
    written for a row that gives a date and no time (``2023-03-03: image pushed``), None when no
    day is known. A date-only row has ``occurred_on`` and no ``occurred_at``: a time of day would
    be a guess."""


@dataclass
class ActionItem:
    text: str
    action_id: str | None = None
    """The document's own id (``AI-001``, ``ACT-3``) when it has one."""
    owner: str | None = None
    due_date: date | None = None
    status: ActionStatus = "unknown"
    status_text: str | None = None
    """The status as written, before normalisation."""
    priority: str | None = None
    kind: ActionKind = "unspecified"
    tracking_ref: str | None = None
    """URL, ticket key (``ABC-123``) or ``#123``."""
    section: str | None = None
    """Heading the action sits under, as written."""
    line: int | None = None


@dataclass
class ContributingFactor:
    seq: int
    text: str
    line: int | None = None


@dataclass
class Postmortem:
    """One incident. A file usually holds one; some hold several."""

    incident_id: str
    title: str | None = None
    severity_label: str | None = None
    """As written (``SEV-2``, ``P1``, ``Critical``)."""
    severity_scheme: str | None = None
    """``P`` (P0..), ``SEV`` (SEV0..), ``word`` (critical/major/...)."""
    severity_level: int | None = None
    """0 = most severe."""
    status: str | None = None
    owner: str | None = None
    team: str | None = None
    started_at: datetime | None = None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    started_source: str | None = None
    """Where ``started_at`` came from: ``field``, ``timeline`` or ``prose``; None when unknown.
    The other four ``<milestone>_source`` attributes say the same of their milestone."""
    detected_source: str | None = None
    acknowledged_source: str | None = None
    mitigated_source: str | None = None
    resolved_source: str | None = None
    duration_minutes: float | None = None
    duration_source: str | None = None
    """``field`` when a duration is written; else, for resolved - started, the less direct of
    the two milestones' sources (``prose`` over ``timeline`` over ``field``)."""
    drafted_at: datetime | None = None
    drafted_source: str | None = None
    """``field`` or ``git``; None when unknown."""
    reviewed_at: datetime | None = None
    reviewed_source: str | None = None
    incident_date: date | None = None
    """The day the incident happened, when known even without a time."""
    services: list[str] = field(default_factory=list)
    responders: list[str] = field(default_factory=list)
    """People who worked the incident (``Responders:``, ``Participants:``, the commander)."""
    customer_impact: str | None = None
    executive_summary: str | None = None
    root_cause: str | None = None
    trigger: str | None = None
    lessons: str | None = None
    timeline: list[TimelineEvent] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)
    factors: list[ContributingFactor] = field(default_factory=list)
    line: int | None = None
    """Line where this incident starts in its file."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedDocument:
    """Everything read from one file: the incidents in it and the problems met on the way."""

    path: str
    template: str
    """Which shape the file matched: ``seed-000``, ``seed-001``, ``seed-002``, ``seed-004``,
    ``process``, ``freeform``, ``empty`` or ``unreadable``."""
    raw_text: str
    is_unfilled_template: bool = False
    is_process_doc: bool = False
    incidents: list[Postmortem] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
