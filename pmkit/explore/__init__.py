"""Interactive exploration of a pmkit database in JupyterLab (``notebooks/explore.ipynb``).

``explore(db_path)`` builds the whole panel; the parts are importable for tests and reuse:
``data`` (filter state and queries), ``charts`` (live charts with selections), ``selection``
(what a selection means, linked views), ``table`` (the incident table widget), ``strip`` (a
timeline drawn as a strip), ``render`` (the escaped incident detail), ``export`` (CSV, Parquet
and the report command), ``panel`` (the widgets).
"""

from pmkit.explore.data import (
    ExploreData,
    ExploreDB,
    ExploreError,
    ExploreState,
    FilterOptions,
    filter_options,
    incident_detail,
    load,
)
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
