"""The exact marginal likelihood log p(x) = log ∫ p(x|z) p(z) dz of a VAE with a 2-D latent.

The integral that makes p(x) intractable in general (Kingma & Welling 2014, section 2.1) is a
plain 2-D integral here, so it is computed by quadrature (the midpoint rule on cells):

1. a coarse grid of COARSE_STEP = 0.05 cells over [-BOX, BOX]^2 (BOX = 6: the prior puts less
   than 4e-9 of its mass outside) gives each cell's midpoint value of p(x|z) p(z);
2. every cell within REFINE_WINDOW = 20 nats of the largest, and every neighbour of one, is
   split into r x r sub-cells of side at most min(sigma(x)) / FINE_PER_SIGMA (FINE_PER_SIGMA =
   8), where the integrand changes within a cell; the others keep their midpoint value
   (together they hold less than 58,081 e^-20 of the mass, and their midpoint error is a small
   part of that);

log p(x) = logsumexp over cells of [log p(x|z_c) + log N(z_c; 0, I) + log area_c]. The tests
check it against the same rule at twice the density in both passes (agreement within 0.01
nats), against a linear-Gaussian model whose log p(x) is known in closed form, and that the IWAE
bound L_k approaches it from below as k grows.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import torch

from ..checks import check_count, check_tensor, require_vae
from .losses import reconstruction_nll

__all__ = [
    "log_marginal_likelihood",
    "quadrature",
    "quadrature_log_marginal",
    "log_joint_grid",
    "Quadrature",
    "posterior_grid",
    "PosteriorGrid",
    "BOX",
    "COARSE_STEP",
]

Tensor = torch.Tensor
BOX = 6.0
COARSE_STEP = 0.05
REFINE_WINDOW = 20.0
FINE_PER_SIGMA = 8
POSTERIOR_FLOOR = 14.0
"""The heat-map's box holds every coarse cell whose log p(z|x) is within this many nats of the
peak (and one cell more each side): outside it the posterior density is below e^-14 of its top."""
_CHUNK = 16_384
_LOG_2PI = math.log(2.0 * math.pi)


class Quadrature(NamedTuple):
    """One image's quadrature: log p(x) in nats, and what it summed.

    axis: float64 (n,) coarse cell centres (the same for z_1 and z_2); log_joint: float64 (n, n)
    log p(x|z) + log p(z) at (axis[j], axis[i]) (row i is z_2); refined: how many cells were
    split; sub_step: the side of a sub-cell.
    """

    log_px: float
    axis: Tensor
    log_joint: Tensor
    refined: int
    sub_step: float


def log_joint_grid(log_likelihood: Callable[[Tensor], Tensor], xs: Tensor, ys: Tensor) -> Tensor:
    """log p(x|z) + log N(z; 0, I) on the grid xs x ys: float64 (len(ys), len(xs)), row i at ys[i]
    (e.g. the true posterior's heat-map, up to the constant log p(x))."""
    zy, zx = torch.meshgrid(ys, xs, indexing="ij")
    grid = torch.stack([zx, zy], dim=-1).reshape(-1, 2)
    log_prior = -0.5 * (grid**2).sum(dim=1) - _LOG_2PI
    log_lik = torch.cat([log_likelihood(chunk) for chunk in grid.split(_CHUNK)])
    return (log_lik + log_prior).reshape(len(ys), len(xs))


def quadrature_log_marginal(log_likelihood: Callable[[Tensor], Tensor], scale: float, density: int = 1) -> Quadrature:
    """log ∫ exp(log_likelihood(z)) N(z; 0, I) dz over z in R^2 by the two-pass rule above.

    Args:
        log_likelihood: maps float64 points (G, 2) to float64 log p(x|z) (G,).
        scale: the narrowest width of the posterior expected (e.g. min sigma(x) of q), > 0.
        density: 1, or 2 to halve both steps (the tests' convergence check).
    Returns:
        Quadrature (log p(x) in nats and the coarse grid of the log-joint).
    Raises:
        ValueError: scale not a positive finite number, density not 1 or 2.
    """
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, got {scale}")
    if density not in (1, 2):
        raise ValueError(f"density must be 1 or 2, got {density}")
    step = COARSE_STEP / density
    n = round(2 * BOX / step) + 1
    axis = torch.linspace(-BOX, BOX, n, dtype=torch.float64)
    coarse = log_joint_grid(log_likelihood, axis, axis)
    contributions = coarse + 2.0 * math.log(step)
    # Split the cells near the top, and their neighbours: a thin ridge of mass can cross a cell
    # whose midpoint misses it.
    near = (coarse >= coarse.max() - REFINE_WINDOW).double()[None, None]
    split = torch.nn.functional.max_pool2d(near, 3, stride=1, padding=1)[0, 0].bool()
    r = max(1, math.ceil(step / (scale / (FINE_PER_SIGMA * density))))
    sub = step / r
    offsets = (torch.arange(r, dtype=torch.float64) + 0.5) * sub - step / 2
    rows, cols = torch.nonzero(split, as_tuple=True)
    oy, ox = torch.meshgrid(offsets, offsets, indexing="ij")
    points = torch.stack([axis[cols][:, None] + ox.reshape(1, -1), axis[rows][:, None] + oy.reshape(1, -1)], dim=-1)
    flat = points.reshape(-1, 2)
    log_lik = torch.cat([log_likelihood(chunk) for chunk in flat.split(_CHUNK)])
    fine = (log_lik - 0.5 * (flat**2).sum(dim=1) - _LOG_2PI).reshape(len(rows), r * r)
    contributions[rows, cols] = torch.logsumexp(fine, dim=1) + 2.0 * math.log(sub)
    log_px = float(torch.logsumexp(contributions.flatten(), dim=0))
    return Quadrature(log_px, axis, coarse, int(len(rows)), sub)


@torch.no_grad()
def log_marginal_likelihood(model, x: Tensor) -> Tensor:
    """log p(x) = log ∫ p(x|z) N(z; 0, I) dz for each image, by 2-D quadrature, in nats.

    p(x|z) is the model's Bernoulli decoder (vae_core.maths.losses.reconstruction_nll), the prior
    N(0, I); see the module docstring for the grid (accurate to 0.01 nats, checked by the tests).
    The ELBO and the IWAE bounds L_k lie below it (Burda et al. 2016, theorem 1).

    Args:
        model: a VAE (vae_core.models.VAE) with latent_dim == 2.
        x: float (N, 1, 28, 28), pixels in [0, 1].
    Returns:
        float64 (N,), nats.
    Raises:
        TypeError: not a VAE, or x not a float tensor.
        ValueError: latent_dim != 2, or x not of shape (N, 1, 28, 28) with finite pixels.
    """
    return torch.tensor(
        [quadrature(model, x[n : n + 1]).log_px for n in range(_check(model, x).shape[0])], dtype=torch.float64
    )


@torch.no_grad()
def quadrature(model, x: Tensor, density: int = 1) -> Quadrature:
    """The Quadrature of one image x float (1, 1, 28, 28) under a 2-D VAE (log p(x) and the
    coarse grid of log p(x|z) + log p(z)); density 2 halves both steps. Raises as
    log_marginal_likelihood."""
    x = _check(model, x)
    if x.shape[0] != 1:
        raise ValueError(f"quadrature takes one image, got {x.shape[0]}")
    _, sigma = model.posterior(x)

    def log_likelihood(z: Tensor) -> Tensor:
        logits = model.decode_logits(z.float())
        return -reconstruction_nll(x.expand(len(z), *x.shape[1:]), logits).double()

    return quadrature_log_marginal(log_likelihood, float(sigma.min()), density)


class PosteriorGrid(NamedTuple):
    """The true posterior p(z|x) = p(x|z) p(z) / p(x) of one image on a grid (a heat-map).

    log_px: log p(x) in nats (the quadrature's); box: (z1_min, z1_max, z2_min, z2_max), the
    region holding the posterior's mass; xs, ys: float64 (n,) grid coordinates (z_1, z_2);
    log_posterior: float64 (n, n) log p(z|x) in nats at (xs[j], ys[i]) (row i is z_2 = ys[i]);
    it integrates to 1 over the plane up to the quadrature's accuracy.
    """

    log_px: float
    box: tuple[float, float, float, float]
    xs: Tensor
    ys: Tensor
    log_posterior: Tensor


@torch.no_grad()
def posterior_grid(model, x: Tensor, n: int = 128) -> PosteriorGrid:
    """log p(z|x) = log p(x|z) + log p(z) - log p(x) on an n x n grid over where it has mass.

    The exact posterior is what q(z|x) approximates; the gap log p(x) - ELBO is KL(q(z|x) ||
    p(z|x)) (Kingma & Welling 2014, eq. 1-2). log p(x) comes from quadrature() (accurate to 0.01
    nats); the box from its coarse grid (POSTERIOR_FLOOR).

    Args:
        model: a VAE with latent_dim == 2. x: float (1, 1, 28, 28), pixels in [0, 1].
        n: grid points per axis, in [8, 512].
    Returns:
        PosteriorGrid (nats, float64).
    Raises:
        TypeError, ValueError: as log_marginal_likelihood; n outside [8, 512].
    """
    n = check_count("n (grid points per axis)", n, 8, 512)
    q = quadrature(model, x)
    x = _check(model, x)
    rows, cols = torch.nonzero(q.log_joint >= q.log_joint.max() - POSTERIOR_FLOOR, as_tuple=True)
    step = float(q.axis[1] - q.axis[0])
    x0, x1 = float(q.axis[cols.min()]) - 1.5 * step, float(q.axis[cols.max()]) + 1.5 * step
    y0, y1 = float(q.axis[rows.min()]) - 1.5 * step, float(q.axis[rows.max()]) + 1.5 * step
    xs = torch.linspace(x0, x1, n, dtype=torch.float64)
    ys = torch.linspace(y0, y1, n, dtype=torch.float64)

    def log_likelihood(z: Tensor) -> Tensor:
        logits = model.decode_logits(z.float())
        return -reconstruction_nll(x.expand(len(z), *x.shape[1:]), logits).double()

    log_posterior = log_joint_grid(log_likelihood, xs, ys) - q.log_px
    return PosteriorGrid(q.log_px, (x0, x1, y0, y1), xs, ys, log_posterior)


def _check(model, x) -> Tensor:
    require_vae(model)
    if model.latent_dim != 2:
        raise ValueError(f"exact log p(x) by quadrature needs latent_dim == 2, this model has {model.latent_dim}")
    return check_tensor("x (images with pixels in [0, 1])", x, (None, 1, 28, 28))
