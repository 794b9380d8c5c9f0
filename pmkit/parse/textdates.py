"""Finding a date inside running text ("January 23rd, 2019 Prow Outage", "October 29-30, 2025")."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pmkit.normalize.times import parse_date

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATE_IN_TEXT = re.compile(
    rf"(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?P<mdy>{_MONTH}\s+\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:\s*(?:-|–|and|to|through|until)\s*(?:{_MONTH}\s+)?\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<us>(?P<um>\d{{1,2}})[-/](?P<ud>\d{{1,2}})[-/](?P<uy>\d{{4}}))"
    rf"|(?P<dmy>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})",
    re.IGNORECASE,
)


def _read(m: re.Match[str]) -> date | None:
    if m.group("iso"):
        return parse_date(m.group("iso"))
    if m.group("us"):
        # numeric month-day-year, as US teams write it (01-10-2024); day-first only when it must be
        a, b, y = int(m.group("um")), int(m.group("ud")), int(m.group("uy"))
        month, day = (a, b) if a <= 12 else (b, a)
        try:
            return date(y, month, day)
        except ValueError:
            return None
    if m.group("mdy"):
        return parse_date(f"{m.group('mdy')}, {m.group('y1')}")
    return parse_date(f"{m.group('dmy')} {m.group('m2')} {m.group('y2')}")


@lru_cache(maxsize=8192)
def date_in(text: str | None) -> date | None:
    """The first date written in ``text``; a range (``14-19``) gives its first day."""
    if not text:
        return None
    for m in _DATE_IN_TEXT.finditer(text):
        d = _read(m)
        if d is not None:
            return d
    return None


def leading_date(text: str) -> date | None:
    """A date that starts ``text`` (``2024-03-05 Data8 outage``), else None."""
    m = _DATE_IN_TEXT.match(text.strip())
    return _read(m) if m else None
