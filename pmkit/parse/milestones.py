"""When the incident started, was detected, acknowledged, mitigated and resolved, and its day.

Each milestone is read from a field first (``Start Time``, ``Detected at``, ``TTR``...), then from
the timeline's events (:mod:`pmkit.parse.timeline_milestones`), then from the prose
(:mod:`pmkit.parse.prose_times`); ``<milestone>_source`` says which: ``field``, ``timeline`` or
``prose``. A value that contradicts the order of the others (detected before started, mitigated
after resolved) is dropped unless a field wrote it: a reader would rather see no value than a
wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar

from pmkit.model import Postmortem
from pmkit.normalize.times import parse_duration_minutes, parse_timeframe
from pmkit.parse.context import Document
from pmkit.parse.identity import publication_date
from pmkit.parse.inline import plain
from pmkit.parse.milestone_words import (
    MILESTONES,
    MilestoneWords,
    MilestoneWordsError,
    load_milestone_words,
)
from pmkit.parse.prose_times import ProseFacts, prose_paragraphs, read_prose
from pmkit.parse.sections import heading_words
from pmkit.parse.textdates import date_in, leading_date
from pmkit.parse.timeline import TimelineReader
from pmkit.parse.timeline_milestones import read_timeline_milestones
from pmkit.parse.tree import Section

_PRIORITY = {"field": 3, "timeline": 2, "prose": 1}
_PROSE_ROLES = ("summary", "impact", "detection", "resolution", "lessons")
_LEADUP = re.compile(r"\blead ?up\b")
_HAS_CLOCK = re.compile(r"\d:\d\d")
_ZONED_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}\s*(?:[AaPp]\.?[Mm]\.?)?\s*\(?(?:UTC|GMT|PT|ET|CET|CEST|BST|IST|EEST|"
    r"[A-Z]{1,3}T)\b"
)


def read_field_milestones(doc: Document, pm: Postmortem, base: date | None) -> None:
    """The milestones the fields give (``source = 'field'``), and the duration."""
    start = doc.time("start", base)
    end = doc.time("end", base)
    frame_kv = doc.fields.values.get("timeframe")
    duration_kv = doc.fields.values.get("duration")
    if (start is None or end is None) and frame_kv is not None:
        s, e = parse_timeframe(frame_kv.value, base_date=base)
        start, end = start or s, end or e
    if (
        (start is None or end is None)
        and duration_kv is not None
        and parse_duration_minutes(duration_kv.value) is None
    ):
        # "Duration: 14:05 to 16:35 (2h 30m)" holds a window; "Duration: 2h 30m" only says
        # how long, and dateutil would read it as 02:30
        s, e = parse_timeframe(duration_kv.value, base_date=base)
        start, end = start or s, end or e
    pm.started_at = start.at if start else None
    pm.resolved_at = end.at if end else None
    if pm.started_at and pm.resolved_at and pm.resolved_at < pm.started_at:
        doc.issue(
            "end",
            "warning",
            "end time is before start time",
            doc.fields.line("end") or doc.fields.line("timeframe"),
        )
    detected = doc.time("detected", base)
    pm.detected_at = detected.at if detected else None
    for name, attr in (("acknowledged", "acknowledged_at"), ("mitigated", "mitigated_at")):
        tp = doc.time(name, base)
        if tp:
            setattr(pm, attr, tp.at)
    anchor = pm.detected_at or pm.started_at
    for name, attr in (("tta", "acknowledged_at"), ("ttm", "mitigated_at"), ("ttr", "resolved_at")):
        value = doc.fields.get(name)
        if value and anchor and getattr(pm, attr) is None:
            minutes = parse_duration_minutes(value)
            if minutes is not None:
                setattr(pm, attr, anchor + timedelta(minutes=minutes))
    if duration_kv is not None:
        minutes = parse_duration_minutes(duration_kv.value)
        if minutes is not None:
            pm.duration_minutes, pm.duration_source = minutes, "field"
    for name in MILESTONES:
        if getattr(pm, f"{name}_at") is not None:
            setattr(pm, f"{name}_source", "field")
    derive_duration(pm)


_DIRECTNESS = ("field", "git", "timeline", "prose")
"""Where a time was read, most direct first."""


def derive_duration(pm: Postmortem) -> None:
    """No duration written: resolved - started, sourced as the less direct of its two ends."""
    if pm.duration_minutes is not None or not (pm.started_at and pm.resolved_at):
        return
    pm.duration_minutes = (pm.resolved_at - pm.started_at).total_seconds() / 60
    ends = (pm.started_source, pm.resolved_source)
    pm.duration_source = max(
        (s for s in ends if s in _DIRECTNESS), key=_DIRECTNESS.index, default=None
    )


def milestone_words(doc: Document) -> MilestoneWords:
    """The configured word lists; a broken file falls back to the bundled one, with a warning
    (one bad edit must not stop an ingest)."""
    try:
        return load_milestone_words(config=doc.config)
    except MilestoneWordsError as exc:
        doc.issue("milestones", "warning", f"{exc}; the bundled word lists were used", None)
        return load_milestone_words(config=None)


def _prose_sections(doc: Document) -> list[Section]:
    """Where prose says when: the summary, impact, detection, resolution and lessons sections
    ("What went wrong: the hubs went down around 2.30 AM PST"), a "Leadup", and the paragraphs a timeline opens with (its own, and under a day heading such
    as "### 2024-03-05 Data8 outage": "between ~4pm and ~5:15pm ..."), never its entries."""
    out = [s for role in _PROSE_ROLES for s in doc.sections.get(role, [])]
    out += [s for s in doc.md.root.walk() if s.level and _LEADUP.search(heading_words(s.title))]
    for timeline in doc.sections.get("timeline", []):
        out.append(Section(timeline.level, timeline.title, timeline.line, timeline.blocks))
        for child in timeline.children:
            if leading_date(plain(child.title)) and not _HAS_CLOCK.search(child.title):
                out.append(Section(child.level, child.title, child.line, child.blocks))
    return out


def _consistent(pm: Postmortem) -> None:
    """Drop a read (not field) milestone that breaks the order started <= detected <=
    acknowledged <= mitigated <= resolved against one of equal or higher priority. Of two out of
    order, the one dropped is the one between the ends (a "report" word found late is not the
    detection if the incident was acknowledged before it); the start and the end anchor the
    window, and an end before the start drops the end."""

    def get(name: str) -> tuple[datetime | None, int]:
        at, source = getattr(pm, f"{name}_at"), getattr(pm, f"{name}_source")
        return at, (_PRIORITY.get(source or "", 0) if at is not None else 0)

    def drop(name: str) -> None:
        setattr(pm, f"{name}_at", None)
        setattr(pm, f"{name}_source", None)

    for a_pos, a in enumerate(MILESTONES):
        for b in MILESTONES[a_pos + 1 :]:
            at_a, rank_a = get(a)
            at_b, rank_b = get(b)
            if at_a is None or at_b is None or at_a <= at_b:
                continue
            if a == "started":
                if getattr(pm, f"{b}_source") != "field" and rank_b <= rank_a:
                    drop(b)
            elif getattr(pm, f"{a}_source") != "field" and rank_a <= rank_b:
                drop(a)


_T = TypeVar("_T")


def _once(compute: Callable[[], _T]) -> Callable[[], _T]:
    """``compute``, run on the first call only (``functools.cache`` costs more to set up, once per
    document, than these readings cost when they are not needed)."""
    done: list[_T] = []

    def get() -> _T:
        if not done:
            done.append(compute())
        return done[0]

    return get


def read_other_milestones(
    doc: Document, pm: Postmortem, reader: TimelineReader, base: date | None
) -> None:
    """Fill each milestone no field gave from the timeline, then from the prose; set the
    incident's day and its duration when both ends are known."""
    words = milestone_words(doc)

    # Both searches run over the whole text, so only when a reading needs them (most do not).
    @_once
    def zoned() -> bool:
        """The document writes some time with a zone ("5.45 AM PST"): a bare time elsewhere,
        read as UTC, is a guess a milestone must not rest on."""
        return _ZONED_TIME.search(doc.md_text) is not None

    @_once
    def late() -> bool:
        return bool(words.late_detection and words.late_detection.search(doc.md_text))

    @_once
    def prose() -> ProseFacts:
        """What the prose says (read only when a milestone or the day is still open, or the
        start is the timeline's to choose: most templates give their times in fields)."""
        return read_prose(
            prose_paragraphs(doc.md.root, _prose_sections(doc), doc.title_heading),
            words,
            base or reader.first_date or doc.weak_date,
            doc.tz_hint(),
            assume_utc=lambda: not zoned(),
            durations=any(e.occurred_at is not None for e in reader.events),
        )

    start_open = pm.started_at is None
    found, start_earlier = read_timeline_milestones(
        reader.events,
        reader.notes,
        words,
        window_start=window[0] if start_open and (window := prose().window) else None,
        durations=prose().durations if start_open else [],
        late_detection=late,
        trust_assumed_utc=lambda: doc.tz_hint() is not None or not zoned(),
    )
    still_open = any(getattr(pm, f"{name}_at") is None and name not in found for name in MILESTONES)
    facts = prose() if start_open or still_open else ProseFacts()
    prose_times = dict(facts.times)
    if facts.window is not None:
        # the window's start is the start; its end is the end unless a sentence says when it
        # was resolved ("fully recovered by November 15, 6:20 AM UTC")
        prose_times["started"] = facts.window[0]
        prose_times.setdefault("resolved", facts.window[1])
    started_day: date | None = None
    window = facts.window
    if (
        window is not None
        and "started" in found
        and not words["started"].label(reader.notes[found["started"].index].text)
        and window[0] < found["started"].at
        and (reader.first_date is None or window[0].date() >= reader.first_date)
    ):
        # the prose states when impact began, earlier than the first entry the timeline could
        # take for it ("Between 1:46pm - 5:30pm" over a timeline whose next entry is 4:04pm)
        del found["started"]
        window_first = True
    else:
        window_first = False
    for name in MILESTONES:
        if getattr(pm, f"{name}_at") is not None:
            continue
        hit = found.get(name)
        if hit is not None:
            setattr(pm, f"{name}_at", hit.at)
            setattr(pm, f"{name}_source", "timeline")
            if name == "started":
                started_day = reader.notes[hit.index].local_day
        elif name == "started" and not window_first and start_earlier:
            continue  # the timeline shows the start is earlier than it can say: no prose guess
        elif name in prose_times:
            setattr(pm, f"{name}_at", prose_times[name])
            setattr(pm, f"{name}_source", "prose")
            if name == "started":
                started_day = facts.started_day
    _consistent(pm)
    if pm.started_source not in ("timeline", "prose"):
        started_day = None
    derive_duration(pm)
    if pm.started_source == "field" and pm.started_at is not None:
        pm.incident_date = pm.started_at.date()
    else:
        if base is not None and started_day is not None and started_day != base:
            # the day the document names (title, date field) wins over the timeline's first
            # day, unless the file's own name sides with the timeline: a typo in the title
            base = started_day if doc.weak_date == started_day else base
        pm.incident_date = (
            base
            or started_day
            or facts.first_day
            or date_in((pm.executive_summary or "")[:600])
            or date_in(doc.opening_text()[:600])
            or _first_day_of_effect(reader, words)
            or publication_date(doc)
            or doc.weak_date
        )


def _first_day_of_effect(reader: TimelineReader, words: MilestoneWords) -> date | None:
    """The timeline's first day that is not only a cause (a merged PR, a release that shipped
    the bug): the day the incident showed itself."""
    for note in reader.notes:
        if note.follow_up or note.local_day is None:
            continue
        if not words.is_cause_only(note.text):
            return note.local_day
    return reader.first_date
