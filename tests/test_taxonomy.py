"""The taxonomy file, classification rules, and reclassification inside a real DuckDB file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pmkit.cli import cli
from pmkit.store.classify import reclassify
from pmkit.taxonomy import (
    BUNDLED_TAXONOMY,
    TaxonomyError,
    classify,
    classify_trigger,
    load_taxonomy,
    parse_taxonomy,
)

SCHEMA = Path(__file__).resolve().parents[1] / "pmkit" / "sql" / "schema.sql"

FACTOR_CATEGORIES = {
    "config_change",
    "deploy",
    "capacity",
    "dependency_failure",
    "monitoring_gap",
    "certificate_expiry",
    "process_gap",
    "data_migration",
    "software_bug",
    "security",
    "network",
    "human_factors",
    "testing_gap",
    "automation",
    "traffic_surge",
}
TRIGGER_CATEGORIES = {
    "deploy",
    "config_push",
    "traffic",
    "dependency",
    "infrastructure_change",
    "external_attack",
    "scheduled_job",
    "data_change",
}

SMALL = """
[factors.deploy]
description = "releases"
keywords = ["deploy*", "release"]

[factors.config_change]
description = "config"
keywords = ["config", "feature flag"]
patterns = ['\\bttl\\b.*\\braised\\b']

[triggers.deploy]
description = "a deploy"
keywords = ["deploy*"]

[triggers.config_push]
description = "a config push"
keywords = ["config"]
"""


def test_bundled_taxonomy_has_every_category() -> None:
    taxonomy = load_taxonomy(BUNDLED_TAXONOMY)
    assert FACTOR_CATEGORIES <= {c.name for c in taxonomy.factors}
    assert TRIGGER_CATEGORIES <= {c.name for c in taxonomy.triggers}
    assert all(c.description for c in taxonomy.factors + taxonomy.triggers)


@pytest.mark.parametrize(
    ("text", "primary"),
    [
        ("A configuration change lowered the connection timeout", "config_change"),
        ("The deploy went to every region at once instead of via canary", "deploy"),
        ("Disk on the database host filled up", "capacity"),
        ("The upstream provider degraded without updating their status page", "dependency_failure"),
        ("No alert on error rate, only on availability", "monitoring_gap"),
        ("TLS certificate for checkout-api expired", "certificate_expiry"),
        ("Runbook for failover was out of date", "process_gap"),
        ("Schema migration locked the orders table for 9 minutes", "data_migration"),
        ("Race condition in the cache invalidation path", "software_bug"),
        ("A service account key was leaked in a public repository", "security"),
        ("Some DNS records were deleted", "network"),
        ("A manual command was run against production instead of staging", "human_factors"),
        ("The code path had never been load tested", "testing_gap"),
        ("The culler removed running servers", "automation"),
        ("A Reddit hug of death brought ten times the usual users", "traffic_surge"),
    ],
)
def test_bundled_rules_put_each_category_first(text: str, primary: str) -> None:
    assert classify(text)[0] == primary


def test_classify_returns_every_match_in_file_order_or_unclassified() -> None:
    taxonomy = parse_taxonomy(SMALL)
    assert taxonomy.classify("Release of a bad config") == ["deploy", "config_change"]
    assert taxonomy.classify("The cache TTL was raised") == ["config_change"]  # pattern
    assert taxonomy.classify("Cosmic rays") == ["unclassified"]
    assert taxonomy.classify("") == ["unclassified"]
    assert taxonomy.classify(None) == ["unclassified"]


def test_classify_trigger() -> None:
    taxonomy = parse_taxonomy(SMALL)
    assert taxonomy.classify_trigger("Routine deployment of api") == "deploy"
    assert taxonomy.classify_trigger("A config push") == "config_push"
    assert taxonomy.classify_trigger("Nobody knows") is None
    assert classify_trigger("Traffic spike from a marketing campaign") == "traffic"
    assert classify_trigger("Nightly batch job started during peak hours") == "scheduled_job"


def test_deployment_as_a_noun_is_no_deploy_trigger() -> None:
    """corpus-real2/04: a namespace deleted by hand, in a hub the team calls a "deployment"."""
    leap = (
        "On August 12 2025, a 2i2c engineer unintentionally deleted the prod namespace for the"
        " LEAP deployment whilst working on separate (new) hub."
    )
    assert classify_trigger(leap) == "infrastructure_change"
    assert classify_trigger("The web Deployment had no memory limit") is None
    # The act of deploying still is one.
    assert classify_trigger("crates.io was broken due to a deployment that contained a bug") == (
        "deploy"
    )
    assert classify_trigger("We deployed 2.3 to production at 14:05") == "deploy"
    assert classify_trigger("Routine deployment of the api") == "deploy"


def test_keyword_rules() -> None:
    def hit(keyword: str, text: str) -> bool:
        rules = f"[factors.x]\nkeywords = [{keyword!r}]\n"
        return parse_taxonomy(rules).classify(text) == ["x"]

    assert hit("on-call", "the on call engineer") and hit("on call", "On-Call")
    assert hit("deploy*", "Deployments") and not hit("deploy", "deployments")
    assert hit("cert", "the cert expired") and not hit("cert", "a certain path")
    assert hit("CA certificate", "an intermediate ca  certificate")
    assert hit("data migration*", "the data migrations ran") and not hit("data migration*", "data")
    assert hit("CI/CD", "our ci cd pipeline") and hit("n+1", "an N+1 query")
    with pytest.raises(TaxonomyError, match="takes \\* only at the end"):
        parse_taxonomy("[factors.x]\nkeywords = ['de*ploy']\n")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            SMALL.replace("'\\bttl\\b.*\\braised\\b'", "'(unclosed'"),
            "factors.config_change.patterns[0]",
        ),
        ("[factors.x]\nkeywords = 'deploy'\n", "factors.x.keywords must be a list"),
        ("[factors.x]\ndescription = 'nothing'\n", "factors.x: needs at least one keyword"),
        ("[factors.x]\nkeyword = ['a']\n", "factors.x: unknown key(s) keyword"),
        ("[factors.Bad-Name]\nkeywords = ['a']\n", "lower_snake_case"),
        ("[factors.unclassified]\nkeywords = ['a']\n", "factors.unclassified is what no match"),
        ("[triggers.x]\nkeywords = ['a']\n", "no [factors.<category>] tables"),
        ("[factor.x]\nkeywords = ['a']\n", "unknown table(s) factor"),
        ("[factors.x\n", "not valid TOML"),
    ],
)
def test_bad_taxonomy_names_file_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(path)
    assert str(path) in str(err.value)
    assert fragment in str(err.value)


def test_configured_taxonomy_path_wins_over_the_bundled_one(tmp_path: Path) -> None:
    from pmkit.config import Config

    path = tmp_path / "mine.toml"
    path.write_text(SMALL, encoding="utf-8")
    taxonomy = load_taxonomy(config=Config(taxonomy_path=path))
    assert [c.name for c in taxonomy.factors] == ["deploy", "config_change"]
    fallback = load_taxonomy(config=Config(taxonomy_path=tmp_path / "absent.toml"))
    assert fallback.source == BUNDLED_TAXONOMY


def test_missing_taxonomy_file(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="no such taxonomy file"):
        load_taxonomy(tmp_path / "nope.toml")


# --- reclassify in a database --------------------------------------------------------------


def _build(path: Path) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(SCHEMA.read_text(encoding="utf-8"))
        con.executemany(
            'INSERT INTO incidents (path, incident_id, "trigger", root_cause) VALUES (?, ?, ?, ?)',
            [
                ("a.md", "A", "Routine deploy of api", "bad config"),
                ("b.md", "B", None, "A config change"),
                ("c.md", "C", None, None),
            ],
        )
        con.executemany(
            "INSERT INTO contributing_factors (path, incident_id, seq, text, category) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                ("a.md", "A", 1, "Release of a bad config", None),
                ("a.md", "A", 2, "Cosmic rays", None),
                ("b.md", "B", 1, "Feature flag flipped", "stale"),
                ("c.md", "C", 1, "The TTL was raised", None),
            ],
        )
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "pmkit.duckdb"
    _build(path)
    yield path


def _state(
    path: Path,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cats = con.execute(
            "SELECT path, seq, category FROM factor_categories ORDER BY path, seq, category"
        ).fetchall()
        first = con.execute(
            "SELECT path, seq, category FROM contributing_factors ORDER BY path, seq"
        ).fetchall()
        triggers = con.execute(
            "SELECT path, trigger_category FROM incidents ORDER BY path"
        ).fetchall()
    finally:
        con.close()
    return cats, first, triggers


def test_reclassify_writes_every_match_and_the_first(db: Path) -> None:
    con = duckdb.connect(str(db))
    try:
        summary = reclassify(con, parse_taxonomy(SMALL))
        assert (summary.factors, summary.unclassified, summary.incidents) == (4, 1, 3)
        assert summary.unknown_triggers == 1
        again = reclassify(con, parse_taxonomy(SMALL))  # idempotent: no duplicate rows
        assert again == summary
    finally:
        con.close()
    cats, first, triggers = _state(db)
    assert cats == [
        ("a.md", 1, "config_change"),
        ("a.md", 1, "deploy"),
        ("a.md", 2, "unclassified"),
        ("b.md", 1, "config_change"),
        ("c.md", 1, "config_change"),
    ]
    assert first == [
        ("a.md", 1, "deploy"),  # first in file order
        ("a.md", 2, "unclassified"),
        ("b.md", 1, "config_change"),
        ("c.md", 1, "config_change"),
    ]
    # A: from its trigger text; B: no trigger, so from the root cause; C: nothing -> unknown
    assert triggers == [("a.md", "deploy"), ("b.md", "config_push"), ("c.md", "unknown")]


def test_reclassify_only_given_paths(db: Path) -> None:
    con = duckdb.connect(str(db))
    try:
        summary = reclassify(con, parse_taxonomy(SMALL), paths=["b.md"])
    finally:
        con.close()
    assert (summary.factors, summary.incidents) == (1, 1)
    cats, first, triggers = _state(db)
    assert cats == [("b.md", 1, "config_change")]
    assert first[0] == ("a.md", 1, None)  # untouched
    assert triggers == [("a.md", None), ("b.md", "config_push"), ("c.md", None)]


def test_classify_command_rewrites_the_database(db: Path, tmp_path: Path) -> None:
    taxonomy = tmp_path / "taxonomy.toml"
    taxonomy.write_text(SMALL, encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", "--db", str(db), "--taxonomy", str(taxonomy)])
    assert result.exit_code == 0, result.output
    assert "4 factors classified, 1 unclassified (25.0%)" in result.output
    _cats, first, _triggers = _state(db)
    assert first[0] == ("a.md", 1, "deploy")
    assert not list(tmp_path.glob(".*.tmp"))  # the working copy is gone


def test_classify_command_errors_are_clean(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[factors.x]\npatterns = ['(']\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", "--db", str(db), "--taxonomy", str(bad)])
    assert result.exit_code == 1
    assert "factors.x.patterns[0]: bad regular expression" in result.output
    missing = CliRunner().invoke(cli, ["classify", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 1 and "no such database" in missing.output
    assert CliRunner().invoke(cli, ["classify", "--help"]).exit_code == 0


def test_synthetic_phrasings_are_mostly_classified() -> None:
    """The demo corpus generator's factor wordings: under 10% unclassified (the issue's target)."""
    vocab = pytest.importorskip("pmkit.synth.vocab")
    texts = [
        text.format(svc="checkout-api", dep="the Kafka brokers", n=3, pct=40)
        for _category, _weight, factors, _triggers in vocab.FACTOR_CATEGORIES
        for text in factors
    ]
    unclassified = [t for t in texts if classify(t) == ["unclassified"]]
    assert len(texts) >= 20
    assert len(unclassified) / len(texts) < 0.10, unclassified
