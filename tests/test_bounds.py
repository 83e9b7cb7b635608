"""vae_core.maths.bounds: ELBO terms and the IWAE bound against torch.distributions and exact log p(x).

The tiny random VAE has a 2-D latent space, so log p(x) = log ∫ p(x|z) N(z; 0, I) dz can be
computed by quadrature on a grid and used as ground truth: ELBO = L_1 <= L_k <= log p(x)
(Burda, Grosse & Salakhutdinov 2016, theorem 1).

Statistical checks use fixed seeds and 5 standard errors: two-sided 5.7e-7, one-sided 2.9e-7
false-failure rate per check under a normal approximation; 5 checks here, so < 3e-6 in all.
L_k for many k from one set of draws: tests/test_iwae_curve.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.distributions import Bernoulli, Normal, kl_divergence

from vae_core.inference import bounds
from vae_core.inference.bounds import MAX_K, elbo_terms, iwae_bound, log_weights
from vae_core.maths.losses import reconstruction_nll

Z_TOL = 5.0


@pytest.fixture(scope="module")
def x(binary_x) -> torch.Tensor:
    return binary_x  # conftest: one binary 28x28 input


@pytest.fixture(scope="module")
def vae(small_vae2):
    return small_vae2  # conftest: an untrained 2-D VAE from a fixed seed


@pytest.fixture(scope="module")
def log_px(vae, x) -> float:
    """log p(x) by midpoint quadrature over [-7, 7]^2, step 0.1 (accurate to ~1e-5 nats here)."""
    step = 0.1
    axis = torch.arange(-7.0 + step / 2, 7.0, step)
    z = torch.cartesian_prod(axis, axis)
    with torch.no_grad():
        log_lik = torch.cat(
            [-reconstruction_nll(x.expand(len(c), 1, 28, 28), vae.decode_logits(c)) for c in z.split(8192)]
        ).double()
    log_joint = log_lik + Normal(0.0, 1.0).log_prob(z.double()).sum(dim=1)
    return float(torch.logsumexp(log_joint, 0)) + 2 * math.log(step)


def test_log_weights_against_torch_distributions(vae, x):
    eps = torch.randn(50, 2, generator=torch.Generator().manual_seed(0))
    w = log_weights(vae, x, eps)
    with torch.no_grad():
        mu, sigma = vae.encode(x)
        z = mu + sigma * eps
        logits = vae.decode_logits(z)
    bern = Bernoulli(logits=logits).log_prob(x.expand_as(logits)).flatten(1).sum(1)
    torch.testing.assert_close(w.log_px_given_z, bern.double(), rtol=1e-5, atol=1e-3)
    torch.testing.assert_close(w.log_prior, Normal(0.0, 1.0).log_prob(z).sum(1).double(), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(w.log_posterior, Normal(mu, sigma).log_prob(z).sum(1).double(), rtol=1e-5, atol=1e-5)
    assert w.log_w.shape == (50,) and w.log_w.dtype == torch.float64


def test_elbo_terms_match_a_direct_computation(vae, x):
    eps = torch.randn(400, 2, generator=torch.Generator().manual_seed(2))
    terms = elbo_terms(vae, x, eps=eps)
    with torch.no_grad():
        mu, sigma = vae.encode(x)
        log_px_z = -reconstruction_nll(x.expand(400, 1, 28, 28), vae.decode_logits(mu + sigma * eps)).double()
    kl = kl_divergence(Normal(mu.double(), sigma.double()), Normal(0.0, 1.0)).sum()
    assert terms.num_samples == 400
    # float32 rounding: log p(x|z) is summed over the pixels in a different order (likelihood.py)
    assert terms.reconstruction == pytest.approx(float(log_px_z.mean()), abs=1e-4)
    assert terms.reconstruction_se == pytest.approx(float(log_px_z.std() / 20), rel=1e-4)
    assert terms.kl == pytest.approx(float(kl), rel=1e-6)
    assert terms.elbo == pytest.approx(terms.reconstruction - terms.kl)
    assert terms.elbo_se == terms.reconstruction_se


def test_l1_equals_the_elbo_estimate_for_the_same_eps(vae, x):
    eps = torch.randn(300, 2, generator=torch.Generator().manual_seed(3))
    terms = elbo_terms(vae, x, eps=eps)
    l1 = iwae_bound(vae, x, 1, num_repeats=300, eps=eps.reshape(300, 1, 2))
    assert l1.mean == pytest.approx(terms.elbo_monte_carlo, abs=1e-9)
    np.testing.assert_allclose(l1.values, log_weights(vae, x, eps).log_w.numpy(), atol=1e-12)


def test_l1_estimates_the_closed_form_kl_elbo(vae, x):
    """E[L_1] = ELBO: the mean of 4000 single-sample L_1 within 5 SE of the ELBO from 20000 samples."""
    g = torch.Generator().manual_seed(4)
    terms = elbo_terms(vae, x, 20_000, g)
    l1 = iwae_bound(vae, x, 1, num_repeats=4000, generator=g)
    assert abs(l1.mean - terms.elbo) <= Z_TOL * math.hypot(l1.se, terms.elbo_se)


def test_bounds_sandwich_log_px(vae, x, log_px):
    """ELBO <= log p(x) (exactly), and L_5000 lies within 5 SE (+ 0.02 nats of bias) of log p(x)."""
    g = torch.Generator().manual_seed(6)
    terms = elbo_terms(vae, x, 20_000, g)
    assert terms.elbo < log_px - 1.0
    l5000 = iwae_bound(vae, x, MAX_K, num_repeats=10, generator=g)
    assert l5000.mean <= log_px + Z_TOL * l5000.se
    assert l5000.mean >= log_px - 0.02 - Z_TOL * l5000.se


def test_an_autoencoder_is_refused(tiny_ae, x):
    for call in (
        lambda: elbo_terms(tiny_ae, x, 10),
        lambda: iwae_bound(tiny_ae, x, 10),
        lambda: log_weights(tiny_ae, x, torch.zeros(3, 2)),
    ):
        with pytest.raises(TypeError, match="plain autoencoder.*no posterior"):
            call()


def test_bad_arguments(vae, x):
    with pytest.raises(ValueError, match="k must be an integer in"):
        iwae_bound(vae, x, 0)
    with pytest.raises(ValueError, match="k must be an integer in"):
        iwae_bound(vae, x, MAX_K + 1)
    with pytest.raises(ValueError, match="num_repeats"):
        iwae_bound(vae, x, 5000, num_repeats=1000)
    with pytest.raises(ValueError, match="num_samples"):
        elbo_terms(vae, x, 0)
    with pytest.raises(ValueError, match="one image"):
        elbo_terms(vae, x.expand(2, 1, 28, 28), 10)
    with pytest.raises(ValueError, match="eps must have shape"):
        iwae_bound(vae, x, 3, num_repeats=2, eps=torch.zeros(2, 4, 2))
    assert np.isnan(iwae_bound(vae, x, 5).se)  # one repeat: no standard error


def test_require_vae_accepts_a_vae_and_refuses_everything_else(vae, tiny_ae):
    bounds.require_vae(vae)  # a VAE passes without raising
    with pytest.raises(TypeError, match="plain autoencoder"):
        bounds.require_vae(tiny_ae)
    with pytest.raises(TypeError, match="expected a VAE.*Linear"):
        bounds.require_vae(torch.nn.Linear(2, 2))  # duck-typing is not enough: isinstance
