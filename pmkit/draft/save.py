"""Where a draft is written and how: ``<corpus>/[YYYY/[MM/]]<date>-<slug>.md``, laid out as the
corpus already is, never outside it, never over another postmortem, with the mode a new file gets.

The slug keeps the letters and digits of every script (``Сбой оплаты`` -> ``сбой-оплаты``) and
turns everything else into ``-``, so path separators, dots, NUL and control characters cannot
survive it; it is bounded in bytes, and reserved device names (``con``, ``nul``...) are replaced.
The final path is still resolved and checked against the corpus, in case a folder is a symlink.
A name already taken by another file gets a suffix (``-2``, ``-3``...): Save never offers to
overwrite someone else's postmortem, and only the file that was loaded into the form is updated.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Literal

from pmkit.draft.model import Draft

MAX_SLUG_BYTES = 100
"""UTF-8 bytes, so date + slug + suffix + ``.md`` stay far below the usual 255-byte name limit."""
MAX_SUFFIX = 999
RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
Layout = Literal["year/month", "year", "flat"]
LAYOUTS: tuple[str, ...] = ("year/month", "year", "flat")
DEFAULT_LAYOUT: Layout = "year/month"
"""For an empty corpus: the layout of pmkit's own sample corpus."""
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(0[1-9]|1[0-2])$")


class SaveError(Exception):
    """The draft cannot be written where asked (outside the corpus, no free name, an OS error)."""


def _keep(char: str) -> bool:
    """Letters, digits and combining marks of any script (a Devanagari vowel sign is a mark)."""
    return unicodedata.category(char)[0] in "LNM"


def slugify(title: str) -> str:
    """``"DB outage: EU / 3 hours!"`` -> ``"db-outage-eu-3-hours"``, ``"Сбой оплаты"`` ->
    ``"сбой-оплаты"``, ``"Ünïcødé"`` -> ``"ünïcødé"``; never empty, never reserved."""
    out: list[str] = []
    for c in unicodedata.normalize("NFKC", title).lower():
        mark = unicodedata.category(c)[0] == "M"
        # a combining mark belongs to the letter before it; alone it is dropped like punctuation
        out.append(c if _keep(c) and not (mark and (not out or out[-1] == "-")) else "-")
    slug = re.sub(r"-+", "-", "".join(out)).strip("-")
    while len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        slug = slug[:-1]
    while slug and unicodedata.category(slug[-1]) == "Mn" and len(slug) > 1:
        slug = slug[:-1]  # a cut that leaves a combining mark without its letter
    slug = slug.strip("-")
    if not slug or slug in RESERVED:
        slug = f"incident-{slug}" if slug else "incident"
    return slug


def _markdown_files(folder: Path) -> int:
    try:
        return sum(1 for e in os.scandir(folder) if e.is_file() and e.name.endswith(".md"))
    except OSError:
        return 0


def detect_layout(corpus: Path) -> Layout:
    """How the corpus files its postmortems, by counting the Markdown files in each shape:
    ``YYYY/MM/x.md``, ``YYYY/x.md`` or ``x.md`` at the top. The most common shape wins (a
    README at the top does not outvote a hundred dated folders); an empty corpus gets
    ``DEFAULT_LAYOUT``."""
    counts: Counter[str] = Counter()
    counts["flat"] = _markdown_files(corpus)
    try:
        years = [e for e in os.scandir(corpus) if e.is_dir() and _YEAR.match(e.name)]
    except OSError:
        return DEFAULT_LAYOUT
    for year in years:
        counts["year"] += _markdown_files(Path(year.path))
        try:
            months = [e for e in os.scandir(year.path) if e.is_dir() and _MONTH.match(e.name)]
        except OSError:
            continue
        for month in months:
            counts["year/month"] += _markdown_files(Path(month.path))
    best = max(LAYOUTS, key=lambda name: (counts[name], name == DEFAULT_LAYOUT))
    return best if counts[best] else DEFAULT_LAYOUT  # type: ignore[return-value]


def relative_target(draft: Draft, today: date, layout: Layout = DEFAULT_LAYOUT) -> Path:
    """``[YYYY/[MM/]]YYYY-MM-DD-slug.md`` from the incident's start day (today when there is no
    start), in the corpus ``layout``."""
    day = draft.started_at.date() if draft.started_at else today
    name = f"{day.isoformat()}-{slugify(draft.title)}.md"
    if layout == "flat":
        return Path(name)
    if layout == "year":
        return Path(f"{day.year:04d}") / name
    return Path(f"{day.year:04d}") / f"{day.month:02d}" / name


def with_suffix_number(relative: Path, n: int) -> Path:
    """``x.md`` -> ``x-2.md`` (``n`` >= 2)."""
    return relative.with_name(f"{relative.stem}-{n}{relative.suffix}")


def free_target(corpus: Path, relative: Path, editing: Path | None = None) -> Path:
    """``relative``, or the first ``-2``, ``-3``... variant no other file holds. ``editing`` is
    the file loaded into the form: its own name is never taken by "another" file."""
    mine = editing.resolve() if editing is not None else None
    for n in range(1, MAX_SUFFIX + 1):
        candidate = relative if n == 1 else with_suffix_number(relative, n)
        path = corpus / candidate
        if not path.exists() and not path.is_symlink():
            return candidate
        if mine is not None and path.resolve() == mine:
            return candidate
    raise SaveError(f"no free file name for {relative} (tried {MAX_SUFFIX} suffixes)")


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


def new_file_mode() -> int:
    """The mode ``open(..., "w")`` gives a new file: ``0o666`` less the process umask. Read from
    /proc where it is there, because ``os.umask`` can only be read by setting it (racy)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_text(target: Path, text: str, overwrite: bool = False) -> Path:
    """Write ``text`` to ``target`` whole or not at all (a temporary file, then a create-only
    hard link or, with ``overwrite``, an atomic rename), with the mode a new file gets from the
    umask (a temporary file alone would be 0600: unreadable to a report run by another user)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not overwrite:
        raise SaveError(f"{target.name} already exists")
    fd, tmp = tempfile.mkstemp(prefix=".draft-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, new_file_mode())
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # atomic "create only if absent"
            except FileExistsError as exc:
                raise SaveError(f"{target.name} already exists") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def save_draft(
    corpus: Path, relative: Path, text: str, editing: Path | None = None
) -> tuple[Path, Path]:
    """Write a draft into the corpus: over ``editing`` when it is the file loaded into the form
    (and ``relative`` names it), else under ``relative`` or its first free ``-N`` variant. A file
    created by someone else between the check and the write moves it on to the next suffix.
    Returns the absolute path and the path relative to the corpus."""
    for _attempt in range(MAX_SUFFIX):
        rel = free_target(corpus, relative, editing)
        target = safe_target(corpus, rel)
        mine = editing is not None and target.exists() and target == editing.resolve()
        try:
            return write_text(target, text, overwrite=mine), rel
        except SaveError:
            if mine or not target.exists():
                raise
    raise SaveError(f"no free file name for {relative}")
