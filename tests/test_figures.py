"""Charts handed from a report kernel to the runner (``pmkit.present.figures``).

The kernel sends a builder's name and its data instead of drawing; the runner must draw exactly
the figure the kernel would have drawn, for every builder, on every frame the metrics give it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import nbformat
import pandas as pd
import pytest
from imports_support import loaded_by
from test_charts import BUILDERS
from test_report_fixture_db import AS_OF, build_fixture_db

from pmkit import metrics
from pmkit.present import charts, figures

GRADIENT_ID = re.compile(r"gradient_\d+")
"""vl-convert numbers gradients per process: the only part of a drawing that may differ."""


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    db = build_fixture_db(tmp_path_factory.mktemp("figures") / "fixture.duckdb")
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def _builder_calls(con: duckdb.DuckDBPyConnection, f: metrics.Filters) -> list[tuple[str, Any]]:
    """(builder, args) for every chart of test_charts, recorded on the way to the builder."""
    calls: list[tuple[str, Any]] = []
    originals = dict(charts.BUILDERS)

    def recorder(name: str) -> Any:
        def record(*args: Any) -> Any:
            calls.append((name, args))
            return originals[name](*args)

        return record

    with pytest.MonkeyPatch.context() as mp:
        for name in originals:
            mp.setattr(charts, name, recorder(name))
        for build in BUILDERS.values():
            build(con, f)
    return calls


FILTERS = {
    "all": metrics.Filters(as_of=AS_OF, lookback_days=365),
    "nothing": metrics.Filters(as_of=AS_OF, lookback_days=365, teams=("no such team",)),
}


@pytest.mark.parametrize("which", sorted(FILTERS))
def test_every_metric_frame_comes_back_the_same(con: duckdb.DuckDBPyConnection, which: str) -> None:
    calls = _builder_calls(con, FILTERS[which])
    assert {name for name, _ in calls} == set(charts.BUILDERS)
    for name, args in calls:
        frame = args[0]
        sent = json.loads(json.dumps(figures.encode_frame(frame)))  # through the notebook file
        back = figures.decode_frame(sent)
        pd.testing.assert_frame_equal(back, frame.reset_index(drop=True), obj=name)


@pytest.mark.parametrize("which", sorted(FILTERS))
def test_runner_draws_what_the_kernel_would(con: duckdb.DuckDBPyConnection, which: str) -> None:
    for name, args in _builder_calls(con, FILTERS[which]):
        figure = figures.Figure(name, args, {}, "Read <this>", n=12, trend=True)
        payload = json.loads(json.dumps(figure.payload()))
        drawn, here = str(figures.draw(payload)), str(figure.html())
        assert GRADIENT_ID.sub("", drawn) == GRADIENT_ID.sub("", here), name
        assert "Read &lt;this&gt;" in drawn and "(n = 12)" in drawn


def test_frame_values_survive_exactly() -> None:
    df = pd.DataFrame(
        {
            "at": pd.to_datetime(["2026-01-02 03:04:05.123456", None]).astype("datetime64[us]"),
            "utc": pd.to_datetime(["2026-01-02T03:04:05Z", None], utc=True),
            "level": pd.array([0, None], dtype="Int32"),
            "share": [1 / 3, float("nan")],
            "took": pd.to_timedelta(["1 days 00:00:00.000001", None]),
            "text": pd.array(["<script>alert(1)</script>", None], dtype="str"),
            "ok": [True, False],
        }
    )
    back = figures.decode_frame(json.loads(json.dumps(figures.encode_frame(df))))
    pd.testing.assert_frame_equal(back, df)


def test_only_data_and_registered_builders_are_handed_over() -> None:
    with pytest.raises(ValueError, match="not a chart builder"):
        figures.plot(print, pd.DataFrame(), caption="x")
    with pytest.raises(ValueError, match="not a chart builder"):
        figures.draw({"builder": "to_svg", "args": [], "caption": "x"})
    with pytest.raises(TypeError, match="DataFrame or plain JSON"):
        figures.plot(charts.top_services, object(), caption="x").payload()
    with pytest.raises(TypeError, match="not JSON data"):
        figures.encode_frame(pd.DataFrame({"x": [object()]}))


def test_a_report_kernel_neither_imports_altair_nor_starts_vl_convert(tmp_path: Path) -> None:
    code = """
import sys
import pandas as pd
from pmkit import metrics
from pmkit.present import charts, headlines
from pmkit.present import page as p
from pmkit.present.figures import FIGURE_MIME, plot
from pmkit.present.report import open_report
df = pd.DataFrame({"service": ["a"], "n_incidents": [3], "n_level_le_1": [1]})
bundle = plot(charts.top_services, df, caption="c", n=3)._repr_mimebundle_()
assert FIGURE_MIME in bundle and "text/html" not in bundle, bundle
print(sorted(m for m in ("altair", "vl_convert", "jsonschema", "nbconvert") if m in sys.modules))
"""
    env = {k: v for k, v in __import__("os").environ.items() if k != figures.MODE_ENV}
    env[figures.MODE_ENV] = figures.RUNNER
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_interactively_the_kernel_draws_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(figures.MODE_ENV, raising=False)
    df = pd.DataFrame({"service": ["a"], "n_incidents": [3], "n_level_le_1": [1]})
    bundle = figures.plot(charts.top_services, df, caption="c", n=3)._repr_mimebundle_()
    assert list(bundle) == ["text/html"] and "<svg" in bundle["text/html"]


def _notebook_with(*payloads: dict[str, Any]) -> Any:
    nb = nbformat.v4.new_notebook()
    for payload in payloads:
        cell = nbformat.v4.new_code_cell("plot(...)")
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data", data={figures.FIGURE_MIME: payload, "text/plain": "[chart]"}
            )
        ]
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def test_draw_deferred_replaces_handed_over_charts_and_names_a_failing_cell() -> None:
    df = pd.DataFrame({"service": ["a"], "n_incidents": [3], "n_level_le_1": [1]})
    good = figures.plot(charts.top_services, df, caption="c", n=3).payload()
    nb = _notebook_with(good, good)
    assert figures.draw_deferred(nb) == 2
    for cell in nb.cells:
        assert list(cell.outputs[0].data) == ["text/html"]
        assert "<svg" in cell.outputs[0].data["text/html"]
    nbformat.validate(nb)

    bad = figures.plot(charts.top_services, df.drop(columns="n_incidents"), caption="c").payload()
    with pytest.raises(figures.FigureError) as failed:
        figures.draw_deferred(_notebook_with(good, bad))
    assert failed.value.cell_index == 1 and "KeyError" in str(failed.value)


def test_the_report_runner_does_not_import_pandas() -> None:
    # the runner only passes kernels the shared results' folder: pandas is theirs (~0.25 s)
    code = (
        "from pmkit.reports import ReportRequest; from pmkit.reports.job import "
        "report_job; import pmkit.reports.kernels, pmkit.reports.runner, pmkit.reports.forks"
    )
    assert loaded_by(code, ["pandas", "pmkit.reports.runner"]) == {"pmkit.reports.runner"}
