"""Images in and out: crisp PNGs of decoded digits, tiled strips and grids, user uploads (Pillow)."""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["to_uint8", "tile", "to_png", "image_from_upload"]


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


def image_from_upload(data: bytes, name: str = "upload") -> torch.Tensor:
    """An uploaded picture of a digit as an MNIST-like input: float (1, 1, 28, 28) in [0, 1].

    Converts to greyscale, inverts a light background (MNIST digits are white on black), crops
    to the ink's bounding box, fits it in 20x20 and centres it in 28x28 (the MNIST recipe).

    Raises:
        ValueError: the bytes are not an image Pillow can read, or the picture is blank.
    """
    try:
        pil = Image.open(io.BytesIO(data))
        pil.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValueError(f"{name}: not a readable image ({exc.__class__.__name__})") from None
    grey = ImageOps.exif_transpose(pil).convert("L")
    array = np.asarray(grey, dtype=np.float32) / 255.0
    if array.mean() > 0.5:
        array = 1.0 - array
    array = np.clip((array - 0.1) / 0.9, 0.0, 1.0)
    ink = np.argwhere(array > 0.05)
    if ink.size == 0:
        raise ValueError(f"{name}: the image is blank (no digit found)")
    (top, left), (bottom, right) = ink.min(0), ink.max(0) + 1
    crop = Image.fromarray(np.uint8(array[top:bottom, left:right] * 255))
    side = max(crop.width, crop.height)
    crop = crop.resize(
        (max(1, round(crop.width * 20 / side)), max(1, round(crop.height * 20 / side))), Image.Resampling.LANCZOS
    )
    canvas = Image.new("L", (28, 28), 0)
    canvas.paste(crop, ((28 - crop.width) // 2, (28 - crop.height) // 2))
    return torch.from_numpy(np.asarray(canvas, dtype=np.float32) / 255.0).reshape(1, 1, 28, 28)
