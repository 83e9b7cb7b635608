"""Draw a digit: the sidebar's drawing canvas and what the encoder makes of the drawing.

A ``st.components.v2`` component (ui/draw_pad_assets/: draw.html, draw.css, draw.js; registered
once by ui/inline_assets.py): a black square to draw on with a mouse, pen or finger (pointer
events, touch-action: none), white ink as in MNIST, "Undo" and "Clear". On every finished stroke,
undo and clear it sends the whole drawing, as vae_core.data.drawing's compact text, as its
trigger value "drawing"; the callback keeps that text under the plain session key DRAWING_KEY
(so it survives page switches, and a link can set it), and the canvas restores its strokes from
the text it is given on every run.

drawn_input draws the canvas and, under it, the 28 x 28 image the model sees (the uploads' MNIST
framing: vae_core.data.drawing.image_from_drawing) and the encoder's μ(x), σ(x) for it — early in
the script run, so the new μ, σ are on screen before the page's heavier sections are computed
(benchmarks/drawing.py times pen-up to that text).

Test hooks: see draw.js (the root ``[data-testid="draw-pad"]`` and ``window.__drawPad``); the
readout is the sidebar container ``.st-key-draw_readout``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import streamlit as st
import torch

from vae_core.data.drawing import (
    LEVELS,
    MAX_POINTS,
    MAX_STROKES,
    PEN_WIDTH,
    decode_drawing,
    image_from_drawing,
)
from vae_core.viz.images import to_png

from .inline_assets import inline_component
from .text import escape_markdown

__all__ = ["COMPONENT_NAME", "DRAWING_KEY", "Drawn", "draw_pad", "drawn_input", "format_vector"]

COMPONENT_NAME = "vae_latent_explorer.draw_pad"
DRAWING_KEY = "_drawing"
"""Session key of the current drawing: vae_core.data.drawing.encode_drawing's text ("" = none)."""
PAD_KEY = "draw_pad"
READOUT_KEY = "draw_readout"
SHOWN_DIMS = 4
"""μ and σ are written out in full up to this many dimensions; beyond, the first SHOWN_DIMS."""

_COMPONENT = inline_component(
    COMPONENT_NAME,
    Path(__file__).resolve().parent / "draw_pad_assets",
    html="draw.html",
    css=["draw.css"],
    js=["draw.js"],
)


@dataclass(frozen=True)
class Drawn:
    """A drawing made the input: its text, the model's view of it and its identity."""

    code: str  # encode_drawing's text
    x: torch.Tensor  # float32 (1, 1, 28, 28) in [0, 1]

    @property
    def input_id(self) -> str:
        return f"drawn-{hashlib.sha256(self.code.encode()).hexdigest()[:12]}"


def _store(key: str) -> None:
    """on_drawing_change: keep the canvas's new text under DRAWING_KEY (a plain session key)."""
    state = st.session_state.get(key)
    code = state.get("drawing") if isinstance(state, dict) else None
    if isinstance(code, str):
        st.session_state[DRAWING_KEY] = code


def draw_pad(code: str, key: str = PAD_KEY) -> None:
    """Draw the canvas showing the drawing `code` (encode_drawing's text, already validated);
    a new stroke, undo or clear stores the new text under DRAWING_KEY and reruns the script."""
    data = {
        "key": key,
        "code": code,
        "levels": LEVELS,
        "pen": PEN_WIDTH,
        "max_points": MAX_POINTS,
        "max_strokes": MAX_STROKES,
    }
    _COMPONENT(key=key, data=data, on_drawing_change=partial(_store, key))


def format_vector(values: Sequence[float], shown: int = SHOWN_DIMS) -> str:
    """(v1, v2, …) with two decimals and true minus signs; past `shown` values, the first
    `shown` and how many there are."""
    text = ", ".join(f"{v:.2f}".replace("-", "−") for v in values[:shown])
    if len(values) > shown:
        text += f", … {len(values)} values"
    return f"({text})"


def drawn_input(
    encode: Callable[[torch.Tensor], tuple[list[float], list[float]]] | None, model_name: str
) -> Drawn | None:
    """Sidebar: the canvas, then (once something is drawn) the 28 x 28 input and μ(x), σ(x).

    Args:
        encode: x float (1, 1, 28, 28) -> (μ(x), σ(x)) as lists of latent_dim floats (the
            sidebar's VAE, or its AE), or None when no model could be loaded (no readout).
        model_name: says whose μ, σ they are ("VAE", "AE").
    Returns:
        The drawing, or None while nothing is drawn (the caller falls back to the gallery).
    """
    code = st.session_state.get(DRAWING_KEY, "")
    try:
        strokes = decode_drawing(code)
    except ValueError as exc:
        st.sidebar.error(escape_markdown(f"Could not read the drawing: {exc}", 300) + ". Draw a new one.")
        code, strokes = "", []
    with st.sidebar:
        draw_pad(code)
    if not strokes:
        st.sidebar.info("Draw a digit on the black square. Until then the input is a gallery image.")
        return None
    x = image_from_drawing(strokes)
    image, readout = st.sidebar.columns([1, 2], vertical_alignment="center")
    image.image(to_png(x[0], 3), caption="28×28 input", output_format="PNG")
    with readout.container(key=READOUT_KEY):
        count = f"{len(strokes)} stroke{'s' if len(strokes) != 1 else ''}"
        if encode is None:
            st.markdown(f"your drawing · {count}")
        else:
            mu, sigma = encode(x)
            st.markdown(f"**{model_name}** · {count}  \nμ(x) = {format_vector(mu)}  \nσ(x) = {format_vector(sigma)}")
    return Drawn(code, x)
