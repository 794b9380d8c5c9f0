"""Markdown postmortems -> model objects. Knows nothing of DuckDB."""

from pmkit.parse.document import parse_file, parse_text

__all__ = ["parse_file", "parse_text"]
