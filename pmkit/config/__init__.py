"""Settings from ``pmkit.toml``: severity levels, targets, every path pmkit reads or writes, and
what the reports need to name people and link tickets (``[people]``, ``[links]``, ``[reports]``);
when a postmortem is required and where the incident register is (``[policy]``, ``[register]``);
the recurrence rule (``[recurrence]``).

One place for all settings, found one way (``find_config_file``: ``--config``, else
``$PMKIT_CONFIG``, else the nearest ``pmkit.toml`` at or above the working folder), so the CLI,
the notebooks, the explorer and the form agree. ``settings`` holds the defaults, ``load`` reads
the file (``sections`` its structured tables). Depends on nothing else in pmkit.
"""

from pmkit.config.load import CONFIG_ENV, find_config_file, load_config
from pmkit.config.settings import (
    CONFIG_FILENAME,
    DEFAULT_SEVERITY_DEFINITIONS,
    DEFAULT_SEVERITY_LEVELS,
    DRAFT_TARGET_HOURS,
    MAX_SEVERITY_LEVEL,
    POLICY_FLAGS,
    REVIEW_TARGET_BUSINESS_DAYS,
    TICKET_KEY,
    Config,
    ConfigError,
    LinkRule,
    PolicyConfig,
    RecurrenceSettings,
    RegisterSource,
    check_severity_level,
    locate,
    normalize_severity_key,
    person_key,
)

__all__ = [
    "CONFIG_ENV",
    "CONFIG_FILENAME",
    "DEFAULT_SEVERITY_DEFINITIONS",
    "DEFAULT_SEVERITY_LEVELS",
    "DRAFT_TARGET_HOURS",
    "MAX_SEVERITY_LEVEL",
    "POLICY_FLAGS",
    "REVIEW_TARGET_BUSINESS_DAYS",
    "TICKET_KEY",
    "Config",
    "ConfigError",
    "LinkRule",
    "PolicyConfig",
    "RecurrenceSettings",
    "RegisterSource",
    "check_severity_level",
    "find_config_file",
    "load_config",
    "locate",
    "normalize_severity_key",
    "person_key",
]
