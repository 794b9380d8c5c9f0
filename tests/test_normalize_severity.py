"""parse_severity: labels as written, levels by scheme, template choice lists rejected."""

from __future__ import annotations

import pytest

from pmkit.config import Config
from pmkit.normalize.severity import Severity, is_severity_placeholder, parse_severity


@pytest.mark.parametrize(
    ("text", "label", "scheme", "level"),
    [
        ("P0", "P0", "P", 0),
        ("P1", "P1", "P", 1),
        ("**P2**", "P2", "P", 2),
        ("p3", "p3", "P", 3),
        ("Priority 2", "Priority 2", "P", 2),
        ("SEV0", "SEV0", "SEV", 0),
        ("SEV-1", "SEV-1", "SEV", 1),
        ("Sev 2", "Sev 2", "SEV", 2),
        ("sev_3", "sev_3", "SEV", 3),
        ("S1", "S1", "SEV", 1),
        ("Severity 1", "Severity 1", "SEV", 1),
        ("[SEV2]", "SEV2", "SEV", 2),
        ("(P1)", "P1", "P", 1),
        ("`SEV-4`", "SEV-4", "SEV", 4),
        ("SEV2 - partial outage", "SEV2", "SEV", 2),
        ("SEV2 (was SEV1)", "SEV2", "SEV", 2),
        ("P1 (customer facing)", "P1", "P", 1),
        ("Severity: SEV-3", "SEV-3", "SEV", 3),
        ("Critical", "Critical", "word", 0),
        ("blocker", "blocker", "word", 0),
        ("Major (High Impact, Service Degradation)", "Major", "word", 1),
        ("HIGH", "HIGH", "word", 1),
        ("Medium impact", "Medium", "word", 2),
        ("Minor", "Minor", "word", 2),
        ("moderate", "moderate", "word", 2),
        ("Low", "Low", "word", 3),
        # colour dots and icons before the label
        ("\U0001f534 P1", "P1", "P", 1),
        ("\u26a0\ufe0f SEV-2", "SEV-2", "SEV", 2),
        ("Severity: \U0001f7e0 Major", "Major", "word", 1),
    ],
)
def test_parse_severity(text: str, label: str, scheme: str, level: int) -> None:
    assert parse_severity(text) == Severity(label=label, scheme=scheme, level=level)


@pytest.mark.parametrize(
    "text",
    [
        "P0 / P1 / P2",
        "(P0 / P1 / P2)",
        "SEV-1 / SEV-2 / SEV-3 / SEV-4",
        "[SEV0/SEV1/SEV2/SEV3/SEV4]",
        "P0/P1/P2/P3",
        "P1 | P2",
        "SEV1, SEV2 or SEV3",
        "",
        "[Severity]",
        "TBD",
    ],
)
def test_placeholders_are_not_severities(text: str) -> None:
    assert is_severity_placeholder(text)
    assert parse_severity(text) is None


@pytest.mark.parametrize(
    "text", ["no idea", "1", "the outage was bad", "P2P network", "Critical-ish", "SEV"]
)
def test_text_without_severity(text: str) -> None:
    assert parse_severity(text) is None


def test_none_is_none() -> None:
    assert parse_severity(None) is None


@pytest.mark.parametrize("text", ["P1", "SEV-2", "[SEV2]", "Critical"])
def test_real_labels_are_not_placeholders(text: str) -> None:
    assert not is_severity_placeholder(text)


def test_config_overrides_and_custom_labels() -> None:
    config = Config()
    config.severity_levels.update({"critical": 1, "s1": 0, "blue": 4, "p1": 0})
    assert parse_severity("Critical", config) == Severity("Critical", "word", 1)
    assert parse_severity("S1", config) == Severity("S1", "custom", 0)
    assert parse_severity("Blue alert", config) == Severity("Blue", "custom", 4)
    assert parse_severity("P1", config) == Severity("P1", "P", 0)
    assert parse_severity("Bluebird", config) is None
    # the default table is untouched by another config
    assert parse_severity("Critical") == Severity("Critical", "word", 0)
    assert parse_severity("P1") == Severity("P1", "P", 1)


def test_multi_word_custom_label_is_kept_whole() -> None:
    config = Config()
    config.severity_levels.update({"veryhigh": 0, "sev1": 0})
    assert parse_severity("Very High (payments down)", config) == Severity("Very High", "custom", 0)
    assert parse_severity("**very-high**", config) == Severity("very-high", "custom", 0)
    assert parse_severity("SEV-1 - outage", config) == Severity("SEV-1", "SEV", 0)
