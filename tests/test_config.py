"""load_config: defaults, pmkit.toml overrides, and errors that name the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmkit.config import (
    DEFAULT_SEVERITY_DEFINITIONS,
    Config,
    ConfigError,
    load_config,
    normalize_severity_key,
)


def test_defaults() -> None:
    config = Config()
    assert config.db_path == Path("data/pmkit.duckdb")
    assert config.corpus_dir == Path("data/corpus")
    assert config.reports_dir == Path("reports")
    assert config.taxonomy_path == Path("data/taxonomy.toml")
    assert config.draft_target_hours == 48
    assert config.review_target_business_days == 5
    assert config.severity_levels["critical"] == 0
    assert config.severity_levels["low"] == 3
    assert set(config.severity_definitions) >= {"P0", "P1", "P2", "SEV0", "SEV4"}
    assert config.severity_definitions["P1"] == (
        "Degraded service with customer impact but not a full outage."
    )


def test_defaults_are_not_shared_between_instances() -> None:
    first = Config()
    first.severity_levels["blue"] = 9
    assert "blue" not in Config().severity_levels
    assert DEFAULT_SEVERITY_DEFINITIONS["P0"] == Config().severity_definitions["P0"]


def test_no_file_in_cwd_means_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config == Config()
    assert config.source is None


def test_file_in_cwd_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pmkit.toml").write_text('[paths]\ndb_path = "x.duckdb"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.db_path == tmp_path / "x.duckdb"
    assert config.source == tmp_path / "pmkit.toml"


def test_found_the_same_way_from_a_folder_below(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nearest pmkit.toml at or above the working folder, else $PMKIT_CONFIG when set: the
    CLI takes its default database from it, wherever in the project it runs."""
    from pmkit.cli import main

    (tmp_path / "pmkit.toml").write_text(
        '[paths]\ndb = "store/pm.duckdb"\ncorpus = "postmortems"\n', encoding="utf-8"
    )
    corpus = tmp_path / "postmortems"
    corpus.mkdir()
    fixture = (
        Path(__file__).parent / "fixtures" / "ingest" / "corpus" / "2026-03-04-checkout-502s.md"
    )
    (corpus / "a.md").write_bytes(fixture.read_bytes())
    below = tmp_path / "notebooks" / "deeper"
    below.mkdir(parents=True)
    monkeypatch.delenv("PMKIT_CONFIG", raising=False)
    monkeypatch.chdir(below)
    config = load_config()
    assert config.source == tmp_path / "pmkit.toml"
    assert config.locate(config.corpus_dir) == corpus
    assert main(["ingest", str(corpus), "-q"]) == 0
    assert (tmp_path / "store" / "pm.duckdb").is_file()  # --db from [paths], not ./data/
    assert not (below / "data").exists()
    other = tmp_path / "other.toml"
    other.write_text('[paths]\ndb = "elsewhere.duckdb"\n', encoding="utf-8")
    monkeypatch.setenv("PMKIT_CONFIG", str(other))
    assert load_config().db_path == tmp_path / "elsewhere.duckdb"


def test_full_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "pmkit.toml"
    path.parent.mkdir()
    path.write_text(
        """
[severity.levels]
"Critical" = 1
"S1" = 0
"Sev-Blue" = 4

[severity.definitions]
S1 = "Everything is down."

[targets]
draft_hours = 24
review_business_days = 3

[paths]
db_path = "../db/pm.duckdb"
corpus_dir = "/abs/corpus"
reports_dir = "out"
taxonomy_path = "tax.toml"
""",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.severity_levels["critical"] == 1
    assert config.severity_levels["s1"] == 0
    assert config.severity_levels["sevblue"] == 4
    assert config.severity_levels["low"] == 3  # defaults kept
    assert config.severity_definitions["S1"] == "Everything is down."
    assert "P0" in config.severity_definitions
    assert config.draft_target_hours == 24.0
    assert config.review_target_business_days == 3
    assert config.db_path == path.parent / "../db/pm.duckdb"
    assert config.corpus_dir == Path("/abs/corpus")
    assert config.reports_dir == path.parent / "out"
    assert config.taxonomy_path == path.parent / "tax.toml"


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ('[severity.levels]\n"S1" = "one"\n', "severity.levels.S1"),
        ('[severity.levels]\n"S1" = -1\n', "severity.levels.S1"),
        ('[severity.levels]\n"S1" = true\n', "severity.levels.S1"),
        ("[severity.definitions]\nP0 = 3\n", "severity.definitions.P0"),
        ("[targets]\ndraft_hours = 0\n", "targets.draft_hours"),
        ('[targets]\nreview_business_days = "5"\n', "targets.review_business_days"),
        ('[paths]\nnowhere = "x"\n', "paths.nowhere"),
        ("[paths]\ndb_path = 3\n", "paths.db_path"),
        ("severity = 3\n", "[severity]"),
        ("this is not toml\n", "not valid TOML"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path: Path, body: str, names: str) -> None:
    path = tmp_path / "pmkit.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value)
    assert names in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("label", "key"),
    [("SEV-1", "sev1"), ("Sev 1", "sev1"), (" Critical ", "critical"), ("S_1", "s1")],
)
def test_normalize_severity_key(label: str, key: str) -> None:
    assert normalize_severity_key(label) == key


def test_people_links_and_report_settings(tmp_path: Path) -> None:
    from pmkit.config import TICKET_KEY, LinkRule

    path = tmp_path / "pmkit.toml"
    path.write_text(
        """
[people]
"Mei Ling" = ["@mling", "mei.ling@example.com"]
"Priya Nair" = { aliases = ["@pnair"], team = "Payments" }

[links]
jira = "https://jira.example.com/browse/{key}"
gh = { url = "https://github.com/acme/app/issues/{key}", match = "^#(?P<key>\\\\d+)$" }
files = "https://git.example.com/pm/blob/main/{path}"

[reports]
min_n = 5
trend_min_n = 12
""",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.people == {
        "Mei Ling": ("@mling", "mei.ling@example.com"),
        "Priya Nair": ("@pnair",),
    }
    assert config.people_teams == {"Priya Nair": "Payments"}
    assert config.link_rules == [
        LinkRule("jira", "https://jira.example.com/browse/{key}", TICKET_KEY),
        LinkRule("gh", "https://github.com/acme/app/issues/{key}", r"^#(?P<key>\d+)$"),
    ]
    assert config.file_link == "https://git.example.com/pm/blob/main/{path}"
    assert (config.report_min_n, config.trend_min_n) == (5, 12)
    defaults = Config()
    assert (defaults.people, defaults.link_rules, defaults.report_min_n) == ({}, [], 10)


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ('[people]\n"A" = "@a"\n', "people.A"),
        ('[people]\n"A" = ["@x"]\n"B" = ["@x"]\n', "already an alias of 'A'"),
        ('[people]\n"A" = { aliases = ["@a"], tema = "x" }\n', "people.A: unknown key"),
        ('[links]\njira = "javascript:alert(1)/{key}"\n', "links.jira"),
        ('[links]\njira = "https://jira.example.com/browse/"\n', "links.jira"),
        ('[links]\ngh = { url = "https://x.example/{key}", match = "(" }\n', "links.gh.match"),
        ('[links]\nfiles = "file:///{path}"\n', "links.files"),
        ("[reports]\nmin_n = 0\n", "reports.min_n"),
    ],
)
def test_bad_people_links_and_reports(tmp_path: Path, body: str, names: str) -> None:
    path = tmp_path / "pmkit.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and names in str(info.value)
