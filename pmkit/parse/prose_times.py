"""Milestones written in prose: "On 2021-04-27 at 15:09 UTC we released ...", "between 12:17 and
12:30 UTC on 2023-07-20 all downloads were broken", "At around 14:30 UTC on Saturday 30th January
we started experiencing networking issues".

Only sentences a reader can date without guessing are read: one time (or one window) in the
sentence, a zone written in it or stated for the document (or carried from an earlier sentence),
and a day written in it, in an earlier sentence, or named by the document. A sentence with two
times that are not a window ("At 15:27 we found the cause and reverted, an action completed by
15:56") is left alone: which time goes with which verb is not clear enough.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from pmkit.normalize.times import parse_datetime, parse_duration_minutes, resolve_zone
from pmkit.parse.inline import plain
from pmkit.parse.milestone_words import MILESTONES, MilestoneWords
from pmkit.parse.textdates import date_in
from pmkit.parse.tree import Block, ListBlock, Paragraph, Section

MAX_PROSE_CHARS = 12_000
"""Prose read for milestones per document: the opening and a few sections, never a log dump."""
_CLOCK = (
    r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?|\d{1,2}(?:\.\d{2})?\s*[ap]\.?m\.?(?![a-z])"
    r"|(?:[01]\d|2[0-3])[0-5]\d(?=\s*(?:UTC|GMT|Z)\b|\s+and\s+\d{4}\s*(?:UTC|GMT)\b))"
)
"""``15:09``, ``6:48AM``, ``~4pm``, ``2.30 AM``, and ``1900`` when a zone follows (``1900 UTC``)."""
_ZONE = r"(?:UTC|GMT|Z|[ECMP][SD]?T|[A-Z]{2,4}T|UTC\s*[+-]\s*\d{1,2}(?::?\d{2})?)"
_TIME = re.compile(rf"(?<![\d:])(?P<t>{_CLOCK})(?:\s*\(?(?P<z>{_ZONE})\)?)?(?![\d:])", re.I)
_WINDOW = re.compile(
    rf"\b(?:between|from)\s+(?:the\s+hours\s+of\s+)?~?(?P<da>[A-Za-z][\w ]{{2,25}}?,?\s+)?(?P<a>{_CLOCK})"
    rf"(?:\s*(?P<za>{_ZONE}))?\s+(?:and|to|until|-|–)\s+~?(?P<db>[A-Za-z][\w ]{{2,25}}?,?\s+)?"
    rf"(?P<b>{_CLOCK})(?:\s*(?P<zb>{_ZONE}))?",
    re.I,
)
"""``between 12:17 and 12:30 UTC``, ``From November 11, 4:02 PM UTC to November 14, 3:02 PM``."""
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[*_])")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY_MONTH = re.compile(
    rf"\b(?P<wd>(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b(?!,?\s*\d{{4}})",
    re.I,
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
} | {"an": 1, "a": 1, "half an": 0.5}
_DURATION = re.compile(
    r"\b(?:for|lasted(?:\s+for)?|outage of|downtime of|period of|took|time to resolution"
    r"(?:\s+(?:was|of))?|unusable for|down for)\s+"
    r"(?:about|approximately|approx\.?|around|roughly|nearly|almost|just over|just under|"
    r"over|under|~)?\s*(?P<d>(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve)\s*(?:hours?|hrs?|h|minutes?|mins?|m)\b"
    r"(?:,?\s*(?:and\s+)?\d+\s*(?:minutes?|mins?|m)\b)?|\d+h\s*\d+\s*m(?:in)?s?\b)"
    r"|\b(?P<n>\d+)[\s-]minutes?\s+(?:period|outage|window)",
    re.I,
)
_INCIDENT_WORDS = re.compile(
    r"\b(?:outage|incident|unusable|downtime|down|resolution|impact\w*|lasted|broken|"
    r"unavailable|disruption|failing|failures?)\b",
    re.I,
)
"""A duration counts only in a sentence about the incident ("unusable for about 1h50m"), not
"the deploy took 20 minutes"."""


_STATEMENT = re.compile(
    r"^(?:[\w ]{1,30}:\s*)?(?:on|at|around|about|approximately|shortly after|early on|late on)\b",
    re.I,
)
"""A sentence that opens like a statement of when: "On Thursday, January 20th, 2022 at 22:04
(UTC) an employee's account was suspended" (possibly after a label: "Initial Concerns: On ...")."""


_DIGIT_OR_SPAN = re.compile(r"\d|\bhours?\b|\bminutes?\b", re.I)
_DURATION_HINT = re.compile(r"\b(?:for|lasted|of|took|resolution)\b|minute", re.I)


@dataclass
class ProseFacts:
    """What the prose says about when; every time naive UTC."""

    times: dict[str, datetime] = field(default_factory=dict)
    """Milestone -> the time the prose gives it."""
    window: tuple[datetime, datetime] | None = None
    """``between 12:17 and 12:30 UTC``: the impact's start and end."""
    durations: list[float] = field(default_factory=list)
    """Minutes the prose says the incident lasted ("for about 1h50m", "47 minute period")."""
    started_day: date | None = None
    """The day of the prose start (or the window's start) as written."""
    first_day: date | None = None
    """The day of the first dated statement of a time ("On 2021-10-21 at 21:00 UTC, we ...")."""


def _text_blocks(blocks: list[Block]) -> list[str]:
    """The plain text of paragraphs and list items that could state a time (a digit, or "hour"
    or "minute"): the others are not made plain at all."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if _DIGIT_OR_SPAN.search(block.raw):
                out.append(plain(block.raw))
        elif isinstance(block, ListBlock):
            out.extend(plain(i.raw) for i in block.items if _DIGIT_OR_SPAN.search(i.raw))
    return out


def prose_paragraphs(root: Section, sections: list[Section], title: Section | None) -> list[str]:
    """The opening (before the first heading, and under the title heading) then ``sections``."""
    parts = _text_blocks(root.blocks)
    if title is not None:
        parts += _text_blocks(title.blocks)
    elif root.children and not root.blocks:
        parts += _text_blocks(root.children[0].blocks)
    for section in sections:
        parts += _text_blocks(section.blocks)
        for child in section.children:
            parts += _text_blocks(child.blocks)
    out: list[str] = []
    total = 0
    for p in parts:
        p = " ".join(p.split())
        if p and total < MAX_PROSE_CHARS:
            out.append(p[: MAX_PROSE_CHARS - total])
            total += len(p)
    return out


def _month(name: str) -> int | None:
    key = name.lower()[:3]
    return _MONTHS.index(key) + 1 if key in _MONTHS else None


def _day_in(sentence: str, year: int | None) -> date | None:
    """A full date in the sentence, else a day and month with the document's year (and the
    weekday, when written, must agree)."""
    d = date_in(sentence)
    if d is not None or year is None:
        return d
    m = _DAY_MONTH.search(sentence)
    if m is None:
        return None
    month = _month(m.group("m1") or m.group("m2"))
    day = int(m.group("d1") or m.group("d2"))
    try:
        found = date(year, month or 0, day)
    except ValueError:
        return None
    wd = m.group("wd")
    if wd and _WEEKDAYS.index(wd.lower()[:3]) != found.weekday():
        return None
    return found


_DOTTED = re.compile(r"^(\d{1,2})\.(\d{2})")


def _at(clock: str, zone: str | None, day: date) -> datetime | None:
    clock = _DOTTED.sub(r"\1:\2", clock.strip())  # "2.30 AM"
    tp = parse_datetime(f"{day.isoformat()} {clock}", tz_hint=zone)
    return tp.at if tp is not None and tp.has_time and zone else None


def _minutes(phrase: str) -> float | None:
    words = phrase.lower().split()
    if words and words[0] in _NUMBER_WORDS:
        rest = " ".join(words[1:])
        unit = parse_duration_minutes(f"1 {rest}")
        return unit * _NUMBER_WORDS[words[0]] if unit is not None else None
    return parse_duration_minutes(phrase.replace(",", " "))


def read_prose(
    paragraphs: list[str],
    words: MilestoneWords,
    base: date | None,
    tz_hint: str | None,
    assume_utc: Callable[[], bool] = lambda: False,
    durations: bool = True,
) -> ProseFacts:
    """The milestones, window and durations the prose states. ``assume_utc()``: the document
    writes no zone anywhere, so its times are read as UTC, as its timeline's are (asked only
    when a time with no zone comes up). ``durations``: look for stated durations (only a
    timeline can use them)."""
    facts = ProseFacts()
    day = base
    zone = tz_hint
    fallback: str | None = None
    asked = False
    """Whether ``assume_utc()`` was asked (once, when a time with no zone first comes up)."""
    year = base.year if base else None
    for paragraph in paragraphs:
        if not _DIGIT_OR_SPAN.search(paragraph):
            continue  # no number and no "hour": no time, no date, no duration
        for sentence in _SENTENCE.split(paragraph):
            if len(sentence) > 600:
                continue
            if durations and _DURATION_HINT.search(sentence) and _INCIDENT_WORDS.search(sentence):
                for m in _DURATION.finditer(sentence):
                    minutes = _minutes(m.group("d")) if m.group("d") else float(m.group("n"))
                    if minutes:
                        facts.durations.append(minutes)
            if not _TIME.search(sentence):
                continue
            found = _day_in(sentence, year)
            if found is None and _DAY_MONTH.search(sentence):
                continue  # "Sunday 30th January" in a year where the 30th is a Saturday
            if found is not None and _TIME.search(sentence):
                # only a dated statement of a time carries its day to the next sentences ("At
                # 15:23 UTC ..."); "Update 2nd February 2021: ..." is about something else
                day, year = found, found.year
            times = list(_TIME.finditer(sentence))
            for t in times:
                if t.group("z") and resolve_zone(t.group("z")):
                    zone = t.group("z")
                    break
            if zone is None and times and not asked:
                asked = True
                fallback = "UTC" if assume_utc() else None
            if zone is None and fallback:
                zone = fallback
            if not times or day is None or zone is None:
                continue
            window = _WINDOW.search(sentence)
            if window is not None:
                # "PRs were merged to prod between 2 AM and 2.30 AM": when the change shipped,
                # not when impact began and ended
                if facts.window is None and not words.is_cause_only(sentence):
                    za = window.group("za") or window.group("zb") or zone
                    zb = window.group("zb") or za
                    da = _day_in(window.group("da") or "", year) or day
                    db = _day_in(window.group("db") or "", year) or da
                    start, end = _at(window.group("a"), za, da), _at(window.group("b"), zb, db)
                    if start and end and start <= end:
                        facts.window = (start, end)
                        facts.started_day = da
                        facts.first_day = facts.first_day or da
                continue
            if len(times) != 1:
                continue
            t = times[0]
            at = _at(t.group("t"), t.group("z") or zone, day)
            if at is None:
                continue
            facts.first_day = facts.first_day or day
            said = [m for m in MILESTONES[1:] if words[m].says(sentence)]
            onset = words.prose_onset is not None and words.prose_onset.search(sentence)
            opening = _STATEMENT.match(sentence) and facts.window is None and not facts.times
            if not said and (onset or opening):
                # a start word, or the document's first dated statement of a time ("On Thursday,
                # January 20th, 2022 at 22:04 (UTC) an employee's account was suspended")
                said = ["started"]
            for milestone in said:
                # the last word on the end counts
                if milestone not in facts.times or milestone == "resolved":
                    facts.times[milestone] = at
                    if milestone == "started":
                        facts.started_day = day
    return facts
