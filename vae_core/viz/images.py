"""Images in and out: crisp PNGs of decoded digits, tiled strips and grids, user uploads (Pillow)."""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image, ImageOps
from plotly.colors import hex_to_rgb, sequential

__all__ = ["to_uint8", "tile", "to_png", "density_png", "image_from_upload", "mnist_from_ink", "MAX_UPLOAD_PIXELS"]


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


MAX_UPLOAD_PIXELS = 4096 * 4096
"""Largest picture accepted (16.8 MP; a 12 MP phone photo fits). Checked from the header, before
any pixel is decoded, so a small file that claims 13,000 x 13,000 pixels costs nothing."""
WORKING_SIDE = 512
"""Pictures are reduced to at most this many pixels a side right after decoding: the digit ends
up 20 x 20, and the float arrays of the recipe stay small (1 MB)."""


UNREADABLE = "this file is not a readable image"
"""The one refusal for a file no decoder step can read, whatever Pillow raised."""


def image_from_upload(data: bytes, name: str = "upload") -> torch.Tensor:
    """An uploaded picture of a digit as an MNIST-like input: float32 (1, 1, 28, 28) in [0, 1].

    The MNIST recipe (LeCun et al. 1998): greyscale; a light background is inverted (MNIST digits
    are white on black); a picture with transparency is read through its alpha channel (the
    opaque strokes are the digit, whatever their colour); crop to the ink's bounding box, fit it
    in 20 x 20 and centre it in 28 x 28.

    Args:
        data: the file's bytes (PNG, JPEG, GIF, BMP, WebP, ...). name: shown in error messages.
    Raises:
        ValueError: not an image Pillow can read, whatever Pillow raised while decoding it
            (UNREADABLE; a damaged PNG raises SyntaxError inside Pillow), more than
            MAX_UPLOAD_PIXELS pixels (said before decoding), or a blank picture.
    """
    try:
        pil = Image.open(io.BytesIO(data))
        width, height = pil.size
    except Exception as exc:  # noqa: BLE001 - any decoder failure is the same refusal
        raise ValueError(f"{name}: {UNREADABLE} ({exc.__class__.__name__})") from None
    if width * height > MAX_UPLOAD_PIXELS:
        raise ValueError(
            f"{name}: the picture is {width:,} x {height:,} pixels; the limit is "
            f"{MAX_UPLOAD_PIXELS:,} pixels (4096 x 4096). Crop or shrink it first."
        )
    try:
        pil.draft("L", (WORKING_SIDE, WORKING_SIDE))  # JPEG: decode at a reduced size
        pil.load()
        pil = ImageOps.exif_transpose(pil)
        pil.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.Resampling.BOX)
        ink = _ink(pil)
    except Exception as exc:  # noqa: BLE001 - Pillow raises SyntaxError, struct.error, … for damaged files
        raise ValueError(f"{name}: {UNREADABLE} ({exc.__class__.__name__})") from None
    return mnist_from_ink(ink, name)


def mnist_from_ink(ink: np.ndarray, name: str = "image") -> torch.Tensor:
    """The MNIST framing of a picture's ink: float32 (1, 1, 28, 28) in [0, 1].

    Crop to the bounding box of the ink (pixels > 0.05), scale it with Lanczos resampling so its
    longer side is 20 pixels (aspect kept), and centre that box in a black 28 x 28 image (LeCun
    et al. 1998 centre the digit's mass; the box centre is used here, for uploads and drawings
    alike). Shared by image_from_upload and vae_core.data.drawing.image_from_drawing.

    Args:
        ink: float (H, W) in [0, 1], 1 = stroke (white on black). name: shown in error messages.
    Raises:
        ValueError: ink is not 2-D, or is blank (no pixel above 0.05: no digit found).
    """
    array = np.asarray(ink, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"{name}: ink must be a 2-D array, got shape {array.shape}")
    where = np.argwhere(array > 0.05)
    if where.size == 0:
        raise ValueError(f"{name}: the image is blank (no digit found)")
    (top, left), (bottom, right) = where.min(0), where.max(0) + 1
    crop = Image.fromarray(np.uint8(np.clip(array[top:bottom, left:right], 0.0, 1.0) * 255))
    side = max(crop.width, crop.height)
    crop = crop.resize(
        (max(1, round(crop.width * 20 / side)), max(1, round(crop.height * 20 / side))), Image.Resampling.LANCZOS
    )
    canvas = Image.new("L", (28, 28), 0)
    canvas.paste(crop, ((28 - crop.width) // 2, (28 - crop.height) // 2))
    return torch.from_numpy(np.asarray(canvas, dtype=np.float32) / 255.0).reshape(1, 1, 28, 28)


def _ink(pil: Image.Image) -> np.ndarray:
    """Ink in [0, 1] (1 = stroke), float32 (H, W): the alpha channel where the picture has
    transparency, else the grey level, inverted if the background is light, with faint noise cut."""
    if pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info):
        alpha = np.asarray(pil.convert("RGBA").getchannel("A"), dtype=np.float32) / 255.0
        if alpha.min() < 1.0:
            return np.clip((alpha - 0.1) / 0.9, 0.0, 1.0)
    array = np.asarray(pil.convert("L"), dtype=np.float32) / 255.0
    if array.mean() > 0.5:
        array = 1.0 - array
    return np.clip((array - 0.1) / 0.9, 0.0, 1.0)
