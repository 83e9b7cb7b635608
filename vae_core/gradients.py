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

The cost functions f of their section 3 figures: (z - k)^2, exp(-k z^2), cos(k z),
with E[f] and grad E[f] in closed form, and for the quadratic the closed-form single-sample
variances of both estimators (derived in quadratic_single_sample_variances from Gaussian
moments E[eps^2n] = (2n - 1)!!).

Also here: LOTUS (E_q[f(z)] by sampling z, or by sampling eps and mapping it) and the
gradient-flow comparison of the maths lab (what reaches mu and sigma of a VAE's encoder
through z = mu + sigma * eps, and what does not through a detached .sample()).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch

from .bounds import require_vae
from .losses import reconstruction_nll
from .reparam import reparameterize, sigma_from_log_var

__all__ = [
    "pathwise_grad", "score_function_grad", "ESTIMATORS", "COST_FUNCTIONS", "CostFunction",
    "cost_function", "quadratic_single_sample_variances", "EstimatorMoments", "estimator_moments",
    "VarianceCurve", "variance_vs_num_samples", "LotusResult", "lotus_running_means",
    "GradientFlow", "GradientFlowComparison", "gradient_flow",
]

Tensor = torch.Tensor
ESTIMATORS = ("pathwise", "score_function")
MAX_SAMPLES = 20_000_000


# --- validation -----------------------------------------------------------------------------------

def _scalar(name: str, value, dtype: torch.dtype) -> Tensor:
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ValueError(f"{name} must be a scalar (the Gaussian is one-dimensional), "
                             f"got shape {tuple(value.shape)}")
        value = float(value.detach())
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return torch.tensor(value, dtype=dtype)


def _check_gaussian(mu, sigma, dtype=torch.float64) -> tuple[Tensor, Tensor]:
    mu_t, sigma_t = _scalar("mu", mu, dtype), _scalar("sigma", sigma, dtype)
    if float(sigma_t) <= 0:
        raise ValueError(f"sigma must be > 0 (the score d log N/d theta divides by sigma), got {float(sigma_t):g}")
    return mu_t, sigma_t


def _check_num_samples(num_samples) -> int:
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) \
            or not 1 <= num_samples <= MAX_SAMPLES:
        raise ValueError(f"num_samples must be an integer in [1, {MAX_SAMPLES:,}], got {num_samples!r}")
    return int(num_samples)


def _apply(f: Callable[[Tensor], Tensor], z: Tensor) -> Tensor:
    out = f(z)
    if not isinstance(out, Tensor) or out.shape != z.shape:
        raise ValueError("f must map a tensor of samples elementwise to a tensor of the same shape "
                         f"{tuple(z.shape)}, got {type(out).__name__} {tuple(getattr(out, 'shape', ()))}")
    return out


def _standard_normal(num_samples: int, generator: torch.Generator | None) -> Tensor:
    return torch.randn(num_samples, generator=generator, dtype=torch.float64)


# --- the two estimators ---------------------------------------------------------------------------

def pathwise_grad(f: Callable[[Tensor], Tensor], mu, sigma, num_samples: int,
                  generator: torch.Generator | None = None) -> Tensor:
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
        ValueError: sigma <= 0, non-finite mu or sigma, a bad num_samples, or f not elementwise.
    """
    mu_t, sigma_t = _check_gaussian(mu, sigma)
    m = _check_num_samples(num_samples)
    eps = _standard_normal(m, generator)
    mu_i = mu_t.expand(m).clone().requires_grad_(True)
    sigma_i = sigma_t.expand(m).clone().requires_grad_(True)
    z = reparameterize(mu_i, sigma_i, eps)              # z = mu + sigma * eps
    values = _apply(f, z)
    if not values.requires_grad:                         # f constant in z: zero gradient
        return torch.zeros(m, 2, dtype=torch.float64)
    d_mu, d_sigma = torch.autograd.grad(values.sum(), (mu_i, sigma_i), allow_unused=True)
    d_mu = torch.zeros_like(eps) if d_mu is None else d_mu
    d_sigma = torch.zeros_like(eps) if d_sigma is None else d_sigma
    return torch.stack([d_mu, d_sigma], dim=1).detach()


def score_function_grad(f: Callable[[Tensor], Tensor], mu, sigma, num_samples: int,
                        generator: torch.Generator | None = None) -> Tensor:
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
    mu_t, sigma_t = _check_gaussian(mu, sigma)
    m = _check_num_samples(num_samples)
    eps = _standard_normal(m, generator)
    with torch.no_grad():
        z = mu_t + sigma_t * eps
        values = _apply(f, z)
        score_mu = (z - mu_t) / sigma_t ** 2
        score_sigma = ((z - mu_t) ** 2 - sigma_t ** 2) / sigma_t ** 3
        return torch.stack([values * score_mu, values * score_sigma], dim=1)


_GRADIENT_ESTIMATORS = {"pathwise": pathwise_grad, "score_function": score_function_grad}


# --- cost functions with closed forms --------------------------------------------------------------

@dataclass(frozen=True)
class CostFunction:
    """A cost f(z; k) of Mohamed et al. (2020), section 3, with E[f] and grad E[f] under N(mu, sigma^2).

    Attributes:
        name: "quadratic", "gaussian_bump" or "cosine". k: its parameter. label: e.g. "(z − 1)²".
    Call f(z) on a float tensor (elementwise); expectation(mu, sigma) -> float;
    gradient(mu, sigma) -> (dE/dmu, dE/dsigma) as floats.
    """

    name: str
    k: float
    label: str
    _f: Callable[[Tensor, float], Tensor]
    _expectation: Callable[[float, float, float], float]
    _gradient: Callable[[float, float, float], tuple[float, float]]

    def f(self, z: Tensor) -> Tensor:
        return self._f(z, self.k)

    def __call__(self, z: Tensor) -> Tensor:
        return self._f(z, self.k)

    def expectation(self, mu: float, sigma: float) -> float:
        return float(self._expectation(float(mu), float(sigma), self.k))

    def gradient(self, mu: float, sigma: float) -> tuple[float, float]:
        d_mu, d_sigma = self._gradient(float(mu), float(sigma), self.k)
        return float(d_mu), float(d_sigma)


def _bump_expectation(mu, sigma, k):
    a = 1.0 + 2.0 * k * sigma ** 2          # E[exp(-k z^2)] = a^-1/2 exp(-k mu^2 / a)
    return a ** -0.5 * math.exp(-k * mu ** 2 / a)


def _bump_gradient(mu, sigma, k):
    a = 1.0 + 2.0 * k * sigma ** 2
    e = _bump_expectation(mu, sigma, k)
    return e * (-2.0 * k * mu / a), e * (-0.5 / a + k * mu ** 2 / a ** 2) * 4.0 * k * sigma


_COSTS = {
    # f = (z - k)^2: E = (mu - k)^2 + sigma^2, grad = (2 (mu - k), 2 sigma)
    "quadratic": ("(z − {k:g})²", lambda z, k: (z - k) ** 2,
                  lambda mu, s, k: (mu - k) ** 2 + s ** 2,
                  lambda mu, s, k: (2.0 * (mu - k), 2.0 * s)),
    # f = exp(-k z^2), k >= 0: a Gaussian integral (Mohamed et al. 2020, section 3)
    "gaussian_bump": ("exp(−{k:g} z²)", lambda z, k: torch.exp(-k * z * z),
                      _bump_expectation, _bump_gradient),
    # f = cos(k z): E = cos(k mu) exp(-k^2 sigma^2 / 2) (the normal characteristic function)
    "cosine": ("cos({k:g} z)", lambda z, k: torch.cos(k * z),
               lambda mu, s, k: math.cos(k * mu) * math.exp(-0.5 * k * k * s * s),
               lambda mu, s, k: (-k * math.sin(k * mu) * math.exp(-0.5 * k * k * s * s),
                                 -k * k * s * math.cos(k * mu) * math.exp(-0.5 * k * k * s * s))),
}
COST_FUNCTIONS: dict[str, str] = {"quadratic": "(z − k)²", "gaussian_bump": "exp(−k z²)", "cosine": "cos(k z)"}
"""{name: formula} of the cost functions of Mohamed et al. (2020), section 3."""


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
    k = float(_scalar("k", k, torch.float64))
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
    mu_t, sigma_t = _check_gaussian(mu, sigma)
    d, s = float(mu_t) - float(_scalar("k", k, torch.float64)), float(sigma_t)
    return {
        "pathwise": (4.0 * s ** 2, 4.0 * d ** 2 + 8.0 * s ** 2),
        "score_function": ((d ** 4 + 14.0 * d ** 2 * s ** 2 + 15.0 * s ** 4) / s ** 2,
                           (2.0 * d ** 4 + 60.0 * d ** 2 * s ** 2 + 74.0 * s ** 4) / s ** 2),
    }


# --- measured moments and variance against M -----------------------------------------------------

class EstimatorMoments(NamedTuple):
    """Sample mean and variance of one estimator's single-sample estimates, as (d/dmu, d/dsigma)."""

    mean: tuple[float, float]
    variance: tuple[float, float]
    standard_error: tuple[float, float]   # of the mean: sqrt(variance / M)
    num_samples: int


def estimator_moments(f: Callable[[Tensor], Tensor], mu, sigma, num_samples: int,
                      seed: int = 0) -> dict[str, EstimatorMoments]:
    """Measured mean and single-sample variance of both estimators, on common random numbers.

    Args:
        f, mu, sigma, num_samples: as for pathwise_grad. seed: seeds a torch.Generator; both
            estimators use the same eps.
    Returns:
        {"pathwise": EstimatorMoments, "score_function": EstimatorMoments} (unbiased variances).
    Raises:
        ValueError: as for pathwise_grad.
    """
    out = {}
    for name, estimator in _GRADIENT_ESTIMATORS.items():
        g = estimator(f, mu, sigma, num_samples, torch.Generator().manual_seed(seed))
        var = g.var(dim=0, unbiased=True) if len(g) > 1 else torch.full((2,), float("nan"), dtype=g.dtype)
        out[name] = EstimatorMoments(tuple(g.mean(dim=0).tolist()), tuple(var.tolist()),
                                     tuple((var / len(g)).sqrt().tolist()), len(g))
    return out


class VarianceCurve(NamedTuple):
    """Variance of the M-sample average estimator against M."""

    num_samples: np.ndarray           # int (S,), the M values
    variance: dict[str, np.ndarray]    # {estimator: float (S, 2)}, columns d/dmu, d/dsigma
    num_repeats: int


def variance_vs_num_samples(f: Callable[[Tensor], Tensor], mu, sigma, num_samples_grid: Sequence[int],
                            num_repeats: int = 200, seed: int = 0) -> VarianceCurve:
    """Empirical variance of the M-sample gradient estimate (1/M) sum_i g_i for each M in a grid.

    For each M, num_repeats independent M-sample averages are formed and their variance taken
    across repeats; it should fall as Var(g)/M (Mohamed et al. 2020, section 3 figures). The
    two estimators share eps (common random numbers).

    Args:
        f, mu, sigma: as for pathwise_grad. num_samples_grid: the M values, integers >= 1.
        num_repeats: R >= 2 repeats per M. seed: seeds the generator.
    Returns:
        VarianceCurve(num_samples int (S,), {estimator: float (S, 2)}, R).
    Raises:
        ValueError: an M < 1, R < 2, too many samples in all (R * max M > 2e7), or as for
        pathwise_grad.
    """
    grid = np.asarray(sorted({int(m) for m in num_samples_grid}), dtype=np.int64)
    if grid.size == 0 or grid[0] < 1:
        raise ValueError(f"num_samples_grid must hold integers >= 1, got {list(num_samples_grid)!r}")
    if isinstance(num_repeats, bool) or not isinstance(num_repeats, (int, np.integer)) or num_repeats < 2:
        raise ValueError(f"num_repeats must be an integer >= 2 (a variance needs two repeats), got {num_repeats!r}")
    total = int(num_repeats) * int(grid[-1])
    if total > MAX_SAMPLES:
        raise ValueError(f"num_repeats * max(M) = {total:,} samples is more than the limit of {MAX_SAMPLES:,}")
    variance = {}
    for name, estimator in _GRADIENT_ESTIMATORS.items():
        g = estimator(f, mu, sigma, total, torch.Generator().manual_seed(seed))
        g = g.reshape(int(num_repeats), int(grid[-1]), 2)
        rows = [g[:, :m].mean(dim=1).var(dim=0, unbiased=True).numpy() for m in grid]
        variance[name] = np.stack(rows)
    return VarianceCurve(grid, variance, int(num_repeats))


# --- LOTUS ----------------------------------------------------------------------------------------

class LotusResult(NamedTuple):
    """Running means of f(z) over the first M samples, M = 1..num_samples, two ways."""

    num_samples: np.ndarray    # int (M,), 1..M
    direct: np.ndarray         # float (M,): z ~ Normal(mu, sigma).sample(), mean of f(z)
    reparameterized: np.ndarray  # float (M,): eps ~ N(0, 1), z = mu + sigma * eps, mean of f(z)
    direct_se: float           # standard error of the final direct mean
    reparameterized_se: float  # standard error of the final reparameterized mean


def _running_mean(values: Tensor) -> np.ndarray:
    return (values.cumsum(0) / torch.arange(1, len(values) + 1, dtype=values.dtype)).numpy()


def lotus_running_means(f: Callable[[Tensor], Tensor], mu, sigma, num_samples: int,
                        seed: int = 0) -> LotusResult:
    """E_q[f(z)] for q = N(mu, sigma^2) estimated by sampling z, and by sampling eps and mapping it.

    The law of the unconscious statistician: E_{z~q}[f(z)] = E_{eps~N(0,1)}[f(mu + sigma * eps)],
    since z = mu + sigma * eps has law q (Mohamed et al. 2020, section 5; Kingma &
    Welling 2014, section 2.4). The direct estimate draws z with
    torch.distributions.Normal(mu, sigma).sample() (global RNG, forked and seeded with `seed`,
    so the caller's RNG state is untouched); the reparameterized one draws eps from a separate
    generator seeded with seed + 1, so the two are independent.

    Args:
        f: elementwise function of a float64 tensor. mu, sigma: the Gaussian (sigma > 0).
        num_samples: M, integer in [1, 2e7]. seed: integer.
    Returns:
        LotusResult with running means (M,) of both estimates and their final standard errors
        (NaN when M = 1).
    Raises:
        ValueError: as for pathwise_grad.
    """
    mu_t, sigma_t = _check_gaussian(mu, sigma)
    m = _check_num_samples(num_samples)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        z_direct = torch.distributions.Normal(mu_t, sigma_t).sample((m,))
    eps = _standard_normal(m, torch.Generator().manual_seed(seed + 1))
    with torch.no_grad():
        direct = _apply(f, z_direct)
        reparameterized = _apply(f, reparameterize(mu_t.expand(m), sigma_t.expand(m), eps))

    def se(v: Tensor) -> float:
        return float(v.std() / math.sqrt(m)) if m > 1 else float("nan")

    return LotusResult(np.arange(1, m + 1), _running_mean(direct), _running_mean(reparameterized),
                       se(direct), se(reparameterized))


# --- gradient flow through a VAE ------------------------------------------------------------------

@dataclass
class GradientFlow:
    """What one backward pass of log p(x|z) reaches, for one way of drawing z.

    Attributes:
        path: "reparameterized" (z = mu + sigma * eps) or "sampled" (Normal(mu, sigma).sample()).
        z: float (latent_dim,), the latent sample used.
        reconstruction: log p(x|z) in nats (the Bernoulli log-likelihood summed over pixels).
        grad_mu, grad_sigma: float (latent_dim,) d log p(x|z) / d mu_j and / d sigma_j, or None
            when autograd finds no path from the output to mu, sigma (torch.autograd.grad with
            allow_unused=True returns None, as mu.grad would stay None after .backward()).
        encoder_grad_norm, decoder_grad_norm: L2 norm of the gradient over all encoder / decoder
            weights, or None when no encoder / decoder weight is in the graph.
        z_requires_grad: whether z is in the autograd graph at all.
        z_grad_fn: name of z's grad_fn (e.g. "AddBackward0"), or None.
        explanation: one sentence saying what happened.
    """

    path: str
    z: Tensor
    reconstruction: float
    grad_mu: Tensor | None
    grad_sigma: Tensor | None
    encoder_grad_norm: float | None
    decoder_grad_norm: float | None
    z_requires_grad: bool
    z_grad_fn: str | None
    explanation: str


class GradientFlowComparison(NamedTuple):
    reparameterized: GradientFlow
    sampled: GradientFlow


def _norm(grads: Sequence[Tensor | None]) -> float | None:
    present = [g for g in grads if g is not None]
    if not present:
        return None
    return float(torch.sqrt(sum((g.double() ** 2).sum() for g in present)))


def _flow(model, x: Tensor, path: str, eps: Tensor, seed: int) -> GradientFlow:
    encoder = [p for p in model.encoder.parameters() if p.requires_grad]
    decoder = [p for p in model.decoder.parameters() if p.requires_grad]
    with torch.enable_grad():
        mu, log_var = model.encode_params(x)
        if not mu.requires_grad:                 # an encoder with frozen weights: make leaves
            mu, log_var = mu.detach().requires_grad_(True), log_var.detach().requires_grad_(True)
        sigma = sigma_from_log_var(log_var)
        if path == "reparameterized":
            z = reparameterize(mu, sigma, eps)                      # z = mu + sigma * eps
        else:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                z = torch.distributions.Normal(mu, sigma).sample()  # runs under no_grad: detached
        log_px = -reconstruction_nll(x, model.decode_logits(z))[0]
        inputs = [mu, sigma, *encoder, *decoder]
        if log_px.requires_grad:
            grads = torch.autograd.grad(log_px, inputs, allow_unused=True)
        else:
            grads = [None] * len(inputs)
    grad_mu, grad_sigma = grads[0], grads[1]
    enc = _norm(grads[2:2 + len(encoder)])
    dec = _norm(grads[2 + len(encoder):])
    if path == "reparameterized":
        explanation = ("z = mu + sigma * eps is a differentiable function of mu and sigma "
                       "(dz/dmu = 1, dz/dsigma = eps), so the gradient of log p(x|z) reaches mu, "
                       "sigma and every encoder weight.")
    else:
        explanation = ("Normal(mu, sigma).sample() runs under torch.no_grad(): z has no grad_fn, "
                       "so autograd finds no path from log p(x|z) back to mu or sigma; "
                       f"mu.grad is {'None' if grad_mu is None else 'not None'} and "
                       f"sigma.grad is {'None' if grad_sigma is None else 'not None'}, and the "
                       "encoder receives no gradient (only the decoder does).")
    return GradientFlow(
        path, z.detach()[0], float(log_px.detach()),
        None if grad_mu is None else grad_mu.detach()[0],
        None if grad_sigma is None else grad_sigma.detach()[0],
        enc, dec, bool(z.requires_grad), None if z.grad_fn is None else type(z.grad_fn).__name__,
        explanation)


def gradient_flow(model, x: Tensor, eps: Tensor, seed: int = 0) -> GradientFlowComparison:
    """Where the gradient of the reconstruction term log p(x|z) goes, for two ways of drawing z.

    1. reparameterized: z = mu(x) + sigma(x) * eps (Kingma & Welling 2014, section 2.4, eq. 10):
       d log p(x|z)/d mu_j = d log p/d z_j and d/d sigma_j = d log p/d z_j * eps_j reach the encoder.
    2. sampled: z = torch.distributions.Normal(mu, sigma).sample() (a non-reparameterized draw,
       made under torch.no_grad(), so detached): no gradient reaches mu, sigma or the encoder;
       only the decoder's weights get one. Training through it would need the score function
       (Mohamed et al. 2020, section 4).

    The model is not modified (torch.autograd.grad, no .grad fields are written).

    Args:
        model: a VAE (kind "vae") with encode_params and decode_logits.
        x: float (1, 1, 28, 28), pixels in [0, 1].
        eps: float (latent_dim,) or (1, latent_dim), the noise of the reparameterized path.
        seed: seeds the (forked) global RNG for the .sample() draw.
    Returns:
        GradientFlowComparison(reparameterized, sampled), each a GradientFlow; the sampled one
        has grad_mu = grad_sigma = None and encoder_grad_norm = None.
    Raises:
        ValueError: an AE (no posterior), x not a single image, eps of the wrong shape.
    """
    require_vae(model)
    if not isinstance(x, Tensor) or x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"x must be one image of shape (1, 1, 28, 28), got {tuple(getattr(x, 'shape', ()))}")
    if not isinstance(eps, Tensor) or not torch.is_floating_point(eps):
        raise ValueError("eps must be a float tensor of shape (latent_dim,)")
    eps = eps.reshape(1, -1) if eps.dim() == 1 else eps
    if tuple(eps.shape) != (1, model.latent_dim):
        raise ValueError(f"eps must have shape ({model.latent_dim},), got {tuple(eps.shape)}")
    eps = eps.to(x.dtype)
    return GradientFlowComparison(_flow(model, x, "reparameterized", eps, seed),
                                  _flow(model, x, "sampled", eps, seed))
