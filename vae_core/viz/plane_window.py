"""Which part of a latent plane a scatter shows, and which codes it draws there."""

from __future__ import annotations

import numpy as np

__all__ = ["zoom_box", "shown_codes", "MAX_SCATTER_POINTS"]


def zoom_box(path: np.ndarray, codes: np.ndarray, margin: float = 0.6) -> tuple[list[float], list[float]]:
    """x and y ranges around path float (S, 2): its bounding box widened by margin x its size
    on each side (at least 5 % of the codes' own spread), so the endpoints and nearby codes show."""
    low, high = path.min(0), path.max(0)
    spread = np.percentile(codes, 99, axis=0) - np.percentile(codes, 1, axis=0)
    size = np.maximum(high - low, 0.05 * spread)
    pad = np.maximum(margin * size, 0.05 * spread)
    return [float(low[0] - pad[0]), float(high[0] + pad[0])], [float(low[1] - pad[1]), float(high[1] + pad[1])]


MAX_SCATTER_POINTS = 1500
"""Most codes path_scatter draws: two scatters of 5,000 took seconds of a new tab's main thread,
and at this size the classes' shapes still show."""


def shown_codes(codes: np.ndarray, box: tuple[list[float], list[float]] | None, limit: int = MAX_SCATTER_POINTS):
    """Which codes float (N, 2) a scatter draws: those within box (x and y ranges) widened by half
    its size on every side (room to pan), or all without a box; then, if more than `limit`, an
    evenly spaced subset of them (every k-th, so the same codes every time). Bool mask (N,)."""
    keep = np.ones(len(codes), dtype=bool)
    if box is not None:
        for axis, (low, high) in enumerate(box):
            pad = 0.5 * (high - low)
            keep &= (codes[:, axis] >= low - pad) & (codes[:, axis] <= high + pad)
    where = np.flatnonzero(keep)
    if len(where) > limit:
        keep[:] = False
        keep[where[np.linspace(0, len(where) - 1, limit).round().astype(int)]] = True
    return keep
