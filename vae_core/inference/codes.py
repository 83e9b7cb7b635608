"""A model's codes: encode images to (mu, sigma), decode a grid of codes laid on a plane.

The model-free parts (interpolation paths, grid axes, the LatentGrid container, distances to
real images) are in vae_core.maths.latent; these two need a model's encoder or decoder.
"""

from __future__ import annotations

import torch

from ..constants import IMAGE_SHAPE
from ..maths.latent import LatentGrid
from ..maths.projection import Projection, axes_projection
from ..models.networks import LatentVariableModel

__all__ = ["encode_images", "latent_grid"]


@torch.no_grad()
def encode_images(
    model: LatentVariableModel, images: torch.Tensor, batch_size: int = 1000
) -> tuple[torch.Tensor, torch.Tensor]:
    """(mu, sigma) for every image: images float (N, 1, 28, 28) in [0, 1] -> two (N, latent_dim)."""
    mus, sigmas = [], []
    for start in range(0, images.shape[0], batch_size):
        mu, sigma = model.encode(images[start : start + batch_size])
        mus.append(mu)
        sigmas.append(sigma)
    return torch.cat(mus), torch.cat(sigmas)


@torch.no_grad()
def latent_grid(
    model: LatentVariableModel,
    x_axis: torch.Tensor,
    y_axis: torch.Tensor,
    spacing: str,
    dims: tuple[int, int] = (0, 1),
    base: torch.Tensor | None = None,
    projection: Projection | None = None,
) -> LatentGrid:
    """Decode every point of the grid x_axis x y_axis laid on a plane of the latent space.

    The plane is `projection` (vae_core.maths.projection; default the latent dimensions dims),
    and every other coordinate is held at base's (default 0): z = projection.lift(p, base).
    Returns a LatentGrid whose images row i corresponds to y_axis[n - 1 - i] (top row = largest
    value), column j to x_axis[j]; the axes are those of vae_core.maths.latent (inverse_cdf_axis
    for a VAE, Kingma & Welling 2014 fig. 4; linear_axis over code_box for an AE).
    """
    n_x, n_y = len(x_axis), len(y_axis)
    projection = projection or axes_projection(model.latent_dim, *dims)
    base = torch.zeros(model.latent_dim) if base is None else base
    plane = torch.stack([x_axis.double().repeat(n_y), y_axis.double().flip(0).repeat_interleave(n_x)], dim=1)
    z = projection.lift(plane, base).float()
    images = model.decode(z).reshape(n_y, n_x, *IMAGE_SHAPE[1:])
    return LatentGrid(images, x_axis, y_axis, spacing, projection.labels)
