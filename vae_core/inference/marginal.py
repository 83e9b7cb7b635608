"""The exact marginal likelihood log p(x) = log ∫ p(x|z) p(z) dz of a VAE with a 2-D latent.

The model-free quadrature rule (vae_core.maths.marginal: a coarse grid, refined where the mass
is, with its own error estimate) applied to the VAE's Bernoulli decoder p(x|z) and the prior N(0, I); and
the true posterior p(z|x) = p(x|z) p(z) / p(x) on a grid, which q(z|x) approximates.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import torch

from ..checks import check_count, check_tensor
from ..constants import IMAGE_SHAPE
from ..maths.marginal import Quadrature, log_joint_grid, quadrature_log_marginal
from ..models.networks import require_vae
from .likelihood import log_likelihood

__all__ = [
    "log_marginal_likelihood",
    "quadrature",
    "posterior_grid",
    "PosteriorGrid",
    "POSTERIOR_FLOOR",
]

Tensor = torch.Tensor
POSTERIOR_FLOOR = 14.0
"""The heat-map's box holds every quadrature cell whose log p(z|x) is within this many nats of the
peak (and 1.5 of its side more each side): outside it the posterior density is below e^-14 of its top."""


@torch.no_grad()
def log_marginal_likelihood(model, x: Tensor) -> Tensor:
    """log p(x) = log ∫ p(x|z) N(z; 0, I) dz for each image, by 2-D quadrature, in nats.

    p(x|z) is the model's Bernoulli decoder (vae_core.inference.likelihood), the prior
    N(0, I); see vae_core.maths.marginal for the grid (accurate to 0.01 nats, checked by the tests).
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
    """The Quadrature of one image x float (1, 1, 28, 28) under a 2-D VAE: log p(x) and its error
    in nats, and the cells of log p(x|z) + log p(z) it summed; the cells follow q(z|x) (its
    narrowest sigma sets the finest side, its mean widens the box if it lies far out); density 2
    halves the first and last sides. Raises as log_marginal_likelihood."""
    x = _check(model, x)
    if x.shape[0] != 1:
        raise ValueError(f"quadrature takes one image, got {x.shape[0]}")
    mu, sigma = model.posterior(x)
    return quadrature_log_marginal(
        partial(log_likelihood, model, x), float(sigma.min()), density, (float(mu[0, 0]), float(mu[0, 1]))
    )


class PosteriorGrid(NamedTuple):
    """The true posterior p(z|x) = p(x|z) p(z) / p(x) of one image on a grid (a heat-map).

    log_px: log p(x) in nats (the quadrature's); log_px_error: the quadrature's error (nats);
    box: (z1_min, z1_max, z2_min, z2_max), the region holding the posterior's mass; xs, ys:
    float64 (n,) grid coordinates (z_1, z_2);
    log_posterior: float64 (n, n) log p(z|x) in nats at (xs[j], ys[i]) (row i is z_2 = ys[i]);
    it integrates to 1 over the plane up to the quadrature's accuracy.
    """

    log_px: float
    log_px_error: float
    box: tuple[float, float, float, float]
    xs: Tensor
    ys: Tensor
    log_posterior: Tensor


@torch.no_grad()
def posterior_grid(model, x: Tensor, n: int = 128) -> PosteriorGrid:
    """log p(z|x) = log p(x|z) + log p(z) - log p(x) on an n x n grid over where it has mass.

    The exact posterior is what q(z|x) approximates; the gap log p(x) - ELBO is KL(q(z|x) ||
    p(z|x)) (Kingma & Welling 2014, eq. 1-2). log p(x) and its error come from quadrature(); the
    box from its cells (POSTERIOR_FLOOR).

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
    x0, x1, y0, y1 = q.box(POSTERIOR_FLOOR)
    xs = torch.linspace(x0, x1, n, dtype=torch.float64)
    ys = torch.linspace(y0, y1, n, dtype=torch.float64)
    log_posterior = log_joint_grid(partial(log_likelihood, model, x), xs, ys) - q.log_px
    return PosteriorGrid(q.log_px, q.error, (x0, x1, y0, y1), xs, ys, log_posterior)


def _check(model, x) -> Tensor:
    require_vae(model)
    if model.latent_dim != 2:
        raise ValueError(f"exact log p(x) by quadrature needs latent_dim == 2, this model has {model.latent_dim}")
    return check_tensor("x (images with pixels in [0, 1])", x, (None, *IMAGE_SHAPE))
