"""vae_core.inverse_cdf against torch.distributions and scipy.stats.

Goodness of fit: a Kolmogorov-Smirnov test of 20,000 inverse-CDF samples against the oracle's
CDF, failing if p < 1e-6. Under the null hypothesis p is uniform, so each test fails by chance
with probability 1e-6; with 12 of them here (6 distributions x 2 parameter sets), a false
failure on an arbitrary seed has probability ~1.2e-5. The seeds are fixed, so runs are
deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats
import torch
from torch.distributions import (
    AffineTransform,
    Cauchy,
    Exponential,
    Gumbel,
    Laplace,
    Normal,
    SigmoidTransform,
    TransformedDistribution,
    Uniform,
)

from vae_core import inverse_cdf
from vae_core.inverse_cdf import DISTRIBUTIONS, cdf, draw, normal_check, pdf, sample

F64 = torch.float64
P_MIN = 1e-6  # KS p-value threshold: false-failure rate 1e-6 per test


def _t(v) -> torch.Tensor:
    return torch.tensor(v, dtype=F64)


def oracle(dist: str, **params):
    """The torch.distributions object for dist (logistic: Uniform pushed through logit, affine)."""
    p = {k: _t(v) for k, v in params.items()}
    if dist == "normal":
        return Normal(p["loc"], p["scale"])
    if dist == "exponential":
        return Exponential(p["rate"])
    if dist == "laplace":
        return Laplace(p["loc"], p["scale"])
    if dist == "cauchy":
        return Cauchy(p["loc"], p["scale"])
    if dist == "gumbel":
        return Gumbel(p["loc"], p["scale"])
    if dist == "logistic":
        return TransformedDistribution(
            Uniform(_t(0.0), _t(1.0)), [SigmoidTransform().inv, AffineTransform(p["loc"], p["scale"])]
        )
    raise AssertionError(dist)


PARAMS = {
    "normal": [dict(loc=0.0, scale=1.0), dict(loc=-1.5, scale=0.3)],
    "exponential": [dict(rate=1.0), dict(rate=2.5)],
    "logistic": [dict(loc=0.0, scale=1.0), dict(loc=2.0, scale=0.5)],
    "laplace": [dict(loc=0.0, scale=1.0), dict(loc=-0.5, scale=2.0)],
    "cauchy": [dict(loc=0.0, scale=1.0), dict(loc=1.0, scale=3.0)],
    "gumbel": [dict(loc=0.0, scale=1.0), dict(loc=0.7, scale=1.8)],
}
CASES = [(d, p) for d in DISTRIBUTIONS for p in PARAMS[d]]
SCIPY = {
    "normal": scipy.stats.norm,
    "logistic": scipy.stats.logistic,
    "laplace": scipy.stats.laplace,
    "cauchy": scipy.stats.cauchy,
    "gumbel": scipy.stats.gumbel_r,
}
U = _t([1e-6, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-6])


def test_the_six_families_are_offered():
    assert DISTRIBUTIONS == ("normal", "exponential", "logistic", "laplace", "cauchy", "gumbel")
    assert inverse_cdf.PARAMETERS["exponential"] == ("rate",)
    assert all(inverse_cdf.FORMULAS[d].startswith("z = ") for d in DISTRIBUTIONS)


@pytest.mark.parametrize("dist,params", CASES)
def test_sample_equals_the_oracle_icdf(dist, params):
    """Agreement with torch.distributions' icdf and with scipy's ppf.

    Normal, Exponential, Laplace and Cauchy have their own icdf in torch with the same formula:
    agreement to float64 rounding. Gumbel and the logistic are TransformedDistributions in torch,
    which compose logs in another order: agreement to 1e-9 relative at u = 1e-6 and 1 - 1e-6.
    """
    z = sample(dist, U, **params)
    tol = 1e-12 if dist in ("normal", "exponential", "laplace", "cauchy") else 1e-9
    torch.testing.assert_close(z, oracle(dist, **params).icdf(U), rtol=tol, atol=tol)
    if dist in SCIPY:
        ref = SCIPY[dist].ppf(U.numpy(), loc=params["loc"], scale=params["scale"])
    else:
        ref = scipy.stats.expon.ppf(U.numpy(), scale=1 / params["rate"])
    np.testing.assert_allclose(z.numpy(), ref, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("dist,params", CASES)
def test_cdf_and_pdf_against_the_oracle(dist, params):
    d = oracle(dist, **params)
    z = sample(dist, U, **params)
    torch.testing.assert_close(cdf(dist, z, **params), U, rtol=1e-9, atol=1e-12)  # F(F^-1(u)) = u
    torch.testing.assert_close(cdf(dist, z, **params), d.cdf(z), rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(pdf(dist, z, **params), d.log_prob(z).exp(), rtol=1e-9, atol=1e-300)
    if dist == "exponential":  # outside the support
        assert float(cdf(dist, _t(-1.0), **params)) == 0.0 and float(pdf(dist, _t(-1.0), **params)) == 0.0


@pytest.mark.parametrize("dist,params", CASES)
def test_kolmogorov_smirnov_against_the_oracle_cdf(dist, params):
    u, z = draw(dist, 20_000, torch.Generator().manual_seed(DISTRIBUTIONS.index(dist)), **params)
    assert z.shape == (20_000,) and z.dtype == F64 and bool((u > 0).all() & (u < 1).all())
    d = oracle(dist, **params)
    result = scipy.stats.kstest(z.numpy(), lambda v: d.cdf(torch.from_numpy(np.asarray(v, dtype=np.float64))).numpy())
    assert result.pvalue > P_MIN, result


@pytest.mark.parametrize("dist,params", CASES[::2])
def test_gradcheck_in_the_parameters(dist, params):
    """Inverse-CDF sampling is differentiable in u and the parameters (finite differences)."""
    u = _t([0.1, 0.45, 0.9]).requires_grad_(True)
    names = inverse_cdf.PARAMETERS[dist]
    values = tuple(_t(params[n]).requires_grad_(True) for n in names)
    assert torch.autograd.gradcheck(lambda uu, *v: sample(dist, uu, **dict(zip(names, v, strict=True))), (u, *values))


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_analytic_parameter_derivatives(dist):
    """dz/dloc = 1, dz/dscale = (z - loc) / scale, dz/drate = -z / rate."""
    params = {n: _t(v).requires_grad_(True) for n, v in PARAMS[dist][1].items()}
    u = _t([0.3])
    z = sample(dist, u, **params)
    grads = torch.autograd.grad(z.sum(), list(params.values()))
    expected = {"loc": 1.0}
    if "scale" in params:
        expected["scale"] = float((z - params["loc"]).detach() / params["scale"].detach())
    if "rate" in params:
        expected["rate"] = float(-z.detach() / params["rate"].detach())
    for name, g in zip(params, grads, strict=True):
        assert float(g) == pytest.approx(expected[name], rel=1e-12)


def test_normal_inverse_cdf_equals_mu_plus_sigma_eps():
    u = torch.linspace(0.001, 0.999, 101, dtype=F64)
    check = normal_check(u, 1.5, 0.7)
    torch.testing.assert_close(check.eps, Normal(_t(0.0), _t(1.0)).icdf(u))
    torch.testing.assert_close(check.z_inverse_cdf, check.z_reparameterized, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(check.z_reparameterized, 1.5 + 0.7 * check.eps)


def test_float32_in_float32_out_and_broadcasting():
    z = sample("laplace", torch.tensor([0.2, 0.8]), loc=torch.tensor([[0.0], [1.0]]), scale=2.0)
    assert z.shape == (2, 2) and z.dtype == torch.float32


@pytest.mark.parametrize("bad_u", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_u_outside_the_open_interval_is_refused(bad_u):
    with pytest.raises(ValueError, match=r"u must lie strictly inside \(0, 1\)"):
        sample("normal", _t([0.5, bad_u]))


@pytest.mark.parametrize(
    "dist,name,value",
    [
        ("normal", "scale", 0.0),
        ("cauchy", "scale", -1.0),
        ("gumbel", "scale", -0.5),
        ("exponential", "rate", 0.0),
        ("exponential", "rate", -2.0),
        ("laplace", "scale", 0.0),
    ],
)
def test_non_positive_scale_or_rate_is_refused(dist, name, value):
    with pytest.raises(ValueError, match=f"{name} of the {dist} distribution must be > 0"):
        sample(dist, _t([0.5]), **{name: value})
    with pytest.raises(ValueError, match=f"{name} of the {dist} distribution must be > 0"):
        cdf(dist, _t([0.5]), **{name: value})


def test_other_bad_inputs():
    with pytest.raises(ValueError, match="normal, exponential, logistic, laplace, cauchy, gumbel"):
        sample("student", _t([0.5]))
    with pytest.raises(ValueError, match="unknown parameter.*rate.*takes loc, scale"):
        sample("normal", _t([0.5]), rate=1.0)
    with pytest.raises(ValueError, match="loc of the logistic distribution must be finite"):
        sample("logistic", _t([0.5]), loc=math.inf)
    with pytest.raises(ValueError, match="num_samples"):
        draw("normal", 0)
