"""Executed notebook -> one self-contained HTML page, code hidden, nothing fetched from a network.

nbconvert's "lab" page links require.js, MathJax and mermaid from a CDN; our template
(``templates/pmkit_report.html.j2``) drops them, and the charts are inline SVG already.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")
_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_MARKDOWN_WRAPPER = '<div class="jp-Cell-inputWrapper">'
"""Markup of nbconvert's lab template around a text (Markdown) cell."""


NAV_PAGES: tuple[tuple[str, str], ...] = (
    ("summary", "Summary"),
    ("severity_trends", "Severity trends"),
    ("time_to_draft", "Time to draft"),
    ("contributing_factors", "Contributing factors"),
    ("overdue_actions", "Overdue action items"),
    ("recurring_incidents", "Recurring incidents"),
)
"""The pages of a run, in the order the navigation bar shows them (``<name>.html``)."""
ALL_RUNS = "../index.html"


def run_pages(names_titles: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pages a run holds, in the navigation bar's order (the known pages first, then any
    other report in the order given): a bar never links a page the run does not have."""
    order = {name: i for i, (name, _) in enumerate(NAV_PAGES)}
    indexed = list(enumerate(names_titles))
    indexed.sort(key=lambda it: (order.get(it[1][0], len(order)), it[0]))
    return [nt for _, nt in indexed]


def nav_html(
    current: str | None = None,
    prefix: str = "",
    runs_href: str = ALL_RUNS,
    pages: Sequence[tuple[str, str]] = NAV_PAGES,
) -> str:
    """The navigation bar: the run's ``pages`` (name, title; ``prefix`` before each file name)
    and the list of all runs; the ``current`` page (a report name, or ``runs``) is named, not
    linked."""
    items = []
    for name, title in pages:
        if name == current:
            items.append(f'<span class="pmkit-nav-current">{escape(title)}</span>')
        else:
            href = escape(f"{prefix}{name}.html", quote=True)
            items.append(f'<a href="{href}">{escape(title)}</a>')
    if current == "runs":
        items.append('<span class="pmkit-nav-runs pmkit-nav-current">All runs</span>')
    else:
        runs = escape(runs_href, quote=True)
        items.append(f'<a class="pmkit-nav-runs" href="{runs}">All runs</a>')
    return f'<nav class="pmkit-nav">{"".join(items)}</nav>'


def _page_name(nb: Any) -> str | None:
    """The report's name (its notebook's file stem), from papermill's record of the input."""
    source = nb.metadata.get("papermill", {}).get("input_path") or ""
    return Path(str(source)).stem or None


def strip_css_comments(html: str) -> str:
    """Drop comments inside ``<style>`` blocks: JupyterLab's CSS cites web pages in them, and a
    report should hold no external URL at all (and be smaller)."""
    return _STYLE.sub(lambda m: m[1] + _CSS_COMMENT.sub("", m[2]) + m[3], html)


@cache
def _exporter() -> Any:
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """nbconvert's HTML exporter without its last step, a BeautifulSoup pass over the whole
        page (~40% of an export here) that adds ``alt`` to images and ``tabindex`` to cells:
        report pages have no images, the code cells are hidden, and our template puts
        ``tabindex`` on the outputs itself."""

        def from_notebook_node(
            self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[Any, dict[str, Any]]:  # (the page's HTML text, resources)
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", Highlight2HTML(parent=self))  # (code hidden)
            self.register_filter(
                "filter_data_type",
                WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                ),
            )
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter(
        template_name="lab",
        template_file="pmkit_report.html.j2",
        extra_template_paths=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )


def notebook_html(nb: Any, title: str, pages: Sequence[tuple[str, str]] = NAV_PAGES) -> str:
    """The executed notebook ``nb`` as one self-contained HTML page (``nb`` is not changed)."""
    import copy

    nb = copy.copy(nb)
    nb.metadata = copy.deepcopy(nb.metadata)
    nb.metadata["title"] = title
    nb.metadata.pop("widgets", None)  # no widget state: it would pull the widget JS from a CDN
    resources = {"pmkit_css": _css(), "pmkit_nav": nav_html(_page_name(nb), pages=pages)}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    # focusable text cells, as nbconvert's skipped post-pass makes them (outputs: the template)
    body = body.replace(_MARKDOWN_WRAPPER, _MARKDOWN_WRAPPER[:-1] + ' tabindex="0">')
    return strip_css_comments(body)


@cache
def _css() -> str:
    return (TEMPLATES / "pmkit.css").read_text(encoding="utf-8")


def export_html(notebook_path: Path, html_path: Path, title: str) -> Path:
    """Write ``notebook_path`` (executed) as HTML to ``html_path`` and return it.

    Charts a kernel handed over (``pmkit.present.figures``, as under ``pmkit report``) are drawn here;
    a notebook executed by papermill alone already holds them drawn.
    """
    import nbformat

    from pmkit.present.figures import draw_deferred

    nb = nbformat.read(notebook_path, as_version=4)
    draw_deferred(nb)
    html_path.write_text(notebook_html(nb, title), encoding="utf-8")
    return html_path
