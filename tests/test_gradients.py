"""vae_core.gradients against closed forms, Gaussian moment algebra and torch.distributions.

Statistical checks use fixed seeds and a tolerance of 5 standard errors (two-sided). Under a
normal approximation of the estimate, one such check fails by chance with probability
2 * (1 - Phi(5)) ~= 5.7e-7; this file makes 44 of them (24 means, 8 variances, 8 variance-curve
points, 4 LOTUS means), so a false failure on an arbitrary seed has probability < 3e-5. (The
variance-vs-M points use a chi-square approximation, see test_variance_curve_falls_as_one_over_m.)
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from numpy.polynomial import Polynomial
from numpy.polynomial.hermite_e import hermegauss

from vae_core import gradients
from vae_core.gradients import (
    COST_FUNCTIONS,
    cost_function,
    estimator_moments,
    gradient_flow,
    lotus_running_means,
    pathwise_grad,
    quadratic_single_sample_variances,
    score_function_grad,
    variance_vs_num_samples,
)
from vae_core.maths.losses import reconstruction_nll

Z_TOL = 5.0  # standard errors; two-sided false-failure rate ~5.7e-7 per check
SETTINGS = [(0.0, 1.0, 1.0), (0.7, 0.5, -1.5)]  # (mu, sigma, k)


def _eps(seed: int, n: int) -> torch.Tensor:
    """The noise both estimators draw: torch.randn(n, generator=seeded, dtype=float64)."""
    return torch.randn(n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# --- exact per-sample formulas ---------------------------------------------------------------------


def test_shapes_and_dtype():
    for estimator in (pathwise_grad, score_function_grad):
        g = estimator(lambda z: z**2, 0.3, 1.2, 17)
        assert g.shape == (17, 2) and g.dtype == torch.float64 and not g.requires_grad


def test_pathwise_per_sample_values_for_the_quadratic():
    mu, sigma, k, n = 0.4, 1.3, 1.0, 1000
    eps = _eps(3, n)
    z = mu + sigma * eps
    g = pathwise_grad(lambda t: (t - k) ** 2, mu, sigma, n, torch.Generator().manual_seed(3))
    torch.testing.assert_close(g[:, 0], 2 * (z - k))  # d/dmu = 2 (z - k)
    torch.testing.assert_close(g[:, 1], 2 * (z - k) * eps)  # d/dsigma = 2 (z - k) eps


def test_score_function_per_sample_values_against_torch_distributions():
    """f(z) * d log N(z; mu, sigma^2) / d(mu, sigma), the score taken by autograd from torch's Normal."""
    mu, sigma, n = -0.3, 0.8, 500
    f = lambda t: torch.cos(2.0 * t)  # noqa: E731
    g = score_function_grad(f, mu, sigma, n, torch.Generator().manual_seed(5))
    z = mu + sigma * _eps(5, n)
    mu_t = torch.full((n,), mu, dtype=torch.float64, requires_grad=True)  # one copy per sample
    sigma_t = torch.full((n,), sigma, dtype=torch.float64, requires_grad=True)
    log_q = torch.distributions.Normal(mu_t, sigma_t).log_prob(z).sum()
    d_mu, d_sigma = torch.autograd.grad(log_q, (mu_t, sigma_t))
    torch.testing.assert_close(g, torch.stack([d_mu, d_sigma], dim=1) * f(z)[:, None])


def test_same_seed_gives_common_random_numbers():
    a = pathwise_grad(lambda z: z, 0.0, 2.0, 50, torch.Generator().manual_seed(9))
    b = score_function_grad(lambda z: torch.ones_like(z), 0.0, 2.0, 50, torch.Generator().manual_seed(9))
    eps = _eps(9, 50)
    torch.testing.assert_close(a[:, 1], eps)  # d(mu + sigma eps)/dsigma = eps
    torch.testing.assert_close(b[:, 0], eps / 2.0)  # 1 * eps / sigma


# --- closed forms of E[f] and grad E[f] ---------------------------------------------------------------


def _quadrature_expectation(f, mu, sigma, order=80):
    """E[f(mu + sigma * eps)] by Gauss-Hermite (probabilists') quadrature."""
    nodes, weights = hermegauss(order)
    z = torch.tensor(mu + sigma * nodes, dtype=torch.float64)
    return float((f(z).numpy() * weights).sum() / math.sqrt(2 * math.pi))


@pytest.mark.parametrize("name", list(COST_FUNCTIONS))
@pytest.mark.parametrize("mu,sigma,k", [(0.0, 1.0, 1.0), (0.7, 0.5, 1.5), (-1.2, 1.7, 0.4)])
def test_closed_forms_against_quadrature(name, mu, sigma, k):
    cost = cost_function(name, k)
    assert cost.expectation(mu, sigma) == pytest.approx(_quadrature_expectation(cost, mu, sigma), abs=1e-10)
    h = 1e-5  # central differences of the quadrature expectation
    d_mu = (_quadrature_expectation(cost, mu + h, sigma) - _quadrature_expectation(cost, mu - h, sigma)) / (2 * h)
    d_sigma = (_quadrature_expectation(cost, mu, sigma + h) - _quadrature_expectation(cost, mu, sigma - h)) / (2 * h)
    assert cost.gradient(mu, sigma) == pytest.approx((d_mu, d_sigma), abs=1e-6)


# --- means of the estimators (statistical) ---------------------------------------------------------


@pytest.mark.parametrize("name", list(COST_FUNCTIONS))
@pytest.mark.parametrize("mu,sigma,k", SETTINGS)
def test_estimator_means_match_the_analytic_gradient(name, mu, sigma, k):
    """Both estimators are unbiased: their mean is within 5 SE of grad E[f] (4 checks per case)."""
    k = abs(k) if name == "gaussian_bump" else k
    cost = cost_function(name, k)
    exact = cost.gradient(mu, sigma)
    for estimator, moments in estimator_moments(cost, mu, sigma, 200_000, seed=11).items():
        for i in range(2):
            assert abs(moments.mean[i] - exact[i]) <= Z_TOL * moments.standard_error[i], (estimator, i, moments)


# --- variances of the estimators for the quadratic ------------------------------------------------------


def _gaussian_moment(n: int) -> float:
    return 0.0 if n % 2 else float(np.prod(np.arange(n - 1, 0, -2))) if n else 1.0


def _expect(p: Polynomial) -> float:
    """E[p(eps)] for eps ~ N(0, 1): sum_n c_n E[eps^n], E[eps^n] = (n - 1)!! for even n."""
    return sum(c * _gaussian_moment(n) for n, c in enumerate(p.coef))


def _quadratic_estimators(mu, sigma, k) -> dict[str, tuple[Polynomial, Polynomial]]:
    """The single-sample estimators as polynomials in eps (z - k = d + sigma eps)."""
    e = Polynomial([0.0, 1.0])
    zk = (mu - k) + sigma * e
    return {"pathwise": (2 * zk, 2 * zk * e), "score_function": (zk**2 * e / sigma, zk**2 * (e**2 - 1) / sigma)}


@pytest.mark.parametrize("mu,sigma,k", [(0.0, 1.0, 1.0), (0.7, 0.5, -1.5), (-2.0, 2.5, 0.3), (1.0, 0.2, 1.0)])
def test_quadratic_variance_closed_forms_against_moment_algebra(mu, sigma, k):
    """The closed forms equal E[g^2] - E[g]^2 computed exactly from Gaussian moments."""
    closed = quadratic_single_sample_variances(mu, sigma, k)
    for estimator, polys in _quadratic_estimators(mu, sigma, k).items():
        for i, g in enumerate(polys):
            assert _expect(g) == pytest.approx((2 * (mu - k), 2 * sigma)[i], rel=1e-12, abs=1e-12)
            variance = _expect(g**2) - _expect(g) ** 2
            assert closed[estimator][i] == pytest.approx(variance, rel=1e-12)


def test_quadratic_closed_forms_at_mu0_sigma1_k1():
    expected = {"pathwise": (4.0, 12.0), "score_function": (30.0, 136.0)}
    assert quadratic_single_sample_variances(0.0, 1.0, 1.0) == expected


@pytest.mark.parametrize("mu,sigma,k", [(0.0, 1.0, 1.0), (0.7, 0.5, -1.5)])
def test_measured_variances_match_the_closed_forms(mu, sigma, k):
    """Sample variance of 10^6 single-sample estimates within 5 SE of the closed form.

    SE of a sample variance: sqrt((mu_4 - sigma^4) / n), with the fourth central moment mu_4
    computed exactly from the estimator's polynomial in eps.
    """
    n = 1_000_000
    closed = quadratic_single_sample_variances(mu, sigma, k)
    measured = estimator_moments(lambda z: (z - k) ** 2, mu, sigma, n, seed=2024)
    for estimator, polys in _quadratic_estimators(mu, sigma, k).items():
        for i, g in enumerate(polys):
            centred = g - _expect(g)
            mu4 = _expect(centred**4)
            se = math.sqrt((mu4 - closed[estimator][i] ** 2) / n)
            assert abs(measured[estimator].variance[i] - closed[estimator][i]) <= Z_TOL * se, (
                estimator,
                i,
                measured[estimator].variance[i],
                closed[estimator][i],
                se,
            )


def test_variance_curve_falls_as_one_over_m():
    """Variance of the M-sample average across R = 400 repeats vs the closed form Var / M.

    For M >= 100 the average is close to normal, so (R - 1) s^2 / sigma^2 ~ chi^2(R - 1) and the
    relative SE of s^2 is sqrt(2 / (R - 1)) = 0.071; 5 SE is a 35% band (false-failure rate
    ~6e-7 per point under that approximation; 8 points).
    """
    curve = variance_vs_num_samples(lambda z: (z - 1) ** 2, 0.0, 1.0, [1, 10, 100, 1000], num_repeats=400, seed=4)
    closed = quadratic_single_sample_variances(0.0, 1.0, 1.0)
    assert list(curve.num_samples) == [1, 10, 100, 1000] and curve.num_repeats == 400
    for estimator in gradients.ESTIMATORS:
        assert curve.variance[estimator].shape == (4, 2)
        for row, m in enumerate(curve.num_samples):
            if m < 100:
                continue
            ratio = curve.variance[estimator][row] / (np.array(closed[estimator]) / m)
            assert np.all(np.abs(ratio - 1) <= Z_TOL * math.sqrt(2 / 399)), (estimator, m, ratio)
    # and the score function is the noisier estimator here, in both parameters, at every M
    assert np.all(curve.variance["score_function"] > curve.variance["pathwise"])


# --- LOTUS ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,k", [("quadratic", 1.0), ("cosine", 2.0)])
def test_lotus_both_estimates_converge_to_the_expectation(name, k):
    cost = cost_function(name, k)
    state = torch.get_rng_state()
    result = lotus_running_means(cost, 0.5, 1.5, 50_000, seed=7)
    assert torch.equal(torch.get_rng_state(), state)  # the caller's RNG is untouched
    assert result.direct.shape == result.reparameterized.shape == (50_000,)
    assert result.num_samples[0] == 1 and result.num_samples[-1] == 50_000
    exact = cost.expectation(0.5, 1.5)
    assert abs(result.direct[-1] - exact) <= Z_TOL * result.direct_se
    assert abs(result.reparameterized[-1] - exact) <= Z_TOL * result.reparameterized_se
    assert result.direct[-1] != result.reparameterized[-1]  # two independent streams


def test_lotus_direct_path_draws_what_torch_distributions_sample_draws():
    """The direct path is Normal(mu, sigma).sample() made with an explicit generator: the same
    numbers that .sample() gives from a global RNG in the same state (forked here, and restored)."""
    result = lotus_running_means(lambda z: z, 0.5, 1.5, 10, seed=3)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(3)
        q = torch.distributions.Normal(torch.tensor(0.5, dtype=torch.float64), torch.tensor(1.5, dtype=torch.float64))
        z = q.sample((10,))
    np.testing.assert_allclose(result.direct, (z.cumsum(0) / torch.arange(1, 11)).numpy())


# --- gradient flow through a VAE --------------------------------------------------------------------------


def test_gradient_flow_reparameterized_matches_autograd_on_z(tiny_vae):
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    eps = torch.tensor([0.5, -1.0])
    rep, smp = gradient_flow(tiny_vae, x, eps, seed=1)
    with torch.no_grad():
        mu, sigma = tiny_vae.encode(x)
    z = (mu + sigma * eps).requires_grad_(True)
    log_px = -reconstruction_nll(x, tiny_vae.decode_logits(z))[0]
    (dz,) = torch.autograd.grad(log_px, z)
    torch.testing.assert_close(rep.grad_mu, dz[0])  # dz/dmu = 1
    torch.testing.assert_close(rep.grad_sigma, dz[0] * eps)  # dz/dsigma = eps
    assert rep.reconstruction == pytest.approx(float(log_px.detach()), abs=1e-4)
    assert rep.z_requires_grad and rep.z_grad_fn == "AddBackward0"
    assert rep.encoder_grad_norm > 0 and rep.decoder_grad_norm > 0


def test_gradient_flow_sample_gives_no_gradient_to_the_encoder(tiny_vae):
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    _, smp = gradient_flow(tiny_vae, x, torch.zeros(2), seed=1)
    assert smp.grad_mu is None and smp.grad_sigma is None and smp.encoder_grad_norm is None
    assert smp.decoder_grad_norm is not None and smp.decoder_grad_norm > 0  # the decoder still learns
    assert not smp.z_requires_grad and smp.z_grad_fn is None
    assert "mu.grad is None" in smp.explanation
    assert all(p.grad is None for p in tiny_vae.parameters())  # the model was not modified


def test_gradient_flow_refuses_an_autoencoder_and_bad_eps(tiny_ae, tiny_vae):
    x = torch.rand(1, 1, 28, 28)
    with pytest.raises(TypeError, match="autoencoder"):
        gradient_flow(tiny_ae, x, torch.zeros(2))
    with pytest.raises(ValueError, match="eps"):
        gradient_flow(tiny_vae, x, torch.zeros(3))


# --- errors --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("estimator", [pathwise_grad, score_function_grad])
def test_estimator_errors(estimator):
    f = lambda z: z**2  # noqa: E731
    with pytest.raises(ValueError, match="sigma must be > 0"):
        estimator(f, 0.0, 0.0, 10)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        estimator(f, 0.0, -1.0, 10)
    with pytest.raises(ValueError, match="mu must be finite"):
        estimator(f, float("nan"), 1.0, 10)
    with pytest.raises(ValueError, match="num_samples"):
        estimator(f, 0.0, 1.0, 0)
    with pytest.raises(ValueError, match="elementwise"):
        estimator(lambda z: z.sum(), 0.0, 1.0, 10)


def test_cost_function_errors():
    with pytest.raises(ValueError, match="quadratic, gaussian_bump, cosine"):
        cost_function("cubic", 1.0)
    with pytest.raises(ValueError, match="k must be >= 0"):
        cost_function("gaussian_bump", -1.0)
    assert cost_function("quadratic", 1.0).label == "(z − 1)²"
