"""Owners, responders and services read from a field's Markdown source, once.

The Markdown is made plain here and nowhere after (``plain_marked``), so every character the
source wrote literally stays the name's: ``\\_\\_init\\_\\_ team`` is ``__init__ team``,
``Ops \\& Infra`` one team, ``api \\(v2\\)`` a service with its version, ``Ana Silva\\.`` keeps
its dot. Written as markup, the same characters keep the meaning hand-written files give them:
``Alice & Bob`` are two people, ``api (degraded)`` is the service ``api``.
"""

from __future__ import annotations

import re

from pmkit.normalize.owners import normalize_owner, split_people
from pmkit.normalize.placeholders import is_placeholder
from pmkit.parse.inline import Marked, plain_marked

_SERVICE_SPLIT = re.compile(r"\s*(?:,|;|\band\b)\s*")
_SERVICE_NOTE = re.compile(r"\s*\([^)]*\)\s*$")
"""``api (degraded)``: a note on the service, not its name."""


def owner_in(raw: str) -> str | None:
    """The owner a field or cell names (see ``pmkit.normalize.owners.normalize_owner``)."""
    m = plain_marked(raw)
    return normalize_owner(m.text, m.masked)


def people_in(raw: str) -> list[str]:
    """The people a field, cell or line names, split on the separators written as markup."""
    m = plain_marked(raw)
    return split_people(m.text, m.masked)


def _service(m: Marked) -> str:
    return m.sub(_SERVICE_NOTE).strip(" .").text


def services_in(raw: str, items: list[str]) -> list[str]:
    """Service names: the nested items when some are real (``items``: their sources), else the
    value split on ``,``, ``;`` and ``and``. A value that is a placeholder as a whole is none,
    unless something in it was written literally (a tool wrote a value out, see
    ``pmkit.normalize.owners.split_people``)."""
    marked = [m for m in map(plain_marked, items) if not is_placeholder(m.text)]
    if not marked:
        whole = plain_marked(raw)
        if whole.masked == whole.text and is_placeholder(whole.text):
            return []
        marked = whole.split(_SERVICE_SPLIT)
    out: list[str] = []
    for m in marked:
        name = _service(m)
        if name and not is_placeholder(name) and name not in out:
            out.append(name)
    return out


def is_literal(raw: str) -> bool:
    """True when some character of ``raw`` was written literally (escaped, a reference)."""
    m = plain_marked(raw)
    return m.masked != m.text
