"""Linting files and folders: the postmortem files found as ingest finds them
(``pmkit.corpus``), each parsed and checked, named by the path as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pmkit.config import Config, load_config
from pmkit.corpus import SUFFIXES, discover
from pmkit.lint.checks import lint_document
from pmkit.lint.messages import LintMessage


def lint_text(
    text: str, path: str = "<text>", config: Config | None = None, now: datetime | None = None
) -> list[LintMessage]:
    """Lint Markdown text as if it were the file ``path``."""
    from pmkit.parse import parse_text

    config = config or load_config()
    return lint_document(parse_text(text, path, config), config, now)


@dataclass
class LintRun:
    """What linting some paths found: the messages, and how many files were read."""

    messages: list[LintMessage] = field(default_factory=list)
    files: int = 0


def lint_paths(
    paths: Sequence[Path | str], config: Config | None = None, now: datetime | None = None
) -> list[LintMessage]:
    """Lint files, and the postmortem files under folders (recursively), path as given."""
    return lint_run(paths, config, now).messages


def lint_run(
    paths: Sequence[Path | str], config: Config | None = None, now: datetime | None = None
) -> LintRun:
    """:func:`lint_paths` with the count of files read. A path that does not exist is an error;
    a folder holding no postmortem file is a warning (a typo, or the wrong folder)."""
    from pmkit.parse import parse_file

    config = config or load_config()
    run = LintRun()
    for given in map(Path, paths):
        if not given.exists():
            run.messages.append(
                LintMessage(str(given), 1, "error", "no-file", "no such file or folder")
            )
            continue
        files, problems = discover([given])
        for problem in problems:
            where = given / problem.rel if given.is_dir() else given
            run.messages.append(LintMessage(str(where), 1, "error", "no-file", problem.message))
        if given.is_dir() and not files and not problems:
            run.messages.append(
                LintMessage(
                    str(given),
                    1,
                    "warning",
                    "no-postmortems",
                    f"no postmortems in this folder (none of its files ends in "
                    f"{', '.join(SUFFIXES)})",
                )
            )
        for src in files:
            shown = given / src.rel if given.is_dir() else given
            run.files += 1
            if src.refused:
                run.messages.append(LintMessage(str(shown), 1, "error", "no-file", src.refused))
                continue
            doc = parse_file(src.path, src.path.parent, config)
            doc.path = str(shown)
            run.messages.extend(lint_document(doc, config, now))
    return run
