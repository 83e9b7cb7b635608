"""The reparameterization trick, written out.

A sample z ~ q(z|x) = N(mu(x), diag(sigma(x)^2)) is drawn as a deterministic, differentiable
function of the encoder's outputs and an independent noise variable:

    eps ~ N(0, I),    z = mu + sigma * eps

Kingma & Welling (2014), "Auto-Encoding Variational Bayes", section 2.4 and eq. (10);
Rezende, Mohamed & Wierstra (2014), section 3. Because eps carries all the randomness,
dz/dmu = 1 and dz/dsigma = eps, so gradients reach the encoder.
"""

from __future__ import annotations

import torch

from ..checks import check_sigma, check_tensor

__all__ = ["reparameterize", "sigma_from_log_var"]


def reparameterize(mu: torch.Tensor, sigma: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """Return z = mu + sigma * eps (elementwise).

    Args:
        mu: float tensor (N, latent_dim) or any shape, the posterior mean mu(x).
        sigma: float tensor of the same shape as mu, the posterior standard deviation
            sigma(x) >= 0 (not the log-variance).
        eps: float tensor of the same shape as mu, standard normal noise (or any value the user
            sets: the formula is deterministic given eps).

    Returns:
        z: float tensor of mu's shape and dtype. Differentiable in mu and sigma:
        dz/dmu = 1 and dz/dsigma = eps (Kingma & Welling 2014, eq. 10).

    Raises:
        TypeError: an argument is not a floating-point tensor.
        ValueError: the shapes differ, or sigma has a negative, NaN or infinite entry.
    """
    for name, t in (("mu", mu), ("sigma", sigma), ("eps", eps)):
        check_tensor(name, t, finite=False)
    if not (mu.shape == sigma.shape == eps.shape):
        raise ValueError(
            "mu, sigma and eps must have the same shape; got "
            f"mu {tuple(mu.shape)}, sigma {tuple(sigma.shape)}, eps {tuple(eps.shape)}"
        )
    check_sigma(sigma)
    return mu + sigma * eps


def sigma_from_log_var(log_var: torch.Tensor) -> torch.Tensor:
    """sigma = exp(log_var / 2): the standard deviation from the log-variance the encoder emits.

    Args:
        log_var: float tensor, any shape, log sigma^2.
    Returns:
        float tensor of the same shape, sigma > 0.
    """
    return torch.exp(0.5 * log_var)
