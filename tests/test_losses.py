"""The loss terms against torch.distributions."""
import torch
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence

from vae_core.losses import kl_to_standard_normal, negative_elbo, reconstruction_nll


def test_kl_matches_torch_distributions():
    g = torch.Generator().manual_seed(0)
    mu = torch.randn(7, 4, generator=g, dtype=torch.float64) * 2
    log_var = torch.randn(7, 4, generator=g, dtype=torch.float64)
    ours = kl_to_standard_normal(mu, log_var)
    q = Independent(Normal(mu, torch.exp(0.5 * log_var)), 1)
    p = Independent(Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
    torch.testing.assert_close(ours, kl_divergence(q, p), rtol=1e-10, atol=1e-10)


def test_kl_is_zero_at_prior():
    assert torch.allclose(kl_to_standard_normal(torch.zeros(3, 2), torch.zeros(3, 2)), torch.zeros(3))


def test_reconstruction_matches_bernoulli_log_prob():
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(5, 1, 28, 28, generator=g) > 0.5).double()
    logits = torch.randn(5, 1, 28, 28, generator=g, dtype=torch.float64) * 3
    expected = -Independent(Bernoulli(logits=logits), 3).log_prob(x)
    torch.testing.assert_close(reconstruction_nll(x, logits), expected)


def test_negative_elbo_sums_terms_and_ae_has_no_kl():
    x = torch.rand(3, 1, 28, 28)
    logits = torch.randn(3, 1, 28, 28)
    mu, log_var = torch.randn(3, 2), torch.randn(3, 2)
    terms = negative_elbo(x, logits, mu, log_var)
    torch.testing.assert_close(terms.neg_elbo, terms.reconstruction + terms.kl)
    assert (terms.kl > 0).all()
    ae_terms = negative_elbo(x, logits, mu, None)
    assert torch.equal(ae_terms.kl, torch.zeros(3))
    assert torch.equal(ae_terms.neg_elbo, ae_terms.reconstruction)
