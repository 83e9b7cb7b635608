"""The cost functions f(z; k) of Mohamed et al. (2020), section 3, with closed forms.

(z - k)^2, exp(-k z^2) and cos(k z), with E[f] and grad E[f] under N(mu, sigma^2) in closed form,
and for the quadratic the closed-form single-sample variances of both gradient estimators
(derived in quadratic_single_sample_variances from the Gaussian moments E[eps^2n] = (2n - 1)!!).
Mohamed, Rosca, Figurnov & Mnih (2020), JMLR 21(132), "Monte Carlo Gradient Estimation in ML".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..checks import check_real
from .estimators import check_gaussian

__all__ = ["CostFunction", "cost_function", "COST_FUNCTIONS", "quadratic_single_sample_variances"]

Tensor = torch.Tensor


@dataclass(frozen=True)
class CostFunction:
    """A cost f(z; k) of Mohamed et al. (2020), section 3, with E[f] and grad E[f] under N(mu, sigma^2).

    Attributes:
        name: "quadratic", "gaussian_bump" or "cosine". k: its parameter. label: e.g. "(z − 1)²".
    Call the object on a float tensor z (elementwise f(z)); expectation(mu, sigma) -> float;
    gradient(mu, sigma) -> (dE/dmu, dE/dsigma) as floats.
    """

    name: str
    k: float
    label: str
    _f: Callable[[Tensor, float], Tensor]
    _expectation: Callable[[float, float, float], float]
    _gradient: Callable[[float, float, float], tuple[float, float]]

    def __call__(self, z: Tensor) -> Tensor:
        return self._f(z, self.k)

    def expectation(self, mu: float, sigma: float) -> float:
        return float(self._expectation(float(mu), float(sigma), self.k))

    def gradient(self, mu: float, sigma: float) -> tuple[float, float]:
        d_mu, d_sigma = self._gradient(float(mu), float(sigma), self.k)
        return float(d_mu), float(d_sigma)


def _bump_expectation(mu, sigma, k):
    a = 1.0 + 2.0 * k * sigma**2  # E[exp(-k z^2)] = a^-1/2 exp(-k mu^2 / a)
    return a**-0.5 * math.exp(-k * mu**2 / a)


def _bump_gradient(mu, sigma, k):
    a = 1.0 + 2.0 * k * sigma**2
    e = _bump_expectation(mu, sigma, k)
    return e * (-2.0 * k * mu / a), e * (-0.5 / a + k * mu**2 / a**2) * 4.0 * k * sigma


_COSTS = {
    # f = (z - k)^2: E = (mu - k)^2 + sigma^2, grad = (2 (mu - k), 2 sigma)
    "quadratic": (
        "(z − {k:g})²",
        lambda z, k: (z - k) ** 2,
        lambda mu, s, k: (mu - k) ** 2 + s**2,
        lambda mu, s, k: (2.0 * (mu - k), 2.0 * s),
    ),
    # f = exp(-k z^2), k >= 0: a Gaussian integral (Mohamed et al. 2020, section 3)
    "gaussian_bump": ("exp(−{k:g} z²)", lambda z, k: torch.exp(-k * z * z), _bump_expectation, _bump_gradient),
    # f = cos(k z): E = cos(k mu) exp(-k^2 sigma^2 / 2) (the normal characteristic function)
    "cosine": (
        "cos({k:g} z)",
        lambda z, k: torch.cos(k * z),
        lambda mu, s, k: math.cos(k * mu) * math.exp(-0.5 * k * k * s * s),
        lambda mu, s, k: (
            -k * math.sin(k * mu) * math.exp(-0.5 * k * k * s * s),
            -k * k * s * math.cos(k * mu) * math.exp(-0.5 * k * k * s * s),
        ),
    ),
}
COST_FUNCTIONS: dict[str, str] = {name: entry[0].replace("{k:g}", "k") for name, entry in _COSTS.items()}
"""{name: formula with k left as a symbol}, e.g. {"quadratic": "(z − k)²", ...}."""


def cost_function(name: str, k: float) -> CostFunction:
    """The cost f(z; k) called `name`, with its closed-form E[f] and grad E[f] under N(mu, sigma^2).

    Args:
        name: "quadratic" (z - k)^2, "gaussian_bump" exp(-k z^2) or "cosine" cos(k z).
        k: real parameter; for "gaussian_bump" k >= 0 (else E[f] is infinite for large sigma).
    Returns:
        CostFunction (Mohamed et al. 2020, section 3 figures).
    Raises:
        ValueError: unknown name (lists the valid ones), non-finite k, or k < 0 for the bump.
    """
    if name not in _COSTS:
        raise ValueError(f"unknown cost function {name!r}; choose one of {', '.join(_COSTS)}")
    k = check_real("k", k)
    if name == "gaussian_bump" and k < 0:
        raise ValueError(f"k must be >= 0 for exp(−k z²) (for k < 0 it grows without bound), got {k:g}")
    label, f, expectation, gradient = _COSTS[name]
    return CostFunction(name, k, label.format(k=k), f, expectation, gradient)


def quadratic_single_sample_variances(mu: float, sigma: float, k: float) -> dict[str, tuple[float, float]]:
    """Closed-form variances of the single-sample estimators for f(z) = (z - k)^2 under N(mu, sigma^2).

    With d = mu - k, z - k = d + sigma * eps and the moments E[eps^n] = 0 for odd n, 1, 3, 15,
    105 for n = 2, 4, 6, 8:

        pathwise d/dmu:    g = 2 (d + sigma eps),                     Var = 4 sigma^2
        pathwise d/dsigma: g = 2 (d + sigma eps) eps,                 Var = 4 d^2 + 8 sigma^2
        score d/dmu:       g = (d + sigma eps)^2 eps / sigma,
                           Var = (d^4 + 14 d^2 sigma^2 + 15 sigma^4) / sigma^2
        score d/dsigma:    g = (d + sigma eps)^2 (eps^2 - 1) / sigma,
                           Var = (2 d^4 + 60 d^2 sigma^2 + 74 sigma^4) / sigma^2

    (derivation: E[g^2] minus the squared mean (2d, 2 sigma); e.g. for the score d/dsigma,
    E[g^2] = (d^4 E[(eps^2-1)^2] + 6 d^2 sigma^2 E[eps^2 (eps^2-1)^2]
              + sigma^4 E[eps^4 (eps^2-1)^2]) / sigma^2
           = (2 d^4 + 60 d^2 sigma^2 + 78 sigma^4) / sigma^2,
    the odd powers of eps having zero mean.) The comparison mirrors Mohamed et al.
    (2020), section 3 figures and sections 4-5. At mu = 0, sigma = 1, k = 1:
    pathwise (4, 12), score function (30, 136).

    Returns:
        {"pathwise": (var_mu, var_sigma), "score_function": (var_mu, var_sigma)}, floats.
    Raises:
        ValueError: sigma <= 0 or a non-finite argument.
    """
    mu_t, sigma_t = check_gaussian(mu, sigma)
    d, s = float(mu_t) - check_real("k", k), float(sigma_t)
    return {
        "pathwise": (4.0 * s**2, 4.0 * d**2 + 8.0 * s**2),
        "score_function": (
            (d**4 + 14.0 * d**2 * s**2 + 15.0 * s**4) / s**2,
            (2.0 * d**4 + 60.0 * d**2 * s**2 + 74.0 * s**4) / s**2,
        ),
    }
