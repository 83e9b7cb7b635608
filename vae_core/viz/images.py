"""Images out: crisp PNGs of decoded digits, tiled strips and grids, density heat-maps (Pillow).

Images in (uploads, drawn ink -> an MNIST-like input) are prepared in vae_core.data.preprocess.
"""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image
from plotly.colors import hex_to_rgb, sequential

__all__ = ["to_uint8", "tile", "to_png", "density_png"]


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """float pixels in [0, 1] (any shape ending in H, W) -> uint8 numpy array, rounded, clipped."""
    array = images.detach().cpu().float().numpy()
    return np.clip(np.rint(array * 255.0), 0, 255).astype(np.uint8)


def tile(images: torch.Tensor, columns: int, pad: int = 2, pad_value: float = 1.0) -> torch.Tensor:
    """Lay images float (N, 1, H, W) or (N, H, W) out in rows of `columns`, with pad pixels between.

    Returns a float (H_total, W_total) tensor in [0, 1]; empty cells are pad_value.
    """
    if images.dim() == 4:
        images = images[:, 0]
    n, h, w = images.shape
    rows = -(-n // columns)
    out = torch.full((rows * h + (rows - 1) * pad, columns * w + (columns - 1) * pad), pad_value)
    for i in range(n):
        r, c = divmod(i, columns)
        out[r * (h + pad) : r * (h + pad) + h, c * (w + pad) : c * (w + pad) + w] = images[i]
    return out


def to_png(image: torch.Tensor, scale: int = 6) -> bytes:
    """PNG bytes of a greyscale image float (H, W) (or (1, H, W)) in [0, 1], upscaled by `scale`
    with nearest-neighbour resampling so every pixel stays a crisp square."""
    if image.dim() == 3:
        image = image[0]
    pil = Image.fromarray(to_uint8(image), mode="L")
    if scale != 1:
        pil = pil.resize((pil.width * scale, pil.height * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    pil.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def density_png(log_density: torch.Tensor, floor_nats: float = 12.0) -> bytes:
    """An RGBA PNG heat-map of a 2-D log-density float (n_y, n_x), row i at the i-th smallest y.

    Colour and opacity follow the density relative to its peak, t = exp(log p - max log p) in
    [0, 1]: Viridis (plotly.colors.sequential.Viridis) of t^(1/2), opacity rising with t^(1/3);
    below floor_nats under the peak the image is transparent. Row 0 of the PNG is the largest y,
    so it can be drawn straight onto a plane whose y axis points up.
    """
    values = log_density.detach().double().cpu().numpy()
    if values.ndim != 2 or not np.isfinite(values).any():
        raise ValueError(f"log_density must be a 2-D array with finite values, got shape {values.shape}")
    relative = np.exp(np.clip(values - np.nanmax(values), -floor_nats, 0.0))
    relative[values - np.nanmax(values) <= -floor_nats] = 0.0
    stops = np.array([hex_to_rgb(c) for c in sequential.Viridis], dtype=np.float64)
    position = np.sqrt(relative) * (len(stops) - 1)
    low = np.clip(np.floor(position).astype(int), 0, len(stops) - 2)
    frac = (position - low)[..., None]
    rgb = stops[low] * (1 - frac) + stops[low + 1] * frac
    alpha = 255.0 * np.cbrt(relative)
    rgba = np.concatenate([rgb, alpha[..., None]], axis=-1)[::-1]
    pil = Image.fromarray(np.clip(np.rint(rgba), 0, 255).astype(np.uint8), mode="RGBA")
    buffer = io.BytesIO()
    pil.save(buffer, format="PNG")
    return buffer.getvalue()
