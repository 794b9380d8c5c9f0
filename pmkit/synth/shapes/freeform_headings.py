"""Free-form shape modelled on the mybinder.org / univaf postmortems: an H1 with the date, a few
bold key lines, and a timeline with one ``### HH:MM UTC`` heading per moment (full date on the
first heading and whenever the day changes). Follow-ups are a numbered list with inline status."""

from __future__ import annotations

from pmkit.synth.shapes.common import VAGUE_END, iso_min, odd_datetime
from pmkit.synth.truth import IncidentTruth, TruthAction


def action_line(a: TruthAction) -> str:
    """``Add alerting — Owner: @achen, due 2026-03-20, [#12](https://...) (done)``."""
    bits = []
    if a.owner:
        bits.append(f"Owner: {a.owner}")
    if a.due_date:
        bits.append(f"due {a.due_date.isoformat()}")
    if a.tracking_ref:
        ref = a.tracking_ref
        if ref.startswith("https://"):
            ref = f"[#{ref.rsplit('/', 1)[-1]}]({ref})"
        bits.append(ref)
    tail = f" — {', '.join(bits)}" if bits else ""
    return f"{a.text}{tail} ({a.status_text})"


def render(t: IncidentTruth) -> str:
    odd = "odd-dates" in t.messy
    start = odd_datetime(t.started_at, 3) if odd else iso_min(t.started_at) + " UTC"
    end = odd_datetime(t.resolved_at, 3) if odd else iso_min(t.resolved_at) + " UTC"
    if "vague-end" in t.messy:
        end = VAGUE_END
    meta = []
    if t.severity_label:
        meta.append(f"**Severity:** {t.severity_label}")
    meta += [
        f"**Services:** {', '.join(t.services)}",
        f"**Impact start:** {start}",
        f"**Impact end:** {end}",
        f"**Authors:** {t.owner}",
        f"**Team:** {t.team}",
    ]
    if t.drafted_at:
        meta.append(f"**Drafted:** {iso_min(t.drafted_at)} UTC")
    if t.reviewed_at:
        meta.append(f"**Reviewed on:** {t.reviewed_at.date().isoformat()}")
    out = [
        f"# {t.started_at:%Y-%m-%d}, {t.title}",
        "",
        "  \n".join(meta),
        "",
        "## Summary",
        "",
        t.summary,
        "",
        "## Timeline",
        "",
        "*(All times UTC, 24-hour clock.)*",
    ]
    last_day = None
    for ev in t.timeline:
        if ev.at.date() != last_day:
            heading = f"{iso_min(ev.at)} UTC"
            last_day = ev.at.date()
        else:
            heading = f"{ev.at:%H:%M} UTC"
        who = f" ({ev.actor})" if ev.actor and ev.actor != "monitoring" else ""
        out += ["", f"### {heading}", "", f"{ev.text}{who}."]
    out += [
        "",
        "## Root cause",
        "",
        t.root_cause,
        "",
        "## Contributing factors",
        "",
        *[f"- {f}" for f in t.factors],
        "",
        "## Lessons",
        "",
        "### What Went Well",
        "",
        *[f"- {w}" for w in t.went_well],
        "",
        "### What Went Wrong",
        "",
        *[f"- {w}" for w in t.went_poorly],
        "",
        "## Action items",
        "",
        *[f"{n}. {action_line(a)}" for n, a in enumerate(t.actions, start=1)],
        "",
        "## Responders",
        "",
        *[f"- {r}" for r in t.responders],
        "",
    ]
    return "\n".join(out)
