"""Finding and reading ``pmkit.toml``: the one way every entry point (the CLI, the report
notebooks, the explorer, the drafting form) finds its settings and its database.

A missing file means the defaults; a bad value is an error that names the file and the key.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pmkit.config.sections import (
    read_links,
    read_people,
    read_policy,
    read_recurrence,
    read_register,
)
from pmkit.config.settings import (
    CONFIG_FILENAME,
    MAX_SEVERITY_LEVEL,
    Config,
    ConfigError,
    normalize_severity_key,
)

CONFIG_ENV = "PMKIT_CONFIG"
"""An environment variable naming the ``pmkit.toml`` to read when none is given (``pmkit draft``
sets it for the form's kernels)."""

_PATH_KEYS = ("db_path", "corpus_dir", "reports_dir", "taxonomy_path", "milestones_path")
_PATH_ALIASES = {"db": "db_path", "corpus": "corpus_dir", "reports": "reports_dir"}
_PATH_ALIASES.update({"taxonomy": "taxonomy_path", "milestones": "milestones_path"})


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    return value


def find_config_file(start: Path | None = None) -> Path | None:
    """The ``pmkit.toml`` every entry point reads when none is named: ``$PMKIT_CONFIG`` when set,
    else the nearest ``pmkit.toml`` in the working folder (``start``) or a folder above it, as
    git finds its repository; None when there is none (the defaults apply)."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILENAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | str | None = None) -> Config:
    """Read ``path`` (else the file :func:`find_config_file` finds) over the defaults.

    Relative paths in ``[paths]`` are taken relative to the config file's folder, so a
    ``pmkit.toml`` means the same thing wherever the command is run from.
    """
    config = Config()
    if path is None:
        path = find_config_file()
        if path is None:
            return config
        if not os.environ.get(CONFIG_ENV):  # found by looking up: the project's folder
            config.home = path.parent
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

    read_people(config, _table(data, "people", str(path)), path)
    read_links(config, _table(data, "links", str(path)), path)
    reports = _table(data, "reports", str(path))
    for key in ("min_n", "trend_min_n"):
        if key in reports:
            value = reports[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{path}: reports.{key} must be a whole number >= 1")
            setattr(config, "report_min_n" if key == "min_n" else key, value)

    config.recurrence = read_recurrence(_table(data, "recurrence", str(path)), path)

    base = path.parent
    read_policy(config, _table(data, "policy", str(path)), path)
    read_register(config, _table(data, "register", str(path)), path)
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
