"""The drafting form as a web app: `pmkit draft` (Voila) driven by headless Debian chromium.

Starts the real command on a free 127.0.0.1 port in its own process group, fills the form the way
a person does, and checks the file Save wrote and what ``pmkit ingest`` reads from it. The corpus
starts with three postmortems (``fixtures/draft/similar``, ingested by ``pmkit ingest``): the
"similar past incidents" panel beside the form lists the earlier one the draft resembles, escaped.
Every request is recorded and any that would leave 127.0.0.1 is blocked and fails the test. Set
``PMKIT_DRAFT_SCREENSHOTS=folder`` to keep the 1400 px and 900 px screenshots (the README's come
from here).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from pmkit.config import Config

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCAL,
    free_port,
    jupyter_env,
    local_server,
    require_browser,
)

TIMEOUT_MS = 60_000
PAST = Path(__file__).parent / "fixtures" / "draft" / "similar"
"""Two postmortems before the draft's start (one like it, with markup in its title) and one
after it (like it too, so never listed)."""
LIKE_IT = "Search results stale: the indexer batch job fell behind"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """``pmkit draft`` on a free port: (url, corpus, db). Stopped in the finalizer."""
    require_browser()
    from click.testing import CliRunner

    from pmkit.cli import cli

    corpus, db = tmp_path / "corpus", tmp_path / "pmkit.duckdb"
    shutil.copytree(PAST, corpus)
    ingested = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(db), "-q"])
    assert ingested.exit_code == 0, ingested.output
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    argv = [sys.executable, "-m", "pmkit.cli", "draft", "--corpus", str(corpus), "--db", str(db)]
    log = tmp_path / "server.log"
    with local_server(argv + ["--port", str(port)], tmp_path, jupyter_env(tmp_path), url, log):
        assert f"Drafting form: {url}" in log.read_text()
        yield url, corpus, db


HOSTILE_TITLE = "Timeout parsing List<Order> when qty > 5 & <none> set"
FORM_ORDER = [
    "f-title",
    "f-severity",
    "f-status",
    "f-owner",
    "f-responders",
    "f-services",
    "f-started-at",
    "f-detected-at",
    "f-mitigated-at",
    "f-resolved-at",
    "f-drafted-on",
    "f-summary",
    "f-impact",
    "f-root-cause",
]
"""The metadata and narrative fields top to bottom, as Tab must visit them."""
_FOCUSED = """() => {
  for (let el = document.activeElement; el; el = el.parentElement) {
    const c = [...el.classList].find((name) => name.startsWith("f-"));
    if (c) return c;
  }
  return document.activeElement ? document.activeElement.tagName : null;
}"""


def _overflowing(page: Any) -> list[str]:
    """The boxes of the form whose content is wider than they are (a field cut off at the side,
    or scrolled sideways inside its row), and fields passing the form column's right edge."""
    found: list[str] = page.evaluate(
        """() => {
          const out = [];
          const form = document.querySelector('.pm-form');
          for (const el of [form, ...form.querySelectorAll('*')]) {
            if (getComputedStyle(el).overflowX !== 'visible' && el.tagName !== 'TEXTAREA'
                && el.scrollWidth > el.clientWidth) {
              const inner = el.querySelector('[class*=" f-"]')?.className ?? '';
              out.push(`${el.className} (${inner}): ${el.scrollWidth} > ${el.clientWidth}`);
            }
          }
          const right = form.getBoundingClientRect().right;
          for (const el of form.querySelectorAll('input, select, textarea, button')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > right + 0.5) out.push(`${el.className}: ${r.right} > ${right}`);
          }
          return out;
        }"""
    )
    return found


def _box(page: Any, css: str) -> dict[str, float]:
    box = page.locator(css).first.bounding_box()
    assert box is not None, css
    return box


def test_fill_and_save_in_chromium(server: tuple[str, Path, Path], tmp_path: Path) -> None:
    """The hostile title typed in a real browser is saved, ingested by ``pmkit ingest`` and read
    back exact; the page makes no request beyond 127.0.0.1; the layout is checked at 1400 px
    and 900 px, with a screenshot of each."""
    from playwright.sync_api import expect, sync_playwright

    url, corpus, db = server
    config = Config()
    severity = f"P1 - {config.severity_definitions['P1']}"
    requests: list[str] = []
    shots = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.on("request", lambda r: requests.append(r.url))
            page.on("websocket", lambda ws: requests.append(ws.url))
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort()
            )
            page.goto(url, timeout=TIMEOUT_MS)
            page.locator(".f-title input").wait_for(timeout=TIMEOUT_MS)

            # an empty form opens quiet: no "required" before anything is touched
            expect(page.locator(".f-msg .msg-error")).to_have_count(0)

            # Tab follows the page
            page.locator(".f-title input").focus()
            order = [page.evaluate(_FOCUSED)]
            for _ in FORM_ORDER[1:]:
                page.keyboard.press("Tab")
                order.append(page.evaluate(_FOCUSED))
            assert order == FORM_ORDER

            page.fill(".f-title input", HOSTILE_TITLE)
            page.select_option(".f-severity select", value=severity)
            expect(page.locator(".f-severity-def")).to_contain_text("Degraded service")
            for css, value in (
                (".f-started-at input", "2026-03-04 23:40"),
                (".f-detected-at input", "2026-03-04 23:52"),
                (".f-mitigated-at input", "2026-03-05 00:20"),
                (".f-resolved-at input", "2026-03-05 00:45"),
                (".f-services input", "search-api, indexer"),
                (".f-responders input", "Bo Chen, Cy Dee"),
            ):
                page.fill(css, value)
            page.fill(".f-summary textarea", "Search results were up to 40 minutes stale.")
            page.fill(
                ".f-root-cause textarea",
                "Human error: the operator forgot the <tenant_id> header in the batch job.",
            )
            expect(page.locator(".f-root-cause-msg")).to_contain_text("Blameless wording")

            # the similar past incidents fill in beside the form, escaped, earlier ones only
            similar = page.locator(".f-similar-body")
            expect(similar.locator(".pm-similar-item").first).to_contain_text(LIKE_IT)
            first = similar.locator(".pm-similar-item").first
            expect(first).to_contain_text("2025-11-20")
            expect(first).to_contain_text("P2")
            expect(first).to_contain_text("same service indexer, search-api")
            expect(first).to_contain_text("2025/11/2025-11-20-search-results-stale.md")
            expect(first).to_contain_text("""<img src=x onerror="document.title='pwned'">""")
            expect(similar).to_contain_text("the 2 past incidents before 2026-03-04 23:40")
            expect(similar).not_to_contain_text("Search results stale again")
            assert similar.locator("img").count() == 0

            events = (("23:52", "Lag alert fired"), ("00:10", "Batch size halved"))
            for n, (time_text, event) in enumerate(events):
                page.click(".f-add-event")
                expect(page.locator(".f-event-row")).to_have_count(n + 1)
                page.locator(".f-event-time input").nth(n).fill(time_text)
                page.locator(".f-event-text input").nth(n).fill(event)
            expect(page.locator(".f-event-dated").last).to_contain_text("2026-03-05 00:10")
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

            # Save with the owner missing: nothing written, the error shows
            save = page.locator("button.f-save")
            save.click()
            expect(page.locator(".f-owner-msg")).to_contain_text("Owner is required")
            expect(page.locator(".f-save-status")).to_contain_text("Not saved")
            page.fill(".f-owner input", "Ana Silva")
            expect(page.locator(".f-owner-msg")).not_to_contain_text("Owner is required")
            expect(page.locator(".f-preview .pm-preview-body h1")).to_contain_text(HOSTILE_TITLE)

            # layout at 1400 px: the preview beside the form, hints as wide as their field
            assert not _overflowing(page), "every field stays inside the form's column"
            form_box, preview_box = _box(page, ".pm-form"), _box(page, ".pm-aside")
            assert preview_box["x"] >= form_box["x"] + form_box["width"] - 1
            assert 0 <= preview_box["y"] < 200, "the preview stays in sight while typing below"
            hint_box, area_box = _box(page, ".f-root-cause-msg"), _box(page, ".f-root-cause")
            assert hint_box["width"] >= area_box["width"] - 1 and hint_box["width"] > 400
            assert hint_box["y"] >= area_box["y"] + area_box["height"] - 1

            save.click()
            page.locator(".f-save-status .saved, .f-save-status .msg-error").wait_for()
            errors = page.locator(".f-msg .msg-error").all_inner_texts()
            assert not errors, errors
            expect(page.locator(".f-save-status")).to_contain_text("Saved")
            expect(page.locator(".f-save-status")).to_contain_text("ingested")
            page.mouse.wheel(0, -10_000)
            shots["1400"] = tmp_path / "draft-form-1400.png"
            page.screenshot(path=str(shots["1400"]))
            # typing further down, the similar past incidents stay in sight beside the form
            page.locator(".f-add-factor").scroll_into_view_if_needed()
            shots["1400-similar"] = tmp_path / "draft-form-1400-similar.png"
            page.screenshot(path=str(shots["1400-similar"]))
            form_box, similar_box = (
                _box(page, ".pm-form"),
                _box(page, ".f-similar .pm-similar-item"),
            )
            assert similar_box["x"] >= form_box["x"] + form_box["width"] - 1
            assert 0 <= similar_box["y"] and similar_box["y"] + similar_box["height"] <= 1000
            assert page.title() != "pwned"
            page.locator(".f-root-cause").scroll_into_view_if_needed()
            shots["1400-hints"] = tmp_path / "draft-form-1400-hints.png"
            page.screenshot(path=str(shots["1400-hints"]))
            page.set_viewport_size({"width": 900, "height": 1000})
            page.locator(".f-root-cause").scroll_into_view_if_needed()
            shots["900"] = tmp_path / "draft-form-900.png"
            page.screenshot(path=str(shots["900"]))
            # at 900 px the preview wraps below the form
            form_box, preview_box = _box(page, ".pm-form"), _box(page, ".pm-aside")
            assert preview_box["y"] >= form_box["y"] + form_box["height"] - 1
            assert not _overflowing(page), "every field stays inside the form's column"
            # "New draft" empties the form for the next postmortem; the saved file stays
            page.click("button.f-new")
            expect(page.locator(".f-title input")).to_have_value("")
            expect(page.locator(".f-event-row")).to_have_count(0)
            expect(page.locator(".f-target")).to_contain_text("Will write")
            expect(page.locator(".f-msg .msg-error")).to_have_count(0)
        finally:
            browser.close()

    keep = os.environ.get("PMKIT_DRAFT_SCREENSHOTS")
    if keep:
        for shot in shots.values():
            shutil.copyfile(shot, Path(keep) / shot.name)
    outside = [u for u in requests if not u.startswith(LOCAL)]
    assert requests and not outside, f"requests that left 127.0.0.1: {outside}"

    saved = corpus / "2026" / "03" / "2026-03-04-timeout-parsing-list-order-when-qty-5-none-set.md"
    assert saved.is_file(), sorted(str(p) for p in corpus.rglob("*"))
    text = saved.read_text(encoding="utf-8")
    assert "<none>" not in text.replace("\\<none>", "") and "\\<tenant_id>" in text

    # re-ingest through the CLI entry point into a fresh DuckDB file
    from click.testing import CliRunner

    from pmkit.cli import cli

    fresh = tmp_path / "fresh.duckdb"
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--db", str(fresh), "--quiet"])
    assert result.exit_code == 0, result.output

    import duckdb

    for database in (fresh, db):  # the CLI's, and the one the form's Save ingested into
        con = duckdb.connect(str(database), read_only=True)
        try:
            (row,) = con.execute(
                "SELECT path, title, severity_level, owner, responders, root_cause, services "
                "FROM incidents WHERE path LIKE '2026/03/%'"
            ).fetchall()
            events = con.execute(
                "SELECT occurred_at, event FROM timeline_events WHERE path LIKE '2026/03/%' "
                "ORDER BY seq"
            ).fetchall()
            actions = con.execute(
                "SELECT text, owner, due_date, status, tracking_ref, kind FROM action_items "
                "WHERE path LIKE '2026/03/%' ORDER BY text DESC"
            ).fetchall()
        finally:
            con.close()
        assert row == (
            "2026/03/2026-03-04-timeout-parsing-list-order-when-qty-5-none-set.md",
            HOSTILE_TITLE,
            1,
            "Ana Silva",
            ["Bo Chen", "Cy Dee"],
            "Human error: the operator forgot the <tenant_id> header in the batch job.",
            ["search-api", "indexer"],
        ), database
        assert events == [
            (datetime(2026, 3, 4, 23, 52), "Lag alert fired"),
            (datetime(2026, 3, 5, 0, 10), "Batch size halved"),
        ]
        assert actions == [
            ("Load test the indexer batch size", "Bo Chen", date(2026, 12, 1), "open", "OPS-7", "short_term"),
            ("Alert on index lag sooner", "Cy Dee", date(2027, 1, 15), "in_progress", "OPS-8", "long_term"),
        ]  # fmt: skip
