"""Numbers and words as the reports show them: severity levels, hours, shares (a count below
``min_n``), coverage ("drafted time known for 4 of 57 incidents"), where values came from, and
an action's text without the metadata its row already shows. Plain text, not yet escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import pandas as pd

SMALL_N = 20
"""Below this many incidents a trend is noise; reports say so next to the chart."""

MISSING = "–"


def level_label(level: Any) -> str:
    """Severity level as shown in reports: ``L0`` (most severe) ... or ``unknown``."""
    if level is None or pd.isna(level):
        return "unknown"
    return f"L{int(level)}"


def with_hours(frame: pd.DataFrame, unit: str = "minutes") -> pd.DataFrame:
    """A distribution frame (``median_<unit>``, ``p90_<unit>``, ``n_<source>``) with
    ``median_hours``, ``p90_hours``, ``sources`` ("from fields 5, timeline 2") and, when it has
    levels, ``severity``."""
    out = frame.copy()
    per_hour = {"minutes": 60.0, "hours": 1.0}[unit]
    out["median_hours"] = out[f"median_{unit}"].astype(float) / per_hour
    out["p90_hours"] = out[f"p90_{unit}"].astype(float) / per_hour
    out["sources"] = [sources_text(row) for row in out.to_dict("records")]
    if "severity_level" in out.columns:
        out["severity"] = [level_label(v) for v in out["severity_level"]]
    return out


def fmt_value(value: Any, digits: int = 1) -> str:
    """A cell value as short display text (not yet escaped); missing values become a dash."""
    kind = type(value)
    if kind is str:  # most cells of a long listing: the same text the general path gives
        return value
    if kind is int:
        return f"{value:,}"
    if value is None or value is pd.NaT:
        return MISSING
    if isinstance(value, float) and math.isnan(value):
        return MISSING
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v, digits) for v in value) or MISSING
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        listed = value.tolist()
        if isinstance(listed, list):
            return ", ".join(fmt_value(v, digits) for v in listed) or MISSING
        value = listed
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        if stamp.hour == stamp.minute == stamp.second == 0:
            return stamp.strftime("%Y-%m-%d")
        return stamp.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e12:
            return str(int(value))
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def memo_key(value: Any) -> Any:
    """A key under which ``value`` always shows the same text, or None when it cannot be kept
    (a list, an array). Its type is part of it: ``True`` and ``1`` are equal but show as ``yes``
    and ``1``; a timestamp keeps its time zone (equal instants show as their own clocks)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return (kind, value)
    if kind is float:
        return (kind, "nan") if math.isnan(value) else (kind, value)
    if isinstance(value, pd.Timestamp) and value is not pd.NaT:
        return (kind, value, value.tzinfo)
    return None


_KEPT: dict[Any, str] = {}


def fmt_kept(value: Any) -> str:
    """``fmt_value(value)``, computed once per distinct value (a listing shows the same dates
    thousands of times, and a timestamp's text is the costly kind)."""
    key = memo_key(value)
    if key is None:
        return fmt_value(value)
    text = _KEPT.get(key)
    if text is None:
        if len(_KEPT) >= 65536:
            _KEPT.clear()
        text = _KEPT[key] = fmt_value(value)
    return text


def fmt_hours(hours: float | None) -> str:
    """Hours as ``5.2 h`` or ``3.1 d`` above two days; a dash when unknown."""
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return MISSING
    if abs(hours) >= 48:
        return f"{hours / 24:.1f} d"
    return f"{hours:.1f} h"


def fmt_pct(share: float | None) -> str:
    """A 0..1 share as a whole percentage; a dash when unknown."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return MISSING
    return f"{share * 100:.0f}%"


def n_label(n: int | None) -> str:
    """The ``n = …`` text shown next to a statistic."""
    return f"n = {MISSING if n is None else f'{int(n):,}'}"


# --- coverage and small numbers ------------------------------------------------------------


def coverage_text(known: int, total: int, what: str, of: str = "incidents") -> str:
    """``drafted time known for 0 of 57 incidents`` (what the value is, how many have it)."""
    return f"{what} known for {int(known):,} of {int(total):,} {of}"


def mostly_missing(known: int, total: int) -> bool:
    """True when fewer than half of ``total`` have the value: too thin to draw or conclude."""
    return total > 0 and known * 2 < total


def share_text(k: int, n: int, min_n: int) -> str:
    """``60%`` for 3 of 5 when ``n >= min_n``; ``3 of 5`` below it (no percentage headline)."""
    if n <= 0:
        return MISSING
    if n < min_n:
        return f"{int(k):,} of {int(n):,}"
    return fmt_pct(k / n)


def sources_text(row: Mapping[Hashable, Any] | pd.Series) -> str:
    """``from fields 5, timeline 3`` for a row with ``n_field``, ``n_timeline``, ... columns."""
    names = {"field": "fields", "git": "git history", "timeline": "timeline", "prose": "prose"}
    parts = []
    for source, name in names.items():
        value = row.get(f"n_{source}")
        if value is not None and not pd.isna(value) and int(value) > 0:
            parts.append(f"{name} {int(value):,}")
    return ("from " + ", ".join(parts)) if parts else ""


# --- action text --------------------------------------------------------------------------

_META_TAIL = re.compile(r"\s*(?:[—–-]+|\|)\s*(?=(?:owner|owners|assignee|due|by)\b)", re.I)
_STATUS_TAIL = re.compile(
    r"\s*[\(\[](?:open|done|closed|in[ _-]?progress|todo|x| )[\)\]]\s*$", re.I
)


def action_text(
    text: Any, owner: Any = None, due: Any = None, ref: Any = None, status_text: Any = None
) -> str:
    """The action as written, without the metadata its own row already shows.

    ``Roll back X — Owner: @gliu, due 2026-05-12, IAM-2053 (done)`` reads ``Roll back X`` next
    to its Owner, Due, Tracking and Status columns. Only text that repeats the row's owner, due
    date, tracking reference or status goes; anything else stays (it may say more).
    """
    if not isinstance(text, str):
        return fmt_value(text)
    value = text.strip()
    if not _mentions_metadata(value, owner, due, ref, status_text):
        return value
    owner_s = str(owner).strip() if isinstance(owner, str) and owner.strip() else None
    due_text = None if due is None else fmt_kept(due)
    due_s = due_text if due_text is not None and due_text != MISSING else None
    ref_s = str(ref).strip() if isinstance(ref, str) and ref.strip() else None
    status_s = str(status_text).strip() if isinstance(status_text, str) else None
    if status_s and value.endswith(status_s) and len(value) > len(status_s):
        value = value[: -len(status_s)].rstrip()
    elif _STATUS_TAIL.search(value) and status_s:
        value = _STATUS_TAIL.sub("", value)
    split = _META_TAIL.search(value)
    if split:
        tail = value[split.end() :]
        if _only_metadata(tail, owner_s, due_s, ref_s):
            value = value[: split.start()].rstrip()
    for needle in filter(None, (ref_s, _ref_key(ref_s))):
        for form in (f"({needle})", f"[{needle}]"):
            if form in value and len(value) > len(form):
                value = value.replace(form, " ").strip()
    if owner_s:
        value = _owner_tail(owner_s).sub("", value)
    return _SPACES.sub(" ", value).strip(" ,;") or text.strip()


_SPACES = re.compile(r"\s{2,}")


@lru_cache(maxsize=4096)
def _owner_tail(owner: str) -> re.Pattern[str]:
    """``Owner: <owner>`` at the end of an action's text. Compiled once per owner: a backlog has
    more owners than ``re``'s own cache holds, and compiling was most of a long listing's time."""
    return re.compile(rf"\s*\b(?:owner|owners|assignee)s?\s*:\s*{re.escape(owner)}\s*\.?\s*$", re.I)


def _mentions_metadata(text: str, *values: Any) -> bool:
    """Whether ``text`` can hold any of the row's own metadata (cheap: most texts do not)."""
    lowered = text.lower()
    if "owner" in lowered or "assignee" in lowered or "due" in lowered:
        return True
    for value in values:
        if isinstance(value, str) and value.strip():
            needle = value.strip()
            if needle in text or ("/" in needle and needle.rstrip("/").rsplit("/", 1)[-1] in text):
                return True
    return False


def _ref_key(ref: str | None) -> str | None:
    """``#950`` for ``https://github.com/o/r/issues/950``; the ref's last path segment."""
    if not ref or "/" not in ref:
        return None
    last = ref.rstrip("/").rsplit("/", 1)[-1]
    return f"#{last}" if last.isdigit() else last


@lru_cache(maxsize=8192)
def _pattern(text: str) -> re.Pattern[str]:
    """``re.compile`` kept for more patterns than ``re``'s own cache (512): a long listing has
    thousands of owners and due dates, and compiling was most of the time of its action texts."""
    return re.compile(text)


def _only_metadata(tail: str, owner: str | None, due: str | None, ref: str | None) -> bool:
    """True when ``tail`` (``Owner: @x, due 2026-05-12, OPS-1``) says only what the row shows."""
    rest = tail
    if owner:
        rest = _pattern(rf"(?i)\b(?:owner|owners|assignee)s?\s*:?\s*{re.escape(owner)}").sub(
            " ", rest
        )
    if due:
        rest = _pattern(rf"(?i)\b(?:due|by)\s*:?\s*{re.escape(due)}").sub(" ", rest)
    if ref:
        for needle in filter(None, (ref, _ref_key(ref))):
            rest = rest.replace(needle, " ")
    return not re.sub(r"[\s,;:.()\[\]—–-]+", "", rest)
