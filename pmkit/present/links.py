"""Where a report row points: a tracking reference's ticket, an incident's Markdown file.

Tracking references come from postmortems, so only what is certainly a web address becomes a
link: an ``http``/``https`` URL as written, or a reference that a ``[links]`` rule of
``pmkit.toml`` turns into one (``jira = "https://jira.example.com/browse/{key}"``). Anything else
(``javascript:``, ``data:``, a bare word) stays text. A postmortem file links to the ``[links]
files`` URL when one is configured, else to the file itself (``file://``, for pages opened on the
machine that holds the corpus). Pure: knows nothing of HTML escaping (``pmkit.present`` escapes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from pmkit.config import Config, LinkRule

_WEB = ("http", "https")
_UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f]")
"""Whitespace (``str.isspace``: ``\\s`` is the same set) or a control character."""


def web_url(text: str | None) -> str | None:
    """``text`` when it is one absolute http(s) URL with a host, else None."""
    if not text:
        return None
    value = text.strip()
    if not value or _UNSAFE_IN_URL.search(value):  # one C scan, not a call per character
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB or not parts.netloc:
        return None
    return value


@dataclass(frozen=True)
class Links:
    """Builds the URLs of one report run from ``[links]``."""

    rules: tuple[LinkRule, ...] = ()
    file_template: str | None = None
    _compiled: tuple[re.Pattern[str], ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", tuple(re.compile(r.match) for r in self.rules))

    @classmethod
    def from_config(cls, config: Config) -> Links:
        return cls(tuple(config.link_rules), config.file_link)

    def tracking_url(self, ref: Any) -> str | None:
        """The web address of a tracking reference: itself when a URL, else the first rule's."""
        if not isinstance(ref, str) or not ref.strip():
            return None
        text = ref.strip()
        if (url := web_url(text)) is not None:
            return url
        for rule, pattern in zip(self.rules, self._compiled, strict=True):
            match = pattern.fullmatch(text) or pattern.match(text)
            if match is None:
                continue
            key = match.groupdict().get("key") or match.group(0)
            return web_url(rule.url.replace("{key}", quote(key, safe="")))
        return None

    def file_url(self, root: Any, path: Any) -> str | None:
        """Where the postmortem ``path`` (relative to the ingested ``root``) can be read."""
        if not isinstance(path, str) or not path:
            return None
        if self.file_template:
            return web_url(self.file_template.replace("{path}", quote(path, safe="/")))
        if not isinstance(root, str) or not root:
            return None
        return _file_uri(root, path)


@lru_cache(maxsize=65536)
def _file_uri(root: str, path: str) -> str | None:
    """``file://`` URI of ``root/path`` (cached: a report lists the same files many times)."""
    full = Path(root) / PurePosixPath(path)
    return full.as_uri() if full.is_absolute() else None
