"""Deterministic synthetic postmortem corpus: demo data for ``make report`` and benchmark input.

``generate()`` returns the ground truth of each incident; ``write_corpus()`` also writes the files,
in every shape pmkit reads (the four seed templates and two free-form shapes).
"""

from __future__ import annotations

from pmkit.synth.corpus import GeneratedIncident, generate, render, slugify, write_corpus
from pmkit.synth.truth import SHAPES, IncidentTruth, TruthAction, TruthEvent

__all__ = [
    "SHAPES",
    "GeneratedIncident",
    "IncidentTruth",
    "TruthAction",
    "TruthEvent",
    "generate",
    "render",
    "slugify",
    "write_corpus",
]
