"""Where a draft is written and how: ``<corpus>/<YYYY>/<date>-<slug>.md``, never outside the corpus
and never over an existing file unless the caller says so.

The slug keeps only ``a-z``, ``0-9`` and ``-``, so ``../``, absolute paths, NUL bytes and path
separators cannot survive it; reserved device names (``con``, ``nul``, ``com1``...) are replaced too.
The final path is still resolved and checked against the corpus, in case a folder is a symlink.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from datetime import date
from pathlib import Path

from pmkit.draft.model import Draft

MAX_SLUG = 60
RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


class SaveError(Exception):
    """The draft cannot be written where asked (outside the corpus, or the file exists)."""


def slugify(title: str) -> str:
    """``"DB outage: EU / 3 hours!"`` -> ``"db-outage-eu-3-hours"``; never empty, never reserved."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")
    if not slug or slug in RESERVED:
        slug = f"incident-{slug}" if slug else "incident"
    return slug


def relative_target(draft: Draft, today: date) -> Path:
    """``YYYY/YYYY-MM-DD-slug.md`` from the incident's start day (today when there is no start)."""
    day = draft.started_at.date() if draft.started_at else today
    return Path(f"{day.year:04d}") / f"{day.isoformat()}-{slugify(draft.title)}.md"


def safe_target(corpus: Path, relative: Path) -> Path:
    """``corpus / relative``, refusing anything that would land outside the corpus."""
    text = str(relative)
    if "\x00" in text or relative.is_absolute() or ".." in relative.parts:
        raise SaveError(f"refusing unsafe path {text!r}")
    root = corpus.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root:
        raise SaveError(f"refusing a path outside the corpus: {text!r}")
    return target


def write_text(target: Path, text: str, overwrite: bool = False) -> Path:
    """Write ``text`` to ``target`` whole or not at all; an existing file needs ``overwrite``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not overwrite:
        raise SaveError(f"{target.name} already exists: tick 'overwrite' to replace it")
    fd, tmp = tempfile.mkstemp(prefix=".draft-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # atomic "create only if absent"
            except FileExistsError as exc:
                raise SaveError(f"{target.name} already exists: tick 'overwrite'") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
