"""Where an action item is tracked: a URL, a ticket key (``ABC-123``) or an issue (``#123``).

seeds/003 says an action is not tracked until it has a ticket; the untracked-action metric needs
to tell a real reference from a template's ``[Link]``. Action ids (``AI-001``, ``ACT-3``) and
severities (``SEV-1``) look like ticket keys but are not references.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_INLINE_LINK = re.compile(
    r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?(?P<url>[^()\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_AUTOLINK = re.compile(r"<(?P<url>[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]+)>")
_BARE_URL = re.compile(
    r"(?P<url>\bhttps?://[^\s<>\]\[()\"'`|]+(?:\([^\s()]*\)[^\s<>\]\[()\"'`|]*)*)", re.I
)
_WWW = re.compile(r"(?P<url>\bwww\.[a-z0-9-]+\.[^\s<>\]\[()\"'`|]+)", re.I)
_REF_FULL = re.compile(r"\[(?P<text>[^\[\]]+)\]\[(?P<label>[^\[\]]*)\]")
_REF_SHORT = re.compile(r"(?<!\])\[(?P<label>[^\[\]]+)\](?![\[(:])")
_TICKET = re.compile(r"\b(?P<key>[A-Z][A-Z0-9_]{1,15}-\d+)\b")
_REPO_ISSUE = re.compile(r"(?<![\w/])(?P<ref>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+#\d+)\b")
_ISSUE = re.compile(r"(?<![\w&/])(?P<ref>#\d+)\b")
_TRAILING_PUNCT = ".,;:!?*_"

NOT_TICKET_PREFIXES: frozenset[str] = frozenset(
    {
        "SEV",
        "P",
        "AI",
        "ACT",
        "ACTION",
        "AR",
        "CVE",
        "CWE",
        "GHSA",
        "UTF",
        "SHA",
        "ISO",
        "RFC",
        "TLS",
        "SSL",
        "HTTP",
        "IPV",
        "MD",
        "COVID",
        "GPT",
        "PM",
        "INC",
        "INCIDENT",
        "PR",
        "S",
        "UTC",
        "GMT",
    }
)
"""Prefixes of ``XYZ-123`` tokens that are ids, versions or standards rather than tickets.

``UTC-7`` is a zone offset. ``PR-12`` and ``INC-123`` are excluded too: the first is a pull request id without a repository,
the second the incident's own id.
"""


def _url(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for regex in (_INLINE_LINK, _AUTOLINK, _BARE_URL, _WWW):
        match = regex.search(text)
        if match and not match.group("url").startswith("#"):
            if best is None or match.start() < best[0]:
                best = (match.start(), match.group("url"))
    if best is None:
        return None
    url = best[1]
    while url and url[-1] in _TRAILING_PUNCT:
        url = url[:-1]
    return url or None


def _refdef(text: str, refdefs: Mapping[str, str]) -> str | None:
    for match in _REF_FULL.finditer(text):
        label = match.group("label") or match.group("text")
        url = refdefs.get(_label(label))
        if url:
            return url
    for match in _REF_SHORT.finditer(text):
        url = refdefs.get(_label(match.group("label")))
        if url:
            return url
    return None


def _label(label: str) -> str:
    return re.sub(r"\s+", " ", label.strip()).lower()


def extract_tracking_ref(text: str | None, refdefs: Mapping[str, str] | None = None) -> str | None:
    """The first tracking reference in ``text``: URL, then a reference-style link resolved through
    ``refdefs`` (lower-cased labels -> URL), then a ticket key, then ``org/repo#123``, then ``#123``.
    """
    if not text:
        return None
    url = _url(text)
    if url:
        return url
    if refdefs and "[" in text:
        url = _refdef(text, refdefs)
        if url:
            return url
    for match in _TICKET.finditer(text):
        key = match.group("key")
        if key.rsplit("-", 1)[0] not in NOT_TICKET_PREFIXES:
            return key
    found = _REPO_ISSUE.search(text) or _ISSUE.search(text)
    return found.group("ref") if found else None
