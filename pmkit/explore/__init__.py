"""Interactive exploration of a pmkit database in JupyterLab (``notebooks/explore.ipynb``).

``explore(db_path)`` builds the whole panel; the parts are importable for tests and reuse:
``db`` (the read-only database and the filters' choices), ``data`` (filter state and queries),
``detail`` (one incident's fields, timeline, factors and actions), ``charts`` (live charts with
selections), ``selection`` (what a selection means, linked views), ``table`` (the incident table
widget), ``strip`` (a timeline drawn as a strip), ``render`` (the escaped incident detail),
``export`` (CSV, Parquet and the report command), ``panel`` (the panel and its state) with
``panel_layout`` (its widgets), ``panel_links`` (chart clicks, chips, linked redraws) and
``panel_export`` (its exports and report command).
"""

from pmkit.explore.data import ExploreData, ExploreState, load
from pmkit.explore.db import ExploreDB, ExploreError, FilterOptions, filter_options
from pmkit.explore.detail import incident_detail
from pmkit.explore.panel import ExplorePanel, explore

__all__ = [
    "ExploreDB",
    "ExploreData",
    "ExploreError",
    "ExplorePanel",
    "ExploreState",
    "FilterOptions",
    "explore",
    "filter_options",
    "incident_detail",
    "load",
]
