"""Executed notebook -> one self-contained HTML page, code hidden, nothing fetched from a network.

nbconvert's "lab" page links require.js, MathJax and mermaid from a CDN; our template
(``templates/pmkit_report.html.j2``) drops them, and the charts are inline SVG already.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def strip_css_comments(html: str) -> str:
    """Drop comments inside ``<style>`` blocks: JupyterLab's CSS cites web pages in them, and a
    report should hold no external URL at all (and be smaller)."""
    return _STYLE.sub(lambda m: m[1] + _CSS_COMMENT.sub("", m[2]) + m[3], html)


@cache
def _exporter() -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="pmkit_report.html.j2",
        extra_template_paths=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def export_html(notebook_path: Path, html_path: Path, title: str) -> Path:
    """Write ``notebook_path`` (executed) as HTML to ``html_path`` and return it."""
    import nbformat

    nb = nbformat.read(notebook_path, as_version=4)
    nb.metadata["title"] = title
    nb.metadata.pop("widgets", None)  # no widget state: it would pull the widget JS from a CDN
    resources = {"pmkit_css": (TEMPLATES / "pmkit.css").read_text(encoding="utf-8")}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    html_path.write_text(strip_css_comments(body), encoding="utf-8")
    return html_path
