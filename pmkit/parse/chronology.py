"""Which parts of a document are its timeline.

The sections whose heading names a timeline, then the day headings that follow one as siblings
(``## Timeline`` then ``## May 12``, ``## 15 May``), then a "Follow-up timeline" (kept, flagged
as after the incident). When no such section has an entry, the timeline is found by its content:
the section whose list items or subheadings start with times ("Leadup", "What happened", a day
heading), else the richest dated list under a bold key ("Context", "Key events").
"""

from __future__ import annotations

from datetime import date

from pmkit.parse.context import Document
from pmkit.parse.sections import section_role
from pmkit.parse.timeline import TimelineReader, read_timeline
from pmkit.parse.timeline_clock import timed_entries
from pmkit.parse.tree import Section

_NOT_A_TIMELINE = frozenset({"actions", "lessons", "factors", "process", "followup_timeline"})


def _by_content(doc: Document) -> Section | None:
    """The section with the most entries that start with a time, when it has two or more."""
    best, best_hits = None, 1
    for section in doc.md.root.walk():
        if section.level and section_role(section.title) in _NOT_A_TIMELINE:
            continue
        hits = timed_entries(section)
        if hits > best_hits:
            best, best_hits = section, hits
    return best


def read_document_timeline(doc: Document, base: date | None) -> TimelineReader:
    sections = doc.sections.get("timeline", [])
    reader = read_timeline(
        sections,
        base,
        doc.tz_hint(),
        doc.sections.get("timeline_more", []),
        doc.sections.get("followup_timeline", []),
    )
    if reader.events:
        return reader
    found = None if sections else _by_content(doc)  # an empty Timeline section says: none
    if found is not None:
        return read_timeline([found], base, doc.tz_hint())
    # no timeline section: the richest dated list under a bold key ("Context", "Key events")
    best = None
    for candidates in doc.pseudo.values():
        for section in candidates:
            r = read_timeline([section], base, doc.tz_hint())
            if sum(e.occurred_at is not None for e in r.events) >= 2 and (
                best is None or len(r.events) > len(best.events)
            ):
                best = r
    return best or reader
