"""``reports/index.html``: one page linking every report run, newest first.

Rebuilt from the run folders' ``run.json`` manifests after each run, so it never disagrees with
what is on disk. Every value shown is HTML-escaped.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from html import escape
from pathlib import Path
from typing import Any

MANIFEST = "run.json"
INDEX = "index.html"
_RUN_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
       max-width: 960px; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
.meta { color: #666; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { background: #f6f6f6; }
ul.reports { margin: 0; padding-left: 1.1em; }
.failed { color: #a33; }
.pmkit-nav { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 8px 0 10px; border-bottom: 1px solid #ddd; }
.pmkit-nav a { color: #1a5fb4; text-decoration: none; }
.pmkit-nav .pmkit-nav-current { font-weight: 600; }
.pmkit-nav .pmkit-nav-runs { margin-left: auto; }
"""


def read_runs(out_dir: Path) -> list[dict[str, Any]]:
    """Every published run under ``out_dir`` (folders named ``YYYY-MM-DD``), newest first."""
    runs = []
    for folder in sorted(out_dir.iterdir() if out_dir.is_dir() else [], reverse=True):
        if not folder.is_dir() or not _RUN_DIR.match(folder.name):
            continue
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = {
                "as_of": folder.name,
                "notebooks": [
                    {"name": p.stem, "title": p.stem, "html": p.name}
                    for p in sorted(folder.glob("*.html"))
                ],
            }
        manifest["folder"] = folder.name
        runs.append(manifest)
    return runs


def _when(stamp: object) -> str:
    """``2026-11-22T07:48:11+00:00`` -> ``2026-11-22 07:48``."""
    text = str(stamp or "–")
    return text[:16].replace("T", " ") if len(text) >= 16 and text[10] == "T" else text


def _run_row(run: dict[str, Any]) -> str:
    folder = run["folder"]
    links = []
    for entry in run.get("notebooks", []):
        href = f"{folder}/{entry.get('html', '')}"
        links.append(
            f'<li><a href="{escape(href, quote=True)}">'
            f"{escape(str(entry.get('title') or entry.get('name')))}</a></li>"
        )
    parameters = run.get("parameters", {})
    scope = [f"last {parameters['lookback_days']} days"] if "lookback_days" in parameters else []
    for key in ("severity_levels", "services", "teams", "templates"):
        values = parameters.get(key)
        if values:
            scope.append(f"{key.replace('_', ' ')}: {', '.join(map(str, values))}")
    return (
        f"<tr><td><strong>{escape(folder)}</strong></td>"
        f"<td>{escape('; '.join(scope) or '–')}</td>"
        f'<td><ul class="reports">{"".join(links)}</ul></td>'
        f"<td>{escape(_when(run.get('generated_at')))}</td></tr>"
    )


def render_index(out_dir: Path) -> str:
    """The index page's HTML (self-contained, no external resources)."""
    runs = read_runs(out_dir)
    rows = "".join(_run_row(run) for run in runs)
    body = (
        "<table><thead><tr><th>As of</th><th>Window and filters</th><th>Reports</th>"
        f"<th>Generated (UTC)</th></tr></thead><tbody>{rows}</tbody></table>"
        if runs
        else "<p>No report runs yet. Run <code>pmkit report</code>.</p>"
    )
    failed_dir = out_dir / "failed"
    failed = sorted(failed_dir.iterdir(), reverse=True) if failed_dir.is_dir() else []
    failures = ""
    if failed:
        items = "".join(
            f"<li>{escape(f.name)}: "
            + ", ".join(
                f'<a href="{escape(f"failed/{f.name}/{nb.name}", quote=True)}">{escape(nb.name)}</a>'
                for nb in sorted(f.glob("*.ipynb"))
            )
            + "</li>"
            for f in failed[:10]
            if f.is_dir()
        )
        failures = (
            '<h2 class="failed">Failed runs (kept for debugging)</h2>'
            f'<ul class="failed-runs">{items}</ul>'
        )
    nav = ""
    if runs:  # the latest run's pages, as on every report page
        from pmkit.reports.export import nav_html, run_pages

        latest = [
            (str(nb.get("name")), str(nb.get("title") or nb.get("name")))
            for nb in runs[0].get("notebooks", [])
            if nb.get("name")
        ]
        nav = nav_html(
            "runs", prefix=f"{runs[0]['folder']}/", runs_href=INDEX, pages=run_pages(latest)
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>pmkit reports</title><style>{_CSS}</style></head><body>{nav}"
        "<h1>Postmortem reports</h1>"
        f'<p class="meta">{len(runs)} report run(s). Each run is computed as of its date.</p>'
        f"{body}{failures}</body></html>\n"
    )


def write_index(out_dir: Path) -> Path:
    """Rewrite ``<out_dir>/index.html`` atomically and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / INDEX
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render_index(out_dir))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
