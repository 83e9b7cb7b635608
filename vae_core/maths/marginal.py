"""The quadrature rule for log ∫ p(x|z) N(z; 0, I) dz over a 2-D latent, model-free, with its error.

The integral that makes p(x) intractable in general (Kingma & Welling 2014, section 2.1) is a
plain 2-D integral when the latent has two dimensions, so it is computed by quadrature (the
midpoint rule on square cells) of any log-likelihood z -> log p(x|z), refined where the mass is:

1. a coarse grid over [-BOX, BOX]^2 (BOX = 6: the prior puts less than 4e-9 of its mass outside;
   widened to hold a centre given far out) of cells of side H_0 = min(COARSE_STEP,
   COARSE_PER_SCALE * scale), scale being the narrowest posterior width expected (e.g. min
   sigma(x) of q), gives each cell's midpoint value of log p(x|z) + log p(z);
2. level by level, every cell whose value is within REFINE_WINDOW = 20 nats of the level's
   largest, plus H^2 / (4 scale^2) nats (how far a cell's midpoint can lie below a peak of width
   scale inside it), and every neighbour of such a cell, is split into 2 x 2 cells of half the
   side; the other cells keep their midpoint value (each holds less than e^-20 of the top cell's
   mass). It stops when the side is at most scale / FINE_PER_SCALE (FINE_PER_SCALE = 2) and the
   error below is under ERROR_TARGET = 0.001 nats (or the side under MIN_SIDE = 0.001: the true
   posterior can be narrower than q, e.g. for a large beta);

log p(x) = logsumexp over the final cells of [log p(x|z_c) + log N(z_c; 0, I) + log area_c].

Its error: the same sum with the last split undone (each split cell at its parent's midpoint
value, a grid of twice the side) differs from it by `error` nats. The midpoint rule converges
faster than that difference shrinks (spectrally, for a smooth integrand), so `error` bounds the
finer sum's own error generously. The tests check the rule against one at twice the density
(agreement within 0.01 nats), against a linear-Gaussian model whose log p(x) is known in closed
form, and that the IWAE bound L_k approaches it from below as k grows.

The rule applied to a VAE's decoder (log_marginal_likelihood, quadrature, posterior_grid) is in
vae_core.inference.marginal: this module knows no model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import torch

__all__ = [
    "quadrature_log_marginal",
    "log_joint_grid",
    "Quadrature",
    "BOX",
    "COARSE_STEP",
]

Tensor = torch.Tensor
BOX = 6.0
COARSE_STEP = 0.2
COARSE_PER_SCALE = 8.0
REFINE_WINDOW = 20.0
FINE_PER_SCALE = 2.0
ERROR_TARGET = 1e-3
MIN_SIDE = 1e-3
_CHUNK = 16_384
_LOG_2PI = math.log(2.0 * math.pi)
_NEIGHBOURS = torch.tensor([(di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)], dtype=torch.int64)
_CHILDREN = torch.tensor([(0, 0), (0, 1), (1, 0), (1, 1)], dtype=torch.int64)


class Quadrature(NamedTuple):
    """One image's quadrature: log p(x) in nats, its error, and the cells it summed.

    error: |log_px - the same sum one level coarser| in nats (module docstring; NaN if no cell
    was split). centres:
    float64 (C, 2) the final cells' midpoints (z_1, z_2); sides: float64 (C,) their sides;
    log_joint: float64 (C,) log p(x|z) + log p(z) at the midpoints. refined: how many cells were
    split over all levels; sub_step: the side of the smallest cells.
    """

    log_px: float
    error: float
    centres: Tensor
    sides: Tensor
    log_joint: Tensor
    refined: int
    sub_step: float

    def box(self, floor: float) -> tuple[float, float, float, float]:
        """(z1_min, z1_max, z2_min, z2_max) around every cell whose log-joint is within `floor`
        nats of the largest, each widened by 1.5 of its side: where the posterior has its mass."""
        keep = self.log_joint >= self.log_joint.max() - floor
        c, pad = self.centres[keep], 1.5 * self.sides[keep]
        lo, hi = c - pad[:, None], c + pad[:, None]
        return float(lo[:, 0].min()), float(hi[:, 0].max()), float(lo[:, 1].min()), float(hi[:, 1].max())


def log_joint_grid(log_likelihood: Callable[[Tensor], Tensor], xs: Tensor, ys: Tensor) -> Tensor:
    """log p(x|z) + log N(z; 0, I) on the grid xs x ys: float64 (len(ys), len(xs)), row i at ys[i]
    (e.g. the true posterior's heat-map, up to the constant log p(x))."""
    zy, zx = torch.meshgrid(ys, xs, indexing="ij")
    return _log_joint(log_likelihood, torch.stack([zx, zy], dim=-1).reshape(-1, 2)).reshape(len(ys), len(xs))


def _log_joint(log_likelihood: Callable[[Tensor], Tensor], points: Tensor) -> Tensor:
    """log p(x|z) + log N(z; 0, I) at float64 points (G, 2): float64 (G,)."""
    if len(points) == 0:
        return torch.empty(0, dtype=torch.float64)
    log_lik = torch.cat([log_likelihood(chunk) for chunk in points.split(_CHUNK)])
    return log_lik - 0.5 * (points**2).sum(dim=1) - _LOG_2PI


def quadrature_log_marginal(
    log_likelihood: Callable[[Tensor], Tensor],
    scale: float,
    density: int = 1,
    centre: tuple[float, float] | None = None,
) -> Quadrature:
    """log ∫ exp(log_likelihood(z)) N(z; 0, I) dz over z in R^2 by the refining rule above.

    Args:
        log_likelihood: maps float64 points (G, 2) to float64 log p(x|z) (G,).
        scale: the narrowest width of the posterior expected (e.g. min sigma(x) of q), > 0.
        density: 1, or 2 to halve the first and the last side (the tests' convergence check).
        centre: optional (z_1, z_2) where the posterior is expected (e.g. mu(x) of q); the box
            grows to hold it with a margin of 1 if it lies outside [-BOX, BOX]^2.
    Returns:
        Quadrature (log p(x) and its error in nats, and the final cells).
    Raises:
        ValueError: scale not a positive finite number, density not 1 or 2, centre not finite.
    """
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, got {scale}")
    if density not in (1, 2):
        raise ValueError(f"density must be 1 or 2, got {density}")
    half = BOX
    if centre is not None:
        if not all(math.isfinite(float(c)) for c in centre):
            raise ValueError(f"centre must be finite, got {centre}")
        half = max(BOX, max(abs(float(c)) for c in centre) + 1.0)
    side = min(COARSE_STEP, COARSE_PER_SCALE * scale) / density
    n = math.ceil(2 * half / side)
    half = n * side / 2
    finest = scale / (FINE_PER_SCALE * density)
    # cells as integer (i, j) at the current side: midpoint -half + (i + 0.5) * side on z_1, j on z_2
    ij = torch.cartesian_prod(torch.arange(n), torch.arange(n))
    values = _log_joint(log_likelihood, -half + (ij.double() + 0.5) * side)
    done = torch.empty(0, dtype=torch.float64)  # log mass of the cells kept at their midpoint value
    kept: list[tuple[Tensor, Tensor, Tensor]] = []  # their (centres, sides, log-joint)
    refined, error = 0, math.inf
    while side > finest or (error > ERROR_TARGET and side > MIN_SIDE):
        slack = side**2 / (4 * scale**2)
        split = _with_neighbours(ij[values >= values.max() - (REFINE_WINDOW + slack)], ij, n)
        kept.append((-half + (ij[~split].double() + 0.5) * side, torch.full_like(values[~split], side), values[~split]))
        done = torch.cat([done, values[~split] + 2 * math.log(side)])
        parents = values[split] + 2 * math.log(side)  # the split cells at their midpoint value
        refined += len(parents)
        side, n = side / 2, 2 * n
        ij = (2 * ij[split][:, None, :] + _CHILDREN[None]).reshape(-1, 2)
        values = _log_joint(log_likelihood, -half + (ij.double() + 0.5) * side)
        log_px = float(torch.logsumexp(torch.cat([done, values + 2 * math.log(side)]), dim=0))
        error = abs(log_px - float(torch.logsumexp(torch.cat([done, parents]), dim=0)))
    if not kept:  # no split (a scale as wide as the coarse side): no coarser sum to compare with
        log_px = float(torch.logsumexp(values + 2 * math.log(side), dim=0))
        error = math.nan
    kept.append((-half + (ij.double() + 0.5) * side, torch.full_like(values, side), values))
    centres, sides, log_joint = (torch.cat(part) for part in zip(*kept, strict=True))
    return Quadrature(log_px, error, centres, sides, log_joint, refined, side)


def _with_neighbours(chosen: Tensor, cells: Tensor, n: int) -> Tensor:
    """A bool mask over cells (int (C, 2) on an n x n grid): the chosen cells and their eight
    neighbours among the cells."""
    around = (chosen[:, None, :] + _NEIGHBOURS[None]).reshape(-1, 2)
    around = around[((around >= 0) & (around < n)).all(dim=1)]
    return torch.isin(cells[:, 0] * n + cells[:, 1], around[:, 0] * n + around[:, 1])
