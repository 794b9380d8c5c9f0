"""Crash safety: ``pmkit ingest`` killed with SIGKILL at random moments never leaves a broken or
half-written database.

Each round switches the corpus folder to the other version (see ``fixtures/hostile/corpora.py``),
starts an incremental ingest and kills its process group after a random delay drawn from a fixed
seed: during start-up, parsing, the copy, the transaction or the rename. The database must then
open and equal exactly the previous complete ingest or the new one. A last ingest, not killed,
must bring it to the new version and clean up the copies the killed ones left.

The quick test (3 kills) runs in ``make test``; the 20-kill run is marked slow.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hostile"))

from corpora import (  # noqa: E402
    Signature,
    Versions,
    expected_signature,
    ingest_command,
    kill_group,
    materialize,
    signature,
    stale_copies,
    start,
    versions,
)

RUN_TIMEOUT_S = 300


def _ingest(corpus: Path, db: Path) -> None:
    proc = subprocess.run(
        ingest_command(corpus, db), capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def _kill_rounds(tmp_path: Path, kills: int, seed: int, n: int = 300) -> Counter[str]:
    """Run ``kills`` killed ingests; returns how the database came out of each."""
    vs: Versions = versions(n)
    corpus, db = tmp_path / "corpus", tmp_path / "pmkit.duckdb"
    # references: version a ingested clean, then an update to version b timed on a copy
    materialize(corpus, vs.a)
    _ingest(corpus, db)
    sigs: dict[str, Signature] = {"a": signature(db)}
    ref_b = tmp_path / "ref-b.duckdb"
    shutil.copyfile(db, ref_b)
    materialize(corpus, vs.b)
    began = time.monotonic()
    _ingest(corpus, ref_b)
    update = time.monotonic() - began  # how long a killed ingest would have run
    sigs["b"] = signature(ref_b)
    for name in ("a", "b"):
        assert sigs[name][0] == expected_signature(getattr(vs, name))
    assert sigs["a"] != sigs["b"]

    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    current = "a"
    for _ in range(kills):
        target = "b" if current == "a" else "a"
        materialize(corpus, getattr(vs, target))
        # half the kills land anywhere in a clean run's time, half around its end, where the
        # copy, the transaction and the rename happen (a loaded machine runs a little slower)
        delay = rng.uniform(0.0, update) if rng.random() < 0.5 else rng.uniform(0.6, 1.4) * update
        proc = start(ingest_command(corpus, db))
        try:
            time.sleep(delay)
            finished_first = proc.poll() is not None
        finally:
            kill_group(proc)
        got = signature(db)  # must open: a half-written file would raise here
        assert got in (sigs[current], sigs[target]), "database holds a mix of two ingests"
        state = "new" if got == sigs[target] else "old"
        outcomes[f"{state}{' (finished before the kill)' if finished_first else ''}"] += 1
        current = target if state == "new" else current

    final = "b" if current == "a" else "a"
    materialize(corpus, getattr(vs, final))
    _ingest(corpus, db)
    assert signature(db) == sigs[final]
    assert stale_copies(db) == [], "copies left by killed ingests were not removed"
    return outcomes


def test_three_kills_leave_a_whole_database(tmp_path: Path) -> None:
    outcomes = _kill_rounds(tmp_path, kills=3, seed=3, n=120)
    assert sum(outcomes.values()) == 3


@pytest.mark.slow
def test_twenty_kills_leave_a_whole_database(tmp_path: Path) -> None:
    kills = int(os.environ.get("PMKIT_CRASH_KILLS", "20"))
    outcomes = _kill_rounds(tmp_path, kills=kills, seed=20)
    print(f"\n{kills} SIGKILLs: " + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    assert sum(outcomes.values()) == kills
