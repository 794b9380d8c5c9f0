"""Change since the previous period, and whether it is more than noise.

A report that says "12 incidents, up from 9" invites a conclusion the numbers rarely support:
at tens of incidents a period, such swings are what chance alone produces. Each comparison
here names an exact test (computed as ``scipy.stats`` does, :mod:`pmkit.metrics.exact`) and
its p-value, and calls a change "more than noise" only below :data:`ALPHA` and with at least
``min_n`` values on each side:

- incident counts: two Poisson counts over equal time, compared by the exact conditional test
  (given the total, the current count is Binomial(total, 1/2) when the rate did not change);
- severe share: Fisher's exact test on the 2x2 table (severe or not, this period or the last);
- median time to draft: the Mann-Whitney U test on the two periods' times (no normality
  assumed; exact for small samples);
- action items written in the period's postmortems: the same Poisson test as incidents. How
  many of them were overdue at the period's end is shown but not tested: only each action's
  status now is recorded, so an action of the earlier period closed since looks closed then.

The previous period is the window of the same length just before this one
(``Filters.previous``), computed exactly like the current one, as it stood at its own end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from pmkit.config import DRAFT_TARGET_HOURS
from pmkit.metrics.actions import window_actions
from pmkit.metrics.drafting import time_to_draft
from pmkit.metrics.exact import binom_two_sided, fisher_two_sided, mann_whitney_two_sided
from pmkit.metrics.incidents import severity_share
from pmkit.metrics.scope import Filters, first_day

ALPHA = 0.05
"""A change is "more than noise" when its test's two-sided p-value is below this."""
RECORDS_COVER = 0.9
"""The previous period is compared only when the postmortems (their first day) cover this
share of it: a corpus that starts inside it would make any rise look real."""

POISSON_TEST = "exact Poisson rate test (conditional binomial)"
FISHER_TEST = "Fisher's exact test"
MANN_WHITNEY = "Mann-Whitney U test"
NO_TEST = "none"
UNTESTABLE_OVERDUE = (
    "not testable: no closing dates are recorded, so an earlier action closed since counts as "
    "closed then"
)


@dataclass(frozen=True)
class Change:
    """One measure, this period against the previous one."""

    measure: str
    current: float | None
    previous: float | None
    n_current: int
    """How many things the current value rests on (incidents, drafts, actions)."""
    n_previous: int
    test: str
    p_value: float | None
    verdict: str
    """``more than noise``, ``within noise``, or why no test was run (``too few``, ``no data``)."""


def poisson_rate_test(current: int, previous: int) -> float:
    """Two-sided p-value that two counts over equal time come from one Poisson rate.

    Given the total k, the current count is Binomial(k, 1/2) under that hypothesis: 5 against 0
    gives p = 2 * (1/2)^5 = 0.0625.
    """
    total = current + previous
    if total == 0:
        return 1.0
    return binom_two_sided(current, total, 0.5)


def share_test(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher exact p-value that k1/n1 and k2/n2 are one share."""
    return fisher_two_sided([[k1, n1 - k1], [k2, n2 - k2]])


def median_test(current: list[float], previous: list[float]) -> float:
    """Two-sided Mann-Whitney U p-value that the two samples come from one distribution."""
    return mann_whitney_two_sided(current, previous)


def _verdict(
    p_value: float | None, n_current: int, n_previous: int, min_n: int, gap: str = ""
) -> str:
    if gap:
        return gap
    if n_current == 0 and n_previous == 0:
        return "no data"
    if p_value is None or n_current < min_n or n_previous < min_n:
        return f"too few to test (fewer than {min_n})"
    return "more than noise" if p_value < ALPHA else "within noise"


def period_change(
    con: duckdb.DuckDBPyConnection,
    f: Filters,
    min_n: int = 10,
    target_hours: float = DRAFT_TARGET_HOURS,
) -> list[Change]:
    """Incidents, severe share, median time to draft, action items written and how many of them
    were overdue, this window against the previous one of the same length. Empty for a window
    of all history.

    ``min_n``: a side resting on fewer values is "too few to test" whatever its p-value (for
    counts, the total of both sides), so four incidents against one is never called a change.
    """
    if f.lookback_days is None:
        return []
    prev = f.previous()
    changes: list[Change] = []
    gap = _uncovered(con, f, prev)

    now_share = severity_share(con, f).iloc[0]
    old_share = severity_share(con, prev).iloc[0]
    n_now, n_old = int(now_share["n"]), int(old_share["n"])
    p = poisson_rate_test(n_now, n_old)
    verdict = _verdict(p, n_now + n_old, n_now + n_old, min_n, gap)
    changes.append(Change("Incidents", n_now, n_old, n_now, n_old, POISSON_TEST, p, verdict))

    k_now, known_now = int(now_share["n_level_le_1"]), int(now_share["n_known"])
    k_old, known_old = int(old_share["n_level_le_1"]), int(old_share["n_known"])
    p_share = share_test(k_now, known_now, k_old, known_old) if known_now and known_old else None
    changes.append(
        Change(
            "Severe (L0-L1) share",
            k_now / known_now if known_now else None,
            k_old / known_old if known_old else None,
            known_now,
            known_old,
            FISHER_TEST,
            p_share,
            _verdict(p_share, known_now, known_old, min_n, gap),
        )
    )

    now_hours = time_to_draft(con, f, target_hours)["hours"].dropna().tolist()
    old_hours = time_to_draft(con, prev, target_hours)["hours"].dropna().tolist()
    p_hours = median_test(now_hours, old_hours) if now_hours and old_hours else None
    changes.append(
        Change(
            "Median time to draft (h)",
            float(pd.Series(now_hours).median()) if now_hours else None,
            float(pd.Series(old_hours).median()) if old_hours else None,
            len(now_hours),
            len(old_hours),
            MANN_WHITNEY,
            p_hours,
            _verdict(p_hours, len(now_hours), len(old_hours), min_n, gap),
        )
    )

    acts_now, due_now, overdue_now = window_actions(con, f)
    acts_old, due_old, overdue_old = window_actions(con, prev)
    unknown_due = acts_now + acts_old > 0 and (due_now + due_old) * 2 < acts_now + acts_old
    p_acts = poisson_rate_test(acts_now, acts_old)
    changes.append(
        Change(
            "Action items written",
            acts_now,
            acts_old,
            acts_now,
            acts_old,
            POISSON_TEST,
            p_acts,
            _verdict(p_acts, acts_now + acts_old, acts_now + acts_old, min_n, gap),
        )
    )
    changes.append(
        Change(
            "… of them overdue at the period's end",
            None if unknown_due else overdue_now,
            None if unknown_due else overdue_old,
            acts_now,
            acts_old,
            NO_TEST,
            None,
            gap
            or ("no data" if not acts_now + acts_old else "")
            or (
                f"cannot tell: due date known for {due_now + due_old:,} of "
                f"{acts_now + acts_old:,} actions"
                if unknown_due
                else UNTESTABLE_OVERDUE
            ),
        )
    )
    if gap:
        # a period not compared has no test to report: a p-value beside "not comparable" reads
        # as a finding (0.000 for 73 incidents against 0 that were never recorded)
        changes = [replace(c, p_value=None) for c in changes]
    return changes


def _uncovered(con: duckdb.DuckDBPyConnection, f: Filters, prev: Filters) -> str:
    """Why the previous period cannot be compared (empty when it can): the postmortems start
    inside it or after it, so its counts would be low for want of records, not of incidents."""
    everything = Filters(
        f.as_of, None, f.severity_levels, f.services, f.teams, f.templates, f.people
    )
    first = first_day(con, everything)
    start = prev.window_start
    if first is None or start is None:
        return ""
    days = (prev.as_of - start).days + 1
    missing = (first - start).days
    if missing > days * (1 - RECORDS_COVER):
        return f"not comparable: the postmortems start on {first.isoformat()}"
    return ""


def as_frame(changes: list[Change]) -> pd.DataFrame:
    """The changes as a table (one row per measure), for ``pmkit.present.change_table.change_table``."""
    columns = ["measure", "current", "previous", "n_current", "n_previous", "test"]
    columns += ["p_value", "verdict"]
    return pd.DataFrame([c.__dict__ for c in changes], columns=columns)
