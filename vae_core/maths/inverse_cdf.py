"""Inverse-CDF (inversion) sampling: z = F^-1(u) with u ~ Uniform(0, 1).

If U ~ Uniform(0, 1) and F is a continuous CDF, then F^-1(U) has CDF F (Devroye 1986,
"Non-Uniform Random Variate Generation", chapter II, section 2, theorem 2.1). The map u -> F^-1(u; theta)
is a deterministic, differentiable function of the parameters theta, so it is itself a
reparameterization: all randomness sits in u, as it sits in eps for z = mu + sigma * eps
(Mohamed, Rosca, Figurnov & Mnih 2020, JMLR, section 5, "pathwise gradient estimators";
Kingma & Welling 2014, section 2.4, name the inverse CDF as one of three ways to reparameterize).

The six families, with their inverse CDFs written out (Devroye 1986, chapter II, section 2):

    normal       (loc, scale): z = loc + scale * sqrt(2) * erfinv(2u - 1)
    exponential  (rate):       z = -log(1 - u) / rate
    logistic     (loc, scale): z = loc + scale * log(u / (1 - u))
    laplace      (loc, scale): z = loc - scale * sign(u - 1/2) * log(1 - 2|u - 1/2|)
    cauchy       (loc, scale): z = loc + scale * tan(pi * (u - 1/2))
    gumbel       (loc, scale): z = loc - scale * log(-log u)

cdf() and pdf() give F and its density for the figures; torch.distributions and scipy.stats are
the oracles in tests/test_inverse_cdf.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import torch

from ..checks import MAX_SCALAR_SAMPLES, check_count
from .reparam import reparameterize

__all__ = [
    "DISTRIBUTIONS",
    "PARAMETERS",
    "DEFAULTS",
    "FORMULAS",
    "sample",
    "draw",
    "cdf",
    "pdf",
    "NormalCheck",
    "normal_check",
]

Tensor = torch.Tensor


# --- the formulas, one small function each; t = (z - loc) / scale -------------------------------


def _normal_icdf(u, loc, scale):
    return loc + scale * math.sqrt(2.0) * torch.erfinv(2.0 * u - 1.0)


def _normal_cdf(z, loc, scale):
    return 0.5 * (1.0 + torch.erf((z - loc) / (scale * math.sqrt(2.0))))


def _normal_pdf(z, loc, scale):
    t = (z - loc) / scale
    return torch.exp(-0.5 * t * t) / (scale * math.sqrt(2.0 * math.pi))


def _exponential_icdf(u, rate):
    return -torch.log1p(-u) / rate  # -log(1 - u) / rate, accurate for small u


def _exponential_cdf(z, rate):
    return torch.where(z >= 0, -torch.expm1(-rate * z.clamp_min(0.0)), torch.zeros_like(z))


def _exponential_pdf(z, rate):
    return torch.where(z >= 0, rate * torch.exp(-rate * z.clamp_min(0.0)), torch.zeros_like(z))


def _logistic_icdf(u, loc, scale):
    return loc + scale * (torch.log(u) - torch.log1p(-u))  # loc + scale * log(u / (1 - u))


def _logistic_cdf(z, loc, scale):
    return torch.sigmoid((z - loc) / scale)


def _logistic_pdf(z, loc, scale):
    s = torch.sigmoid((z - loc) / scale)
    return s * (1.0 - s) / scale


def _laplace_icdf(u, loc, scale):
    return loc - scale * torch.sign(u - 0.5) * torch.log1p(-2.0 * torch.abs(u - 0.5))


def _laplace_cdf(z, loc, scale):
    t = (z - loc) / scale
    return 0.5 + 0.5 * torch.sign(t) * (-torch.expm1(-torch.abs(t)))


def _laplace_pdf(z, loc, scale):
    return torch.exp(-torch.abs(z - loc) / scale) / (2.0 * scale)


def _cauchy_icdf(u, loc, scale):
    return loc + scale * torch.tan(math.pi * (u - 0.5))


def _cauchy_cdf(z, loc, scale):
    return 0.5 + torch.atan((z - loc) / scale) / math.pi


def _cauchy_pdf(z, loc, scale):
    t = (z - loc) / scale
    return 1.0 / (math.pi * scale * (1.0 + t * t))


def _gumbel_icdf(u, loc, scale):
    return loc - scale * torch.log(-torch.log(u))


def _gumbel_cdf(z, loc, scale):
    return torch.exp(-torch.exp(-(z - loc) / scale))


def _gumbel_pdf(z, loc, scale):
    t = (z - loc) / scale
    return torch.exp(-(t + torch.exp(-t))) / scale


@dataclass(frozen=True)
class _Family:
    parameters: tuple[str, ...]
    defaults: tuple[float, ...]
    formula: str
    icdf: Callable[..., Tensor]
    cdf: Callable[..., Tensor]
    pdf: Callable[..., Tensor]


_LOC_SCALE = ("loc", "scale")
_FAMILIES: dict[str, _Family] = {
    "normal": _Family(
        _LOC_SCALE, (0.0, 1.0), "z = loc + scale · √2 · erfinv(2u − 1)", _normal_icdf, _normal_cdf, _normal_pdf
    ),
    "exponential": _Family(
        ("rate",), (1.0,), "z = −log(1 − u) / rate", _exponential_icdf, _exponential_cdf, _exponential_pdf
    ),
    "logistic": _Family(
        _LOC_SCALE, (0.0, 1.0), "z = loc + scale · log(u / (1 − u))", _logistic_icdf, _logistic_cdf, _logistic_pdf
    ),
    "laplace": _Family(
        _LOC_SCALE,
        (0.0, 1.0),
        "z = loc − scale · sign(u − ½) · log(1 − 2|u − ½|)",
        _laplace_icdf,
        _laplace_cdf,
        _laplace_pdf,
    ),
    "cauchy": _Family(
        _LOC_SCALE, (0.0, 1.0), "z = loc + scale · tan(π (u − ½))", _cauchy_icdf, _cauchy_cdf, _cauchy_pdf
    ),
    "gumbel": _Family(_LOC_SCALE, (0.0, 1.0), "z = loc − scale · log(−log u)", _gumbel_icdf, _gumbel_cdf, _gumbel_pdf),
}

DISTRIBUTIONS: tuple[str, ...] = tuple(_FAMILIES)
"""The names sample() accepts, in display order."""
PARAMETERS: dict[str, tuple[str, ...]] = {name: fam.parameters for name, fam in _FAMILIES.items()}
"""{dist: parameter names}, e.g. PARAMETERS["exponential"] == ("rate",)."""
DEFAULTS: dict[str, dict[str, float]] = {
    name: dict(zip(fam.parameters, fam.defaults, strict=True)) for name, fam in _FAMILIES.items()
}
"""{dist: {parameter: default}}: loc = 0, scale = 1, rate = 1."""
FORMULAS: dict[str, str] = {name: fam.formula for name, fam in _FAMILIES.items()}
"""{dist: the inverse CDF as a line of text}, for display."""

_POSITIVE = ("scale", "rate")


def _family(dist: str) -> _Family:
    if dist not in _FAMILIES:
        raise ValueError(f"unknown distribution {dist!r}; choose one of {', '.join(DISTRIBUTIONS)}")
    return _FAMILIES[dist]


def _as_float_tensor(name: str, value, dtype: torch.dtype | None) -> Tensor:
    if isinstance(value, Tensor):
        t = value if torch.is_floating_point(value) else value.to(dtype or torch.get_default_dtype())
    else:
        try:
            t = torch.as_tensor(value, dtype=dtype or torch.get_default_dtype())
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{name} must be a number or a float tensor, got {value!r}") from None
    return t


def _parameters(dist: str, params: dict, dtype: torch.dtype) -> dict[str, Tensor]:
    fam = _family(dist)
    unknown = sorted(set(params) - set(fam.parameters))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)} for the {dist} distribution; "
            f"it takes {', '.join(fam.parameters)}"
        )
    out = {}
    for name, default in zip(fam.parameters, fam.defaults, strict=True):
        value = _as_float_tensor(name, params.get(name, default), dtype)
        if not bool(torch.isfinite(value.detach()).all()):
            raise ValueError(f"{name} of the {dist} distribution must be finite, got {_show(value)}")
        if name in _POSITIVE and bool((value.detach() <= 0).any()):
            raise ValueError(f"{name} of the {dist} distribution must be > 0, got {_show(value)}")
        out[name] = value
    return out


def _show(t: Tensor) -> str:
    t = t.detach()
    return f"{float(t):g}" if t.numel() == 1 else f"a tensor with values in [{float(t.min()):g}, {float(t.max()):g}]"


def _check_u(u) -> Tensor:
    u = _as_float_tensor("u", u, None)
    if not bool(((u.detach() > 0) & (u.detach() < 1)).all()):  # also catches NaN
        bad = u.detach()[~((u.detach() > 0) & (u.detach() < 1))].flatten()[0]
        raise ValueError(f"u must lie strictly inside (0, 1) (u = 0 or 1 maps to ±infinity); got {float(bad):g}")
    return u


def sample(dist: str, u, **params) -> Tensor:
    """z = F^-1(u; params): inverse-CDF sampling (Devroye 1986, chapter II, section 2, theorem 2.1).

    With u ~ Uniform(0, 1), z has the distribution `dist`. The formulas are in the module
    docstring and FORMULAS.

    Args:
        dist: one of DISTRIBUTIONS: "normal" (loc, scale), "exponential" (rate), "logistic"
            (loc, scale), "laplace" (loc, scale), "cauchy" (loc, scale), "gumbel" (loc, scale).
        u: float tensor of any shape (a number is accepted), every entry strictly in (0, 1).
        **params: the family's parameters as numbers or float tensors broadcastable with u;
            missing ones default to loc = 0, scale = 1, rate = 1.

    Returns:
        z: float tensor of the broadcast shape of u and the parameters (dtype by torch's type
        promotion; number parameters take u's dtype). Differentiable in u and in every tensor
        parameter with requires_grad (dz/dloc = 1, dz/dscale = (z - loc) / scale,
        dz/drate = -z / rate): inverse-CDF sampling is a reparameterization.

    Raises:
        ValueError: unknown dist (the message lists the valid ones); an unknown parameter name;
            a non-finite parameter; scale or rate <= 0; u outside the open interval (0, 1) or NaN.
    """
    fam = _family(dist)
    u = _check_u(u)
    p = _parameters(dist, params, u.dtype)
    return fam.icdf(u, *(p[name] for name in fam.parameters))


def draw(dist: str, num_samples: int, generator: torch.Generator | None = None, **params) -> tuple[Tensor, Tensor]:
    """num_samples draws z = F^-1(u) with u ~ Uniform(0, 1) (Devroye 1986, chapter II.2).

    u comes from torch.rand in float64, which can return exactly 0 (probability 2^-53 per
    draw); such a u is moved to the smallest positive double so F^-1(u) stays finite.

    Args:
        dist, **params: as for sample(). num_samples: integer in [1, 2e7] (MAX_SCALAR_SAMPLES).
        generator: optional torch.Generator.
    Returns:
        (u, z): float64 tensors (num_samples,).
    Raises:
        TypeError: num_samples not an integer.
        ValueError: as for sample(), or num_samples outside [1, 2e7].
    """
    num_samples = check_count("num_samples", num_samples, 1, MAX_SCALAR_SAMPLES)
    _family(dist)
    u = torch.rand(num_samples, generator=generator, dtype=torch.float64)
    u = u.clamp_min(torch.finfo(torch.float64).tiny)
    return u, sample(dist, u, **params)


def cdf(dist: str, z, **params) -> Tensor:
    """F(z; params), the CDF of `dist` (inverse of sample() in u).

    Args:
        dist: one of DISTRIBUTIONS. z: float tensor, any shape (numbers accepted).
        **params: as for sample().
    Returns:
        float tensor of the broadcast shape, values in [0, 1].
    Raises:
        ValueError: as for sample() (unknown dist or parameter, scale or rate <= 0).
    """
    fam = _family(dist)
    z = _as_float_tensor("z", z, None)
    p = _parameters(dist, params, z.dtype)
    return fam.cdf(z, *(p[name] for name in fam.parameters))


def pdf(dist: str, z, **params) -> Tensor:
    """The density dF/dz of `dist` at z (per unit of z).

    Args / Raises: as for cdf(). Returns: float tensor of the broadcast shape, values >= 0.
    """
    fam = _family(dist)
    z = _as_float_tensor("z", z, None)
    p = _parameters(dist, params, z.dtype)
    return fam.pdf(z, *(p[name] for name in fam.parameters))


class NormalCheck(NamedTuple):
    """The normal case computed two ways for the same u (float tensors of u's shape)."""

    z_inverse_cdf: Tensor  # F^-1(u; mu, sigma) = mu + sigma * sqrt(2) * erfinv(2u - 1)
    eps: Tensor  # Phi^-1(u), from torch.distributions.Normal(0, 1).icdf
    z_reparameterized: Tensor  # mu + sigma * eps


def normal_check(u, mu: float, sigma: float) -> NormalCheck:
    """For the normal, inverse-CDF sampling and z = mu + sigma * eps agree when eps = Phi^-1(u).

    Args:
        u: float tensor (any shape) or number in (0, 1). mu: the mean. sigma: the standard
            deviation, > 0.
    Returns:
        NormalCheck(z_inverse_cdf, eps, z_reparameterized); the two z agree to rounding
        (Kingma & Welling 2014, section 2.4; Devroye 1986, chapter II.2).
    Raises:
        ValueError: u outside (0, 1), sigma <= 0, or a non-finite mu or sigma.
    """
    z_icdf = sample("normal", u, loc=mu, scale=sigma)
    u = _check_u(u)
    eps = torch.distributions.Normal(torch.zeros_like(u), torch.ones_like(u)).icdf(u)
    z_rep = reparameterize(torch.full_like(eps, float(mu)), torch.full_like(eps, float(sigma)), eps)
    return NormalCheck(z_icdf, eps, z_rep)
