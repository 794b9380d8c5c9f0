"""An existing postmortem file -> a ``Draft``, so the form can continue a draft.

Uses pmkit's own parser, so whatever the corpus ingest reads, the form reads the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

from pmkit.draft.model import ACTION_STATUSES, Draft, DraftAction, DraftEvent, DraftFactor
from pmkit.draft.render import TEMPLATES, template_text
from pmkit.model import Postmortem


def draft_from_postmortem(pm: Postmortem) -> Draft:
    """Copy the fields a draft has; values the parser could not read stay empty."""
    return Draft(
        title=pm.title or "",
        severity=pm.severity_label or "",
        status=pm.status or "Draft",
        owner=pm.owner or "",
        responders=list(pm.responders),
        started_at=pm.started_at,
        detected_at=pm.detected_at,
        mitigated_at=pm.mitigated_at,
        resolved_at=pm.resolved_at,
        services=list(pm.services),
        summary=pm.executive_summary or "",
        impact=pm.customer_impact or "",
        root_cause=pm.root_cause or "",
        lessons=pm.lessons or "",
        drafted_on=pm.drafted_at.date() if pm.drafted_at and pm.drafted_source == "field" else None,
        timeline=[DraftEvent(e.occurred_at, e.event, e.actor or "") for e in pm.timeline],
        factors=[DraftFactor(f.text) for f in pm.factors],
        actions=[
            DraftAction(
                text=a.text,
                owner=a.owner or "",
                due_date=a.due_date,
                status=a.status if a.status in ACTION_STATUSES else "open",  # type: ignore[arg-type]
                tracking_ref=a.tracking_ref or "",
                kind="long_term" if a.kind in ("long_term", "preventive") else "short_term",
            )
            for a in pm.actions
        ],
    )


MIN_OVERLAP = 0.3
"""Below this share of common headings, a file is not ours: the parser's shape or canonical."""
_HEADING = re.compile(r"^#{2,3}\s+(.+?)\s*$", re.MULTILINE)


def _headings(text: str) -> set[str]:
    return {re.sub(r"[^a-z]+", " ", h.lower()).strip() for h in _HEADING.findall(text)}


def guess_template(text: str, parsed_shape: str | None = None) -> str:
    """Which of our templates wrote ``text``: the one sharing most section headings (the parser
    knows the four seed shapes but not the canonical one)."""
    found = _headings(text)
    best, score = parsed_shape if parsed_shape in TEMPLATES else "canonical", MIN_OVERLAP
    for name in TEMPLATES:
        ours = _headings(template_text(name))
        overlap = len(found & ours) / len(found | ours) if found | ours else 0.0
        if overlap > score:
            best, score = name, overlap
    return best


def load_draft(path: Path) -> tuple[Draft, str]:
    """The first incident in ``path`` as a draft, and the template it should be saved in."""
    from pmkit.parse import parse_file

    doc = parse_file(path)
    if not doc.incidents:
        raise ValueError(f"{path}: no postmortem found in this file")
    template = guess_template(doc.raw_text, doc.template)
    return draft_from_postmortem(doc.incidents[0]), template
