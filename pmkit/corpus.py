"""Finding the postmortem files of a corpus: which files, under which root, and what could not be
listed.

Knows nothing of parsing or of DuckDB: ingest (``pmkit.store``) and lint (``pmkit.lint``) both
find their files here, so they agree on what a postmortem file is.

A folder given is a corpus root; rows of the database belong to a file by (root, path inside
it). A file given alone belongs to the deepest known root holding it (the roots already
stored), else to its own folder. Links to folders are never followed (no loops); a link to a file
outside its root is listed as refused and never read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".md", ".markdown", ".mdown", ".txt", ".md.erb", ".mdx")
"""File endings read as postmortems (``README.md`` and hidden files excepted)."""
OUTSIDE = "symbolic link to a file outside the corpus folder: not followed"
"""Why a link leading out of its root is refused."""


@dataclass(frozen=True)
class SourceFile:
    """One file to read."""

    root: Path
    """The corpus folder: the folder given, or for a file given alone the stored root holding
    it (else its own folder)."""
    path: Path
    rel: str
    """Path inside ``root`` (``/``-separated), as ``documents.path`` stores it."""
    refused: str | None = None
    """Why the file is not read (a symbolic link leading out of the corpus); None: read it."""


@dataclass(frozen=True)
class CorpusProblem:
    """A folder that could not be listed: its files are neither read nor removed."""

    root: Path
    rel: str
    """The folder inside ``root`` (``.`` for the root itself)."""
    message: str

    @property
    def where(self) -> Path:
        """The folder, as a path."""
        return self.root if self.rel == "." else self.root / self.rel


def is_postmortem_name(name: str) -> bool:
    """Whether a file of this name is read as a postmortem."""
    lower = name.lower()
    return lower.endswith(SUFFIXES) and not lower.startswith(".") and lower != "readme.md"


def _storable(name: str) -> str:
    """A file name whose bytes are not UTF-8 (``os.walk`` returns them as surrogates, which
    DuckDB refuses) as storable text: ``bad\\xffname.md``; valid names are unchanged."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _link_refused(link: str, root: str) -> str | None:
    """Why a symbolic link is not followed: it leads out of ``root`` (a resolved path)."""
    return None if _inside(os.path.realpath(link), root) else OUTSIDE


def _walk(root: Path, files: list[SourceFile], problems: list[CorpusProblem]) -> None:
    """Append the postmortem files under ``root`` (sorted, folder by folder, depth first).

    Links to folders are not followed (no loops); a folder named ``x.md`` is a folder; hidden
    folders are skipped. ``os.scandir`` says which entries are links at no extra cost, so only a
    link costs a ``realpath``."""
    top = str(root)
    stack = [""]
    while stack:
        prefix = stack.pop()
        folder = os.path.join(top, prefix) if prefix else top
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            rel = _storable(prefix.rstrip("/") or ".")
            problems.append(CorpusProblem(root, rel, f"cannot list folder: {exc.strerror or exc}"))
            continue
        names: list[tuple[str, bool]] = []
        folders: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.name.startswith(".") and not entry.is_symlink():
                    folders.append(entry.name)
            elif is_postmortem_name(entry.name):
                names.append((entry.name, entry.is_symlink()))
        # the relative path is built as a string (pathlib per file cost more than the walk)
        for name, is_link in sorted(names):
            full = os.path.join(folder, name)
            refused = _link_refused(full, top) if is_link else None
            files.append(SourceFile(root, Path(full), _storable(prefix + name), refused))
        stack.extend(prefix + d + "/" for d in sorted(folders, reverse=True))


def _root_for(folder: Path, known_roots: Iterable[str]) -> Path:
    """The deepest known corpus root holding ``folder`` (resolved), else ``folder`` itself."""
    best = ""
    for root in known_roots:
        if _inside(str(folder), root) and len(root) > len(best):
            best = root
    return Path(best) if best else folder


def discover(
    paths: Iterable[Path], known_roots: Iterable[str] = ()
) -> tuple[list[SourceFile], list[CorpusProblem]]:
    """Files to read under ``paths``, and the folders that could not be listed.

    A folder given is a corpus root. A file given alone belongs to the deepest of
    ``known_roots`` (the roots already stored) that holds it, so its rows are the ones a folder
    ingest wrote; else its own folder is its root. A symbolic link to a file outside its root is
    listed with ``refused`` set and never read.
    """
    files: list[SourceFile] = []
    problems: list[CorpusProblem] = []
    known = list(known_roots)
    for given in paths:
        if given.is_dir():
            _walk(given.resolve(), files, problems)
            continue
        folder = given.absolute().parent.resolve()
        root = _root_for(folder, known)
        full = folder / given.name
        rel = _storable(os.path.relpath(full, root).replace(os.sep, "/"))
        refused = _link_refused(str(full), str(root)) if full.is_symlink() else None
        files.append(SourceFile(root, full, rel, refused))
    return files, problems
