"""Pictures to download and to show, drawn with Pillow: an interpolation strip with its holes
marked, the AE-vs-VAE interpolation as an animated GIF, and a latent grid as a PNG with axes.

All functions take float images in [0, 1] and return encoded bytes (PNG or GIF).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from ..classifier import HOLE
from ..constants import IMAGE_SHAPE
from ..maths.latent import LatentGrid
from .images import tile, to_uint8
from .latent_grid_figure import tick_every

__all__ = ["StripFrames", "strip_png", "interpolation_gif", "grid_png", "MAX_GIF_FRAMES"]

MAX_GIF_FRAMES = 100
"""Most frames one GIF may have (each is an image of both strips)."""
RED = (214, 39, 40)
GREEN = (44, 160, 44)
GOLD = (255, 200, 0)
WHITE = (255, 255, 255)
INK = (30, 30, 30)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _grey(image: torch.Tensor, scale: int) -> Image.Image:
    """A float (H, W) image in [0, 1] as an RGB Pillow image upscaled by scale (nearest)."""
    pil = Image.fromarray(to_uint8(image), mode="L").convert("RGB")
    return pil.resize((pil.width * scale, pil.height * scale), Image.Resampling.NEAREST) if scale != 1 else pil


def _encode(pil: Image.Image) -> bytes:
    buffer = io.BytesIO()
    pil.save(buffer, format="PNG")
    return buffer.getvalue()


def strip_png(frames: torch.Tensor, holes: Sequence[bool], scale: int = 3, pad: int = 2) -> bytes:
    """PNG of frames float (S, 1, 28, 28) in a row, a red bar under each frame flagged in holes (S,).

    Raises ValueError when holes does not have one flag per frame.
    """
    if len(holes) != len(frames):
        raise ValueError(f"holes has {len(holes)} flags for {len(frames)} frames")
    strip = _grey(tile(frames, len(frames), pad=pad), scale)
    bar = 3 * scale
    out = Image.new("RGB", (strip.width, strip.height + bar + scale), WHITE)
    out.paste(strip, (0, 0))
    draw = ImageDraw.Draw(out)
    side = IMAGE_SHAPE[-1]
    step = (side + pad) * scale
    for i, hole in enumerate(holes):
        if hole:
            draw.rectangle([i * step, strip.height + scale, i * step + side * scale - 1, strip.height + bar], fill=RED)
    return _encode(out)


@dataclass
class StripFrames:
    """One model's interpolation: title, frames float (S, 1, 28, 28), per-frame confidence (S,)
    and predicted class names (S,)."""

    title: str
    frames: torch.Tensor
    confidence: Sequence[float]
    names: Sequence[str]


def interpolation_gif(
    strips: Sequence[StripFrames], caption: str = "", scale: int = 5, strip_scale: int = 2, duration_ms: int = 350
) -> bytes:
    """An animated GIF: for each frame t, every model's decoded frame t side by side, large, with
    the classifier's verdict under it ("looks like 7, p = 0.97" or "hole, p = 0.31" in red), and
    beneath each its whole strip with frame t boxed. The last frame is held three times as long.

    Args:
        strips: one StripFrames per model (e.g. AE, VAE), all with the same number of frames S.
        caption: a line printed at the top of every frame (e.g. "2 -> 9, linear").
    Returns:
        GIF bytes with S frames, looping forever.
    Raises:
        ValueError: no strips, different frame counts, or S outside [2, MAX_GIF_FRAMES].
    """
    if not strips:
        raise ValueError("need at least one strip")
    counts = {len(s.frames) for s in strips}
    if len(counts) != 1:
        raise ValueError(f"every strip needs the same number of frames, got {sorted(counts)}")
    steps = counts.pop()
    if not 2 <= steps <= MAX_GIF_FRAMES:
        raise ValueError(f"frames must be in [2, {MAX_GIF_FRAMES}], got {steps}")
    big = IMAGE_SHAPE[-1] * scale
    cell = IMAGE_SHAPE[-1] * strip_scale
    panel_w = max(big, steps * (cell + 2)) + 20
    title_font, text_font = _font(16), _font(14)
    top = 30 if caption else 6
    panel_h = 24 + big + 26 + cell + 16
    width, height = panel_w * len(strips), top + panel_h
    strip_images = [_grey(tile(s.frames, steps, pad=0), strip_scale) for s in strips]
    images = []
    for t in range(steps):
        canvas = Image.new("RGB", (width, height), WHITE)
        draw = ImageDraw.Draw(canvas)
        if caption:
            draw.text((8, 6), f"{caption}   frame {t + 1} of {steps}", fill=INK, font=text_font)
        for p, (s, strip) in enumerate(zip(strips, strip_images, strict=True)):
            x0 = p * panel_w + 10
            draw.text((x0, top), s.title, fill=INK, font=title_font)
            canvas.paste(_grey(s.frames[t, 0], scale), (x0, top + 24))
            confidence = float(s.confidence[t])
            hole = confidence < HOLE
            verdict = f"hole, p = {confidence:.2f}" if hole else f"looks like {s.names[t]}, p = {confidence:.2f}"
            draw.text((x0, top + 24 + big + 4), verdict, fill=RED if hole else GREEN, font=text_font)
            y_strip = top + 24 + big + 26
            for k in range(steps):  # the strip, with the current frame boxed
                canvas.paste(strip.crop((k * cell, 0, (k + 1) * cell, cell)), (x0 + k * (cell + 2), y_strip))
            bx = x0 + t * (cell + 2)
            draw.rectangle([bx - 2, y_strip - 2, bx + cell + 1, y_strip + cell + 1], outline=GOLD, width=2)
        images.append(canvas.convert("P", palette=Image.Palette.ADAPTIVE, colors=128))
    buffer = io.BytesIO()
    durations = [duration_ms] * (steps - 1) + [3 * duration_ms]
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        disposal=1,
        optimize=False,
    )
    return buffer.getvalue()


def grid_png(
    grid: LatentGrid,
    title: str,
    labels: np.ndarray | None = None,
    confidence: np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    scale: int = 2,
) -> bytes:
    """PNG of a decoded grid with a title, the z value of every (or every k-th) column and row on
    the axes, and optionally each cell's predicted class in its corner (green if recognisable,
    red if a hole).

    Args:
        grid: a LatentGrid; labels, confidence: optional (n_y, n_x) verdicts of the cells.
    """
    n_y, n_x = grid.images.shape[:2]
    side = IMAGE_SHAPE[-1] * scale
    body = _grey(tile(grid.images.reshape(n_y * n_x, *IMAGE_SHAPE[1:]), n_x, pad=0), scale)
    font, small = _font(15), _font(11)
    left, top, bottom, right = 58, 34, 40, 16
    canvas = Image.new("RGB", (left + body.width + right, top + body.height + bottom), WHITE)
    canvas.paste(body, (left, top))
    draw = ImageDraw.Draw(canvas)
    draw.text((left, 8), title, fill=INK, font=font)
    x_name, y_name = (name.replace("₁", "1").replace("₂", "2") for name in grid.axis_labels)
    every_x, every_y = tick_every(n_x), tick_every(n_y)
    for j in range(0, n_x, every_x):
        cx = left + (j + 0.5) * side
        draw.line([cx, top + body.height, cx, top + body.height + 4], fill=INK)
        draw.text((cx, top + body.height + 6), f"{float(grid.x_axis[j]):.2f}", fill=INK, font=small, anchor="mt")
    y_values = grid.y_axis.flip(0)
    for i in range(0, n_y, every_y):
        cy = top + (i + 0.5) * side
        draw.line([left - 4, cy, left, cy], fill=INK)
        draw.text((left - 6, cy), f"{float(y_values[i]):.2f}", fill=INK, font=small, anchor="rm")
    draw.text((left + body.width / 2, top + body.height + 22), x_name, fill=INK, font=font, anchor="mt")
    draw.text((6, top - 4), y_name, fill=INK, font=font, anchor="ls")
    if labels is not None and confidence is not None:
        names = list(class_names) if class_names is not None else [str(k) for k in range(10)]
        for i in range(n_y):
            for j in range(n_x):
                c = float(confidence[i, j])
                colour = GREEN if c >= 0.9 else RED if c < HOLE else GOLD
                k = int(labels[i, j])
                text = names[k] if len(names[k]) <= 2 else str(k)
                draw.text((left + j * side + 2, top + i * side + 1), text, fill=colour, font=small)
    return _encode(canvas)
