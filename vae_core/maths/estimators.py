"""Monte Carlo gradients of E_{z ~ N(mu, sigma^2)}[f(z)]: pathwise vs score function.

Two unbiased single-sample estimators of grad_theta E[f(z)], theta = (mu, sigma)
(Mohamed, Rosca, Figurnov & Mnih 2020, JMLR 21(132), "Monte Carlo Gradient Estimation in
Machine Learning"):

- pathwise (reparameterization) gradient, section 5: eps ~ N(0, 1), z = mu + sigma * eps,
      g = d f(mu + sigma * eps) / d theta = f'(z) * (1, eps)
  computed here by autograd through z = mu + sigma * eps (Kingma & Welling 2014, eq. 10);
- score function (REINFORCE, likelihood ratio), section 4: z ~ N(mu, sigma^2),
      g = f(z) * d log N(z; mu, sigma^2) / d theta
        = f(z) * ((z - mu) / sigma^2, ((z - mu)^2 - sigma^2) / sigma^3)

Their closed-form targets are in cost_functions, their measured variances in variance.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..checks import MAX_SCALAR_SAMPLES, check_count, check_real
from .reparam import reparameterize

__all__ = [
    "pathwise_grad",
    "score_function_grad",
    "ESTIMATORS",
    "GRADIENT_ESTIMATORS",
    "check_gaussian",
    "check_num_samples",
    "apply_elementwise",
    "standard_normal",
]

Tensor = torch.Tensor


def check_gaussian(mu, sigma) -> tuple[Tensor, Tensor]:
    """(mu, sigma) as float64 scalar tensors. Raises TypeError (not numbers), ValueError (not
    finite, or sigma <= 0: the score divides by sigma)."""
    mu_t = torch.tensor(check_real("mu", mu), dtype=torch.float64)
    sigma_t = torch.tensor(check_real("sigma", sigma), dtype=torch.float64)
    if float(sigma_t) <= 0:
        raise ValueError(f"sigma must be > 0 (the score d log N/d theta divides by sigma), got {float(sigma_t):g}")
    return mu_t, sigma_t


def check_num_samples(num_samples) -> int:
    """num_samples as an int in [1, MAX_SCALAR_SAMPLES = 2e7]; TypeError / ValueError otherwise."""
    return check_count("num_samples", num_samples, 1, MAX_SCALAR_SAMPLES)


def apply_elementwise(f: Callable[[Tensor], Tensor], z: Tensor) -> Tensor:
    """f(z), checked to be a tensor of z's shape. Raises ValueError if f is not elementwise."""
    out = f(z)
    if not isinstance(out, Tensor) or out.shape != z.shape:
        raise ValueError(
            "f must map a tensor of samples elementwise to a tensor of the same shape "
            f"{tuple(z.shape)}, got {type(out).__name__} {tuple(getattr(out, 'shape', ()))}"
        )
    return out


def standard_normal(num_samples: int, generator: torch.Generator | None) -> Tensor:
    """eps ~ N(0, 1), float64 (num_samples,), from the given generator."""
    return torch.randn(num_samples, generator=generator, dtype=torch.float64)


# --- the two estimators ---------------------------------------------------------------------------


def pathwise_grad(
    f: Callable[[Tensor], Tensor], mu, sigma, num_samples: int, generator: torch.Generator | None = None
) -> Tensor:
    """Single-sample pathwise (reparameterization) estimates of [dE[f]/dmu, dE[f]/dsigma].

    For each of num_samples draws eps_i ~ N(0, 1), z_i = mu + sigma * eps_i and autograd gives
    g_i = d f(z_i) / d(mu, sigma) = f'(z_i) * (1, eps_i) (Mohamed et al. 2020, section 5;
    Kingma & Welling 2014, eq. 10). Each sample has its own copy of mu and sigma in the
    graph, so one backward pass yields all per-sample gradients.

    Args:
        f: function applied elementwise to a float64 tensor of samples (M,), returning (M,),
            differentiable by torch (e.g. lambda z: (z - 1) ** 2).
        mu: mean of the scalar Gaussian (number or one-element tensor).
        sigma: standard deviation, > 0.
        num_samples: M, an integer in [1, 2e7].
        generator: optional torch.Generator; eps = torch.randn(M, generator=generator,
            dtype=torch.float64), so the same seed gives score_function_grad the same eps
            (common random numbers).

    Returns:
        float64 tensor (M, 2): column 0 the estimates of d/dmu, column 1 of d/dsigma. Their
        mean estimates grad E[f]; their variance is the single-sample estimator variance.

    Raises:
        TypeError: mu, sigma not numbers, num_samples not an integer.
        ValueError: sigma <= 0, non-finite mu or sigma, num_samples outside [1, 2e7], or f not
            elementwise.
    """
    mu_t, sigma_t = check_gaussian(mu, sigma)
    m = check_num_samples(num_samples)
    eps = standard_normal(m, generator)
    mu_i = mu_t.expand(m).clone().requires_grad_(True)
    sigma_i = sigma_t.expand(m).clone().requires_grad_(True)
    z = reparameterize(mu_i, sigma_i, eps)  # z = mu + sigma * eps
    values = apply_elementwise(f, z)
    if not values.requires_grad:  # f constant in z: zero gradient
        return torch.zeros(m, 2, dtype=torch.float64)
    d_mu, d_sigma = torch.autograd.grad(values.sum(), (mu_i, sigma_i), allow_unused=True)
    d_mu = torch.zeros_like(eps) if d_mu is None else d_mu
    d_sigma = torch.zeros_like(eps) if d_sigma is None else d_sigma
    return torch.stack([d_mu, d_sigma], dim=1).detach()


def score_function_grad(
    f: Callable[[Tensor], Tensor], mu, sigma, num_samples: int, generator: torch.Generator | None = None
) -> Tensor:
    """Single-sample score-function (REINFORCE) estimates of [dE[f]/dmu, dE[f]/dsigma].

    z_i ~ N(mu, sigma^2) (drawn as mu + sigma * eps_i, no gradient through it), and
        g_i = f(z_i) * d log N(z_i; mu, sigma^2) / d(mu, sigma)
            = f(z_i) * ((z_i - mu) / sigma^2, ((z_i - mu)^2 - sigma^2) / sigma^3)
    (Mohamed et al. 2020, section 4, with the score of the Gaussian written out). f need
    not be differentiable.

    Args / Raises: as for pathwise_grad.
    Returns:
        float64 tensor (M, 2): column 0 the estimates of d/dmu, column 1 of d/dsigma.
    """
    mu_t, sigma_t = check_gaussian(mu, sigma)
    m = check_num_samples(num_samples)
    eps = standard_normal(m, generator)
    with torch.no_grad():
        z = mu_t + sigma_t * eps
        values = apply_elementwise(f, z)
        score_mu = (z - mu_t) / sigma_t**2
        score_sigma = ((z - mu_t) ** 2 - sigma_t**2) / sigma_t**3
        return torch.stack([values * score_mu, values * score_sigma], dim=1)


GRADIENT_ESTIMATORS = {"pathwise": pathwise_grad, "score_function": score_function_grad}


ESTIMATORS = tuple(GRADIENT_ESTIMATORS)
"""The estimator names, in display order: ("pathwise", "score_function")."""
