"""Milestones read from the timeline's events, the way a careful reader picks them.

- ``started``: the event labelled as the start ("Outage begins.", "(outage starts)"); else the
  event at the time the prose gives as the start of impact ("between 12:17 and 12:30 UTC"); else
  the event a stated duration points to ("unusable for about 1h50m" before the resolution); else
  the first timed event, passing over leading events that are only the cause (a merged PR, a
  deploy with no sign of impact, at least half an hour before the next event). No start at all
  when the document says it began earlier than its first entry shows: an undated "[???] cluster
  began degrading" first, a dated row on an earlier day, or a first entry that is the detection
  while the document says the problem had gone unnoticed for hours.
- ``detected``, ``acknowledged``, ``mitigated``: the first event at or after the start that says
  so (a label wins over keywords).
- ``resolved``: the last event of the incident that says so (a label wins), or the event a
  stated duration points to from the start.

Only events of the incident count: not a follow-up timeline, not a recurrence days later (a gap
of more than a week ends the incident), and not an event whose time is out of sequence with
the rest of the timeline (``03-26 23:04`` written between ``03-20`` and ``03-26 02:50``: its date
is wrong somewhere, and a reader would not sign a start taken from it).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from pmkit.model import TimelineEvent
from pmkit.parse.milestone_words import MilestoneWords
from pmkit.parse.timeline import EventNote

EPISODE_GAP = timedelta(days=7)
_NOTICED = re.compile(r"\b(?:identif|discover|notic|realiz|realis|spott|found)\w*", re.I)
CAUSE_LEAD = timedelta(minutes=30)
"""A cause-only event is passed over when another cause follows it, or the next event is this
long or more after it: a deploy a minute before the first errors is as much the start."""


@dataclass(frozen=True)
class Found:
    at: datetime
    index: int
    """Position of the event in the timeline."""


_Ordered = TypeVar("_Ordered", datetime, timedelta)


def _lengths(times: list[_Ordered]) -> list[int]:
    """For each position, the length of the longest non-decreasing run ending there."""
    tails: list[_Ordered] = []
    out: list[int] = []
    for at in times:
        pos = bisect_right(tails, at)
        if pos == len(tails):
            tails.append(at)
        else:
            tails[pos] = at
        out.append(pos + 1)
    return out


def _in_sequence(times: list[tuple[int, datetime]]) -> set[int]:
    """Indexes of the longest run of events whose times never go back; of several such runs,
    the one that keeps the earliest entries (a later typo is the odd one out, not the start)."""
    if not times:
        return set()
    values = [at for _, at in times]
    ending = _lengths(values)
    # longest run starting at each position: the same on the reversed, negated sequence
    starting = _lengths([datetime.max - at for at in reversed(values)])[::-1]
    best = max(ending)
    keep: set[int] = set()
    want, last = 1, None
    for pos, (idx, at) in enumerate(times):
        if ending[pos] == want and ending[pos] + starting[pos] - 1 == best:
            if last is None or at >= last:
                keep.add(idx)
                want, last = want + 1, at
    return keep


class TimelineMilestones:
    """Reads the five milestones of one timeline."""

    def __init__(
        self,
        events: list[TimelineEvent],
        notes: list[EventNote],
        words: MilestoneWords,
        trust_assumed_utc: Callable[[], bool] = lambda: True,
    ) -> None:
        self.events = events
        self.notes = notes
        self.words = words
        trusted = trust_assumed_utc() if any(n.assumed_utc for n in notes) else True
        self.main = [
            i for i, n in enumerate(notes) if not n.follow_up and (trusted or not n.assumed_utc)
        ]
        timed = [(i, events[i].occurred_at) for i in self.main if events[i].occurred_at]
        self.ok = _in_sequence(timed)  # type: ignore[arg-type]
        self.timed = [i for i, _ in timed if i in self.ok]
        self.start_earlier = False
        """The timeline shows the incident began before any time it gives: no start, and the
        prose must not supply a later one."""

    def _at(self, i: int) -> datetime:
        at = self.events[i].occurred_at
        assert at is not None
        return at

    def episode(self, start: int | None) -> list[int]:
        """The in-sequence timed events of the incident that holds ``start`` (the first one when
        no start is known): a gap of more than a week begins another (a recurrence)."""
        episodes: list[list[int]] = []
        for i in self.timed:
            if not episodes or self._at(i) - self._at(episodes[-1][-1]) > EPISODE_GAP:
                episodes.append([])
            episodes[-1].append(i)
        if not episodes:
            return []
        # no start known: the incident is the episode with the most entries
        return next((ep for ep in episodes if start in ep), max(episodes, key=len))

    # -- started ----------------------------------------------------------------------------
    def labelled_start(self) -> Found | None | bool:
        """The event labelled as the start; False when none is; None when the label sits on an
        event without a usable time (the start is then unknown)."""
        for i in self.main:
            if self.words["started"].label(self.notes[i].text):
                if self.events[i].occurred_at is not None and i in self.ok:
                    return Found(self._at(i), i)
                day_before = self._day_before(i)
                if day_before is not None:
                    return day_before
                self.start_earlier = True  # the document names its start; its time is not sound
                return None
        return False

    def _day_before(self, i: int) -> Found | None:
        """The labelled start one day earlier, when that puts it back in sequence: "[03-26
        23:04] ... (outage starts)" followed by "[03-26 02:50] outage reported" was written the
        evening before (a day typo a reader corrects; the document's "nine hours" agrees)."""
        at = self.events[i].occurred_at
        if at is None:
            return None
        earlier = at - timedelta(days=1)
        before = [j for j in self.timed if j < i]
        after = [j for j in self.timed if j > i]
        if (not before or self._at(before[-1]) <= earlier) and (
            after and earlier <= self._at(after[0])
        ):
            return Found(earlier, i)
        return None

    def event_at(self, at: datetime, tolerance: timedelta = timedelta(0)) -> Found | None:
        best = None
        for i in self.timed:
            gap = abs(self._at(i) - at)
            if gap <= tolerance and (best is None or gap < abs(self._at(best) - at)):
                best = i
        return Found(self._at(best), best) if best is not None else None

    def first_start(self, late_detection: Callable[[], bool]) -> Found | None:
        """The first timed event, past leading cause-only events; None when the document shows
        the start was earlier than any event it times."""
        first_timed = next((i for i in self.main if self.events[i].occurred_at), None)
        if first_timed is None:
            return None
        first_day = self.events[first_timed].occurred_on
        order = self.main
        skipped = False
        for pos, i in enumerate(order):
            e, text = self.events[i], self.notes[i].text
            if e.occurred_at is None:
                if self.words.is_cause_only(text):
                    continue
                if (
                    e.occurred_on is not None
                    and first_day is not None
                    and e.occurred_on < first_day
                ):
                    self.start_earlier = True  # a dated row on an earlier day: known to the day
                    return None
                if e.occurred_on is None and self.words["started"].says(text):
                    self.start_earlier = True  # "[???] availability began degrading": no time
                    return None
                continue
            if i not in self.ok:
                return None
            nxt = next((j for j in order[pos + 1 :] if self.events[j].occurred_at), None)
            if (
                nxt is not None
                and self.words.is_cause_only(text)
                and (
                    self._at(nxt) - self._at(i) >= CAUSE_LEAD
                    or self.words.is_cause_only(self.notes[nxt].text)
                )
            ):
                skipped = True
                continue
            if (
                skipped
                and self.words["detected"].says(text)
                and not self.words["started"].says(text)
            ):
                # a change shipped, then hours later someone reported trouble: the impact began
                # in between, at a time the timeline does not give
                self.start_earlier = True
                return None
            if (self.words["detected"].says(text) or _NOTICED.search(text)) and late_detection():
                self.start_earlier = True  # the first entry is when someone noticed, hours in
                return None
            return Found(self._at(i), i)
        return None

    # -- the others -------------------------------------------------------------------------
    def _after(self, episode: list[int], start: Found | None, strictly: bool) -> list[int]:
        """The episode's events at or after the start; ``strictly``: not the start event itself
        (a failover that set the incident off is not its mitigation)."""
        if start is None:
            return episode
        return [
            i for i in episode if self._at(i) >= start.at and not (strictly and i == start.index)
        ]

    def first_saying(
        self,
        name: str,
        episode: list[int],
        start: Found | None,
        anchor: Found | None = None,
    ) -> Found | None:
        """The first event after the start that says ``name`` (a label first); ``soon_after``
        words count in the two events after the start or after ``anchor`` (the detection)."""
        matcher = self.words[name]
        after = self._after(episode, start, strictly=name == "mitigated")
        hit = next((i for i in after if matcher.label(self.notes[i].text)), None)
        if hit is None:
            hit = next((i for i in after if matcher.says(self.notes[i].text)), None)
        near: list[int] = []
        for base in (start, anchor):
            if base is not None and base.index in after:
                pos = after.index(base.index)
                near += after[pos : pos + 3]
        soon = sorted({i for i in near if matcher.says_soon(self.notes[i].text)}, key=after.index)
        if soon and (hit is None or after.index(soon[0]) < after.index(hit)):
            hit = soon[0]
        return Found(self._at(hit), hit) if hit is not None else None

    def last_resolved(self, episode: list[int], start: Found | None) -> Found | None:
        matcher = self.words["resolved"]
        after = self._after(episode, start, strictly=True)
        labels = [i for i in after if matcher.label(self.notes[i].text)]
        hits = labels or [i for i in after if matcher.says(self.notes[i].text)]
        return Found(self._at(hits[-1]), hits[-1]) if hits else None


def _tolerance(minutes: float) -> timedelta:
    return timedelta(minutes=max(2.0, minutes * 0.05))


def read_timeline_milestones(
    events: list[TimelineEvent],
    notes: list[EventNote],
    words: MilestoneWords,
    *,
    window_start: datetime | None,
    durations: list[float],
    late_detection: Callable[[], bool],
    trust_assumed_utc: Callable[[], bool] = lambda: True,
) -> tuple[dict[str, Found], bool]:
    """Milestone -> the event that gives it (only those the timeline gives). With
    ``trust_assumed_utc`` false, an entry whose time had no zone is not used (the document
    writes its times in some zone, only not there). The flag says the timeline shows the
    start was earlier than any time it gives."""
    tm = TimelineMilestones(events, notes, words, trust_assumed_utc)
    if not tm.timed:
        return {}, False
    out: dict[str, Found] = {}
    labelled = tm.labelled_start()
    start: Found | None
    if labelled is not False:
        start = labelled  # type: ignore[assignment]
    else:
        start = tm.event_at(window_start) if window_start is not None else None
        if start is None and durations:
            guess = tm.first_start(late_detection)
            end = tm.last_resolved(tm.episode(guess.index if guess else None), guess)
            for minutes in durations:
                if end is not None:
                    start = tm.event_at(end.at - timedelta(minutes=minutes), _tolerance(minutes))
                    # only an event that shows the onset or its cause can open the window
                    if (
                        start is not None
                        and start.at <= end.at
                        and (
                            words.cause is not None
                            and words.cause.search(notes[start.index].text)
                            or words["started"].says(notes[start.index].text)
                        )
                    ):
                        break
                    start = None
        if start is None:
            start = tm.first_start(late_detection)
    episode = tm.episode(start.index if start else None)
    if start is not None:
        out["started"] = start
    for name in ("detected", "acknowledged", "mitigated"):
        hit = tm.first_saying(name, episode, start, out.get("detected"))
        if hit is not None:
            out[name] = hit
    resolved = tm.last_resolved(episode, start)
    if resolved is None and start is not None:
        for minutes in durations:
            resolved = tm.event_at(start.at + timedelta(minutes=minutes), _tolerance(minutes))
            # the event the stated duration points to must say it ended or was mitigated
            text = notes[resolved.index].text if resolved is not None else ""
            if (
                resolved is not None
                and resolved.at > start.at
                and (words["resolved"].says(text) or words["mitigated"].says(text))
            ):
                break
            resolved = None
    if resolved is not None:
        out["resolved"] = resolved
    return out, tm.start_earlier and start is None
