"""One document, one or several incidents: builds the Postmortem(s) from what the readers found.

A file holds several incidents when its title says so ("multiple outages", "a series of
incidents") and its timeline has a dated subsection per incident; each gets its own timeline and
milestones, and the first carries the document's narrative, actions and factors so they are
counted once.
"""

from __future__ import annotations

import re
from datetime import date

from pmkit.model import Postmortem
from pmkit.normalize.times import parse_duration_minutes, parse_timeframe
from pmkit.parse import identity, narrative
from pmkit.parse.actions import read_actions
from pmkit.parse.chronology import read_document_timeline
from pmkit.parse.context import Document
from pmkit.parse.inline import plain
from pmkit.parse.keyvalues import key_values
from pmkit.parse.milestones import read_field_milestones, read_other_milestones
from pmkit.parse.people import responders
from pmkit.parse.textdates import leading_date
from pmkit.parse.timeline import read_timeline
from pmkit.parse.tree import Section

_MULTI_TITLE = re.compile(
    r"\b(multiple|several|series of|recurring)\b.*\b(outages|incidents)\b", re.IGNORECASE
)


def read_incident(doc: Document) -> Postmortem:
    """The document read as one incident."""
    title = identity.title(doc)
    base = identity.base_date(doc, title)
    pm = Postmortem(incident_id=identity.incident_id(doc), title=title, line=1)
    identity.severity(doc, pm)
    identity.status_owner_team(doc, pm)
    read_field_milestones(doc, pm, base or doc.weak_date)
    drafted = doc.stamp("drafted")
    if drafted:
        pm.drafted_at, pm.drafted_source = drafted, "field"
    reviewed = doc.stamp("reviewed")
    if reviewed:
        pm.reviewed_at, pm.reviewed_source = reviewed, "field"
    pm.services = identity.services(doc)
    pm.responders = responders(doc)
    narrative.read_narrative(doc, pm)
    pm.actions = read_actions(
        doc.sections.get("actions", []) + doc.pseudo.get("actions", []), doc.md.refdefs
    )
    day = pm.started_at.date() if pm.started_source == "field" and pm.started_at else base
    reader = read_document_timeline(doc, day or doc.weak_date)
    pm.timeline = reader.events
    doc.issues.extend(reader.issues)
    read_other_milestones(doc, pm, reader, base)
    return pm


def split_incidents(doc: Document, pm: Postmortem) -> list[Postmortem]:
    """Several incidents in one file, when the title says so and the timeline has a dated
    subsection per incident."""
    title = " ".join(filter(None, [pm.title, doc.md.front_matter or ""]))
    if not _MULTI_TITLE.search(title):
        return [pm]
    dated = [
        child
        for s in doc.sections.get("timeline", [])
        for child in s.children
        if leading_date(plain(child.title))
    ]
    if len(dated) < 2:
        return [pm]
    out: list[Postmortem] = []
    for n, child in enumerate(dated, start=1):
        d = leading_date(plain(child.title))
        sub = Postmortem(
            incident_id=f"{pm.incident_id}#{n}",
            title=f"{pm.title}: {plain(child.title)}",
            severity_label=pm.severity_label,
            severity_scheme=pm.severity_scheme,
            severity_level=pm.severity_level,
            status=pm.status,
            owner=pm.owner,
            team=pm.team,
            incident_date=d,
            services=list(pm.services),
            responders=list(pm.responders),
            drafted_at=pm.drafted_at,
            drafted_source=pm.drafted_source,
            line=child.line,
        )
        reader = read_timeline([child], d, doc.tz_hint())
        sub.timeline = reader.events
        doc.issues.extend(reader.issues)
        _sub_milestones(sub, child, d)
        if n == 1:
            sub.executive_summary, sub.root_cause, sub.customer_impact = (
                pm.executive_summary,
                pm.root_cause,
                pm.customer_impact,
            )
            sub.trigger, sub.lessons = pm.trigger, pm.lessons
            sub.actions, sub.factors = pm.actions, pm.factors
        out.append(sub)
    return out


def _sub_milestones(sub: Postmortem, child: Section, d: date | None) -> None:
    """A per-incident ``**Duration:** 21:45 - 23:28 UTC`` line inside its subsection."""
    for kv in key_values(child, None, None):
        if kv.field == "duration":
            s, e = parse_timeframe(kv.value, base_date=d)
            if s and e:
                sub.started_at, sub.resolved_at = s.at, e.at
                sub.started_source = sub.resolved_source = "field"
                sub.duration_minutes = (e.at - s.at).total_seconds() / 60
                sub.duration_source = "field"
            minutes = parse_duration_minutes(kv.value)
            if minutes is not None and sub.duration_minutes is None:
                sub.duration_minutes, sub.duration_source = minutes, "field"
            break
