"""``notebooks/explore.ipynb`` in real JupyterLab, driven by headless Debian chromium at 1400 px.

Starts JupyterLab on a free 127.0.0.1 port with every Jupyter folder in ``tmp_path``, the
project's ``jupyter_server_config.py`` (the save hook, as ``make lab`` uses it) and a COPY of
the notebook pointed at a database ingested from a copy of the fixture corpus inside Lab's
folder (so rows link to their files). Runs all cells and then, as an analyst would: selects a
month and sees every other chart and the table narrow, adds a severity from the legend,
removes a chip, searches and sorts the table, opens an incident's detail, exports a CSV,
downloads it and reads it back, reads the report command, and saves with Ctrl-S: the file on
disk has no outputs while the page still shows them. Every non-local request is blocked, so
the charts must render from JavaScript served by the kernel. Set
``PMKIT_EXPLORE_SCREENSHOT=folder`` to keep the screenshots (the README's come from here).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest

from pmkit.nbstrip import problems
from pmkit.store import ingest_paths

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCAL,
    free_port,
    jupyter_env,
    local_server,
    require_browser,
)

ROOT = Path(__file__).parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
CORPUS = Path(__file__).parent / "fixtures" / "explore" / "corpus"
TIMEOUT_MS = 90_000
WIDTH = 1400
HEIGHT = 2600
"""Tall enough for the whole panel: a screenshot shows what is in the window."""

CAPTION = ".pmkit-x-table .pmkit-xt-caption"
ROWS = ".pmkit-x-table tbody tr.pmkit-xt-row"

pytestmark = pytest.mark.browser


def _notebook_copy(folder: Path, db: Path) -> Path:
    """The shipped notebook with its ``parameters`` cell pointed at ``db``."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    cell.source = f"db_path = {json.dumps(str(db))}"
    target = folder / "explore.ipynb"
    nbformat.write(nb, target)
    return target


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """JupyterLab serving ``work/`` (the notebook copy, the corpus copy); stopped at the end."""
    require_browser()
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(CORPUS, work / "corpus")
    db = tmp_path / "pmkit.duckdb"
    ingest_paths([work / "corpus"], db, workers=1)
    _notebook_copy(work, db)
    env = jupyter_env(tmp_path)
    env["JUPYTER_CONFIG_PATH"] = str(ROOT)  # the project's jupyter_server_config.py
    # No "Jupyter news" question (it would cover the page); start the notebook's kernel without
    # asking (under load Lab may otherwise show "Select Kernel" before it knows the kernels).
    settings = tmp_path / "jconfig" / "lab" / "user-settings" / "@jupyterlab"
    for extension, name, value in (
        ("apputils-extension", "notification", '{"fetchNews": "false"}'),
        ("notebook-extension", "tracker", '{"autoStartDefaultKernel": true}'),
    ):
        (settings / extension).mkdir(parents=True)
        (settings / extension / f"{name}.jupyterlab-settings").write_text(value)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root"]
    argv += [f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token="]
    argv += [f"--ServerApp.root_dir={work}", "--ServerApp.port_retries=0"]
    with local_server(argv, work, env, f"{url}/api/status", tmp_path / "server.log"):
        yield url, work


def _accept_dialogs(page: Any, seen: list[str]) -> None:
    """Accept any Lab dialog, picking the Python kernel when Lab asks for one; note its text."""
    dialog = page.locator(".jp-Dialog")
    while dialog.count():
        first = dialog.first
        seen.append(first.inner_text(timeout=10_000))
        kernels = first.locator("select")
        if kernels.count():
            kernels.first.select_option(label="Python 3 (ipykernel)", timeout=10_000)
        first.locator(".jp-mod-accept").first.click(timeout=10_000)
        page.wait_for_timeout(500)


def _run_all(page: Any, seen: list[str]) -> None:
    """Run -> Run All Cells once the kernel is idle, until the LAST cell has started.

    While Lab is still starting the kernel a Run All can run only the first cells (or none);
    running everything again is harmless, so retry.
    """
    last_started = (
        "() => { const p = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return p.length > 0 && /[0-9*]/.test(p[p.length - 1].textContent); }"
    )
    for _ in range(5):
        _accept_dialogs(page, seen)
        page.wait_for_selector("[data-status='idle']", timeout=TIMEOUT_MS)
        page.keyboard.press("Escape")
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.wait_for_function(last_started, timeout=30_000)
            return
        except Exception:  # noqa: S112 - retried, fails after the last try
            continue
    pytest.fail(f"Run All Cells did not reach the last cell (dialogs: {seen})")


def _run_until(page: Any, selector: str, seen: list[str]) -> None:
    """Run all cells until ``selector`` shows (once more if a kernel restart swallowed the run)."""
    for attempt in range(3):
        _run_all(page, seen)
        try:
            page.wait_for_selector(selector, timeout=TIMEOUT_MS)
            return
        except Exception:
            if attempt == 2:
                raise


def _text_changed(selector: str, before: str) -> str:
    return (
        f"() => {{ const e = document.querySelector({json.dumps(selector)});"
        f" return e !== null && e.textContent !== {json.dumps(before)}; }}"
    )


def _titles(page: Any) -> dict[str, str]:
    """Each chart's title and subtitle text, as drawn."""
    out = {}
    for name in ("severity", "draft", "factor", "overdue"):
        texts = page.locator(f".pmkit-x-chart-{name} svg .role-title text").all_text_contents()
        out[name] = " | ".join(texts)
    return out


def _shot(page: Any, target: Path, keep: str | None, name: str, selector: str) -> None:
    page.locator(selector).screenshot(path=str(target / name))
    assert (target / name).stat().st_size > 10_000
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(target / name, Path(keep) / name)


def test_explore_notebook_in_jupyterlab(lab: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, work = lab
    keep = os.environ.get("PMKIT_EXPLORE_SCREENSHOT")
    blocked: list[str] = []
    dialogs: list[str] = []

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(LOCAL):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": WIDTH, "height": HEIGHT}, accept_downloads=True
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", route)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            lab_dialogs: list[str] = []
            page.goto(f"{url}/lab/tree/explore.ipynb?reset")
            page.wait_for_selector(".jp-Notebook")
            _run_until(page, CAPTION, lab_dialogs)
            page.wait_for_function(_text_changed(CAPTION, ""))
            for name in ("severity", "draft", "factor", "overdue"):
                page.wait_for_selector(f".pmkit-x-chart-{name} svg .role-title", state="attached")
            assert page.text_content(CAPTION) == "10 incidents match the filters."
            assert page.locator(ROWS).count() == 10
            before = _titles(page)
            assert "n = 10" in before["severity"]
            assert "narrowed" not in " ".join(before.values())
            # the clear button's label is whole (not cut to "Clear chart sel...")
            clear = page.locator(".pmkit-x-clear")
            assert clear.evaluate("b => b.scrollWidth <= b.clientWidth")
            # every row links to its Markdown file, which Lab serves
            href = page.locator(f"{ROWS} a.pmkit-xt-file").first.get_attribute("href") or ""
            assert re.fullmatch(r"/lab/tree/corpus/[^/]+\.md", href), href
            served = page.request.get(
                url + href.replace("/lab/tree/", "/files/", 1), headers={"Referer": f"{url}/lab"}
            )
            assert served.ok and "## " in served.text()

            # select a month: the table and every other chart narrow
            october = page.locator(
                ".pmkit-x-chart-severity svg path[aria-label*='period: 2026-10'][aria-label*='severity: L2']"
            )
            october.first.click()
            page.wait_for_function(_text_changed(CAPTION, "10 incidents match the filters."))
            caption = page.text_content(CAPTION) or ""
            assert caption == "3 of 10 incidents matching the filters (narrowed by period 2026-10)."
            assert page.locator(ROWS).count() == 3
            assert all(t.startswith("2026-10") for t in _cells(page, 0))
            page.wait_for_function(
                "() => ['draft', 'factor', 'overdue'].every(n => (document.querySelector("
                "`.pmkit-x-chart-${n} svg .role-title`) || {}).textContent?.includes("
                "'narrowed by period 2026-10'))"
            )
            after = _titles(page)
            assert after["severity"] == before["severity"]  # not narrowed by its own click
            assert after["draft"] != before["draft"] and after["overdue"] != before["overdue"]
            assert after["factor"] != before["factor"]
            chips = page.locator(".pmkit-x-chips button")
            assert chips.all_text_contents() == ["period: 2026-10 ✕"]
            _shot(page, tmp_path, keep, "explore-linked.png", ".pmkit-explore-panel")

            # a severity from the legend narrows further; its chip removes it again
            page.locator(
                ".pmkit-x-chart-severity svg .role-legend-label text:text-is('L2')"
            ).click()
            page.wait_for_function(
                f"() => document.querySelector({json.dumps(CAPTION)}).textContent"
                ".includes('severity L2')"
            )
            assert "period 2026-10; severity L2" in (page.text_content(CAPTION) or "")
            assert page.locator(ROWS).count() == 3  # October's incidents are all L2 here
            assert chips.all_text_contents() == ["period: 2026-10 ✕", "severity: L2 ✕"]
            narrowed = page.text_content(CAPTION) or ""
            chips.nth(1).click()
            page.wait_for_function(_text_changed(CAPTION, narrowed))
            assert page.text_content(CAPTION) == caption

            # search and sort
            page.fill(".pmkit-xt-search", "crash")
            page.wait_for_function(_text_changed(CAPTION, caption))
            assert "search “crash”" in (page.text_content(CAPTION) or "")
            assert page.locator(ROWS).count() == 2
            page.click(".pmkit-x-table th[data-key='title']")
            page.wait_for_function(
                f"() => {{ const t = [...document.querySelectorAll({json.dumps(ROWS)})]"
                ".map(r => r.children[2].textContent.toLowerCase());"
                " return t.length === 2 && t[0] <= t[1]; }"
            )
            titles = _cells(page, 2)
            assert titles == sorted(titles, key=str.casefold)

            # an incident's detail: summary, timeline strip with milestones, factors, actions
            page.locator(ROWS).first.click()
            page.wait_for_selector(".pmkit-x-detail h3")
            detail = page.locator(".pmkit-x-detail")
            assert titles[0] in (detail.locator("h3").text_content() or "")
            text = detail.text_content() or ""
            for part in ("Executive summary", "Timeline (UTC)", "Contributing factors"):
                assert part in text
            assert "Action items" in text and "Markdown source" in text
            marks = detail.locator(".pmkit-x-strip-svg .pmkit-x-milestone")
            assert marks.count() >= 2
            assert detail.locator(".pmkit-x-strip-svg .pmkit-x-event").count() >= 1
            assert detail.locator("a.pmkit-x-file").get_attribute("href", timeout=5_000)
            _shot(page, tmp_path, keep, "explore-detail.png", ".pmkit-x-detail")

            # export what the table lists, download it, read it back
            shown_ids = _cells(page, 1)
            frame = _export(page, tmp_path, work, "incidents", "incidents")
            assert list(frame["incident_id"]) == shown_ids
            # and their action items: every row belongs to a listed incident
            actions = _export(page, tmp_path, work, "actions", "action items of")
            assert len(actions) > 0 and set(actions["incident_id"]) <= set(shown_ids)

            # the report command: same window and filters, the selection and search left out
            command = page.text_content(".pmkit-x-command pre") or ""
            assert "pmkit report \\\n  --db " in command and "--as-of" in command
            assert "the period selection (2026-10)" in (page.text_content(".pmkit-x-command") or "")

            # postmortem text never became markup
            panel = page.locator(".pmkit-explore-panel")
            assert panel.locator("img, script, iframe").count() == 0
            assert dialogs == []
            assert not [u for u in blocked if u.endswith(".js") or "esm.sh" in u], blocked

            # Ctrl-S: the page keeps its outputs, the file on disk has none
            saved_path = work / "explore.ipynb"
            mtime = saved_path.stat().st_mtime_ns
            page.locator(".jp-Notebook .jp-Cell").first.click()
            page.keyboard.press("Escape")
            page.keyboard.press("Control+s")
            for _ in range(300):
                if saved_path.stat().st_mtime_ns != mtime:
                    break
                page.wait_for_timeout(200)
            assert saved_path.stat().st_mtime_ns != mtime, "Ctrl-S did not save the notebook"
            page.wait_for_timeout(500)  # let the write finish (Lab writes, then renames)
            saved_nb = json.loads(saved_path.read_text(encoding="utf-8"))
            assert problems(saved_nb) == []
            assert "db_path = " in "".join(saved_nb["cells"][1]["source"])
            assert page.locator(".pmkit-explore-panel .pmkit-xt-row").count() > 0
        except Exception:
            # Leave evidence next to the server log: what the page showed when it failed.
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failure.png'}; Lab dialogs: {lab_dialogs}")
            print(f"blocked requests: {blocked}")
            raise
        finally:
            browser.close()


def _export(page: Any, tmp_path: Path, work: Path, what: str, said: str) -> pd.DataFrame:
    """Click an export button, download the file its message links, check it is the file the
    kernel wrote, and read it."""
    button = ".pmkit-x-export-csv" if what == "incidents" else f".pmkit-x-export-{what}-csv"
    page.click(button)
    page.wait_for_selector(f".pmkit-x-export-message:has-text('{said}') a.pmkit-x-download")
    with page.expect_download() as download_info:
        page.click(".pmkit-x-export-message a.pmkit-x-download")
    saved = tmp_path / f"download-{what}.csv"
    download_info.value.save_as(saved)
    (written,) = (work / "exports").glob(f"pmkit-{what}-*.csv")
    assert written.read_bytes() == saved.read_bytes()
    return pd.read_csv(saved)


def _cells(page: Any, column: int) -> list[str]:
    """The text of one column of the table's drawn rows."""
    return page.eval_on_selector_all(
        ROWS, f"rows => rows.map(r => r.children[{column}].textContent)"
    )
