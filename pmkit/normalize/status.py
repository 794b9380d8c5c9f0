"""Action-item and incident statuses, from the many words teams use, to a few comparable values.

Overdue and completion metrics depend on telling ``done`` from everything else, so a status that
cannot be read is ``unknown``, never ``open`` by default.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pmkit.normalize.placeholders import is_choice_list, is_placeholder

_ACTION_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "complete",
            "completed",
            "closed",
            "close",
            "done",
            "fixed",
            "resolved",
            "merged",
            "shipped",
            "finished",
            "deployed",
            "released",
            "implemented",
            "x",
            "✅",
            "✔",
            "✔️",
            "☑",
            "☑️",
            "won't do",
            "wont do",
            "won't fix",
            "wontfix",
            "cancelled",
            "canceled",
            "obsolete",
        ),
        "done",
    ),
    **dict.fromkeys(
        (
            "in progress",
            "inprogress",
            "in-progress",
            "wip",
            "ongoing",
            "in review",
            "under review",
            "started",
            "doing",
            "active",
            "partially done",
            "partial",
            "blocked",
            "🚧",
            "⏳",
        ),
        "in_progress",
    ),
    **dict.fromkeys(
        (
            "open",
            "not started",
            "todo",
            "to do",
            "to-do",
            "pending",
            "planned",
            "backlog",
            "new",
            "proposed",
            "not done",
            "outstanding",
            "❌",
            "⬜",
        ),
        "open",
    ),
}
"""Lower-cased status words -> status. ``won't do`` counts as done: nothing is left to track."""

_MARKUP = re.compile(r"[*_`~]")
_CHECKBOX = re.compile(r"^\[\s*([xX✓ ]?)\s*\]$")
_SPACES = re.compile(r"\s+")
_TRAILER = re.compile(r"\s*(?:\(.*\)|[-–—:,;.].*|\bin\s+#?\w.*|\bon\s+\d.*|\bvia\b.*)$")

_INLINE = re.compile(
    r"(?P<box>^\s*\[(?P<mark>[ xX])\]\s+)"
    r"|(?P<emoji>✅|✔️?|☑️?|🚧|⏳|❌)"
    r"|(?P<bracket>[\[(]\s*(?P<bword>done|completed?|closed|fixed|resolved|merged|shipped|"
    r"in[ -]progress|wip|ongoing|in review|pending|open|todo|to do|not started|planned|blocked)"
    r"(?:\s+[^\])]*)?\s*[\])])"
    r"|(?P<dash>[-–—:|.;]\s*(?P<dword>done|completed?|closed|fixed|resolved|merged|shipped|"
    r"in[ -]progress|wip|ongoing|in review|pending|not started|todo|planned)"
    r"(?:\s+(?:as of|on|since)\s+[\w ,/.-]{4,24}?)?\s*[.!]?\s*$)"
    r"|(?P<lead>^\s*\**(?P<lword>done|completed?|fixed|resolved|merged|shipped|wip|"
    r"in progress|todo|pending)\**\s*[:\-–—]\s)",
    re.I,
)

_INCIDENT_WORDS: dict[str, str] = {
    "draft": "draft",
    "drafting": "draft",
    "in draft": "draft",
    "wip": "draft",
    "in progress": "draft",
    "work in progress": "draft",
    "in review": "in_review",
    "under review": "in_review",
    "review": "in_review",
    "ready for review": "in_review",
    "reviewed": "reviewed",
    "approved": "reviewed",
    "final": "final",
    "published": "final",
    "complete": "final",
    "completed": "final",
    "done": "final",
    "closed": "closed",
    "resolved": "resolved",
    "fixed": "resolved",
    "mitigated": "mitigated",
    "monitoring": "monitoring",
    "investigating": "investigating",
    "identified": "identified",
    "ongoing": "ongoing",
    "open": "open",
    "active": "ongoing",
    "follow-up": "follow_up",
    "follow up": "follow_up",
    "followup": "follow_up",
}
"""Incident/document statuses as used in ``incidents.status``."""


def _clean(text: str) -> str:
    value = _MARKUP.sub("", text).strip().strip(".:;,!").strip()
    return _SPACES.sub(" ", value)


@lru_cache(maxsize=4096)
def _action_status(text: str) -> str:
    value = _clean(text)
    box = _CHECKBOX.match(value)
    if box:
        return "done" if box.group(1) else "open"
    lowered = value.lower()
    if lowered in _ACTION_WORDS:
        return _ACTION_WORDS[lowered]
    if not lowered or is_choice_list(value) or is_placeholder(value):
        return "unknown"
    head = _TRAILER.sub("", lowered).strip()
    if head in _ACTION_WORDS and head:
        return _ACTION_WORDS[head]
    for emoji in ("✅", "✔", "☑"):
        if emoji in value:
            return "done"
    return "unknown"


def normalize_action_status(text: str | None) -> str:
    """``Complete``/``[x]``/``✅`` -> done; ``WIP`` -> in_progress; ``Todo``/``[ ]`` -> open.

    Empty, template choices (``Open/Done``) and unknown words -> ``unknown``.
    """
    if text is None:
        return "unknown"
    return _action_status(text) if len(text) <= 200 else _action_status.__wrapped__(text)


def find_inline_status(text: str) -> tuple[str, str] | None:
    """A status written inside an action's text: ``[DONE]``, ``(pending)``, ``- in progress``, ✅.

    Returns ``(status, the status text as written)``; None when the text carries no status.
    """
    if not text:
        return None
    match = _INLINE.search(text)
    if not match:
        return None
    if match.group("box"):
        return ("done" if match.group("mark").strip() else "open"), match.group("box").strip()
    written = match.group(0).strip()
    word = (
        match.group("emoji")
        or match.group("bword")
        or match.group("dword")
        or match.group("lword")
        or ""
    )
    status = _ACTION_WORDS.get(word.lower().replace("-", " ") if word else "")
    if status is None:
        status = _ACTION_WORDS.get(word.lower(), "unknown")
    if match.group("dash"):
        written = written.lstrip("-–—:|.; ").rstrip(".! ")
    return status, written


@lru_cache(maxsize=1024)
def _incident_status(text: str) -> str | None:
    value = _clean(text)
    if not value or is_placeholder(value) or is_choice_list(value):
        return None
    lowered = value.lower()
    if lowered in _INCIDENT_WORDS:
        return _INCIDENT_WORDS[lowered]
    head = _TRAILER.sub("", lowered).strip()
    if head in _INCIDENT_WORDS:
        return _INCIDENT_WORDS[head]
    first = lowered.split(" ", 1)[0]
    return _INCIDENT_WORDS.get(first)


def normalize_incident_status(text: str | None) -> str | None:
    """``Draft``, ``Reviewed``, ``Closed``, ``Final``, ``Resolved``, ``Monitoring``... lower-cased.

    Template choices (``Draft / Reviewed / Closed``) and unknown words -> None.
    """
    if text is None:
        return None
    return _incident_status(text) if len(text) <= 200 else _incident_status.__wrapped__(text)
