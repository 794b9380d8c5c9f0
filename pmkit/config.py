"""Settings from ``pmkit.toml``: severity levels, targets, every path pmkit reads or writes, and
what the reports need to name people and link tickets (``[people]``, ``[links]``, ``[reports]``);
when a postmortem is required and where the incident register is (``[policy]``, ``[register]``).

One place for all paths, so the CLI, the notebooks and the tests agree on where things live.
A missing file means the defaults; a bad value is an error that names the file and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILENAME = "pmkit.toml"

DEFAULT_SEVERITY_LEVELS: dict[str, int] = {
    "critical": 0,
    "blocker": 0,
    "major": 1,
    "high": 1,
    "minor": 2,
    "medium": 2,
    "moderate": 2,
    "low": 3,
}
"""Word labels (normalised: lower case) -> level. ``P0``/``SEV0``-style labels need no table."""

DEFAULT_SEVERITY_DEFINITIONS: dict[str, str] = {
    "P0": "Customer-impacting outage, security incident, or data loss risk.",
    "P1": "Degraded service with customer impact but not a full outage.",
    "P2": "Internal-only or limited-impact incident with minimal customer impact.",
    "SEV0": "Catastrophic: complete outage, data loss or security breach affecting all customers.",
    "SEV1": "Critical: major functionality unavailable for many customers; no workaround.",
    "SEV2": "Major: partial outage or significant degradation for a subset of customers.",
    "SEV3": "Minor: limited degradation with a workaround; little customer impact.",
    "SEV4": "Low: cosmetic or internal-only issue; no customer impact.",
}
"""Shown in the drafting form. P0-P2 are quoted from the seed process document."""


MAX_SEVERITY_LEVEL = 99
"""Levels are small whole numbers (0 = most severe); a larger one is a typo."""
DRAFT_TARGET_HOURS = 48.0
"""seeds/003: draft within 24-48 hours of resolution (``[targets] draft_hours``)."""
REVIEW_TARGET_BUSINESS_DAYS = 5
"""seeds/003: review within 5 business days (``[targets] review_business_days``)."""


class ConfigError(ValueError):
    """A ``pmkit.toml`` value that cannot be used; the message names the file and the key."""


def check_severity_level(level: object, where: str = "severity level") -> int:
    """A severity level: a whole number from 0 (most severe) to ``MAX_SEVERITY_LEVEL``; the one
    rule for pmkit.toml, report requests and ``metrics.Filters``. ValueError names ``where``."""
    if (
        isinstance(level, bool)
        or not isinstance(level, int)
        or not 0 <= level <= MAX_SEVERITY_LEVEL
    ):
        raise ValueError(
            f"{where}: {level!r} is not a level (a whole number from 0, the most severe, "
            f"to {MAX_SEVERITY_LEVEL})"
        )
    return level


def normalize_severity_key(label: str) -> str:
    """The form severity labels are compared in: lower case, no spaces, dashes or underscores."""
    return re.sub(r"[\s_\-]+", "", label.strip().lower())


def person_key(name: str) -> str:
    """How owner names are compared with ``[people]``: no case, spaces collapsed, no leading @
    (``@MLing`` = ``mling``)."""
    return re.sub(r"\s+", " ", name.strip().lower()).removeprefix("@")


TICKET_KEY = r"^[A-Z][A-Z0-9_]{1,15}-\d+$"
"""What a ``[links] name = "...{key}"`` rule applies to: a ticket key such as ``OPS-123``."""
_URL_TEMPLATE = re.compile(r"^https?://[^\s{}]+", re.I)


@dataclass(frozen=True)
class LinkRule:
    """``[links] <name>``: a tracking reference matching ``match`` links to ``url`` with
    ``{key}`` replaced (the regex group ``key`` when it has one, else the whole reference)."""

    name: str
    url: str
    match: str = TICKET_KEY


# --- [policy] and [register] (issue 17) ---------------------------------------------------

POLICY_FLAGS: tuple[str, ...] = ("systemic", "security", "repeatable")
"""seeds/003: a P2 needs a postmortem when it reveals a systemic gap, a security concern or a
repeatable failure. A register says so with a tag or label of one of these names."""


@dataclass(frozen=True)
class PolicyConfig:
    """``[policy]``: when a postmortem is required, as written in ``pmkit.toml``. Severities are
    labels (``P0``) or levels (``0``); ``pmkit.register.policy.Policy`` reads them into levels.
    The defaults are seeds/003's rules; the draft and review targets stay in ``[targets]``."""

    always: tuple[str | int, ...] = ("P0",)
    """Severities that always need a postmortem."""
    when_impact_or_longer: tuple[str | int, ...] = ("P1",)
    """Severities that need one when customer impact is non-trivial or the incident lasts
    longer than ``min_minutes``."""
    min_minutes: float = 15
    """Strictly longer than this (15 minutes exactly does not count)."""
    when_flagged: tuple[str | int, ...] = ("P2",)
    """Severities that need one when the register flags the incident with one of ``flags``."""
    flags: tuple[str, ...] = POLICY_FLAGS


@dataclass(frozen=True)
class RegisterSource:
    """``[register] sources``: one incident export; ``format`` None means recognised from its
    columns; ``timezone`` is the zone of dates written without one (Jira writes none)."""

    path: Path
    format: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class RecurrenceSettings:
    """``[recurrence]``: when an incident counts as a repeat of an earlier one (``pmkit.similar``).

    A repeat: an earlier incident at most ``window_days`` before it has a similarity score of at
    least ``threshold``. ``k`` similar earlier incidents are kept per incident; above
    ``max_incidents`` incidents ingest does not compute similarity (the work grows with the
    square of the corpus) and the pages say so."""

    window_days: int = 180
    threshold: float = 0.69
    k: int = 5
    max_incidents: int = 20_000


@dataclass
class Config:
    """Everything configurable. Build with ``load_config()``; ``Config()`` is the defaults."""

    severity_levels: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_LEVELS))
    """Normalised label (see ``normalize_severity_key``) -> level, 0 = most severe."""
    severity_definitions: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_SEVERITY_DEFINITIONS)
    )
    """Label as shown -> definition text."""
    draft_target_hours: float = DRAFT_TARGET_HOURS
    review_target_business_days: int = REVIEW_TARGET_BUSINESS_DAYS
    db_path: Path = Path("data/pmkit.duckdb")
    corpus_dir: Path = Path("data/corpus")
    reports_dir: Path = Path("reports")
    taxonomy_path: Path = Path("data/taxonomy.toml")
    people: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``[people]``: a person's name -> the other names they are written as (``@mling``,
    ``mei.ling@example.com``). Reports count an owner under the person's name."""
    people_teams: dict[str, str] = field(default_factory=dict)
    """``[people]`` entries written as tables (``{ aliases = [...], team = "Payments" }``):
    person -> team, for breakdowns of who must act."""
    link_rules: list[LinkRule] = field(default_factory=list)
    """``[links]``: how a tracking reference becomes a link, in file order."""
    file_link: str | None = None
    """``[links] files = "https://.../{path}"``: where each postmortem file can be read."""
    report_min_n: int = 10
    """``[reports] min_n``: below this many values a report shows counts, never a percentage
    headline, and names no change "more than noise"."""
    trend_min_n: int = 20
    """``[reports] trend_min_n``: below this many incidents a trend chart says it is noise."""
    milestones_path: Path = Path("data/milestones.toml")
    """The milestone word lists the parser reads timelines and prose with."""
    policy: PolicyConfig = field(default_factory=lambda: PolicyConfig())
    """``[policy]``: which incidents require a postmortem (seeds/003 by default)."""
    register_sources: list[RegisterSource] = field(default_factory=list)
    """``[register] sources``: incident exports ``pmkit ingest`` reads besides the postmortems."""
    register_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """``[register.columns]``: the generic mapping, pmkit field -> column name(s) in the file."""
    recurrence: RecurrenceSettings = field(default_factory=RecurrenceSettings)
    """``[recurrence]``: the repeat rule and the similarity cache (see ``RecurrenceSettings``)."""
    source: Path | None = None
    """The file the settings were read from; None for pure defaults."""


_PATH_KEYS = ("db_path", "corpus_dir", "reports_dir", "taxonomy_path", "milestones_path")
_PATH_ALIASES = {"db": "db_path", "corpus": "corpus_dir", "reports": "reports_dir"}
_PATH_ALIASES.update({"taxonomy": "taxonomy_path", "milestones": "milestones_path"})


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    return value


def load_config(path: Path | None = None) -> Config:
    """Read ``path`` (or ``./pmkit.toml`` when it exists) over the defaults.

    Relative paths in ``[paths]`` are taken relative to the config file's folder, so a
    ``pmkit.toml`` means the same thing wherever the command is run from.
    """
    config = Config()
    if path is None:
        candidate = Path.cwd() / CONFIG_FILENAME
        if not candidate.is_file():
            return config
        path = candidate
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such config file") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    config.source = path

    severity = _table(data, "severity", str(path))
    levels = _table(severity, "levels", f"{path}: [severity]")
    for label, level in levels.items():
        if (
            isinstance(level, bool)
            or not isinstance(level, int)
            or not 0 <= level <= MAX_SEVERITY_LEVEL
        ):
            raise ConfigError(
                f"{path}: severity.levels.{label} must be a whole number from 0 to "
                f"{MAX_SEVERITY_LEVEL}, got {level!r}"
            )
        key = normalize_severity_key(str(label))
        if not key:
            raise ConfigError(f"{path}: severity.levels has an empty label")
        config.severity_levels[key] = level
    definitions = _table(severity, "definitions", f"{path}: [severity]")
    for label, text in definitions.items():
        if not isinstance(text, str):
            raise ConfigError(f"{path}: severity.definitions.{label} must be a string")
        config.severity_definitions[str(label)] = text

    targets = _table(data, "targets", str(path))
    if "draft_hours" in targets:
        hours = targets["draft_hours"]
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
            raise ConfigError(f"{path}: targets.draft_hours must be a positive number")
        config.draft_target_hours = float(hours)
    if "review_business_days" in targets:
        days = targets["review_business_days"]
        if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
            raise ConfigError(f"{path}: targets.review_business_days must be a positive integer")
        config.review_target_business_days = days

    _read_people(config, _table(data, "people", str(path)), path)
    _read_links(config, _table(data, "links", str(path)), path)
    reports = _table(data, "reports", str(path))
    for key in ("min_n", "trend_min_n"):
        if key in reports:
            value = reports[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{path}: reports.{key} must be a whole number >= 1")
            setattr(config, "report_min_n" if key == "min_n" else key, value)

    config.recurrence = _read_recurrence(_table(data, "recurrence", str(path)), path)

    base = path.parent
    _read_policy(config, _table(data, "policy", str(path)), path)
    _read_register(config, _table(data, "register", str(path)), path)
    for key, value in _table(data, "paths", str(path)).items():
        name = _PATH_ALIASES.get(key, key)
        if name not in _PATH_KEYS:
            raise ConfigError(
                f"{path}: paths.{key} is not a known path (known: {', '.join(_PATH_KEYS)})"
            )
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: paths.{key} must be a non-empty string")
        setattr(config, name, base / Path(value).expanduser())
    return config


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where} must be a list of non-empty names")
    return tuple(v.strip() for v in value)


def _read_people(config: Config, people: dict[str, Any], path: Path) -> None:
    """``"Mei Ling" = ["@mling", ...]`` or ``"Mei Ling" = { aliases = [...], team = "X" }``.

    An alias names one person only: two people claiming the same alias is an error, not a guess.
    """
    owner_of: dict[str, str] = {}
    for person, value in people.items():
        where = f"{path}: people.{person}"
        if not person.strip():
            raise ConfigError(f"{path}: [people] has an empty name")
        if isinstance(value, dict):
            unknown = set(value) - {"aliases", "team"}
            if unknown:
                raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
            aliases = _names(value.get("aliases", []), f"{where}.aliases")
            team = value.get("team")
            if team is not None:
                if not isinstance(team, str) or not team.strip():
                    raise ConfigError(f"{where}.team must be a non-empty string")
                config.people_teams[person.strip()] = team.strip()
        else:
            aliases = _names(value, where)
        for alias in (person, *aliases):
            key = person_key(alias)
            if owner_of.get(key, person) != person:
                raise ConfigError(
                    f"{where}: alias {alias!r} is already an alias of {owner_of[key]!r}"
                )
            owner_of[key] = person
        config.people[person.strip()] = aliases


def _read_links(config: Config, links: dict[str, Any], path: Path) -> None:
    """``jira = "https://jira.example.com/browse/{key}"`` (ticket keys), or a table with ``url``
    and ``match`` (a regular expression); ``files = "https://.../{path}"`` for the postmortems."""
    for name, value in links.items():
        where = f"{path}: links.{name}"
        if name == "files":
            if (
                not isinstance(value, str)
                or not _URL_TEMPLATE.match(value)
                or "{path}" not in value
            ):
                raise ConfigError(f"{where} must be an http(s) URL containing {{path}}")
            config.file_link = value
            continue
        match = TICKET_KEY
        if isinstance(value, dict):
            unknown = set(value) - {"url", "match"}
            if unknown:
                raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
            match = value.get("match", TICKET_KEY)
            value = value.get("url")
            if not isinstance(match, str):
                raise ConfigError(f"{where}.match must be a regular expression")
            try:
                re.compile(match)
            except re.error as exc:
                raise ConfigError(f"{where}.match is not a regular expression: {exc}") from exc
        if not isinstance(value, str) or not _URL_TEMPLATE.match(value) or "{key}" not in value:
            raise ConfigError(f"{where} must be an http(s) URL containing {{key}}")
        config.link_rules.append(LinkRule(name, value, match))


def _severities(value: Any, where: str) -> tuple[str | int, ...]:
    if not isinstance(value, list) or not all(
        (isinstance(v, int) and not isinstance(v, bool) and v >= 0)
        or (isinstance(v, str) and v.strip())
        for v in value
    ):
        raise ConfigError(f"{where} must be a list of severity labels or levels (0 = worst)")
    return tuple(v.strip() if isinstance(v, str) else v for v in value)


def _read_policy(config: Config, policy: dict[str, Any], path: Path) -> None:
    """``[policy]``: always / when_impact_or_longer / when_flagged (severity lists), min_minutes,
    flags. A key left out keeps seeds/003's default."""
    known = {"always", "when_impact_or_longer", "min_minutes", "when_flagged", "flags"}
    unknown = set(policy) - known
    if unknown:
        raise ConfigError(f"{path}: [policy] unknown key(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key in ("always", "when_impact_or_longer", "when_flagged"):
        if key in policy:
            values[key] = _severities(policy[key], f"{path}: policy.{key}")
    if "min_minutes" in policy:
        minutes = policy["min_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes < 0:
            raise ConfigError(f"{path}: policy.min_minutes must be a number >= 0")
        values["min_minutes"] = float(minutes)
    if "flags" in policy:
        flags = _names(policy["flags"], f"{path}: policy.flags")
        values["flags"] = tuple(f.lower() for f in flags)
    config.policy = PolicyConfig(**{**config.policy.__dict__, **values})


def _read_register(config: Config, register: dict[str, Any], path: Path) -> None:
    """``sources = [{ path = "...", format = "pagerduty", timezone = "Europe/Berlin" }]`` (or a
    plain path) and ``[register.columns]``; paths are relative to the config file."""
    unknown = set(register) - {"sources", "columns"}
    if unknown:
        raise ConfigError(f"{path}: [register] unknown key(s) {', '.join(sorted(unknown))}")
    sources = register.get("sources", [])
    if not isinstance(sources, list):
        raise ConfigError(f"{path}: register.sources must be a list")
    for i, item in enumerate(sources):
        where = f"{path}: register.sources[{i}]"
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a path or a table with path, format, timezone")
        bad = set(item) - {"path", "format", "timezone"}
        if bad:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(bad))}")
        for key in ("path", "format", "timezone"):
            value = item.get(key)
            if (key == "path" or value is not None) and (
                not isinstance(value, str) or not value.strip()
            ):
                raise ConfigError(f"{where}.{key} must be a non-empty string")
        config.register_sources.append(
            RegisterSource(
                path.parent / Path(item["path"]).expanduser(),
                item.get("format"),
                item.get("timezone"),
            )
        )
    columns = register.get("columns", {})
    if not isinstance(columns, dict):
        raise ConfigError(f"{path}: [register.columns] must be a table")
    for name, value in columns.items():
        names = [value] if isinstance(value, str) else value
        config.register_columns[name] = _names(names, f"{path}: register.columns.{name}")


def _read_recurrence(table: dict[str, Any], path: Path) -> RecurrenceSettings:
    """``[recurrence]``: ``window_days``, ``k``, ``max_incidents`` whole numbers >= 1,
    ``threshold`` a number in (0, 1]."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{path}: recurrence.{key}"
        if key in ("window_days", "k", "max_incidents"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{where} must be a whole number >= 1")
        elif key == "threshold":
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                raise ConfigError(f"{where} must be a number above 0 and at most 1")
            value = float(value)
        else:
            known = "window_days, threshold, k, max_incidents"
            raise ConfigError(f"{where} is not a known setting (known: {known})")
        values[key] = value
    return RecurrenceSettings(**values)
