"""A lint finding (file, line, level, code, message) and how findings are printed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class LintMessage:
    path: str
    line: int
    """1-based; 1 when the problem concerns the whole file."""
    level: str
    """``error``, ``warning`` or ``info``; any error fails the run."""
    code: str
    message: str

    def render(self) -> str:
        return f"{_one_line(self.path)}:{self.line}: {self.level}: {self.message} [{self.code}]"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(path: str) -> str:
    """A file name with control characters (a newline could forge a lint line) escaped:
    ``new\\nline.md``; any other name unchanged. The JSON output keeps names as they are."""
    if not _CONTROL.search(path):
        return path
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), path)


def has_errors(messages: Iterable[LintMessage]) -> bool:
    return any(m.level == "error" for m in messages)


def render(messages: Sequence[LintMessage], fmt: str = "text") -> str:
    """``path:line: level: message [code]`` lines, or a JSON list of objects."""
    if fmt == "json":
        return json.dumps([asdict(m) for m in messages], indent=2)
    if fmt != "text":
        raise ValueError(f"format must be text or json, got {fmt!r}")
    return "\n".join(m.render() for m in messages)


def totals(messages: Sequence[LintMessage], files: int) -> str:
    """The last line of ``pmkit lint``: ``3 files, 2 errors, 1 warning``."""
    errors = sum(m.level == "error" for m in messages)
    warnings = sum(m.level == "warning" for m in messages)
    return f"{_count(files, 'file')}, {_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"
