"""Facts the whole project shares, written once: the image shape, the ε range, the class colours
and marker symbols.

Every module that needs one of these imports it from here; the browser component receives them
in its spec (see vae_core.models.export and ui/latent_pad.py) rather than restating them.
"""

from __future__ import annotations

__all__ = ["IMAGE_SHAPE", "NUM_PIXELS", "EPS_LIMIT", "DIGIT_COLOURS", "DIGIT_SYMBOLS"]

IMAGE_SHAPE: tuple[int, int, int] = (1, 28, 28)
"""(channels, height, width) of every image: MNIST and Fashion-MNIST are 28 x 28 greyscale."""

NUM_PIXELS: int = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2]
"""784 pixels per image; the MLPs' input and output width."""

EPS_LIMIT: float = 4.0
"""The fixed half-range [-EPS_LIMIT, EPS_LIMIT] of every ε control (sliders, the ε-plane, a z drag
with ε following). P(|ε_j| > 4) = 6.3e-5 under N(0, 1): beyond it is "far in the tail"."""

DIGIT_COLOURS: tuple[str, ...] = (
    "#4681c5",
    "#fba012",
    "#a60709",
    "#8d9699",
    "#6d17af",
    "#916b62",
    "#d05a11",
    "#b9aa85",
    "#6c687b",
    "#67bcdc",
)
"""One colour per class 0-9, in the scatters and in the browser pad: the one place they are set.

Safe for colour-blind readers. Under simulated protanopia, deuteranopia and tritanopia (Machado,
Oliveira and Fernandes 2009 at severity 100, as colorspacious implements them) and in normal
vision, every two of the ten differ by a CIEDE2000 ΔE of at least 15 (tests/test_palette.py
requires 8); each has a contrast of at least 2:1 against white (the charts) and against
Streamlit's dark background (the pad in the dark theme). Chosen by moving each colour of
M. A. Petroff's ten-colour sequence ("Accessible Color Sequences for Data Visualization",
arXiv:2107.02270, 2021) by at most 0.1 per sRGB channel to maximise the smallest ΔE under all four
visions. Colour never carries the class alone: the charts also give each class a marker symbol
(DIGIT_SYMBOLS), and legends and hover texts name it."""

DIGIT_SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "triangle-down",
    "cross",
    "x",
    "star",
    "pentagon",
    "hexagon",
)
"""One Plotly marker symbol per class 0-9, beside its colour, so the class is read from the
shape where colours cannot be told apart."""
