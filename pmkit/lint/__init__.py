"""Completeness and process checks for postmortem files: the rules of seeds/003, for pre-commit
and CI (``pmkit lint``).

Modules, every arrow pointing down:

- ``messages``: a finding and how findings print (text lines with a totals line, or JSON).
- ``blame``: the blameless-language rules (pure text; the drafting form uses them too).
- ``scan``: what the raw lines say where (field lines, placeholders left).
- ``checks``: the checks of one parsed document.
- ``files``: files and folders, found as ingest finds them (``pmkit.corpus``).

Knows nothing of the database: it reads files through ``pmkit.parse``.
"""

from pmkit.lint.blame import BLAME_RULES, blame_hints
from pmkit.lint.checks import lint_document
from pmkit.lint.files import LintRun, lint_paths, lint_run, lint_text
from pmkit.lint.messages import LintMessage, has_errors, render, totals

__all__ = [
    "BLAME_RULES",
    "LintMessage",
    "LintRun",
    "blame_hints",
    "has_errors",
    "lint_document",
    "lint_paths",
    "lint_run",
    "lint_text",
    "render",
    "totals",
]
