"""Contributing-factor and trigger categories in the database: written by every ingest for the
files it wrote, and rewritten for all of them by ``pmkit classify`` after the taxonomy changed,
without re-parsing a single file (the parsed texts are in DuckDB). The rules themselves are
``pmkit.taxonomy``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pmkit.config import Config
from pmkit.store.atomic import ingest_lock, lock_wait_seconds, private_copy
from pmkit.store.db import existing_database
from pmkit.taxonomy import (
    UNCLASSIFIED,
    UNKNOWN_TRIGGER,
    Taxonomy,
    load_taxonomy,
    trigger_category,
)


@dataclass(frozen=True)
class ReclassifySummary:
    factors: int
    unclassified: int
    incidents: int
    unknown_triggers: int

    @property
    def unclassified_share(self) -> float:
        return self.unclassified / self.factors if self.factors else 0.0

    def render(self) -> str:
        return (
            f"{self.factors} factors classified, {self.unclassified} unclassified "
            f"({self.unclassified_share:.1%}); {self.incidents} incidents, "
            f"{self.unknown_triggers} with an unknown trigger"
        )


def reclassify(
    con: duckdb.DuckDBPyConnection, taxonomy: Taxonomy, paths: Sequence[str] | None = None
) -> ReclassifySummary:
    """Rewrite factor categories and trigger categories from the texts already stored.

    ``paths`` limits the work to those documents (ingest passes the files it just wrote); None
    means every document. Writes ``factor_categories`` (every match), ``contributing_factors.
    category`` (the first) and ``incidents.trigger_category`` (from the written trigger alone when
    there is one, else the root cause, else the summary; ``unknown`` when none matches). Runs in the caller's
    transaction: wrap it in one when the connection is shared.
    """
    scope = {"all": paths is None}
    # A registered table, not a list parameter: list_contains(list, path) costs rows x paths.
    con.register("_pmkit_reclassify_paths", pd.DataFrame({"path": list(paths or [])}, dtype=str))
    try:
        factors = con.execute(
            "SELECT root, path, incident_id, seq, text FROM contributing_factors "
            "WHERE $all OR path IN (SELECT path FROM _pmkit_reclassify_paths)",
            scope,
        ).fetchall()
        seen: dict[str | None, list[str]] = {}  # corpora repeat phrasings: classify each text once
        matched = [
            (root, path, incident_id, seq, rank, category)
            for root, path, incident_id, seq, text in factors
            for rank, category in enumerate(
                seen[text] if text in seen else seen.setdefault(text, taxonomy.classify(text))
            )
        ]
        incidents = con.execute(
            'SELECT root, path, incident_id, "trigger", root_cause, executive_summary '
            "FROM incidents WHERE $all OR path IN (SELECT path FROM _pmkit_reclassify_paths)",
            scope,
        ).fetchall()
        triggers = [
            (root, path, incident_id, trigger_category(taxonomy, trigger, root_cause, summary))
            for root, path, incident_id, trigger, root_cause, summary in incidents
        ]
        matched_df = pd.DataFrame(
            matched, columns=["root", "path", "incident_id", "seq", "rank", "category"]
        )
        triggers_df = pd.DataFrame(
            triggers, columns=["root", "path", "incident_id", "trigger_category"]
        )
        con.register("_pmkit_factor_matches", matched_df)
        con.register("_pmkit_trigger_matches", triggers_df)
        con.execute(
            "DELETE FROM factor_categories "
            "WHERE $all OR path IN (SELECT path FROM _pmkit_reclassify_paths)",
            scope,
        )
        con.execute(
            "INSERT INTO factor_categories (root, path, incident_id, seq, category) "
            "SELECT root, path, incident_id, CAST(seq AS INTEGER), category "
            "FROM _pmkit_factor_matches ORDER BY root, path, incident_id, seq, rank"
        )
        # rows are told apart by (root, path): two corpus folders may hold the same path
        con.execute(
            "UPDATE contributing_factors AS cf SET category = m.category "
            "FROM _pmkit_factor_matches AS m "
            "WHERE m.rank = 0 AND cf.root IS NOT DISTINCT FROM m.root AND cf.path = m.path "
            "AND cf.incident_id = m.incident_id AND cf.seq = m.seq"
        )
        con.execute(
            "UPDATE incidents AS i SET trigger_category = t.trigger_category "
            "FROM _pmkit_trigger_matches AS t "
            "WHERE i.root IS NOT DISTINCT FROM t.root AND i.path = t.path "
            "AND i.incident_id = t.incident_id"
        )
    finally:
        con.unregister("_pmkit_factor_matches")
        con.unregister("_pmkit_trigger_matches")
        con.unregister("_pmkit_reclassify_paths")
    return ReclassifySummary(
        factors=len(factors),
        unclassified=sum(1 for *_, rank, c in matched if rank == 0 and c == UNCLASSIFIED),
        incidents=len(incidents),
        unknown_triggers=sum(1 for *_, c in triggers if c == UNKNOWN_TRIGGER),
    )


def classify_database(
    db_path: Path, config: Config, taxonomy_path: Path | None = None
) -> ReclassifySummary:
    """``pmkit classify``: reclassify every document of ``db_path`` with ``taxonomy_path`` (else
    the configured one), and bring the similar incidents up to date (categories are part of
    their score). Written like an ingest: under its lock, into a private copy renamed over the
    database, so a report reading meanwhile never sees half a reclassification.
    """
    from pmkit.similar.cache import refresh

    taxonomy = load_taxonomy(taxonomy_path, config)
    db_path = existing_database(Path(db_path))
    with ingest_lock(db_path, lock_wait_seconds()), private_copy(db_path) as con:
        summary = reclassify(con, taxonomy)
        refresh(con, config)
    return summary
