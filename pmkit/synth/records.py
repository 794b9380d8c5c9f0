"""The ground-truth records of a synthetic incident: what happened, and what its rendered file
says about it, at the precision the file's shape writes it (``pmkit.synth.truth`` draws them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class TruthEvent:
    at: datetime
    """UTC, minute precision."""
    text: str
    actor: str | None
    kind: str
    """``trigger``, ``detected``, ``acknowledged``, ``update``, ``mitigated``, ``resolved``."""


@dataclass
class TruthAction:
    text: str
    """The action as written, without any ticket key or status appended by a shape."""
    kind: str
    owner: str | None
    due_date: date | None
    status: str
    """Normalised: ``open``, ``in_progress``, ``done`` or ``unknown`` (shape has no status)."""
    status_text: str | None
    """The status word as the shape writes it."""
    tracking_ref: str | None
    priority: str | None
    action_id: str | None
    verification: str | None = None


@dataclass
class IncidentTruth:
    """What happened, and what the rendered file says about it."""

    shape: str
    incident_id: str
    title: str
    severity_label: str | None
    severity_scheme: str | None
    severity_level: int | None
    started_at: datetime
    detected_at: datetime
    acknowledged_at: datetime
    mitigated_at: datetime
    resolved_at: datetime
    drafted_at: datetime | None
    """None for shapes with no drafted field (000, 002, 004)."""
    reviewed_at: datetime | None
    services: list[str]
    team: str
    owner: str
    owner_handle: str
    commander: str
    summary: str
    customer_impact: str
    root_cause: str
    trigger: str
    factor_categories: list[str]
    """The hidden category of each factor (what a classifier should find)."""
    factors: list[str]
    """Factor texts exactly as the file lists them."""
    timeline: list[TruthEvent]
    actions: list[TruthAction]
    detection_method: str = ""
    responders: list[str] = field(default_factory=list)
    went_well: list[str] = field(default_factory=list)
    went_poorly: list[str] = field(default_factory=list)
    messy: list[str] = field(default_factory=list)
    """Deliberate defects written into the file (``no-severity``, ``odd-dates``, ...)."""
    family: str | None = None
    """A planted recurrence family (``family-01``): the same failure (service and category)
    coming back in other words. None for an incident no repeat was planted on."""
    repeat_of: str | None = None
    """For a planted repeat: the path of the family's previous incident."""

    @property
    def failure(self) -> str:
        """The hidden failure category (the first factor's): with a service both list, what
        makes two incidents the same failure (see ``repeats_in_truth``)."""
        return self.factor_categories[0]

    @property
    def duration_minutes(self) -> float:
        return (self.resolved_at - self.started_at).total_seconds() / 60
