"""The query string of a shareable link: what a view is, written as short text and read back.

A link names the page, the models (dataset, latent size, β, VAE or AE), the input (a gallery
row, or "drawn" with the drawing's compact code), μ, σ and ε of q(z|x), the z-plane's zoom and
the tour step, e.g.::

    ?page=explorer&dataset=mnist&latent=2&beta=1&model=vae&input=1234
     &mu=0.412,-1.03&sigma=0.061,0.058&eps=1,0&zoom=0.41,-1.03,0.2&k=50&posterior=1

A tour link names the step, its pipeline's μ and ε and whether the answer is revealed
(``?page=tour&step=7&mu=…&eps=1.24,0.62&revealed=1``). An uploaded picture cannot travel in a
link: such a link says ``input=upload``, and the page that opens it says so.

This module only converts (no Streamlit): `parse_link` turns untrusted query parameters into a
`Link`, dropping what is malformed with a message that names it; `link_params` writes a `Link`
back. ui/links.py applies a Link to the session and keeps the URL in step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from ui.components.latent_pad.payloads import CLOUD_SIZES
from ui.view_state import DECIMALS
from vae_core.data.drawing import MAX_CHARS as MAX_DRAWING_CHARS
from vae_core.data.drawing import decode_drawing

PAGES = ("explorer", "maths", "train", "tour")
MODELS = ("vae", "ae")
MAX_VALUE_CHARS = 1024
"""Longest accepted value of any parameter but the drawing (64 numbers of 10 characters fit)."""
MAX_LATENT = 64
"""Most numbers accepted in mu, sigma or eps."""
MAX_ABS = 1e4
"""Largest |number| accepted in mu, sigma, eps or zoom (the widest plane, the AE's, spans ±200)."""
_DATASET = re.compile(r"^[a-z0-9-]{1,40}$")


@dataclass(frozen=True)
class Link:
    """One view, as a link carries it; None: the link does not say (the app's default)."""

    page: str | None = None
    dataset: str | None = None
    latent: int | None = None
    beta: float | None = None
    model: str | None = None
    input: int | str | None = None  # a gallery row, "drawn", or "upload" (the picture stayed behind)
    drawing: str | None = None  # vae_core.data.drawing.encode_drawing's text, with input "drawn"
    mu: tuple[float, ...] | None = None
    sigma: tuple[float, ...] | None = None
    eps: tuple[float, ...] | None = None
    zoom: tuple[float, float, float] | None = None  # the z-plane's window: centre x, y, half-width
    step: int | None = None  # the tour's step, counted from 1 as the page shows it
    k: int | None = None  # Samples K, the size of the ε cloud (one of CLOUD_SIZES)
    posterior: bool | None = None  # the Explorer's "True posterior p(z|x)" toggle
    revealed: bool | None = None  # the tour step's answer is shown


def _numbers(name: str, text: str, count: int | None = None) -> tuple[float, ...]:
    """The comma-separated numbers of parameter `name`, finite, within ±MAX_ABS and rounded to
    DECIMALS[name] places (if it has any); ValueError naming the parameter otherwise."""
    parts = text.split(",")
    if len(parts) > MAX_LATENT:
        raise ValueError(f"{name} has {len(parts)} numbers; at most {MAX_LATENT}")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError(f"{name} must be numbers separated by commas, got {text!r}") from None
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"{name} must be finite numbers, got {text!r}")
    if any(abs(v) > MAX_ABS for v in values):
        raise ValueError(f"{name} must lie within ±{MAX_ABS:g}, got {text!r}")
    if name in DECIMALS:
        values = tuple(round(v, DECIMALS[name]) + 0.0 for v in values)  # + 0.0: no -0.0
    if count is not None and len(values) != count:
        raise ValueError(f"{name} must be {count} numbers, got {len(values)}")
    return values


def _one(name: str, text: str) -> object:
    if name == "page":
        if text not in PAGES:
            raise ValueError(f"page must be one of {', '.join(PAGES)}, got {text!r}")
        return text
    if name == "dataset":
        if not _DATASET.match(text):
            raise ValueError(f"dataset {text!r} is not a dataset name")
        return text
    if name in ("posterior", "revealed"):
        if text not in ("0", "1"):
            raise ValueError(f"{name} must be 0 or 1, got {text!r}")
        return text == "1"
    if name == "k":
        if not (text.isascii() and text.isdigit()) or int(text[:6]) not in CLOUD_SIZES:
            raise ValueError(f"k must be one of {', '.join(map(str, CLOUD_SIZES))}, got {text!r}")
        return int(text)
    if name in ("latent", "step", "input"):
        if name == "input" and text in ("drawn", "upload"):
            return text
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            what = "a gallery row (0, 1, …), 'drawn' or 'upload'" if name == "input" else "a whole number ≥ 0"
            raise ValueError(f"{name} must be {what}, got {text!r}")
        return int(text)
    if name == "beta":
        (value,) = _numbers("beta", text, 1)
        if value <= 0:
            raise ValueError(f"beta must be positive, got {text!r}")
        return value
    if name == "model":
        if text not in MODELS:
            raise ValueError(f"model must be 'vae' or 'ae', got {text!r}")
        return text
    if name == "drawing":
        try:
            decode_drawing(text)  # the one set of limits the canvas and the rasteriser share
        except ValueError as exc:
            raise ValueError(f"drawing: {exc}") from None
        return text
    if name == "zoom":
        cx, cy, half = _numbers("zoom", text, 3)
        if half <= 0:
            raise ValueError(f"zoom's half-width must be positive, got {text!r}")
        return (cx, cy, half)
    values = _numbers(name, text)
    if name == "sigma" and any(v < 0 for v in values):
        raise ValueError(f"sigma must be ≥ 0, got {text!r}")
    return values


def parse_link(params: Mapping[str, str]) -> tuple[Link, list[str]]:
    """Read a link's query parameters (untrusted text).

    Args:
        params: parameter name -> value (st.query_params, or a dict). Unknown names are ignored.
    Returns:
        (Link, problems): every parameter that could be read, and one message per parameter
        that was dropped (too long, malformed, out of range), naming it. Never raises for bad
        input; time and memory are bounded by MAX_VALUE_CHARS / MAX_DRAWING_CHARS.
    """
    known = {f.name for f in fields(Link)}
    values: dict[str, object] = {}
    problems: list[str] = []
    for name in sorted(known & set(params)):
        text = str(params[name])
        limit = MAX_DRAWING_CHARS if name == "drawing" else MAX_VALUE_CHARS
        if len(text) > limit:
            problems.append(f"{name} is {len(text):,} characters long; at most {limit:,}")
            continue
        try:
            values[name] = _one(name, text.strip())
        except ValueError as exc:
            problems.append(str(exc))
    if values.get("input") == "drawn" and "drawing" not in values:
        problems.append("input is 'drawn' but the link has no drawing")
        values.pop("input")
    return Link(**values), problems


def _number_text(value: float, decimals: int | None = None) -> str:
    """The shortest text that reads back as exactly this float (after rounding to `decimals`)."""
    value = float(value) if decimals is None else round(float(value), decimals) + 0.0
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _text(name: str, values) -> str:
    return ",".join(_number_text(v, DECIMALS[name]) for v in values)


def link_params(link: Link) -> dict[str, str]:
    """The query parameters of a Link, in a fixed order, leaving out what it does not say.

    For every Link that parse_link can return, parse_link(link_params(link)) == (link, []): the
    vectors are written to DECIMALS places and read back rounded to the same places
    (tests/test_link_codec.py checks this with Hypothesis)."""
    out: dict[str, str] = {}
    for f in fields(Link):
        value = getattr(link, f.name)
        if value is None:
            continue
        if f.name in DECIMALS:
            out[f.name] = _text(f.name, value)
        elif f.name == "beta":
            out[f.name] = _number_text(value)
        elif isinstance(value, bool):
            out[f.name] = "1" if value else "0"
        else:
            out[f.name] = str(value)
    return out
