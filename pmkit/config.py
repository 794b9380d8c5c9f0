"""Settings from ``pmkit.toml``: severity levels, targets and every path pmkit reads or writes.

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


class ConfigError(ValueError):
    """A ``pmkit.toml`` value that cannot be used; the message names the file and the key."""


def normalize_severity_key(label: str) -> str:
    """The form severity labels are compared in: lower case, no spaces, dashes or underscores."""
    return re.sub(r"[\s_\-]+", "", label.strip().lower())


@dataclass
class Config:
    """Everything configurable. Build with ``load_config()``; ``Config()`` is the defaults."""

    severity_levels: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_LEVELS))
    """Normalised label (see ``normalize_severity_key``) -> level, 0 = most severe."""
    severity_definitions: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_SEVERITY_DEFINITIONS)
    )
    """Label as shown -> definition text."""
    draft_target_hours: float = 48
    review_target_business_days: int = 5
    db_path: Path = Path("data/pmkit.duckdb")
    corpus_dir: Path = Path("data/corpus")
    reports_dir: Path = Path("reports")
    taxonomy_path: Path = Path("data/taxonomy.toml")
    milestones_path: Path = Path("data/milestones.toml")
    """The milestone word lists the parser reads timelines and prose with."""
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
        if isinstance(level, bool) or not isinstance(level, int) or level < 0:
            raise ConfigError(
                f"{path}: severity.levels.{label} must be a non-negative integer, got {level!r}"
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

    base = path.parent
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
