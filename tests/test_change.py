"""Change since the previous period, on a fixture whose tests were worked out by hand.

as_of 2026-03-31, 30-day window: this period is 03-01 .. 03-31, the previous one 01-29 .. 02-28.

  this period      12 incidents (03-02 .. 03-13): 10 at L0/L1, 2 at L3; 3 drafted after 1, 2, 3 h;
                   6 action items, 2 of them open and past due at 03-31
  previous period  3 incidents (02-10, 02-15, 02-20), all L3, drafted after 4, 5, 6 h; no actions
  before both      one incident on 2026-01-05: the postmortems cover both periods

The exact p-values:
  incidents 12 vs 3: given 15, 12 or more (or 3 or fewer) of Binomial(15, 1/2):
      2 * (C(15,12) + C(15,13) + C(15,14) + C(15,15)) / 2^15 = 2 * 576 / 32768 = 0.03515625
  severe share 10/12 vs 0/3 (Fisher): with 10 severe among 15, the current 12 hold k severe with
      probability C(10,k) C(5,12-k) / C(15,12): k = 10, 9, 8, 7 -> 10, 100, 225, 120 (of 455);
      only k = 10 is as unlikely as what was seen: p = 10/455
  drafts {1, 2, 3} vs {4, 5, 6} (Mann-Whitney, exact): 2 of the C(6,3) = 20 orderings are as
      extreme: p = 0.1
  action items 6 vs 0: 2 * (1/2)^6 = 0.03125
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from imports_support import loaded_by

from pmkit import metrics
from pmkit.metrics import change

SCHEMA = Path(__file__).resolve().parents[1] / "pmkit" / "sql" / "schema.sql"
AS_OF = date(2026, 3, 31)


def _build(path: Path) -> Path:
    incidents: list[tuple[str, int, datetime, float | None]] = [
        ("E-1", 3, datetime(2026, 1, 5, 9), None)
    ]
    for i in range(12):
        draft = float(i + 1) if i < 3 else None  # 1, 2, 3 hours
        incidents.append(
            (f"C-{i}", 0 if i < 5 else 1 if i < 10 else 3, datetime(2026, 3, 2 + i, 9), draft)
        )
    for i, day in enumerate((10, 15, 20)):
        incidents.append((f"P-{i}", 3, datetime(2026, 2, day, 9), float(i + 4)))  # 4, 5, 6 hours
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        for incident_id, level, started, draft in incidents:
            resolved = started + timedelta(hours=1)
            con.execute(
                "INSERT INTO documents (path, sha256, size_bytes, ingested_at, template, "
                "is_unfilled_template) VALUES (?, 'x', 1, TIMESTAMP '2026-04-01', 'seed-000', FALSE)",
                [f"{incident_id}.md"],
            )
            con.execute(
                "INSERT INTO incidents (path, incident_id, severity_level, started_at, resolved_at, "
                "drafted_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    f"{incident_id}.md",
                    incident_id,
                    level,
                    started,
                    resolved,
                    None if draft is None else resolved + timedelta(hours=draft),
                ],
            )
        for k, (status, due) in enumerate(
            [("open", date(2026, 3, 20)), ("unknown", date(2026, 3, 1))]
            + [("done", date(2026, 3, 20))] * 2
            + [("open", date(2026, 5, 1))] * 2
        ):
            con.execute(
                "INSERT INTO action_items (path, incident_id, action_id, status, kind, due_date) "
                "VALUES ('C-0.md', 'C-0', ?, ?, 'unspecified', ?)",
                [f"A{k}", status, due],
            )
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    path = _build(tmp_path_factory.mktemp("change") / "change.duckdb")
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def _table(changes: list[change.Change]) -> list[tuple[object, ...]]:
    return [
        (
            c.measure,
            c.current,
            c.previous,
            c.n_current,
            c.n_previous,
            None if c.p_value is None else round(c.p_value, 8),
            c.verdict,
        )
        for c in changes
    ]


def test_tests_on_known_answers() -> None:
    assert change.poisson_rate_test(12, 3) == pytest.approx(2 * 576 / 32768)
    assert change.poisson_rate_test(5, 0) == pytest.approx(0.0625)
    assert change.poisson_rate_test(0, 0) == 1.0
    assert change.share_test(10, 12, 0, 3) == pytest.approx(10 / 455)
    assert change.median_test([1, 2, 3], [4, 5, 6]) == pytest.approx(0.1)


def test_period_change_with_a_small_min_n(con: duckdb.DuckDBPyConnection) -> None:
    f = metrics.Filters(as_of=AS_OF, lookback_days=30)
    assert _table(change.period_change(con, f, min_n=3)) == [
        ("Incidents", 12, 3, 12, 3, round(2 * 576 / 32768, 8), "more than noise"),
        ("Severe (L0-L1) share", 10 / 12, 0.0, 12, 3, round(10 / 455, 8), "more than noise"),
        ("Median time to draft (h)", 2.0, 5.0, 3, 3, 0.1, "within noise"),
        ("Action items written", 6, 0, 6, 0, 0.03125, "more than noise"),
        (
            "… of them overdue at the period's end",
            2,
            0,
            6,
            0,
            None,
            change.UNTESTABLE_OVERDUE,
        ),
    ]


def test_too_few_values_are_never_called_a_change(con: duckdb.DuckDBPyConnection) -> None:
    f = metrics.Filters(as_of=AS_OF, lookback_days=30)
    verdicts = [c.verdict for c in change.period_change(con, f, min_n=10)]
    assert verdicts == [
        "more than noise",  # 15 incidents in all
        "too few to test (fewer than 10)",  # 3 with a severity before
        "too few to test (fewer than 10)",
        "too few to test (fewer than 10)",  # 6 action items in all
        change.UNTESTABLE_OVERDUE,
    ]


def test_a_previous_period_before_the_records_is_not_compared(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # 60 days: the previous period is 2025-12-01 .. 2026-01-30, the postmortems start 01-05
    f = metrics.Filters(as_of=AS_OF, lookback_days=60)
    assert {c.verdict for c in change.period_change(con, f)} == {
        "not comparable: the postmortems start on 2026-01-05"
    }
    assert {c.p_value for c in change.period_change(con, f)} == {None}  # no test, no p-value
    assert change.period_change(con, metrics.Filters(as_of=AS_OF, lookback_days=None)) == []
    frame = change.as_frame(change.period_change(con, f))
    assert list(frame.columns)[:3] == ["measure", "current", "previous"] and len(frame) == 5


def test_overdue_with_no_due_dates_cannot_be_told(tmp_path: Path) -> None:
    path = _build(tmp_path / "no_due.duckdb")
    with duckdb.connect(str(path)) as rw:
        rw.execute("UPDATE action_items SET due_date = NULL WHERE action_id <> 'A0'")
    with duckdb.connect(str(path), read_only=True) as con:
        f = metrics.Filters(as_of=AS_OF, lookback_days=30)
        last = change.period_change(con, f, min_n=3)[-1]
    assert (last.current, last.previous) == (None, None)  # 1 of 6 with a due date: no count
    assert last.verdict == "cannot tell: due date known for 1 of 6 actions"


def test_the_tests_are_scipy_stats_to_the_bit() -> None:
    """``pmkit.metrics.exact`` computes what ``scipy.stats`` computes, from ``scipy.special``."""
    import random

    import numpy as np
    from scipy import stats

    from pmkit.metrics import exact

    for n in [*range(1, 41), 999, 1000, 5001]:
        for k in sorted({*range(min(n, 40) + 1), n // 2, n // 2 + 1, n - 1, n}):
            assert exact.binom_two_sided(k, n) == stats.binomtest(k, n, 0.5).pvalue, (k, n)
    rng = random.Random(19)
    tables = [
        [[a, b], [c, d]] for a in range(4) for b in range(4) for c in range(4) for d in range(4)
    ]
    for _ in range(200):
        n1, n2 = rng.randint(0, 2000), rng.randint(0, 40)
        k1, k2 = rng.randint(0, n1), rng.randint(0, n2)
        tables.append([[k1, n1 - k1], [k2, n2 - k2]])
    for table in tables:
        assert exact.fisher_two_sided(table) == stats.fisher_exact(np.array(table)).pvalue, table
    for _ in range(300):
        n1, n2 = rng.choice([1, 3, 8, 9, 50, 300]), rng.choice([2, 7, 8, 9, 40, 400])
        if rng.random() < 0.5:  # no ties: exact below 9 values a side
            x = [rng.random() * 100 for _ in range(n1)]
            y = [rng.random() * 120 for _ in range(n2)]
        else:
            x = [float(rng.randint(0, 20)) for _ in range(n1)]
            y = [float(rng.randint(0, 25)) for _ in range(n2)]
        expected = stats.mannwhitneyu(x, y, alternative="two-sided").pvalue
        assert exact.mann_whitney_two_sided(x, y) == expected, (x, y)


def test_the_tests_do_not_import_scipy_stats() -> None:
    code = (
        "from pmkit.metrics import change; change.poisson_rate_test(12, 3); "
        "change.share_test(10, 12, 0, 3); change.median_test([1, 2, 3], [4, 5, 6]); "
        "change.median_test([1.0] * 20, [2.0] * 20)"
    )
    assert loaded_by(code, ["scipy.stats", "scipy.special"]) == {"scipy.special"}
