"""The recurrence rule and the report queries on it: repeats, repeat rate per period, families.

An incident is a **repeat** when its most similar earlier incident within ``window_days`` (the
``window_best`` row of ``incident_similarity``) scores at least ``threshold``. For each repeat the
earlier incident's action items say which of two failures of follow-up it was: all done, so
**the fix did not hold**; some still open, so **the fix never landed**. Statuses are as the files
say at ingest (pmkit records no completion dates): an action marked done may have been finished
after the repeat. A **family** is a chain of repeats (the connected incidents).

Each function takes ``(con, Filters, RecurrenceRule)`` like ``pmkit.metrics`` and returns a
DataFrame; the incidents counted are the window's (``scope``), the earlier ones may be anywhere
before them, filtered or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from pmkit.config import Config, RecurrenceSettings
from pmkit.metrics.scope import Filters, periods, scope_query

DID_NOT_HOLD = "fix did not hold"
NEVER_LANDED = "fix never landed"
CANNOT_TELL = "cannot tell"
NO_ACTIONS = "no actions written"
Key = tuple[str, str, str]
"""(root, path, incident_id): an incident, as every table keys it."""


@dataclass(frozen=True)
class RecurrenceRule:
    """``[recurrence]`` threshold and window (see ``pmkit.config.RecurrenceSettings``)."""

    threshold: float = RecurrenceSettings.threshold
    window_days: int = RecurrenceSettings.window_days

    @classmethod
    def from_config(cls, config: Config) -> RecurrenceRule:
        return cls(config.recurrence.threshold, config.recurrence.window_days)


def follow_up(n_actions: int, n_done: int, n_open: int, n_unknown: int) -> str:
    """What the earlier incident's actions say: ``fix did not hold`` (all done), ``fix never
    landed`` (some open or in progress), ``cannot tell`` (some without a status, the rest done)
    or ``no actions written``."""
    if n_actions == 0:
        return NO_ACTIONS
    if n_open > 0:
        return NEVER_LANDED
    if n_unknown > 0:
        return CANNOT_TELL
    return DID_NOT_HOLD


def status(con: duckdb.DuckDBPyConnection, rule: RecurrenceRule) -> tuple[bool, str]:
    """Whether the similarity tables can answer ``rule``, and a sentence saying what they rest
    on or why they cannot (never computed, skipped for size, another window)."""
    row = con.execute(
        "SELECT status, message, n_incidents, n_undated, window_days, computed_at, k "
        "FROM similarity_state LIMIT 1"
    ).fetchone()
    if row is None:
        return (
            False,
            "Similar incidents were never computed for this database (run `pmkit ingest`).",
        )
    state, message, n, undated, window, computed, k = row
    if state != "ok":
        return False, f"Similar incidents were not computed: {message}."
    if window != rule.window_days:
        return False, (
            f"Similar incidents were computed with a {window}-day window, the settings ask for "
            f"{rule.window_days}: run `pmkit ingest` with these settings to recompute them."
        )
    left_out = f"; {undated} undated incident(s) left out" if undated else ""
    return True, (
        f"Similarity of {n:,} incidents (each against every earlier one{left_out}), "
        f"computed {computed:%Y-%m-%d %H:%M} UTC; repeat: score >= {rule.threshold:g} within "
        f"{rule.window_days} days."
    )


_ACTIONS_CTE = """
, acts AS (
    SELECT root, path, incident_id, count(*) AS n_actions,
           count(*) FILTER (WHERE status = 'done') AS n_done,
           count(*) FILTER (WHERE status IN ('open', 'in_progress')) AS n_open,
           count(*) FILTER (WHERE status NOT IN ('done', 'open', 'in_progress')) AS n_unknown
    FROM action_items GROUP BY root, path, incident_id
), sims AS (
    SELECT DISTINCT root, path, incident_id FROM similarity_vectors
)
"""


def repeats(con: duckdb.DuckDBPyConnection, f: Filters, rule: RecurrenceRule) -> pd.DataFrame:
    """Every incident of the window with whether it is a repeat: its best earlier incident within
    the window (``earlier_*``; its file is ``earlier_root``/``earlier_path``), the score, days
    apart, and the earlier incident's actions
    (``n_actions``, ``n_done``, ``n_open``, ``n_unknown``, ``actions_done`` as "2 of 3",
    ``follow_up``), ``score_text`` (two decimals). ``compared`` is false
    for an incident the similarity left out (no date, or not computed)."""
    body = """
    SELECT s.path, s.incident_id, s.title, s.day, s.severity_level, s.root,
           sims.path IS NOT NULL AS compared,
           COALESCE(b.score >= $threshold AND b.days_apart <= $window, FALSE) AS is_repeat,
           b.score, printf('%.2f', b.score) AS score_text, round(b.days_apart) AS days_apart,
           b.similar_root AS earlier_root, b.similar_path AS earlier_path,
           b.similar_incident_id AS earlier_incident_id, e.title AS earlier_title,
           COALESCE(CAST(e.started_at AS DATE), e.incident_date) AS earlier_day,
           e.severity_level AS earlier_severity_level,
           COALESCE(a.n_actions, 0) AS n_actions, COALESCE(a.n_done, 0) AS n_done,
           COALESCE(a.n_open, 0) AS n_open, COALESCE(a.n_unknown, 0) AS n_unknown,
           printf('%d of %d', COALESCE(a.n_done, 0), COALESCE(a.n_actions, 0)) AS actions_done
    FROM scope AS s
    LEFT JOIN sims
        ON sims.root = s.root AND sims.path = s.path AND sims.incident_id = s.incident_id
    LEFT JOIN incident_similarity AS b
        ON b.root = s.root AND b.path = s.path AND b.incident_id = s.incident_id
       AND b.window_best
    LEFT JOIN incidents AS e
        ON e.root = b.similar_root AND e.path = b.similar_path
       AND e.incident_id = b.similar_incident_id
    LEFT JOIN acts AS a
        ON a.root = b.similar_root AND a.path = b.similar_path
       AND a.incident_id = b.similar_incident_id
    ORDER BY s.day DESC, s.root, s.path, s.incident_id
    """
    df = scope_query(
        con,
        f,
        body,
        {"threshold": rule.threshold, "window": rule.window_days},
        (_ACTIONS_CTE,),
    )
    df["follow_up"] = [
        follow_up(int(n), int(d), int(o), int(u)) if rep else None
        for rep, n, d, o, u in zip(
            df["is_repeat"],
            df["n_actions"],
            df["n_done"],
            df["n_open"],
            df["n_unknown"],
            strict=True,
        )
    ]
    return df


def first_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The first day any compared incident happened: before it, nothing is known."""
    row = con.execute(
        "SELECT min(COALESCE(CAST(i.started_at AS DATE), i.incident_date)) FROM incidents AS i "
        "JOIN similarity_vectors AS v "
        "ON v.root = i.root AND v.path = i.path AND v.incident_id = i.incident_id"
    ).fetchone()
    return row[0] if row else None


def repeat_rate(
    con: duckdb.DuckDBPyConnection, f: Filters, rule: RecurrenceRule, period: str = "month"
) -> pd.DataFrame:
    """Per period of the window (every one): incidents compared (``n``), repeats, the repeat
    rate, and ``history_short``: the period starts less than ``window_days`` after the first
    record, so some of its incidents may repeat one from before the records began."""
    reps = repeats(con, f, rule)
    reps = reps[reps["compared"]]
    grid = periods(con, f, period)
    first = first_day(con)
    rows: list[dict[str, Any]] = []
    days = pd.to_datetime(reps["day"])
    for start, end, label, partial in zip(
        pd.to_datetime(grid["period_start"]),
        pd.to_datetime(grid["period_end"]),
        grid["label"],
        grid["partial"],
        strict=True,
    ):
        inside = reps[(days >= start) & (days <= end)]
        n = len(inside)
        k = int(inside["is_repeat"].sum())
        rows.append(
            {
                "period_start": start,
                "period_label": label,
                "partial": bool(partial),
                "n": n,
                "n_repeats": k,
                "repeat_rate": k / n if n else float("nan"),
                "history_short": first is not None
                and start.date() < first + timedelta(days=rule.window_days),
            }
        )
    return pd.DataFrame(rows)


def _key_text(key: Key) -> tuple[str, ...]:
    return tuple(str(part) for part in key)


def families(con: duckdb.DuckDBPyConnection, f: Filters, rule: RecurrenceRule) -> pd.DataFrame:
    """Families with a repeat in the window: one row per member (incidents linked by repeats up
    to as-of, whatever the window), ``family`` numbered from the latest repeat back (a tie by
    the first member's path), members in
    time order, each with its actions and the family's ``follow_up`` (of the actions of every
    member but the last: what the failure came back despite)."""
    body = """
    , links AS (
        SELECT b.root, b.path, b.incident_id, b.similar_root, b.similar_path,
               b.similar_incident_id
        FROM incident_similarity AS b
        JOIN base AS x
            ON x.root = b.root AND x.path = b.path AND x.incident_id = b.incident_id
        WHERE b.window_best AND b.score >= $threshold AND b.days_apart <= $window
    )
    SELECT l.root, l.path, l.incident_id, l.similar_root, l.similar_path,
           l.similar_incident_id, (s.path IS NOT NULL) AS in_window
    FROM links AS l
    LEFT JOIN scope AS s
        ON s.root = l.root AND s.path = l.path AND s.incident_id = l.incident_id
    """
    links = scope_query(con, f, body, {"threshold": rule.threshold, "window": rule.window_days})
    parent: dict[Key, Key] = {}

    def find(x: Key) -> Key:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r, p, i, sr, sp, si, _ in links.itertuples(index=False):
        parent[find((r, p, i))] = find((sr, sp, si))
    in_window = {(r, p, i) for r, p, i, *_, w in links.itertuples(index=False) if w}
    groups: dict[Key, list[Key]] = {}
    for key in list(parent):
        groups.setdefault(find(key), []).append(key)
    # members and families in key order, so that families whose latest repeat falls on the
    # same day are numbered the same way every run (the links come in no set order)
    keep = sorted(
        (sorted(g, key=_key_text) for g in groups.values() if any(k in in_window for k in g)),
        key=lambda g: _key_text(g[0]),
    )
    columns = [
        "family",
        "path",
        "incident_id",
        "title",
        "day",
        "severity_level",
        "root",
        "n_actions",
        "n_done",
        "n_open",
        "n_unknown",
        "actions_done",
        "is_repeat",
        "follow_up",
        "family_size",
    ]
    if not keep:
        return pd.DataFrame(columns=columns)
    members = pd.DataFrame(
        [(n, r, p, i) for n, g in enumerate(keep) for r, p, i in g],
        columns=["group", "root", "path", "incident_id"],
    )
    con.register("_pmkit_family_members", members)
    try:
        detail = con.execute(
            """
            SELECT m."group", m.root, m.path, m.incident_id, i.title,
                   COALESCE(CAST(i.started_at AS DATE), i.incident_date) AS day,
                   i.severity_level,
                   count(a.path) AS n_actions,
                   count(a.path) FILTER (WHERE a.status = 'done') AS n_done,
                   count(a.path) FILTER (WHERE a.status IN ('open', 'in_progress')) AS n_open,
                   count(a.path) FILTER (WHERE a.status NOT IN ('done', 'open', 'in_progress'))
                       AS n_unknown,
                   printf('%d of %d', count(a.path) FILTER (WHERE a.status = 'done'),
                          count(a.path)) AS actions_done
            FROM _pmkit_family_members AS m
            JOIN incidents AS i
                ON i.root = m.root AND i.path = m.path AND i.incident_id = m.incident_id
            LEFT JOIN action_items AS a
                ON a.root = m.root AND a.path = m.path AND a.incident_id = m.incident_id
            GROUP BY ALL
            """
        ).df()
    finally:
        con.unregister("_pmkit_family_members")
    repeat_keys = {(r, p, i) for r, p, i, *_ in links.itertuples(index=False)}
    detail["is_repeat"] = [
        key in repeat_keys
        for key in zip(detail["root"], detail["path"], detail["incident_id"], strict=True)
    ]
    detail = detail.sort_values(["group", "day", "root", "path", "incident_id"], kind="stable")
    out = []
    order = detail.groupby("group")["day"].max().sort_values(ascending=False, kind="stable").index
    for number, group in enumerate(order, start=1):
        rows = detail[detail["group"] == group].copy()
        before = rows.iloc[:-1]
        verdict = follow_up(
            int(before["n_actions"].sum()),
            int(before["n_done"].sum()),
            int(before["n_open"].sum()),
            int(before["n_unknown"].sum()),
        )
        rows["family"] = number
        rows["follow_up"] = verdict
        rows["family_size"] = len(rows)
        out.append(rows)
    return pd.concat(out, ignore_index=True)[columns]


def summary(reps: pd.DataFrame) -> dict[str, int]:
    """Counts of a ``repeats`` frame: incidents in the window, compared, repeats, and the
    repeats by what the earlier incident's actions say."""
    compared = reps[reps["compared"]]
    found = compared[compared["is_repeat"]]
    counts = found["follow_up"].value_counts()
    return {
        "n_incidents": len(reps),
        "n_compared": len(compared),
        "n_repeats": len(found),
        "n_did_not_hold": int(counts.get(DID_NOT_HOLD, 0)),
        "n_never_landed": int(counts.get(NEVER_LANDED, 0)),
        "n_cannot_tell": int(counts.get(CANNOT_TELL, 0)) + int(counts.get(NO_ACTIONS, 0)),
    }
