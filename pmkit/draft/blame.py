"""A small fallback list of blaming phrases, used only when ``pmkit.lint.blame_hints`` is absent.

Seeds/003: postmortems are blameless. These hints are warnings, never errors: a phrase can be
fine in context, and the author decides.
"""

from __future__ import annotations

import re

_RULES: tuple[tuple[str, str], ...] = (
    (r"\b(?:human|operator|user) error\b", "names a person as the cause; describe the system gap"),
    (r"\b(?:his|her|their) (?:fault|mistake|carelessness)\b", "assigns fault to a person"),
    (r"\b(?:should have|shouldn't have|should not have)\b", "hindsight: say what was known then"),
    (r"\b(?:careless(?:ly|ness)?|negligen(?:t|ce)|sloppy|incompetent|lazy)\b", "judges a person"),
    (r"\b(?:blame[sd]?|blaming|fault of|to blame)\b", "blame wording"),
    (r"\bforgot\b", "names a lapse; ask what made it easy to miss"),
    (r"\bfailed to\b", "judges a person; describe what happened instead"),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), why) for p, why in _RULES)


def blame_hints(text: str) -> list[str]:
    """One hint per blaming phrase found in ``text`` (``"'human error': names a person..."``)."""
    hints: list[str] = []
    for rx, why in _COMPILED:
        for m in rx.finditer(text or ""):
            hints.append(f"'{m.group(0)}': {why}")
    return hints
