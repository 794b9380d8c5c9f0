"""Presentation: what a report page or the explorer shows, built from metric DataFrames.

Modules, every arrow pointing down:

- ``format``: numbers and words (levels, hours, shares, coverage, an action's text).
- ``page``: escaped HTML blocks (tiles, tables, notes, folded listings); ``page as p`` in the
  notebooks also holds ``format``'s helpers.
- ``charts``: Altair chart builders, one function per chart, drawn to inline SVG.
- ``figures``: a chart in a notebook, drawn in the kernel or handed to the report runner.
- ``links``: tracking references and postmortem files as web addresses.
- ``report``: what a report notebook opens with (``open_report``: connection, filters, settings).
- ``headlines``: each report's headline tiles; ``owed_section``: the postmortems-owed section.

Knows nothing of parsing or of writing the database: it reads through ``pmkit.metrics``.
Everything that comes from a postmortem is escaped here. Importing this package loads nothing
(the report runner imports ``figures`` without pandas).
"""
