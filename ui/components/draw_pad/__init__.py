"""Draw a digit: the sidebar's drawing canvas and what the encoder makes of the drawing.

A ``st.components.v2`` component (ui/draw_pad_assets/: draw.html, draw.css, draw.js; registered
once by ui/inline_assets.py): a black square to draw on with a mouse, pen or finger (pointer
events, touch-action: none), white ink as in MNIST, "Undo" and "Clear". On every finished stroke,
undo and clear it sends the whole drawing, as vae_core.data.drawing's compact text, as its
trigger value "drawing"; the callback keeps that text under the plain session key DRAWING_KEY
(so it survives page switches, and a link can set it), and the canvas restores its strokes from
the text it is given on every run.

drawn_input draws the canvas and, under it, the 28 x 28 image the model sees (the uploads' MNIST
framing: vae_core.data.drawing.image_from_drawing) and the encoder's μ(x), σ(x) for it. That part
is an st.fragment: a stroke reruns just it (about 15 ms of work), so the new μ, σ are on screen
at once. The rest of the page follows in a full rerun, which the canvas asks for (its trigger
"follow") once it has received the fragment's output: a new run starts by dropping the messages
the server has not yet sent (AppSession._clear_queue), so an st.rerun() straight from the fragment
could drop the readout. The fragment writes the readout before the canvas (the canvas's slot is
placed above it), so the canvas hearing back means the readout arrived first.
benchmarks/drawing.py times pen-up to the new μ, σ on screen (target <= 150 ms;
a full rerun alone took ~210 ms: the heavy page sections hold the GIL while the sidebar's
messages wait to be sent).

Test hooks: see draw.js (the root ``[data-testid="draw-pad"]`` and ``window.__drawPad``); the
readout is the sidebar container ``.st-key-draw_readout``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import streamlit as st
import torch

from ui import keys
from ui.components.assets import frontend_component
from ui.messages import once_per_message, reopen, text_event
from ui.text import escape_markdown
from vae_core.data.drawing import (
    LEVELS,
    MAX_POINTS,
    MAX_STROKES,
    PEN_WIDTH,
    decode_drawing,
    image_from_drawing,
)
from vae_core.viz.images import to_png

__all__ = ["COMPONENT_NAME", "DRAWING_KEY", "Drawn", "draw_pad", "drawn_input", "format_vector"]

COMPONENT_NAME = "vae_latent_explorer.draw_pad"
DRAWING_KEY = keys.DRAWING
_PROBLEM_KEY = "_drawing_problem"
"""Session key: why the last drawing was dropped, until the sidebar has said so."""
PAD_KEY = "draw_pad"
READOUT_KEY = "draw_readout"
_PAGE_KEY = "_drawing_page"
"""Session key: the drawing text the last full run of the page was built on."""
FOLLOW_KEY = "_draw_follow"
"""Session key: the drawing text whose readout the canvas has received (its "follow" trigger)."""
Encode = Callable[[torch.Tensor], tuple[list[float], list[float]]]
SHOWN_DIMS = 4
"""μ and σ are written out in full up to this many dimensions; beyond, the first SHOWN_DIMS."""

_COMPONENT = frontend_component(COMPONENT_NAME, __file__, "draw")


@dataclass(frozen=True)
class Drawn:
    """A drawing made the input: its text, the model's view of it and its identity."""

    code: str  # encode_drawing's text
    x: torch.Tensor  # float32 (1, 1, 28, 28) in [0, 1]

    @property
    def input_id(self) -> str:
        return f"drawn-{hashlib.sha256(self.code.encode()).hexdigest()[:12]}"


def _store(value) -> None:
    """The canvas's "drawing" event: keep its new text under DRAWING_KEY (a plain session key)."""
    code = text_event(value, "drawing")
    if code is not None:
        st.session_state[DRAWING_KEY] = code


def _follow(value) -> None:
    """The canvas's "follow" event: it has the fragment's output for this text (see the docstring)."""
    code = text_event(value, "follow")
    if code is not None:
        st.session_state[FOLLOW_KEY] = code


def draw_pad(code: str, key: str = PAD_KEY, page_stale: bool = False) -> None:
    """Draw the canvas showing the drawing `code` (encode_drawing's text, already validated);
    a new stroke, undo or clear stores the new text under DRAWING_KEY and reruns the script.
    page_stale: the page below was built on another drawing; the canvas then sends "follow"
    with `code` once it has received this run's output."""
    data = {
        "key": key,
        "code": code,
        "page_stale": bool(page_stale),
        "levels": LEVELS,
        "pen": PEN_WIDTH,
        "max_points": MAX_POINTS,
        "max_strokes": MAX_STROKES,
    }
    reopen(key)
    _COMPONENT(
        key=key,
        data=data,
        on_drawing_change=once_per_message(key, "drawing", _store),
        on_follow_change=once_per_message(key, "follow", _follow),
    )


def format_vector(values: Sequence[float], shown: int = SHOWN_DIMS) -> str:
    """(v1, v2, …) with two decimals and true minus signs; past `shown` values, the first
    `shown` and how many there are."""
    text = ", ".join(f"{v:.2f}".replace("-", "−") for v in values[:shown])
    if len(values) > shown:
        text += f", … {len(values)} values"
    return f"({text})"


@st.cache_data(max_entries=64, show_spinner=False)
def _read(code: str) -> tuple[int, np.ndarray | None, str | None]:
    """(strokes, the input as float32 (1, 1, 28, 28) or None if empty, the problem or None) of a
    drawing's text, computed once per text."""
    try:
        strokes = decode_drawing(code)
        x = image_from_drawing(strokes).numpy() if strokes else None
    except ValueError as exc:
        return 0, None, str(exc)
    return len(strokes), x, None


def _current() -> tuple[str, int, np.ndarray | None, str | None]:
    """(text, strokes, image, problem) of the drawing in the session ("" after a problem).

    A drawing that cannot be read is dropped from the session, so the run after the one that
    says why starts from an empty canvas instead of failing again."""
    code = st.session_state.get(DRAWING_KEY, "")
    count, x, problem = _read(code) if isinstance(code, str) else (0, None, "it is not text")
    if problem:
        st.session_state[DRAWING_KEY] = ""
        st.session_state[_PROBLEM_KEY] = problem
    return ("" if problem else code), count, x, problem


@st.fragment
def _sidebar_part(encode: Encode | None, model_name: str) -> None:
    """The canvas, the input and μ(x), σ(x): a fragment, so a stroke reruns just this part and
    the new μ, σ show at once; then, if the page was built on another drawing, the whole app."""
    code, count, x, _ = _current()
    problem = st.session_state.pop(_PROBLEM_KEY, None)
    if problem:
        st.error(escape_markdown(f"Could not read the drawing: {problem}", 300) + ". Draw a new one.")
    canvas = st.container()  # filled last, so the readout below reaches the browser first
    stale = st.session_state.get(_PAGE_KEY) != code
    if x is None:
        st.info("Draw a digit on the black square. Until then the input is a gallery image.")
    else:
        image, readout = st.columns([1, 2], vertical_alignment="center")
        picture = to_png(torch.from_numpy(x)[0], 3)
        image.image(picture, caption="28×28 input", output_format="PNG", alt="your drawing as the 28×28 input x")
        with readout.container(key=READOUT_KEY):
            strokes = f"{count} stroke{'s' if count != 1 else ''}"
            if encode is None:
                st.markdown(f"your drawing · {strokes}")
            else:
                mu, sigma = encode(torch.from_numpy(x))
                st.markdown(
                    f"**{model_name}** · {strokes}  \nμ(x) = {format_vector(mu)}  \nσ(x) = {format_vector(sigma)}"
                )
    with canvas:
        draw_pad(code, page_stale=stale)
    if stale and st.session_state.pop(FOLLOW_KEY, None) == code:
        st.rerun()  # only in a run of this fragment alone: the rest of the page follows the drawing


def drawn_input(encode: Encode | None, model_name: str) -> Drawn | None:
    """Sidebar: the canvas, then (once something is drawn) the 28 x 28 input and μ(x), σ(x).

    Args:
        encode: x float (1, 1, 28, 28) -> (μ(x), σ(x)) as lists of latent_dim floats (the
            sidebar's VAE, or its AE), or None when no model could be loaded (no readout).
        model_name: says whose μ, σ they are ("VAE", "AE").
    Returns:
        The drawing, or None while nothing is drawn (the caller falls back to the gallery).
    """
    code, _, x, _ = _current()
    st.session_state[_PAGE_KEY] = code
    with st.sidebar:
        _sidebar_part(encode, model_name)
    return None if x is None else Drawn(code, torch.from_numpy(x))
