"""Match register incidents to postmortems: by an id written in the postmortem, else by a
service in common and overlapping times. Never a silent guess: when several postmortems fit,
every one is listed as ``ambiguous``; each row says why.

- **By id**: the register's incident key (``INC-42``, ``OPS-7``), its other ids (PagerDuty's
  ``PT4KHLK``) or its URL appear in the postmortem, as its incident id or anywhere in its text,
  as a whole token. Only ids with a digit and at least 5 characters are searched in text (a
  bare ``42`` is in every document); a bare number counts only as the postmortem's own
  incident id. An id found in a postmortem whose dates are more than ``max_id_days`` away is
  listed as ambiguous (it may be a mention of an earlier incident), not taken.
- **By overlap**: no postmortem names it, and exactly one postmortem lists one of its services
  and overlaps its start-to-resolution time, each end widened by ``slack_minutes`` (a
  postmortem known only by its day covers the whole day). Several register incidents may
  match one postmortem this way: one outage paged twice has one postmortem.

Pure: records in, records out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from pmkit.register.model import RegisterIncident

Status = Literal["matched", "ambiguous", "none"]
SLACK_MINUTES = 60
MAX_ID_DAYS = 7

_TOKEN = re.compile(r"https?://[^\s<>()\"'`\]]+|[A-Za-z0-9][A-Za-z0-9_\-]*")


@dataclass(frozen=True)
class PostmortemRef:
    """What matching needs of one postmortem (an ``incidents`` row and its file's text)."""

    path: str
    incident_id: str
    started_at: datetime | None = None
    resolved_at: datetime | None = None
    day: date | None = None
    services: tuple[str, ...] = ()
    text: str = field(default="", repr=False)
    root: str = ""
    """The corpus folder the file was ingested from: (root, path) is the file."""


@dataclass(frozen=True)
class Match:
    """One row of ``register_matches``: a register incident and one postmortem (or none)."""

    source: str
    key: str
    status: Status
    method: Literal["id", "overlap"] | None
    reason: str
    path: str | None = None
    incident_id: str | None = None
    root: str | None = None


def _norm(token: str) -> str:
    return token.casefold().rstrip(".,;:!?/")


def searchable(value: str) -> bool:
    """An id worth looking for in prose: a URL, or 5+ characters with a digit."""
    value = value.strip()
    if value.lower().startswith(("http://", "https://")):
        return True
    return len(value) >= 5 and any(c.isdigit() for c in value) and not value.isdigit()


def _keys(incident: RegisterIncident) -> list[str]:
    return [k for k in (incident.key, *incident.other_ids, incident.url or "") if k]


def _interval(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime] | None:
    if start is None and end is None:
        return None
    return (start or end, end or start)  # type: ignore[return-value]


def _pm_interval(pm: PostmortemRef) -> tuple[datetime, datetime] | None:
    span = _interval(pm.started_at, pm.resolved_at)
    if span is None and pm.day is not None:
        start = datetime(pm.day.year, pm.day.month, pm.day.day)
        return (start, start + timedelta(days=1))
    return span


def _when(pm: PostmortemRef) -> datetime | None:
    span = _pm_interval(pm)
    return span[0] if span else None


def _fmt(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at else "?"


def match(
    register: Sequence[RegisterIncident],
    postmortems: Sequence[PostmortemRef],
    slack_minutes: float = SLACK_MINUTES,
    max_id_days: float = MAX_ID_DAYS,
) -> list[Match]:
    """Every register incident with its postmortem(s), in register order."""
    wanted: dict[str, list[tuple[int, str]]] = {}
    for i, inc in enumerate(register):
        for k in _keys(inc):
            if searchable(k):
                wanted.setdefault(_norm(k), []).append((i, k))
    own_id: dict[str, list[int]] = {}
    found: dict[int, dict[int, str]] = {}  # register index -> postmortem index -> how
    for j, pm in enumerate(postmortems):
        own_id.setdefault(pm.incident_id.casefold(), []).append(j)
        if not wanted:
            continue
        for token in {_norm(t) for t in _TOKEN.findall(pm.text)}:
            for i, k in wanted.get(token, ()):
                found.setdefault(i, {}).setdefault(j, f"{k} written in {pm.path}")
    for i, inc in enumerate(register):
        for k in _keys(inc):
            for j in own_id.get(k.casefold(), ()):
                found.setdefault(i, {})[j] = f"its incident id is {k}"
    slack = timedelta(minutes=slack_minutes)
    by_service: dict[str, list[int]] = {}
    for j, pm in enumerate(postmortems):
        for svc in {s.strip().casefold() for s in pm.services if s.strip()}:
            by_service.setdefault(svc, []).append(j)

    out: list[Match] = []
    for i, inc in enumerate(register):
        span = _interval(inc.started_at, inc.resolved_at)
        ids = found.get(i, {})
        if ids:
            near: list[tuple[int, str, float | None]] = []
            far: list[tuple[int, str, float | None]] = []
            for j, how in ids.items():
                when = _when(postmortems[j])
                gap = abs((when - span[0]).total_seconds()) / 86400 if when and span else None
                (far if gap is not None and gap > max_id_days else near).append((j, how, gap))
            if len(near) == 1:
                j, how, _ = near[0]
                pm = postmortems[j]
                out.append(
                    Match(
                        inc.source, inc.key, "matched", "id", how, pm.path, pm.incident_id, pm.root
                    )
                )
                continue
            rows = near or far
            for j, how, gap in rows:
                pm = postmortems[j]
                why = (
                    f"{how}, as in {len(rows)} postmortems"
                    if len(rows) > 1
                    else f"{how}, but its dates are {gap:.0f} days apart"
                )
                out.append(
                    Match(
                        inc.source,
                        inc.key,
                        "ambiguous",
                        "id",
                        why,
                        pm.path,
                        pm.incident_id,
                        pm.root,
                    )
                )
            continue
        services = sorted({s.strip().casefold() for s in inc.services if s.strip()})
        if not services or span is None:
            lacking = "no service" if not services else "no time"
            out.append(
                Match(
                    inc.source,
                    inc.key,
                    "none",
                    None,
                    f"no postmortem names it; {lacking} in the register to match on",
                )
            )
            continue
        hits = []
        for j in sorted({j for s in services for j in by_service.get(s, ())}):
            other = _pm_interval(postmortems[j])
            if other and span[0] - slack <= other[1] and other[0] <= span[1] + slack:
                hits.append(j)
        where = f"{', '.join(services)} {_fmt(span[0])} to {_fmt(span[1])}"
        if not hits:
            out.append(
                Match(
                    inc.source, inc.key, "none", None, f"no postmortem names it or overlaps {where}"
                )
            )
            continue
        status: Status = "matched" if len(hits) == 1 else "ambiguous"
        for j in hits:
            pm = postmortems[j]
            why = f"same service, overlapping {where}"
            if status == "ambiguous":
                why += f" (one of {len(hits)} postmortems)"
            out.append(
                Match(inc.source, inc.key, status, "overlap", why, pm.path, pm.incident_id, pm.root)
            )
    return out
