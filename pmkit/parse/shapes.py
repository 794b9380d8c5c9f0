"""Which template a document was written from, told by the headings and keys it carries."""

from __future__ import annotations

from pmkit.parse.fields import normalize_key
from pmkit.parse.sections import heading_words
from pmkit.parse.tree import Section

# shape -> (heading-word fingerprints, key fingerprints); two hits or more make a match
_FINGERPRINTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "process": (
        frozenset(
            {
                "when a post mortem is required",
                "time expectations",
                "ownership",
                "follow up tracking expectations",
                "severity definitions p0 p2",
            }
        ),
        frozenset(),
    ),
    "seed-000": (
        frozenset(
            {
                "metadata",
                "corrective actions required",
                "detection response",
                "customer communication if applicable",
                "appendix optional",
            }
        ),
        frozenset({"incident title", "incident owner pm", "primary responder"}),
    ),
    "seed-001": (
        frozenset(
            {
                "incident summary",
                "root cause analysis",
                "resolution recovery",
                "action items",
                "lessons learned",
            }
        ),
        frozenset(
            {
                "date timeframe",
                "severity priority",
                "incident id title",
                "date prepared",
                "initial reporter",
                "triggering event",
            }
        ),
    ),
    "seed-002": (
        frozenset(
            {
                "impact assessment",
                "5 whys analysis",
                "preventive actions prevent recurrence",
                "detection improvements",
                "process improvements",
                "what fixed it",
                "metrics and graphs",
            }
        ),
        frozenset({"incident commander", "author", "duration", "incident id"}),
    ),
    "seed-004": (
        frozenset(
            {
                "incident summary",
                "detection response",
                "impact analysis",
                "what went poorly",
                "prevention follow up",
                "attachments references",
            }
        ),
        frozenset(
            {
                "start time",
                "end time",
                "time to acknowledge tta",
                "time to mitigate ttm",
                "detection time",
                "services affected",
                "detected by",
            }
        ),
    ),
}
_MIN_SCORE = 4


def detect_shape(root: Section, keys: list[str]) -> str:
    """``seed-000`` .. ``seed-004``, ``process`` or ``freeform``."""
    headings = {heading_words(s.title) for s in root.walk() if s.level}
    norm_keys = {normalize_key(k) for k in keys}
    best, best_score = "freeform", 0
    for shape, (heads, fp_keys) in _FINGERPRINTS.items():
        key_hits = len(fp_keys & norm_keys)
        score = len(heads & headings) + 2 * key_hits
        if shape == "process":
            if score >= 2:
                return "process"
            continue
        if key_hits == 0:
            continue  # generic headings alone ("Action Items") do not make a template
        if score > best_score:
            best, best_score = shape, score
    return best if best_score >= _MIN_SCORE else "freeform"
