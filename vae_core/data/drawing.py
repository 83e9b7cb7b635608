"""A digit drawn with a mouse, pen or finger: its strokes, their compact text form, and the image.

Strokes are ``list[list[tuple[float, float]]]``: polylines, each a list of points (x, y) in
canvas units ([0, 1] on both axes, y pointing down, (0, 0) the top-left corner). A stroke of one
point is a dot.

The text form (for the app's session state and for links) quantises every coordinate to one of
LEVELS = 64 steps (about 4 px on a 280 px canvas; the digit ends up 20 px tall, so the steps do
not show) and writes each point as two base64url characters (x then y, 6 bits each, value v
<-> the coordinate v / 63); strokes are joined by "." (also URL-safe). No padding, no header: a
digit of 2-4 strokes, as the browser sends it (a point only when the pen has moved to a new
step), is typically 100-400 characters. Limits (MAX_STROKES, MAX_POINTS, MAX_CHARS) bound the
time and memory of decoding a hostile link.

image_from_drawing rasterises the strokes as white lines with round ends and joins, PEN_WIDTH
of the canvas wide, on a black CANVAS_PIXELS square (Pillow), and then applies the same MNIST
framing as uploads (vae_core.data.preprocess.mnist_from_ink): what the model sees is what the canvas
shows, cropped to the ink, fitted in 20 x 20 and centred in 28 x 28.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from PIL import Image, ImageDraw

from ..constants import IMAGE_SHAPE
from .preprocess import mnist_from_ink

__all__ = [
    "Strokes",
    "LEVELS",
    "MAX_STROKES",
    "MAX_POINTS",
    "MAX_CHARS",
    "PEN_WIDTH",
    "CANVAS_PIXELS",
    "SEPARATOR",
    "quantise",
    "encode_drawing",
    "decode_drawing",
    "image_from_drawing",
    "rasterise",
]

Strokes = list[list[tuple[float, float]]]

LEVELS = 64
"""Quantisation steps per axis: a coordinate is stored as round(c * 63), one base64url character."""
MAX_STROKES = 64
"""Most strokes a drawing may have (a digit needs 1-4; undo exists)."""
MAX_POINTS = 2000
"""Most points in all strokes together (4,000 characters of points)."""
SEPARATOR = "."
"""Between two strokes in the text form."""
MAX_CHARS = 2 * MAX_POINTS + (MAX_STROKES - 1) * len(SEPARATOR)
"""Longest text decode_drawing reads (checked first, before any parsing)."""
PEN_WIDTH = 0.075
"""The pen's width in canvas units (21 px on a 280 px canvas): after the 20 x 20 fit a digit
drawn across most of the canvas gets strokes about 2 px wide, as in MNIST."""
CANVAS_PIXELS = 280
"""Side of the square the strokes are rasterised on before the MNIST framing (10 x 28)."""

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # base64url (RFC 4648 §5)
_VALUE = {ch: i for i, ch in enumerate(_ALPHABET)}


def _step(c: float, where: str) -> int:
    """A coordinate in [0, 1] as its quantisation step 0..LEVELS-1."""
    try:
        value = float(c)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: coordinate {c!r} is not a number") from None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{where}: coordinate {value!r} is outside [0, 1]")
    return round(value * (LEVELS - 1))


def _steps(strokes: Sequence[Sequence[Sequence[float]]]) -> list[list[tuple[int, int]]]:
    """Strokes as quantisation steps, consecutive repeats dropped; ValueError naming the problem."""
    if isinstance(strokes, (str, bytes)) or not isinstance(strokes, Sequence):
        raise ValueError(f"strokes must be a list of polylines, got {type(strokes).__name__}")
    if len(strokes) > MAX_STROKES:
        raise ValueError(f"the drawing has {len(strokes)} strokes; the limit is {MAX_STROKES}")
    out: list[list[tuple[int, int]]] = []
    total = 0
    for s, stroke in enumerate(strokes):
        if isinstance(stroke, (str, bytes)) or not isinstance(stroke, Sequence) or len(stroke) == 0:
            raise ValueError(f"stroke {s} must be a non-empty list of (x, y) points")
        steps: list[tuple[int, int]] = []
        for p, point in enumerate(stroke):
            if isinstance(point, (str, bytes)) or not isinstance(point, Sequence) or len(point) != 2:
                raise ValueError(f"stroke {s}, point {p}: expected (x, y), got {point!r:.40}")
            q = (_step(point[0], f"stroke {s}, point {p}"), _step(point[1], f"stroke {s}, point {p}"))
            if not steps or steps[-1] != q:
                steps.append(q)
        total += len(steps)
        if total > MAX_POINTS:
            raise ValueError(f"the drawing has more than {MAX_POINTS} points")
        out.append(steps)
    return out


def quantise(strokes: Strokes) -> Strokes:
    """The strokes as encode_drawing stores them: every coordinate rounded to a multiple of
    1/63, consecutive repeated points dropped. decode_drawing(encode_drawing(s)) == quantise(s).

    Raises:
        ValueError: as encode_drawing.
    """
    scale = LEVELS - 1
    return [[(x / scale, y / scale) for x, y in stroke] for stroke in _steps(strokes)]


def encode_drawing(strokes: Strokes) -> str:
    """The drawing as compact URL-safe text (see the module docstring for the format).

    Args:
        strokes: polylines of (x, y) points in [0, 1] canvas units, y down. [] -> "".
    Returns:
        base64url characters, two per point, strokes joined by "."; deterministic.
    Raises:
        ValueError: not a list of non-empty polylines of (x, y) pairs, a coordinate outside
            [0, 1] or not finite, more than MAX_STROKES strokes or MAX_POINTS points.
    """
    return SEPARATOR.join("".join(_ALPHABET[x] + _ALPHABET[y] for x, y in stroke) for stroke in _steps(strokes))


def decode_drawing(text: str) -> Strokes:
    """The strokes a text from encode_drawing stands for (its exact inverse on quantised points:
    encode_drawing(decode_drawing(t)) == t for every valid t).

    Bounded: the length is checked before anything else is done (at most MAX_CHARS characters).

    Raises:
        ValueError: not a str, longer than MAX_CHARS, a character outside base64url and ".", an
            empty stroke (".." or a "." at either end), a stroke with an odd number of
            characters, a point that repeats the one before it, more than MAX_STROKES strokes or
            more than MAX_POINTS points (the same limits as encode_drawing and rasterise, so every
            text this accepts can be drawn).
    """
    if not isinstance(text, str):
        raise ValueError(f"a drawing must be text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ValueError(f"the drawing's text is {len(text):,} characters; the limit is {MAX_CHARS:,}")
    if text == "":
        return []
    parts = text.split(SEPARATOR)
    if len(parts) > MAX_STROKES:
        raise ValueError(f"the drawing has {len(parts)} strokes; the limit is {MAX_STROKES}")
    points = (len(text) - (len(parts) - 1) * len(SEPARATOR)) // 2
    if points > MAX_POINTS:
        raise ValueError(f"the drawing has {points:,} points; the limit is {MAX_POINTS:,}")
    scale = LEVELS - 1
    strokes: Strokes = []
    for s, part in enumerate(parts):
        if not part:
            raise ValueError(f"stroke {s} of the drawing is empty")
        bad = next((ch for ch in part if ch not in _VALUE), None)
        if bad is not None:
            raise ValueError(f"stroke {s} of the drawing has a character {bad!r} outside base64url")
        if len(part) % 2:
            raise ValueError(f"stroke {s} of the drawing has an odd number of characters ({len(part)})")
        steps = [(_VALUE[part[i]], _VALUE[part[i + 1]]) for i in range(0, len(part), 2)]
        if any(a == b for a, b in zip(steps, steps[1:], strict=False)):
            raise ValueError(f"stroke {s} of the drawing repeats a point (not written by encode_drawing)")
        strokes.append([(x / scale, y / scale) for x, y in steps])
    return strokes


def image_from_drawing(strokes: Strokes) -> torch.Tensor:
    """A drawing as an MNIST-like input: float32 (1, 1, 28, 28) in [0, 1], white digit on black.

    The strokes are quantised (as encode_drawing stores them, so a drawing and its link give the
    same image), drawn white on a black CANVAS_PIXELS square (rasterise), then framed as uploads
    are (vae_core.data.preprocess.mnist_from_ink: crop to the ink, fit in 20 x 20, centre in 28 x 28).
    Deterministic.

    Raises:
        ValueError: an empty drawing (no strokes), or strokes encode_drawing refuses.
    """
    if not _steps(strokes):
        raise ValueError("the drawing is empty: draw a digit first")
    return mnist_from_ink(rasterise(strokes).astype(np.float32) / 255.0, "the drawing")


def rasterise(strokes: Strokes, side: int = CANVAS_PIXELS) -> np.ndarray:
    """The quantised strokes drawn white on black: uint8 (side, side), 255 = ink.

    Lines PEN_WIDTH of the canvas wide (Pillow ImageDraw, curved joints) with a disc of that
    diameter at every point (round caps and joins; a lone point is a dot). An empty drawing gives
    an all-black square.

    Raises:
        ValueError: strokes encode_drawing refuses; side not in 28..2048.
    """
    smallest = IMAGE_SHAPE[-1]
    if not smallest <= int(side) <= 2048:
        raise ValueError(f"side must be {smallest}..2048 pixels, got {side}")
    width = PEN_WIDTH * side
    radius = width / 2
    to_px = (side - 1) / (LEVELS - 1)
    pil = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(pil)
    for stroke in _steps(strokes):
        points = [(x * to_px, y * to_px) for x, y in stroke]
        if len(points) > 1:
            draw.line(points, fill=255, width=max(1, round(width)), joint="curve")
        for x, y in points:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return np.asarray(pil)
