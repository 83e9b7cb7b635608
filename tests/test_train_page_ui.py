"""ui/pages/train through Streamlit's AppTest (tests/apps/train_app.py): the buttons drive real runs.

One epoch of a pathwise run draws the status, the scatter (an image of the codes under Plotly's
axes), the grid, the race and variance charts
and offers the checkpoint; a score-function run joins the race chart; Reset takes the current run
off it; an AE has no estimator to choose.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import vae_core

SCRIPT = str(Path(__file__).resolve().parent / "apps" / "train_app.py")


def _chart(at: AppTest, key: str) -> dict:
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return json.loads(chart.proto.spec)


def _values(array) -> list:
    """A Plotly JSON array: a list, or numpy's binary form {"dtype", "bdata"} decoded."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _one_epoch(at: AppTest) -> None:
    at.button(key="tr_step").click().run()
    run = at.session_state["_train_runs"][-1]
    deadline = time.monotonic() + 120
    while run.is_working:
        assert time.monotonic() < deadline, "the epoch did not end"
        time.sleep(0.05)
    at.run()
    assert not at.exception


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_one_epoch_draws_every_figure_and_offers_the_checkpoint(app):
    _one_epoch(app)
    status = [m.value for m in app.markdown if "/60" in m.value]
    assert status and "#1 pathwise" in status[0] and "paused, epoch 1/60" in status[0]
    scatter = _chart(app, "tr_scatter")
    assert [t["name"] for t in scatter["data"]] == [str(d) for d in range(10)]  # the legend
    (image,) = scatter["layout"]["images"]  # the 1,000 test images' codes, drawn into one PNG
    low, high = scatter["layout"]["xaxis"]["range"]
    assert -low == high >= 4 and scatter["layout"]["yaxis"]["range"] == [low, high]
    assert image["source"].startswith("data:image/png;base64,") and (image["x"], image["sizex"]) == (low, 2 * high)
    race = _chart(app, "tr_race")
    assert [t["name"] for t in race["data"]] == ["#1 pathwise, test", "#1 pathwise, train"]
    # a point at the end of every quarter of the epoch: 4,000 images, 63 steps of 64
    assert _values(race["data"][0]["x"]) == [round(s / 63, 3) for s in (16, 32, 48, 63)]
    assert 100 < _values(race["data"][0]["y"])[-1] < 300
    variance = _chart(app, "tr_variance")
    assert variance["layout"]["yaxis"]["type"] == "log" and len(_values(variance["data"][0]["y"])) > 10
    assert len(app.get("image")) == 1  # the decoded grid
    (download,) = app.get("download_button")
    run = app.session_state["_train_runs"][-1]
    model = vae_core.load_model(run.snapshot().checkpoint)
    assert model.metadata["training"]["epochs_done"] == 1 and download.proto.label == "Download the checkpoint"


def test_play_shows_a_point_in_its_own_rerun_and_pause_stops_in_its_own(app):
    app.button(key="tr_play").click().run()
    run = app.session_state["_train_runs"][-1]
    try:
        assert not app.exception and len(_values(_chart(app, "tr_race")["data"][0]["x"])) >= 1
        app.button(key="tr_pause").click().run()  # no poll in between: the callback waits for the stop
        assert not app.exception and not run.is_working
        snap = run.snapshot()
        assert snap.state == "paused" and snap.points[-1].step == snap.steps
        assert any(": paused, epoch" in m.value for m in app.markdown)
        (download,) = app.get("download_button")
        assert download.proto.label == "Download the checkpoint"
    finally:
        run.cancel(wait_s=10)


def test_a_second_estimator_joins_the_race_and_reset_takes_it_off(app):
    _one_epoch(app)
    app.radio(key="tr_estimator").set_value("blocked").run()
    _one_epoch(app)
    names = [t["name"] for t in _chart(app, "tr_race")["data"]]
    assert names == ["#1 pathwise, test", "#1 pathwise, train", "#2 blocked, test", "#2 blocked, train"]
    assert [t["name"] for t in _chart(app, "tr_variance")["data"]] == ["#1 pathwise"]  # blocked: exactly 0
    assert any("#2 blocked" in c.value and "exactly 0" in c.value for c in app.caption)
    app.button(key="tr_reset").click().run()
    names = [t["name"] for t in _chart(app, "tr_race")["data"]]
    assert names == ["#1 pathwise, test", "#1 pathwise, train"]


def test_an_ae_has_no_estimator_to_choose(app):
    app.radio(key="tr_model").set_value("ae").run()
    assert app.radio(key="tr_estimator").disabled and app.select_slider(key="tr_beta").disabled
    assert any("nothing to sample" in c.value for c in app.caption)
