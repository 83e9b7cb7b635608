"""Facts the whole project shares, written once: the image shape, the ε range, the digit colours.

Every module that needs one of these imports it from here; the browser component receives them
in its spec (see vae_core.models.export and ui/latent_pad.py) rather than restating them.
"""

from __future__ import annotations

__all__ = ["IMAGE_SHAPE", "NUM_PIXELS", "EPS_LIMIT", "DIGIT_COLOURS"]

IMAGE_SHAPE: tuple[int, int, int] = (1, 28, 28)
"""(channels, height, width) of every image: MNIST and Fashion-MNIST are 28 x 28 greyscale."""

NUM_PIXELS: int = IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2]
"""784 pixels per image; the MLPs' input and output width."""

EPS_LIMIT: float = 4.0
"""The fixed half-range [-EPS_LIMIT, EPS_LIMIT] of every ε control (sliders, the ε-plane, a z drag
with ε following). P(|ε_j| > 4) = 6.3e-5 under N(0, 1): beyond it is "far in the tail"."""

DIGIT_COLOURS: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
"""One colour per class 0-9 (Plotly/D3 category10), in the scatters and in the browser pad."""
