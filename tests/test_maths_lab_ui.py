"""ui.pages.maths_lab through Streamlit's AppTest, on a tiny random VAE / AE (tests/apps/maths_lab_app.py).

No shipped weights are needed: the script builds the models from a fixed seed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

SCRIPT = str(Path(__file__).resolve().parent / "apps" / "maths_lab_app.py")
CHARTS = [
    "maths_elbo_chart",
    "maths_iwae_chart",
    "maths_flow_chart",
    "maths_var_chart",
    "maths_lotus_chart",
    "maths_icdf_chart",
]


def _chart(at: AppTest, key: str) -> dict:
    """The Plotly spec (data and layout) of the chart with this key."""
    matches = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    assert len(matches) == 1, key
    return json.loads(matches[0].proto.spec)


def _markdown(at: AppTest, start: str) -> str:
    hits = [m.value for m in at.markdown if m.value.startswith(start)]
    assert hits, start
    return hits[0]


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_all_five_views_render(app):
    assert not app.error
    assert [h.value[0] for h in app.subheader] == ["1", "2", "3", "4", "5"]
    for key in CHARTS:
        assert _chart(app, key)["data"]
    widget_keys = [w.key for kind in ("slider", "select_slider", "selectbox", "number_input") for w in app.get(kind)]
    assert widget_keys and all(k.startswith("maths_") for k in widget_keys)


def test_m_and_k_sliders_change_the_numbers(app):
    before = _markdown(app, "E_q[log p(x|z)]")
    bars_before = _chart(app, "maths_elbo_chart")["data"]
    app.select_slider(key="maths_elbo_m").set_value(1000).run()
    assert not app.exception
    after = _markdown(app, "E_q[log p(x|z)]")
    assert "(M = 1000)" in after and after != before
    app.select_slider(key="maths_iwae_k").set_value(5000).run()
    assert "L_5000" in _markdown(app, "E_q[log p(x|z)]")
    assert _chart(app, "maths_elbo_chart")["data"] != bars_before


def test_eps_slider_changes_the_gradients_and_the_sampled_side_has_none(app):
    table = _markdown(app, "| | z = μ + σ ⊙ ε")
    assert "| ∂ log p(x\\|z)/∂μ (mu.grad) |" in table and table.count("**None**") == 3
    before = _chart(app, "maths_flow_chart")["data"][:2]
    app.slider(key="maths_flow_eps_0").set_value(-2.0).run()
    assert not app.exception
    assert _chart(app, "maths_flow_chart")["data"][:2] != before


def test_variance_view_closed_form_only_for_the_quadratic(app):
    table = _markdown(app, "| estimator |")
    assert "| 4 |" in table and "| 136 |" in table  # closed forms at mu=0, sigma=1, k=1
    app.selectbox(key="maths_var_f").set_value("cosine").run()
    assert not app.exception
    names = [t.get("name") for t in _chart(app, "maths_var_chart")["data"]]
    assert not any("closed form" in n for n in names)
    assert "| — |" in _markdown(app, "| estimator |")


def test_bad_parameters_show_an_error_not_a_traceback(app):
    assert app.slider(key="maths_var_sigma").min > 0  # sigma = 0 cannot be chosen (the score divides by it)
    app.selectbox(key="maths_icdf_dist").set_value("cauchy").run()
    app.number_input(key="maths_icdf_cauchy_scale").set_value(-1.0).run()
    assert not app.exception
    assert any("scale of the cauchy distribution must be > 0" in e.value for e in app.error)


def test_u_slider_moves_z_and_normal_agrees_with_mu_plus_sigma_eps(app):
    assert "(difference 0.0e+00)" in _markdown(app, "Same u, two roads")
    before = _markdown(app, "u = ")
    app.slider(key="maths_icdf_u").set_value(0.3).run()
    assert not app.exception
    after = _markdown(app, "u = ")
    assert after != before and after.startswith("u = 0.300")
    app.selectbox(key="maths_icdf_dist").set_value("exponential").run()
    assert not app.exception and "−log(1 − u) / rate" in _markdown(app, "`z = ")


def test_lotus_m_slider(app):
    before = _markdown(app, "After M = 10,000")
    app.select_slider(key="maths_lotus_m").set_value(1000).run()
    assert not app.exception and _markdown(app, "After M = 1,000") != before


def test_an_autoencoder_gets_views_3_to_5_only():
    at = AppTest.from_file(SCRIPT, default_timeout=60)
    at.query_params["kind"] = "ae"
    at.run()
    assert not at.exception and not at.error
    assert any("need a VAE" in i.value for i in at.info)
    assert [h.value[0] for h in at.subheader] == ["3", "4", "5"]
    assert not any(c.proto.id.endswith("-maths_elbo_chart") for c in at.get("plotly_chart"))


def test_a_2d_vae_shows_the_exact_log_px_above_both_bounds(app):
    """The IWAE chart and the summary line carry log p(x) by quadrature (a 2-D latent makes it
    exact); the ELBO and L_k estimates lie below it, within their error."""
    import base64
    import re

    import numpy as np

    spec = _chart(app, "maths_iwae_chart")
    exact = next(t for t in spec["data"] if t["name"] == "log p(x), exact")
    log_px = exact["y"][0]
    line = _markdown(app, "E_q[log p(x|z)]")
    assert f"exact log p(x) = **{log_px:.2f} nats**" in line
    elbo = float(re.search(r"ELBO = \*\*(-?[\d,.]+) ±", line).group(1).replace(",", ""))
    iwae = next(t for t in spec["data"] if t["name"] == "IWAE bound L_k")["y"]
    if isinstance(iwae, dict):  # numpy arrays are sent as typed arrays
        iwae = np.frombuffer(base64.b64decode(iwae["bdata"]), dtype=np.dtype(iwae["dtype"]))
    assert elbo < log_px
    assert len(iwae) > 3 and np.all(np.asarray(iwae) <= log_px + 0.05)  # L_k approaches it from below
