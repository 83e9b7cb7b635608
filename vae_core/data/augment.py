"""Random small affine warps of digit images, to stretch 5,000 training images further.

Each image gets its own rotation, scale and translation (bilinear resampling with
torch.nn.functional.affine_grid / grid_sample); pixels stay in [0, 1].
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["random_affine"]


def random_affine(
    x: torch.Tensor,
    generator: torch.Generator,
    max_degrees: float = 10.0,
    max_shift_pixels: float = 2.0,
    scale_range: tuple[float, float] = (0.9, 1.1),
) -> torch.Tensor:
    """Warp a batch x float (N, 1, H, W) in [0, 1]; returns the same shape and range."""
    n, _, h, w = x.shape
    u = torch.rand(n, 4, generator=generator)
    angle = (2 * u[:, 0] - 1) * math.radians(max_degrees)
    scale = scale_range[0] + (scale_range[1] - scale_range[0]) * u[:, 1]
    tx = (2 * u[:, 2] - 1) * max_shift_pixels * 2 / w
    ty = (2 * u[:, 3] - 1) * max_shift_pixels * 2 / h
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False).clamp(0, 1)
