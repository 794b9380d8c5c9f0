"""``notebooks/explore.ipynb`` in real JupyterLab, driven by headless Debian chromium.

Starts JupyterLab on a free 127.0.0.1 port with every Jupyter folder in ``tmp_path`` and a COPY
of the notebook pointed at the fixture database, runs all cells, changes one filter and checks
that a chart and the table changed, clicks a bar, opens an incident. Every non-local request is
blocked, so the charts must render from JavaScript served by the kernel. Set
``PMKIT_EXPLORE_SCREENSHOT=path.png`` to keep the screenshot (the README's comes from here).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

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

pytestmark = pytest.mark.browser


def _notebook_copy(folder: Path, db: Path) -> None:
    """The shipped notebook with its ``parameters`` cell pointed at ``db`` (Lab autosaves)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    cell.source = f"db_path = {json.dumps(str(db))}"
    nbformat.write(nb, folder / "explore.ipynb")


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[str]:
    """JupyterLab serving a copy of explore.ipynb on a free port; stopped in the finalizer."""
    require_browser()
    work = tmp_path / "lab"
    work.mkdir()
    db = tmp_path / "pmkit.duckdb"
    ingest_paths([CORPUS], db, workers=1)
    _notebook_copy(work, db)
    env = jupyter_env(tmp_path)
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
        yield url


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


def test_explore_notebook_in_jupyterlab(lab: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    count_sel = ".pmkit-x-table .pmkit-count"
    title_sel = ".pmkit-x-chart-severity svg .role-title-text"
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
            page = browser.new_page(viewport={"width": 1600, "height": 2600})
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", route)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            lab_dialogs: list[str] = []
            page.goto(f"{lab}/lab/tree/explore.ipynb?reset")
            page.wait_for_selector(".jp-Notebook")
            _run_until(page, count_sel, lab_dialogs)
            page.wait_for_selector(title_sel, state="attached")
            page.wait_for_selector(".pmkit-x-chart-factor svg .mark-rect path", state="attached")
            count_before = page.text_content(count_sel) or ""
            title_before = page.text_content(title_sel) or ""
            assert count_before.startswith("10 incidents")
            assert "n = 10" in title_before

            # one filter: severity L2 only -> the chart and the table both change
            page.locator(".pmkit-x-severity select").select_option(label="L2")
            page.wait_for_function(_text_changed(count_sel, count_before))
            page.wait_for_function(_text_changed(title_sel, title_before))
            assert (page.text_content(count_sel) or "").startswith("5 incidents")
            assert "n = 5" in (page.text_content(title_sel) or "")
            assert page.locator(".pmkit-x-table tbody tr").count() == 5

            # a click on a bar narrows the table to the incidents behind it
            count_filtered = page.text_content(count_sel) or ""
            page.locator(".pmkit-x-chart-factor svg .mark-rect path").first.click()
            page.wait_for_function(_text_changed(count_sel, count_filtered))
            assert "narrowed by the chart selection" in (page.text_content(count_sel) or "")

            # an incident of the table: its detail, with the source file
            page.locator(".pmkit-x-incident select").select_option(index=1)
            page.wait_for_selector(".pmkit-x-detail h3")
            detail = page.text_content(".pmkit-x-detail") or ""
            assert "Source file" in detail and str(CORPUS.resolve()) in detail
            assert "Timeline" in detail and "Action items" in detail

            # postmortem text never became markup
            assert (
                page.locator(".pmkit-explore-panel img, .pmkit-explore-panel script").count() == 0
            )
            assert dialogs == []
            assert not [u for u in blocked if u.endswith(".js") or "esm.sh" in u], blocked

            shot = tmp_path / "explore.png"
            page.locator(".pmkit-explore-panel").screenshot(path=str(shot))
            assert shot.stat().st_size > 10_000
            keep = os.environ.get("PMKIT_EXPLORE_SCREENSHOT")
            if keep:
                shutil.copy(shot, keep)
        except Exception:
            # Leave evidence next to the server log: what the page showed when it failed.
            page.screenshot(path=str(tmp_path / "failure.png"))
            print(f"screenshot: {tmp_path / 'failure.png'}; Lab dialogs: {lab_dialogs}")
            print(f"blocked requests: {blocked}")
            raise
        finally:
            browser.close()
