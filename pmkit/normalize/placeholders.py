"""Is a field value still the template's placeholder?

Templates ship with ``[Name]``, ``YYYY-MM-DD``, ``Open/Done``, ``(P0 / P1 / P2)`` and hint text in
the place of values. A file whose fields are still placeholders is an unfilled template and must
stay out of every metric; a field that is a placeholder is missing, not a value. Real values that
look close (``Open``, ``Done``, ``Yes``, ``2026-03-04``, a ``[link](url)``) are never placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class PlaceholderPattern:
    """One kind of placeholder, named so the lint module can say which one it found."""

    name: str
    description: str
    regex: re.Pattern[str]


_MASK_TOKEN = r"(?:YYYY|YY|MMM|MM|DD|HH|hh|mm|SS|ss)"

PLACEHOLDER_PATTERNS: tuple[PlaceholderPattern, ...] = (
    PlaceholderPattern(
        "empty",
        "nothing but whitespace, dashes or question marks",
        re.compile(r"^[\s\-–—?.…_*]*$"),
    ),
    PlaceholderPattern(
        "tbd",
        "TBD / TBA / TODO / XXX / lorem ipsum",
        re.compile(r"^(?:tbd|tba|tbc|todo|to do later|xxx+|fixme|lorem ipsum.*)$", re.I),
    ),
    PlaceholderPattern(
        "date-mask",
        "a date or time mask such as YYYY-MM-DD, HH:MM or YYYY-MM-DD HH:MM UTC",
        re.compile(
            rf"^{_MASK_TOKEN}(?:[-/:.\sT]+{_MASK_TOKEN})+(?:\s*(?:UTC|Z|GMT))?$"
            rf"|^YYYY(?:MMDD)?$|^\+?X+\s*min(?:utes?)?$",
        ),
    ),
    PlaceholderPattern(
        "id-mask",
        "an id mask such as INC-YYYYMMDD-XXX or INC-YYYYMMDD-###",
        re.compile(
            r"^[A-Z]{2,10}[-_](?:YYYY(?:[-_]?MM(?:[-_]?DD)?)?(?:[-_](?:X+|#+|N+|\d{2,4}))?"
            r"|X{2,}|#{2,}|N{3,})$",
            re.I,
        ),
    ),
    PlaceholderPattern(
        "angle",
        "an <angle-bracket placeholder> or {{ template variable }}",
        re.compile(r"^<[^<>:@/]{1,30}>$|^\{\{[^{}]{0,30}\}\}$"),
    ),
    PlaceholderPattern(
        "question-template",
        "5-whys scaffolding such as 'Why did [incident] happen?'",
        re.compile(r"^\d*\.?\s*why did \[[^\]]*\] happen\??$", re.I),
    ),
)
_BY_NAME = {pattern.name: pattern for pattern in PLACEHOLDER_PATTERNS}
_ANY_PATTERN = re.compile(
    "|".join(
        f"(?P<p{index}>(?{'i' if pattern.regex.flags & re.I else ''}:{pattern.regex.pattern}))"
        for index, pattern in enumerate(PLACEHOLDER_PATTERNS)
    )
)
"""The patterns above as one alternation, tried in the same order: the first that matches names
the kind (one search instead of six, for every value a reader checks)."""

# Words from the seed templates that stand where a value should be (compared after _normal()).
TEMPLATE_WORDS: frozenset[str] = frozenset(
    {
        "name",
        "names",
        "owner",
        "date",
        "link",
        "links",
        "description",
        "title",
        "action description",
        "event description",
        "service-name (impact summary)",
        "service name",
        "template",
        "detection event logged",
        "mitigation step executed",
        "on-call acknowledged",
        "% of users affected",
        "regions / tenants affected",
        "primary symptoms experienced",
        "error rates, latency spikes, or downtime metrics",
        "business impact (if applicable)",
        "operational load, manual actions, escalations",
        "links to incident tickets, dashboards, logs, or related prs",
        "provide a concise, non-technical overview of what happened, why it mattered, "
        "and how it was resolved",
        "2-3 sentences covering the what/when",
        "document key events minute-by-minute (utc preferred). include manual actions "
        "and automation",
        "apply systems thinking to explain how the incident unfolded. avoid blame; focus on "
        "contributing factors",
        "capture improvements to upstream systems, runbooks, or processes",
        "track remediation with clear ownership, deadlines, and validation. link to tickets "
        "when possible",
    }
)
_NUMBERED_WORD = re.compile(
    r"^(?:factor|item|action|event|step|metric|answer|service|team|person|owner|name)\s*\d+$"
)

# Options that make "A / B / C" a list of choices rather than a value.
_CHOICE_WORDS: frozenset[str] = frozenset(
    {
        "open",
        "done",
        "closed",
        "close",
        "draft",
        "reviewed",
        "review",
        "final",
        "resolved",
        "monitoring",
        "follow-up",
        "followup",
        "in progress",
        "not started",
        "complete",
        "completed",
        "pending",
        "blocked",
        "yes",
        "no",
        "y",
        "n",
        "true",
        "false",
        "n/a",
        "none",
        "investigating",
        "identified",
        "mitigated",
        "critical",
        "high",
        "medium",
        "low",
        "major",
        "minor",
        "all",
        "other",
    }
)
_CHOICE_SEVERITY = re.compile(r"^(?:p\d|sev[\s-]?\d|s\d|severity\s*\d)$")
_CHOICE_SPLIT = re.compile(r"\s*[/|]\s*")
_CHOICE_TAIL = re.compile(r"^(?:other|others|etc\.?|\.\.\.|…)$")

_WRAPPERS = re.compile(r"^(\*\*|__|\*|_|`|~~)(.*)\1$", re.S)
_TRAILING = re.compile(r"[\s.:;,]+$")
_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-"})

_LINKISH = re.compile(r"\]\(|\]\[|https?://|www\.", re.I)
_BRACKET_GROUP = re.compile(r"\[([^\[\]]*)\]")
_CHECKBOX = re.compile(r"^\s*[xX ]?\s*$")
_CONNECTORS = re.compile(r"\b(?:to|and|or|from|until|by|if|details if yes|e\.g\.?)\b|[→>]", re.I)
_ONLY_PUNCT = re.compile(r"^[\s\-–—:;,.()/+|&=*_#]*$")

_PARENS = re.compile(r"^\((.*)\)$", re.S)
_HINT = re.compile(
    r"\be\.g\.|\bi\.e\.|\betc\b|if applicable|\boptional\b|#\s+[a-z]|\bif any\b", re.I
)
_SHORT_LIST_ITEM = re.compile(r"^[A-Za-z][\w/&' -]{0,30}$")
_LONG_TEXT = 240
_YES_NO_TAIL = re.compile(r"\(\s*yes\s*/\s*no\s*\)$", re.I)


def _normal(text: str) -> str:
    """Strip markdown emphasis wrappers, trailing punctuation and extra spaces."""
    value = text.strip()
    if value and value[0] not in "*_`~":
        # no wrapper can match (the common case): the same result without the loops below
        if value[-1] in ".:;,":
            value = _TRAILING.sub("", value)
        return " ".join(value.split())
    for _ in range(3):
        match = _WRAPPERS.match(value)
        if not match:
            break
        value = match.group(2).strip()
    value = _TRAILING.sub("", value)
    for _ in range(3):
        match = _WRAPPERS.match(value)
        if not match:
            break
        value = _TRAILING.sub("", match.group(2).strip())
    return _SPACES.sub(" ", value)


def is_choice_list(text: str) -> bool:
    """``Open/Done``, ``Draft / Reviewed / Closed``, ``P0/P1/P2``, ``Email / Slack / Other``."""
    if "/" not in text and "|" not in text:
        return False
    options = [option.strip().lower() for option in _CHOICE_SPLIT.split(text)]
    if len(options) < 2 or any(not option for option in options):
        return False
    if _CHOICE_TAIL.match(options[-1]) and all(len(option) <= 30 for option in options):
        return True
    return all(option in _CHOICE_WORDS or _CHOICE_SEVERITY.match(option) for option in options)


def _bracket_kind(value: str, refdefs: Collection[str] | None) -> str | None:
    """``[Name]``, ``[Start time] to [End time] ([Total duration])``, ``[ ] [Good thing 1]: [..]``."""
    if "[" not in value or _LINKISH.search(value):
        return None
    groups = _BRACKET_GROUP.findall(value)
    real = [group for group in groups if not _CHECKBOX.match(group)]
    if not real:
        return None
    if refdefs and len(real) == 1 and real[0].strip().lower() in refdefs:
        return None
    rest = _CONNECTORS.sub("", _BRACKET_GROUP.sub("", value))
    if _ONLY_PUNCT.match(rest):
        return "bracketed"
    return None


def _one_group(value: str) -> bool:
    """``(a, b)`` but not ``(a): b (c)``: the first bracket closes at the very end."""
    depth = 0
    for index, char in enumerate(value):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index == len(value) - 1
    return False


def _parens_kind(value: str) -> str | None:
    """Hint text in parentheses: ``(if applicable)``, ``(e.g., degraded latency)``, ``(P0 / P1)``."""
    match = _PARENS.match(value)
    if not match or not _one_group(value):
        return None
    inner = match.group(1).strip()
    if not inner:
        return "hint"
    if _HINT.search(inner):
        return "hint"
    if is_choice_list(inner):
        return "choice-list"
    items = [item.strip() for item in inner.split(",")]
    if len(items) >= 2 and all(_SHORT_LIST_ITEM.match(item) for item in items):
        return "hint"
    return None


@lru_cache(maxsize=8192)
def _kind(text: str, refdefs: frozenset[str] | None) -> str | None:
    value = _normal(text)
    match = _ANY_PATTERN.match(value)
    if match:
        return PLACEHOLDER_PATTERNS[int(match.lastgroup[1:])].name  # type: ignore[index]
    lowered = value.lower().translate(_DASHES)
    if lowered in TEMPLATE_WORDS or _NUMBERED_WORD.match(lowered):
        return "template-word"
    if len(value) > _LONG_TEXT:
        return None  # prose: only the template's own sentences (above) count
    if value.startswith("[") or "[" in value:
        kind = _bracket_kind(value, refdefs)
        if kind:
            return kind
    if value.startswith("("):
        kind = _parens_kind(value)
        if kind:
            return kind
    if is_choice_list(value):
        return "choice-list"
    if _YES_NO_TAIL.search(value) and len(value) <= 60:
        return "choice-list"
    return None


def find_placeholder(text: str | None, refdefs: Collection[str] | None = None) -> str | None:
    """The kind of placeholder ``text`` is (``bracketed``, ``date-mask``...), None for a value.

    ``refdefs``: lower-cased reference-link labels of the document; ``[label]`` naming one of them
    is a link, not a placeholder.
    """
    if text is None:
        return "empty"
    labels = frozenset(refdefs) if refdefs else None
    if len(text) > _LONG_TEXT:
        return _kind.__wrapped__(text, labels)  # prose is not cached: the cache stays small
    return _kind(text, labels)


def is_placeholder(text: str | None, refdefs: Collection[str] | None = None) -> bool:
    """True when ``text`` is empty or still the template's placeholder (see ``find_placeholder``)."""
    return find_placeholder(text, refdefs) is not None


def describe_placeholder(kind: str) -> str:
    """A sentence for the lint report about a kind returned by ``find_placeholder``."""
    if kind in _BY_NAME:
        return _BY_NAME[kind].description
    return {
        "template-word": "a word from the template (Name, Event description, Factor 1...)",
        "bracketed": "a [bracketed placeholder]",
        "choice-list": "a list of choices (Open/Done, Draft / Reviewed / Closed, Yes / No)",
        "hint": "hint text in parentheses, e.g. (if applicable)",
    }.get(kind, kind)
