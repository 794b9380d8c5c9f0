"""Which sections the parser reads for what: the title heading, and the text fields' sections."""

from __future__ import annotations

import pytest

from pmkit.model import Postmortem
from pmkit.parse import parse_text
from pmkit.parse.sections import is_section_name, names_the_root_cause, section_role


def _incident(md: str) -> Postmortem:
    doc = parse_text(md, "2026/x.md")
    assert len(doc.incidents) == 1, doc
    return doc.incidents[0]


BODY = """
**Start Time (UTC)**: 2026-03-04 09:55
**Severity**: SEV2

## Summary

Builds failed for 90 minutes.

## Timeline

- 2026-03-04 10:00: Alert fired
- 2026-03-04 11:30: Logs rotated

## Action Items

- Rotate logs by default
"""


def test_a_title_that_names_a_section_is_still_the_title() -> None:
    """'# Lessons ...' heading the whole document does not make the document a lessons section."""
    pm = _incident("# Lessons learned from the build host outage\n" + BODY)
    assert pm.title == "Lessons learned from the build host outage"
    assert pm.lessons is None
    assert pm.executive_summary == "Builds failed for 90 minutes."
    assert [e.event for e in pm.timeline] == ["Alert fired", "Logs rotated"]
    assert [a.text for a in pm.actions] == ["Rotate logs by default"]


def test_a_title_naming_the_timeline_does_not_swallow_the_timeline_section() -> None:
    """The header fields under the title are not timeline events."""
    pm = _incident("# Timeline drift on the build host\n" + BODY)
    assert [e.event for e in pm.timeline] == ["Alert fired", "Logs rotated"]
    assert [a.text for a in pm.actions] == ["Rotate logs by default"]


def test_a_title_that_says_it_is_a_postmortem() -> None:
    """'Postmortem: ...' is a title even when the body under it has a single section."""
    md = "# Postmortem: Impact of the cache flush\n\nIntro.\n\n## Timeline\n\n- 10:00 Flush\n"
    pm = _incident(md)
    assert pm.customer_impact is None
    assert [e.event for e in pm.timeline] == ["Flush"]


def test_a_title_line_above_top_level_sections() -> None:
    md = (
        "# Impact of the cache flush\n\n# Summary\n\nThe cache was flushed.\n\n"
        "# Impact\n\nSlow pages for an hour.\n"
    )
    pm = _incident(md)
    assert pm.title == "Impact of the cache flush"
    assert pm.customer_impact == "Slow pages for an hour."


def test_an_h1_that_is_one_section_keeps_its_role() -> None:
    """'# Action Items' over its own parts, or a lone '# Timeline', is a section, not a title."""
    md = "# Action Items\n\n## Short-term\n\n- Rotate logs\n\n## Long-term\n\n- Alert on disk use\n"
    pm = _incident(md)
    assert [(a.text, a.kind) for a in pm.actions] == [
        ("Rotate logs", "short_term"),
        ("Alert on disk use", "long_term"),
    ]
    pm = _incident("# Timeline\n\n- 2026-03-04 10:00: Alert fired\n- 2026-03-04 10:30: Fixed\n")
    assert [e.event for e in pm.timeline] == ["Alert fired", "Fixed"]


def test_a_lone_h1_over_the_whole_document_is_its_title() -> None:
    """Real documents put the body straight under their H1 (MoJ: fields and prose, no
    subsections); a title whose words name a section does not make the body that section."""
    md = (
        "# Timeline of the outage\n\n**Severity:** SEV2\n**Start Time (UTC):** 2026-03-04 10:00\n\n"
        "At 10:05 the checkout API returned 502s.\nWe rolled back at 10:40.\n"
    )
    pm = _incident(md)
    assert pm.title == "Timeline of the outage"
    assert pm.severity_label == "SEV2"
    assert pm.timeline == []  # was one event: "Start Time (UTC): ..." read as a timeline entry
    md = (
        "# Follow-up actions after the DNS outage\n\n- **Incident start**: 2022-01-22 11:57\n"
        "- **Impact**: Two sites were down.\n- **Resolution**: Restored the records.\n"
    )
    pm = _incident(md)
    assert pm.actions == []  # the field bullets were read as three actions
    assert pm.customer_impact == "Two sites were down."


def test_a_lone_h1_that_is_only_a_section_name_or_follows_text_stays_a_section() -> None:
    pm = _incident("# Root Cause Analysis\n\nThe disk filled up.\n")
    assert pm.root_cause == "The disk filled up."
    md = "Notes from the call.\n\n# Timeline of the outage\n\n- 2026-03-04 10:00: Alert fired\n"
    assert [e.event for e in _incident(md).timeline] == ["Alert fired"]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Timeline", True),
        ("Incident Timeline (UTC)", True),
        ("Timeline of events", True),
        ("Root Cause Analysis", True),
        ("Customer impact", True),
        ("Lessons learned", True),
        ("Timeline of the outage", False),
        ("Outage timeline", False),
        ("Block creation impacted due to mempool issues.", False),  # real 26 (Chia)
        ("Follow-up actions after the DNS outage", False),
        ("Incident on 2022-01-22 - some DNS records deleted", False),  # real 52 (MoJ): no role
    ],
)
def test_is_section_name(title: str, name: bool) -> None:
    assert is_section_name(title) is name


def test_a_field_list_under_a_summary_heading_is_metadata_not_the_summary() -> None:
    """seed-004: '## Incident Summary' holds the fields, '## Executive Summary' the prose."""
    md = (
        "# Disk full\n\n## Incident Summary\n\n- **Incident ID:** INC-7\n"
        "- **Start Time (UTC):** 2026-03-04 10:00\n- **Services Affected:**\n  - build-host\n\n"
        "## Executive Summary\n\nBuilds failed for 90 minutes.\n"
    )
    pm = _incident(md)
    assert pm.executive_summary == "Builds failed for 90 minutes."
    assert pm.incident_id == "INC-7" and pm.services == ["build-host"]
    # fields alone: there is no summary to read
    pm = _incident("# Disk full\n\n## Summary\n\n- **Severity:** SEV2\n- **Owner:** Kim\n")
    assert pm.executive_summary is None


def test_summary_prose_around_fields_is_kept() -> None:
    """Prose lines, unknown keys and a label line ("User Impact:") are the summary's text."""
    md = (
        "# Disk full\n\n## Summary\n\n**Severity:** SEV2\n\nBuilds failed.\n\n"
        "User Impact:\n\n- No merges for 90 minutes\n\n- **Why it mattered:** release day\n"
    )
    pm = _incident(md)
    assert pm.executive_summary == (
        "Builds failed.\nUser Impact:\nNo merges for 90 minutes\nWhy it mattered: release day"
    )


@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("Executive Summary", "summary"),
        ("1. Incident Summary", "summary"),
        ("Issue summary", "summary"),
        ("Resolution Summary", "resolution"),  # seed-002: What Fixed It, Verification Steps
        ("Recovery overview", "resolution"),
        ("Resolution & Recovery", "resolution"),
        ("Impact Assessment", "impact"),
    ],
)
def test_section_role(heading: str, role: str) -> None:
    assert section_role(heading) == role


ANALYSIS = """# Kafka stall

## Root Cause Analysis

### The Problem
The topic needs two in-sync replicas; one broker's disk failed.

### How It Happened
The disk returned I/O errors at 08:40.

### Contributing Factors
- Replication factor 2 instead of 3
- SMART warnings not alerted on

### 5 Whys Analysis
1. Why did events stall?
   -> Producers could not meet min.insync.replicas.
"""


def test_root_cause_is_the_cause_itself_not_its_analysis() -> None:
    """seed-002: 'The Problem' is the root cause; the rest is analysis and factors."""
    pm = _incident(ANALYSIS)
    assert pm.root_cause == "The topic needs two in-sync replicas; one broker's disk failed."
    assert [f.text for f in pm.factors] == [
        "Replication factor 2 instead of 3",
        "SMART warnings not alerted on",
    ]
    pm = _incident(ANALYSIS.replace("### The Problem", "### Root Cause"))
    assert pm.root_cause == "The topic needs two in-sync replicas; one broker's disk failed."


def test_root_cause_section_without_a_cause_subsection_keeps_its_analysis() -> None:
    """No subsection names the cause: the whole section, but never its contributing factors."""
    pm = _incident(ANALYSIS.replace("### The Problem\n", "").replace("The topic", "\nThe topic"))
    assert pm.root_cause == (
        "The topic needs two in-sync replicas; one broker's disk failed.\n"
        "How It Happened\nThe disk returned I/O errors at 08:40.\n"
        "5 Whys Analysis\nWhy did events stall?\n-> Producers could not meet min.insync.replicas."
    )
    assert len(pm.factors) == 2


IMPACT = """# Login outage

## Incident Summary

- **Start Time (UTC):** 2026-06-15 07:10
- **Customer Impact:**
  - 100% of users who tried to log in
  - Regions / tenants affected
  - "Invalid signature" error on the login page

## Impact Analysis

- **Customer Impact:**
  - Login success rate fell to 0%
- **Internal Impact:**
  - Support queue tripled
- **Data Impact:**
  - Data exposure? No
"""


def test_a_key_whose_value_is_its_nested_items_takes_them() -> None:
    """seed-004: '- **Customer Impact:**' over a list is that list (template hints left out),
    not the whole 'Impact Analysis' with its Internal and Data Impact."""
    pm = _incident(IMPACT)
    assert pm.customer_impact == (
        '100% of users who tried to log in\n"Invalid signature" error on the login page'
    )
    # the first one left as the template's hints: the next Customer Impact key is the value
    unfilled = IMPACT.replace("100% of users who tried to log in", "% of users affected")
    unfilled = unfilled.replace('"Invalid signature" error on the login page', "Item 1")
    assert _incident(unfilled).customer_impact == "Login success rate fell to 0%"


RCA_001 = """# Queue stall

**Severity**: SEV2

## 4. Root Cause Analysis
Apply systems thinking to explain how the incident unfolded. Avoid blame; focus on contributing factors.

- **Triggering Event**: Deployment of dispatcher 4.2.0.
- **Contributing Factors** (technical, process, organizational):
  - Library-only changes skipped the canary stage.
- **Safeguards That Worked**: Idempotent delivery.
- **Safeguards That Failed or Were Missing**: A consumer liveness check.
- **5-Whys / Causal Chain Summary**: The consumers took a non-reentrant lock twice.
"""


def test_seed_001_root_cause_is_the_causal_chain_not_the_whole_analysis() -> None:
    """seed-001 has no root-cause key: the causal chain summary states the cause; the trigger,
    factors and safeguards are other parts of the analysis."""
    pm = _incident(RCA_001)
    assert pm.root_cause == "The consumers took a non-reentrant lock twice."
    assert pm.trigger == "Deployment of dispatcher 4.2.0."
    assert [f.text for f in pm.factors] == ["Library-only changes skipped the canary stage."]


def test_seed_001_root_cause_left_empty_is_missing() -> None:
    pm = _incident(RCA_001.replace(" The consumers took a non-reentrant lock twice.", ""))
    assert pm.root_cause is None
    assert pm.trigger == "Deployment of dispatcher 4.2.0."


def test_root_cause_prose_without_the_items_read_as_other_fields() -> None:
    md = RCA_001.replace(
        "Apply systems thinking", "The retry path took the lock twice.\n\nApply systems thinking"
    ).replace(
        "- **5-Whys / Causal Chain Summary**: The consumers took a non-reentrant lock twice.", ""
    )
    pm = _incident(md)
    assert pm.root_cause == "The retry path took the lock twice."


@pytest.mark.parametrize(
    ("title", "itself"),
    [
        ("The Problem", True),
        ("Root Cause", True),
        ("Primary cause", True),
        ("The Technical Problem", True),  # real 75 (PostHog)
        ("The Bug", True),  # real 34 (F# compiler)
        ("Underlying issue", True),
        ("How It Happened", False),
        ("Why It Failed", False),
        ("Why It Wasn't Caught", False),
        ("Dual-Stream Metadata Format", False),
        ("Primary issue: Postgres TOAST OID exhaustion", False),  # one of two issues (real 77)
    ],
)
def test_names_the_root_cause(title: str, itself: bool) -> None:
    assert names_the_root_cause(title) is itself


def test_root_cause_is_the_text_above_and_the_subsection_naming_the_cause() -> None:
    """Real 75 (PostHog): a sentence, then The Technical Problem, Why It Failed, Why It Wasn't
    Caught; the last two are the mechanism and the detection gaps, not the cause."""
    md = (
        "# Surveys SDK bug\n\n## Root Cause Analysis\n\nThe culprit PR broke old SDKs.\n\n"
        "### The Technical Problem\n\nThe extension calls isDisabled, new in 1.257.1.\n\n"
        "### Why It Failed\n\nThe extension always loads the latest version.\n\n"
        "### Why It Wasn't Caught\n\n1. **No version compatibility testing**\n"
    )
    pm = _incident(md)
    assert pm.root_cause == (
        "The culprit PR broke old SDKs.\nThe extension calls isDisabled, new in 1.257.1."
    )


def test_a_heading_per_time_keeps_its_zone_out_of_the_event() -> None:
    """``### 13:24 PST`` over a paragraph: the zone belongs to the time (13:24 PST is 21:24 UTC),
    not to the event text ("PST: Customer support ..." dated 13:24 UTC before)."""
    text = (
        "# Checkout outage\n\n## Timeline\n\n### 2026-03-20 13:15\n\nA migration ran.\n\n"
        "### 13:24 PST\n\nCustomer support reported failures.\n\n### 13:40\n\nResolved.\n"
    )
    (incident,) = parse_text(text).incidents
    events = [(e.time_text, e.occurred_at.isoformat(), e.event) for e in incident.timeline]
    assert events == [
        ("2026-03-20 13:15", "2026-03-20T13:15:00", "A migration ran."),
        ("13:24 PST", "2026-03-20T21:24:00", "Customer support reported failures."),
        ("13:40", "2026-03-20T21:40:00", "Resolved."),  # the zone carries on
    ]
