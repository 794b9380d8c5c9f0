"""Owners as written, minus markdown; template names and non-owners read as missing."""

from __future__ import annotations

import pytest

from pmkit.normalize.owners import normalize_owner, split_people


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("@alice", "@alice"),
        ("**@alice**", "@alice"),
        ("Jane Doe (SRE)", "Jane Doe (SRE)"),
        ("Platform team", "Platform team"),
        ("_Bob_", "Bob"),
        ("[Jane](https://example.com/jane)", "Jane"),
        ("  Team   Storage ", "Team Storage"),
        ("snake_case_handle", "snake_case_handle"),
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
        ("@a, @a, @b", ["@a", "@b"]),
        ("**Alice**, TBD", ["Alice"]),
        ("[Name]", []),
        ("Names", []),
        ("", []),
        (None, []),
    ],
)
def test_split_people(text: str | None, people: list[str]) -> None:
    assert split_people(text) == people
