"""The recurrence rule and its report queries on a database written by hand.

Six incidents (as-of 2026-11-16, window 180 days, threshold 0.7), each repeat's best earlier
incident within the window given as a row of ``incident_similarity``:

| incident | day        | best earlier within 180 days | score | its actions             |
| -------- | ---------- | ---------------------------- | ----- | ----------------------- |
| A        | 2026-01-01 | -                            |       | 2 done                  |
| B        | 2026-03-01 | A (59 days)                  | 0.80  | 1 done, 1 open          |
| C        | 2026-04-01 | B (31 days)                  | 0.75  | none                    |
| D        | 2026-05-01 | C (30 days)                  | 0.50  | none                    |
| E        | 2026-10-15 | D (167 days)                 | 0.72  | 1 in progress           |
| F        | 2026-06-10 | (never compared)             |       | 1 with no status        |

So B repeats A (A's actions all done: the fix did not hold), C repeats B (B has one open: the
fix never landed), D is no repeat (0.50 < 0.7), E repeats D (D wrote no actions). Families:
{A, B, C} and {D, E}.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from pmkit.metrics import Filters
from pmkit.similar import recurrence as r

SCHEMA = Path(__file__).parents[1] / "pmkit" / "sql" / "schema.sql"
AS_OF = date(2026, 11, 16)
RULE = r.RecurrenceRule(threshold=0.7, window_days=180)
DAYS = {
    "A": date(2026, 1, 1),
    "B": date(2026, 3, 1),
    "C": date(2026, 4, 1),
    "D": date(2026, 5, 1),
    "E": date(2026, 10, 15),
    "F": date(2026, 6, 10),
}
BEST = {"B": ("A", 0.80), "C": ("B", 0.75), "D": ("C", 0.50), "E": ("D", 0.72)}
ACTIONS = {"A": ["done", "done"], "B": ["done", "open"], "E": ["in_progress"], "F": ["unknown"]}


def _add_incident(db: duckdb.DuckDBPyConnection, name: str, day: date, title: str) -> None:
    """A document ``<name>.md`` holding one incident ``name`` of ``day``, severity level 2."""
    db.execute(
        "INSERT INTO documents (root, path, sha256, size_bytes, ingested_at, template, "
        "is_unfilled_template, is_process_doc, raw_text) VALUES "
        "('/pm', ?, '0', 1, ?, 'freeform', false, false, '')",
        [f"{name}.md", datetime(2026, 11, 16)],
    )
    db.execute(
        "INSERT INTO incidents (root, path, incident_id, title, incident_date, severity_level) "
        "VALUES ('/pm', ?, ?, ?, ?, 2)",
        [f"{name}.md", name, title, day],
    )


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect(str(tmp_path / "r.duckdb"))
    db.execute(SCHEMA.read_text(encoding="utf-8"))
    for name, day in DAYS.items():
        _add_incident(db, name, day, f"<b>{name}</b> outage")
        if name != "F":
            db.execute(
                "INSERT INTO similarity_vectors VALUES ('/pm', ?, ?, 'x', ''::BLOB)",
                [f"{name}.md", name],
            )
        for n, status in enumerate(ACTIONS.get(name, [])):
            db.execute(
                "INSERT INTO action_items (root, path, incident_id, text, status, kind) "
                "VALUES ('/pm', ?, ?, ?, ?, 'unspecified')",
                [f"{name}.md", name, f"fix {n}", status],
            )
    for name, (earlier, score) in BEST.items():
        days = (DAYS[name] - DAYS[earlier]).days
        db.execute(
            "INSERT INTO incident_similarity (root, path, incident_id, similar_root, "
            "similar_path, similar_incident_id, rank, window_best, score, days_apart) "
            "VALUES ('/pm', ?, ?, '/pm', ?, ?, 1, true, ?, ?)",
            [f"{name}.md", name, f"{earlier}.md", earlier, score, days],
        )
    db.execute(
        "INSERT INTO similarity_state (computed_at, status, n_incidents, n_undated, k, "
        "window_days) VALUES (?, 'ok', 5, 0, 5, 180)",
        [datetime(2026, 11, 16, 7)],
    )
    yield db
    db.close()


def test_repeats_and_what_the_earlier_actions_say(con: duckdb.DuckDBPyConnection) -> None:
    reps = r.repeats(con, Filters(AS_OF, 365), RULE).set_index("incident_id")
    assert reps["is_repeat"].to_dict() == {
        "A": False,
        "B": True,
        "C": True,
        "D": False,
        "E": True,
        "F": False,
    }
    assert reps.loc["B", "follow_up"] == r.DID_NOT_HOLD
    assert reps.loc["C", "follow_up"] == r.NEVER_LANDED
    assert reps.loc["E", "follow_up"] == r.NO_ACTIONS
    assert reps.loc["B", "actions_done"] == "2 of 2"
    assert reps.loc["C", "actions_done"] == "1 of 2"
    assert reps.loc["E", "earlier_incident_id"] == "D"
    assert reps.loc["E", "days_apart"] == 167
    assert not reps.loc["F", "compared"]
    assert r.summary(reps.reset_index()) == {
        "n_incidents": 6,
        "n_compared": 5,
        "n_repeats": 3,
        "n_did_not_hold": 1,
        "n_never_landed": 1,
        "n_cannot_tell": 1,
    }


def test_a_stricter_rule_finds_fewer(con: duckdb.DuckDBPyConnection) -> None:
    reps = r.repeats(con, Filters(AS_OF, 365), r.RecurrenceRule(0.76, 180))
    assert sorted(reps[reps["is_repeat"]]["incident_id"]) == ["B"]


def test_another_root_holding_the_same_paths_stays_apart(con: duckdb.DuckDBPyConnection) -> None:
    """A second corpus folder with files of the same names and ids (its own incidents, never
    compared): each incident keeps its own row, its own best earlier incident and actions."""
    for name, day in DAYS.items():
        con.execute(
            "INSERT INTO documents (root, path, sha256, size_bytes, ingested_at, template, "
            "is_unfilled_template, is_process_doc, raw_text) VALUES "
            "('/other', ?, '0', 1, ?, 'freeform', false, false, '')",
            [f"{name}.md", datetime(2026, 11, 16)],
        )
        con.execute(
            "INSERT INTO incidents (root, path, incident_id, title, incident_date, "
            "severity_level) VALUES ('/other', ?, ?, 'other team', ?, 3)",
            [f"{name}.md", name, day],
        )
        con.execute(
            "INSERT INTO action_items (root, path, incident_id, text, status, kind) "
            "VALUES ('/other', ?, ?, 'x', 'open', 'unspecified')",
            [f"{name}.md", name],
        )
    reps = r.repeats(con, Filters(AS_OF, 365), RULE)
    assert len(reps) == 12
    mine = reps[reps["root"] == "/pm"].set_index("incident_id")
    assert (
        mine.loc["B", "follow_up"] == r.DID_NOT_HOLD and mine.loc["B", "actions_done"] == "2 of 2"
    )
    assert mine.loc["B", "earlier_root"] == "/pm"
    other = reps[reps["root"] == "/other"]
    assert not other["compared"].any() and not other["is_repeat"].any()
    fam = r.families(con, Filters(AS_OF, 365), RULE)
    assert set(fam["root"]) == {"/pm"} and len(fam) == 5
    assert fam.set_index("incident_id").loc["B", "actions_done"] == "1 of 2"
    rate = r.repeat_rate(con, Filters(AS_OF, 365), RULE)
    assert int(rate["n"].sum()) == 5 and int(rate["n_repeats"].sum()) == 3


def test_follow_up_verdicts() -> None:
    assert r.follow_up(0, 0, 0, 0) == r.NO_ACTIONS
    assert r.follow_up(3, 3, 0, 0) == r.DID_NOT_HOLD
    assert r.follow_up(3, 2, 1, 0) == r.NEVER_LANDED
    assert r.follow_up(3, 2, 0, 1) == r.CANNOT_TELL
    assert r.follow_up(3, 0, 1, 2) == r.NEVER_LANDED


def test_repeat_rate_per_month_with_n_and_short_history(con: duckdb.DuckDBPyConnection) -> None:
    rate = r.repeat_rate(con, Filters(AS_OF, 365), RULE, period="month")
    rows = {row.period_label.rstrip("*"): row for row in rate.itertuples()}
    assert (rows["2026-01"].n, rows["2026-01"].n_repeats) == (1, 0)
    assert (rows["2026-03"].n, rows["2026-03"].n_repeats, rows["2026-03"].repeat_rate) == (
        1,
        1,
        1.0,
    )
    assert (rows["2026-05"].n, rows["2026-05"].n_repeats) == (1, 0)
    assert rows["2026-06"].n == 0  # F was never compared: not counted
    assert (rows["2026-10"].n, rows["2026-10"].n_repeats) == (1, 1)
    # first record 2026-01-01 + 180 days = 2026-06-30: the window's months that start before it
    # (from 2025-11, cut by the window) may miss repeats of incidents before the records began
    short = rate[rate["history_short"]]["period_label"].str.rstrip("*").tolist()
    assert short == ["2025-11", "2025-12", *(f"2026-0{m}" for m in range(1, 7))]
    assert int(rate["n"].sum()) == 5 and int(rate["n_repeats"].sum()) == 3


def test_families_link_repeats_and_say_what_their_actions_did(
    con: duckdb.DuckDBPyConnection,
) -> None:
    fam = r.families(con, Filters(AS_OF, 365), RULE)
    groups = {n: list(part["incident_id"]) for n, part in fam.groupby("family", sort=True)}
    assert groups == {1: ["D", "E"], 2: ["A", "B", "C"]}  # the latest repeat first
    verdict = fam.groupby("family")["follow_up"].first().to_dict()
    assert verdict == {1: r.NO_ACTIONS, 2: r.NEVER_LANDED}  # A done, B one open
    assert fam.set_index("incident_id").loc["B", "actions_done"] == "1 of 2"
    assert set(fam["family_size"]) == {2, 3}
    # a 45-day window holds only E's repeat: only its family is listed
    recent = r.families(con, Filters(AS_OF, 45), RULE)
    assert list(recent["incident_id"]) == ["D", "E"]


def test_families_latest_on_the_same_day_are_numbered_by_path(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """AB repeats AA and its day is E's: the two families tie on their latest repeat and are
    numbered by their first member's path (AA before D), not by the order links come in (AB's
    is written last)."""
    for name, day in (("AA", date(2026, 9, 1)), ("AB", DAYS["E"])):
        _add_incident(con, name, day, f"{name} outage")
    con.execute(
        "INSERT INTO incident_similarity (root, path, incident_id, similar_root, similar_path, "
        "similar_incident_id, rank, window_best, score, days_apart) "
        "VALUES ('/pm', 'AB.md', 'AB', '/pm', 'AA.md', 'AA', 1, true, 0.9, 44)"
    )
    fam = r.families(con, Filters(AS_OF, 365), RULE)
    groups = {n: list(part["incident_id"]) for n, part in fam.groupby("family", sort=True)}
    assert groups == {1: ["AA", "AB"], 2: ["D", "E"], 3: ["A", "B", "C"]}


def test_status_says_what_the_table_rests_on_or_why_it_cannot(
    con: duckdb.DuckDBPyConnection,
) -> None:
    ready, text = r.status(con, RULE)
    assert ready and "5 incidents" in text and "0.7" in text and "180 days" in text
    ready, text = r.status(con, r.RecurrenceRule(0.7, 90))
    assert not ready and "180-day window" in text
    con.execute("UPDATE similarity_state SET status = 'skipped', message = 'too many'")
    assert r.status(con, RULE) == (False, "Similar incidents were not computed: too many.")
    con.execute("DELETE FROM similarity_state")
    ready, text = r.status(con, RULE)
    assert not ready and "never computed" in text
