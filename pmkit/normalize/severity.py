"""Severity labels (``P1``, ``SEV-2``, ``Sev 2``, ``Critical``) -> a comparable level.

The label is kept as written; the level (0 = most severe) comes from the label's number or from
the word table in ``Config.severity_levels``, which ``pmkit.toml`` can extend with a team's own
labels. Template choice lists (``P0 / P1 / P2``) are not a severity: they mark an unfilled field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pmkit.config import DEFAULT_SEVERITY_LEVELS, Config, normalize_severity_key
from pmkit.normalize.placeholders import is_placeholder


@dataclass(frozen=True)
class Severity:
    label: str
    """As written, without markdown or brackets (``SEV-2``, ``P1``, ``Major``)."""
    scheme: str
    """``P``, ``SEV``, ``word`` or ``custom`` (a label from ``pmkit.toml``)."""
    level: int
    """0 = most severe."""


_DEFAULT_CONFIG = Config()

_LABEL = r"(?:P\s?-?\s?\d|SEV(?:ERITY)?[\s_-]?\d|S\d|PRIORITY\s?\d)"
_P_RE = re.compile(r"^(?:P|PRIORITY)\s?-?\s?(?P<n>\d)(?![\w.])", re.I)
_SEV_RE = re.compile(r"^(?:SEV(?:ERITY)?|S)[\s_-]?(?P<n>\d)(?![\w.])", re.I)
_CHOICES_RE = re.compile(rf"\b{_LABEL}\b\s*(?:/|\||,|\bor\b)\s*\b{_LABEL}\b", re.I)
_P_KEY = re.compile(r"^p\d$")
_SEV_KEY = re.compile(r"^sev(?:erity)?\d$")
_MARKUP = re.compile(r"[*`~\[\]]|(?<!\w)_|_(?!\w)")
_LEAD_SYMBOLS = re.compile(r"^[^\w(\[{<]+")
"""Colour dots and icons before the label: ``🔴 P1``, ``⚠️ SEV-2``, ``🟠 Major``."""
_PREFIX = re.compile(r"^(?:severity|sev|priority|level)\s*(?:level\s*)?[:=]\s*", re.I)
_WORD = re.compile(r"^[A-Za-z][A-Za-z-]*")


def _clean(text: str) -> str:
    value = _MARKUP.sub("", text).strip()
    value = _LEAD_SYMBOLS.sub("", value)
    value = value.strip("(){}<>:;,.").strip()
    return _LEAD_SYMBOLS.sub("", _PREFIX.sub("", value)).strip()


def is_severity_placeholder(text: str) -> bool:
    """True for an unfilled severity: empty, ``[Severity]``, or a list of choices (``P0/P1/P2``)."""
    if text is None:
        return True
    if _CHOICES_RE.search(_MARKUP.sub("", text)):
        return True
    value = _clean(text)
    if value and (_P_RE.match(value) or _SEV_RE.match(value)):
        return False  # "[SEV2]": brackets around one real label
    return is_placeholder(text)


def _written_prefix(value: str, key: str) -> str | None:
    """The start of ``value`` that normalises to ``key`` (``Very High!`` -> ``Very High``).

    None when the key ends inside a word (``blue`` in ``Bluebird``): that is another label.
    """
    for end in range(1, len(value) + 1):
        seen = normalize_severity_key(value[:end])
        if seen == key:
            rest = value[end:]
            if rest[:1].isalnum():
                return None
            return value[:end].strip()
        if len(seen) > len(key):
            return None
    return None


@lru_cache(maxsize=64)
def _custom_labels(levels: tuple[tuple[str, int], ...]) -> dict[str, int]:
    return {key: level for key, level in levels if key not in DEFAULT_SEVERITY_LEVELS}


@lru_cache(maxsize=4096)
def _parse(text: str, levels: tuple[tuple[str, int], ...]) -> Severity | None:
    if is_severity_placeholder(text):
        return None
    value = _clean(text)
    if not value:
        return None
    table = dict(levels)
    custom = _custom_labels(levels)
    if custom:
        # The longest configured label that the value starts with ("S1", "Critical-Prod").
        squashed = normalize_severity_key(value)
        for key in sorted(custom, key=len, reverse=True):
            label = _written_prefix(value, key) if squashed.startswith(key) else None
            if label:
                scheme = "P" if _P_KEY.match(key) else "SEV" if _SEV_KEY.match(key) else "custom"
                return Severity(label=label, scheme=scheme, level=custom[key])
    for scheme, regex in (("P", _P_RE), ("SEV", _SEV_RE)):
        match = regex.match(value)
        if match:
            label = match.group(0).strip()
            level = table.get(normalize_severity_key(label), int(match.group("n")))
            return Severity(label=label, scheme=scheme, level=level)
    word = _WORD.match(value)
    if word:
        label = word.group(0).rstrip("-")
        word_level = table.get(normalize_severity_key(label))
        if word_level is not None:
            return Severity(label=label, scheme="word", level=word_level)
    return None


def parse_severity(text: str | None, config: Config | None = None) -> Severity | None:
    """The severity a field value starts with (``SEV2 - partial outage`` -> SEV2), else None."""
    if text is None:
        return None
    levels = (config or _DEFAULT_CONFIG).severity_levels
    key = tuple(sorted(levels.items()))
    return _parse(text, key) if len(text) <= 200 else _parse.__wrapped__(text, key)
