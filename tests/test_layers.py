"""The import map of ``pmkit/``: no cycle, and every arrow points down the pipeline.

Read from the bottom up, the layers are the pipeline a postmortem goes through: the normalizers
(pure readers of one value) under the parser that calls them and beside it the files of a corpus
(``pmkit.corpus``) and the taxonomy's rules; then the store that writes parsed files into DuckDB
(with the similarity tables it derives in the same copy); the metrics that query it; what pages
show (``present``); and on top the features a person uses (reports, the drafting form, the
explorer, lint, the synthetic corpus) and the CLI over all of them. A module may import its own
layer or any layer below, never one above.

Layer-free utilities, importable from anywhere because they import nothing of pmkit but each
other: ``pmkit`` (the version), ``model`` (the dataclasses between parse and store), ``config``
(settings), ``fastimport``, ``dates``, ``periods``, ``gitdates``, ``nbstrip`` (notebooks saved
without outputs).

Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pmkit"

UTILITIES = ("pmkit", "model", "config", "fastimport", "dates", "periods", "gitdates", "nbstrip")
LAYERS: tuple[tuple[str, ...], ...] = (
    UTILITIES,
    ("normalize",),
    ("parse", "corpus", "taxonomy", "register"),
    ("store", "register.store", "similar"),
    ("metrics", "similar.recurrence", "similar.__init__"),
    ("present",),
    ("reports", "draft", "explore", "lint", "synth"),
    ("cli",),
)
"""Lowest first. A name is a top-level package or module of pmkit, or a dotted module that sits
in another layer than its package (the most specific name wins)."""
FACADE: frozenset[tuple[str, str]] = frozenset({("pmkit.__init__", "pmkit.store.views")})
"""Imports allowed across the layers: ``pmkit.connect``, the package's one entry point for
notebooks, imports the store's read-only connection inside the function (``pmkit`` stays a
utility that loads nothing at import time). Still checked for cycles."""


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The pmkit modules ``name`` imports (``from pmkit.x import y`` is ``pmkit.x.y`` when that
    is a module, else ``pmkit.x``, a package's ``__init__``)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pmkit"):
            for alias in node.names:
                found = _resolve(f"{node.module}.{alias.name}", modules)
                out.add(found or _resolve(node.module, modules) or node.module)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pmkit"):
                    out.add(_resolve(alias.name, modules) or alias.name)
    out.discard(name)
    return out


def _resolve(dotted: str, modules: dict[str, Path]) -> str | None:
    if dotted in modules:
        return dotted
    if f"{dotted}.__init__" in modules:
        return f"{dotted}.__init__"
    return None


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def layer(module: str) -> int:
    """The layer of a module: its most specific name in :data:`LAYERS`."""
    if module in ("pmkit", "pmkit.__init__"):
        return 0
    full = module.removeprefix("pmkit.")
    parts = full.removesuffix(".__init__").split(".")
    for key in (full, *(".".join(parts[:size]) for size in range(len(parts), 0, -1))):
        for n, names in enumerate(LAYERS):
            if key in names:
                return n
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def test_every_module_has_a_layer() -> None:
    for module in _graph():
        layer(module)


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_every_import_points_down() -> None:
    upward = [
        f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
        for a, targets in sorted(_graph().items())
        for b in sorted(targets)
        if layer(b) > layer(a) and (a, b) not in FACADE
    ]
    assert not upward, "\n".join(upward)


def test_utilities_import_only_utilities() -> None:
    bad = [
        f"{a} imports {b}"
        for a, targets in sorted(_graph().items())
        if layer(a) == 0
        for b in sorted(targets)
        if layer(b) != 0 and (a, b) not in FACADE
    ]
    assert not bad, "\n".join(bad)


def test_the_map_sees_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    """The checks above can fail: a parser module importing the store is caught."""
    modules = _modules()
    fake = tmp_path / "x.py"
    fake.write_text("from pmkit.store import ingest_paths\n", encoding="utf-8")
    targets = _imports("pmkit.parse.x", fake, modules)
    assert targets == {"pmkit.store.__init__"}
    assert layer("pmkit.store.__init__") > layer("pmkit.parse.x")
