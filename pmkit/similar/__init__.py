"""Similar past postmortems and recurring incidents.

For every incident, its ``k`` most similar *earlier* incidents with a score and the reasons
(shared service, same trigger category, same factor categories, TF-IDF text similarity of title,
summary, root cause and factors), cached in DuckDB (``incident_similarity``) and refreshed
incrementally when files change; the recurrence rule (``[recurrence]`` in ``pmkit.toml``) on top.

Modules, every arrow pointing down:

- ``features``: what an incident is compared by (plain dataclass), read from the database or
  from a parsed ``Postmortem``.
- ``text``: the TF-IDF model (hashed word and character n-grams, an idf that can be frozen).
  Pure: knows nothing of DuckDB.
- ``products``: one text field's cosines between many incidents and many (sparse products,
  common n-grams apart in a dense one). Pure numpy / scipy.
- ``matrix``: incidents as arrays (distinct TF-IDF rows per field, services, triggers,
  categories, days). Pure numpy / scipy.
- ``scoring``: scores of many incidents against many, the top k and the reasons. Pure numpy.
- ``pruned``: a full refresh's lists without scoring every pair (what the weights cap).
- ``cache``: the tables in DuckDB and the incremental refresh (the hook ingest calls).
- ``recurrence``: the repeat rule, repeat rate per period and families (report queries).
- ``draft``: the most similar past postmortems of a file or a draft that is not ingested.

Knows nothing of HTML, charts, notebooks or widgets (the report, the explorer and the CLI call
in), and nothing of the parser's internals: ``draft`` goes through ``pmkit.parse``'s public
functions only. The store knows this package only through ``cache.refresh`` (one call).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "RecurrenceRule",
    "SimilarIncident",
    "for_draft",
    "for_file",
    "refresh",
    "similar_to",
]


def __getattr__(name: str) -> Any:
    # lazy: ingest imports this package for one function; scipy.sparse loads only when used
    if name in ("refresh", "similar_to"):
        from pmkit.similar import cache

        return getattr(cache, name)
    if name in ("for_draft", "for_file", "SimilarIncident"):
        from pmkit.similar import draft

        return getattr(draft, name)
    if name == "RecurrenceRule":
        from pmkit.similar.recurrence import RecurrenceRule

        return RecurrenceRule
    raise AttributeError(name)
