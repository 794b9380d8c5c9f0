"""The report queries: each takes a DuckDB connection and ``Filters``, returns a DataFrame.

``from pmkit import metrics`` then ``metrics.time_to_draft(con, f)``: the package re-exports every
query, so the notebooks and callers need not know which module holds it. By topic:

- ``scope``: ``Filters`` and the shared scope SQL (``scope_query``) every query starts from;
  ``periods`` is the time axis of every trend.
- ``frames``: distributions (median, p90, n, sources), the period grid, owners as people.
- ``incidents``: coverage, the incident list, severity, durations, services.
- ``timing``: MTTx (detect, acknowledge, mitigate, resolve) from the parser's milestones.
- ``drafting``: time to draft and to review, postmortems unwritten or waiting for review.
- ``actions``: the action backlog at as-of, overdue and untracked actions, completion.
- ``factors``: contributing factors and triggers.
- ``change``: this window against the previous one, with tests that say what is noise.
- ``owed``: postmortems owed from the incident register (``[policy]``).
- ``fields``: the parser's field coverage of a database (``pmkit stats --coverage``).

Knows nothing of HTML, charts or notebooks; reads the analysis views of ``pmkit/sql/views.sql``
(``incident_facts``, ``action_backlog``, ``factor_mentions``: what an analyst's SQL reads too) and
the tables of ``pmkit/sql/schema.sql``.
All SQL is parameterized; the definitions are in the README's "Metrics" table. ``QUERIES`` names
the queries taking ``(con, filters)``.
"""

from pmkit.metrics.actions import (
    AGE_BUCKETS,
    action_backlog,
    action_completion,
    action_summary,
    overdue_actions,
    overdue_by_owner,
    overdue_by_service,
    overdue_by_team,
    overdue_grouped,
    owner_names,
    untracked_actions,
    window_actions,
)
from pmkit.metrics.drafting import (
    late_drafts,
    time_to_draft,
    time_to_draft_summary,
    time_to_review,
    time_to_review_summary,
    unwritten,
    waiting_for_review,
)
from pmkit.metrics.factors import (
    factor_by_severity,
    factor_cooccurrence,
    factor_frequency,
    factor_trend,
    trigger_frequency,
    unclassified_factors,
)
from pmkit.metrics.frames import NO_OWNER, NO_SERVICE, NO_TEAM, SOURCES
from pmkit.metrics.incidents import (
    coverage,
    duration_by_severity,
    incident_list,
    severity_by_period,
    severity_share,
    top_services,
)
from pmkit.metrics.scope import (
    Filters,
    first_day,
    forget_results,
    period_for,
    periods,
    remember_results,
    scope_query,
)
from pmkit.metrics.timing import milestones, mttx, mttx_by_period

QUERIES = (
    coverage,
    incident_list,
    severity_by_period,
    severity_share,
    duration_by_severity,
    top_services,
    milestones,
    mttx,
    mttx_by_period,
    time_to_draft,
    time_to_draft_summary,
    late_drafts,
    unwritten,
    time_to_review,
    time_to_review_summary,
    waiting_for_review,
    action_summary,
    overdue_actions,
    overdue_by_owner,
    overdue_by_team,
    overdue_by_service,
    untracked_actions,
    action_backlog,
    action_completion,
    owner_names,
    factor_frequency,
    factor_trend,
    factor_by_severity,
    factor_cooccurrence,
    unclassified_factors,
    trigger_frequency,
)
"""The queries taking ``(con, filters)`` and returning a DataFrame (the tests run each one)."""

__all__ = [
    "AGE_BUCKETS",
    "NO_OWNER",
    "NO_SERVICE",
    "NO_TEAM",
    "QUERIES",
    "SOURCES",
    "Filters",
    "first_day",
    "overdue_grouped",
    "period_for",
    "periods",
    "scope_query",
    "remember_results",
    "forget_results",
    "window_actions",
    "coverage",
    "incident_list",
    "severity_by_period",
    "severity_share",
    "duration_by_severity",
    "top_services",
    "milestones",
    "mttx",
    "mttx_by_period",
    "time_to_draft",
    "time_to_draft_summary",
    "late_drafts",
    "unwritten",
    "time_to_review",
    "time_to_review_summary",
    "waiting_for_review",
    "action_summary",
    "overdue_actions",
    "overdue_by_owner",
    "overdue_by_team",
    "overdue_by_service",
    "untracked_actions",
    "action_backlog",
    "action_completion",
    "owner_names",
    "factor_frequency",
    "factor_trend",
    "factor_by_severity",
    "factor_cooccurrence",
    "unclassified_factors",
    "trigger_frequency",
]
