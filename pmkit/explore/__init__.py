"""Interactive exploration of a pmkit database in JupyterLab (``notebooks/explore.ipynb``).

``explore(db_path)`` builds the whole panel; the parts are importable for tests and reuse:
``data`` (filter state and queries), ``charts`` (live charts with selections), ``selection``
(what a click selects), ``render`` (escaped HTML), ``panel`` (the widgets).
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
