"""What a heading means: timeline, action items, contributing factors, root cause, ...

Headings are matched by words, not by one spelling: ``## 7. Action Items``, ``## Follow-ups``,
``### Short-term (stabilize in days/weeks)`` and ``## Remediation`` all say "actions here".
"""

from __future__ import annotations

import re
from functools import lru_cache

from pmkit.parse.inline import plain

_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[ivx]+\.)\s*", re.IGNORECASE)
_NONWORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def heading_words(title: str) -> str:
    """``## 7. Action Items`` -> ``action items`` (no numbering, punctuation or case)."""
    t = _NUMBERING.sub("", plain(title).lower())
    return " ".join(_NONWORD.sub(" ", t).split())


# role -> regexes over heading words; the first role that matches wins (order matters)
_ROLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(rx))
    for role, rx in (
        ("process", r"^(when a post mortem is required|time expectations|workflow|purpose)\b"),
        # "Call to action: if you have a dormant account, consider removing it": advice to the
        # readers, not the team's follow-ups
        ("advice", r"^(call to action|recommendations? for (users|readers|maintainers))"),
        # "Follow-up timeline": what happened after the incident, neither its timeline nor actions
        ("followup_timeline", r"^(follow ?ups? timeline|timeline after|post incident timeline)"),
        (
            "responders",
            r"^(responders?|participants|people involved|incident responders|"
            r"response team|who responded)$",
        ),
        # "Lessons Learned and Future Improvements": the improvements make it an action list
        (
            "actions",
            r"(future improvements|action items?$|next steps$|looking forward$|"
            r"what we are changing|what we re changing|what we will change|long term changes|"
            r"changes we are making|^how we re improving|^how we are improving)",
        ),
        (
            "lessons",
            r"(what went (well|poorly|wrong|badly)|went well|could be improved|lessons?"
            r" learn|where we got lucky|what didn t go well|key takeaways|learnings|retrospective)",
        ),
        ("factors", r"contributing factors?|\bfactors\b"),
        (
            "actions",
            r"(action items?|\bactions?$|corrective actions?|prevent\w* measures?|"
            r"^follow ?ups?\b|remediation|"
            r"next steps|^todo|to dos?|preventive actions|detection improvements|process improvements"
            r"|^short term|^long term|^medium term|improvements$|"
            r"^immediate actions|^(technical|documentation|process policy) improvements)",
        ),
        ("timeline", r"(timeline|chronology|sequence of events|key events|^events$|incident log)"),
        (
            "root_cause",
            r"(root cause|^the problem$|^cause$|^causes$|why it happened|"
            r"how it happened|underlying issue|causal)",
        ),
        ("trigger", r"^trigger"),
        # "Resolution Summary" (seed-002) says how it was fixed: it is not the executive summary
        ("resolution", r"^(resolution|recovery|mitigation) (summary|overview)$"),
        ("summary", r"(summary|overview|^tl ?dr|^background$|^description$|^what happened$)"),
        ("impact", r"(impact|^scope$|customer experience)"),
        ("resolution", r"(resolution|recovery|mitigation|^fix$|what fixed it)"),
        ("detection", r"(detection|how (was it|we) (detected|noticed))"),
    )
)


# "The Problem", "Root Cause", "Primary Cause", "The Technical Problem", "The Bug", "Underlying issue"
_ROOT_CAUSE_ITSELF = re.compile(
    r"^(the )?((primary|main|direct|proximate|underlying|actual|real|core|fundamental|technical) )?"
    r"(root )?(causes?|problem|issue|bug)$"
)


def names_the_root_cause(title: str) -> bool:
    """``### The Problem`` / ``### Root Cause`` / ``### The Technical Problem`` / ``### The Bug``
    inside a root-cause analysis: the cause itself, as opposed to its analysis (``How It
    Happened``, ``Why It Failed``, ``5 Whys``), its background or contributing factors."""
    return _ROOT_CAUSE_ITSELF.search(heading_words(title)) is not None


_SAFEGUARDS = re.compile(r"^safeguards?\b")


def names_safeguards(key: str) -> bool:
    """``Safeguards That Worked`` / ``Safeguards That Failed or Were Missing`` (seed-001): what
    held or failed around the cause, not the cause."""
    return _SAFEGUARDS.search(heading_words(key)) is not None


@lru_cache(maxsize=4096)
def section_role(title: str) -> str | None:
    """The role of a section from its heading, or None when the heading says nothing pmkit uses."""
    words = heading_words(title)
    if not words:
        return None
    for role, rx in _ROLE_RULES:
        if rx.search(words):
            return role
    return None


# words that do not turn a section's name into a sentence: "Root Cause Analysis", "Incident
# Timeline (UTC)", "Timeline of events", "Customer impact"
_NAME_FILLER = frozenset(
    "the a an of and for in on our this incident incidents detailed full analysis utc customer "
    "customers user users business technical initial final brief".split()
)


def is_section_name(title: str) -> bool:
    """``Timeline``, ``Root Cause Analysis``, ``Customer impact``: a heading that is a section's
    name and nothing more, as opposed to a sentence that holds one (``Timeline of the outage``,
    ``Block creation impacted due to mempool issues``)."""
    words = heading_words(title)
    match = next((m for _, rx in _ROLE_RULES if (m := rx.search(words))), None)
    if match is None:
        return False
    start = words.rfind(" ", 0, match.start()) + 1  # whole words: "impact" in "impacted"
    end = words.find(" ", match.end())
    rest = (words[:start] + " " + (words[end:] if end >= 0 else "")).split()
    return all(w in _NAME_FILLER or section_role(w) is not None for w in rest)


_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rx))
    for kind, rx in (
        ("short_term", r"short term|immediate|stabili[sz]e|quick fix|mitigation"),
        ("long_term", r"long term|medium term|longer term"),
        ("preventive", r"prevent(ive|ion)|technical improvements"),
        ("detection", r"detection|monitoring|alerting|observability"),
        ("process", r"process|policy|documentation|communication|training|people"),
    )
)


@lru_cache(maxsize=4096)
def action_kind(heading: str) -> str | None:
    """Kind of the actions under a heading (``Short-term`` -> ``short_term``), None if it does not say."""
    words = heading_words(heading)
    for kind, rx in _KIND_RULES:
        if rx.search(words):
            return kind
    return None
