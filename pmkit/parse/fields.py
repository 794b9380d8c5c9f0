"""Field names matched by meaning: one alias table for every spelling teams use.

A key as written (``Start time (UTC)``, ``**Start Time (UTC):**``, ``Date & Timeframe``) is reduced
to a normal form (lower case, no punctuation, no ``(utc)``) and looked up here. Adding a spelling is
one line; the parser never compares raw key strings.
"""

from __future__ import annotations

import re
from functools import lru_cache

# canonical field -> spellings (already in normal form: see ``normalize_key``)
ALIASES: dict[str, tuple[str, ...]] = {
    "title": (
        "incident title",
        "title",
        "incident name",
        "incident id title",
        "summary title",
    ),
    "incident_id": ("incident id", "id", "incident number", "incident", "incident ref", "ticket"),
    "date": ("date", "incident date", "date of incident", "day", "occurred", "occurred on"),
    "timeframe": ("date timeframe", "timeframe", "time frame", "date and time", "when"),
    "severity": (
        "severity",
        "severity priority",
        "sev",
        "priority severity",
        "severity level",
        "incident severity",
        "impact level",
    ),
    "status": ("status", "incident status", "postmortem status", "document status"),
    "owner": (
        "incident owner",
        "incident owner pm",
        "owner",
        "postmortem owner",
    ),
    "author": ("author", "authors", "prepared by", "created by", "written by"),
    "commander": ("incident commander", "ic", "incident lead", "incident manager"),
    "responders": (
        "primary responder",
        "responders",
        "on call responders",
        "oncall responders",
        "contributors",
        "participants",
        "people involved",
    ),
    "team": ("team", "owning team", "responsible team", "squad"),
    "start": (
        "start time",
        "start",
        "started",
        "started at",
        "start date",
        "incident start",
        "fault occurs",
        "began",
        "impact start",
    ),
    "end": (
        "end time",
        "end",
        "ended",
        "ended at",
        "end date",
        "incident end",
        "resolved",
        "resolved at",
        "resolution time",
        "impact end",
    ),
    "detected": (
        "detection time",
        "detected at",
        "detected",
        "time detected",
        "detection",
        "first detected",
    ),
    "acknowledged": ("acknowledged at", "acknowledged", "ack time", "acknowledgement time"),
    "mitigated": ("mitigated at", "mitigated", "mitigation time", "repaired", "repaired at"),
    "tta": ("time to acknowledge tta", "time to acknowledge", "tta"),
    "ttm": ("time to mitigate ttm", "time to mitigate", "ttm", "time to repair"),
    "ttr": ("time to resolve", "time to resolution", "ttr"),
    "duration": (
        "duration",
        "duration of impact",
        "impact duration",
        "total duration",
        "outage duration",
        "length",
    ),
    "detection_method": (
        "detection method",
        "detected by",
        "how was it detected",
        "identified",
        "initial reporter",
    ),
    "services": (
        "systems services affected",
        "impacted systems services",
        "services affected",
        "affected services",
        "services",
        "service",
        "systems affected",
        "affected systems",
        "impacted services",
        "components affected",
    ),
    "customer_impact": (
        "customer impact",
        "customer impact summary",
        "impact",
        "user impact",
        "customer experience",
        "user visible symptoms",
    ),
    "executive_summary": ("executive summary", "what happened", "summary", "tl dr", "tldr"),
    "root_cause": (
        "primary root cause",
        "root cause",
        "primary cause",
        "the problem",
        "cause",
        # seed-001 has no root-cause key: its causal chain summary states the cause
        "5 whys causal chain summary",
        "causal chain summary",
    ),
    "trigger": ("triggering event", "trigger", "triggered by"),
    "factors": (
        "contributing factors",
        "contributing factors technical process organizational",
        "factors",
    ),
    "drafted": (
        "date prepared",
        "drafted",
        "drafted at",
        "drafted on",
        "created",
        "created at",
        "created on",
        "written on",
        "prepared on",
        "date written",
        "postmortem date",
    ),
    "reviewed": ("reviewed", "reviewed at", "reviewed on", "review date", "date reviewed"),
    "last_updated": ("last updated", "last modified", "updated"),
}

_NONWORD = re.compile(r"[^a-z0-9]+")
_PARENS_UTC = re.compile(r"\((?:utc|gmt|[a-z]{2,4}t)\)|\butc\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def normalize_key(key: str) -> str:
    """``**Start Time (UTC):**`` -> ``start time``; ``Date & Timeframe`` -> ``date timeframe``."""
    k = _PARENS_UTC.sub(" ", key.lower())
    k = k.replace("&", " ").replace("/", " ")
    return " ".join(w for w in _NONWORD.sub(" ", k).split() if w not in {"the", "of", "and"})


_KEY_TO_FIELD: dict[str, str] = {
    normalize_key(alias): name for name, aliases in ALIASES.items() for alias in aliases
}


@lru_cache(maxsize=4096)
def field_for_key(key: str) -> str | None:
    """Canonical field name for a key as written, or None when the key means nothing to pmkit."""
    norm = normalize_key(key)
    hit = _KEY_TO_FIELD.get(norm)
    if hit is None and norm.endswith(" s"):
        hit = _KEY_TO_FIELD.get(norm[:-2])
    return hit


def key_has_utc(key: str) -> bool:
    return bool(re.search(r"\butc\b|\bgmt\b", key, re.IGNORECASE))
