"""What the raw text of a postmortem says where: the first line of each field, the values as
written, the template placeholders left. The lint checks point at these lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmkit.normalize.placeholders import find_placeholder
from pmkit.parse.fields import field_for_key
from pmkit.parse.keyvalues import split_key_value

_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_REFDEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*\S", re.M)


@dataclass
class Lines:
    """What the raw text says where: first line of each canonical field, placeholders left."""

    field_lines: dict[str, int]
    field_values: dict[str, str]
    """First value written for each canonical field, placeholders included."""
    placeholders: list[tuple[int, str, str]]
    """(line, text, kind)"""
    heading_line: int | None


def scan(text: str) -> Lines:
    lines = text.splitlines()
    refdefs = frozenset(label.strip().lower() for label in _REFDEF.findall(text))

    def placeholder(value: str) -> str | None:
        return find_placeholder(value, refdefs)

    field_lines: dict[str, int] = {}
    field_values: dict[str, str] = {}
    placeholders: list[tuple[int, str, str]] = []
    heading_line: int | None = None
    in_code = False
    for i, line in enumerate(lines, start=1):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        stripped = line.strip()
        if in_code or not stripped or stripped.startswith((">", "<!--")):
            continue
        if stripped.startswith("#"):
            heading_line = heading_line or i
            continue
        if stripped.startswith("|"):
            following = lines[i] if i < len(lines) else ""
            if _TABLE_SEPARATOR.match(stripped) or _TABLE_SEPARATOR.match(following):
                continue  # separator or header row
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            kinds = [(c, placeholder(c)) for c in cells if c]
            left = [(c, kind) for c, kind in kinds if kind and kind != "empty"]
            # a template word ("On-call acknowledged") is a fair value in a row of real values
            if left and (len(left) == len(kinds) or any(k != "template-word" for _, k in left)):
                placeholders.append((i, ", ".join(c for c, _ in left), left[0][1]))
            continue
        body = _BULLET.sub("", line)
        pair = split_key_value(body)
        if pair:
            key, value = pair
            name = field_for_key(key)
            if name:
                field_lines.setdefault(name, i)
                field_values.setdefault(name, value)
            kind = placeholder(value) if value else None
            if kind and kind != "empty":
                placeholders.append((i, value, kind))
            continue
        kind = placeholder(body.strip())
        if kind and kind not in ("empty", "tbd") and body.strip() != stripped.lstrip("#"):
            placeholders.append((i, body.strip(), kind))  # a list item that is a placeholder
        elif kind in ("bracketed", "question-template", "angle"):
            placeholders.append((i, body.strip(), kind))
    return Lines(field_lines, field_values, placeholders, heading_line)
