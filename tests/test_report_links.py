"""Tracking references and postmortem files as links: only web addresses, escaped by present."""

from __future__ import annotations

from pmkit.config import TICKET_KEY, Config, LinkRule
from pmkit.present.links import Links, web_url


def test_web_url_accepts_only_http_and_https() -> None:
    assert (
        web_url(" https://jira.example.com/browse/OPS-1 ")
        == "https://jira.example.com/browse/OPS-1"
    )
    for bad in (
        "javascript:alert(1)",
        "ftp://x.example/a",
        "https://",
        "http://a b",
        "OPS-1",
        None,
    ):
        assert web_url(bad) is None


def test_tracking_refs_become_links_by_rule() -> None:
    links = Links.from_config(
        Config(
            link_rules=[
                LinkRule("jira", "https://jira.example.com/browse/{key}", TICKET_KEY),
                LinkRule("gh", "https://github.com/acme/app/issues/{key}", r"^#(?P<key>\d+)$"),
            ]
        )
    )
    assert links.tracking_url("OPS-1233") == "https://jira.example.com/browse/OPS-1233"
    assert links.tracking_url("#950") == "https://github.com/acme/app/issues/950"
    assert links.tracking_url("https://x.example/t/1") == "https://x.example/t/1"
    assert links.tracking_url("see the doc") is None
    assert links.tracking_url("javascript:alert(1)") is None
    assert Links().tracking_url("OPS-1233") is None  # no rule, no link


def test_postmortem_files_link_to_the_corpus_or_the_configured_site() -> None:
    local = Links()
    assert (
        local.file_url("/srv/pm corpus", "2026/a b.md") == "file:///srv/pm%20corpus/2026/a%20b.md"
    )
    assert local.file_url(None, "a.md") is None and local.file_url("relative", "a.md") is None
    site = Links(file_template="https://git.example.com/pm/blob/main/{path}")
    assert (
        site.file_url(None, "2026/a b#1.md")
        == "https://git.example.com/pm/blob/main/2026/a%20b%231.md"
    )
