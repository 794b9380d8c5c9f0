"""The drafting form as a web app: `pmkit draft` (Voila) driven by headless Debian chromium.

Starts the real command on a free 127.0.0.1 port in its own process group, fills the form the way
a person does, and checks the file Save wrote. Every non-local request is blocked. Set
``PMKIT_DRAFT_SCREENSHOT=path.png`` to keep the screenshot (the README's comes from here).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from pmkit.config import Config

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    jupyter_env,
    local_server,
    require_browser,
)

TIMEOUT_MS = 60_000

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """``pmkit draft`` on a free port: (url, corpus, db). Stopped in the finalizer."""
    require_browser()
    corpus, db = tmp_path / "corpus", tmp_path / "pmkit.duckdb"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    argv = [sys.executable, "-m", "pmkit.cli", "draft", "--corpus", str(corpus), "--db", str(db)]
    log = tmp_path / "server.log"
    with local_server(argv + ["--port", str(port)], tmp_path, jupyter_env(tmp_path), url, log):
        assert f"Drafting form: {url}" in log.read_text()
        yield url, corpus, db


def test_fill_and_save_in_chromium(server: tuple[str, Path, Path], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, corpus, db = server
    config = Config()
    severity = f"P1 - {config.severity_definitions['P1']}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.route(
                "**/*",
                lambda r: (
                    r.continue_()
                    if r.request.url.startswith(("file:", "data:", "http://127.0.0.1"))
                    else r.abort()
                ),
            )
            page.goto(url, timeout=TIMEOUT_MS)
            page.locator(".f-title input").wait_for(timeout=TIMEOUT_MS)

            page.fill(".f-title input", "Search index lag after upgrade (v2.3)")
            page.select_option(".f-severity select", value=severity)
            expect(page.locator(".f-severity-def")).to_contain_text("Degraded service")
            for css, value in (
                (".f-started-at input", "2026-03-04 14:05"),
                (".f-detected-at input", "2026-03-04 14:12"),
                (".f-mitigated-at input", "2026-03-04 14:40"),
                (".f-resolved-at input", "2026-03-04 15:10"),
                (".f-services input", "search-api, indexer"),
            ):
                page.fill(css, value)
            page.fill(".f-summary textarea", "Search results were up to 40 minutes stale.")
            page.fill(".f-root-cause textarea", "The indexer upgrade halved its batch size.")

            page.click(".f-add-event")
            page.fill(".f-event-time input", "2026-03-04 14:12")
            page.fill(".f-event-text input", "Lag alert fired")
            page.click(".f-add-factor")
            page.fill(".f-factor-text input", "Batch size is not load tested")
            page.click(".f-add-action")
            page.click(".f-add-action")
            expect(page.locator(".f-action-row")).to_have_count(2)
            rows = [
                ("Load test the indexer batch size", "Bo Chen", "2026-12-01", "Open", "OPS-7"),
                ("Alert on index lag sooner", "Cy Dee", "2027-01-15", "In Progress", "OPS-8"),
            ]
            for n, (text, owner, due, status, ref) in enumerate(rows):
                page.locator(".f-action-text input").nth(n).fill(text)
                page.locator(".f-action-owner input").nth(n).fill(owner)
                page.locator(".f-action-due input").nth(n).fill(due)
                page.locator(".f-action-status select").nth(n).select_option(value=status)
                page.locator(".f-action-tracking input").nth(n).fill(ref)
            page.locator(".f-action-kind select").nth(1).select_option(value="Long-term")

            owner_msg = page.locator(".f-owner-msg")
            expect(owner_msg).to_contain_text("Owner is required")
            expect(page.locator("button.f-save")).to_be_disabled()
            page.fill(".f-owner input", "Ana Silva")
            expect(owner_msg).not_to_contain_text("Owner is required")
            expect(page.locator(".f-preview")).to_contain_text(
                "Search index lag after upgrade (v2.3)"
            )

            save = page.locator("button.f-save")
            expect(save).to_be_enabled()
            save.click()
            expect(page.locator(".f-save-status")).to_contain_text("Saved")
            shot = tmp_path / "draft-form.png"
            page.set_viewport_size({"width": 1600, "height": 1900})
            page.locator(".f-template").scroll_into_view_if_needed()
            page.screenshot(path=str(shot))
            keep = os.environ.get("PMKIT_DRAFT_SCREENSHOT")
            if keep:
                shutil.copyfile(shot, keep)
        finally:
            browser.close()

    saved = corpus / "2026" / "2026-03-04-search-index-lag-after-upgrade-v2-3.md"
    assert saved.is_file(), sorted(str(p) for p in corpus.rglob("*"))
    pytest.importorskip("pmkit.parse.document", reason="the parser is not importable")
    from pmkit.parse import parse_file

    doc = parse_file(saved, root=corpus)
    (pm,) = doc.incidents
    assert pm.title == "Search index lag after upgrade (v2.3)"
    assert (pm.severity_label, pm.severity_level, pm.owner) == ("P1", 1, "Ana Silva")
    assert (pm.started_at, pm.detected_at, pm.mitigated_at, pm.resolved_at) == (
        datetime(2026, 3, 4, 14, 5),
        datetime(2026, 3, 4, 14, 12),
        datetime(2026, 3, 4, 14, 40),
        datetime(2026, 3, 4, 15, 10),
    )
    assert pm.services == ["search-api", "indexer"]
    assert [(e.occurred_at, e.event) for e in pm.timeline] == [
        (datetime(2026, 3, 4, 14, 12), "Lag alert fired")
    ]
    assert [f.text for f in pm.factors] == ["Batch size is not load tested"]
    assert [
        (a.text, a.owner, a.due_date, a.status, a.tracking_ref, a.kind) for a in pm.actions
    ] == [
        (
            "Load test the indexer batch size",
            "Bo Chen",
            date(2026, 12, 1),
            "open",
            "OPS-7",
            "short_term",
        ),
        (
            "Alert on index lag sooner",
            "Cy Dee",
            date(2027, 1, 15),
            "in_progress",
            "OPS-8",
            "long_term",
        ),
    ]

    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT path, title, severity_level FROM incidents").fetchall()
    finally:
        con.close()
    assert rows == [(saved.relative_to(corpus).as_posix(), pm.title, 1)]
