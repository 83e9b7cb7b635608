"""vae_core.viz.maths_figures: each view's figure has the traces, axes and error bars it promises."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from vae_core import gradients, inverse_cdf
from vae_core.inference import bounds
from vae_core.inference.iwae_curve import iwae_curve
from vae_core.viz import maths_figures as mf
from vae_core.viz.gradient_figures import NO_GRADIENT_NOTE


@pytest.fixture
def x() -> torch.Tensor:
    return torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))


def _names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data]


def test_elbo_figure_bars_with_error_bars(tiny_vae, x):
    g = torch.Generator().manual_seed(0)
    terms = bounds.elbo_terms(tiny_vae, x, 50, g)
    iwae = bounds.iwae_bound(tiny_vae, x, 10, 4, g)
    fig = mf.elbo_figure(terms, iwae)
    assert isinstance(fig, go.Figure)
    assert _names(fig) == ["reconstruction", "kl", "elbo", "iwae"]
    bars = {t.name: t for t in fig.data}
    assert bars["elbo"].y[0] == pytest.approx(terms.elbo)
    assert bars["reconstruction"].error_y.array[0] == pytest.approx(2 * terms.reconstruction_se)
    assert bars["kl"].error_y.array[0] == 0.0
    assert bars["iwae"].error_y.array[0] == pytest.approx(2 * iwae.se)
    assert "nats" in fig.layout.yaxis.title.text
    assert _names(mf.elbo_figure(terms)) == ["reconstruction", "kl", "elbo"]


def test_iwae_figure_log_k_axis(tiny_vae, x):
    g = torch.Generator().manual_seed(0)
    curve = iwae_curve(tiny_vae, x, [1, 10, 100], 400, g)
    fig = mf.iwae_figure(curve, curve.elbo, highlight_k=10)
    assert _names(fig) == ["ELBO", "IWAE bound L_k", "chosen k"]
    assert fig.data[0].y[0] == pytest.approx(curve.elbo.elbo) and "400 draws" in fig.layout.title.text
    assert fig.data[2].x[0] == 10 and fig.data[2].y[0] == pytest.approx(curve.means[1])
    assert fig.layout.xaxis.type == "log"
    iwae = fig.data[1]
    np.testing.assert_allclose(iwae.y, curve.means)
    np.testing.assert_allclose(iwae.error_y.array, 2 * curve.ses)


def test_gradient_flow_figure_shows_none_on_the_sampled_side(tiny_vae, x):
    comparison = gradients.gradient_flow(tiny_vae, x, torch.tensor([1.0, -0.5]))
    fig = mf.gradient_flow_figure(comparison)
    assert len(fig.data) == 4  # (∂/∂μ, ∂/∂σ) x (reparameterized, sampled)
    left, right = fig.data[:2], fig.data[2:]
    np.testing.assert_allclose(left[0].y, comparison.reparameterized.grad_mu.numpy(), rtol=1e-6)
    np.testing.assert_allclose(left[1].y, comparison.reparameterized.grad_sigma.numpy(), rtol=1e-6)
    assert all(list(t.customdata) == ["None", "None"] and list(t.y) == [0.0, 0.0] for t in right)  # in the hover
    assert all(list(t.text) == ["", ""] for t in right)  # not printed under the bars: one note says it
    assert any(a.text == NO_GRADIENT_NOTE for a in fig.layout.annotations)


def test_variance_figure_log_log_with_closed_form_for_the_quadratic():
    f = gradients.cost_function("quadratic", 1.0)
    curve = gradients.variance_vs_num_samples(f, 0.0, 1.0, [1, 10, 100], num_repeats=20)
    closed = gradients.quadratic_single_sample_variances(0.0, 1.0, 1.0)
    fig = mf.variance_figure(curve, closed, f.label)
    assert fig.layout.xaxis.type == fig.layout.yaxis.type == fig.layout.xaxis2.type == fig.layout.yaxis2.type == "log"
    names = _names(fig)
    path, score = mf.ESTIMATOR_NAMES["pathwise"], mf.ESTIMATOR_NAMES["score_function"]
    assert names.count(path) == names.count(score) == 2  # legends in words, not code names
    assert names.count(f"{score}, closed form") == 2 and "score_function" not in names
    score_sigma_closed = [t for t in fig.data if t.name == f"{score}, closed form"][1]
    np.testing.assert_allclose(score_sigma_closed.y, 136.0 / np.array([1, 10, 100]))
    no_closed = mf.variance_figure(curve, None, "cos(z)")
    assert not any("closed form" in n for n in _names(no_closed))


def test_lotus_figure_two_curves_and_the_exact_value():
    f = gradients.cost_function("cosine", 1.0)
    result = gradients.lotus_running_means(f, 0.0, 1.0, 5000)
    fig = mf.lotus_figure(result, f.expectation(0.0, 1.0), f.label)
    assert _names(fig) == ["sampling z ∼ N(μ, σ²)", "sampling ε, z = μ + σ·ε", "exact E[f]"]
    assert fig.layout.xaxis.type == "log"
    assert len(fig.data[0].x) <= 400 and fig.data[0].x[-1] == 5000
    assert fig.data[1].y[-1] == pytest.approx(result.reparameterized[-1])


@pytest.mark.parametrize("dist", inverse_cdf.DISTRIBUTIONS)
def test_inverse_cdf_figure(dist):
    params = inverse_cdf.DEFAULTS[dist]
    _, samples = inverse_cdf.draw(dist, 10_000, torch.Generator().manual_seed(0), **params)
    fig = mf.inverse_cdf_figure(dist, params, 0.8, samples)
    assert _names(fig) == ["cdf", "u → z", "histogram", "density"]
    z_u = float(inverse_cdf.sample(dist, torch.tensor([0.8], dtype=torch.float64), **params)[0])
    marker = fig.data[1]
    assert marker.x[1] == pytest.approx(z_u) and marker.y[1] == 0.8
    hist = fig.data[2]
    mass = float(np.sum(np.asarray(hist.y) * np.asarray(hist.width)))
    assert (0.95 if dist == "cauchy" else 0.97) < mass <= 1.0  # the plotted range holds ~99% (Cauchy ~97%)
    # Bins narrow enough that the histogram reaches the density's peak (the Cauchy's used to
    # spread over ±70 and stop at half of it).
    assert max(hist.y) >= 0.85 * max(fig.data[3].y)
    assert f"{z_u:.3f}" in fig.layout.annotations[0].text


def test_inverse_cdf_figure_raises_on_bad_parameters():
    with pytest.raises(ValueError, match="scale"):
        mf.inverse_cdf_figure("cauchy", {"loc": 0.0, "scale": -1.0}, 0.5, np.zeros(3))
