"""L_k for many k from one set of draws, with standard errors, and what the numbers allow one to say.

The importance-weighted bound (Burda, Grosse & Salakhutdinov 2016, eq. 8)

    L_k(x) = E[ log (1/k) sum_{i=1..k} w_i ],  log w = log p(x|z) + log p(z) - log q(z|x),  z_i ~ q(z|x),

is estimated for every k from the same N draws z_n = mu + sigma * eps_n, decoded in one batched
pass: for each k the draws are split into N // k disjoint groups of k, each group gives one
independent estimate log (1/k) sum w, and their mean and standard error (std / sqrt(groups)) are
L_k's. So L_1 is the mean of all N log-weights: the ELBO with its KL estimated from the same draws
(Kingma & Welling 2014, eq. 3), and the ELBO with the KL in closed form comes from the same draws
too (`IwaeCurve.elbo`): two estimates of one number, apart only by the KL's Monte Carlo error.
Burda et al.'s theorem 1, E[L_1] <= E[L_k] <= E[L_m] <= log p(x) for k <= m, holds for the
expectations; `check_bounds` says which estimates agree with it within z standard errors (and a
quadrature's error on log p(x)), so a page says only what the noise allows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch

from ..checks import MAX_K, check_count, check_tensor
from .bounds import MAX_NUM_SAMPLES, ElboTerms, IwaeEstimate, closed_form_kl, elbo_from_weights, log_weights

__all__ = ["IwaeCurve", "iwae_curve", "BoundChecks", "check_bounds", "DEFAULT_DRAWS"]

Tensor = torch.Tensor
DEFAULT_DRAWS = 40_000
"""N: 8 groups for k = 5000, 400 for k = 100, 40,000 single draws for k = 1 (one decoder pass
of about half a second on one core)."""


class IwaeCurve(NamedTuple):
    """L_k against k from one set of N draws of q(z|x), in nats.

    ks int (S,), means float (S,), ses float (S,) (std / sqrt(groups)), groups int (S,) (N // k
    disjoint groups of k each), num_samples N, values: per k a float (groups,) array of the
    groups' estimates; elbo: the ElboTerms of the same N draws (closed-form KL; its
    elbo_monte_carlo is L_1's mean).
    """

    ks: np.ndarray
    means: np.ndarray
    ses: np.ndarray
    groups: np.ndarray
    num_samples: int
    values: tuple[np.ndarray, ...]
    elbo: ElboTerms

    def at(self, k: int) -> IwaeEstimate:
        """The IwaeEstimate for one k of the curve. Raises ValueError if k is not in ks."""
        where = np.flatnonzero(self.ks == k)
        if where.size == 0:
            raise ValueError(f"k = {k} is not on this curve (ks = {self.ks.tolist()})")
        i = int(where[0])
        return IwaeEstimate(int(k), self.values[i], float(self.means[i]), float(self.ses[i]))


def iwae_curve(
    model,
    x: Tensor,
    ks: Sequence[int],
    num_samples: int = DEFAULT_DRAWS,
    generator: torch.Generator | None = None,
    eps: Tensor | None = None,
    posterior: tuple[Tensor, Tensor] | None = None,
) -> IwaeCurve:
    """L_k for several k from one set of N draws (module docstring; Burda et al. 2016, eq. 8).

    Args:
        model: a VAE. x: float (1, 1, 28, 28) in [0, 1].
        ks: integers in [1, 5000] (sorted, duplicates dropped), each at most N / 2 (two groups at
            least, for a standard error).
        num_samples: N in [2, 200,000]; ignored when eps is given.
        generator: optional torch.Generator for eps. eps: optional float (N, latent_dim) noise
            (e.g. a pool whose first M rows also give an ELBO elsewhere).
        posterior: optional (mu, sigma) of a q(z|x) to use instead of the encoder's.
    Returns:
        IwaeCurve (nats). For k = 1 the mean equals curve.elbo.elbo_monte_carlo.
    Raises:
        TypeError: an AE (no posterior), x or eps not float tensors, k or N not integers.
        ValueError: an empty ks, k outside [1, 5000] or above N / 2, N outside [2, 200,000],
            eps of the wrong shape.
    """
    ks = sorted({check_count("k", k, 1, MAX_K) for k in ks})
    if not ks:
        raise ValueError("ks must hold at least one k")
    if eps is None:
        n = check_count("num_samples (N)", num_samples, 2, MAX_NUM_SAMPLES)
        eps = torch.randn(n, model.latent_dim, generator=generator)
    eps = check_tensor("eps", eps, (None, model.latent_dim))
    n = check_count("the number of draws (N)", eps.shape[0], 2, MAX_NUM_SAMPLES)
    if ks[-1] > n // 2:
        raise ValueError(f"k = {ks[-1]} needs N >= {2 * ks[-1]:,} draws for two groups, got N = {n:,}")
    w = log_weights(model, x, eps, posterior)
    log_w = w.log_w
    values = []
    for k in ks:
        groups = n // k
        values.append((torch.logsumexp(log_w[: groups * k].reshape(groups, k), dim=1) - math.log(k)).numpy())
    return IwaeCurve(
        np.array(ks),
        np.array([v.mean() for v in values]),
        np.array([v.std(ddof=1) / math.sqrt(len(v)) for v in values]),
        np.array([len(v) for v in values]),
        n,
        tuple(values),
        elbo_from_weights(w, closed_form_kl(model, x, posterior)),
    )


class BoundChecks(NamedTuple):
    """What the estimates of one IwaeCurve allow one to say, at z standard errors.

    z: the threshold. above: (k, excess in nats, excess in SE) for each L_k that lies more than
    z SE (plus the quadrature's error) above log p(x), empty without log p(x); drops: (k_before,
    k, drop in nats, drop in SE) for each consecutive pair where L_k falls by more than z SE
    (hypot of the two SEs); largest_excess_se: the largest (L_k - log p(x) - error) / SE over k
    (NaN without log p(x)); l1_minus_elbo and its se: L_1 (the KL from the draws) minus the
    closed-form-KL ELBO of the same draws (= KL - its Monte Carlo estimate) and its standard error.
    """

    z: float
    above: tuple[tuple[int, float, float], ...]
    drops: tuple[tuple[int, int, float, float], ...]
    largest_excess_se: float
    l1_minus_elbo: float
    l1_minus_elbo_se: float


def check_bounds(
    curve: IwaeCurve, log_px: float | None = None, log_px_error: float = 0.0, z: float = 2.0
) -> BoundChecks:
    """Compare an IwaeCurve's estimates with what theorem 1 of Burda et al. (2016) says of their means.

    Args:
        curve: from iwae_curve. log_px: optional exact log p(x) in nats (a 2-D VAE's quadrature).
        log_px_error: the quadrature's error in nats, >= 0 (added to the allowance). z: > 0.
    Returns:
        BoundChecks.
    Raises:
        ValueError: z not positive, log_px_error negative or not finite.
    """
    if not (math.isfinite(z) and z > 0):
        raise ValueError(f"z must be a positive number, got {z}")
    if not (math.isfinite(log_px_error) and log_px_error >= 0):
        raise ValueError(f"log_px_error must be a finite number >= 0, got {log_px_error}")
    above, largest = [], math.nan
    if log_px is not None:
        excess = (curve.means - log_px - log_px_error) / curve.ses
        largest = float(np.max(excess))
        rows = zip(curve.ks, curve.means, excess, strict=True)
        above = [(int(k), float(m - log_px), float(e)) for k, m, e in rows if e > z]
    drops = []
    for i in range(1, len(curve.ks)):
        drop = float(curve.means[i - 1] - curve.means[i])
        in_se = drop / math.hypot(curve.ses[i - 1], curve.ses[i])
        if in_se > z:
            drops.append((int(curve.ks[i - 1]), int(curve.ks[i]), drop, in_se))
    elbo = curve.elbo
    return BoundChecks(
        z,
        tuple(above),
        tuple(drops),
        largest,
        elbo.elbo_monte_carlo - elbo.elbo,
        elbo.kl_monte_carlo_se,
    )
