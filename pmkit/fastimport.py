"""Keep report start-up cheap by skipping one slow, unused import.

``jsonschema`` registers an IRI format checker when ``rfc3987_syntax`` is importable, and importing
that module compiles a large grammar (~1.1 s here, jsonschema#1428). Altair, nbformat and papermill
all import jsonschema, but nothing in pmkit validates IRIs, so we tell Python the module is absent
(``jsonschema`` guards the import with ``suppress(ImportError)``). Only effective before jsonschema is
first imported; a no-op afterwards, and never hides a module that is already loaded.
"""

from __future__ import annotations

import sys

SLOW_OPTIONAL_MODULES: tuple[str, ...] = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Mark the slow optional modules as unavailable unless something already imported them."""
    if "jsonschema" in sys.modules:
        return
    for name in SLOW_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
