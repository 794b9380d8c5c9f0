"""The settings themselves: ``Config`` and its parts, with their defaults (seeds/003's rules).

Every default pmkit uses is defined here once (the draft and review targets, the severity
words, the paths); ``pmkit.config.load`` reads ``pmkit.toml`` over them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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


def locate(path: Path | str, start: Path | None = None) -> Path:
    """Where a configured path is: an absolute path as it is; a relative one in the working
    folder (``start``), else in the nearest folder above holding it, else (nothing there yet)
    in the working folder. JupyterLab runs a notebook in its own folder (``notebooks/``), the CLI
    in the project's: the default ``data/pmkit.duckdb`` means the project's database in both."""
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / path).exists():
            return folder / path
    return here / path


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
    home: Path | None = None
    """Where relative default paths hang off: the folder of a ``pmkit.toml`` found by looking
    up from the working folder (the project's); None: the working folder."""

    def locate(self, path: Path | str) -> Path:
        """Where a configured path is (see ``pmkit.config.load.locate``), looked up from
        :attr:`home`: ``config.locate(config.db_path)`` is the database every entry point
        opens."""
        return locate(path, self.home)
