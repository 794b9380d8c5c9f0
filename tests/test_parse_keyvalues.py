"""``Key: value`` lines as templates write them."""

from __future__ import annotations

import pytest

from pmkit.parse.keyvalues import split_key_value


@pytest.mark.parametrize(
    ("line", "pair"),
    [
        ("**Severity:** SEV2", ("Severity", "SEV2")),
        ("**Severity**: SEV2", ("Severity", "SEV2")),
        ("*Date Prepared:* 2026-03-04", ("Date Prepared", "2026-03-04")),
        # a parenthesised qualifier belongs to the key when the colon follows it...
        ("**Start Time** (UTC): 10:00", ("Start Time", "10:00")),
        ("**Contributing Factors** (technical, process):", ("Contributing Factors", "")),
        # ...and is the value when the key already ended with its colon
        (
            "**Primary Cause:** (see the 5 Whys) a stale cache",
            ("Primary Cause", "(see the 5 Whys) a stale cache"),
        ),
        ("**Primary Cause:** (0 )", ("Primary Cause", "(0 )")),
        ("Created By: Kim Lee", ("Created By", "Kim Lee")),
        ("Just a sentence: with a colon", None),
    ],
)
def test_split_key_value(line: str, pair: tuple[str, str] | None) -> None:
    assert split_key_value(line) == pair
