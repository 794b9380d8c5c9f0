"""When was each file first committed? The fallback for ``drafted_at`` in a git corpus."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path


def first_commit_dates(root: Path) -> dict[str, datetime]:
    """Map of path (relative to ``root``, posix) -> author date (UTC, naive) of the commit that
    added it. Empty when ``root`` is not inside a git work tree or git is missing."""
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        log = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "--diff-filter=A",
                "--format=%x00%aI",
                "--name-only",
                "--no-renames",
                "--",
                ".",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    out: dict[str, datetime] = {}
    when: datetime | None = None
    for line in log.splitlines():
        if line.startswith("\x00"):
            when = datetime.fromisoformat(line[1:]).astimezone(UTC).replace(tzinfo=None)
        elif line and when is not None and line.startswith(prefix):
            # log runs newest first: the last assignment is the first commit
            out[line[len(prefix) :]] = when
    return out
