"""The pieces behind the pipeline's true-posterior view and its binary weights transfer:
posterior_grid (the heat-map), a hand-set q in the bounds, density_png, packed_weights."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
import torch
from PIL import Image

import vae_core
from vae_core.data.galleries import load_gallery
from vae_core.inference.bounds import elbo_terms, iwae_bound
from vae_core.inference.marginal import posterior_grid
from vae_core.models import ModelConfig, build_model
from vae_core.models.export import decoder_spec, packed_weights, spec_arrays
from vae_core.viz.images import density_png


@pytest.fixture(scope="module")
def vae(shipped):
    return vae_core.load_model(shipped["vae"]["path"])


@pytest.fixture(scope="module")
def grid(vae):
    return posterior_grid(vae, load_gallery("mnist").images[2200:2201], n=96)


def test_the_posterior_grid_is_a_density_that_integrates_to_one(vae, grid):
    x = load_gallery("mnist").images[2200:2201]
    cell = float((grid.xs[1] - grid.xs[0]) * (grid.ys[1] - grid.ys[0]))
    assert math.exp(float(torch.logsumexp(grid.log_posterior.flatten(), 0))) * cell == pytest.approx(1.0, abs=0.02)
    assert grid.log_px == pytest.approx(float(vae_core.log_marginal_likelihood(vae, x)[0]), abs=1e-9)
    x0, x1, y0, y1 = grid.box
    assert grid.xs[0] == x0 and grid.xs[-1] == x1 and grid.ys[0] == y0 and grid.ys[-1] == y1
    # the edge of the box holds almost nothing: the mass is inside
    edge = torch.cat(
        [grid.log_posterior[0], grid.log_posterior[-1], grid.log_posterior[:, 0], grid.log_posterior[:, -1]]
    )
    assert float(edge.max()) < float(grid.log_posterior.max()) - 8


def test_a_hand_set_q_changes_the_bounds_and_both_stay_below_log_px(vae, grid):
    x = load_gallery("mnist").images[2200:2201]
    mu, sigma = vae.posterior(x)
    g = torch.Generator().manual_seed(0)
    encoder = elbo_terms(vae, x, 2000, torch.Generator().manual_seed(1))
    same = elbo_terms(vae, x, 2000, torch.Generator().manual_seed(1), posterior=(mu.detach(), sigma.detach()))
    assert same.elbo == pytest.approx(encoder.elbo, abs=1e-9)  # the encoder's q, given by hand
    # q moved onto the true posterior's peak: a tighter ELBO than the encoder's own q
    i, j = divmod(int(torch.argmax(grid.log_posterior)), grid.log_posterior.shape[1])
    peak = torch.tensor([[float(grid.xs[j]), float(grid.ys[i])]])
    moved = elbo_terms(vae, x, 2000, g, posterior=(peak, sigma.detach()))
    assert moved.elbo > encoder.elbo + 5 * encoder.elbo_se
    assert moved.elbo < grid.log_px and encoder.elbo < grid.log_px
    assert iwae_bound(vae, x, 100, 8, g, posterior=(peak, sigma.detach())).mean < grid.log_px + 0.05
    with pytest.raises(ValueError, match="sigma must be > 0"):
        elbo_terms(vae, x, 10, g, posterior=(mu.detach(), torch.zeros_like(sigma)))


def test_density_png_is_rgba_top_row_largest_y_and_transparent_far_from_the_peak():
    ys = torch.linspace(-1, 1, 20, dtype=torch.float64)
    xs = torch.linspace(-1, 1, 30, dtype=torch.float64)
    log_density = -0.5 * ((xs[None, :] - 0.5) ** 2 + (ys[:, None] - 0.8) ** 2) / 0.01
    image = Image.open(io.BytesIO(density_png(log_density)))
    assert image.mode == "RGBA" and image.size == (30, 20)
    alpha = np.asarray(image)[..., 3]
    top, left = np.unravel_index(int(alpha.argmax()), alpha.shape)
    assert top <= 3 and left == int(np.abs(xs.numpy() - 0.5).argmin())  # y = 0.8 is near the top row
    assert alpha[-1, 0] == 0  # more than 12 nats below the peak: transparent


def test_packed_weights_are_float16_when_exact_and_float32_otherwise():
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="vae", latent_dim=2, hidden=[16, 8])).eval()
    spec = decoder_spec(model)
    dtype, flat = packed_weights(spec)
    reference = np.concatenate([part.reshape(-1) for layer in spec_arrays(spec) for part in layer])
    assert dtype == "float32" and np.array_equal(flat, reference)  # random init is not float16
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    spec = decoder_spec(model)
    dtype, flat = packed_weights(spec)
    assert dtype == "float16" and flat.dtype == np.float16 and flat.size == spec["num_params"]
    assert np.array_equal(
        flat.astype(np.float32), np.concatenate([p.reshape(-1) for lay in spec_arrays(spec) for p in lay])
    )
