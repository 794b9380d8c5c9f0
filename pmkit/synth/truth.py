"""The ground truth of one synthetic incident, generated before any Markdown is written.

A record holds the values a careful parser must read back from the rendered file, at the precision
the file's shape writes them (a shape with no drafted field has ``drafted_at = None``; a shape that
writes only a date has it at midnight). Only ``random.Random`` drives the choices, so a seed always
gives the same records.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from pmkit.synth import vocab
from pmkit.synth.records import IncidentTruth, TruthAction, TruthEvent

SHAPES: tuple[str, ...] = (
    "seed-000",
    "seed-001",
    "seed-002",
    "seed-004",
    "freeform-headings",
    "freeform-bullets",
)
"""Every shape the generator writes, in a fixed order."""

# severity scheme per shape: (labels from most to least severe, their levels, weights)
_SEVERITY: dict[str, tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]] = {
    "seed-000": (("P0", "P1", "P2"), (0, 1, 2), (6, 28, 66)),
    "seed-001": (("SEV1", "SEV2", "SEV3", "SEV4"), (1, 2, 3, 4), (8, 27, 45, 20)),
    "seed-002": (("SEV0", "SEV1", "SEV2", "SEV3", "SEV4"), (0, 1, 2, 3, 4), (2, 8, 25, 45, 20)),
    "seed-004": (("SEV-1", "SEV-2", "SEV-3", "SEV-4"), (1, 2, 3, 4), (8, 25, 47, 20)),
    "freeform-headings": (("SEV1", "SEV2", "SEV3"), (1, 2, 3), (10, 30, 60)),
    "freeform-bullets": (("P0", "P1", "P2", "P3"), (0, 1, 2, 3), (4, 20, 46, 30)),
}

# which kinds of action section each shape has
_ACTION_KINDS: dict[str, tuple[str, ...]] = {
    "seed-000": ("short_term", "long_term"),
    "seed-001": ("unspecified",),
    "seed-002": ("preventive", "detection", "process"),
    "seed-004": ("unspecified",),
    "freeform-headings": ("unspecified",),
    "freeform-bullets": ("unspecified",),
}

_STATUS_WORDS: dict[str, dict[str, str]] = {
    "seed-001": {"open": "Not Started", "in_progress": "In Progress", "done": "Complete"},
    "seed-002": {"open": "Open", "in_progress": "In Progress", "done": "Done"},
    "seed-004": {"open": "Open", "in_progress": "In Progress", "done": "Closed"},
    "freeform-headings": {"open": "open", "in_progress": "in progress", "done": "done"},
    "freeform-bullets": {"open": "open", "in_progress": "in progress", "done": "done"},
}


def _weighted(rng: random.Random, items: tuple[str, ...], weights: tuple[int, ...]) -> int:
    return rng.choices(range(len(items)), weights=weights, k=1)[0]


def _fill(rng: random.Random, template: str, svc: str, dep: str | None = None) -> str:
    text = template.replace("{svc}", svc).replace("{dep}", dep or rng.choice(vocab.DEPENDENCIES))
    text = text.replace("{n}", str(rng.randint(2, 90))).replace("{pct}", str(rng.randint(3, 60)))
    if text[0].islower() and not text.startswith(svc):
        text = text[0].upper() + text[1:]
    return text


def _minutes(rng: random.Random, median: float, sigma: float, low: int, high: int) -> int:
    """A long-tailed (log-normal) number of minutes, clamped to ``[low, high]``."""
    value = math.exp(rng.gauss(math.log(median), sigma))
    return max(low, min(high, round(value)))


def _duration(rng: random.Random) -> int:
    """Incident length in minutes: most under 2 hours, a tail of day-long ones."""
    if rng.random() < 0.06:
        return rng.randint(6 * 60, 30 * 60)
    return _minutes(rng, 38, 0.8, 6, 6 * 60)


def _draft_delay(rng: random.Random) -> int:
    """Minutes from resolution to first draft: most within 48 hours, a tail of weeks."""
    if rng.random() < 0.14:
        return rng.randint(49 * 60, 21 * 24 * 60)
    return _minutes(rng, 16 * 60, 0.9, 45, 47 * 60)


def _action_status(rng: random.Random, due: date | None, as_of: date, age_days: int) -> str:
    """Done, in progress or open; older incidents keep more open items than a healthy team would."""
    if due is not None and due >= as_of:
        weights = (40, 35, 25)
    elif age_days > 180:
        weights = (55, 10, 35)
    elif age_days > 60:
        weights = (65, 12, 23)
    else:
        weights = (60, 25, 15)
    return ("done", "in_progress", "open")[_weighted(rng, ("d", "i", "o"), weights)]


def _ticket(rng: random.Random) -> str:
    return f"{rng.choice(vocab.TICKET_PROJECTS)}-{rng.randint(100, 4999)}"


def _actions(
    rng: random.Random,
    shape: str,
    svc: str,
    category: str,
    drafted: datetime,
    resolved: datetime,
    as_of: date,
) -> list[TruthAction]:
    kinds = _ACTION_KINDS[shape]
    count = rng.choices((1, 2, 3, 4, 5, 6), weights=(6, 20, 30, 24, 12, 8), k=1)[0]
    if len(kinds) > 1:
        count = max(count, len(kinds))
    age_days = (as_of - resolved.date()).days
    words = _STATUS_WORDS.get(shape)
    out: list[TruthAction] = []
    used: set[str] = set()
    for i in range(count):
        kind = kinds[i] if i < len(kinds) else rng.choice(kinds)
        pool = vocab.ACTION_TEMPLATES["short_term" if kind == "unspecified" else kind]
        if kind == "unspecified":
            pool = pool + vocab.ACTION_TEMPLATES["long_term"]
        if rng.random() < 0.5:
            pool = vocab.CATEGORY_ACTIONS[category]
        text = _fill(rng, rng.choice(pool), svc)
        if text in used:
            continue  # a team writes each follow-up once
        used.add(text)
        untracked = rng.random() < 0.22
        gap = rng.choice(("owner", "due", "ticket")) if untracked else ""
        person, handle = rng.choice(vocab.PEOPLE)
        owner = (
            None if gap == "owner" else (f"@{handle}" if shape.startswith("freeform") else person)
        )
        due = None if gap == "due" else drafted.date() + timedelta(days=rng.randint(5, 60))
        ticket = None if gap == "ticket" else _ticket(rng)
        if ticket and shape == "seed-000" and rng.random() < 0.7:
            ticket = f"https://jira.example.com/browse/{ticket}"
        elif ticket and shape.startswith("freeform") and rng.random() < 0.6:
            ticket = f"https://github.com/example/{svc}/issues/{rng.randint(10, 2999)}"
        status = _action_status(rng, due, as_of, age_days) if words else "unknown"
        priority = (
            rng.choice(("P1", "P2", "P2", "P3")) if shape in ("seed-002", "seed-004") else None
        )
        action_id = None
        if shape == "seed-002":
            action_id = f"ACT-{i + 1}"
        elif shape == "seed-004":
            action_id = f"AI-{i + 1:03d}"
        out.append(
            TruthAction(
                text=text,
                kind=kind,
                owner=owner,
                due_date=due,
                status=status,
                status_text=words[status] if words else None,
                tracking_ref=ticket,
                priority=priority,
                action_id=action_id,
                verification=rng.choice(("Dashboard check", "Load test", "Game day", ""))
                if shape == "seed-001"
                else None,
            )
        )
    # the templates group their tables by kind: the truth lists actions in document order
    order = {k: n for n, k in enumerate(kinds)}
    out.sort(key=lambda a: order[a.kind])
    if shape == "seed-002":
        for n, a in enumerate(out, start=1):
            a.action_id = f"ACT-{n}"
    return out


def _timeline(
    rng: random.Random,
    svc: str,
    owner: str,
    commander: str,
    times: tuple[datetime, datetime, datetime, datetime, datetime],
    trigger: str,
    detection: str,
) -> list[TruthEvent]:
    started, detected, acked, mitigated, resolved = times
    events = [
        TruthEvent(started, trigger, None, "trigger"),
        TruthEvent(detected, _fill(rng, detection, svc), "monitoring", "detected"),
        TruthEvent(
            acked,
            rng.choice(vocab.ACK_TEXTS).replace("{actor}", commander),
            commander,
            "acknowledged",
        ),
    ]
    gap = int((mitigated - acked).total_seconds() // 60)
    picks = rng.sample(vocab.INVESTIGATION_TEXTS, k=min(rng.randint(0, 3), max(0, gap - 1)))
    offsets = sorted(rng.sample(range(1, gap), k=len(picks))) if picks else []
    for off, text in zip(offsets, picks, strict=True):
        events.append(
            TruthEvent(acked + timedelta(minutes=off), _fill(rng, text, svc), owner, "update")
        )
    events.append(
        TruthEvent(
            mitigated, _fill(rng, rng.choice(vocab.MITIGATION_TEXTS), svc), owner, "mitigated"
        )
    )
    events.append(TruthEvent(resolved, rng.choice(vocab.RESOLUTION_TEXTS), commander, "resolved"))
    return events


def generate_incident(
    rng: random.Random,
    shape: str,
    started: datetime,
    seq: int,
    as_of: date,
    repeat: tuple[str, str] | None = None,
) -> IncidentTruth:
    """One incident of ``shape`` starting at ``started`` (UTC, minute precision).

    ``repeat`` = (service, failure category) makes it a repeat of an earlier incident: that
    service and category, a title and root cause from the reworded lists
    (``vocab.RECURRING_*``). Without it the draws are the ordinary ones, in the same order."""
    svc, team = rng.choice(vocab.SERVICES)
    if repeat is not None:
        svc, team = next(s for s in vocab.SERVICES if s[0] == repeat[0])
    services = [svc]
    if rng.random() < 0.3:
        other = rng.choice(vocab.SERVICES)[0]
        if other != svc:
            services.append(other)
    labels, levels, weights = _SEVERITY[shape]
    k = _weighted(rng, labels, weights)
    label = labels[k]
    duration = _duration(rng)
    to_detect = min(_minutes(rng, 6, 0.9, 0, 120), duration - 3)
    to_ack = min(_minutes(rng, 4, 0.7, 1, 45), duration - to_detect - 2)
    to_mitigate = max(to_detect + to_ack + 1, round(duration * rng.uniform(0.55, 0.95)))
    detected = started + timedelta(minutes=to_detect)
    acked = detected + timedelta(minutes=to_ack)
    mitigated = started + timedelta(minutes=min(to_mitigate, duration - 1))
    resolved = started + timedelta(minutes=duration)
    drafted = resolved + timedelta(minutes=_draft_delay(rng))
    as_of_dt = datetime(as_of.year, as_of.month, as_of.day)
    if drafted >= as_of_dt:
        drafted = max(resolved + timedelta(minutes=30), as_of_dt - timedelta(hours=2))
    drafted = drafted.replace(second=0, microsecond=0)
    review_day = drafted + timedelta(days=rng.choice((1, 2, 3, 4, 5, 6, 7, 9, 12, 20)))
    review_midnight = datetime(review_day.year, review_day.month, review_day.day)
    reviewed: datetime | None = review_midnight
    if review_midnight >= as_of_dt or rng.random() < 0.15:
        reviewed = None
    person, handle = rng.choice(vocab.PEOPLE)
    commander = rng.choice(vocab.PEOPLE)[0]
    names = [c[0] for c in vocab.FACTOR_CATEGORIES]
    cats = rng.choices(range(len(names)), weights=[c[1] for c in vocab.FACTOR_CATEGORIES], k=1)
    cat = vocab.FACTOR_CATEGORIES[cats[0]]
    if repeat is not None:
        cat = next(c for c in vocab.FACTOR_CATEGORIES if c[0] == repeat[1])
    dep = rng.choice(vocab.DEPENDENCIES)
    n_factors = rng.choices((1, 2, 3, 4), weights=(20, 40, 30, 10), k=1)[0]
    factors = [_fill(rng, rng.choice(cat[2]), svc, dep)]
    factor_cats = [cat[0]]
    while len(factors) < n_factors:
        extra = rng.choices(
            vocab.FACTOR_CATEGORIES, weights=[c[1] for c in vocab.FACTOR_CATEGORIES]
        )
        text = _fill(rng, rng.choice(extra[0][2]), svc, dep)
        if text not in factors:
            factors.append(text)
            factor_cats.append(extra[0][0])
    trigger = _fill(rng, rng.choice(cat[3]), svc, dep)
    title = _fill(rng, rng.choice(vocab.TITLE_TEMPLATES), svc)
    if repeat is not None:
        title = _fill(rng, rng.choice(vocab.RECURRING_TITLES[cat[0]]), svc)
    times = (started, detected, acked, mitigated, resolved)
    owner = f"@{handle}" if shape.startswith("freeform") else person
    impact = _fill(rng, rng.choice(vocab.CUSTOMER_IMPACTS), svc)
    detection = rng.choice(vocab.DETECTIONS)
    root_cause = _fill(rng, vocab.ROOT_CAUSES[cat[0]], svc, dep)  # drawn here, as it always was
    if repeat is not None:
        root_cause = _fill(rng, rng.choice(vocab.RECURRING_ROOT_CAUSES[cat[0]]), svc, dep)
    return IncidentTruth(
        shape=shape,
        incident_id=f"INC-{started:%Y%m%d}-{seq % 1000:03d}",
        title=title,
        severity_label=label,
        severity_scheme="P" if label.startswith("P") else "SEV",
        severity_level=levels[k],
        started_at=started,
        detected_at=detected,
        acknowledged_at=acked,
        mitigated_at=mitigated,
        resolved_at=resolved,
        drafted_at=drafted,
        reviewed_at=reviewed,
        services=services,
        team=team,
        owner=owner,
        owner_handle=handle,
        commander=commander,
        summary=(
            f"{title}. {impact}. {trigger} at {started:%H:%M} UTC; service was restored at "
            + (
                f"{resolved:%H:%M} UTC."
                if resolved.date() == started.date()
                else f"{resolved:%H:%M} UTC on {resolved:%Y-%m-%d}."
            )
        ),
        customer_impact=impact,
        root_cause=root_cause,
        trigger=trigger,
        factor_categories=factor_cats,
        factors=factors,
        timeline=_timeline(rng, svc, person, commander, times, trigger, detection[1]),
        actions=_actions(rng, shape, svc, cat[0], drafted, resolved, as_of),
        detection_method=detection[0],
        responders=sorted({p[0] for p in rng.sample(vocab.PEOPLE, k=rng.randint(1, 3))}),
        went_well=rng.sample(vocab.WENT_WELL, k=2),
        went_poorly=rng.sample(vocab.WENT_POORLY, k=2),
    )


def repeats_in_truth(
    records: list[tuple[str, IncidentTruth]], window_days: int = 180
) -> dict[str, str | None]:
    """The ground truth of "repeat of an earlier incident": path -> path of the latest earlier
    incident of the same failure that started at most ``window_days`` before it, None when
    there is none. The same failure: the same hidden category (``IncidentTruth.failure``) on a
    service both incidents list. Planted families are such repeats by construction; the
    generator draws services and categories from short lists, so others happen by chance (and
    read the same: a root cause written from one template per category). ``records`` are
    (path, truth) pairs."""
    out: dict[str, str | None] = {}
    last: dict[tuple[str, str], tuple[datetime, str]] = {}
    window = timedelta(days=window_days)
    for path, truth in sorted(records, key=lambda r: (r[1].started_at, r[0])):
        earlier = [
            last[(svc, truth.failure)]
            for svc in truth.services
            if (svc, truth.failure) in last
            and truth.started_at - last[(svc, truth.failure)][0] <= window
        ]
        out[path] = max(earlier)[1] if earlier else None
        for svc in truth.services:
            last[(svc, truth.failure)] = (truth.started_at, path)
    return out


__all__ = [
    "SHAPES",
    "IncidentTruth",
    "TruthAction",
    "TruthEvent",
    "generate_incident",
    "repeats_in_truth",
]
