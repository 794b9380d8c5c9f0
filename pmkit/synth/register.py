"""An incident register for a synthetic corpus, in every export format pmkit reads.

Each team keeps its incidents in one tool (Payments: PagerDuty, Platform: Opsgenie, Identity:
incident.io, Data: Jira, Edge: a generic JSON export), so the exports together cover the
corpus once. Every postmortem of the corpus has its incident in its team's export; for shapes
that write an incident id, the export carries it as the tool's internal id, so they match by
id; the others match by service and time. Besides those, ``orphans`` incidents have no
postmortem at all, in planned categories: required and past the draft target, required and
still within it, not required by seeds/003's policy, and ones the policy cannot judge from
what the tool exports. :class:`RegisterTruth` says which are owed at ``end`` and by how many
days: what ``pmkit owed`` and the reports must show, exactly.

Its own ``random.Random``, derived from the corpus seed, draws everything here: the corpus
files stay byte-for-byte what they were.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pmkit.register.match import searchable
from pmkit.synth import vocab
from pmkit.synth.corpus import GeneratedIncident, render

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
ORPHANS = 28
_WRITES_ID = ("seed-001", "seed-002", "seed-004")
"""Shapes whose files write the incident id (``INC-YYYYMMDD-NNN``)."""
_INCIDENTIO_SEVERITY = {0: "Critical", 1: "Major", 2: "Minor", 3: "Low", 4: "Low"}


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


def _uid(rng: random.Random, n: int = 7) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(n))


def _severity(level: int | None, tool: str) -> str:
    if level is None:
        return ""
    if tool == "incidentio":
        return _INCIDENTIO_SEVERITY[level]
    if tool == "jira":
        return f"SEV-{level}"
    if tool == "generic":
        return f"SEV{level}"
    return f"P{level}"


def _clear(
    start: datetime, end: datetime, service: str, busy: list[tuple[datetime, datetime, set[str]]]
) -> bool:
    """No postmortem of ``service`` within a day of [start, end] (so nothing overlaps it)."""
    margin = timedelta(days=1)
    return not any(
        service in svcs and s - margin <= end and start <= e + margin for s, e, svcs in busy
    )


def generate_register(incidents: list[GeneratedIncident], seed: int, end: date) -> RegisterTruth:
    """The register of a generated corpus (see the module docstring)."""
    rng = random.Random(f"pmkit-register-{seed}")
    truth = RegisterTruth(end=end)
    texts = "\n".join(render(g) for g in incidents)
    busy = []
    counters = {tool: 0 for tool in FILES}
    for g in incidents:
        if g.unfilled:
            continue
        t = g.truth
        busy.append((t.started_at, t.resolved_at, set(t.services)))
        tool = TOOLS[t.team]
        counters[tool] += 1
        other = t.incident_id if t.shape in _WRITES_ID else _uid(rng)
        truth.rows.append(
            RegisterRow(
                tool=tool,
                key=_key(tool, counters[tool]),
                title=t.title,
                level=t.severity_level,
                started_at=t.started_at + timedelta(minutes=rng.randint(0, 4)),
                resolved_at=t.resolved_at + timedelta(minutes=rng.randint(0, 4)),
                service=t.services[0],
                team=t.team,
                owner=t.owner if not t.owner.startswith("@") else t.owner_handle,
                other_id=other,
                tags=("systemic-gap",) if rng.random() < 0.2 else (),
                customer_impact=True,
                postmortem=g.path,
            )
        )
    plan = (["late"] * 14 + ["within"] * 4 + ["not-required"] * 7 + ["cannot-tell"] * 3)[:ORPHANS]
    end_dt = datetime(end.year, end.month, end.day)
    start_dt = min((s for s, _, _ in busy), default=end_dt - timedelta(days=365))
    for n, category in enumerate(plan):
        while True:
            service, team = rng.choice(vocab.SERVICES)
            tool = TOOLS[team]
            if category == "within":  # resolved on the as-of day: due after it
                resolved = end_dt + timedelta(hours=rng.randint(2, 22))
            else:
                days = rng.randint(3, max(4, (end_dt - start_dt).days - 1))
                resolved = end_dt - timedelta(days=days, minutes=rng.randint(0, 1439))
            level, minutes, tags, impact = _orphan(rng, category, tool)
            if level is None:
                continue  # this tool cannot express that category: draw again
            started = resolved - timedelta(minutes=minutes)
            if _clear(started, resolved, service, busy):
                break
        counters[tool] += 1
        key = _key(tool, 900 + counters[tool])
        other = _uid(rng)
        while _written(other, texts):
            other = _uid(rng)
        assert not _written(key, texts), f"orphan id {key} is written in a postmortem"
        busy.append((started, resolved, {service}))
        title = rng.choice(vocab.TITLE_TEMPLATES).replace("{svc}", service)
        person = rng.choice(vocab.PEOPLE)[0]
        truth.rows.append(
            RegisterRow(
                tool,
                key,
                title,
                level,
                started,
                resolved,
                service,
                team,
                person,
                other,
                tags,
                impact,
                None,
                category,
            )
        )
        del n
    return truth


def _written(value: str, texts: str) -> bool:
    """Whether matching would find ``value`` in the postmortems (see pmkit.register.match)."""
    if not searchable(value):
        return False
    return re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", texts, re.I) is not None


def _key(tool: str, n: int) -> str:
    return {
        "pagerduty": str(4000 + n),
        "opsgenie": str(700 + n),
        "incidentio": f"INC-{5000 + n}",
        "jira": f"INCD-{n}",
        "generic": f"EDGE-INC-{n}",
    }[tool]


def _orphan(
    rng: random.Random, category: str, tool: str
) -> tuple[int | None, int, tuple[str, ...], bool | None]:
    """(level, minutes, tags, customer impact) an orphan of ``category`` gets in ``tool``;
    level None when the tool's export cannot express the category. What each tool exports:
    tags in Opsgenie and Jira only, customer impact in incident.io and the generic one only."""
    has_tags = tool in ("opsgenie", "jira")
    has_impact = tool in ("incidentio", "generic")
    if category in ("late", "within"):
        kind = rng.choice(("p0", "p1-long", "p2-flagged") if has_tags else ("p0", "p1-long"))
        if kind == "p0":
            return 0, rng.randint(10, 300), (), True if has_impact else None
        if kind == "p1-long":
            return 1, rng.randint(16, 400), (), False if has_impact else None
        return (
            2,
            rng.randint(20, 200),
            (rng.choice(("systemic-gap", "security", "repeatable-failure")),),
            None,
        )
    if category == "not-required":
        kind = rng.choice(
            ("p3", "p2-unflagged", "p1-short") if (has_tags or has_impact) else ("p3",)
        )
        if kind == "p2-unflagged" and not has_tags:
            kind = "p1-short"
        if kind == "p1-short" and not has_impact:
            kind = "p3"
        if kind == "p3":
            return 3, rng.randint(5, 120), (), False if has_impact else None
        if kind == "p2-unflagged":
            return 2, rng.randint(20, 200), ("db",), None
        return 1, rng.randint(3, 15), (), False
    # cannot tell: a P2 where the export has no tags, or a short P1 where it has no impact
    if has_tags and not has_impact:
        return 1, rng.randint(3, 15), (), None
    if not has_tags:
        return 2, rng.randint(20, 200), (), True if has_impact else None
    return None, 0, (), None


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _jira_date(at: datetime) -> str:
    """``26/Mar/26 9:00 AM`` in Europe/Berlin, as Jira writes it (no zone named)."""
    from dateutil import tz

    local = at.replace(tzinfo=tz.UTC).astimezone(tz.gettz(JIRA_ZONE))
    return local.strftime("%d/%b/%y %I:%M %p").replace(" 0", " ")


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def render_register(truth: RegisterTruth) -> dict[str, str]:
    """File name -> text of each tool's export (rows in order of resolution)."""
    by_tool: dict[str, list[RegisterRow]] = {tool: [] for tool in FILES}
    for r in sorted(truth.rows, key=lambda r: (r.resolved_at, r.key)):
        by_tool[r.tool].append(r)
    out = {}
    out[FILES["pagerduty"]] = _csv(
        [
            "id",
            "incident_number",
            "title",
            "status",
            "urgency",
            "priority_name",
            "service_name",
            "team_name",
            "created_at",
            "resolved_at",
            "html_url",
        ],
        [
            [
                r.other_id,
                r.key,
                r.title,
                "resolved",
                "high" if (r.level or 9) <= 1 else "low",
                _severity(r.level, "pagerduty"),
                r.service,
                r.team,
                _iso(r.started_at),
                _iso(r.resolved_at),
                f"https://example.pagerduty.com/incidents/{r.other_id}",
            ]
            for r in by_tool["pagerduty"]
        ],
    )
    out[FILES["opsgenie"]] = _csv(
        [
            "id",
            "tinyId",
            "message",
            "status",
            "priority",
            "tags",
            "createdAt",
            "impactStartDate",
            "impactEndDate",
            "ownerTeam",
            "impactedServices",
        ],
        [
            [
                r.other_id,
                r.key,
                r.title,
                "resolved",
                _severity(r.level, "opsgenie"),
                ", ".join(r.tags),
                _iso(r.started_at),
                _iso(r.started_at),
                _iso(r.resolved_at),
                r.team,
                r.service,
            ]
            for r in by_tool["opsgenie"]
        ],
    )
    out[FILES["incidentio"]] = _csv(
        [
            "id",
            "reference",
            "name",
            "incident_status",
            "severity",
            "reported_at",
            "resolved_at",
            "affected_services",
            "incident_lead",
            "customer_impact",
            "permalink",
        ],
        [
            [
                r.other_id,
                r.key,
                r.title,
                "Closed",
                _severity(r.level, "incidentio"),
                _iso(r.started_at),
                _iso(r.resolved_at),
                r.service,
                r.owner,
                "" if r.customer_impact is None else ("Yes" if r.customer_impact else "No"),
                f"https://app.incident.io/example/incidents/{r.key.split('-')[1]}",
            ]
            for r in by_tool["incidentio"]
        ],
    )
    out[FILES["jira"]] = _csv(
        [
            "Summary",
            "Issue key",
            "Issue id",
            "Issue Type",
            "Status",
            "Priority",
            "Custom field (Severity)",
            "Assignee",
            "Created",
            "Resolved",
            "Component/s",
            "Labels",
            "Labels",
        ],
        [
            [
                r.title,
                r.key,
                r.other_id,
                "Incident",
                "Done",
                "High" if (r.level or 9) <= 1 else "Medium",
                _severity(r.level, "jira"),
                r.owner,
                _jira_date(r.started_at),
                _jira_date(r.resolved_at),
                r.service,
                *(list(r.tags) + ["", ""])[:2],
            ]
            for r in by_tool["jira"]
        ],
    )
    items = [
        {
            "Ticket": r.key,
            "Ref": r.other_id,
            "Summary": r.title,
            "Sev": _severity(r.level, "generic"),
            "Opened": _iso(r.started_at),
            "Closed": _iso(r.resolved_at),
            "System": r.service,
            "Team": r.team,
            "Owner": r.owner,
            "CustomerImpact": None
            if r.customer_impact is None
            else ("yes" if r.customer_impact else "no"),
        }
        for r in by_tool["generic"]
    ]
    out[FILES["generic"]] = json.dumps({"incidents": items}, indent=1) + "\n"
    return out


def write_register(
    incidents: list[GeneratedIncident], seed: int, end: date, out: Path | str
) -> RegisterTruth:
    """Generate the register of ``incidents`` and write one file per tool under ``out``."""
    truth = generate_register(incidents, seed, end)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    for name, text in render_register(truth).items():
        (root / name).write_bytes(text.encode("utf-8"))
    return truth
