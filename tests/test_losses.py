"""The loss terms against torch.distributions."""

import torch
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence

from vae_core.maths.losses import kl_to_standard_normal, negative_elbo, reconstruction_nll


def test_kl_matches_torch_distributions():
    g = torch.Generator().manual_seed(0)
    mu = torch.randn(7, 4, generator=g, dtype=torch.float64) * 2
    sigma = torch.exp(0.5 * torch.randn(7, 4, generator=g, dtype=torch.float64))
    ours = kl_to_standard_normal(mu, sigma)
    q = Independent(Normal(mu, sigma), 1)
    p = Independent(Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
    torch.testing.assert_close(ours, kl_divergence(q, p), rtol=1e-10, atol=1e-10)


def test_kl_is_zero_at_prior_and_infinite_for_a_point_mass():
    assert torch.allclose(kl_to_standard_normal(torch.zeros(3, 2), torch.ones(3, 2)), torch.zeros(3))
    assert torch.isinf(kl_to_standard_normal(torch.zeros(1, 2), torch.zeros(1, 2))).all()  # sigma = 0


def test_kl_refuses_negative_or_nan_sigma():
    import pytest

    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="sigma"):
            kl_to_standard_normal(torch.zeros(1, 2), torch.tensor([[1.0, bad]]))


def test_reconstruction_matches_bernoulli_log_prob():
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(5, 1, 28, 28, generator=g) > 0.5).double()
    logits = torch.randn(5, 1, 28, 28, generator=g, dtype=torch.float64) * 3
    expected = -Independent(Bernoulli(logits=logits), 3).log_prob(x)
    torch.testing.assert_close(reconstruction_nll(x, logits), expected)


def test_negative_elbo_sums_terms_and_ae_has_no_kl():
    x = torch.rand(3, 1, 28, 28)
    logits = torch.randn(3, 1, 28, 28)
    mu, sigma = torch.randn(3, 2), torch.rand(3, 2) + 0.1
    terms = negative_elbo(x, logits, mu, sigma)
    torch.testing.assert_close(terms.neg_elbo, terms.reconstruction + terms.kl)
    assert (terms.kl > 0).all()
    beta4 = negative_elbo(x, logits, mu, sigma, beta=4.0)  # -ELBO_beta = recon + beta * KL
    torch.testing.assert_close(beta4.neg_elbo, terms.reconstruction + 4.0 * terms.kl)
    ae_terms = negative_elbo(x, logits, mu, None)
    assert torch.equal(ae_terms.kl, torch.zeros(3))
    assert torch.equal(ae_terms.neg_elbo, ae_terms.reconstruction)
