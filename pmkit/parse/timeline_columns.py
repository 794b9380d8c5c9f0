"""Which column of a timeline table holds the time, the date, the event and the actor, read
from its header. Cached by header: a corpus repeats its templates' tables, and the lookup
normalizes every heading against every name."""

from __future__ import annotations

import re
from functools import lru_cache

from pmkit.normalize.times import find_tz_hint
from pmkit.parse.fields import normalize_key
from pmkit.parse.inline import plain

YEAR = re.compile(r"\b(19|20)\d\d\b")

_TIME_COLS = (
    "time",
    "date time",
    "date",
    "when",
    "timestamp",
    "date and time",
    "date time",
    "time utc",
)
_EVENT_COLS = (
    "event",
    "description",
    "what happened",
    "events",
    "details",
    "activity",
    "action",
    "summary",
    "change",
    "what",
    "notes",
    "note",
    "comment",
)
_ACTOR_COLS = ("actor", "owner", "who", "by", "person", "responder")


def _col(header: list[str], names: tuple[str, ...]) -> int | None:
    norm = [normalize_key(plain(h)) for h in header]
    for name in names:
        for i, h in enumerate(norm):
            if h == name or h.startswith(name + " "):
                return i
    return None


@lru_cache(maxsize=1024)
def columns(
    header: tuple[str, ...],
) -> tuple[str | None, int, int | None, str | None, int, int | None]:
    """A timeline table's zone hint and its time, date, event and actor columns, and the year
    its date column's heading gives ("| Date (2021) | Time (PT) |"). Cached: a corpus repeats
    its templates' headers."""
    cols = list(header)
    hint = find_tz_hint(" ".join(cols))
    t_col = _col(cols, _TIME_COLS)
    if t_col is None:
        t_col = 0
    # a separate Date column dates the Time column
    d_col = _col(cols, ("date",))
    if d_col == t_col:
        d_col = None
    year = YEAR.search(cols[d_col]) if d_col is not None else None
    e_col = _col(cols, _EVENT_COLS)
    if e_col is None or e_col == t_col:
        e_col = 1 if t_col == 0 and len(cols) > 1 else 0
    a_col = _col(cols, _ACTOR_COLS)
    return hint, t_col, d_col, year.group(0) if year else None, e_col, a_col
