"""ui.pages.maths_lab through Streamlit's AppTest, on a tiny random VAE / AE (tests/apps/maths_lab_app.py).

No shipped weights are needed: the script builds the models from a fixed seed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from ui.views.below_fold import REACHED_KEY

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


def _hits(at: AppTest, start: str) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(start)]


def _markdown(at: AppTest, start: str) -> str:
    hits = _hits(at, start)
    assert hits, start
    return hits[0]


def _number(text: str, pattern: str) -> float:
    import re

    match = re.search(pattern, text.replace("**", ""))
    assert match, (pattern, text)
    return float(match.group(1))


@pytest.fixture
def app() -> AppTest:
    """The page as drawn once the learner has scrolled to its charts (AppTest runs no JavaScript)."""
    at = AppTest.from_file(SCRIPT, default_timeout=60)
    at.session_state[REACHED_KEY] = True
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


def test_view_1_numbers_come_first_and_the_rest_once_scrolled_to():
    """A new session sees view 1's numbers at once; view 1's charts and views 2-5 (their numbers,
    charts and controls) wait in boxes under their headings until the learner scrolls down (the
    sentinel sets REACHED_KEY), and then come with the numbers of the same draws."""
    at = AppTest.from_file(SCRIPT, default_timeout=60)
    at.run()
    assert not at.exception and not at.error
    assert [h.value[0] for h in at.subheader] == ["1", "2", "3", "4", "5"]
    assert not at.get("plotly_chart")
    first = [_markdown(at, start) for start in ("E_q[log p(x|z)]", "L_100 = ", "Exact log p(x)")]
    assert not _hits(at, "| | z = μ + σ ⊙ ε") and not _hits(at, "| estimator |")
    assert {w.key for w in at.select_slider} == {"maths_elbo_m", "maths_iwae_k"}
    assert sum("once you scroll down to it" in c.value for c in at.caption) == 4
    at.session_state[REACHED_KEY] = True
    at.run()
    assert not at.exception
    for key in CHARTS:
        assert _chart(at, key)["data"]
    assert _markdown(at, "| | z = μ + σ ⊙ ε") and _markdown(at, "| estimator |")
    assert [_markdown(at, start) for start in ("E_q[log p(x|z)]", "L_100 = ", "Exact log p(x)")] == first


def test_the_views_below_keep_their_settings_while_in_their_boxes(app):
    """Scrolled back up (REACHED_KEY False), views 2-5 become boxes again; what the learner set in
    them comes back with them, without a warning about a value set twice."""
    app.selectbox(key="maths_var_f").set_value("cosine").run()
    app.slider(key="maths_icdf_u").set_value(0.3).run()
    app.session_state[REACHED_KEY] = False
    app.run()
    assert not app.exception and not app.get("selectbox")
    app.session_state[REACHED_KEY] = True
    app.run()
    assert not app.exception and not app.warning
    assert app.selectbox(key="maths_var_f").value == "cosine" and app.slider(key="maths_icdf_u").value == 0.3
    assert _markdown(app, "u = ").startswith("u = 0.300")


def test_m_and_k_sliders_change_the_numbers(app):
    before = _markdown(app, "E_q[log p(x|z)]")
    bars_before = _chart(app, "maths_elbo_chart")["data"]
    app.select_slider(key="maths_elbo_m").set_value(1000).run()
    assert not app.exception
    after = _markdown(app, "E_q[log p(x|z)]")
    assert "(M = 1000: the first M of the 40,000 draws behind L_k)" in after and after != before
    assert _chart(app, "maths_elbo_chart")["data"] != bars_before
    chosen = _markdown(app, "L_100 = ")
    app.select_slider(key="maths_iwae_k").set_value(5000).run()
    assert not app.exception
    assert "of 5,000 of the N = 40,000 draws" in _markdown(app, "L_5000 = ") and not _hits(app, "L_100 = ")
    assert chosen != _markdown(app, "L_5000 = ")


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


def _trace_y(trace) -> list[float]:
    import base64

    import numpy as np

    y = trace["y"]
    if isinstance(y, dict):  # numpy arrays are sent as typed arrays
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return [float(v) for v in y]


def test_view_1_sentences_agree_with_the_numbers_they_describe(app):
    """Each sentence of view 1 quotes the chart's numbers with their standard errors, log p(x)
    with the quadrature's error, and claims only what check_bounds finds at 2 SE."""

    spec = _chart(app, "maths_iwae_chart")
    traces = {t["name"]: t for t in spec["data"]}
    means = _trace_y(traces["IWAE bound L_k"])
    log_px = traces["log p(x), exact"]["y"][0]
    elbo_line = traces["ELBO"]["y"][0]
    assert len(means) == 12 and "40,000 draws" in spec["layout"]["title"]["text"]

    at_1 = _markdown(app, "At k = 1")
    assert _number(at_1, r"L₁ = (-?[\d.]+) ±") == pytest.approx(means[0], abs=6e-4)
    assert _number(at_1, r"ELBO = (-?[\d.]+) ±") == pytest.approx(elbo_line, abs=6e-4)
    apart = _number(at_1, r"number, ([\d.]+) ±")
    assert apart == pytest.approx(abs(means[0] - elbo_line), abs=2e-3)

    exact = _markdown(app, "Exact log p(x)")
    assert _number(exact, r"log p\(x\) = (-?[\d.]+) ±") == pytest.approx(log_px, abs=6e-4)
    error = _number(exact, r"log p\(x\) = -?[\d.]+ ± ([\d.]+) nats")
    assert 0 < error < 0.01 and "quadrature" in exact
    last = _number(exact, r"L_5000 is ([\d.]+) ± [\d.]+ nats (?:below|above)")
    assert last == pytest.approx(abs(log_px - means[-1]), abs=2e-3)
    sentence = _markdown(app, "From k = 1 to k = 5,000")
    assert _number(sentence, r"to (-?[\d.]+) ±") == pytest.approx(means[-1], abs=6e-4)
    # the claims: the page's sentences are those of its numbers, recomputed here from the same
    # model, input and draws (seed 0), and the 2-SE claim is the one check_bounds makes
    from ui.pages.maths_lab import bound_text
    from ui.pages.maths_lab.compute import IWAE_DRAWS, K_OPTIONS
    from vae_core.inference.iwae_curve import check_bounds, iwae_curve
    from vae_core.inference.marginal import quadrature
    from vae_core.models import ModelConfig, build_model

    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="vae", latent_dim=2, hidden=[32])).eval()
    x = (torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(1)) > 0.8).float()
    eps = torch.randn(IWAE_DRAWS, 2, generator=torch.Generator().manual_seed(0))
    curve = iwae_curve(model, x, K_OPTIONS, eps=eps)
    q = quadrature(model, x)
    checks = check_bounds(curve, q.log_px, q.error, bound_text.Z)
    assert means == pytest.approx(list(curve.means), abs=1e-9) and log_px == pytest.approx(q.log_px)
    assert exact == bound_text.exact(curve, checks, q.log_px, q.error)
    assert sentence == bound_text.rise(curve, checks) and at_1 == bound_text.l1_and_elbo(curve, checks)
    assert ("Every L_k lies below it or within 2 SE of it" in exact) == (checks.above == ())
    assert ("It falls by more than 2 SE" in sentence) == (checks.drops != ())
    assert all(m <= q.log_px + q.error + 2 * se for m, se in zip(curve.means, curve.ses, strict=True)) == (
        checks.above == ()
    )
