"""Plain records for an incident register: the contract between the readers and the store.

Times are naive UTC ``datetime`` values; a value the export does not give is ``None``, never a
guess. ``flags`` and ``customer_impact`` are ``None`` when the export has no place for them at
all, which the policy tells apart from "the export says no".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Level = Literal["error", "warning", "info"]


@dataclass
class RegisterIncident:
    """One incident as the paging or incident tool exported it."""

    source: str
    """The export file, as given to the ingest."""
    line: int
    """Where the incident is in the file: the CSV line (header = 1) or the JSON item (from 1)."""
    format: str
    """``pagerduty``, ``opsgenie``, ``incidentio``, ``jira`` or ``generic``."""
    key: str
    """The tool's own id for the incident, as shown to people (``INC-42``, ``OPS-7``, ``1234``)."""
    title: str | None = None
    url: str | None = None
    """The incident's page in the tool, when the export has it."""
    other_ids: tuple[str, ...] = ()
    """Further ids the tool gives the incident (PagerDuty's ``PT4KHLK`` besides its number)."""
    severity_label: str | None = None
    """As written (``P1``, ``SEV-2``, ``Critical``); read with the postmortems' normalizer."""
    severity_scheme: str | None = None
    severity_level: int | None = None
    status: str | None = None
    started_at: datetime | None = None
    resolved_at: datetime | None = None
    services: list[str] = field(default_factory=list)
    team: str | None = None
    owner: str | None = None
    customer_impact: bool | None = None
    """True / False when the export says; None when it has no such column."""
    flags: tuple[str, ...] | None = None
    """Policy flags found in its tags or labels (``systemic``...); None when it has none."""

    @property
    def duration_minutes(self) -> float | None:
        if self.started_at is None or self.resolved_at is None:
            return None
        return (self.resolved_at - self.started_at).total_seconds() / 60

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RegisterIssue:
    """A problem met reading an export; the rest of the file is still read."""

    source: str
    line: int | None
    level: Level
    message: str

    def render(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.level}: {self.message}"
