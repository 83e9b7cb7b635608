"""LOTUS: E_q[f(z)] estimated by sampling z, and by sampling eps and mapping it through z = g(eps).

The law of the unconscious statistician: E_{z~q}[f(z)] = E_{eps~N(0,1)}[f(mu + sigma * eps)],
since z = mu + sigma * eps has law q (Mohamed et al. 2020, section 5; Kingma & Welling 2014,
section 2.4). The expectation over eps does not depend on (mu, sigma), so the gradient passes
inside it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import torch

from .estimators import apply_elementwise, check_gaussian, check_num_samples, standard_normal
from .reparam import reparameterize

__all__ = ["LotusResult", "lotus_running_means"]

Tensor = torch.Tensor


class LotusResult(NamedTuple):
    """Running means of f(z) over the first M samples, M = 1..num_samples, two ways."""

    num_samples: np.ndarray  # int (M,), 1..M
    direct: np.ndarray  # float (M,): z ~ Normal(mu, sigma).sample(), mean of f(z)
    reparameterized: np.ndarray  # float (M,): eps ~ N(0, 1), z = mu + sigma * eps, mean of f(z)
    direct_se: float  # standard error of the final direct mean
    reparameterized_se: float  # standard error of the final reparameterized mean


def _running_mean(values: Tensor) -> np.ndarray:
    return (values.cumsum(0) / torch.arange(1, len(values) + 1, dtype=values.dtype)).numpy()


def lotus_running_means(f: Callable[[Tensor], Tensor], mu, sigma, num_samples: int, seed: int = 0) -> LotusResult:
    """E_q[f(z)] for q = N(mu, sigma^2) estimated by sampling z, and by sampling eps and mapping it.

    The law of the unconscious statistician: E_{z~q}[f(z)] = E_{eps~N(0,1)}[f(mu + sigma * eps)],
    since z = mu + sigma * eps has law q (Mohamed et al. 2020, section 5; Kingma &
    Welling 2014, section 2.4). The direct estimate draws z with
    torch.normal(mu, sigma, generator) — exactly what torch.distributions.Normal(mu,
    sigma).sample() computes, but from an explicit torch.Generator seeded with `seed`, so
    sessions in threads of one process never share random state; the reparameterized one draws
    eps from a separate generator seeded with seed + 1, so the two are independent.

    Args:
        f: elementwise function of a float64 tensor. mu, sigma: the Gaussian (sigma > 0).
        num_samples: M, integer in [1, 2e7]. seed: integer.
    Returns:
        LotusResult with running means (M,) of both estimates and their final standard errors
        (NaN when M = 1).
    Raises:
        TypeError / ValueError: as for pathwise_grad.
    """
    mu_t, sigma_t = check_gaussian(mu, sigma)
    m = check_num_samples(num_samples)
    with torch.no_grad():  # as Normal.sample(): a draw with no path back to mu, sigma
        z_direct = torch.normal(mu_t.expand(m), sigma_t.expand(m), generator=torch.Generator().manual_seed(seed))
    eps = standard_normal(m, torch.Generator().manual_seed(seed + 1))
    with torch.no_grad():
        direct = apply_elementwise(f, z_direct)
        reparameterized = apply_elementwise(f, reparameterize(mu_t.expand(m), sigma_t.expand(m), eps))

    def se(v: Tensor) -> float:
        return float(v.std() / math.sqrt(m)) if m > 1 else float("nan")

    return LotusResult(
        np.arange(1, m + 1), _running_mean(direct), _running_mean(reparameterized), se(direct), se(reparameterized)
    )
