"""Images in: an uploaded picture or drawn ink, prepared as an MNIST-like input (Pillow).

The MNIST recipe (LeCun et al. 1998): greyscale, white ink on black, cropped to the ink, fitted
in 20 x 20 and centred in 28 x 28 (IMAGE_SHAPE). Uploads (image_from_upload) and drawings
(vae_core.data.drawing.image_from_drawing) share the framing (mnist_from_ink), so what the model
sees is prepared one way whatever the source. Drawing images out (PNGs) is vae_core.viz.images.
"""

from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image, ImageOps

from ..constants import IMAGE_SHAPE

__all__ = ["image_from_upload", "mnist_from_ink", "MAX_UPLOAD_PIXELS", "WORKING_SIDE", "UNREADABLE", "DIGIT_BOX"]

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


DIGIT_BOX = 20
"""Side of the box the ink is fitted in, inside the IMAGE_SHAPE frame (MNIST's 20 x 20 in 28 x 28)."""


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
        (max(1, round(crop.width * DIGIT_BOX / side)), max(1, round(crop.height * DIGIT_BOX / side))),
        Image.Resampling.LANCZOS,
    )
    _, height, width = IMAGE_SHAPE
    canvas = Image.new("L", (width, height), 0)
    canvas.paste(crop, ((width - crop.width) // 2, (height - crop.height) // 2))
    return torch.from_numpy(np.asarray(canvas, dtype=np.float32) / 255.0).reshape(1, *IMAGE_SHAPE)


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
