"""The incident register: exports of paging and incident tools, and what they say is owed.

Teams keep the list of their incidents in PagerDuty, Opsgenie, incident.io or Jira, not in the
postmortem folder; an incident that never got a postmortem is only visible there. This package
reads such exports into plain records (``read``), matches them to postmortems (``match``) and
says which need one (``policy``). It knows nothing of DuckDB (``pmkit.register.store`` is the
one module here that does, and nothing in this package imports it), nothing of Markdown and
nothing of reports; every function but the file readers is pure.
"""

from __future__ import annotations

from pmkit.register.model import RegisterIncident, RegisterIssue

__all__ = ["RegisterIncident", "RegisterIssue"]
