"""extract_tracking_ref: URL, then reference link, then ticket key, then org/repo#n, then #n."""

from __future__ import annotations

import pytest

from pmkit.normalize.links import extract_tracking_ref

REFDEFS = {
    "issue-296": "https://github.com/org/repo/issues/296",
    "automatically updated": "https://example.com/au",
}


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("[JIRA-1](https://jira.example/browse/JIRA-1)", "https://jira.example/browse/JIRA-1"),
        ("see https://github.com/a/b/issues/3.", "https://github.com/a/b/issues/3"),
        ("<https://tracker.example/z>", "https://tracker.example/z"),
        ("(https://a.example/c)", "https://a.example/c"),
        ("OPS-42 and https://later.example", "https://later.example"),
        ("[issue][issue-296]", "https://github.com/org/repo/issues/296"),
        ("[Issue-296][]", "https://github.com/org/repo/issues/296"),
        ("[automatically updated]", "https://example.com/au"),
        ("ABC-123", "ABC-123"),
        ("[JIRA-123]", "JIRA-123"),
        ("tracked in PLAT-7 (p1)", "PLAT-7"),
        ("kubernetes/test-infra#123", "kubernetes/test-infra#123"),
        ("#123", "#123"),
        ("PR #45", "#45"),
        ("SEV-1", None),
        ("AI-001", None),
        ("ACT-3", None),
        ("fix UTF-8 handling", None),
        ("CVE-2021-44228", None),
        ("deployed 10:00 UTC-7", None),
        ("GMT-5 window, tracked in OPS-9", "OPS-9"),
        ("[Link]", None),
        ("Tracking Link", None),
        ("[Link to dashboard]", None),
        ("[unknown ref]", None),
        ("TBD", None),
        ("", None),
        (None, None),
    ],
)
def test_extract_tracking_ref(text: str | None, ref: str | None) -> None:
    assert extract_tracking_ref(text, REFDEFS) == ref


def test_reference_links_need_refdefs() -> None:
    assert extract_tracking_ref("[issue][issue-296]") is None
