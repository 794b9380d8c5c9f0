"""Postmortems owed, end to end: `pmkit ingest` with the fixture registers (tests/fixtures/
register/, one export per format) into a real DuckDB file, then `pmkit.metrics.owed` and `pmkit owed`.

The fixture, judged at 2026-04-03 (end of day: 2026-04-04 00:00 UTC), draft target 48 h:

| register | key | severity | resolved (UTC) | policy | match | owed |
| --- | --- | --- | --- | --- | --- | --- |
| jira | OPS-77 | High (1), 90 min | 03-26 09:30 | required (> 15 min) | none | 206.5 h since: 158.5 h late, 6 days |
| generic | SR-5 | SEV1, 60 min | 03-27 10:00 | required | none | 182 h: 134 h late, 5 days |
| pagerduty | 1260 | P0 | 03-29 04:30 | required | none | 139.5 h: 91.5 h late, 3 days |
| incident.io | INC-15 | Critical (0) | 03-31 08:00 | required | none | 88 h: 40 h late, 1 day |
| opsgenie | 17 | P2 flagged systemic | 04-02 11:00 | required | none | 37 h: due in 11 h |
| pagerduty | 1240 | P0 | 03-20 11:30 | required | ambiguous (two auth postmortems) | listed apart |
| pagerduty | 1234 | P1, 99 min | 03-04 15:41 | required | id (its URL in the text) | drafted 17.32 h later |
| incident.io | INC-12 | Minor (2) | 03-10 09:25 | cannot tell (no tags) | id (PM-4 names it 10 days later: far) | 72.58 h |
| jira | OPS-79 | Medium (2) | 03-04 15:30 | not required | overlap | 17.5 h |
| opsgenie | 18 | P2, no flag | | not required | none | |
| opsgenie | 19 | P1, exactly 15 min, no impact column | | cannot tell | none | |
| incident.io | INC-16 | Major, 10 min, no impact | | not required | none | |
| pagerduty | 1251 | P2, no tags column | | cannot tell | none | |
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pmkit.cli import main
from pmkit.config import load_config
from pmkit.metrics import Filters, owed

FIXTURES = Path(__file__).parent / "fixtures" / "register"
TOML = FIXTURES / "pmkit.toml"
AS_OF = "2026-04-03"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("owed") / "pmkit.duckdb"
    assert (
        main(["ingest", str(FIXTURES / "corpus"), "--db", str(path), "--config", str(TOML), "-q"])
        == 0
    )
    return path


@pytest.fixture
def con(db: Path):
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def _f() -> Filters:
    return Filters(AS_OF, 365)


POLICY = owed.policy_for(load_config(TOML))


def test_tables_hold_every_register_incident_and_its_match(con) -> None:
    n = con.execute(
        "SELECT format, count(*) FROM register_incidents GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert n == [("generic", 1), ("incidentio", 3), ("jira", 2), ("opsgenie", 3), ("pagerduty", 4)]
    rows = con.execute(
        "SELECT \"key\", status, method, path FROM register_matches WHERE status <> 'none' ORDER BY 1, 4"
    ).fetchall()
    assert rows == [
        ("1234", "matched", "id", "2026-03-04-checkout-errors.md"),
        ("1240", "ambiguous", "overlap", "2026-03-20-auth-outage-2.md"),
        ("1240", "ambiguous", "overlap", "2026-03-20-auth-outage.md"),
        ("INC-12", "matched", "id", "2026-03-10-search-slow.md"),
        ("OPS-79", "matched", "overlap", "2026-03-04-checkout-errors.md"),
    ]
    issues = con.execute(
        "SELECT line, level, message FROM parse_issues WHERE field = 'register' ORDER BY level"
    ).fetchall()
    assert issues == [
        (2, "error", "no incident id: row skipped"),
        (None, "info", "1 row(s) of type 'Task' skipped"),
    ]


def test_owed_list_is_computed_by_hand(con) -> None:
    got = owed.owed(con, _f(), POLICY, 48)
    assert got[["key", "hours_overdue", "days_overdue", "past_target"]].values.tolist() == [
        ["OPS-77", 158.5, 6, True],
        ["SR-5", 134.0, 5, True],
        ["1260", 91.5, 3, True],
        ["INC-15", 40.0, 1, True],
        ["17", -11.0, 0, False],
    ]
    assert got["owner"].tolist()[:1] == ["Omar Haddad"]
    assert set(got["why"]) == {"no postmortem"}


def test_owed_is_the_backlog_whatever_the_window_and_filters_narrow_it(con) -> None:
    assert len(owed.owed(con, Filters(AS_OF, 1), POLICY, 48)) == 5
    only_p0 = owed.owed(con, Filters(AS_OF, 365, severity_levels=(0,)), POLICY, 48)
    assert only_p0["key"].tolist() == ["1260", "INC-15"]
    data = owed.owed(con, Filters(AS_OF, 365, teams=("Data",)), POLICY, 48)
    assert data["key"].tolist() == ["17"]
    # judged earlier, the later incidents did not exist yet
    assert owed.owed(con, Filters("2026-03-28", 365), POLICY, 48)["key"].tolist() == [
        "OPS-77",
        "SR-5",
    ]


def test_coverage_ambiguous_and_time_to_draft(con) -> None:
    cov = owed.register_coverage(con, _f(), POLICY, 48)
    assert cov.to_dict() == {
        "n": 13,
        "n_resolved": 13,
        "n_required": 7,
        "n_not_required": 3,
        "n_cannot_tell": 3,
        "n_matched": 3,
        "n_ambiguous": 1,
        "n_unmatched": 9,
        "n_owed": 5,
        "n_past_target": 4,
        "n_sources": 5,
    }
    amb = owed.ambiguous(con, _f(), POLICY)
    assert amb[["key", "path"]].values.tolist() == [
        ["1240", "2026-03-20-auth-outage-2.md"],
        ["1240", "2026-03-20-auth-outage.md"],
    ]
    ttd = owed.register_time_to_draft(con, _f(), 48, POLICY).sort_values("key")
    assert ttd["key"].tolist() == ["1234", "INC-12", "OPS-79"]
    assert ttd["hours"].round(4).tolist() == [17.3167, 72.5833, 17.5]
    assert ttd["within_target"].tolist() == [True, False, True]


def test_pmkit_owed_exits_1_when_one_is_late(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["owed", "--db", str(db), "--as-of", AS_OF, "--config", str(TOML)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("postmortems owed at 2026-04-03: 5 (4 past the 48 h")
    assert (
        "jira-issues.csv:2: OPS-77 [High] Queue backlog - resolved 2026-03-26 09:30 UTC, 6 days overdue; Omar Haddad; no postmortem"
        in out
    )
    # before any was late: exit 0
    assert main(["owed", "--db", str(db), "--as-of", "2026-03-05", "--config", str(TOML)]) == 0
    assert main(["owed", "--help"]) == 0


def test_pmkit_owed_without_a_register(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "plain.duckdb"
    assert (
        main(
            [
                "ingest",
                str(FIXTURES / "corpus"),
                "--db",
                str(db),
                "-q",
                "--config",
                str(tmp_path / "none.toml"),
            ]
        )
        == 2  # a set-up error: the named pmkit.toml does not exist
    )
    capsys.readouterr()
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    assert (
        main(
            [
                "ingest",
                str(FIXTURES / "corpus"),
                "--db",
                str(db),
                "-q",
                "--config",
                str(tmp_path / "empty.toml"),
            ]
        )
        == 0
    )
    assert main(["owed", "--db", str(db), "--as-of", AS_OF]) == 1
    assert "no incident register ingested" in capsys.readouterr().err


def test_register_rows_are_replaced_and_matches_follow_new_postmortems(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in (FIXTURES / "corpus").iterdir():
        (corpus / p.name).write_bytes(p.read_bytes())
    db = tmp_path / "x.duckdb"
    pd_csv = str(FIXTURES / "pagerduty-incidents.csv")
    (tmp_path / "e.toml").write_text("", encoding="utf-8")
    for _ in range(2):  # the same export twice: replaced, not doubled
        assert (
            main(
                [
                    "ingest",
                    str(corpus),
                    "--db",
                    str(db),
                    "-q",
                    "--register",
                    f"pagerduty:{pd_csv}",
                    "--config",
                    str(tmp_path / "e.toml"),
                ]
            )
            == 0
        )
    assert (
        main(
            [
                "ingest",
                str(corpus),
                "--db",
                str(db),
                "-q",
                "--register",
                pd_csv,
                "--config",
                str(tmp_path / "e.toml"),
            ]
        )
        == 0
    )
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM register_incidents").fetchone() == (4,)
    con.close()
    # a postmortem for 1260 appears; the next ingest (no --register) matches it
    text = (corpus / "2026-03-04-checkout-errors.md").read_text(encoding="utf-8")
    text = text.replace("PM-1", "PM-9").replace("2026-03-04 14:05", "2026-03-29 03:00")
    text = text.replace("2026-03-04 15:40", "2026-03-29 04:30").replace("PT4KHLK", "K5J4H3G")
    (corpus / "2026-03-29-checkout-latency.md").write_text(text, encoding="utf-8")
    assert (
        main(["ingest", str(corpus), "--db", str(db), "-q", "--config", str(tmp_path / "e.toml")])
        == 0
    )
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute(
        "SELECT status, method, path FROM register_matches WHERE \"key\" = '1260'"
    ).fetchall()
    con.close()
    assert row == [("matched", "id", "2026-03-29-checkout-latency.md")]


def test_owed_section_escapes_register_text(tmp_path: Path) -> None:
    """A register title, owner or URL is shown as text; a script URL is never a link."""
    from pmkit.present import owed_section
    from pmkit.present.report import open_report

    export = tmp_path / "pd.csv"
    export.write_text(
        "id,incident_number,title,priority_name,service_name,team_name,created_at,resolved_at,"
        "html_url,resolved_by_user_name\n"
        'ABC1234,66,"<script>alert(1)</script>",P0,x-svc,<b>Team</b>,2026-03-01T10:00:00Z,'
        "2026-03-01T11:00:00Z,javascript:alert(1),<img src=x>\n",
        encoding="utf-8",
    )
    (tmp_path / "e.toml").write_text("", encoding="utf-8")
    db = tmp_path / "h.duckdb"
    args = ["ingest", str(FIXTURES / "corpus"), "--db", str(db), "-q", "--register", str(export)]
    assert main([*args, "--config", str(tmp_path / "e.toml")]) == 0
    report = open_report(db, AS_OF, 365, config_path=str(tmp_path / "e.toml"))
    try:
        html = "".join(str(x) for x in owed_section.owed_lists(report))
        tiles = owed_section.tiles(report)
    finally:
        report.con.close()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "&lt;img src=x&gt;" in html and "<b>Team" not in html
    assert 'href="javascript' not in html
    assert [t.value for t in tiles[:2]] == ["1", "1"]
