"""The contributing-factor and trigger taxonomy: rules in a user-editable TOML file.

The file (the bundled ``pmkit/data/taxonomy.toml``, or a project's own at ``taxonomy_path`` in
``pmkit.toml``, see :func:`resolve_taxonomy_path`) has ``[factors.<category>]`` and
``[triggers.<category>]`` tables, each with a ``description``, ``keywords`` and ``patterns``. A
keyword is a sequence of whole words, compared case-insensitively with punctuation ignored
("on-call" = "on call"; a trailing ``*`` allows any word ending: ``deploy*`` matches
"deployment"); matching is set lookups on the text's word n-grams, so a large taxonomy stays fast.
A pattern is a Python regular expression, searched case-insensitively. A factor text gets every
category that matches, in file order; the first is its primary category and no match is
``unclassified``. A trigger gets the first matching trigger category, ``unknown`` when none does.

Pure rules: knows nothing of DuckDB (``pmkit.store.classify`` writes the categories, and
rewrites them after the taxonomy changed without re-parsing a single file).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pmkit.config import Config, load_config

UNCLASSIFIED = "unclassified"
UNKNOWN_TRIGGER = "unknown"
BUNDLED_TAXONOMY = Path(str(resources.files("pmkit").joinpath("data", "taxonomy.toml")))
"""The taxonomy shipped with pmkit (package data: ``pmkit/data/taxonomy.toml``)."""

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = {"description", "keywords", "patterns"}
_SECTIONS = ("factors", "triggers")


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names the file and the key."""


_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """Lower-case words of ``text``: what keywords are matched against (punctuation ignored)."""
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Category:
    """One category and its compiled rules."""

    name: str
    description: str
    keywords: tuple[str, ...]
    patterns: tuple[str, ...]
    exact: frozenset[tuple[str, ...]]
    """Keywords as word sequences."""
    stems: frozenset[tuple[str, ...]]
    """``*`` keywords: word sequences whose last word is a prefix."""
    regex: re.Pattern[str] | None
    """Every pattern as one case-insensitive alternation (None without patterns)."""

    def matches(self, text: str) -> bool:
        return self._hit(_Matcher((self,)).grams(text), text)

    def _hit(self, grams: _Grams, text: str) -> bool:
        exact, stems = grams
        return (
            not self.exact.isdisjoint(exact)
            or not self.stems.isdisjoint(stems)
            or (self.regex is not None and self.regex.search(text) is not None)
        )


_Grams = tuple[set[tuple[str, ...]], set[tuple[str, ...]]]


class _Matcher:
    """Turns a text into the word sequences keywords are looked up in: matching a category is
    then two set intersections, however many keywords it has.

    Exact: every word, and the n-grams that start with the first word of a multi-word keyword.
    Stems: for each word that begins with a ``*`` keyword's last word, that prefix with the words
    before it. Per-word results are cached: a corpus reuses its vocabulary.
    """

    def __init__(self, categories: Sequence[Category]) -> None:
        keys = [k for c in categories for k in c.exact]
        stems = [k for c in categories for k in c.stems]
        self.firsts = {k[0] for k in keys if len(k) > 1}
        self.longest = max((len(k) for k in keys), default=1)
        self.stem_words = {k[-1] for k in stems}
        self.stem_lengths = sorted({len(k[-1]) for k in stems})
        self.stem_span = max((len(k) for k in stems), default=1)
        self._cache: dict[str, tuple[str, ...]] = {}

    def _prefixes(self, word: str) -> tuple[str, ...]:
        found = self._cache.get(word)
        if found is None:
            found = tuple(
                word[:n]
                for n in self.stem_lengths
                if n <= len(word) and word[:n] in self.stem_words
            )
            if len(self._cache) < 200_000:
                self._cache[word] = found
        return found

    def grams(self, text: str) -> _Grams:
        words = tokens(text)
        exact: set[tuple[str, ...]] = set()
        stems: set[tuple[str, ...]] = set()
        for i, word in enumerate(words):
            exact.add((word,))
            if word in self.firsts:
                for n in range(2, min(self.longest, len(words) - i) + 1):
                    exact.add(tuple(words[i : i + n]))
            for prefix in self._prefixes(word):
                for n in range(0, min(self.stem_span - 1, i) + 1):
                    stems.add((*words[i - n : i], prefix))
        return exact, stems


@dataclass(frozen=True)
class Taxonomy:
    factors: tuple[Category, ...]
    triggers: tuple[Category, ...]
    source: Path | None = None

    @cached_property
    def _factor_matcher(self) -> _Matcher:
        return _Matcher(self.factors)

    @cached_property
    def _trigger_matcher(self) -> _Matcher:
        return _Matcher(self.triggers)

    def classify(self, text: str | None) -> list[str]:
        """Every factor category whose rules match ``text``, in taxonomy order, or
        ``['unclassified']``."""
        if not text:
            return [UNCLASSIFIED]
        grams = self._factor_matcher.grams(text)
        found = [c.name for c in self.factors if c._hit(grams, text)]
        return found or [UNCLASSIFIED]

    def classify_trigger(self, text: str | None) -> str | None:
        """The first trigger category whose rules match ``text``; None when none does."""
        if not text:
            return None
        grams = self._trigger_matcher.grams(text)
        return next((c.name for c in self.triggers if c._hit(grams, text)), None)


def _keyword(keyword: str, where: str) -> tuple[tuple[str, ...], bool]:
    """A keyword as (words, is_stem): ``deploy*`` -> (("deploy",), True)."""
    body = keyword.strip()
    stem = body.endswith("*")
    words = tuple(tokens(body[:-1] if stem else body))
    if not words or "*" in body[:-1]:
        raise TaxonomyError(
            f"{where}: keyword {keyword!r} needs at least one word and takes * only at the end"
        )
    return words, stem


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{where} must be a list of non-empty strings")
    return tuple(value)


def _category(name: str, table: Any, where: str) -> Category:
    if not _NAME.match(name):
        raise TaxonomyError(f"{where}: category names are lower_snake_case, got {name!r}")
    if not isinstance(table, dict):
        raise TaxonomyError(f"{where} must be a table")
    unknown = set(table) - _KEYS
    if unknown:
        raise TaxonomyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    description = table.get("description", "")
    if not isinstance(description, str):
        raise TaxonomyError(f"{where}.description must be a string")
    keywords = _strings(table.get("keywords", []), f"{where}.keywords")
    patterns = _strings(table.get("patterns", []), f"{where}.patterns")
    if not keywords and not patterns:
        raise TaxonomyError(f"{where}: needs at least one keyword or pattern")
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise TaxonomyError(
                f"{where}.patterns[{i}]: bad regular expression {pattern!r}: {exc}"
            ) from exc
    parsed = [_keyword(k, f"{where}.keywords") for k in keywords]
    regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None
    return Category(
        name,
        description,
        keywords,
        patterns,
        frozenset(words for words, stem in parsed if not stem),
        frozenset(words for words, stem in parsed if stem),
        regex,
    )


def parse_taxonomy(text: str, source: Path | str = "<taxonomy>") -> Taxonomy:
    """Build a Taxonomy from TOML text; every error names ``source`` and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{source}: not valid TOML: {exc}") from exc
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise TaxonomyError(
            f"{source}: unknown table(s) {', '.join(sorted(unknown))} (known: factors, triggers)"
        )
    sections: dict[str, tuple[Category, ...]] = {}
    for section in _SECTIONS:
        tables = data.get(section, {})
        if not isinstance(tables, dict):
            raise TaxonomyError(f"{source}: [{section}] must be a table of categories")
        reserved = UNCLASSIFIED if section == "factors" else UNKNOWN_TRIGGER
        if reserved in tables:
            raise TaxonomyError(
                f"{source}: {section}.{reserved} is what no match is called; it takes no rules"
            )
        sections[section] = tuple(
            _category(name, table, f"{source}: {section}.{name}") for name, table in tables.items()
        )
    if not sections["factors"]:
        raise TaxonomyError(f"{source}: no [factors.<category>] tables")
    path = Path(source) if not str(source).startswith("<") else None
    return Taxonomy(sections["factors"], sections["triggers"], path)


def load_taxonomy(path: Path | str | None = None, config: Config | None = None) -> Taxonomy:
    """Read a taxonomy file: ``path``, else the configured ``taxonomy_path`` (``config``, or
    ``pmkit.toml`` in the working folder) when that file exists, else the bundled one."""
    resolved = resolve_taxonomy_path(path, config)
    try:
        text = resolved.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TaxonomyError(f"{resolved}: no such taxonomy file") from exc
    except UnicodeDecodeError as exc:
        raise TaxonomyError(f"{resolved}: not UTF-8 text: {exc}") from exc
    return parse_taxonomy(text, resolved)


def resolve_taxonomy_path(path: Path | str | None = None, config: Config | None = None) -> Path:
    """``path``, else the configured ``taxonomy_path`` when that file exists (found as
    ``Config.locate`` finds paths), else the bundled one."""
    if path is not None:
        return Path(path)
    config = config or load_config()
    configured = config.locate(config.taxonomy_path)
    return configured if configured.is_file() else BUNDLED_TAXONOMY


@lru_cache(maxsize=1)
def _bundled() -> Taxonomy:
    return load_taxonomy(BUNDLED_TAXONOMY)


def classify(text: str | None, taxonomy: Taxonomy | None = None) -> list[str]:
    """Factor categories of ``text`` (bundled taxonomy unless one is given)."""
    return (taxonomy or _bundled()).classify(text)


def classify_trigger(text: str | None, taxonomy: Taxonomy | None = None) -> str | None:
    """Trigger category of ``text``, None when no rule matches."""
    return (taxonomy or _bundled()).classify_trigger(text)


def trigger_category(
    taxonomy: Taxonomy, trigger: str | None, root_cause: str | None, summary: str | None
) -> str:
    """An incident's trigger category: a written trigger alone decides; without one, the root
    cause, then the summary; ``unknown`` when none matches. Ingest and the drafting form's
    similar incidents both use it."""
    texts = [trigger] if trigger and trigger.strip() else [root_cause, summary]
    for text in texts:
        found = taxonomy.classify_trigger(text)
        if found:
            return found
    return UNKNOWN_TRIGGER
