"""The synthetic register (`pmkit synth --register`): deterministic, committed as data/register,
leaves the corpus files unchanged, and its ground truth is exactly what `pmkit owed` reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pmkit.cli import main
from pmkit.config import load_config
from pmkit.metrics import Filters, owed
from pmkit.synth import generate, write_corpus
from pmkit.synth.register import FILES, generate_register, render_register, write_register

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ARGS = (300, 7, date(2024, 11, 16), date(2026, 11, 16))
AS_OF = "2026-11-16"


@pytest.fixture(scope="module")
def truth():
    return generate_register(generate(*ARGS), ARGS[1], ARGS[3])


def test_committed_register_is_what_synth_writes(truth) -> None:
    if not (DATA / "register").is_dir():
        pytest.skip("data/register is absent")
    written = render_register(truth)
    assert sorted(written) == sorted(FILES.values())
    for name, text in written.items():
        assert (DATA / "register" / name).read_text(encoding="utf-8") == text, name


def test_register_leaves_the_corpus_alone_and_is_deterministic(tmp_path: Path) -> None:
    a = write_corpus(40, 3, ARGS[2], ARGS[3], tmp_path / "a")
    before = {p: p.read_bytes() for p in (tmp_path / "a").rglob("*.md")}
    write_register(a, 3, ARGS[3], tmp_path / "ra")
    write_register(a, 3, ARGS[3], tmp_path / "rb")
    assert {p: p.read_bytes() for p in (tmp_path / "a").rglob("*.md")} == before
    for name in FILES.values():
        assert (tmp_path / "ra" / name).read_bytes() == (tmp_path / "rb" / name).read_bytes()


def test_truth_has_every_category(truth) -> None:
    cats = [r.category for r in truth.rows if r.postmortem is None]
    assert {c: cats.count(c) for c in set(cats)} == {
        "late": 14,
        "within": 4,
        "not-required": 7,
        "cannot-tell": 3,
    }
    owed_days = truth.owed()
    assert len(owed_days) == 18 and sum(d == 0 for d in owed_days.values()) == 4
    assert {r.tool for r in truth.rows if r.postmortem is None} == set(FILES)


def test_demo_report_owes_exactly_the_ground_truth(truth, tmp_path: Path) -> None:
    """Ingest data/corpus with data/pmkit.toml's [register]: the owed list is the truth's."""
    if not (DATA / "register").is_dir():
        pytest.skip("data/register is absent")
    db = tmp_path / "demo.duckdb"
    toml = DATA / "pmkit.toml"
    assert main(["ingest", str(DATA / "corpus"), "--db", str(db), "--config", str(toml), "-q"]) == 0
    config = load_config(toml)
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = owed.owed(con, Filters(AS_OF, 365), owed.policy_for(config), 48)
        cov = owed.register_coverage(con, Filters(AS_OF, 365), owed.policy_for(config), 48)
    finally:
        con.close()
    assert dict(zip(got["key"], got["days_overdue"], strict=True)) == truth.owed()
    assert int(cov["n"]) == len(truth.rows)
    assert int(cov["n_past_target"]) == 14
    # every incident that has a postmortem found it; two of them among two candidates each
    # (INC-5036 and Opsgenie 760: two postmortems of the same service overlap their window)
    assert int(cov["n_unmatched"]) == 28 and int(cov["n_ambiguous"]) == 2
