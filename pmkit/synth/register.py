"""An incident register for a synthetic corpus, in every export format pmkit reads.

Each team keeps its incidents in one tool (Payments: PagerDuty, Platform: Opsgenie, Identity:
incident.io, Data: Jira, Edge: a generic JSON export), so the exports together cover the
corpus once. Every postmortem of the corpus has its incident in its team's export; for shapes
that write an incident id, the export carries it as the tool's internal id, so they match by
id; the others match by service and time. Besides those, ``orphans`` incidents have no
postmortem at all, in planned categories: required and past the draft target, required and
still within it, not required by seeds/003's policy, and ones the policy cannot judge from
what the tool exports. :class:`RegisterTruth` (``register_model``) says which are owed at ``end`` and by how many
days: what ``pmkit owed`` and the reports must show, exactly.

Its own ``random.Random``, derived from the corpus seed, draws everything here: the corpus
files stay byte-for-byte what they were.
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from pmkit.register.match import searchable
from pmkit.synth import vocab
from pmkit.synth.corpus import GeneratedIncident, render
from pmkit.synth.register_files import render_register
from pmkit.synth.register_model import (
    DRAFT_HOURS,
    FILES,
    JIRA_ZONE,
    TOOLS,
    RegisterRow,
    RegisterTruth,
)

ORPHANS = 28
_WRITES_ID = ("seed-001", "seed-002", "seed-004")
"""Shapes whose files write the incident id (``INC-YYYYMMDD-NNN``)."""


def _uid(rng: random.Random, n: int = 7) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(n))


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


__all__ = [
    "DRAFT_HOURS",
    "FILES",
    "JIRA_ZONE",
    "TOOLS",
    "RegisterRow",
    "RegisterTruth",
    "generate_register",
    "render_register",
    "write_register",
]
