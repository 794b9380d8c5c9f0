"""Business-day arithmetic for the review target (seeds/003: review within 5 business days).

Business days are Monday to Friday; public holidays are not known to pmkit and count as working days.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def business_days_between(start: date | datetime, end: date | datetime) -> int:
    """Business days from ``start`` to ``end``: Monday -> next Monday is 5, same day is 0.

    Counts the weekdays in ``[start, end)`` by calendar date (the time of day is ignored), so a
    review done on the draft's day is 0 and one done the next working day is 1. Negative when
    ``end`` is before ``start``.
    """
    return int(np.busday_count(_as_date(start), _as_date(end)))
