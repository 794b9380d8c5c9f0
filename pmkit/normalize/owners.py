"""Owner and people fields: keep what was written, minus markdown; template names are no owner.

An action item without a real owner is "untracked" (seeds/003), so ``[Name]``, ``TBD`` and ``?``
must read as missing, while ``@handle``, ``Jane Doe (SRE)`` and team names stay as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pmkit.normalize.placeholders import is_placeholder

_LINK = re.compile(r"\[([^\[\]]*)\]\((?:[^()]|\([^)]*\))*\)|\[([^\[\]]*)\]\[[^\]]*\]")
_MARKUP = re.compile(r"\*\*|__|`|~~|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")
_SPACES = re.compile(r"\s+")
_NO_OWNER = re.compile(
    r"^(?:n/?a|none|nobody|no one|noone|unassigned|not assigned|unknown|unowned|owner|owners|"
    r"tbd|tba|tbc|todo|\?+|-+|—|–|name|names|who|who/what|someone|anyone|all)$",
    re.I,
)
_CACHE_MAX = 200
"""Longer values are not cached: the caches stay small however long a cell is."""
_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\band\b|/|\n)\s*", re.I)


def _strip(text: str) -> str:
    value = _LINK.sub(lambda m: m.group(1) or m.group(2) or "", text)
    value = _MARKUP.sub("", value)
    value = _SPACES.sub(" ", value).strip().strip(",;:.").strip()
    # a whole value in brackets that is not a link is a placeholder unless it is a handle
    return value


@lru_cache(maxsize=4096)
def _owner(text: str) -> str | None:
    value = _strip(text)
    if not value or _NO_OWNER.match(value) or is_placeholder(value):
        return None
    return value


def normalize_owner(text: str | None) -> str | None:
    """The owner as written without markdown (``@alice``, ``Jane Doe (SRE)``, ``Platform team``).

    Placeholders and non-owners (``[Name]``, ``Name``, ``TBD``, ``-``, ``?``, ``N/A``, empty) -> None.
    """
    if text is None:
        return None
    return _owner(text) if len(text) <= _CACHE_MAX else _owner.__wrapped__(text)


def split_people(text: str | None) -> list[str]:
    """``Alice, Bob and @carol`` -> ``["Alice", "Bob", "@carol"]``; placeholders are dropped."""
    if not text:
        return []
    value = _strip(text)
    if not value or is_placeholder(value):
        return []
    people: list[str] = []
    depth_safe = re.sub(r"\([^)]*\)", lambda m: m.group(0).replace(",", "\0"), value)
    for part in _SPLIT.split(depth_safe):
        name = normalize_owner(part.replace("\0", ","))
        if name and name not in people:
            people.append(name)
    return people
