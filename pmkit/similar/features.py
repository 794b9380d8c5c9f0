"""What an incident is compared by: its texts, services, trigger and factor categories, its date.

Read from the database (``load``) for the corpus, or built from a parsed ``Postmortem``
(``from_postmortem``) for a draft that is not ingested. The ``fingerprint`` covers every value a
score depends on, so the cache can tell which incidents changed since it last scored them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from pmkit.model import Postmortem
    from pmkit.taxonomy import Taxonomy

TEXT_FIELDS: tuple[str, ...] = ("title", "summary", "root_cause", "factors")
"""The texts compared, each with its own TF-IDF vector (see ``scoring.FIELD_WEIGHTS``)."""
UNKNOWN = ("unknown", "unclassified")
"""Category values that say nothing: never counted as "the same"."""


@dataclass(frozen=True)
class IncidentFeatures:
    """One incident as the similarity sees it."""

    root: str
    """The corpus folder it was ingested from: (root, path) is its file, as in every table."""
    path: str
    incident_id: str
    when: datetime | None
    """``started_at``, else the incident's day at midnight (UTC); None when undated."""
    title: str = ""
    summary: str = ""
    root_cause: str = ""
    factors: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    """Lower case, sorted, without duplicates."""
    trigger_category: str | None = None
    """None when unknown."""
    factor_categories: tuple[str, ...] = field(default=())
    """Primary categories of the listed factors, sorted, ``unclassified`` left out."""

    @property
    def key(self) -> tuple[str, str, str]:
        """(root, path, incident_id): two roots may hold the same path."""
        return (self.root, self.path, self.incident_id)

    def text(self, name: str) -> str:
        """The text of field ``name`` (``factors``: one line per factor)."""
        if name == "factors":
            return "\n".join(self.factors)
        return str(getattr(self, name) or "")

    @property
    def fingerprint(self) -> str:
        """sha256 of every value a score depends on (same value, same fingerprint)."""
        sep = "\x1f"  # a control character no postmortem text holds as a separator
        parts = [
            self.when.isoformat() if self.when else "",
            *(self.text(name) for name in TEXT_FIELDS),
            sep.join(self.services),
            self.trigger_category or "",
            sep.join(self.factor_categories),
        ]
        return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()


def _services(values: list[str] | None) -> tuple[str, ...]:
    return tuple(sorted({v.strip().lower() for v in values or [] if v and v.strip()}))


def _category(value: str | None) -> str | None:
    return value if value and value not in UNKNOWN else None


def _when(started: datetime | None, day: date | None) -> datetime | None:
    if started is not None:
        return started
    if day is not None:
        return datetime(day.year, day.month, day.day)
    return None


_LOAD_SQL = """
WITH docs AS (
    SELECT root, path, bool_or(is_unfilled_template) AS unfilled,
           bool_or(is_process_doc) AS process
    FROM documents GROUP BY root, path
), facts AS (
    SELECT root, path, incident_id, list(text ORDER BY seq) AS texts,
           list(DISTINCT category) FILTER (WHERE category IS NOT NULL) AS categories
    FROM contributing_factors GROUP BY root, path, incident_id
)
SELECT i.root, i.path, i.incident_id, i.started_at, i.incident_date, i.title,
       i.executive_summary, i.root_cause, f.texts, i.services, i.trigger_category, f.categories
FROM incidents AS i
JOIN docs AS d ON d.root = i.root AND d.path = i.path
LEFT JOIN facts AS f ON f.root = i.root AND f.path = i.path AND f.incident_id = i.incident_id
WHERE NOT d.unfilled AND NOT d.process
ORDER BY i.root, i.path, i.incident_id
"""


_COUNT_SQL = """
WITH docs AS (
    SELECT root, path, bool_or(is_unfilled_template) AS unfilled,
           bool_or(is_process_doc) AS process
    FROM documents GROUP BY root, path
)
SELECT count(*) FILTER (WHERE i.started_at IS NOT NULL OR i.incident_date IS NOT NULL),
       count(*) FILTER (WHERE i.started_at IS NULL AND i.incident_date IS NULL)
FROM incidents AS i
JOIN docs AS d ON d.root = i.root AND d.path = i.path
WHERE NOT d.unfilled AND NOT d.process
"""


def count(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """How many incidents :func:`load` would return, and how many it would leave out undated,
    without reading them (a 100k corpus's texts and factor lists would not fit the ingest's
    DuckDB memory, only to be told there are too many to compare)."""
    row = con.execute(_COUNT_SQL).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def load(con: duckdb.DuckDBPyConnection) -> tuple[list[IncidentFeatures], int]:
    """Every real postmortem's incident that has a date, and how many were left out undated.

    Unfilled templates and the process document are never compared (as in every metric); an
    incident with no date at all cannot have "earlier" incidents, nor be one."""
    rows = con.execute(_LOAD_SQL).fetchall()
    out: list[IncidentFeatures] = []
    undated = 0
    for root, path, iid, started, day, title, summary, cause, texts, services, trig, cats in rows:
        when = _when(started, day)
        if when is None:
            undated += 1
            continue
        out.append(
            IncidentFeatures(
                root=root,
                path=path,
                incident_id=iid,
                when=when,
                title=title or "",
                summary=summary or "",
                root_cause=cause or "",
                factors=tuple(t for t in texts or [] if t),
                services=_services(services),
                trigger_category=_category(trig),
                factor_categories=tuple(sorted({c for c in cats or [] if _category(c)})),
            )
        )
    return out, undated


def texts_of(pm: Postmortem) -> dict[str, str]:
    """The texts of a parsed postmortem by field (:data:`TEXT_FIELDS`), as
    :meth:`IncidentFeatures.text` gives them once it is stored."""
    feats = IncidentFeatures("", "", "", None, **_text_fields(pm))
    return {name: feats.text(name) for name in TEXT_FIELDS}


def _text_fields(pm: Postmortem) -> dict[str, Any]:
    return {
        "title": pm.title or "",
        "summary": pm.executive_summary or "",
        "root_cause": pm.root_cause or "",
        "factors": tuple(f.text for f in pm.factors if f.text),
    }


def from_postmortem(
    pm: Postmortem, path: str, taxonomy: Taxonomy, root: str = ""
) -> IncidentFeatures:
    """A parsed postmortem (a draft, not in the database) with its categories from ``taxonomy``,
    by the same rules as ingest (``pmkit.taxonomy``)."""
    from pmkit.taxonomy import trigger_category  # the ingest's rule

    factor_cats = set()
    for factor in pm.factors:
        found = taxonomy.classify(factor.text)
        if found and _category(found[0]):
            factor_cats.add(found[0])
    return IncidentFeatures(
        root=root,
        path=path,
        incident_id=pm.incident_id,
        when=_when(pm.started_at, pm.incident_date),
        **_text_fields(pm),
        services=_services(pm.services),
        trigger_category=_category(
            trigger_category(taxonomy, pm.trigger, pm.root_cause, pm.executive_summary)
        ),
        factor_categories=tuple(sorted(factor_cats)),
    )
