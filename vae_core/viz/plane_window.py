"""Which part of a latent plane a scatter shows, and which of its codes lie near a path.

The window is square: the scatter's axes have one scale (scaleanchor) and keep exactly the ranges
given (constrain="domain"), so a square window fills a square plot and every code inside it is in
view. (A window narrower in one direction than the plot would be widened by Plotly to keep the
scale, showing ground beyond the window.)
"""

from __future__ import annotations

import numpy as np

__all__ = ["zoom_box", "near_path", "NEAR_FRACTION"]


def zoom_box(path: np.ndarray, codes: np.ndarray, margin: float = 0.6) -> tuple[list[float], list[float]]:
    """A square window around path float (S, 2): centred on the path's bounding box, its side the
    box's longer side widened by margin x that side on each end (at least 10 % of the codes' own
    spread, the central 98 % of codes float (N, 2), so a short path still shows its neighbourhood).
    Returns ([x0, x1], [y0, y1]) with x1 - x0 == y1 - y0."""
    low, high = path.min(0), path.max(0)
    spread = float((np.percentile(codes, 99, axis=0) - np.percentile(codes, 1, axis=0)).max())
    side = float((high - low).max())
    side = max(side * (1 + 2 * margin), 0.1 * spread)
    cx, cy = (low + high) / 2
    return [float(cx - side / 2), float(cx + side / 2)], [float(cy - side / 2), float(cy + side / 2)]


NEAR_FRACTION = 0.06
"""A code is near the path when its distance to the path's polyline is at most this share of the
window's side (zoom_box): on a ~400 px plot, ~25 px either side of the line."""


def near_path(codes: np.ndarray, path: np.ndarray, width: float) -> np.ndarray:
    """Which codes float (N, 2) lie within `width` (latent units) of the polyline through the rows
    of path float (S, 2), S >= 1: the distance to the nearest of its segments (a point for S = 1).
    Bool mask (N,)."""
    codes, path = np.asarray(codes, dtype=np.float64), np.asarray(path, dtype=np.float64)
    if len(path) == 1:
        return np.linalg.norm(codes - path[0], axis=1) <= width
    start, end = path[:-1], path[1:]  # (S-1, 2) segments
    along = end - start
    length2 = np.maximum((along**2).sum(1), 1e-300)
    # Projection of each code on each segment, clamped to the segment: t in [0, 1], (N, S-1).
    t = np.clip(((codes[:, None, :] - start[None]) * along[None]).sum(2) / length2[None], 0.0, 1.0)
    nearest = start[None] + t[..., None] * along[None]
    distance = np.linalg.norm(codes[:, None, :] - nearest, axis=2).min(1)
    return distance <= width
