"""The latent-space sections through AppTest: the holes measure in words, endpoints chosen by
the measure, another such pair, linear or slerp paths, the frames slider, the grids' z axes. (Clicks
on charts, the grid overlay, the missing-digit callout and the charts' wait for a scroll are checked
in a browser: tests/e2e/test_latent_space_browser.py.)"""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import vae_core
from ui.views.below_fold import REACHED_KEY
from vae_core.classifier import find_classifier, load_classifier
from vae_core.data.galleries import load_gallery
from vae_core.holes import default_pair, random_code_report
from vae_core.inference.codes import encode_images

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180


@pytest.fixture(scope="module")
def measured():
    entries = {e["name"]: e for e in vae_core.list_models()}
    ae, vae = (vae_core.load_model(entries[n]["path"]) for n in ("mnist-ae-2d", "mnist-vae-2d"))
    judge = load_classifier(find_classifier("mnist"))
    gallery = load_gallery("mnist")
    reports = {
        "ae": random_code_report(ae, judge, encode_images(ae, gallery.images)[0]),
        "vae": random_code_report(vae, judge),
    }
    return reports, default_pair(ae, vae, judge, gallery.images, gallery.labels), gallery.labels


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[REACHED_KEY] = True  # as if scrolled down: the charts are drawn (AppTest runs no JS)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _charts(at) -> dict[str, dict]:
    """{key suffix: Plotly spec} of every chart, by the key each was drawn with."""
    return {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def _values(v) -> list:
    """A Plotly array as a list (numpy arrays are sent as {"dtype", "bdata"} typed arrays)."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def _markdown(at, start: str) -> str:
    return next(m.value for m in at.markdown if m.value.startswith(start))


def _within_class(labels, row):
    return int(labels[row]), int((labels[:row] == labels[row]).sum())


def test_the_holes_numbers_are_the_measure(app, measured):
    reports, _, _ = measured
    text = _markdown(app, "**Holes, measured.**")
    assert f"**{100 * reports['ae'].recognisable:.1f} %** of the AE's" in text
    assert f"**{100 * reports['vae'].recognisable:.1f} %** of the VAE's" in text
    spread = _markdown(app, "- The AE's decodes")
    assert f"**{reports['ae'].class_entropy_bits:.2f} bits**" in spread
    bars = _charts(app)["holes_spread"]
    assert [_values(t["y"]) for t in bars["data"]] == [reports["ae"].counts, reports["vae"].counts]


def test_default_endpoints_come_from_the_measure_and_the_ae_path_crosses_a_hole(app, measured):
    _, pair, labels = measured
    assert (app.selectbox(key="interp_a_mnist_digit").value, app.number_input(key="interp_a_mnist_index").value) == (
        _within_class(labels, pair.a)
    )
    assert (app.selectbox(key="interp_b_mnist_digit").value, app.number_input(key="interp_b_mnist_index").value) == (
        _within_class(labels, pair.b)
    )
    assert "Endpoints chosen by the measure" in _markdown(app, "**Endpoints chosen")
    verdict = _markdown(app, "On this path the AE crosses")
    assert f"AE crosses **{pair.ae_holes} hole" in verdict and "VAE **no hole**" in verdict
    ae_curve = _charts(app)["interp_ae_confidence"]["data"][0]
    assert min(_values(ae_curve["y"])) == pytest.approx(pair.ae_min_confidence, abs=1e-6)
    scatter = _charts(app)["interp_ae_scatter_0"]
    assert any(t.get("name", "").startswith("hole") for t in scatter["data"])


def test_another_pair_is_another_pair_of_classes_whose_ae_path_crosses_a_hole(app):
    before = (app.selectbox(key="interp_a_mnist_digit").value, app.selectbox(key="interp_b_mnist_digit").value)
    app.button(key="interp_another").click().run()
    assert not app.exception
    after = (app.selectbox(key="interp_a_mnist_digit").value, app.selectbox(key="interp_b_mnist_digit").value)
    assert after != before
    assert "a hole" in _markdown(app, "**Endpoints chosen")
    assert "AE crosses **no hole**" not in _markdown(app, "On this path the AE crosses")
    app.button(key="interp_another").click().run()
    assert (app.selectbox(key="interp_a_mnist_digit").value, app.selectbox(key="interp_b_mnist_digit").value) != after


def test_slerp_and_the_frames_slider_change_the_paths(app):
    def path_of(at):
        data = _charts(at)["interp_vae_scatter_0"]["data"]
        return next(t for t in data if t.get("name") == "path")

    linear = _values(path_of(app)["x"])
    app.radio(key="interp_method").set_value("slerp").run()
    assert not app.exception
    spherical = _values(path_of(app)["x"])
    assert spherical[0] == pytest.approx(linear[0]) and spherical[-1] == pytest.approx(linear[-1])
    assert spherical[4] != pytest.approx(linear[4])
    app.slider(key="interp_steps").set_value(16).run()
    assert len(_charts(app)["interp_ae_confidence"]["data"][0]["y"]) == 16
    assert len(_values(path_of(app)["x"])) == 16


def test_grids_have_z_axes_at_the_inverse_cdf_points(app):
    # (the overlay and the missing-digit callout: tests/e2e/test_latent_space_browser.py)
    grid = _charts(app)["grid_vae_0"]
    axis = [float(t) for t in grid["layout"]["xaxis"]["ticktext"]]
    expected = vae_core.maths.latent.inverse_cdf_axis(15)[::2].tolist()
    assert axis == pytest.approx(expected, abs=0.006)


def test_sections_work_without_a_classifier(monkeypatch, tmp_path):
    """A models folder without classifiers/: the sections say so and still draw strips and grids."""
    import shutil

    for name in ("mnist-ae-2d", "mnist-vae-2d"):
        shutil.copy(vae_core.models.checkpoint.MODELS_DIR / f"{name}.safetensors", tmp_path)
    monkeypatch.setenv("VAE_EXPLORER_MODELS_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state[REACHED_KEY] = True  # as if scrolled down to sections 2-3
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("No mnist classifier in models/classifiers/" in i.value for i in at.info)
    assert sum("decoded path" in c for img in at.get("image") for c in img.captions) == 2
    assert (at.selectbox(key="interp_a_mnist_digit").value, at.selectbox(key="interp_b_mnist_digit").value) == (2, 9)
    assert sum("x15 grid, " in c.value for c in at.caption) == 2  # both grids, unjudged
    assert not any("missing from the AE grid" in w.value for w in at.warning)
