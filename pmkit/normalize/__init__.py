"""Normalizers: turn one field value, as a person wrote it, into a comparable value.

Every module here is pure (no I/O, no DuckDB, no Markdown parsing) and returns ``None`` rather
than a guess. The parser locates field values; these functions read them. Import from the
submodules (``pmkit.normalize.times``...), so importing one never pays for the others.
"""
