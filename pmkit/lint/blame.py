"""Blameless language: phrases that blame a person rather than describe the conditions.

Pure text rules with no other dependency, used by ``pmkit lint`` and by the drafting form as the
author types (``pmkit.draft.validate``).
"""

from __future__ import annotations

import re

_NOT_NAMES = frozenset(
    "the this that these those we it they our a an team service system monitoring alerting "
    "nobody someone everyone no one there here then when after before during while if also and "
    "but so ci cd job script deploy release config database api".split()
)
_MISTAKE_VERBS = (
    r"forgot|mistakenly|accidentally|carelessly|neglected|ignored|overlooked|messed up|screwed up"
    r"|should have (?:known|checked|noticed|tested|caught|asked)"
    r"|did(?:n't| not) (?:check|test|verify|follow|read|notice|bother)"
)
BLAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\b(?:human|operator|user|engineer|pilot|developer) error\b", re.I),
        "describe the conditions that made the mistake possible (missing guard rail, confusing "
        "tool, unclear runbook) instead of the person",
    ),
    (
        re.compile(
            r"\bcareless(?:ly|ness)?\b|\bsloppy\b|\bnegligen(?:t|ce)\b|\bincompeten\w*", re.I
        ),
        "describe what made the step risky or easy to get wrong, not a judgement of a person",
    ),
    (
        re.compile(
            rf"\b(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?|[Hh]e|[Ss]he) (?:{_MISTAKE_VERBS})\b"
        ),
        "a named person as the subject of a mistake: make the system or the step the subject "
        '("the deploy ran without a check")',
    ),
    (
        re.compile(r"\b(?:\w+ )?forgot\b|\bforgetting\b", re.I),
        "say what reminder, checklist or automation was missing",
    ),
    (
        re.compile(r"\bshould have (?:known|checked|noticed|tested|caught|asked)\b", re.I),
        "hindsight: say what information was not available or not visible at the time",
    ),
    (
        re.compile(
            r"\b(?:(?:his|her|their)(?: own)? fault|fault of|to blame|blamed on|is blamed)\b", re.I
        ),
        "blameless: describe what the system allowed, not whose fault it was",
    ),
)


def blame_hints(text: str) -> list[tuple[int, str, str]]:
    """``(line, phrase, suggestion)`` for phrases that blame a person (1-based line of ``text``).

    Used by ``pmkit lint`` and by the drafting form as the author types.
    """
    hints: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        taken: list[tuple[int, int]] = []
        for pattern, suggestion in BLAME_RULES:
            for match in pattern.finditer(line):
                name = match.groupdict().get("name")
                if name and name.split()[0].lower() in _NOT_NAMES:
                    continue
                start, end = match.span()
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                hints.append((number, match.group(0), suggestion))
    return sorted(hints, key=lambda h: h[0])
