"""The incident register: each export format read from its fixture (columns as the vendors
document them, see README "The incident register"), the policy's edges, and matching."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pmkit.config import Config, ConfigError, load_config
from pmkit.register.match import PostmortemRef, match, searchable
from pmkit.register.model import RegisterIncident
from pmkit.register.policy import Policy, decide
from pmkit.register.read import RegisterError, read_register

FIXTURES = Path(__file__).parent / "fixtures" / "register"
CONFIG = load_config(FIXTURES / "pmkit.toml")


def _by_key(
    path: str, fmt: str | None = None, tz: str | None = None
) -> dict[str, RegisterIncident]:
    incidents, _ = read_register(FIXTURES / path, fmt, CONFIG, tz)
    return {i.key: i for i in incidents}


def test_pagerduty_csv() -> None:
    got = _by_key("pagerduty-incidents.csv")
    assert list(got) == ["1234", "1240", "1251", "1260"]
    first = got["1234"]
    assert first.format == "pagerduty"
    assert first.other_ids == ("PT4KHLK",)
    assert first.url == "https://acme.pagerduty.com/incidents/PT4KHLK"
    assert (first.severity_label, first.severity_level) == ("P1", 1)
    assert first.started_at == datetime(2026, 3, 4, 14, 2)
    assert first.resolved_at == datetime(2026, 3, 4, 15, 41)
    assert first.services == ["checkout-api"] and first.team == "Payments"
    assert first.flags is None and first.customer_impact is None  # no such columns
    assert got["1260"].title == "Checkout latency, all regions"  # quoted comma
    assert got["1260"].resolved_at == datetime(2026, 3, 29, 4, 30)  # -05:00 -> UTC


def test_opsgenie_csv_flags_from_tags() -> None:
    got = _by_key("opsgenie-incidents.csv")
    assert {k: i.format for k, i in got.items()} == {k: "opsgenie" for k in ("17", "18", "19")}
    assert got["17"].flags == ("systemic",)  # tag "systemic-gap"
    assert got["18"].flags == ()  # a tags column, no flag in it
    assert got["19"].flags == ()
    assert got["17"].started_at == datetime(2026, 4, 2, 10, 0)  # impactStartDate
    assert got["17"].resolved_at == datetime(2026, 4, 2, 11, 0)
    assert got["19"].duration_minutes == 15
    assert got["17"].team == "Data" and got["17"].services == ["reporting-db"]


def test_incidentio_csv() -> None:
    got = _by_key("incidentio-incidents.csv", "incidentio")
    assert (got["INC-15"].severity_label, got["INC-15"].severity_level) == ("Critical", 0)
    assert got["INC-15"].started_at == datetime(2026, 3, 31, 7, 0)  # +02:00
    assert got["INC-15"].customer_impact is True
    assert got["INC-16"].customer_impact is False
    assert got["INC-12"].owner == "Grace Liu"
    assert got["INC-12"].url == "https://app.incident.io/acme/incidents/12"


def test_jira_csv_incident_type_repeated_columns_and_zone() -> None:
    incidents, issues = read_register(FIXTURES / "jira-issues.csv", None, CONFIG, "Europe/Berlin")
    got = {i.key: i for i in incidents}
    assert list(got) == ["OPS-77", "OPS-79"]  # the Task is not an incident
    assert any("1 row(s) of type 'Task' skipped" in i.message for i in issues)
    assert got["OPS-79"].services == ["checkout-api", "payments-gateway"]  # Component/s twice
    assert got["OPS-77"].flags == ("security",)  # Labels
    assert got["OPS-77"].resolved_at == datetime(2026, 3, 26, 9, 30)  # 10:30 CET
    assert (got["OPS-77"].severity_label, got["OPS-77"].severity_level) == ("High", 1)
    _, no_zone = read_register(FIXTURES / "jira-issues.csv", "jira", CONFIG)
    assert any("set timezone" in i.message for i in no_zone)


def test_generic_json_mapping_and_a_bad_row() -> None:
    incidents, issues = read_register(FIXTURES / "generic.json", "generic", CONFIG)
    assert [i.key for i in incidents] == ["SR-5"]
    assert incidents[0].customer_impact is True and incidents[0].owner == "Team Edge"
    assert [(i.line, i.level, i.message) for i in issues] == [
        (2, "error", "no incident id: row skipped")
    ]


def test_unknown_columns_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "export.csv"
    bad.write_text("when,what\n2026-01-01,thing\n", encoding="utf-8")
    with pytest.raises(RegisterError, match="export.csv: columns when, what are not"):
        read_register(bad, None, Config())


def test_unreadable_time_and_repeated_id_are_kept_as_issues(tmp_path: Path) -> None:
    path = tmp_path / "pd.csv"
    path.write_text(
        "incident_number,title,created_at,resolved_at\n"
        "7,a,yesterday-ish,2026-01-01T10:00:00Z\n"
        "7,again,2026-01-01T09:00:00Z,2026-01-01T10:00:00Z\n",
        encoding="utf-8",
    )
    incidents, issues = read_register(path, None, Config())
    assert len(incidents) == 1 and incidents[0].started_at is None
    assert [(i.line, i.level) for i in issues] == [(2, "warning"), (3, "warning")]


# --- policy --------------------------------------------------------------------------------

T0 = datetime(2026, 3, 1, 12, 0)


def _inc(level: int | None, minutes: float | None = None, **kw: object) -> RegisterIncident:
    return RegisterIncident(
        "r.csv",
        2,
        "generic",
        "X-1",
        severity_label=None if level is None else f"P{level}",
        severity_level=level,
        started_at=T0 if minutes is not None else None,
        resolved_at=T0 + timedelta(minutes=minutes) if minutes is not None else None,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("incident", "required"),
    [
        (_inc(0, 1, customer_impact=False), True),
        (_inc(0), True),
        (_inc(1, 15, customer_impact=False), False),  # exactly 15 minutes is not longer
        (_inc(1, 15 + 1 / 60, customer_impact=False), True),  # one second more is
        (_inc(1, 15, customer_impact=True), True),
        (_inc(1, 15), None),  # impact not in the register
        (_inc(1, customer_impact=False), None),  # duration unknown
        (_inc(1, customer_impact=True), True),
        (_inc(2, 600, flags=()), False),  # P2 without a flag
        (_inc(2, 600, flags=None), None),  # the register has no tags
        (_inc(2, 1, flags=("security",)), True),
        (_inc(3, 600, flags=("systemic",), customer_impact=True), False),
        (_inc(None, 600), None),
    ],
)
def test_policy_edges(incident: RegisterIncident, required: bool | None) -> None:
    assert decide(incident, Policy()).required is required


def test_policy_from_toml_labels(tmp_path: Path) -> None:
    toml = tmp_path / "pmkit.toml"
    toml.write_text(
        '[severity.levels]\n"S1" = 0\n[policy]\nalways = ["S1", 1]\nwhen_impact_or_longer = []\n'
        'min_minutes = 30\nwhen_flagged = ["SEV-2"]\nflags = ["Security"]\n',
        encoding="utf-8",
    )
    policy = Policy.from_config(load_config(toml))
    assert policy.always == {0, 1} and policy.when_impact_or_longer == frozenset()
    assert policy.when_flagged == {2} and policy.flags == ("security",)
    assert decide(_inc(1, 5, customer_impact=False), policy).required is True
    toml.write_text('[policy]\nalways = ["Blue"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="policy.always: 'Blue'"):
        Policy.from_config(load_config(toml))
    toml.write_text('[policy]\nmin_minutes = "15"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="policy.min_minutes"):
        load_config(toml)


# --- matching ------------------------------------------------------------------------------


def _pm(path: str, start: datetime | None, minutes: int = 60, services=("api",), text="", iid=None):
    return PostmortemRef(
        path,
        iid or path,
        start,
        start + timedelta(minutes=minutes) if start else None,
        None,
        tuple(services),
        text,
    )


def _reg(key: str, start: datetime | None, minutes: int = 30, services=("api",), **kw):
    return RegisterIncident(
        "r.csv",
        2,
        "generic",
        key,
        started_at=start,
        resolved_at=start + timedelta(minutes=minutes) if start else None,
        services=list(services),
        **kw,
    )


def test_match_by_id_in_text_own_id_and_url() -> None:
    pms = [
        _pm("a.md", T0, text="Paged as OPS-7; see https://pd.example/incidents/PQ12345."),
        _pm("b.md", T0 + timedelta(days=30), iid="INC-9"),
    ]
    out = match(
        [
            _reg("OPS-7", T0),
            _reg("INC-9", T0 + timedelta(days=30)),
            _reg("1", T0, url="https://pd.example/incidents/PQ12345"),
        ],
        pms,
    )
    assert [(m.key, m.status, m.method, m.path) for m in out] == [
        ("OPS-7", "matched", "id", "a.md"),
        ("INC-9", "matched", "id", "b.md"),
        ("1", "matched", "id", "a.md"),
    ]
    assert out[1].reason == "its incident id is INC-9"
    assert out[0].reason == "OPS-7 written in a.md"


def test_match_by_overlap_ambiguous_and_none() -> None:
    pms = [
        _pm("one.md", T0, services=("api",)),
        _pm("two.md", T0 + timedelta(minutes=30), services=("API", "db")),
        _pm("far.md", T0 + timedelta(days=2), services=("db",)),
    ]
    out = match(
        [
            _reg("R-1", T0 + timedelta(days=2, minutes=10), services=("db",)),  # far.md only
            _reg("R-2", T0 + timedelta(minutes=40), services=("api",)),  # one.md and two.md
            _reg("R-3", T0 + timedelta(days=5), services=("api",)),  # nothing then
            _reg("R-4", T0, services=()),  # nothing to match on
            _reg("R-5", T0 - timedelta(minutes=65), minutes=10, services=("api",)),  # slack 60
        ],
        pms,
    )
    got = [(m.key, m.status, m.method, m.path) for m in out]
    assert got == [
        ("R-1", "matched", "overlap", "far.md"),
        ("R-2", "ambiguous", "overlap", "one.md"),
        ("R-2", "ambiguous", "overlap", "two.md"),
        ("R-3", "none", None, None),
        ("R-4", "none", None, None),
        ("R-5", "matched", "overlap", "one.md"),
    ]
    assert "no service in the register" in out[4].reason


def test_an_id_written_far_from_its_dates_or_twice_is_ambiguous() -> None:
    pms = [
        _pm("later.md", T0 + timedelta(days=40), text="Like OPS-7 last month."),
        _pm("x.md", T0, text="OPS-8 paged"),
        _pm("y.md", T0, text="follow-up of OPS-8"),
    ]
    out = match([_reg("OPS-7", T0), _reg("OPS-8", T0)], pms)
    assert [(m.key, m.status, m.path) for m in out] == [
        ("OPS-7", "ambiguous", "later.md"),
        ("OPS-8", "ambiguous", "x.md"),
        ("OPS-8", "ambiguous", "y.md"),
    ]
    assert "40 days apart" in out[0].reason


@pytest.mark.parametrize(
    ("value", "ok"),
    [("42", False), ("OPS-7", True), ("PT4KHLK", True), ("INC", False), ("https://x.io/1", True)],
)
def test_only_distinctive_ids_are_searched_in_text(value: str, ok: bool) -> None:
    assert searchable(value) is ok


def test_register_settings_and_their_errors(tmp_path: Path) -> None:
    toml = tmp_path / "pmkit.toml"
    toml.write_text(
        '[register]\nsources = ["a.csv", { path = "sub/j.csv", format = "jira", '
        'timezone = "Europe/Berlin" }]\n[register.columns]\nid = "Ticket"\nservices = ["S1", "S2"]\n',
        encoding="utf-8",
    )
    config = load_config(toml)
    assert [(s.path, s.format, s.timezone) for s in config.register_sources] == [
        (tmp_path / "a.csv", None, None),
        (tmp_path / "sub" / "j.csv", "jira", "Europe/Berlin"),
    ]
    assert config.register_columns == {"id": ("Ticket",), "services": ("S1", "S2")}
    for body, message in (
        ('[register]\nsources = [{ file = "a.csv" }]\n', r"register.sources\[0\]: unknown key"),
        ("[register]\nsources = [3]\n", r"register.sources\[0\] must be a path"),
        ('[register]\nfiles = ["a.csv"]\n', r"\[register\] unknown key"),
        ('[policy]\nsometimes = ["P3"]\n', r"\[policy\] unknown key"),
    ):
        toml.write_text(body, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(toml)
    bad = tmp_path / "x.csv"
    bad.write_text("Ticket\nA-1\n", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"unknown field\(s\) colour"):
        read_register(
            bad, "generic", Config(register_columns={"id": ("Ticket",), "colour": ("C",)})
        )
    with pytest.raises(RegisterError, match="unknown time zone"):
        read_register(bad, "generic", Config(register_columns={"id": ("Ticket",)}), "Mars/Base")
