"""Owners, responders and services read from Markdown once: what the source escaped is the
name's, what it wrote as markup keeps its meaning (``pmkit.parse.names``)."""

from __future__ import annotations

import pytest

from pmkit.parse import parse_text
from pmkit.parse.inline import plain_marked
from pmkit.parse.names import owner_in, people_in, services_in


@pytest.mark.parametrize(
    ("raw", "owner"),
    [
        ("**@alice**", "@alice"),
        ("_Bob_", "Bob"),
        ("[Jane](https://example.com/jane)", "Jane"),
        ("Jane Doe (SRE).", "Jane Doe (SRE)"),
        ("TBD", None),
        # escaped: typed that way
        (r"\_\_init\_\_ team", "__init__ team"),
        (r"Ana \`ops\` Silva\.", "Ana `ops` Silva."),
        (r"\*\*@alice\*\*", "**@alice**"),
        (r"\.NET team", ".NET team"),
        (r"\<none>", None),  # a placeholder however written: validate says so
    ],
)
def test_owner_in(raw: str, owner: str | None) -> None:
    assert owner_in(raw) == owner


@pytest.mark.parametrize(
    ("raw", "people"),
    [
        ("Alice, Bob and @carol", ["Alice", "Bob", "@carol"]),
        ("**Alice** & Bob", ["Alice", "Bob"]),
        (r"Ops \& Infra, Sec\/Net \+ friends", ["Ops & Infra", "Sec/Net + friends"]),
        ("Search &#97;nd Rescue, Bob", ["Search and Rescue", "Bob"]),
        (r"\(, 2\)", ["(", "2)"]),
        (r"\<, >", ["<", ">"]),
        ("<name>, <name>", []),
        ("[Name], TBD", []),
    ],
)
def test_people_in(raw: str, people: list[str]) -> None:
    assert people_in(raw) == people


@pytest.mark.parametrize(
    ("raw", "items", "services"),
    [
        ("api, web and db", [], ["api", "web", "db"]),
        ("api (degraded), web.", [], ["api", "web"]),
        (r"api \<v2>, search &#97;nd index", [], ["api <v2>", "search and index"]),
        (r"api \(v2), cache\.", [], ["api (v2)", "cache."]),
        (r"\<, >", [], ["<", ">"]),
        ("<service>", [], []),
        ("", [r"api \(v2)", "web (read only)", "[Service]"], ["api (v2)", "web"]),
    ],
)
def test_services_in(raw: str, items: list[str], services: list[str]) -> None:
    assert services_in(raw, items) == services


def test_plain_marked_is_plain_with_its_literal_characters_marked() -> None:
    m = plain_marked(r"**Ops** \& `a,b` &#97;nd \\x")
    assert m.text == "Ops & a,b and \\x"
    assert [c for c, k in zip(m.text, m.masked, strict=True) if c != k] == ["&", ",", "a", "\\"]


def test_names_in_a_document() -> None:
    doc = parse_text(
        "# Incident Postmortem: Disk full\n\n"
        "- **Owner:** \\_\\_init\\_\\_ team\n"
        "- **Responders:** Ops \\& Infra, Alice and Bob\n"
        "- **Services affected:** api \\<v2>, search &#97;nd index, web (degraded)\n",
        "x.md",
    )
    pm = doc.incidents[0]
    assert pm.owner == "__init__ team"
    assert pm.responders == ["Ops & Infra", "Alice", "Bob"]
    assert pm.services == ["api <v2>", "search and index", "web"]
