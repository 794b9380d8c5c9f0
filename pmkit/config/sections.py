"""Reading the tables of ``pmkit.toml`` that have structure: ``[people]``, ``[links]``,
``[policy]``, ``[register]``, ``[recurrence]``. Each error names the file and the key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pmkit.config.settings import (
    TICKET_KEY,
    Config,
    ConfigError,
    LinkRule,
    PolicyConfig,
    RecurrenceSettings,
    RegisterSource,
    person_key,
)

_URL_TEMPLATE = re.compile(r"^https?://[^\s{}]+", re.I)


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where} must be a list of non-empty names")
    return tuple(v.strip() for v in value)


def read_people(config: Config, people: dict[str, Any], path: Path) -> None:
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


def read_links(config: Config, links: dict[str, Any], path: Path) -> None:
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


def read_policy(config: Config, policy: dict[str, Any], path: Path) -> None:
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


def read_register(config: Config, register: dict[str, Any], path: Path) -> None:
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


def read_recurrence(table: dict[str, Any], path: Path) -> RecurrenceSettings:
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
