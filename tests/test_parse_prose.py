"""Free-text fields hold the author's text, not what the template left in the document."""

from __future__ import annotations

from pmkit.parse import parse_text
from pmkit.parse.blocks import parse_markdown
from pmkit.parse.prose import section_prose

GUIDANCE = (
    "Apply systems thinking to explain how the incident unfolded. Avoid blame; focus on "
    "contributing factors."
)


def _prose(md: str) -> str:
    (section,) = parse_markdown(md).root.children
    return section_prose(section)


def test_template_guidance_paragraph_is_dropped() -> None:
    assert _prose(f"## Notes\n\n{GUIDANCE}\n\nThe lock was taken twice.\n") == (
        "The lock was taken twice."
    )


def test_guidance_line_inside_a_paragraph_is_dropped_the_authors_line_kept() -> None:
    md = f"## Notes\n\n{GUIDANCE}\nThe lock was taken twice.\n"
    assert _prose(md) == "The lock was taken twice."


def test_a_sentence_that_only_quotes_the_guidance_is_kept() -> None:
    text = f"We ignored the template's advice: {GUIDANCE}"
    assert _prose(f"## Notes\n\n{text}\n") == text


def test_empty_and_placeholder_fields_are_dropped_filled_ones_kept() -> None:
    md = (
        "## Lessons\n\n"
        "- **Early Signals We Missed**:\n"
        "- **What Went Well**: Rollback took 14 minutes.\n"
        "- **Scope:** (# customers, # orgs, regions, etc.)\n"
        "- **Revenue Impact**: [Estimated if applicable]\n"
        "- Item 1\n"
        "- Item 2\n"
    )
    assert _prose(md) == "What Went Well: Rollback took 14 minutes."


def test_a_key_whose_value_is_nested_keeps_its_label_and_real_items() -> None:
    md = (
        "## Impact\n\n"
        "- **Customer Impact:**\n"
        "  - % of users affected\n"
        "  - Logins failed in the EU\n"
        "- **Internal Impact:**\n"
        "  - Operational load, manual actions, escalations\n"
    )
    assert _prose(md) == "Customer Impact:\nLogins failed in the EU"


def test_empty_table_rows_and_empty_subsections_are_dropped() -> None:
    md = (
        "## Impact\n\nSlow pages.\n\n| Metric | Before |\n| --- | --- |\n|  |  |\n"
        "| p99 | 2 s |\n\n### Business Impact\n\n- **SLA Impact**: [Yes/No - details if yes]\n\n"
        "### Customer Impact\n\n- EU only\n"
    )
    assert _prose(md) == "Slow pages.\np99 | 2 s\nCustomer Impact\nEU only"


def test_seed_001_lessons_lose_the_template_instruction() -> None:
    md = (
        "# Queue stall\n\n**Severity**: SEV2\n\n## 6. Lessons Learned\n"
        "Capture improvements to upstream systems, runbooks, or processes.\n\n"
        "- **Early Signals We Missed**:\n"
        "- **What Went Well**: Rollback took 14 minutes end to end.\n"
    )
    (pm,) = parse_text(md, "2026/x.md").incidents
    assert pm.lessons == "What Went Well: Rollback took 14 minutes end to end."


def test_impact_is_not_the_fields_listed_under_its_heading() -> None:
    """A list of fields under an Impact heading is read as those fields (services, duration);
    the customer impact is the prose beside it, none when there is none. A paragraph of
    ``**Key:** value`` lines is the author's and stays."""
    fields_only = (
        "# Outage\n\n## Impact\n\n- **Systems/services affected:** api\n\n"
        "### Customer Impact\n\n- **Duration of Impact:** 60 minutes\n"
    )
    pm = parse_text(fields_only, "x.md").incidents[0]
    assert (pm.customer_impact, pm.services) == (None, ["api"])
    with_prose = (
        "# Outage\n\n## Impact\n\n- **Affected Services**: api\n\nLogins failed in the EU.\n\n"
        "**Affected customers:** 305 teams\n"
    )
    pm = parse_text(with_prose, "x.md").incidents[0]
    assert pm.customer_impact == "Logins failed in the EU.\nAffected customers: 305 teams"


def test_a_factor_labelled_by_a_placeholder_is_template_text_unless_the_colon_is_escaped() -> None:
    md = (
        "# Outage\n\n## Contributing Factors\n\n"
        "- Factor 1: describe it\n"
        "- [Factor]: [Description]\n"
        "- Owner\\: nobody reviewed the alert\n"
        "- Retries: unbounded\n"
    )
    factors = parse_text(md, "x.md").incidents[0].factors
    assert [f.text for f in factors] == ["Owner: nobody reviewed the alert", "Retries: unbounded"]


def test_placeholders_are_judged_by_line_and_paragraph_wherever_the_text_sits() -> None:
    """A template line is left out of a ``- **Key:**`` value as it is from a section; a
    paragraph that is a placeholder as a whole (wrapped over two lines) is left out; two
    paragraphs never make one together."""
    md = (
        "# Outage\n\n## Summary\n\n- **What happened:** Builds failed.\n\n  TBD\n\n"
        "## Root Cause\n\n[Describe the\nroot cause]\n\n"
        "## Impact\n\n\\[Describe\n\nthe impact]\n"
    )
    pm = parse_text(md, "x.md").incidents[0]
    assert pm.executive_summary == "Builds failed."
    assert pm.root_cause is None
    assert pm.customer_impact == "[Describe\nthe impact]"
