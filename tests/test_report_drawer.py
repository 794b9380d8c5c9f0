"""The run's drawing process (``pmkit.reports.drawer``): the same figure HTML as drawn here, a
chart's failure with its error's type and message, and nothing left running after."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit.present import charts
from pmkit.present.figures import draw, plot
from pmkit.reports.drawer import ChartFailed, Drawer


def test_the_drawing_process_draws_what_this_process_draws() -> None:
    frame = pd.DataFrame({"category": ["deploy", "config", "<script>"], "n_incidents": [5, 3, 1]})
    payloads = [
        plot(charts.factor_frequency, frame, caption="c", n=9).payload(),
        plot(charts.factor_frequency, frame.head(0), caption="empty", n=0).payload(),
    ]
    drawer = Drawer()
    try:
        drawn = [drawer.draw(p) for p in payloads]
        with pytest.raises(ChartFailed) as failed:
            drawer.draw(
                plot(charts.top_services, pd.DataFrame({"service": ["a"]}), caption="c").payload()
            )
        assert drawer.draw(payloads[0]) == drawn[0]  # still drawing after a failure
    finally:
        drawer.close()
    assert drawn == [str(draw(p)) for p in payloads]
    assert "<svg" in drawn[0] and "&lt;script&gt;" in drawn[0]
    assert failed.value.ename == "KeyError"
    with pytest.raises(KeyError) as here:
        draw(plot(charts.top_services, pd.DataFrame({"service": ["a"]}), caption="c").payload())
    assert str(failed.value) == str(here.value)
    assert drawer._process.poll() is not None  # ended with its input


def test_a_chart_is_drawn_here_when_the_drawing_process_is_gone() -> None:
    frame = pd.DataFrame({"category": ["deploy"], "n_incidents": [2]})
    payload = plot(charts.factor_frequency, frame, caption="c", n=2).payload()
    drawer = Drawer()
    drawer._process.kill()
    drawer._process.wait()
    try:
        assert drawer.draw(payload) == str(draw(payload))
        with pytest.raises(KeyError):  # its own error, raised here
            drawer.draw(
                plot(charts.top_services, pd.DataFrame({"service": ["a"]}), caption="c").payload()
            )
    finally:
        drawer.close()
