"""Business-day arithmetic for the review target (seeds/003: review within 5 business days).

Business days are Monday to Friday; public holidays are not known to pmkit and count as working days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def business_days_between(start: date | datetime, end: date | datetime) -> int:
    """Business days from ``start`` to ``end``: Monday -> next Monday is 5, same day is 0.

    Counts the weekdays in ``[start, end)`` by calendar date (the time of day is ignored), so a
    review done on the draft's day is 0 and one done the next working day is 1. Negative when
    ``end`` is before ``start``. Plain arithmetic (numpy's ``busday_count`` gives the same counts)
    so that ``pmkit lint`` starts without importing numpy.
    """
    first, last = _as_date(start), _as_date(end)
    if last < first:  # as numpy counts it: the weekdays in (end, start], negated
        day = timedelta(days=1)
        return -business_days_between(last + day, first + day)
    weeks, extra = divmod((last - first).days, 7)
    weekday = first.weekday()
    return weeks * 5 + sum((weekday + i) % 7 < 5 for i in range(extra))


def hours_to_draft(resolved_at: datetime, drafted_at: datetime) -> float:
    """Hours from resolution to draft, as ``pmkit.metrics.time_to_draft`` counts them.

    A draft dated without a time is stored at midnight; on the resolution's own day that midnight
    is not a time, so the draft counts as 0 h instead of preceding the resolution.
    """
    date_only = drafted_at == datetime.combine(drafted_at.date(), datetime.min.time())
    if date_only and drafted_at.date() == resolved_at.date():
        return 0.0
    return (drafted_at - resolved_at).total_seconds() / 3600
