"""is_placeholder: every blank value in the seed templates is one; real values never are."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pmkit.normalize.placeholders import (
    PLACEHOLDER_PATTERNS,
    describe_placeholder,
    find_placeholder,
    is_choice_list,
    is_placeholder,
)
from pmkit.parse.decode import decode_bytes

SEED_BLANKS = [
    # seed 000
    "",
    "   ",
    "(P0 / P1 / P2)",
    "Draft / Reviewed / Closed",
    "(# customers, # orgs, regions, etc.)",
    "(if applicable)",
    "(alert, user report, monitoring, etc.)",
    "Yes / No",
    "-",
    # seed 001
    "_Resolved | Monitoring | Follow-up_.",
    "2\u20133 sentences covering the what/when.",
    "(e.g., degraded latency, failed payments).",
    "(technical, process, organizational):",
    "(logs, monitors, QA):",
    "(status page, stakeholders):",
    "Detection event logged",
    "Document key events minute-by-minute (UTC preferred). Include manual actions and automation.",
    # seed 002
    "INC-YYYYMMDD-XXX",
    "[Date of incident]",
    "[Start time] to [End time] ([Total duration])",
    "[SEV0/SEV1/SEV2/SEV3/SEV4]",
    "[Name]",
    "[Draft/Final]",
    "[2-3 sentence summary of what happened, impact, and resolution]",
    "[HH:MM]",
    "[0 min]",
    "[+X min]",
    "[Event detected/trigger]",
    "[Who/what]",
    "[All/Specific regions/Specific customers]",
    "[Yes/No - details if yes]",
    "[Factor 1]: [Description]",
    "Why did [incident] happen?",
    "2. Why did [Answer 1] happen?",
    "\u2192 [Answer 1]",
    "[ ] [Good thing 1]: [Description of what worked well]",
    "[Description]",
    "[Owner]",
    "P0/P1/P2/P3",
    "[Date]",
    "Open/Done",
    "[Link to dashboard with annotated timeline]",
    "[Related incident 1]: [Link]",
    "[Signature/Date]",
    "[Metric 1]",
    "[Value]",
    # seed 004
    "YYYY-MM-DD",
    "INC-YYYYMMDD-###",
    "YYYY-MM-DD HH:MM",
    "HH:MM",
    "SEV-1 / SEV-2 / SEV-3 / SEV-4",
    "service-name (impact summary)",
    "% of users affected",
    "Regions / tenants affected",
    "Monitoring / Customer report / Internal team / Other",
    "Name",
    "Names",
    "Slack / PagerDuty / Email / Other",
    "Business impact (if applicable)",
    "Data loss/corruption? (Yes/No)",
    "Event description",
    "Factor 1",
    "Item 2",
    "Yes/No",
    "Action description",
    "P0/P1/P2",
    "Open/Closed",
    "Template",
    "Links to incident tickets, dashboards, logs, or related PRs.",
    # other common ones
    "TBD",
    "**TBD**",
    "`YYYY-MM-DD`",
    "MM/DD/YYYY",
    "<name>",
    "{{ owner }}",
    "?",
    "...",
    None,
]

REAL_VALUES = [
    "Open",
    "Done",
    "Closed",
    "Yes",
    "No",
    "N/A",
    "2026-03-04",
    "2026-03-04 14:05 UTC",
    "14:05",
    "[x]",
    "[ ]",
    "P1",
    "SEV-2",
    "Not Started",
    "In Progress",
    "Complete",
    "@alice",
    "Jane Doe (SRE)",
    "Alice / Bob",
    "TCP/IP",
    "24/7",
    "[INC-42](https://tracker.example/INC-42)",
    "[config change][preset config]",
    "(see #123)",
    "INC-20260304-001",
    "Database failover (primary lost)",
    "Monitoring alert fired",
    "api-gateway (5xx errors for 12% of requests)",
    "1.0",
    "The deploy pipeline pushed a bad config to every region at once.",
    "(secondary): Nullness information per type (e.g., `NotSupportsNull`)",
    "{{ Enabling logging mechanism across all hubs to track future outages }}",
    "(a) first, (b) second",
]


@pytest.mark.parametrize("value", SEED_BLANKS)
def test_seed_blanks_are_placeholders(value: str | None) -> None:
    assert is_placeholder(value), value
    kind = find_placeholder(value)
    assert kind is not None
    assert describe_placeholder(kind)


@pytest.mark.parametrize("value", REAL_VALUES)
def test_real_values_are_not_placeholders(value: str) -> None:
    assert find_placeholder(value) is None


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", "empty"),
        ("YYYY-MM-DD", "date-mask"),
        ("INC-YYYYMMDD-XXX", "id-mask"),
        ("Open/Done", "choice-list"),
        ("[Name]", "bracketed"),
        ("(if applicable)", "hint"),
        ("Factor 3", "template-word"),
        ("TBD", "tbd"),
    ],
)
def test_kind_names(value: str, kind: str) -> None:
    assert find_placeholder(value) == kind


def test_patterns_are_exposed_with_unique_names() -> None:
    names = [pattern.name for pattern in PLACEHOLDER_PATTERNS]
    assert len(names) == len(set(names))
    assert all(pattern.description for pattern in PLACEHOLDER_PATTERNS)


def test_shortcut_reference_link_is_not_a_placeholder_when_defined() -> None:
    assert is_placeholder("[oncall first pinged]")
    assert not is_placeholder("[oncall first pinged]", refdefs={"oncall first pinged"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Open/Done", True),
        ("Draft | Final", True),
        ("Email / Slack / Other", True),
        ("Alice / Bob", False),
        ("N/A", False),
        ("Open", False),
    ],
)
def test_is_choice_list(value: str, expected: bool) -> None:
    assert is_choice_list(value) is expected


def test_long_prose_is_not_a_placeholder() -> None:
    prose = "We saw errors / timeouts (e.g. 502s) for [some] users. " * 10
    assert not is_placeholder(prose)


# Values in the templates that are real text, not blanks: definitions, example ids and statuses,
# role names in the approval table, the template's own version.
TEMPLATE_REAL_TEXT = {
    "Customer-impacting outage, security incident, or data loss risk.",
    "Degraded service with customer impact but not a full outage.",
    "Internal-only or limited-impact incident with minimal customer impact.",
    "00:00",
    "00:05",
    "00:12",
    "Not Started",
    "In Progress",
    "Complete",
    "Incident Commander",
    "Technical Lead",
    "Manager",
    "1.0",
    "This document focuses on systems and processes, not individuals. The goal is learning "
    "and improvement, not blame.",
}
_KV = re.compile(r"^\s*(?:[-*]\s+)?\*\*?(?P<key>[^*]+?)\*\*?\s*:?\s*(?P<value>.*)$")
_ID = re.compile(r"^(?:ACT|AI)-\d+$")


def _seed_values(text: str) -> list[str]:
    """Field values and table cells of a template, the way the parser meets them."""
    values: list[str] = []
    in_table = False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [cell.strip() for cell in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells):
                in_table = True
            elif in_table:
                values.extend(cells)
            continue
        in_table = False
        match = _KV.match(line)
        if match:
            values.append(match.group("value").lstrip(":").strip())
        elif re.match(r"^\s*(?:[-*]|\d+\.)\s+", line):
            values.append(re.sub(r"^\s*(?:[-*]|\d+\.)\s*", "", line))
    return values


def test_every_blank_in_the_seed_templates_is_a_placeholder(shared_dir: Path) -> None:
    seeds = sorted((shared_dir / "seeds").glob("00[0124]_*.txt"))
    assert len(seeds) == 4
    missed = []
    for seed in seeds:
        text = decode_bytes(seed.read_bytes()).text
        for value in _seed_values(text):
            if value in TEMPLATE_REAL_TEXT or _ID.match(value):
                continue
            if not is_placeholder(value):
                missed.append(f"{seed.name}: {value!r}")
    assert not missed, "\n".join(missed)


def test_the_one_alternation_names_the_kind_the_patterns_name_in_order() -> None:
    """``_kind`` tries every pattern at once: on template-like strings (masks, ids, TBDs built
    from their characters) the first pattern that matches is the one the alternation names."""
    from pmkit.normalize import placeholders

    rng = random.Random(7)
    chars = "YMDHhmSsXN#-_/:. TZUTCtbdxoaIN<>{}[]?()1234wyWh"
    texts = [
        "",
        "TBD",
        "YYYY-MM-DD HH:MM UTC",
        "INC-YYYYMMDD-XXX",
        "{{ x }}",
        "Why did [x] happen?",
    ]
    texts += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    hits = 0
    for text in texts:
        loop = next((p.name for p in PLACEHOLDER_PATTERNS if p.regex.match(text)), None)
        m = placeholders._ANY_PATTERN.match(text)
        assert (
            PLACEHOLDER_PATTERNS[int(m.lastgroup[1:])].name if m and m.lastgroup else None
        ) == loop
        hits += loop is not None
    assert hits > 500
