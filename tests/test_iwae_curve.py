"""vae_core.inference.iwae_curve: L_k for many k from one set of draws, and check_bounds.

The fast tests use a tiny random 2-D VAE and a binary input; the one slow test compares the
shipped 2-D VAE's curve (the Maths lab's N draws and seed) with its log p(x) by quadrature.
Statistical checks use fixed seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import vae_core
from vae_core.data.galleries import load_gallery
from vae_core.inference.bounds import ElboTerms, elbo_terms, log_weights
from vae_core.inference.iwae_curve import DEFAULT_DRAWS, IwaeCurve, check_bounds, iwae_curve
from vae_core.inference.marginal import quadrature

KS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


@pytest.fixture(scope="module")
def x(binary_x) -> torch.Tensor:
    return binary_x  # conftest: one binary 28x28 input


@pytest.fixture(scope="module")
def vae(small_vae2):
    return small_vae2  # conftest: an untrained 2-D VAE from a fixed seed


def _eps(n: int, seed: int) -> torch.Tensor:
    return torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))


def test_l1_is_the_mean_log_weight_and_the_elbo_of_the_same_draws(vae, x):
    eps = _eps(2000, 0)
    curve = iwae_curve(vae, x, [1, 10], eps=eps)
    w = log_weights(vae, x, eps)
    l1 = curve.at(1)
    assert l1.mean == pytest.approx(float(w.log_w.mean()), abs=1e-9)
    assert l1.mean == pytest.approx(curve.elbo.elbo_monte_carlo, abs=1e-9)  # same draws, same number
    assert curve.elbo.num_samples == 2000
    # the closed-form-KL ELBO of the same draws differs from L_1 only by the KL's Monte Carlo error
    checks = check_bounds(curve)
    assert checks.l1_minus_elbo == pytest.approx(curve.elbo.kl - curve.elbo.kl_monte_carlo, abs=1e-9)
    kl_terms = w.log_posterior - w.log_prior
    assert checks.l1_minus_elbo_se == pytest.approx(float(kl_terms.std() / math.sqrt(2000)), rel=1e-9)
    assert abs(checks.l1_minus_elbo) <= 5 * checks.l1_minus_elbo_se


def test_the_first_m_draws_give_the_elbo_bars_of_the_page(vae, x):
    """The Maths lab's bars use the first M rows of the curve's draws: the same log-weights."""
    eps = _eps(1000, 1)
    curve = iwae_curve(vae, x, [1], eps=eps)
    bars = elbo_terms(vae, x, eps=eps[:100])
    assert bars.elbo_monte_carlo == pytest.approx(float(curve.values[0][:100].mean()), abs=1e-9)


def test_groups_split_the_draws_into_disjoint_blocks_of_k(vae, x):
    eps = _eps(1000, 2)
    curve = iwae_curve(vae, x, [300, 1, 10, 10], eps=eps)
    assert list(curve.ks) == [1, 10, 300] and list(curve.groups) == [1000, 100, 3] and curve.num_samples == 1000
    log_w = log_weights(vae, x, eps).log_w
    direct = torch.logsumexp(log_w[:900].reshape(3, 300), dim=1) - math.log(300)
    np.testing.assert_allclose(curve.at(300).values, direct.numpy(), atol=1e-12)
    assert curve.at(300).se == pytest.approx(float(direct.std() / math.sqrt(3)), rel=1e-9)
    with pytest.raises(ValueError, match="not on this curve"):
        curve.at(50)


def test_the_standard_error_shrinks_as_the_draws_grow(vae, x):
    """SE ~ 1 / sqrt(groups): four times the draws halve it (within the SEs' own noise)."""
    small = iwae_curve(vae, x, [1, 10], 1_000, torch.Generator().manual_seed(3))
    large = iwae_curve(vae, x, [1, 10], 4_000, torch.Generator().manual_seed(4))
    ratio = small.ses / large.ses
    assert np.all((ratio > 1.6) & (ratio < 2.5)), ratio


def test_the_mean_rises_with_k_within_the_noise(vae, x):
    curve = iwae_curve(vae, x, [1, 10, 100, 1000], 8_000, torch.Generator().manual_seed(5))
    assert check_bounds(curve, z=3.0).drops == ()
    assert curve.means[-1] - curve.means[0] > 10 * math.hypot(curve.ses[0], curve.ses[-1])
    assert np.all(np.diff(curve.ses[1:]) < 0)  # the estimate tightens as k grows (here)


def _curve(means, ses, ks=(1, 10, 100)) -> IwaeCurve:
    elbo = ElboTerms(-10.0, 0.1, 1.0, -11.0, 0.1, 1.02, -11.02, 100, 0.01)
    n = 1000
    values = tuple(np.zeros(n // k) for k in ks)
    return IwaeCurve(np.array(ks), np.array(means), np.array(ses), np.array([n // k for k in ks]), n, values, elbo)


def test_check_bounds_names_estimates_above_log_px_and_falls_beyond_z_se():
    curve = _curve([-11.0, -10.30, -10.05], [0.1, 0.05, 0.02])
    quiet = check_bounds(curve, log_px=-10.0, log_px_error=0.0)
    assert quiet.above == () and quiet.drops == () and quiet.largest_excess_se == pytest.approx(-2.5)
    assert quiet.l1_minus_elbo == pytest.approx(-0.02) and quiet.l1_minus_elbo_se == 0.01
    loud = check_bounds(curve, log_px=-10.10, log_px_error=0.0)
    assert [a[0] for a in loud.above] == [100] and loud.above[0][2] == pytest.approx(2.5)
    assert check_bounds(curve, log_px=-10.10, log_px_error=0.02).above == ()  # the quadrature's error counts
    falling = check_bounds(_curve([-11.0, -10.0, -10.5], [0.1, 0.1, 0.1]))
    assert falling.drops == ((10, 100, pytest.approx(0.5), pytest.approx(0.5 / math.hypot(0.1, 0.1))),)
    assert falling.above == () and math.isnan(falling.largest_excess_se)  # no log p(x): nothing above
    with pytest.raises(ValueError, match="z must be"):
        check_bounds(curve, z=0)
    with pytest.raises(ValueError, match="log_px_error"):
        check_bounds(curve, -10.0, -1.0)


def test_refusals(vae, x, tiny_ae):
    with pytest.raises(ValueError, match="two groups"):
        iwae_curve(vae, x, [1, 600], 1000)
    with pytest.raises(ValueError, match="at least one k"):
        iwae_curve(vae, x, [], 1000)
    with pytest.raises(ValueError, match="eps must have shape"):
        iwae_curve(vae, x, [1], eps=torch.zeros(10, 3))
    with pytest.raises(TypeError, match="plain autoencoder"):
        iwae_curve(tiny_ae, x, [1, 10], 100)


@pytest.mark.slow
@pytest.mark.parametrize("row", [1000, 4500])
def test_shipped_vae_every_l_k_lies_below_log_px_within_3_se(shipped, row):
    """The Maths lab's numbers (N draws, seed 0) on the shipped 2-D VAE: L_k <= log p(x) + its
    quadrature error + 3 SE for k = 1 ... 5000, no fall over 3 SE, L_5000 within 0.05 nats."""
    model = vae_core.load_model(shipped["vae"]["path"])
    x = load_gallery("mnist").images[row : row + 1]
    q = quadrature(model, x)
    assert q.error < 0.01
    curve = iwae_curve(model, x, KS, DEFAULT_DRAWS, torch.Generator().manual_seed(0))
    assert list(curve.groups) == [DEFAULT_DRAWS // k for k in KS]
    checks = check_bounds(curve, q.log_px, q.error, z=3.0)
    assert checks.above == () and checks.drops == (), checks
    assert q.log_px - curve.means[-1] < 0.05
    assert curve.elbo.elbo < q.log_px  # the ELBO is far below: its gap is the KL to the true posterior
