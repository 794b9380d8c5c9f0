"""Free-form shape modelled on the Kubernetes Prow postmortems: "Created By:" lines, a timeline of
dated bullets in Pacific time (``- 2:54 PM PST: ...``), and action items as bullets with an inline
status or as a ``- [x]`` checklist, linking to issues."""

from __future__ import annotations

from pmkit.synth.shapes.common import (
    VAGUE_END,
    odd_datetime,
    ordinal,
    pacific_clock,
    pacific_full,
    to_pacific,
)
from pmkit.synth.truth import IncidentTruth, TruthAction


def _ref(ref: str) -> str:
    if ref.startswith("https://"):
        return f"[#{ref.rsplit('/', 1)[-1]}]({ref})"
    return ref


def action_line(a: TruthAction, checklist: bool) -> str:
    bits = []
    if a.owner:
        bits.append(f"owner: {a.owner}")
    if a.due_date:
        bits.append(f"due {a.due_date.isoformat()}")
    tail = f" — {', '.join(bits)}" if bits else ""
    ref = f" ({_ref(a.tracking_ref)})" if a.tracking_ref else ""
    if checklist:
        box = "x" if a.status == "done" else " "
        return f"- [{box}] {a.text}{ref}{tail}"
    return f"- {a.text}{ref}{tail} ({a.status_text})"


def render(t: IncidentTruth) -> str:
    odd = "odd-dates" in t.messy
    local_start, zone = to_pacific(t.started_at)
    end = odd_datetime(t.resolved_at, 2) if odd else pacific_full(t.resolved_at)
    if "vague-end" in t.messy:
        end = VAGUE_END
    title_day = f"{local_start:%B} {ordinal(local_start.day)}, {local_start:%Y}"
    meta = [f"Created By: {t.owner} <{t.owner_handle}@example.com>", f"Team: {t.team}"]
    if t.drafted_at:
        meta.append(f"Created: {t.drafted_at.date().isoformat()}")
    if t.reviewed_at:
        meta.append(f"Reviewed: {t.reviewed_at.date().isoformat()}")
    if t.severity_label:
        meta.append(f"Severity: {t.severity_label}")
    meta += [
        f"Services: {', '.join(t.services)}",
        f"Impact start: {odd_datetime(t.started_at, 2) if odd else pacific_full(t.started_at)}",
        f"Impact end: {end}",
    ]
    checklist = all(a.status != "in_progress" for a in t.actions) and len(t.title) % 2 == 0
    out = [
        f"# {title_day} {t.title}",
        "",
        "  \n".join(meta),
        "",
        "## Summary",
        "",
        t.summary,
        "",
        "## Impact",
        "",
        f"{t.customer_impact}.",
        "",
        "## Root Cause",
        "",
        t.root_cause,
        "",
        "## Contributing Factors",
        "",
        *[f"- {f}" for f in t.factors],
        "",
        "## Detection",
        "",
        f"{t.detection_method}: {t.timeline[1].text}.",
        "",
        "## Resolution",
        "",
        f"{t.timeline[-2].text}.",
        "",
        "## Lessons Learned",
        "",
        "### What went well",
        "",
        *[f"- {w}" for w in t.went_well],
        "",
        "### What went wrong",
        "",
        *[f"- {w}" for w in t.went_poorly],
        "",
        "## Action Items",
        "",
        *[action_line(a, checklist) for a in t.actions],
        "",
        "## Timeline",
        "",
        f"All times in {zone}",
    ]
    last_day = None
    for ev in t.timeline:
        local, _ = to_pacific(ev.at)
        if local.date() != last_day:
            out += ["", local.date().isoformat(), ""]
            last_day = local.date()
        out.append(f"- {pacific_clock(ev.at)}: {ev.text}")
    out.append("")
    return "\n".join(out)
