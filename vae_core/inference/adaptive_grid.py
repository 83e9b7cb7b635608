"""The true posterior's heat-map from the quadrature's own cells: no second pass of the decoder.

quadrature() (vae_core.inference.marginal, the rule of vae_core.maths.marginal) already evaluates
log p(x|z) + log p(z) on a grid that follows the mass: a coarse grid over the plane, split level
by level where the posterior has its mass, down to cells of side at most sigma / 2 there. The
heat-map is those cells, drawn: an image over the box holding the mass (POSTERIOR_FLOOR nats of
the peak) whose pixels are the finest cells' midpoints (at most MAX_PIXELS a side; a pixel
outside the finest cells takes the value of the coarser cell holding it, 20 nats or more below the
top, so transparent in the picture). log p(z|x) = log-joint - log p(x) there exactly, the same
numbers log p(x) was summed from, in one decoder pass instead of two (the quadrature's and a
fixed 128 x 128 grid's: 16,384 more decodes, 0.3-1 s on one core).
"""

from __future__ import annotations

import math

import torch

from ..checks import check_count
from ..maths.marginal import Quadrature
from .marginal import POSTERIOR_FLOOR, PosteriorGrid, quadrature

__all__ = ["posterior_heatmap", "cells_image", "MAX_PIXELS"]

Tensor = torch.Tensor
MAX_PIXELS = 256
"""The image's side at most: finer cells are sampled (the nearest midpoint to each pixel's centre)."""


@torch.no_grad()
def posterior_heatmap(model, x: Tensor, max_pixels: int = MAX_PIXELS) -> PosteriorGrid:
    """The exact posterior log p(z|x) = log p(x|z) + log p(z) - log p(x) of a 2-D VAE as an image
    of the quadrature's cells over the box holding its mass (Kingma & Welling 2014, eq. 1-2: the
    gap log p(x) - ELBO is KL(q(z|x) || p(z|x))).

    Args:
        model: a VAE with latent_dim == 2. x: float (1, 1, 28, 28), pixels in [0, 1].
        max_pixels: the image's side at most, in [8, 1024].
    Returns:
        PosteriorGrid: log_px and log_px_error (nats) as quadrature()'s; box the region of the
        cells within POSTERIOR_FLOOR nats of the top (widened by 1.5 of their side); xs, ys the
        pixels' centres (float64, spaced by the finest cells' side, or wider to keep to
        max_pixels); log_posterior float64 (len(ys), len(xs)), row i at z_2 = ys[i]. Summed times
        the pixel's area it is 1 up to the quadrature's error (the cells outside the box hold
        less than e^-14 of the top's density each).
    Raises:
        TypeError, ValueError: as vae_core.inference.marginal.log_marginal_likelihood; max_pixels
        outside [8, 1024].
    """
    max_pixels = check_count("max_pixels", max_pixels, 8, 1024)
    q = quadrature(model, x)
    xs, ys, log_joint = cells_image(q, q.box(POSTERIOR_FLOOR), max_pixels)
    box = (float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1]))
    return PosteriorGrid(q.log_px, q.error, box, xs, ys, log_joint - q.log_px)


def cells_image(
    q: Quadrature, box: tuple[float, float, float, float], max_pixels: int = MAX_PIXELS
) -> tuple[Tensor, Tensor, Tensor]:
    """The quadrature's cells painted on a pixel grid over box: (xs, ys, log_joint).

    The pixels' centres lie on the finest cells' midpoints (one pixel a cell) unless the box
    holds more than max_pixels of them a side, then on every m-th midpoint. Each pixel takes
    the log-joint of the finest cell that holds its centre (each level's cells are looked up by
    their integer index; the finer level wins). xs float64 (W,), ys float64 (H,), log_joint
    float64 (H, W), -inf where no cell holds the pixel (outside the quadrature's box).
    """
    sides = q.sides
    finest = float(sides.min())
    at_finest = sides == finest
    origin = q.centres[at_finest][0]  # one finest midpoint: the others lie on origin + k * finest
    x0, x1, y0, y1 = box
    first = torch.floor((torch.tensor([x0, y0], dtype=torch.float64) - origin) / finest)
    last = torch.ceil((torch.tensor([x1, y1], dtype=torch.float64) - origin) / finest)
    counts = (last - first + 1).long()
    stride = max(1, math.ceil(int(counts.max()) / max_pixels))
    nx, ny = (int(c) for c in (counts - 1) // stride + 1)
    xs = origin[0] + (first[0] + stride * torch.arange(nx, dtype=torch.float64)) * finest
    ys = origin[1] + (first[1] + stride * torch.arange(ny, dtype=torch.float64)) * finest
    zy, zx = torch.meshgrid(ys, xs, indexing="ij")
    pixels = torch.stack([zx.reshape(-1), zy.reshape(-1)], dim=1)
    image = torch.full((len(pixels),), -math.inf, dtype=torch.float64)
    for side in sorted(set(sides.tolist()), reverse=True):  # coarse first: the finer level overwrites
        level = sides == side
        centres, values = q.centres[level], q.log_joint[level]
        offset = centres[0]
        index = torch.round((centres - offset) / side).long()
        found = torch.round((pixels - offset) / side).long()
        low = torch.minimum(index.min(dim=0).values, found.min(dim=0).values)
        span = int(torch.maximum(index.max(dim=0).values, found.max(dim=0).values)[1] - low[1]) + 1
        keys = (index[:, 0] - low[0]) * span + (index[:, 1] - low[1])
        order = torch.argsort(keys)
        keys, values = keys[order], values[order]
        wanted = (found[:, 0] - low[0]) * span + (found[:, 1] - low[1])
        at = torch.searchsorted(keys, wanted).clamp(max=len(keys) - 1)
        hit = keys[at] == wanted
        image[hit] = values[at[hit]]
    return xs, ys, image.reshape(ny, nx)
