"""Postmortems owed: the register incidents that need a postmortem and have none at as-of.

A corpus of postmortems cannot show the postmortem never started: this module reads the
incident register (``register_incidents``, ``register_matches``; see ``pmkit.register``) and
applies the ``[policy]`` (seeds/003 by default) to every incident resolved by as-of:

- **owed**: required, resolved by the end of the as-of day, and no postmortem drafted by then:
  none matched (``no postmortem``) or the matched one was drafted after as-of. Due
  ``draft_hours`` after resolution; ``hours_overdue`` counts from then to the end of the as-of
  day (as ``metrics.unwritten`` does), ``days_overdue`` is its whole days. An incident whose
  match is *ambiguous* is never counted as owed nor as written: it is listed apart.
- **time to draft** for register incidents: the register's resolution time to the matched
  postmortem's draft (a draft dated without a time, on the day of the resolution, counts as 0 h).

Like the action backlog, the owed list is the state at as-of whatever the window; the time to
draft reads the window. ``Filters`` narrow by the register's severity level, services and team
(the template filter concerns postmortem files and does not apply). Knows nothing of HTML (issue
17).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pmkit.config import DRAFT_TARGET_HOURS, Config
from pmkit.metrics.scope import Filters
from pmkit.register.model import RegisterIncident
from pmkit.register.policy import Policy, decide
from pmkit.register.store import stored_incidents

__all__ = [
    "REQUIRED_LABELS",
    "ambiguous",
    "has_register",
    "owed",
    "owed_report",
    "policy_for",
    "register_coverage",
    "register_status",
    "register_time_to_draft",
]

REQUIRED_LABELS = {True: "required", False: "not required", None: "cannot tell"}


def has_register(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds at least one register incident."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "register_incidents" not in tables:
        return False
    ((n,),) = con.execute("SELECT count(*) FROM register_incidents").fetchall()
    return int(n) > 0


def _as_of_end(f: Filters) -> datetime:
    return datetime(f.as_of.year, f.as_of.month, f.as_of.day) + timedelta(days=1)


def _selected(inc: RegisterIncident, f: Filters) -> bool:
    if f.severity_levels and inc.severity_level not in f.severity_levels:
        return False
    if f.services and not set(inc.services) & set(f.services):
        return False
    return not (f.teams and inc.team not in f.teams)


_MATCHES_SQL = """
SELECT m.source, m."key", m.status, m.method, m.reason, m.path, m.incident_id,
       i.drafted_at, i.title AS postmortem_title, m.root
FROM register_matches AS m
LEFT JOIN incidents AS i
       ON i.root = m.root AND i.path = m.path AND i.incident_id = m.incident_id
ORDER BY m.source, m."key", m.path, m.root
"""

_COLUMNS = [
    "source",
    "file",
    "line",
    "format",
    "key",
    "title",
    "url",
    "severity_label",
    "severity_level",
    "started_at",
    "resolved_at",
    "duration_minutes",
    "services",
    "team",
    "owner",
    "required",
    "policy",
    "policy_reason",
    "match",
    "method",
    "match_reason",
    "path",
    "incident_id",
    "root",
    "drafted_at",
    "n_candidates",
]


def register_status(
    con: duckdb.DuckDBPyConnection, f: Filters, policy: Policy | None = None
) -> pd.DataFrame:
    """One row per register incident started (else resolved) by the end of as-of and selected
    by the filters: the policy's answer (``required`` True / False / None, ``policy`` in words,
    ``policy_reason``) and the match (``match`` matched / ambiguous / none, ``match_reason``,
    the postmortem's ``path``, ``incident_id`` and ``drafted_at`` when matched)."""
    policy = policy or Policy()
    if not has_register(con):
        return pd.DataFrame(columns=_COLUMNS)
    end = _as_of_end(f)
    matches = con.execute(_MATCHES_SQL).df()
    by_key = {k: part for k, part in matches.groupby(["source", "key"], sort=False)}
    rows = []
    for inc in stored_incidents(con):
        when = inc.started_at or inc.resolved_at
        if when is not None and when >= end:
            continue
        if not _selected(inc, f):
            continue
        decision = decide(inc, policy)
        part = by_key.get((inc.source, inc.key))
        status = str(part["status"].iloc[0]) if part is not None else "none"
        first = part.iloc[0] if part is not None else None
        chosen = first if status == "matched" else None
        rows.append(
            {
                "source": inc.source,
                "file": Path(inc.source).name,
                "line": inc.line,
                "format": inc.format,
                "key": inc.key,
                "title": inc.title,
                "url": inc.url,
                "severity_label": inc.severity_label,
                "severity_level": inc.severity_level,
                "started_at": inc.started_at,
                "resolved_at": inc.resolved_at,
                "duration_minutes": inc.duration_minutes,
                "services": ", ".join(inc.services),
                "team": inc.team,
                "owner": f.people.person(inc.owner) if inc.owner else None,
                "required": decision.required,
                "policy": REQUIRED_LABELS[decision.required],
                "policy_reason": decision.reason,
                "match": status,
                "method": None if first is None or pd.isna(first["method"]) else first["method"],
                "match_reason": "; ".join(str(r) for r in part["reason"])
                if part is not None
                else "not matched (register ingested before the postmortems?)",
                "path": None if chosen is None else chosen["path"],
                "incident_id": None if chosen is None else chosen["incident_id"],
                "root": None if chosen is None else chosen["root"],
                "drafted_at": None
                if chosen is None or pd.isna(chosen["drafted_at"])
                else chosen["drafted_at"],
                "n_candidates": 0 if part is None or status == "none" else len(part),
            }
        )
    out = pd.DataFrame(rows, columns=_COLUMNS)
    for col in ("started_at", "resolved_at", "drafted_at"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[us]")
    out["severity_level"] = out["severity_level"].astype("Int64")
    return out


def owed(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    policy: Policy | None = None,
    target_hours: float = DRAFT_TARGET_HOURS,
) -> pd.DataFrame:
    """The postmortems owed at as-of, most overdue first (see the module docstring):
    ``due_at``, ``hours_overdue`` (negative: still within target), ``days_overdue`` (whole days,
    0 when not yet due), ``past_target`` and ``why`` (no postmortem / drafted after as-of)."""
    status = register_status(con, f, policy)
    end = pd.Timestamp(_as_of_end(f))
    resolved = status["resolved_at"].notna() & (status["resolved_at"] < end)
    required = status["required"].map(lambda v: v is True).astype(bool)
    none = status["match"] == "none"
    late_draft = (status["match"] == "matched") & (status["drafted_at"] >= end)
    out = status[resolved & required & (none | late_draft)].copy()
    out["why"] = np.where(out["match"] == "none", "no postmortem", "drafted after as-of")
    out["due_at"] = out["resolved_at"] + pd.Timedelta(hours=float(target_hours))
    since = (end - out["resolved_at"]).dt.total_seconds() / 3600.0
    out["hours_since_resolved"] = since
    out["hours_overdue"] = since - float(target_hours)
    out["past_target"] = out["hours_overdue"] > 0
    out["days_overdue"] = [max(0, math.floor(h / 24)) for h in out["hours_overdue"]]
    return out.sort_values(["hours_overdue", "key"], ascending=[False, True]).reset_index(drop=True)


def ambiguous(
    con: duckdb.DuckDBPyConnection, f: Filters, policy: Policy | None = None
) -> pd.DataFrame:
    """Register incidents that fit several postmortems (or an id written far from its dates),
    one row per candidate: a person must say which, pmkit will not guess."""
    status = register_status(con, f, policy)
    keys = status[status["match"] == "ambiguous"][["source", "key", "file", "title", "policy"]]
    if keys.empty:
        return pd.DataFrame(
            columns=["source", "key", "file", "title", "policy", "path", "incident_id", "reason"]
        )
    matches = con.execute(_MATCHES_SQL).df()
    matches = matches[matches["status"] == "ambiguous"][
        ["source", "key", "path", "incident_id", "reason", "root"]
    ]
    return keys.merge(matches, on=["source", "key"]).reset_index(drop=True)


def register_time_to_draft(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    target_hours: float = DRAFT_TARGET_HOURS,
    policy: Policy | None = None,
) -> pd.DataFrame:
    """Per register incident of the window matched to one postmortem drafted by as-of: hours
    from the register's resolution to the draft, ``within_target``."""
    status = register_status(con, f, policy)
    end = pd.Timestamp(_as_of_end(f))
    day = status["started_at"].fillna(status["resolved_at"])
    in_window = day >= pd.Timestamp(f.window_start) if f.window_start is not None else day.notna()
    ok = (
        (status["match"] == "matched")
        & status["resolved_at"].notna()
        & status["drafted_at"].notna()
        & (status["drafted_at"] < end)
        & in_window
    )
    out = status[ok].copy()
    date_only = out["drafted_at"] == out["drafted_at"].dt.normalize()
    same_day = out["drafted_at"].dt.normalize() == out["resolved_at"].dt.normalize()
    hours = (out["drafted_at"] - out["resolved_at"]).dt.total_seconds() / 3600.0
    out["hours"] = hours.where(~(date_only & same_day), 0.0)
    out["within_target"] = out["hours"] <= float(target_hours)
    return out.reset_index(drop=True)


def register_coverage(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    policy: Policy | None = None,
    target_hours: float = DRAFT_TARGET_HOURS,
) -> pd.Series:
    """Counts the register section rests on: incidents up to as-of (``n``), resolved by then,
    by the policy's answer, by match, owed and past target."""
    status = register_status(con, f, policy)
    end = pd.Timestamp(_as_of_end(f))
    owing = owed(con, f, policy, target_hours)
    resolved = status["resolved_at"].notna() & (status["resolved_at"] < end)
    return pd.Series(
        {
            "n": len(status),
            "n_resolved": int(resolved.sum()),
            "n_required": int((status["policy"] == "required").sum()),
            "n_not_required": int((status["policy"] == "not required").sum()),
            "n_cannot_tell": int((status["policy"] == "cannot tell").sum()),
            "n_matched": int((status["match"] == "matched").sum()),
            "n_ambiguous": int((status["match"] == "ambiguous").sum()),
            "n_unmatched": int((status["match"] == "none").sum()),
            "n_owed": len(owing),
            "n_past_target": int(owing["past_target"].sum()) if len(owing) else 0,
            "n_sources": int(status["source"].nunique()),
        }
    )


def policy_for(config: Config) -> Policy:
    """The ``[policy]`` of ``config`` (labels read into levels)."""
    return Policy.from_config(config)


def owed_report(
    db_path: Path | str, as_of: str | None = None, config: Config | None = None
) -> tuple[str, int]:
    """``pmkit owed``: the owed list as text lines and how many are past target. Raises
    ValueError (bad date, no register ingested) and OSError (no database)."""
    from datetime import UTC, date

    from pmkit.normalize.owners import People

    config = config or Config()
    day = date.fromisoformat(as_of) if as_of else datetime.now(UTC).date()
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no database yet (run `pmkit ingest` first)")
    con = duckdb.connect(str(path), read_only=True)
    try:
        if not has_register(con):
            raise ValueError(
                f"{path}: no incident register ingested: give `pmkit ingest --register FILE` "
                "or [register] in pmkit.toml"
            )
        f = Filters(day, None, people=People.from_config(config))
        policy = policy_for(config)
        rows = owed(con, f, policy, config.draft_target_hours)
        cov = register_coverage(con, f, policy, config.draft_target_hours)
    finally:
        con.close()
    late = int(rows["past_target"].sum()) if len(rows) else 0
    lines = [
        f"postmortems owed at {day}: {len(rows)} ({late} past the {config.draft_target_hours:g} h "
        f"target) of {cov['n']} register incidents; {cov['n_cannot_tell']} the policy cannot "
        f"judge, {cov['n_ambiguous']} with an ambiguous match"
    ]
    for r in rows.itertuples():
        overdue = (
            f"{r.days_overdue} day{'s' if r.days_overdue != 1 else ''} overdue"
            if r.past_target
            else f"due {r.due_at:%Y-%m-%d %H:%M} UTC"
        )
        who = next(
            (str(v) for v in (r.owner, r.team) if isinstance(v, str) and v),
            "no owner or team in the register",
        )
        where, label, title = f"{r.file}:{r.line}", str(r.severity_label or "?"), str(r.title or "")
        lines.append(
            f"{where}: {r.key} [{label}] {title} - resolved "
            f"{r.resolved_at:%Y-%m-%d %H:%M} UTC, {overdue}; {who}; {r.why}"
        )
    return "\n".join(lines), late
