"""Small formatting helpers shared by the shape renderers (dates, durations, table cells)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

VAGUE_END = "late evening, once the backlog drained"
"""What a tired author writes instead of an end time (the ``vague-end`` defect)."""

ODD_FORMATS: tuple[str, ...] = (
    "{d:%B} {day}, {d:%Y} {d:%H:%M} UTC",
    "{day2} {d:%b} {d:%Y} {d:%H:%M} UTC",
    "{d:%Y-%m-%d}T{d:%H:%M}Z",
    "{d:%b} {day} {d:%Y}, {h12}:{d:%M}{ampm} UTC",
)


def front_matter(
    title: str, team: str, drafted: datetime | None, reviewed: datetime | None
) -> list[str]:
    """Docs-site YAML front matter, as repos that publish their postmortems carry.

    Gives the template shapes that have no drafted field a creation time, so a corpus committed
    in one go never falls back to the file's first-commit date.
    """
    if drafted is None:
        return []
    lines = ["---", "title: " + json.dumps(title), f"team: {team}"]
    lines.append(f"created: {drafted:%Y-%m-%dT%H:%M:00Z}")
    if reviewed is not None:
        lines.append(f"reviewed: {reviewed:%Y-%m-%d}")
    return [*lines, "---", ""]


def iso_min(d: datetime) -> str:
    """``2026-03-04 14:05``."""
    return f"{d:%Y-%m-%d %H:%M}"


def odd_datetime(d: datetime, variant: int) -> str:
    """The same instant in a less tidy but unambiguous format people also write."""
    fmt = ODD_FORMATS[variant % len(ODD_FORMATS)]
    h12 = d.hour % 12 or 12
    return fmt.format(
        d=d, day=d.day, day2=f"{d.day:02d}", h12=h12, ampm="pm" if d.hour >= 12 else "am"
    )


def hm(d: datetime) -> str:
    return f"{d:%H:%M}"


def duration_text(minutes: float) -> str:
    """``2h 30m``, ``45m``, ``1d 3h 5m``."""
    m = int(round(minutes))
    days, rest = divmod(m, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}d")
    if hours or days:
        parts.append(f"{hours}h")
    parts.append(f"{mins}m")
    return " ".join(parts)


def hhmm_span(minutes: float) -> str:
    """A span as ``HH:MM`` (hours may exceed 24), as seed 004 asks for TTA/TTM."""
    m = int(round(minutes))
    return f"{m // 60:02d}:{m % 60:02d}"


def minutes_between(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 60


def timeline_time(at: datetime, day: date) -> str:
    """``14:05`` on the incident's day, the full date and time once the timeline moves past it."""
    return hm(at) if at.date() == day else iso_min(at)


def cell(text: str | None) -> str:
    """A table cell: pipes escaped, empty when missing."""
    return "" if text is None else text.replace("|", "\\|")


def owner_cell(owner: str | None, messy: list[str]) -> str:
    """The owner, or ``TBD`` where a ``tbd-owner`` file leaves it unassigned."""
    if owner is None and "tbd-owner" in messy:
        return "TBD"
    return cell(owner)


def long_date(d: date) -> str:
    """``December 5, 2024``."""
    return f"{d:%B} {d.day}, {d:%Y}"


def date_text(d: date | None) -> str:
    return "" if d is None else d.isoformat()


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(weeks=n - 1)


def to_pacific(utc: datetime) -> tuple[datetime, str]:
    """UTC -> US Pacific wall time and its abbreviation (PST/PDT), rules as since 2007.

    Computed by hand so output never depends on the machine's tz database.
    """
    y = utc.year
    dst_start = datetime.combine(_nth_sunday(y, 3, 2), datetime.min.time()) + timedelta(hours=10)
    dst_end = datetime.combine(_nth_sunday(y, 11, 1), datetime.min.time()) + timedelta(hours=9)
    if dst_start <= utc < dst_end:
        return utc - timedelta(hours=7), "PDT"
    return utc - timedelta(hours=8), "PST"


def pacific_clock(utc: datetime) -> str:
    """``2:54 PM PST``."""
    local, zone = to_pacific(utc)
    h12 = local.hour % 12 or 12
    return f"{h12}:{local:%M} {'PM' if local.hour >= 12 else 'AM'} {zone}"


def pacific_full(utc: datetime) -> str:
    """``Mar 4, 2026 2:54 PM PST``."""
    local, _ = to_pacific(utc)
    return f"{local:%b} {local.day}, {local:%Y} {pacific_clock(utc)}"


def ordinal(n: int) -> str:
    if 11 <= n % 100 <= 13:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"
