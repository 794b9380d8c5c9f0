"""One chart in a report notebook: drawn in the kernel, or handed to the report runner to draw.

A report notebook shows a chart with ``plot(charts.<builder>, data, ..., caption=..., n=...)``.

- **Interactively** (JupyterLab, or papermill on its own as in the Airflow example) the chart is
  built with altair and drawn to inline SVG by vl-convert right there: ``charts.figure``.
- **Under** ``pmkit report`` the runner starts every kernel with ``PMKIT_FIGURES=runner``. The
  kernel then builds nothing: its output is the builder's name and its data (the metric
  DataFrames, as JSON) under the :data:`FIGURE_MIME` media type, and the runner draws every chart
  of the run in its own process (:func:`draw_deferred`), with one vl-convert that starts once.
  A report kernel thus never imports altair (~0.3 s) nor starts vl-convert (~0.4 s).

Either way the figure is the same HTML (``charts.figure``: SVG, caption, ``n``, small-n note).
The runner calls only registered builders (``charts.BUILDERS``) and decodes data, never code.

Importing this module loads nothing heavy (pandas and the chart builders load when a chart is
built or its data encoded), so the report runner can read :data:`MODE_ENV` and start its first
kernels without waiting for pandas.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from pmkit.present.page import Html

MODE_ENV = "PMKIT_FIGURES"
"""Environment variable read in the kernel: ``runner`` hands charts over, anything else draws."""
RUNNER = "runner"
FIGURE_MIME = "application/vnd.pmkit.figure+json"
"""Media type of a chart handed to the runner (``+json``: nbformat stores it as JSON)."""
_FRAME = "pmkit.frame"


class FigureError(Exception):
    """A handed-over chart could not be drawn; ``cell_index`` is its cell in the notebook."""

    def __init__(self, cell_index: int, builder: str, error: Exception) -> None:
        super().__init__(f"chart {builder!r}: {type(error).__name__}: {error}")
        self.cell_index = cell_index
        self.builder = builder
        self.error = error


def _values(column: pd.Series) -> list[Any]:
    """A column as JSON values (missing -> None); floats keep every digit through ``json``."""
    import numpy as np

    missing = column.isna().to_numpy()
    if column.dtype.kind == "M":  # ISO text, to the microsecond (naive or with its offset)
        text: Sequence[Any]
        if getattr(column.dtype, "tz", None) is None:
            text = list(np.datetime_as_string(column.to_numpy(dtype="datetime64[us]"), unit="us"))
        else:
            text = [v.isoformat() for v in column]
        values = [None if m else t for t, m in zip(text, missing, strict=True)]
    elif column.dtype.kind == "m":  # whole microseconds
        micros = column.to_numpy(dtype="timedelta64[us]").astype("int64").tolist()
        values = [None if m else v for v, m in zip(micros, missing, strict=True)]
    else:
        values = [None if m else v for v, m in zip(column.tolist(), missing, strict=True)]
        if column.dtype == object:
            for value in values:
                if value is not None and not isinstance(value, str | bool | int | float):
                    raise TypeError(
                        f"column {column.name!r} holds {type(value).__name__}, not JSON data"
                    )
    return values


def encode_frame(df: pd.DataFrame) -> dict[str, str]:
    """A DataFrame as JSON text: each column's dtype and values (index dropped).

    One compact string rather than nested JSON: the notebook stores and copies it as one value.
    """
    columns = [
        {"name": str(name), "dtype": str(df[name].dtype), "values": _values(df[name])}
        for name in df.columns
    ]
    return {_FRAME: json.dumps(columns, separators=(",", ":"), allow_nan=False)}


def decode_frame(value: Mapping[str, Any]) -> pd.DataFrame:
    """The DataFrame :func:`encode_frame` encoded, with the same columns, dtypes and values."""
    import pandas as pd

    columns: dict[str, pd.Series] = {}
    for column in json.loads(value[_FRAME]):
        dtype, values = column["dtype"], column["values"]
        kind = pd.api.types.pandas_dtype(dtype).kind
        if kind == "M":
            series = pd.Series(pd.to_datetime(values, format="ISO8601"))
        elif kind == "m":
            series = pd.Series(pd.to_timedelta(values, unit="us"))
        else:
            series = pd.Series(values, dtype=object)
        columns[column["name"]] = series.astype(dtype)
    return pd.DataFrame(columns)


def _encode(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return encode_frame(value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    raise TypeError(f"a chart argument must be a DataFrame or plain JSON value, not {value!r}")


def _decode(value: Any) -> Any:
    if isinstance(value, Mapping) and _FRAME in value:
        return decode_frame(value)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _builder_name(fn: Callable[..., Any] | str) -> str:
    from pmkit.present import charts

    name = fn if isinstance(fn, str) else getattr(fn, "__name__", "")
    if charts.BUILDERS.get(name) is None or (
        not isinstance(fn, str) and charts.BUILDERS[name] is not fn
    ):
        raise ValueError(f"{fn!r} is not a chart builder of pmkit.present.charts")
    return name


class Figure:
    """A chart with its caption and ``n``, displayed as ``charts.figure`` HTML (or handed over)."""

    def __init__(
        self,
        builder: str,
        args: tuple[Any, ...],
        kwargs: Mapping[str, Any],
        caption: str,
        n: int | None = None,
        trend: bool = False,
        coverage: tuple[int, int, str, str] | tuple[int, int, str] | None = None,
        min_n: int | None = None,
    ) -> None:
        self.builder = _builder_name(builder)
        self.args = args
        self.kwargs = dict(kwargs)
        self.caption = str(caption)
        self.n = None if n is None else int(n)
        self.trend = bool(trend)
        self.coverage = _coverage(coverage)
        self.min_n = None if min_n is None else int(min_n)

    def html(self) -> Html:
        """Build and draw the chart now (altair and vl-convert in this process)."""
        from pmkit.present import charts

        chart = charts.BUILDERS[self.builder](*self.args, **self.kwargs)
        extra: dict[str, Any] = {} if self.min_n is None else {"min_n": self.min_n}
        return charts.figure(
            chart, self.caption, n=self.n, trend=self.trend, coverage=self.coverage, **extra
        )

    def payload(self) -> dict[str, Any]:
        """What the kernel hands to the runner: builder name, data, caption, ``n``."""
        return {
            "builder": self.builder,
            "args": [_encode(a) for a in self.args],
            "kwargs": {k: _encode(v) for k, v in self.kwargs.items()},
            "caption": self.caption,
            "n": self.n,
            "trend": self.trend,
            "coverage": None if self.coverage is None else list(self.coverage),
            "min_n": self.min_n,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Figure:
        return cls(
            str(payload["builder"]),
            tuple(_decode(a) for a in payload.get("args", [])),
            {str(k): _decode(v) for k, v in payload.get("kwargs", {}).items()},
            str(payload.get("caption", "")),
            payload.get("n"),
            bool(payload.get("trend", False)),
            payload.get("coverage"),
            payload.get("min_n"),
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if os.environ.get(MODE_ENV) == RUNNER:
            return {
                FIGURE_MIME: self.payload(),
                "text/plain": f"[chart {self.builder}: drawn by the report runner]",
            }
        return {"text/html": str(self.html())}


def plot(
    builder: Callable[..., Any],
    *args: Any,
    caption: str,
    n: int | None = None,
    trend: bool = False,
    coverage: tuple[int, int, str, str] | tuple[int, int, str] | None = None,
    min_n: int | None = None,
    **kwargs: Any,
) -> Figure:
    """The chart ``builder(*args, **kwargs)`` (a ``pmkit.present.charts`` builder) as a report figure.

    ``caption`` says what to read from it, ``n`` what it rests on (the things it is made of);
    ``coverage`` = (known, total, what[, of]) how many things in scope have the value it needs
    (not drawn when fewer than half do); ``trend=True`` adds the small-n note below ``min_n``
    (default ``present.SMALL_N``). Nothing is built until the figure is displayed.
    """
    return Figure(_builder_name(builder), args, kwargs, caption, n, trend, coverage, min_n)


def _coverage(value: Any) -> tuple[int, int, str, str] | None:
    """(known, total, what, of) from a 3- or 4-item sequence; ``of`` defaults to incidents."""
    if value is None:
        return None
    items = list(value)
    if len(items) == 3:
        items.append("incidents")
    if len(items) != 4:
        raise ValueError(f"coverage must be (known, total, what[, of]), got {value!r}")
    known, total, what, of = items
    return int(known), int(total), str(what), str(of)


def draw(payload: Mapping[str, Any]) -> Html:
    """The figure HTML for a handed-over chart."""
    return Figure.from_payload(payload).html()


def draw_deferred(nb: Any, draw: Callable[[Mapping[str, Any]], str] = draw) -> int:
    """Replace every handed-over chart in the executed notebook ``nb`` by its drawn HTML
    (``draw``: :func:`draw` here, or the same in another process).

    Returns how many were drawn; raises :class:`FigureError` naming the cell of one that fails.
    """
    drawn = 0
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            if FIGURE_MIME not in data:
                continue
            payload = data[FIGURE_MIME]
            try:
                html = draw(payload)
            except Exception as exc:  # a builder failing on this data is the report failing
                raise FigureError(index, str(payload.get("builder")), exc) from exc
            output["data"] = {"text/html": str(html)}
            drawn += 1
    return drawn


def warm_up() -> None:
    """Import altair and start vl-convert (one tiny chart), ahead of the first real chart."""
    import pandas as pd

    from pmkit.present import charts

    charts.to_svg(charts.factor_frequency(pd.DataFrame(columns=["category", "n_incidents"])))
