"""The true posterior's heat-map from the quadrature's own cells (vae_core.inference.adaptive_grid):
one decoder pass, the same numbers as a fresh evaluation, a density over its box; and the
"mass outside q" test of the Explorer's panel (ui.views.posterior.outside_q)."""

from __future__ import annotations

import math

import pytest
import torch

import vae_core
from ui.views.posterior import outside_q
from vae_core.data.galleries import load_gallery
from vae_core.inference.adaptive_grid import posterior_heatmap
from vae_core.inference.marginal import POSTERIOR_FLOOR, quadrature
from vae_core.maths.losses import reconstruction_nll


@pytest.fixture(scope="module")
def vae(shipped):
    return vae_core.load_model(shipped["vae"]["path"])


@pytest.mark.parametrize("row", [2200, 4321])
def test_the_heatmap_is_the_quadratures_cells_in_one_decoder_pass(vae, row):
    x = load_gallery("mnist").images[row : row + 1]
    decoded: list[int] = []  # codes through the decoder's first layer, batch by batch
    hook = vae.decoder[0].register_forward_hook(lambda _m, inputs, _out: decoded.append(len(inputs[0])))
    try:
        heat = posterior_heatmap(vae, x)
    finally:
        hook.remove()
    q = quadrature(vae, x)
    # every code decoded once: the quadrature's cells (and the ones it split), no second grid
    assert sum(decoded) == len(q.centres) + q.refined
    assert heat.log_px == q.log_px and heat.log_px_error == q.error and q.error < 0.01
    # a density over its box: the pixels are the finest cells, so it sums to 1 times their area
    area = float((heat.xs[1] - heat.xs[0]) * (heat.ys[1] - heat.ys[0]))
    assert math.exp(float(torch.logsumexp(heat.log_posterior.flatten(), 0))) * area == pytest.approx(1.0, abs=1e-3)
    assert area == pytest.approx(float(q.sides.min()) ** 2)
    # the box holds the mass: its edges are more than POSTERIOR_FLOOR - a little below the top
    lp = heat.log_posterior
    edge = torch.cat([lp[0], lp[-1], lp[:, 0], lp[:, -1]])
    assert float(edge.max()) < float(lp.max()) - (POSTERIOR_FLOOR - 4)
    # the values are log p(z|x) at the pixels' centres: a fresh decode there agrees
    i, j = divmod(int(torch.argmax(lp)), lp.shape[1])
    rows = torch.tensor([i, i, max(i - 3, 0), min(i + 2, lp.shape[0] - 1)])
    cols = torch.tensor([j, max(j - 2, 0), j, min(j + 3, lp.shape[1] - 1)])
    z = torch.stack([heat.xs[cols], heat.ys[rows]], dim=1)
    with torch.no_grad():
        fresh = -reconstruction_nll(x.expand(len(z), *x.shape[1:]), vae.decode_logits(z.float())).double()
    fresh = fresh - 0.5 * (z**2).sum(dim=1) - math.log(2 * math.pi) - q.log_px
    torch.testing.assert_close(lp[rows, cols], fresh, rtol=0, atol=1e-3)  # float32 decoder, other batches


def test_a_coarse_image_keeps_to_max_pixels_and_the_same_box(vae):
    x = load_gallery("mnist").images[2200:2201]
    full, small = posterior_heatmap(vae, x), posterior_heatmap(vae, x, max_pixels=16)
    assert max(small.log_posterior.shape) <= 16 < max(full.log_posterior.shape)
    assert small.box[0] == pytest.approx(full.box[0]) and small.box[2] == pytest.approx(full.box[2])
    assert float(small.log_posterior.max()) <= float(full.log_posterior.max())
    with pytest.raises(ValueError, match="max_pixels"):
        posterior_heatmap(vae, x, max_pixels=4)


def test_outside_q_is_beyond_the_3_sigma_ellipse():
    mu, sigma = [0.0, 1.0], [0.1, 0.2]
    assert not outside_q([0.29, 1.0], mu, sigma) and outside_q([0.31, 1.0], mu, sigma)
    assert not outside_q([0.2, 1.4], mu, sigma)  # 2² + 2² = 8 < 9
    assert outside_q([0.25, 1.4], mu, sigma)  # 2.5² + 2² > 9
