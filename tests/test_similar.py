"""pmkit.similar: the score pinned on hand-computed cases, the top-k selection, the text model,
and the cache: an incremental refresh equals a full one with the same model, whatever changed.

Hand-computed scores use texts that share every n-gram (cosine 1) or none (cosine 0), so each
expected value follows from the weights in ``scoring`` alone.
"""

from __future__ import annotations

import math
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

import pmkit.similar.cache as cache
import pmkit.similar.pruned as pruned
import pmkit.similar.tables as tables
from pmkit.config import Config, RecurrenceSettings
from pmkit.similar import text
from pmkit.similar.features import TEXT_FIELDS, IncidentFeatures
from pmkit.similar.matrix import Matrix
from pmkit.similar.scoring import FIELD_WEIGHTS, SIGNAL_WEIGHTS, Block, score_block, select
from pmkit.store import ingest_paths
from pmkit.synth import write_corpus
from pmkit.synth.vocab import SERVICES

W = SIGNAL_WEIGHTS
DAY = datetime(2026, 1, 1)


def feat(
    name: str,
    days: int = 0,
    title: str = "",
    summary: str = "",
    root_cause: str = "",
    factors: tuple[str, ...] = (),
    services: tuple[str, ...] = (),
    trigger: str | None = None,
    cats: tuple[str, ...] = (),
) -> IncidentFeatures:
    return IncidentFeatures(
        "/pm",
        f"{name}.md",
        name,
        DAY + timedelta(days=days),
        title,
        summary,
        root_cause,
        factors,
        services,
        trigger,
        cats,
    )


def matrix(feats: list[IncidentFeatures]) -> Matrix:
    counts = {n: text.counts([f.text(n) for f in feats], n) for n in TEXT_FIELDS}
    model = text.TextModel.fit(counts)
    return Matrix.build(feats, {n: model.vectors(n, counts[n]) for n in TEXT_FIELDS})


def score(a: IncidentFeatures, b: IncidentFeatures) -> float:
    block = score_block(matrix([a, b]), np.array([1]), np.array([0]))
    return float(block.score[0, 0])


def test_the_same_incident_written_twice_scores_one() -> None:
    kw = {
        "title": "Checkout outage",
        "root_cause": "Redis cache eviction storm",
        "services": ("checkout",),
        "trigger": "deploy",
        "cats": ("capacity",),
    }
    assert score(feat("a", **kw), feat("b", 30, **kw)) == pytest.approx(1.0, abs=1e-5)


def test_only_a_shared_trigger_left_when_texts_and_services_differ() -> None:
    a = feat("a", title="abc", services=("x",), trigger="deploy")
    b = feat("b", 1, title="xyz", services=("y",), trigger="deploy")
    # text 0, service written by both but not shared, trigger equal, factors written by neither
    expected = W["trigger"] / (W["text"] + W["service"] + W["trigger"])
    assert score(a, b) == pytest.approx(expected, abs=1e-5)  # 0.1667


def test_a_value_one_side_lacks_is_left_out_not_counted_as_a_difference() -> None:
    a = feat("a", title="Hub 403", services=())
    b = feat("b", 1, title="Hub 403", services=("hub",))
    assert score(a, b) == pytest.approx(1.0, abs=1e-5)
    c = feat("c", title="Hub 403", trigger="deploy")
    d = feat("d", 1, title="Hub 403", trigger=None)
    assert score(c, d) == pytest.approx(1.0, abs=1e-5)


def test_factor_categories_count_by_overlap_with_the_shorter_list() -> None:
    a = feat("a", title="Hub 403", cats=("capacity", "deploy"))
    b = feat("b", 1, title="Hub 403", cats=("capacity", "monitoring_gap"))
    expected = (W["text"] * 1.0 + W["factors"] * 0.5) / (W["text"] + W["factors"])
    assert score(a, b) == pytest.approx(expected, abs=1e-5)  # 0.9167
    c = feat("c", 2, title="Hub 403", cats=("capacity",))
    assert score(a, c) == pytest.approx(1.0, abs=1e-5)


def test_text_is_averaged_over_the_fields_both_wrote_then_rooted() -> None:
    a = feat("a", title="Hub 403", root_cause="abc")
    b = feat("b", 1, title="Hub 403")
    assert score(a, b) == pytest.approx(1.0, abs=1e-5)  # no root cause on one side: left out
    c = feat("c", 2, title="Hub 403", root_cause="xyz")
    cos = FIELD_WEIGHTS["title"] / (FIELD_WEIGHTS["title"] + FIELD_WEIGHTS["root_cause"])
    block = score_block(matrix([a, c]), np.array([1]), np.array([0]))
    assert float(block.text[0, 0]) == pytest.approx(cos, abs=1e-5)  # 0.3636
    assert float(block.score[0, 0]) == pytest.approx(math.sqrt(cos), abs=1e-5)  # 0.6030
    assert math.isnan(block.per_field["summary"][0, 0])  # written by neither
    assert float(block.per_field["root_cause"][0, 0]) == pytest.approx(0.0, abs=1e-6)


def test_dates_and_times_say_when_not_what() -> None:
    assert text.clean("2018-01-17, Hub 403 at 14:05 UTC").split() == [",", "hub", "403", "at"]
    assert "oom" in text.clean("2017-11-30 4:23PM PST, OOM Proxy")
    assert text.clean("January 23rd, 2019 Prow Outage").split() == ["prow", "outage"]
    a = feat("a", title="2018-01-17 Hub 403")
    b = feat("b", 1, title="March 24th, 2019 Hub 403")
    assert score(a, b) == pytest.approx(1.0, abs=1e-5)


def test_no_shared_words_and_nothing_else_scores_zero() -> None:
    assert score(feat("a", title="abc"), feat("b", 1, title="xyz")) == pytest.approx(0.0)


def test_the_caps_are_the_highest_scores_without_the_shared_value() -> None:
    """What makes the pruning exact: identical texts and categories score exactly the cap when
    the services (or the triggers) differ, and no pair scores above it."""
    kw = {"title": "Checkout outage", "root_cause": "Redis cache eviction", "cats": ("capacity",)}
    other_service = score(
        feat("a", services=("x",), trigger="deploy", **kw),
        feat("b", 1, services=("y",), trigger="deploy", **kw),
    )
    assert other_service == pytest.approx(pruned.CAP_OTHER_SERVICE, abs=1e-6) == 0.75
    other_trigger = score(
        feat("a", services=("x",), trigger="deploy", **kw),
        feat("b", 1, services=("x",), trigger="expiry", **kw),
    )
    assert other_trigger == pytest.approx(pruned.CAP_OTHER_TRIGGER, abs=1e-6) == 0.85


def _block(scores: list[list[float]], rows: list[int], cols: list[int]) -> Block:
    s = np.array(scores, dtype=np.float32)
    nan = np.full_like(s, np.nan)
    return Block(np.array(rows), np.array(cols), s, nan, {n: nan for n in TEXT_FIELDS})


def test_select_keeps_k_earlier_ties_to_the_more_recent_and_the_window_best() -> None:
    days = np.array([0.0, 10.0, 20.0, 300.0, 400.0])
    block = _block([[0.5, 0.9, 0.9, 0.4, 0.0]], [4], [0, 1, 2, 3, 4])
    picks = select(block, days, k=2, window_days=180)
    got = [(p.j, p.rank, p.window_best) for p in picks]
    # 1 and 2 tie at 0.9: the more recent (2) first; only 3 (day 300) lies within 180 days of
    # day 400, so it is kept as the window's best without a rank; 4 is the row itself
    assert got == [(2, 1, False), (1, 2, False), (3, None, True)]


def test_select_never_keeps_a_zero_or_a_later_incident() -> None:
    days = np.array([0.0, 1.0, 2.0])
    block = _block([[0.0, 0.0, 0.7]], [1], [0, 1, 2])
    assert select(block, days, k=5, window_days=180) == []


def test_model_round_trips_through_bytes_and_drops_what_every_incident_says() -> None:
    texts = [f"outage of service {i} boilerplate" for i in range(60)]
    model = text.TextModel.fit({"title": text.counts(texts, "title")})
    again = text.TextModel.from_bytes(model.to_bytes())
    assert again.n_docs == 60
    assert np.array_equal(again.df["title"], model.df["title"])
    x = text.counts(["boilerplate"], "title")
    assert model.vectors("title", x).nnz == 0  # in every incident: no weight at all


# -- the cache ---------------------------------------------------------------------------------


def _table(db: Path) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT path, incident_id, similar_path, similar_incident_id, rank, window_best, "
            "round(score, 5), round(coalesce(title_score, -1), 5), "
            "array_to_string(shared_services, ','), same_trigger FROM incident_similarity "
            "ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


def _state(db: Path) -> tuple[object, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT last_mode, changed_since_fit, n_fit, status FROM similarity_state"
        ).fetchone()
        assert row is not None
        return row
    finally:
        con.close()


def _full_with_stored_model(db: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ``db`` re-scored in full with the model stored in it."""
    copy = tmp / "full.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    try:
        state = tables.read_state(con)
        assert state is not None and state.model is not None
        model = text.TextModel.from_bytes(state.model)
        with monkeypatch.context() as m:
            m.setattr(text.TextModel, "fit", classmethod(lambda cls, counts: model))
            con.execute("BEGIN")
            assert cache.refresh(con, full=True).mode == "full"
            con.execute("COMMIT")
    finally:
        con.close()
    return copy


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setattr(cache, "FULL_BELOW", 0)  # incremental at any size
    monkeypatch.setattr(pruned, "MIN_INCIDENTS", 0)  # full refreshes pruned at any size
    root = tmp_path / "corpus"
    write_corpus(80, 5, date(2025, 1, 1), date(2026, 1, 1), root)
    db = tmp_path / "pm.duckdb"
    ingest_paths([root], db, workers=1)
    assert _state(db)[0] == "full"
    return root, db


def _edit_title(path: Path) -> None:
    """Reword the file: every service it names becomes the Redis cache."""
    body = path.read_text(encoding="utf-8")
    for service, _team in SERVICES:
        body = body.replace(service, "redis-cache")
    path.write_text(body, encoding="utf-8")


def test_incremental_refresh_equals_a_full_one_with_the_same_model(
    corpus: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, db = corpus
    files = sorted(root.rglob("*.md"))
    edits = [
        lambda: _edit_title(files[40]),  # new text
        lambda: files[10].unlink(),  # an incident gone
        lambda: shutil.copyfile(files[60], files[60].with_name("copy-" + files[60].name)),
        lambda: files[30].write_text(  # another date: it moves in time
            files[30].read_text(encoding="utf-8").replace("2025-", "2024-"), encoding="utf-8"
        ),
    ]
    for n, edit in enumerate(edits, start=1):
        edit()
        ingest_paths([root], db, workers=1)
        mode, since, _n_fit, status = _state(db)
        assert (mode, status) == ("incremental", "ok"), f"edit {n}"
        assert since >= n  # each changed incident counts towards the next refit
        assert _table(db) == _table(_full_with_stored_model(db, tmp_path, monkeypatch)), n


def test_refit_when_more_than_a_tenth_changed(corpus: tuple[Path, Path]) -> None:
    root, db = corpus
    for path in sorted(root.rglob("*.md"))[:12]:  # more than 10% of 79 incidents
        _edit_title(path)
    ingest_paths([root], db, workers=1)
    mode, since, n_fit, _ = _state(db)
    assert (mode, since) == ("full", 0)
    assert n_fit == 79


def test_other_settings_recompute_everything_and_too_many_skip(corpus: tuple[Path, Path]) -> None:
    _root, db = corpus
    con = duckdb.connect(str(db))
    try:
        config = Config(recurrence=RecurrenceSettings(window_days=90))
        assert cache.refresh(con, config).mode == "full"
        assert cache.refresh(con, config).mode == "unchanged"
        small = Config(recurrence=RecurrenceSettings(max_incidents=10))
        skipped = cache.refresh(con, small)
        assert skipped.mode == "skipped" and "max_incidents" in skipped.message
        assert con.execute("SELECT count(*) FROM incident_similarity").fetchone() == (0,)
        assert con.execute("SELECT status FROM similarity_state").fetchone() == ("skipped",)
        assert cache.refresh(con).mode == "full"  # back under the limit
    finally:
        con.close()


def test_every_incident_lists_only_earlier_ones_with_reasons(corpus: tuple[Path, Path]) -> None:
    _root, db = corpus
    con = duckdb.connect(str(db), read_only=True)
    try:
        bad = con.execute(
            """
            SELECT count(*) FROM incident_similarity AS s
            JOIN incidents AS a ON a.path = s.path AND a.incident_id = s.incident_id
            JOIN incidents AS b ON b.path = s.similar_path AND b.incident_id = s.similar_incident_id
            WHERE COALESCE(b.started_at, b.incident_date) > COALESCE(a.started_at, a.incident_date)
               OR s.score <= 0 OR s.score > 1 OR s.days_apart < 0
            """
        ).fetchone()
        assert bad == (0,)
        per = con.execute(
            "SELECT max(n), count(*) FROM (SELECT count(*) FILTER (WHERE rank IS NOT NULL) AS n "
            "FROM incident_similarity GROUP BY path, incident_id)"
        ).fetchone()
        assert per is not None and per[0] == 5 and per[1] >= 70
        best = con.execute(
            "SELECT count(*) FROM (SELECT path FROM incident_similarity WHERE window_best "
            "GROUP BY path, incident_id HAVING count(*) > 1)"
        ).fetchone()
        assert best == (0,)  # one window best at most
        with_service = con.execute(
            "SELECT count(*) FROM incident_similarity WHERE len(shared_services) > 0"
        ).fetchone()
        assert with_service is not None and with_service[0] > 0
    finally:
        con.close()


def test_classify_refreshes_the_similarity_too(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    from pmkit.config import Config
    from pmkit.store import classify_database

    _root, db = corpus
    taxonomy = tmp_path / "taxonomy.toml"
    taxonomy.write_text(
        '[factors.everything]\ndescription = "x"\npatterns = ["."]\n', encoding="utf-8"
    )
    classify_database(db, Config(), taxonomy)
    con = duckdb.connect(str(db), read_only=True)
    try:
        # every factor is now in one category: factor overlap is 1 wherever both list factors
        row = con.execute(
            "SELECT count(*) FILTER (WHERE shared_factor_categories = ['everything']), "
            "count(*) FILTER (WHERE len(shared_factor_categories) > 0) FROM incident_similarity"
        ).fetchone()
        assert row is not None and row[0] == row[1] > 0
    finally:
        con.close()


def test_undated_incidents_are_left_out_and_counted(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.md").write_text(
        "# Redis outage\n\n**Date:** 2026-01-05\n\n## Summary\n\nRedis ran out of memory.\n"
    )
    (root / "b.md").write_text(
        "# Redis outage again\n\n**Date:** 2026-02-05\n\n## Summary\n\nRedis ran out of memory again.\n"
    )
    (root / "c.md").write_text(
        "# Redis outage, no date\n\n## Summary\n\nRedis ran out of memory.\n"
    )
    db = tmp_path / "x.duckdb"
    ingest_paths([root], db, workers=1)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT n_incidents, n_undated FROM similarity_state").fetchone() == (
            2,
            1,
        )
        rows = con.execute(
            "SELECT path, similar_path, rank, window_best FROM incident_similarity"
        ).fetchall()
        assert rows == [("b.md", "a.md", 1, True)]
    finally:
        con.close()
