"""The built-in export formats: which column gives which field, and how to recognise a file.

Column names are compared in a squashed form (lower case, letters and digits only), so
``Issue key``, ``issue_key`` and ``issueKey`` are one name. Where each vendor's names come from
is in the README ("The incident register"); a file in none of these shapes is read with the
generic mapping, ``[register.columns]`` in ``pmkit.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

FIELDS: tuple[str, ...] = (
    "key",
    "other_ids",
    "title",
    "url",
    "severity",
    "status",
    "started",
    "resolved",
    "services",
    "team",
    "owner",
    "customer_impact",
    "tags",
    "type",
)
"""What a mapping can fill. ``key`` is required; ``started`` or ``resolved`` should be there."""
LIST_FIELDS = frozenset({"other_ids", "services", "tags"})
"""Fields that take every column named (and every repeat of a column, as Jira repeats
``Component/s``) and split cells on commas and semicolons."""


def squash(name: str) -> str:
    """``Issue key`` / ``issue_key`` / ``issueKey`` -> ``issuekey``."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


@dataclass(frozen=True)
class Format:
    """One export shape: field -> candidate columns (first present wins, in order)."""

    name: str
    columns: Mapping[str, tuple[str, ...]]
    detect: tuple[frozenset[str], ...] = ()
    """The file is in this format when its columns include every name of one of these sets."""
    include_types: tuple[str, ...] = ()
    """Only rows whose ``type`` is one of these (Jira: the incident issue type)."""
    zone_note: str = ""
    """Said once per file when its dates carry no zone and none was configured."""
    extra: Mapping[str, str] = field(default_factory=dict)

    def candidates(self, name: str) -> tuple[str, ...]:
        return tuple(squash(c) for c in self.columns.get(name, ()))


def _detect(*sets: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(squash(c) for c in s) for s in sets)


PAGERDUTY = Format(
    "pagerduty",
    {
        "key": ("incident_number",),
        "other_ids": ("id",),
        "title": ("title", "description"),
        "url": ("html_url",),
        "severity": ("priority_name", "priority"),
        "status": ("status",),
        "started": ("created_at", "created_on"),
        "resolved": ("resolved_at", "resolved_on"),
        "services": ("service_name", "service"),
        "team": ("team_name", "teams"),
        "owner": ("resolved_by_user_name",),
    },
    _detect(("incident_number", "created_at"), ("incident_number", "created_on")),
)
OPSGENIE = Format(
    "opsgenie",
    {
        "key": ("tinyId",),
        "other_ids": ("id",),
        "title": ("message",),
        "severity": ("priority",),
        "status": ("status",),
        "started": ("impactStartDate", "createdAt"),
        "resolved": ("impactEndDate",),
        "services": ("impactedServices",),
        "team": ("ownerTeam", "teams"),
        "owner": ("owner",),
        "tags": ("tags",),
    },
    _detect(("tinyId", "message", "createdAt")),
)
INCIDENTIO = Format(
    "incidentio",
    {
        "key": ("reference",),
        "other_ids": ("id",),
        "title": ("name",),
        "url": ("permalink",),
        "severity": ("severity",),
        "status": ("incident_status", "status"),
        "started": ("reported_at", "created_at"),
        "resolved": ("resolved_at", "closed_at"),
        "services": ("affected_services",),
        "team": ("affected_teams",),
        "owner": ("incident_lead",),
        "customer_impact": ("customer_impact",),
    },
    _detect(("reference", "name", "severity")),
)
JIRA = Format(
    "jira",
    {
        "key": ("Issue key", "key"),
        "other_ids": ("Issue id",),
        "title": ("Summary",),
        "url": ("url",),
        "severity": ("Custom field (Severity)", "Severity", "Priority", "priority_name"),
        "status": ("Status",),
        "started": ("Created", "created_date"),
        "resolved": ("Resolved", "resolution_date"),
        "services": ("Component/s", "components"),
        "team": ("Custom field (Team)", "Team"),
        "owner": ("Assignee", "assignee_name"),
        "tags": ("Labels",),
        "type": ("Issue Type", "issue_type"),
        "customer_impact": ("Custom field (Customer impact)",),
    },
    _detect(("Issue key", "Issue Type"), ("key", "issue_type")),
    include_types=("Incident",),
    zone_note="Jira writes dates in the exporting user's time zone without naming it",
)
BUILT_IN: dict[str, Format] = {f.name: f for f in (PAGERDUTY, OPSGENIE, INCIDENTIO, JIRA)}
FORMAT_NAMES: tuple[str, ...] = (*BUILT_IN, "generic")


class FormatError(ValueError):
    """A format that cannot be used: unknown name, columns of no known format, bad mapping."""


def generic(columns: Mapping[str, tuple[str, ...]], where: str = "[register.columns]") -> Format:
    """The generic mapping from ``[register.columns]`` (field -> column names)."""
    unknown = set(columns) - set(FIELDS) - {"id"}
    if unknown:
        raise FormatError(
            f"{where}: unknown field(s) {', '.join(sorted(unknown))} (known: id, "
            + ", ".join(f for f in FIELDS if f != "key")
            + ")"
        )
    mapped = {("key" if k == "id" else k): tuple(v) for k, v in columns.items()}
    if "key" not in mapped:
        raise FormatError(f"{where}: needs id = the column holding each incident's id")
    return Format("generic", mapped, _detect(mapped["key"]))


def detect(headers: list[str], columns: Mapping[str, tuple[str, ...]]) -> Format | None:
    """The format whose identifying columns a file has; the generic one when ``columns`` is
    configured and its id column is there; None otherwise."""
    have = {squash(h) for h in headers}
    for fmt in BUILT_IN.values():
        if any(need <= have for need in fmt.detect):
            return fmt
    if columns:
        fmt = generic(columns)
        if any(need <= have for need in fmt.detect):
            return fmt
    return None


def by_name(name: str, columns: Mapping[str, tuple[str, ...]]) -> Format:
    if name == "generic":
        return generic(columns)
    if name not in BUILT_IN:
        raise FormatError(f"unknown register format {name!r} (known: {', '.join(FORMAT_NAMES)})")
    return BUILT_IN[name]
