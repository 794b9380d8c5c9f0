"""The milestone word lists (``pmkit/data/milestones.toml``, user-editable): which words in a timeline
event or a sentence say the incident started, was detected, acknowledged, mitigated or resolved.

The file is read once per path and modification time, and compiled to one regular expression per
list, so matching an event costs a handful of searches. See the file's header for its format.
"""

from __future__ import annotations

import os
import re
import time
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pmkit.config import Config

BUNDLED_MILESTONES = Path(str(resources.files("pmkit").joinpath("data", "milestones.toml")))
"""The word lists shipped with pmkit (package data: ``pmkit/data/milestones.toml``)."""
MILESTONES = ("started", "detected", "acknowledged", "mitigated", "resolved")
_KEYS = {"labels", "keywords", "patterns", "exclude", "soon_after", "cause", "prose"}
_STARTED_ONLY = {"cause", "prose"}
_NEGATED = re.compile(
    r"(?:(?:\bnot|n't|\bnever|\bno longer|\bunable to|\bfailed to|\byet to|\bwithout)\s+"
    r"(?:\w+\s+){0,2}|\bno\s+(?:\w+\s+){0,5}|\b(?:will|would|should|could|might|may)\s+"
    r"(?:\w+\s+){0,2})$",
    re.IGNORECASE,
)
"""Words right before a match that say it did not (or not yet) happen: "not resolved", "never
fully recovered", "failed to roll back", "no loss of service has been detected", "will be
recovered"."""


class MilestoneWordsError(ValueError):
    """A milestone word file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Matcher:
    """One milestone's compiled lists."""

    labels: re.Pattern[str] | None
    words: re.Pattern[str] | None
    exclude: re.Pattern[str] | None = None
    """An event or sentence that matches this never gives the milestone by its keywords
    ("Degraded performance declared on status page" is communication, not detection)."""
    soon_after: re.Pattern[str] | None = None
    """Words that give the milestone only right after the detection ("starts investigating")."""

    def says_soon(self, text: str) -> bool:
        return self.soon_after is not None and self.soon_after.search(text) is not None

    def label(self, text: str) -> bool:
        return self.labels is not None and _search(self.labels, text)

    def says(self, text: str) -> bool:
        """A label, or a keyword or pattern that is not negated nor excluded."""
        if len(text) > 300:
            return _says_uncached(self.labels, self.words, self.exclude, text)
        memo = _memo(self)
        hit = memo.get(text)
        if hit is None:
            hit = memo[text] = _says_uncached(self.labels, self.words, self.exclude, text)
        return hit


_CACHED = 65536
"""Event texts recur (a document's events are asked about several milestones; a corpus written
from one template repeats its phrases), and a word list is a long alternation: results are
cached per compiled list, by text. Long texts are not cached, so the caches stay small.

The caches are keyed by the text alone, one per pattern: a compiled pattern as a cache key is
hashed afresh on every lookup (``re.Pattern.__hash__`` hashes its whole compiled program, ~4 us
for a keyword list), which made a cache hit cost more than most searches."""

_MEMOS: dict[int, tuple[object, dict[str, bool]]] = {}
"""id of a pattern (or of a Matcher's lists) -> (the object itself, its text -> result memo);
the object is kept so that an id reused after it is gone never finds its results."""


def _memo(owner: object) -> dict[str, bool]:
    entry = _MEMOS.get(id(owner))
    if entry is None or entry[0] is not owner:
        if len(_MEMOS) > 256:
            _MEMOS.clear()
        entry = (owner, {})
        _MEMOS[id(owner)] = entry
    memo = entry[1]
    if len(memo) >= _CACHED:
        memo.clear()
    return memo


def _search(pattern: re.Pattern[str], text: str) -> bool:
    if len(text) > 300:
        return pattern.search(text) is not None
    memo = _memo(pattern)
    hit = memo.get(text)
    if hit is None:
        hit = memo[text] = pattern.search(text) is not None
    return hit


def _says_uncached(
    labels: re.Pattern[str] | None,
    words: re.Pattern[str] | None,
    exclude: re.Pattern[str] | None,
    text: str,
) -> bool:
    if labels is not None and labels.search(text):
        return True
    if words is None or (exclude is not None and exclude.search(text)):
        return False
    for m in words.finditer(text):
        if not _NEGATED.search(text, max(0, m.start() - 45), m.start()):
            return True
    return False


@dataclass(frozen=True)
class MilestoneWords:
    milestones: dict[str, Matcher]
    cause: re.Pattern[str] | None
    """Words of an event that is only the cause (a merged PR, a deploy)."""
    prose_onset: re.Pattern[str] | None
    """Words that make a dated sentence of prose the start ("the website went down")."""
    late_detection: re.Pattern[str] | None
    source: str

    def __getitem__(self, name: str) -> Matcher:
        return self.milestones[name]

    def is_cause_only(self, text: str) -> bool:
        """A cause word and no sign of impact (``started`` keywords) nor of a later milestone."""
        if self.cause is None or not _search(self.cause, text):
            return False
        return not any(self.milestones[m].says(text) for m in MILESTONES)


def _keyword(word: str) -> str:
    parts = word.strip().split()
    out = []
    for part in parts:
        stem = part.endswith("*")
        core = re.escape(part.rstrip("*"))
        out.append(core + (r"\w*" if stem else ""))
    body = r"[\s\-]+".join(out)
    lead = r"\b" if re.match(r"\w", word.strip()) else ""
    tail = r"\b" if re.search(r"\w\*?$", word.strip()) else ""
    if word.strip().endswith("*"):
        tail = ""
    return lead + body + tail


def _strings(table: dict[str, object], key: str, where: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MilestoneWordsError(f"{where}.{key} must be a list of strings")
    return [v for v in value if v.strip()]


def _compile(parts: list[str], where: str) -> re.Pattern[str] | None:
    if not parts:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    except re.error as exc:
        raise MilestoneWordsError(f"{where}: bad pattern: {exc}") from exc


def _label_regex(labels: list[str], where: str) -> re.Pattern[str] | None:
    if not labels:
        return None
    body = "|".join(_keyword(w) for w in labels)
    # at the start of the event, in parentheses, or a sentence of its own
    return _compile([rf"(?:^|[.!?]\s+|\()\W*(?:{body})\s*(?:[:.!)\-–—,;]|$)"], where)


def parse_milestone_words(text: str, source: Path | str = "<milestones>") -> MilestoneWords:
    """Build the matchers from TOML text; every error names ``source`` and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MilestoneWordsError(f"{source}: not valid TOML: {exc}") from exc
    known = {*MILESTONES, "late_detection"}
    unknown = set(data) - known
    if unknown:
        raise MilestoneWordsError(
            f"{source}: unknown table(s) {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(known))})"
        )
    matchers: dict[str, Matcher] = {}
    cause = onset = None
    for name in MILESTONES:
        table = data.get(name, {})
        where = f"{source}: {name}"
        if not isinstance(table, dict):
            raise MilestoneWordsError(f"{where} must be a table")
        bad = set(table) - _KEYS
        if name != "started":
            bad |= set(table) & _STARTED_ONLY
        if bad:
            raise MilestoneWordsError(f"{where}: unknown key(s) {', '.join(sorted(bad))}")
        words = [_keyword(w) for w in _strings(table, "keywords", where)]
        words += _strings(table, "patterns", where)
        matchers[name] = Matcher(
            _label_regex(_strings(table, "labels", where), where),
            _compile(words, where),
            _compile(_strings(table, "exclude", where), where),
            _compile(_strings(table, "soon_after", where), where),
        )
        if name == "started":
            cause = _compile([_keyword(w) for w in _strings(table, "cause", where)], where)
            onset = _compile([_keyword(w) for w in _strings(table, "prose", where)], where)
    late = data.get("late_detection", {})
    if not isinstance(late, dict) or set(late) - {"keywords", "patterns"}:
        raise MilestoneWordsError(f"{source}: late_detection takes keywords and patterns only")
    late_parts = [_keyword(w) for w in _strings(late, "keywords", f"{source}: late_detection")]
    late_parts += _strings(late, "patterns", f"{source}: late_detection")
    return MilestoneWords(
        matchers, cause, onset, _compile(late_parts, f"{source}: late_detection"), str(source)
    )


def resolve_milestones_path(path: Path | str | None = None, config: Config | None = None) -> Path:
    """``path``, else the configured ``milestones_path`` when that file exists (found as
    ``Config.locate`` finds paths), else the bundled one (the same rule as the taxonomy)."""
    if path is not None:
        return Path(path)
    configured = config.locate(config.milestones_path) if config is not None else None
    if configured is not None and configured.is_file():
        return configured
    return BUNDLED_MILESTONES


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> MilestoneWords:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise MilestoneWordsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise MilestoneWordsError(f"{path}: not UTF-8 text: {exc}") from exc
    return parse_milestone_words(text, path)


_RECHECK_SECONDS = 1.0
"""How long a loaded word list is used before its file is looked up and stat'ed again: an ingest
asks once per document, and finding the configured file (a walk up the folders) cost 3% of
parsing one."""
_RECENT: dict[tuple[object, ...], tuple[float, MilestoneWords]] = {}


def load_milestone_words(
    path: Path | str | None = None, config: Config | None = None
) -> MilestoneWords:
    """The word lists at ``path`` (else the configured or bundled file), cached until the file
    changes (looked at again at most once a second)."""
    key: tuple[object, ...] = (
        None if path is None else str(path),
        None if config is None else (str(config.milestones_path), config.home, os.getcwd()),
    )
    now = time.monotonic()
    recent = _RECENT.get(key)
    if recent is not None and now - recent[0] < _RECHECK_SECONDS:
        return recent[1]
    resolved = resolve_milestones_path(path, config)
    try:
        mtime = resolved.stat().st_mtime_ns
    except OSError as exc:
        raise MilestoneWordsError(f"{resolved}: no such milestone word file") from exc
    words = _load(str(resolved), mtime)
    if len(_RECENT) > 64:
        _RECENT.clear()
    _RECENT[key] = (now, words)
    return words
