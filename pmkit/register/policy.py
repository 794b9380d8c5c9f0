"""Whether an incident needs a postmortem, by the rules of ``[policy]`` (seeds/003 by default).

- P0 (``always``): always.
- P1 (``when_impact_or_longer``): when customer impact is non-trivial or it lasts longer than
  ``min_minutes`` (15 minutes exactly is not longer).
- P2 (``when_flagged``): when it reveals a systemic gap, a security concern or a repeatable
  failure (a tag or label named after one of ``flags``).
- Any other severity: not required.

The answer is ``True``, ``False`` or ``None`` (cannot tell: the register lacks what the rule
needs), each with its reason in words. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmkit.config import Config, ConfigError
from pmkit.normalize.severity import parse_severity
from pmkit.register.model import RegisterIncident


@dataclass(frozen=True)
class Policy:
    """``[policy]`` with its severities read into levels (0 = most severe)."""

    always: frozenset[int] = frozenset({0})
    when_impact_or_longer: frozenset[int] = frozenset({1})
    min_minutes: float = 15.0
    when_flagged: frozenset[int] = frozenset({2})
    flags: tuple[str, ...] = ("systemic", "security", "repeatable")

    @classmethod
    def from_config(cls, config: Config) -> Policy:
        """Labels such as ``P0`` or ``SEV-1`` through the severity normalizer (with the
        configuration's own labels); an unknown label is a ConfigError."""
        p = config.policy

        def levels(values: tuple[str | int, ...], key: str) -> frozenset[int]:
            out = set()
            for value in values:
                if isinstance(value, int):
                    out.add(value)
                    continue
                severity = parse_severity(value, config)
                if severity is None:
                    raise ConfigError(f"policy.{key}: {value!r} is not a severity label")
                out.add(severity.level)
            return frozenset(out)

        return cls(
            levels(p.always, "always"),
            levels(p.when_impact_or_longer, "when_impact_or_longer"),
            float(p.min_minutes),
            levels(p.when_flagged, "when_flagged"),
            tuple(p.flags),
        )


@dataclass(frozen=True)
class Decision:
    required: bool | None
    """None: the register does not say enough to tell."""
    reason: str


def _minutes(value: float) -> str:
    return f"{value:g} min"


def decide(incident: RegisterIncident, policy: Policy) -> Decision:
    """Does ``incident`` need a postmortem under ``policy``, and why."""
    level = incident.severity_level
    label = incident.severity_label or (f"L{level}" if level is not None else None)
    if level is None:
        what = f"severity {incident.severity_label!r} unknown" if label else "no severity"
        return Decision(None, f"{what}: the policy cannot be applied")
    if level in policy.always:
        return Decision(True, f"{label}: always")
    if level in policy.when_impact_or_longer:
        minutes = incident.duration_minutes
        longer = _minutes(policy.min_minutes)
        if minutes is not None and minutes > policy.min_minutes:
            return Decision(True, f"{label}: lasted {_minutes(round(minutes, 1))} (> {longer})")
        if incident.customer_impact:
            return Decision(True, f"{label}: customer impact")
        if minutes is None and incident.customer_impact is None:
            return Decision(None, f"{label}: neither duration nor customer impact known")
        if minutes is None:
            return Decision(None, f"{label}: no customer impact, duration unknown")
        if incident.customer_impact is None:
            return Decision(
                None,
                f"{label}: lasted {_minutes(round(minutes, 1))} (not > {longer}), "
                "customer impact not in the register",
            )
        return Decision(False, f"{label}: lasted {_minutes(round(minutes, 1))}, no customer impact")
    if level in policy.when_flagged:
        if incident.flags is None:
            return Decision(None, f"{label}: the register has no tags to flag a systemic gap")
        if incident.flags:
            return Decision(True, f"{label}: flagged {', '.join(incident.flags)}")
        return Decision(False, f"{label}: not flagged ({', '.join(policy.flags)})")
    return Decision(False, f"{label}: below the policy's severities")
