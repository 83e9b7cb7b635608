"""z = mu + sigma * eps: values, gradients, distribution, errors."""

import math

import pytest
import torch
from scipy import stats

from vae_core import reparameterize


def test_formula_and_shape():
    mu = torch.tensor([[0.5, -1.0]])
    sigma = torch.tensor([[2.0, 0.1]])
    eps = torch.tensor([[1.5, -2.0]])
    z = reparameterize(mu, sigma, eps)
    assert z.shape == (1, 2)
    assert torch.equal(z, torch.tensor([[0.5 + 2.0 * 1.5, -1.0 + 0.1 * -2.0]]))


def test_gradients_are_one_and_eps_exactly():
    # As torch's own Normal.rsample tests do: dz/dmu = 1, dz/dsigma = eps, exactly.
    mu = torch.randn(5, 3, requires_grad=True)
    sigma = torch.rand(5, 3).add(0.1).requires_grad_()
    eps = torch.randn(5, 3)
    z = reparameterize(mu, sigma, eps)
    z.backward(torch.ones_like(z))
    assert torch.equal(mu.grad, torch.ones_like(mu))
    assert torch.equal(sigma.grad, eps)


def test_samples_follow_posterior():
    # KS test of z against N(mu, sigma^2): with a fixed seed the p-value is a fixed number;
    # under the null a threshold of 1e-3 would fail 0.1% of seeds.
    g = torch.Generator().manual_seed(1)
    mu, sigma = 1.5, 0.4
    eps = torch.randn(20000, 1, generator=g, dtype=torch.float64)
    z = reparameterize(torch.full_like(eps, mu), torch.full_like(eps, sigma), eps)
    normal = torch.distributions.Normal(mu, sigma)
    p = stats.kstest(z.flatten().numpy(), lambda v: normal.cdf(torch.as_tensor(v)).numpy()).pvalue
    assert p > 1e-3
    # and it really is the posterior, not the prior
    assert stats.kstest(z.flatten().numpy(), "norm").pvalue < 1e-10
    assert abs(float(z.mean()) - mu) < 5 * sigma / math.sqrt(20000)


def test_shape_mismatch_and_negative_sigma_raise():
    with pytest.raises(ValueError, match="same shape"):
        reparameterize(torch.zeros(2, 2), torch.ones(2, 3), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        reparameterize(torch.zeros(2), -torch.ones(2), torch.zeros(2))
    with pytest.raises(TypeError, match="eps"):
        reparameterize(torch.zeros(2), torch.ones(2), [0.0, 0.0])
