"""The synthetic corpus generator: determinism, layout, realism, CLI, and the committed demo corpus.

The round trip through the parser lives in ``test_synth_roundtrip.py``; these tests need no parser.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from pmkit.cli import main
from pmkit.synth import SHAPES, generate, render, slugify, write_corpus

START, END = date(2024, 11, 16), date(2026, 11, 16)
REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "corpus"
DEMO_ARGS = (300, 7, START, END)
"""Exactly what data/corpus/README.md says was run: keep the two in step."""


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix == ".md" and p.name != "README.md"
    }


@pytest.fixture(scope="module")
def big() -> list:
    """600 incidents: enough for the distribution checks, generated in memory only."""
    return generate(600, 3, START, END)


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    a = write_corpus(120, 42, START, END, tmp_path / "a")
    b = write_corpus(120, 42, START, END, tmp_path / "b")
    assert [g.path for g in a] == [g.path for g in b]
    files_a, files_b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(files_a) == 120
    assert files_a == files_b


def test_other_seed_gives_other_corpus(tmp_path: Path) -> None:
    a = [render(g) for g in generate(30, 1, START, END)]
    b = [render(g) for g in generate(30, 2, START, END)]
    assert a != b


def test_generate_matches_what_is_written(tmp_path: Path) -> None:
    planned = generate(40, 5, START, END)
    written = write_corpus(40, 5, START, END, tmp_path)
    assert [g.path for g in planned] == [g.path for g in written]
    for g in planned:
        text = (tmp_path / g.path).read_bytes().decode("utf-8")
        assert text.replace("\r\n", "\n") == render(g)


def test_paths_are_dated_sanitized_and_unique(big: list) -> None:
    pattern = re.compile(r"^(\d{4})/(\d{2})/(\d{4})-(\d{2})-\d{2}-[a-z0-9]+(-[a-z0-9]+)*\.md$")
    paths = [g.path for g in big]
    assert len(set(paths)) == len(paths)
    for g in big:
        m = pattern.match(g.path)
        assert m, g.path
        assert m.group(1) == m.group(3) and m.group(2) == m.group(4), g.path
        slug = g.path.rsplit("/", 1)[1][len("2026-01-01-") : -len(".md")]
        assert len(slug) <= 60 + 3, g.path  # slug, plus a -N suffix on collision
        assert g.path.startswith(f"{g.truth.started_at:%Y/%m/%Y-%m-%d}-")


def test_slugify() -> None:
    assert slugify("Checkout API: 502s after config push!") == "checkout-api-502s-after-config-push"
    assert slugify("  --Ünïcode & spaces--  ") == "unicode-spaces"
    assert slugify("!!!") == "incident"
    long = slugify("word " * 40)
    assert len(long) <= 60 and not long.endswith("-")


def test_slug_collisions_get_a_counter() -> None:
    gens = generate(2000, 9, date(2026, 1, 1), date(2026, 1, 10))
    suffixed = [g.path for g in gens if re.search(r"-\d+\.md$", g.path)]
    assert suffixed, "2000 incidents in 6 days must collide on some slugs"
    assert len({g.path for g in gens}) == len(gens)


def test_every_shape_in_equal_shares() -> None:
    counts = Counter(g.shape for g in generate(60, 11, START, END))
    assert counts == dict.fromkeys(SHAPES, 10)


def test_dates_stay_in_range(big: list) -> None:
    end = datetime(END.year, END.month, END.day)
    for g in big:
        t = g.truth
        assert datetime(START.year, START.month, START.day) <= t.started_at < end
        assert t.started_at <= t.detected_at <= t.acknowledged_at <= t.mitigated_at
        assert t.mitigated_at < t.resolved_at < end
        assert [e.at for e in t.timeline] == sorted(e.at for e in t.timeline)
        if t.drafted_at is not None:
            assert t.drafted_at < end
        if t.reviewed_at is not None:
            assert t.reviewed_at < end


def test_severity_is_skewed_to_the_low_end(big: list) -> None:
    levels = [g.truth.severity_level for g in big if g.truth.severity_level is not None]
    severe = sum(1 for lv in levels if lv <= 1) / len(levels)
    assert 0.05 < severe < 0.35
    schemes = {g.shape: set() for g in big}
    for g in big:
        if g.truth.severity_label:
            schemes[g.shape].add(g.truth.severity_label)
    assert schemes["seed-000"] <= {"P0", "P1", "P2"}
    assert schemes["seed-002"] <= {"SEV0", "SEV1", "SEV2", "SEV3", "SEV4"}
    assert schemes["seed-004"] <= {"SEV-1", "SEV-2", "SEV-3", "SEV-4"}


def test_durations_are_long_tailed(big: list) -> None:
    minutes = [g.truth.duration_minutes for g in big]
    assert sum(1 for m in minutes if m <= 120) / len(minutes) > 0.75
    assert max(minutes) >= 8 * 60
    assert statistics.mean(minutes) > statistics.median(minutes) * 1.3


def test_time_to_draft_mostly_within_48_hours(big: list) -> None:
    hours = [
        (g.truth.drafted_at - g.truth.resolved_at).total_seconds() / 3600
        for g in big
        if g.truth.drafted_at is not None
        and g.shape in ("seed-000", "seed-002", "seed-004", "freeform-headings")
    ]
    assert len(hours) > 300
    within = sum(1 for h in hours if h <= 48) / len(hours)
    assert 0.7 < within < 0.97
    assert max(hours) > 7 * 24


def test_every_filled_file_states_when_it_was_drafted(big: list) -> None:
    """So a corpus committed in one go (data/corpus) never falls back to first-commit dates."""
    for g in big:
        if not g.unfilled:
            assert g.truth.drafted_at is not None, g.path
            assert g.truth.drafted_at >= g.truth.resolved_at.replace(hour=0, minute=0), g.path


def test_actions_cover_every_follow_up_state(big: list) -> None:
    as_of = END
    states: Counter[str] = Counter()
    for g in big:
        for a in g.truth.actions:
            states[a.status] += 1
            if a.owner is None or a.due_date is None or a.tracking_ref is None:
                states["untracked"] += 1
            if a.due_date and a.due_date < as_of and a.status in ("open", "in_progress"):
                states["overdue"] += 1
    for key in ("done", "in_progress", "open", "unknown", "untracked", "overdue"):
        assert states[key] > 10, states


def test_old_incidents_keep_more_actions_open(big: list) -> None:
    def open_share(old: bool) -> float:
        acts = [
            a
            for g in big
            for a in g.truth.actions
            if a.status != "unknown"
            and a.due_date is not None
            and a.due_date < END
            and ((END - g.truth.resolved_at.date()).days > 180) == old
        ]
        return sum(1 for a in acts if a.status == "open") / len(acts)

    assert open_share(old=True) > open_share(old=False)


def test_factors_spread_over_categories(big: list) -> None:
    cats = Counter(c for g in big for c in g.truth.factor_categories)
    assert len(cats) >= 9
    top_two = {c for c, _ in cats.most_common(2)}
    assert top_two == {"config_change", "deploy"}
    texts = {f for g in big for f in g.truth.factors}
    assert len(texts) > 150, "factor wording must vary"


def test_timelines_have_the_key_events(big: list) -> None:
    for g in big:
        kinds = [e.kind for e in g.truth.timeline]
        for k in ("detected", "acknowledged", "mitigated", "resolved"):
            assert k in kinds


def test_unfilled_and_messy_files_are_present(big: list) -> None:
    unfilled = [g for g in big if g.unfilled]
    messy = [g for g in big if g.messy]
    assert 3 <= len(unfilled) <= 20
    assert 10 <= len(messy) <= 50
    assert all(g.shape.startswith("seed-") for g in unfilled)
    assert {k for g in messy for k in g.truth.messy} >= {"no-severity", "odd-dates", "crlf"}


def test_cli_writes_the_same_corpus(tmp_path: Path) -> None:
    args = ["synth", "--n", "18", "--seed", "4", "--start", "2025-01-01", "--end", "2025-12-31"]
    assert main([*args, "--out", str(tmp_path / "cli")]) == 0
    write_corpus(18, 4, date(2025, 1, 1), date(2025, 12, 31), tmp_path / "lib")
    assert _files(tmp_path / "cli") == _files(tmp_path / "lib")
    assert len(_files(tmp_path / "cli")) == 18


def test_console_script_writes_the_same_corpus(tmp_path: Path) -> None:
    """The installed ``pmkit`` entry point, as a user runs it."""
    script = Path(sys.executable).parent / "pmkit"
    if not script.is_file():
        pytest.skip(f"console script {script} is not installed")
    args = ["synth", "--n", "7", "--seed", "8", "--out", str(tmp_path / "cli")]
    done = subprocess.run([str(script), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wrote 7 postmortems" in done.stdout
    write_corpus(7, 8, START, END, tmp_path / "lib")
    assert _files(tmp_path / "cli") == _files(tmp_path / "lib")


def test_cli_rejects_an_empty_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "synth",
            "--n",
            "3",
            "--start",
            "2026-01-02",
            "--end",
            "2026-01-01",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 1
    assert "end must be" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_cli_has_help() -> None:
    assert main(["synth", "--help"]) == 0


def test_demo_corpus_is_what_its_readme_says(tmp_path: Path) -> None:
    """data/corpus is exactly ``pmkit synth --n 300 --seed 7 --start 2024-11-16 --end 2026-11-16``."""
    if not DEMO.is_dir():
        pytest.skip("data/corpus is absent")
    write_corpus(*DEMO_ARGS, tmp_path)
    assert _files(DEMO) == _files(tmp_path)
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    assert "pmkit synth --n 300 --seed 7 --start 2024-11-16 --end 2026-11-16" in readme
    total = sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file())
    assert total < 2_000_000
