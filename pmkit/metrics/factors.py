"""Contributing factors (each in its primary taxonomy category; how often, over time, by
severity, which come together, which no rule matched) and triggers.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pmkit.metrics.frames import (
    on_grid,
)
from pmkit.metrics.scope import (
    FACTOR_CTE,
    Filters,
    periods,
    scope_query,
)
from pmkit.periods import check_period


def factor_frequency(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Per primary category: factors in it (each factor once), incidents with at least one, and
    that share of the incidents that list factors at all. ``n_also`` counts the factors whose
    primary category is another but that match this one too (a factor can match several)."""
    body = """
    , secondary AS (
        SELECT fc.category, count(DISTINCT (fc.root, fc.path, fc.incident_id, fc.seq)) AS n_also
        FROM factor_mentions AS fc
        JOIN factor_cats AS c
          ON c.root = fc.root AND c.path = fc.path AND c.incident_id = fc.incident_id AND c.seq = fc.seq
        WHERE NOT fc.is_primary
        GROUP BY fc.category
    ), primary_cats AS (
        SELECT category, count(*) AS n_factors,
               count(DISTINCT (root, path, incident_id)) AS n_incidents
        FROM factor_cats
        GROUP BY category
    )
    SELECT COALESCE(p.category, s.category) AS category,
           COALESCE(p.n_factors, 0) AS n_factors,
           COALESCE(p.n_incidents, 0) AS n_incidents,
           COALESCE(p.n_incidents, 0)
               / (SELECT count(DISTINCT (root, path, incident_id)) FROM factor_cats)
               AS share_of_incidents,
           COALESCE(s.n_also, 0) AS n_also
    FROM primary_cats AS p
    FULL OUTER JOIN secondary AS s ON s.category = p.category
    ORDER BY n_factors DESC, n_also DESC, category
    """
    return scope_query(con, f, body, ctes=(FACTOR_CTE,))


def factor_trend(con: duckdb.DuckDBPyConnection, f: Filters, period: str = "month") -> pd.DataFrame:
    """Incidents (and factors) per period and primary category, on every period of the window."""
    body = """
    SELECT CAST(date_trunc($period, day) AS DATE) AS period_start, category,
           count(DISTINCT (root, path, incident_id)) AS n_incidents, count(*) AS n_factors
    FROM factor_cats
    GROUP BY ALL
    """
    df = scope_query(con, f, body, {"period": check_period(period)}, (FACTOR_CTE,))
    out = on_grid(periods(con, f, period), df, {"n_incidents": 0, "n_factors": 0}, by="category")
    out = out.sort_values(
        ["period_start", "n_incidents", "category"], ascending=[True, False, True]
    )
    return out.reset_index(drop=True)


def factor_by_severity(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Incidents (and factors) per severity level and primary category."""
    body = """
    SELECT severity_level, category,
           count(DISTINCT (root, path, incident_id)) AS n_incidents, count(*) AS n_factors
    FROM factor_cats
    GROUP BY ALL
    ORDER BY severity_level NULLS LAST, n_incidents DESC, category
    """
    return scope_query(con, f, body, ctes=(FACTOR_CTE,))


def factor_cooccurrence(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Pairs of primary categories (a < b, 'unclassified' left out) in the same incident."""
    body = """
    , ic AS (
        SELECT DISTINCT root, path, incident_id, category FROM factor_cats
        WHERE category <> 'unclassified'
    )
    SELECT a.category AS category_a, b.category AS category_b, count(*) AS n_incidents
    FROM ic AS a
    JOIN ic AS b ON a.root = b.root AND a.path = b.path AND a.incident_id = b.incident_id AND a.category < b.category
    GROUP BY ALL
    ORDER BY n_incidents DESC, category_a, category_b
    """
    return scope_query(con, f, body, ctes=(FACTOR_CTE,))


def unclassified_factors(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Factor texts no taxonomy rule matched: the list to read when tuning the taxonomy
    (a project's own file at ``taxonomy_path``, else the bundled ``pmkit/data/taxonomy.toml``)."""
    body = """
    SELECT path, incident_id, seq, line, title, root, text
    FROM factor_cats
    WHERE category = 'unclassified'
    ORDER BY path, incident_id, seq
    """
    return scope_query(con, f, body, ctes=(FACTOR_CTE,))


def trigger_frequency(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Incidents per trigger category (what set the incident off), apart from factors."""
    body = """
    SELECT COALESCE(trigger_category, 'unknown') AS trigger_category,
           count(*) AS n_incidents,
           n_incidents / sum(n_incidents) OVER () AS share
    FROM scope
    GROUP BY ALL
    ORDER BY n_incidents DESC, trigger_category
    """
    return scope_query(con, f, body)
