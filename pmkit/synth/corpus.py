"""Plan a corpus (dates, shapes, defects), render each incident and write ``YYYY/MM/<date>-<slug>.md``.

The same ``(n, seed, start, end)`` always gives the same files, byte for byte: one
``random.Random(seed)`` draws everything in a fixed order, and nothing reads the clock, the
environment or set/dict hash order.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from pmkit.synth import vocab
from pmkit.synth.shapes import (
    blank,
    freeform_bullets,
    freeform_headings,
    seed000,
    seed001,
    seed002,
    seed004,
)
from pmkit.synth.truth import SHAPES, IncidentTruth, generate_incident

RENDERERS: dict[str, Callable[[IncidentTruth], str]] = {
    "seed-000": seed000.render,
    "seed-001": seed001.render,
    "seed-002": seed002.render,
    "seed-004": seed004.render,
    "freeform-headings": freeform_headings.render,
    "freeform-bullets": freeform_bullets.render,
}

UNFILLED_SHARE = 0.015
MESSY_SHARE = 0.04
FAMILY_SHARE = 0.03
"""Recurrence families planted per incident (issue 18): 300 files get 9 families."""
_REPEAT_GAPS = ((14, 60), (30, 120), (60, 170), (190, 260))
"""Days from one member of a family to the next: mostly inside the default 180-day recurrence
window, one draw in four (the last range) outside it."""
_PLANT_SALT = 0x5EED18
"""Mixed into the seed for the planting decisions: their own ``random.Random``, so the draws of
every other file are the ones they were before families existed."""
_MESSY_KINDS: dict[str, tuple[str, ...]] = {
    "seed-000": ("no-severity", "odd-dates", "mojibake", "crlf", "vague-end", "tbd-owner"),
    "seed-001": ("no-severity", "odd-dates", "mojibake", "crlf", "tbd-owner"),
    "seed-002": ("no-severity", "odd-dates", "crlf", "tbd-owner"),
    "seed-004": ("no-severity", "odd-dates", "crlf", "vague-end", "tbd-owner"),
    "freeform-headings": ("no-severity", "odd-dates", "crlf", "vague-end"),
    "freeform-bullets": ("no-severity", "odd-dates", "crlf", "vague-end"),
}
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass
class GeneratedIncident:
    """One generated file: where it goes, its shape, and what a parser must read back."""

    path: str
    """Relative, ``/``-separated: ``2026/03/2026-03-04-checkout-api-outage.md``."""
    shape: str
    truth: IncidentTruth
    """Ground truth at the precision the file writes it (unused for unfilled templates)."""
    unfilled: bool = False
    """The file is a copied but unfilled seed template."""

    @property
    def messy(self) -> bool:
        return bool(self.truth.messy)


def slugify(text: str, limit: int = 60) -> str:
    """Lower case, ``a-z0-9`` and single dashes, at most ``limit`` characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_CHARS.sub("-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "incident"


def _start_times(rng: random.Random, n: int, start: date, end: date) -> list[datetime]:
    """``n`` UTC start instants in ``[start, end - 3 days)``, fewer on weekends and at night."""
    span_days = max(1, (end - start).days - 3)
    hour_weights = [1, 1, 1, 1, 1, 2, 2, 3, 4, 5, 6, 6, 5, 6, 6, 6, 5, 5, 4, 3, 3, 2, 2, 1]
    out: list[datetime] = []
    while len(out) < n:
        day = start + timedelta(days=rng.randrange(span_days))
        if day.weekday() >= 5 and rng.random() < 0.5:
            continue
        hour = rng.choices(range(24), weights=hour_weights, k=1)[0]
        out.append(datetime(day.year, day.month, day.day, hour, rng.randrange(60)))
    out.sort()
    return out


def _shapes(rng: random.Random, n: int) -> list[str]:
    """Equal shares: every block of six holds each shape once, in a shuffled order."""
    out: list[str] = []
    while len(out) < n:
        block = list(SHAPES)
        rng.shuffle(block)
        out.extend(block)
    return out[:n]


def _midnight(d: datetime) -> datetime:
    return datetime(d.year, d.month, d.day)


def _as_written(t: IncidentTruth) -> IncidentTruth:
    """Reduce the truth to what the shape writes (no drafted field, dates only, labels...)."""
    drafted = t.drafted_at
    reviewed = t.reviewed_at
    factors = t.factors
    owner = t.owner
    if t.shape in ("seed-000", "seed-002", "seed-004"):
        pass  # written in the front matter to the minute
    elif t.shape == "seed-001":
        drafted, reviewed = (_midnight(drafted) if drafted else None), None
    elif t.shape == "freeform-bullets":
        drafted = _midnight(drafted) if drafted else None
    if t.shape == "seed-002":
        factors = [
            f"{vocab.FACTOR_LABELS[c]}: {f}"
            for c, f in zip(t.factor_categories, t.factors, strict=True)
        ]
    if t.shape == "freeform-bullets":
        owner = next(name for name, handle in vocab.PEOPLE if handle == t.owner_handle)
    out = replace(t, drafted_at=drafted, reviewed_at=reviewed, factors=factors, owner=owner)
    if "no-severity" in t.messy:
        out = replace(out, severity_label=None, severity_scheme=None, severity_level=None)
    return out


def _plant(rng: random.Random, starts: list[datetime], excluded: set[int]) -> dict[int, int]:
    """Which incidents are planted repeats: repeat index -> index of the family's previous
    member. Families start on ordinary incidents and follow in time order."""
    n = len(starts)
    n_families = round(n * FAMILY_SHARE)
    candidates = [i for i in range(n) if i not in excluded]
    origins = sorted(rng.sample(candidates, k=min(n_families, len(candidates))))
    used = set(origins)
    plan: dict[int, int] = {}
    for origin in origins:
        prev = origin
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            low, high = rng.choice(_REPEAT_GAPS)
            target = starts[prev] + timedelta(days=rng.randint(low, high))
            later = [
                j
                for j in range(prev + 1, n)
                if starts[j] >= target and j not in excluded and j not in used
            ]
            if not later:
                break
            plan[later[0]] = prev
            used.add(later[0])
            prev = later[0]
    return plan


def generate(n: int, seed: int, start: date, end: date) -> list[GeneratedIncident]:
    """The ground truth of a corpus, without writing anything (same arguments, same result)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if end <= start + timedelta(days=3):
        raise ValueError("end must be more than 3 days after start")
    rng = random.Random(seed)
    starts = _start_times(rng, n, start, end)
    shapes = _shapes(rng, n)
    seed_positions = [i for i, s in enumerate(shapes) if s.startswith("seed-")]
    n_unfilled = round(n * UNFILLED_SHARE) if n < 20 else max(1, round(n * UNFILLED_SHARE))
    unfilled = set(rng.sample(seed_positions, k=min(n_unfilled, len(seed_positions))))
    rest = [i for i in range(n) if i not in unfilled]
    n_messy = round(n * MESSY_SHARE) if n < 20 else max(1, round(n * MESSY_SHARE))
    messy = set(rng.sample(rest, k=min(n_messy, len(rest))))
    planter = random.Random(seed ^ _PLANT_SALT)
    repeats = _plant(planter, starts, unfilled | messy) if n >= 20 else {}
    families: dict[int, str] = {}
    for origin in sorted(set(repeats.values()) - set(repeats)):
        families[origin] = f"family-{len(families) + 1:02d}"
    per_day: dict[date, int] = {}
    used: set[str] = set()
    out: list[GeneratedIncident] = []
    for i, (started, shape) in enumerate(zip(starts, shapes, strict=True)):
        sub = random.Random(rng.getrandbits(64))
        day = started.date()
        per_day[day] = per_day.get(day, 0) + 1
        truth = generate_incident(sub, shape, started, per_day[day], end)
        if i in repeats:
            prev = out[repeats[i]]
            again = random.Random(planter.getrandbits(64))
            failure = (prev.truth.services[0], prev.truth.factor_categories[0])
            truth = generate_incident(again, shape, started, per_day[day], end, repeat=failure)
            families[i] = families[repeats[i]]
            truth.repeat_of = prev.path
        truth.family = families.get(i)
        if i in messy:
            kinds = _MESSY_KINDS[shape]
            truth.messy = sorted(sub.sample(kinds, k=sub.choice((1, 1, 2))))
            if "tbd-owner" in truth.messy:
                truth.actions[0].owner = None  # written as "TBD": nobody owns it yet
        truth = _as_written(truth)
        slug = "postmortem-template" if i in unfilled else slugify(truth.title)
        base = f"{day:%Y}/{day:%m}/{day:%Y-%m-%d}-{slug}"
        path, k = f"{base}.md", 1
        while path in used:
            k += 1
            path = f"{base}-{k}.md"
        used.add(path)
        out.append(GeneratedIncident(path=path, shape=shape, truth=truth, unfilled=i in unfilled))
    return out


def render(incident: GeneratedIncident) -> str:
    """The file's text (``\\n`` line ends; CRLF is applied when writing a ``crlf`` messy file)."""
    if incident.unfilled:
        return blank.BLANK[incident.shape]
    return RENDERERS[incident.shape](incident.truth)


def write_corpus(
    n: int, seed: int, start: date, end: date, out: Path | str
) -> list[GeneratedIncident]:
    """Generate ``n`` postmortems and write them under ``out``; returns their ground truth."""
    root = Path(out)
    incidents = generate(n, seed, start, end)
    made: set[str] = set()
    for inc in incidents:
        folder = inc.path.rsplit("/", 1)[0]
        if folder not in made:
            (root / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        text = render(inc)
        if "crlf" in inc.truth.messy:
            text = text.replace("\n", "\r\n")
        (root / inc.path).write_bytes(text.encode("utf-8"))
    return incidents
