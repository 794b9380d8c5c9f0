"""Owners as written; template names and non-owners read as missing.

The text here is plain (the parser read its Markdown once: ``tests/test_parse_names.py``), so
nothing in it is taken for markup a second time."""

from __future__ import annotations

import pytest

from pmkit.normalize.owners import normalize_owner, split_people


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("@alice", "@alice"),
        ("Jane Doe (SRE)", "Jane Doe (SRE)"),
        ("Platform team", "Platform team"),
        ("  Team   Storage ", "Team Storage"),
        ("snake_case_handle", "snake_case_handle"),
        ("Jane Doe.", "Jane Doe"),  # the sentence's punctuation, not the name's
        (": @bob,", "@bob"),
        # plain text is never stripped of "markup" again
        ("__init__ team", "__init__ team"),
        ("**@alice**", "**@alice**"),
        ("Ana `ops` Silva", "Ana `ops` Silva"),
        *[
            (blank, None)
            for blank in (
                "[Name]",
                "Name",
                "Names",
                "[Owner]",
                "Owner",
                "TBD",
                "-",
                "?",
                "N/A",
                "n/a",
                "None",
                "Unassigned",
                "",
                "   ",
                "[Who/what]",
            )
        ],
        (None, None),
    ],
)
def test_normalize_owner(text: str | None, owner: str | None) -> None:
    assert normalize_owner(text) == owner


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Alice, Bob and @carol", ["Alice", "Bob", "@carol"]),
        ("Alice (SRE, EU), Bob", ["Alice (SRE, EU)", "Bob"]),
        ("Alice & Bob; Carol", ["Alice", "Bob", "Carol"]),
        ("Alice/Bob + Carol\nDan", ["Alice", "Bob", "Carol", "Dan"]),
        ("@a, @a, @b", ["@a", "@b"]),
        ("Alice, TBD", ["Alice"]),
        ("<name>, <name>", []),
        ("[Name]", []),
        ("Names", []),
        ("", []),
        (None, []),
    ],
)
def test_split_people(text: str | None, people: list[str]) -> None:
    assert split_people(text) == people


L = "\ue000"
"""How the parser marks a character written literally (``pmkit.parse.inline.LITERAL``)."""


@pytest.mark.parametrize(
    ("text", "masked", "owner"),
    [
        ("Ana Silva.", "Ana Silva" + L, "Ana Silva."),
        (".NET team", L + "NET team", ".NET team"),
        ("TBD.", "TBD" + L, None),  # still a placeholder: the form says so
    ],
)
def test_owner_keeps_what_was_written_literally(text: str, masked: str, owner: str) -> None:
    assert normalize_owner(text, masked) == owner


@pytest.mark.parametrize(
    ("text", "masked", "people"),
    [
        ("Ops & Infra, Bob", f"Ops {L} Infra, Bob", ["Ops & Infra", "Bob"]),
        ("search and index", f"search {L}nd index", ["search and index"]),
        ("(, 2)", f"{L}, 2{L}", ["(", "2)"]),  # a parenthesis written literally protects nothing
        ("Alice (SRE, EU), Bob", "Alice (SRE, EU), Bob", ["Alice (SRE, EU)", "Bob"]),
        ("<, >", f"{L}, >", ["<", ">"]),  # a list written out by a tool, item by item
        ("<, >", "<, >", []),  # the same as template text: a placeholder as a whole
    ],
)
def test_split_people_on_separators_written_as_markup(
    text: str, masked: str, people: list[str]
) -> None:
    assert split_people(text, masked) == people


# --- people and their aliases --------------------------------------------------------------


def test_people_from_config_merge_aliases_and_give_teams() -> None:
    from pmkit.config import Config
    from pmkit.normalize.owners import People

    config = Config(
        people={"Mei Ling": ("@mling", "mei.ling@example.com"), "Priya Nair": ("@pnair",)},
        people_teams={"Priya Nair": "Payments"},
    )
    people = People.from_config(config)
    assert people.person("@mling") == "Mei Ling"
    assert people.person("@MLing") == "Mei Ling"  # no case, no leading @
    assert people.person("mei.ling@example.com") == "Mei Ling"
    assert people.person("Mei  Ling") == "Mei Ling"
    assert people.person("@someone") == "@someone"  # not listed: as written
    assert people.person(None) is None
    assert people.team("Priya Nair") == "Payments" and people.team("Mei Ling") is None
    assert people.known("@pnair") and not people.known("@x")


def test_likely_aliases() -> None:
    from pmkit.normalize.owners import People, likely_aliases, people_toml

    names = [
        "Mei Ling",
        "@mling",
        "mei.ling@example.com",
        "Priya Nair",
        "@pnair",
        "Liam O'Brien",
        "@lobrien",
        "Omar Haddad",
        "Yara Haddad",
        "@yhaddad",
        "@haddad",  # fits both Haddads: a guess, left out
        "M. Ling",  # same surname and initial as Mei Ling
        "alice",  # one plain word: too short to match on
        "Platform team",
    ]
    groups = likely_aliases(names)
    assert [(g.person, g.aliases) for g in groups] == [
        ("Liam O'Brien", ("@lobrien",)),
        ("Mei Ling", ("@mling", "M. Ling", "mei.ling@example.com")),
        ("Priya Nair", ("@pnair",)),
        ("Yara Haddad", ("@yhaddad",)),
    ]
    assert people_toml(groups[:1]) == '[people]\n"Liam O\'Brien" = ["@lobrien"]\n'
    # names [people] already places are not proposed again
    known = People(aliases=(("mling", "Mei Ling"), ("mei ling", "Mei Ling")))
    assert "Mei Ling" not in [g.person for g in likely_aliases(names, known)]
    # a name with a quote is valid TOML
    import tomllib

    from pmkit.normalize.owners import AliasGroup

    text = people_toml([AliasGroup('A "B" C', ("@abc\\x",))])
    assert tomllib.loads(text)["people"] == {'A "B" C': ["@abc\\x"]}
