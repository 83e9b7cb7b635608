"""Messages from browser components: untrusted input, checked before the app acts on them.

A component (the pipeline pad, the drawing canvas) sends events: one JSON message may list many,
and Streamlit calls the event's callback once per listed event, each call reading the component's
state afresh (every read walks the whole list). A crafted message of 10,000 "commit" events cost
68 s of server CPU that way. Two rules here keep any message cheap:

- **Once per message.** `once_per_message` wraps a callback so that only its first call of a
  dispatch does anything: that call reads the component's state once (where Streamlit keeps the
  *last* event of each kind) and every later call of the same dispatch returns at once. The gate
  opens again when the component is drawn (`reopen`), i.e. on the run the message triggered.
- **A schema with limits.** The value is checked (`commit_event`, `view_event`, `text_event`)
  before any of the app's code sees it: types, array lengths, number ranges. A message outside the
  limits is dropped with one line in the server log (logger ``ui.messages``), never an exception.

The WebSocket message itself is capped by `server.maxMessageSize` in .streamlit/config.toml.
The checks are plain functions of JSON values; only the gate touches the session state.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import streamlit as st

__all__ = [
    "MAX_VECTOR",
    "MAX_ABS",
    "MAX_TEXT",
    "commit_event",
    "view_event",
    "text_event",
    "once_per_message",
    "reopen",
]

LOG = logging.getLogger(__name__)
MAX_VECTOR = 64
"""Longest vector an event may carry (the largest latent size a link or a model may have)."""
MAX_ABS = 1e4
"""Largest |number| an event may carry (the planes span a few units; ε is clamped to ±EPS_LIMIT)."""
MAX_TEXT = 8192
"""Longest text an event may carry (a drawing's code is at most about 4,100 characters)."""
_GATE = "_message_gate"


def _number(value: Any) -> float:
    """value as a float if it is a finite JSON number within ±MAX_ABS; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if isinstance(value, int) and abs(value) > MAX_ABS:  # before float(): 10**400 overflows
        raise ValueError("number out of range")
    out = float(value)
    if not math.isfinite(out) or abs(out) > MAX_ABS:
        raise ValueError("number out of range")
    return out


def _vector(value: Any, what: str, allow_none: bool = False) -> list[float | None]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_VECTOR:
        raise ValueError(f"{what} must be a list of 1 to {MAX_VECTOR} numbers")
    return [None if (allow_none and v is None) else _number(v) for v in value]


def commit_event(value: Any) -> dict | None:
    """The pipeline's "commit" event checked against its schema, or None (logged) if it is not one.

    Schema: {"z": list of 1..MAX_VECTOR numbers, "eps": same length with nulls allowed, or absent,
    "mu": same length or absent, "dims": [i, j] ints in range, "source"/"input"/"mode": short text}.

    Returns:
        {"z", "eps", "mu", "dims", "source", "input", "mode"} with floats (eps entries may be None;
        eps None when every entry is None), or None.
    """
    try:
        if not isinstance(value, dict):
            raise ValueError("not an object")
        z = _vector(value.get("z"), "z")
        d = len(z)
        eps = value.get("eps")
        eps = None if eps is None else _vector(eps, "eps", allow_none=True)
        mu = value.get("mu")
        mu = None if mu is None else _vector(mu, "mu")
        if any(v is not None and len(v) != d for v in (eps, mu)):
            raise ValueError("z, eps and mu differ in length")
        dims = value.get("dims") or [0, 1]
        if not (isinstance(dims, list) and len(dims) == 2 and all(type(i) is int and 0 <= i < max(d, 2) for i in dims)):
            raise ValueError("dims must be two indices of the latent vector")
        texts = {k: value.get(k) for k in ("source", "input", "mode")}
        if any(t is not None and (not isinstance(t, str) or len(t) > 64) for t in texts.values()):
            raise ValueError("source, input and mode must be short text")
    except ValueError as exc:
        LOG.warning("dropped a commit event: %s", exc)
        return None
    if eps is not None and all(e is None for e in eps):
        eps = None
    return {"z": z, "eps": eps, "mu": mu, "dims": (dims[0], dims[1]), **texts}


def view_event(value: Any) -> list[float] | None:
    """The pipeline's "view" event {"window": [cx, cy, half]} checked, or None (logged).

    Returns:
        [cx, cy, half] in latent units, each within ±MAX_ABS, half > 0.
    """
    try:
        window = value.get("window") if isinstance(value, dict) else None
        cx, cy, half = _vector(window, "window")
        if half <= 0 or len(window) != 3:
            raise ValueError("half-width must be positive")
    except (ValueError, TypeError) as exc:
        LOG.warning("dropped a view event: %s", exc)
        return None
    return [cx, cy, half]


def text_event(value: Any, what: str) -> str | None:
    """A text event (the canvas's drawing code) checked: a str of at most MAX_TEXT characters,
    else None (logged). Its content is checked by whoever reads it (vae_core.data.drawing)."""
    if isinstance(value, str) and len(value) <= MAX_TEXT:
        return value
    LOG.warning("dropped a %s event: not text of at most %d characters", what, MAX_TEXT)
    return None


def reopen(key: str | None = None) -> None:
    """Open the gate of component `key` (every component's if None) for the next message.

    Call it where the component is drawn, and with no key at the top of every full run: a message
    that arrives before the run its predecessor triggered reaches the component still counts.
    """
    gate = st.session_state.get(_GATE)
    if gate and key is None:
        gate.clear()
    elif gate:
        gate.pop(key, None)


def once_per_message(key: str, event: str, act: Callable[[Any], None]) -> Callable[[], None]:
    """A trigger callback for event `event` of component `key` that acts once per message.

    Its first call in a dispatch reads the component's state once and calls act(value) with the
    last value of that event (the raw, unchecked JSON: act checks it); every later call of the same
    dispatch (one per duplicate event in the message) returns at once.
    """

    def callback() -> None:
        handled = st.session_state.setdefault(_GATE, {}).setdefault(key, set())
        if event in handled:
            return
        handled.add(event)
        state = st.session_state.get(key)
        act(state.get(event) if isinstance(state, dict) else None)

    return callback
