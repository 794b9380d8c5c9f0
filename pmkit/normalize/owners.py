"""Owner and people fields: keep what was written; template names are no owner.

An action item without a real owner is "untracked" (seeds/003), so ``[Name]``, ``TBD`` and ``?``
must read as missing, while ``@handle``, ``Jane Doe (SRE)`` and team names stay as written.

One person is often written several ways (``Mei Ling``, ``@mling``): :class:`People` merges the
names ``pmkit.toml``'s ``[people]`` lists, and :func:`likely_aliases` proposes the ones it should.
Pure: knows nothing of DuckDB or reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pmkit.config import Config, person_key
from pmkit.normalize.placeholders import is_placeholder

_SPACES = re.compile(r"\s+")
_NO_OWNER = re.compile(
    r"^(?:n/?a|none|nobody|no one|noone|unassigned|not assigned|unknown|unowned|owner|owners|"
    r"tbd|tba|tbc|todo|\?+|-+|—|–|name|names|who|who/what|someone|anyone|all)$",
    re.I,
)
_CACHE_MAX = 200
"""Longer values are not cached: the caches stay small however long a cell is."""
_SPLIT = re.compile(r"\s*(?:,|;|&|\+|\band\b|/|\n)\s*", re.I)
_IN_PARENS = re.compile(r"\([^)]*\)")
_TRIM = ",;:."
"""Punctuation around a name that is the sentence's, not the name's (``Owner: Jane Doe.``)."""


def _trimmed(text: str, masked: str) -> str:
    """``text`` without the spaces and ``,;:.`` around it, those ``masked`` shows as written."""
    left = len(masked) - len(masked.lstrip().lstrip(_TRIM).lstrip())
    right = len(masked.rstrip().rstrip(_TRIM).rstrip())
    return text[left : max(left, right)]


@lru_cache(maxsize=4096)
def _owner(text: str) -> str | None:
    value = _SPACES.sub(" ", text).strip()
    if not value or _NO_OWNER.match(value) or is_placeholder(value):
        return None
    return value


def owner_name(text: str | None) -> str | None:
    """``text`` as a name, exactly (spacing aside): None for a placeholder or a non-owner
    (``[Name]``, ``Name``, ``TBD``, ``-``, ``?``, ``N/A``, empty)."""
    if text is None:
        return None
    return _owner(text) if len(text) <= _CACHE_MAX else _owner.__wrapped__(text)


def normalize_owner(text: str | None, masked: str | None = None) -> str | None:
    """The owner in plain text (``@alice``, ``Jane Doe (SRE)``, ``Platform team``), without the
    ``,;:.`` around it; placeholders and non-owners -> None (see :func:`owner_name`).

    The text is plain: its Markdown was read once, by the parser (``pmkit.parse.blocks``), and
    is never stripped again, so ``__init__ team`` stays itself. ``masked`` is ``text`` with each
    character that was written literally (an escaped ``\\.``) replaced by one that is no
    punctuation: such characters are the name's and stay.
    """
    if text is None:
        return None
    return owner_name(_trimmed(text, text if masked is None else masked))


def split_people(text: str | None, masked: str | None = None) -> list[str]:
    """``Alice, Bob and @carol`` -> ``["Alice", "Bob", "@carol"]``; placeholders are dropped.

    Commas inside parentheses do not split (``Alice (SRE, EU)``). ``masked`` as for
    :func:`normalize_owner`: a separator written literally (``Ops \\& Infra``) splits nothing.
    A list that is a placeholder as a whole (``<name>, <name>``) is none, unless some character
    in it was written literally: that is a value a tool wrote out, not template text.
    """
    if not text:
        return []
    masked = text if masked is None else masked
    whole = _trimmed(text, masked)
    if not whole or (masked == text and is_placeholder(whole)):
        return []
    safe = _IN_PARENS.sub(lambda m: m.group(0).replace(",", "\0"), masked)
    people: list[str] = []
    start = 0
    for m in [*_SPLIT.finditer(safe), None]:
        end = m.start() if m else len(text)
        name = normalize_owner(text[start:end], safe[start:end])
        if name and name not in people:
            people.append(name)
        start = m.end() if m else end
    return people


# --- one person, several names ---------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """Who is who: alias -> person (from ``pmkit.toml``'s ``[people]``) and person -> team.

    Reports count owners through :meth:`person`, so ``Mei Ling``, ``@mling`` and
    ``mei.ling@example.com`` are one row once the table says so. Pure and hashable: it can sit
    in ``metrics.Filters``.
    """

    aliases: tuple[tuple[str, str], ...] = ()
    """(``person_key`` of a name, the person it means), the person's own name included."""
    teams: tuple[tuple[str, str], ...] = ()
    """(person, team)."""

    @classmethod
    def from_config(cls, config: Config) -> People:
        aliases = [
            (person_key(name), person)
            for person, names in config.people.items()
            for name in (person, *names)
        ]
        return cls(tuple(aliases), tuple(sorted(config.people_teams.items())))

    def person(self, name: str | None) -> str | None:
        """The person ``name`` is an alias of, else ``name`` as written (None stays None)."""
        if name is None:
            return None
        return dict(self.aliases).get(person_key(name), name)

    def team(self, person: str | None) -> str | None:
        """The team ``[people]`` gives ``person``; None when it gives none."""
        return dict(self.teams).get(person) if person is not None else None

    def known(self, name: str) -> bool:
        """True when ``[people]`` names ``name`` (as a person or an alias)."""
        return person_key(name) in dict(self.aliases)


@dataclass(frozen=True)
class AliasGroup:
    """Names that probably mean one person (``person``, the fullest name, first)."""

    person: str
    aliases: tuple[str, ...]


_NAME_WORD = re.compile(r"^[^\W\d_][\w'’.-]*$")
_HANDLE = re.compile(r"^@?[\w.'-]+$")


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha())


def _full_name(name: str) -> list[str] | None:
    """``Liam O'Brien`` -> ``["liam", "obrien"]``; None for a handle, an e-mail or a team."""
    words = name.split()
    if len(words) < 2 or len(words) > 4 or not all(_NAME_WORD.match(w) for w in words):
        return None
    if words[-1].lower() in {"team", "squad", "group", "oncall", "sre", "ops"}:
        return None
    parts = [_letters(w) for w in words]
    return parts if all(parts) else None


def _handle(name: str) -> str | None:
    """``@mling`` -> ``mling``, ``mei.ling@example.com`` -> ``meiling``; None for anything else."""
    local = name.strip()
    if " " in local:
        return None
    if "@" in local[1:]:
        local = local.split("@")[0] if not local.startswith("@") else local[1:].split("@")[0]
    elif local.startswith("@"):
        local = local[1:]
    elif not _HANDLE.match(local) or "." not in local and "_" not in local:
        return None  # a single plain word (``alice``) is a name too short to match on
    letters = _letters(local)
    return letters or None


def _handle_forms(parts: list[str]) -> set[str]:
    """How ``["mei", "ling"]`` is written as a handle: meiling, mling, meil, lingm, lingmei."""
    first, last = parts[0], parts[-1]
    initials = "".join(p[0] for p in parts[:-1])
    return {
        first + last,
        first[0] + last,
        initials + last,
        first + last[0],
        last + first[0],
        last + first,
    }


def likely_aliases(names: Iterable[str], people: People | None = None) -> list[AliasGroup]:
    """Names in ``names`` that look like one person, for the user to confirm in ``[people]``.

    Two signs, both cheap to check by eye: a handle or e-mail that spells a full name
    (``@mling``, ``mei.ling@example.com`` for ``Mei Ling``: first+last, initial+last, ...), and two
    full names with the same surname and first initial where one is an initial (``M. Ling``).
    A handle that fits two full names is left out (a guess), and so is every name ``people``
    already places.
    """
    people = people or People()
    seen = sorted({n.strip() for n in names if n and n.strip() and not people.known(n)})
    full = {n: p for n in seen if (p := _full_name(n)) is not None}
    groups: dict[str, list[str]] = {}
    canonical = {name: name for name in full}
    for name, parts in full.items():  # "M. Ling" next to "Mei Ling"
        if len(parts[0]) != 1:
            continue
        matches = [
            f
            for f, other in full.items()
            if f != name
            and len(other[0]) > 1
            and other[0][0] == parts[0]
            and other[-1] == parts[-1]
        ]
        if len(matches) == 1:
            groups.setdefault(matches[0], []).append(name)
            canonical[name] = matches[0]
    for name in seen:
        if name in full:
            continue
        handle = _handle(name)
        if handle is None:
            continue
        found = {canonical[f] for f, parts in full.items() if handle in _handle_forms(parts)}
        if len(found) == 1:
            groups.setdefault(found.pop(), []).append(name)
    return [
        AliasGroup(person, tuple(sorted(aliases))) for person, aliases in sorted(groups.items())
    ]


def people_toml(groups: Iterable[AliasGroup]) -> str:
    """The ``[people]`` table that would merge ``groups``, ready to paste into ``pmkit.toml``."""
    lines = ["[people]"]
    for group in groups:
        aliases = ", ".join(_toml_string(a) for a in group.aliases)
        lines.append(f"{_toml_string(group.person)} = [{aliases}]")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'
