"""Field by field: does a parsed document say what the generator wrote? (the round-trip check)

Used by the round-trip tests and usable by anyone who ingests a synthetic corpus (benchmarks) to
check that speed was not bought with wrong answers.
"""

from __future__ import annotations

from typing import Any

from pmkit.model import ParsedDocument
from pmkit.synth.corpus import GeneratedIncident

TEMPLATE_OF_SHAPE = {
    "seed-000": "seed-000",
    "seed-001": "seed-001",
    "seed-002": "seed-002",
    "seed-004": "seed-004",
    "freeform-headings": "freeform",
    "freeform-bullets": "freeform",
}


def _norm(text: str | None) -> str:
    return " ".join((text or "").replace("**", "").split()).rstrip(".").casefold()


def compare(doc: ParsedDocument, gen: GeneratedIncident) -> list[str]:
    """Every difference between what was generated and what was read back (empty = round trip ok)."""
    bad: list[str] = []

    def check(name: str, got: Any, want: Any) -> None:
        if got != want:
            bad.append(f"{name}: got {got!r}, want {want!r}")

    errors = [f"{i.field}@{i.line}: {i.message}" for i in doc.issues if i.level == "error"]
    if errors:
        bad.append(f"error-level issues: {errors}")
    check("template", doc.template, TEMPLATE_OF_SHAPE[gen.shape])
    check("is_unfilled_template", doc.is_unfilled_template, gen.unfilled)
    if gen.unfilled:
        return bad
    if len(doc.incidents) != 1:
        bad.append(f"incidents: got {len(doc.incidents)}, want 1")
        return bad
    t, p = gen.truth, doc.incidents[0]
    if _norm(t.title) not in _norm(p.title):
        bad.append(f"title: {p.title!r} does not contain {t.title!r}")
    if gen.shape in ("seed-001", "seed-002", "seed-004"):  # the shapes with an Incident ID field
        check("incident_id", p.incident_id, t.incident_id)
    check("severity_label", p.severity_label, t.severity_label)
    check("severity_scheme", p.severity_scheme, t.severity_scheme)
    check("severity_level", p.severity_level, t.severity_level)
    check("started_at", p.started_at, t.started_at)
    if "vague-end" in t.messy:  # unreadable on purpose: missing is right, a guess must be right
        if p.resolved_at not in (None, t.resolved_at):
            bad.append(f"resolved_at: guessed {p.resolved_at!r} from an unreadable end time")
    else:
        check("resolved_at", p.resolved_at, t.resolved_at)
    if gen.shape == "seed-004":  # Detection Time, TTA and TTM (both counted from detection)
        check("detected_at", p.detected_at, t.detected_at)
        check("acknowledged_at", p.acknowledged_at, t.acknowledged_at)
        check("mitigated_at", p.mitigated_at, t.mitigated_at)
    check("drafted_at", p.drafted_at, t.drafted_at)
    if t.reviewed_at is not None:
        check("reviewed_at", p.reviewed_at, t.reviewed_at)
    check("services", sorted(p.services), sorted(t.services))
    if gen.shape != "seed-001":  # 001 only names the impacted teams
        check("team", p.team, t.team)
    check("timeline count", len(p.timeline), len(t.timeline))
    for n, (pe, te) in enumerate(zip(p.timeline, t.timeline, strict=False)):
        check(f"timeline[{n}].occurred_at", pe.occurred_at, te.at)
        if _norm(te.text) not in _norm(pe.event):
            bad.append(f"timeline[{n}].event: {pe.event!r} does not contain {te.text!r}")
    check("action count", len(p.actions), len(t.actions))
    for n, (pa, ta) in enumerate(zip(p.actions, t.actions, strict=False)):
        if _norm(ta.text) not in _norm(pa.text):
            bad.append(f"actions[{n}].text: {pa.text!r} does not contain {ta.text!r}")
        check(f"actions[{n}].owner", pa.owner, ta.owner)
        check(f"actions[{n}].due_date", pa.due_date, ta.due_date)
        check(f"actions[{n}].status", pa.status, ta.status)
        check(f"actions[{n}].tracking_ref", pa.tracking_ref, ta.tracking_ref)
        check(f"actions[{n}].kind", pa.kind, ta.kind)
        if ta.action_id is not None:
            check(f"actions[{n}].action_id", pa.action_id, ta.action_id)
        if ta.priority is not None:
            check(f"actions[{n}].priority", pa.priority, ta.priority)
    check("factors", [_norm(f.text) for f in p.factors], [_norm(f) for f in t.factors])
    check("root_cause", _norm(p.root_cause), _norm(t.root_cause))
    return bad
