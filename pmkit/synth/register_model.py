"""What a synthetic register is made of: which tool each team exports from, the export files,
and each incident with what pmkit must conclude about it (``RegisterTruth``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

TOOLS: dict[str, str] = {
    "Payments": "pagerduty",
    "Platform": "opsgenie",
    "Identity": "incidentio",
    "Data": "jira",
    "Edge": "generic",
}
"""Which tool each team's incidents are exported from."""
FILES: dict[str, str] = {
    "pagerduty": "pagerduty-incidents.csv",
    "opsgenie": "opsgenie-incidents.csv",
    "incidentio": "incidentio-incidents.csv",
    "jira": "jira-issues.csv",
    "generic": "edge-incidents.json",
}
JIRA_ZONE = "Europe/Berlin"
"""The zone the Jira export's dates are written in (it names none): ``[register]`` says so."""
DRAFT_HOURS = 48


@dataclass
class RegisterRow:
    """One incident in one tool's export, with what pmkit must conclude about it."""

    tool: str
    key: str
    title: str
    level: int | None
    started_at: datetime
    resolved_at: datetime
    service: str
    team: str
    owner: str
    other_id: str
    tags: tuple[str, ...] = ()
    customer_impact: bool | None = None
    postmortem: str | None = None
    """The path of its postmortem in the corpus; None for an orphan."""
    category: str = "postmortem"
    """``postmortem``, ``late``, ``within``, ``not-required`` or ``cannot-tell``."""


@dataclass
class RegisterTruth:
    rows: list[RegisterRow] = field(default_factory=list)
    end: date = date(2026, 11, 16)

    def owed(self) -> dict[str, int]:
        """key -> whole days past the 48 h draft target at the end of ``end`` (0: not yet)."""
        end_of_day = datetime(self.end.year, self.end.month, self.end.day) + timedelta(days=1)
        out = {}
        for r in self.rows:
            if r.category in ("late", "within"):
                hours = (end_of_day - r.resolved_at).total_seconds() / 3600 - DRAFT_HOURS
                out[r.key] = max(0, math.floor(hours / 24))
        return out
