"""Action and incident statuses: the words teams write -> open / in_progress / done / unknown."""

from __future__ import annotations

import pytest

from pmkit.normalize.status import (
    find_inline_status,
    normalize_action_status,
    normalize_incident_status,
)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        *[
            (word, "done")
            for word in (
                "Complete",
                "Completed",
                "Closed",
                "Done",
                "DONE",
                "Fixed",
                "Resolved",
                "Merged",
                "Shipped",
                "[x]",
                "[X]",
                "\u2705",
                "**Done**",
                "Done (PR #12)",
                "Done - merged",
                "Completed on 2026-03-04",
                "\u2705 Done",
            )
        ],
        *[
            (word, "in_progress")
            for word in ("In Progress", "in-progress", "WIP", "Ongoing", "In review", "Started")
        ],
        *[
            (word, "open")
            for word in (
                "Open",
                "Not Started",
                "Todo",
                "TODO",
                "To do",
                "Pending",
                "Planned",
                "Backlog",
                "[ ]",
                "[]",
            )
        ],
        *[
            (word, "unknown")
            for word in (
                "Open/Done",
                "Open/Closed",
                "Open / In Progress / Done",
                "",
                "   ",
                "[Status]",
                "TBD",
                "purple",
            )
        ],
        (None, "unknown"),
    ],
)
def test_normalize_action_status(text: str | None, status: str) -> None:
    assert normalize_action_status(text) == status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fix the thing. Done", ("done", "Done")),
        ("Add retry (pending)", ("open", "(pending)")),
        ("[DONE] Fix it", ("done", "[DONE]")),
        ("Add alert \u2705", ("done", "\u2705")),
        ("Add alert - in progress", ("in_progress", "in progress")),
        ("Add alerts (completed in #123)", ("done", "(completed in #123)")),
        ("[x] Add alert", ("done", "[x]")),
        ("[ ] Add alert", ("open", "[ ]")),
        ("Done: add alert", ("done", "Done:")),
        ("Add alerting", None),
        ("Open the pod security policy", None),
        ("Review the open items", None),
        ("Closed loop control for autoscaler", None),
        ("Make sure the rollout is done safely", None),
        ("", None),
    ],
)
def test_find_inline_status(text: str, expected: tuple[str, str] | None) -> None:
    assert find_inline_status(text) == expected


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Draft", "draft"),
        ("Reviewed", "reviewed"),
        ("Closed", "closed"),
        ("Final", "final"),
        ("**Resolved**", "resolved"),
        ("Monitoring", "monitoring"),
        ("Resolved (2026-03-04)", "resolved"),
        ("In review", "in_review"),
        ("Follow-up", "follow_up"),
        ("Draft / Reviewed / Closed", None),
        ("_Resolved | Monitoring | Follow-up_.", None),
        ("[Draft/Final]", None),
        ("Template", None),
        ("", None),
        (None, None),
        ("purple", None),
    ],
)
def test_normalize_incident_status(text: str | None, status: str | None) -> None:
    assert normalize_incident_status(text) == status
