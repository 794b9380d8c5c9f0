"""Markdown postmortems -> model objects. Knows nothing of DuckDB."""

from __future__ import annotations

from typing import Any

__all__ = ["parse_bytes", "parse_file", "parse_text"]


def __getattr__(name: str) -> Any:
    # lazy, so that importing one parser module does not pull in the whole pipeline
    if name in __all__:
        from pmkit.parse import document

        return getattr(document, name)
    raise AttributeError(name)
