"""The query string of a shareable link: what a view is, written as short text and read back.

A link names the page, the models (dataset, latent size, β, VAE or AE), the input (a gallery
row, or "drawn" with the drawing's compact code), μ, σ and ε of q(z|x), the z-plane's zoom and
the tour step, e.g.::

    ?page=explorer&dataset=mnist&latent=2&beta=1&model=vae&input=1234
     &mu=0.412,-1.03&sigma=0.061,0.058&eps=1,0&zoom=0.41,-1.03,0.2&k=50&posterior=1

A tour link names the step, its pipeline's μ, σ and ε and whether the answer is revealed
(``?page=tour&step=7&mu=…&eps=1.24,0.62&revealed=1``). Any link may add ``present=1``:
presentation mode. An uploaded picture cannot travel in a
link: such a link says ``input=upload``, and the page that opens it says so.

This module only converts (no Streamlit). On top, `write_link` writes the views' state objects
(ui.view_state's ExplorerView and TourView) and `read_link` reads them back: for every state a
link can carry, read_link(write_link(s)) gives s exactly (tests/test_link_codec.py, Hypothesis).
Underneath, `parse_link` turns untrusted query parameters into a `Link` (the wire form), dropping
what is malformed with a message that names it, and `link_params` writes a `Link`. Parameter names
and forms have not changed, so links made by earlier versions still open. ui/links.py checks a
read view against the shipped models and galleries, puts it in the session and keeps the URL in
step with the view.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from ui.components.latent_pad.payloads import CLOUD_SIZES
from ui.view_state import DECIMALS, LINKED, SOURCES, Choices, ExplorerView, Pipeline, TourPad, TourView
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
    present: bool | None = None  # presentation mode (every page)


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
    if name in ("posterior", "revealed", "present"):
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


# --- the views' state objects <-> a link ----------------------------------------------------------

SHOWS_CHOICES = ("explorer", "maths")
"""Pages that show the sidebar's choices (models and input), so their links carry them."""


def _input(choices: Choices) -> tuple[int | str | None, str | None]:
    """(input, drawing) of a link for these choices."""
    if choices.source == SOURCES[1]:
        return "upload", None
    if choices.source == SOURCES[2]:
        return "drawn", choices.drawing or None
    return choices.row, None


def write_link(page: str, explorer: ExplorerView | None = None, tour: TourView | None = None, step_keys=()) -> dict:
    """The query parameters of a link that reopens `page` as shown.

    Args:
        page: one of PAGES.
        explorer: the Explorer's state; presentation mode travels on every page, its other choices
            on the pages that show them (SHOWS_CHOICES), and its ExplorerView.shared() part (K,
            the posterior toggle, the chosen kind's μ, σ, ε and zoom) on the Explorer.
        tour: the tour's state, on the tour: its step, whether that step's answer is revealed and
            that step's μ, σ and ε.
        step_keys: the tour's step keys in order (TourView keys its pads and answers by them).
    Returns:
        parameter name -> text, in a fixed order (link_params).
    """
    link: dict = {"page": page}
    if explorer is not None and explorer.choices.presentation:
        link["present"] = True
    if explorer is not None and page in SHOWS_CHOICES:
        c = explorer.choices
        link.update(dataset=c.dataset, latent=c.latent_dim, beta=c.beta, model=c.model)
        link["input"], link["drawing"] = _input(c)
    if explorer is not None and page == "explorer":
        pipeline = explorer.shared().pipelines.get(explorer.choices.model or "vae")
        if pipeline is not None:
            vectors = {n: getattr(pipeline, n) or None for n in ("mu", "sigma", "eps")}  # () : not said
            link.update(**vectors, zoom=pipeline.window)
        link.update(k=explorer.k, posterior=explorer.posterior)
    if tour is not None and page == "tour" and 0 <= tour.step < len(step_keys):
        key = step_keys[tour.step]
        link.update(step=tour.step + 1, revealed=key in tour.revealed)
        pad = tour.pads.get(key)
        if pad is not None:
            link.update(mu=tuple(pad.mu) or None, sigma=tuple(pad.sigma) or None, eps=tuple(pad.eps) or None)
    return link_params(Link(**{k: v for k, v in link.items() if v is not None}))


def _choices(link: Link) -> Choices:
    source, row, drawing = SOURCES[0], None, ""
    if link.input == "upload":
        source = SOURCES[1]
    elif link.input == "drawn":
        source, drawing = SOURCES[2], link.drawing or ""
    elif isinstance(link.input, int):
        row = link.input
    return Choices(link.dataset, link.latent, link.beta, link.model, source, row, drawing, bool(link.present))


def _pipeline(link: Link, problems: list[str]) -> Pipeline | None:
    vectors = {n: getattr(link, n) for n in ("mu", "sigma", "eps")}
    given = [n for n, v in vectors.items() if v is not None]
    if not given:
        return None
    if link.input == "upload":
        problems.append("mu, sigma, eps: they belonged to the uploaded picture, so they were left out")
        return None
    sizes = {len(vectors[n]) for n in given}
    if len(sizes) > 1:
        problems.append(f"{', '.join(given)}: these must have as many numbers each (the latent size)")
        return None
    (d,) = sizes
    mu, sigma, eps = (tuple(vectors[n] or ()) for n in ("mu", "sigma", "eps"))
    return Pipeline(d, mu, sigma, eps, window=link.zoom, source=LINKED)


def _tour(link: Link, step_keys: Sequence[str], problems: list[str]) -> TourView:
    if not 1 <= link.step <= len(step_keys):
        problems.append(f"step={link.step}: the tour has steps 1 to {len(step_keys)}")
        return TourView()
    key = step_keys[link.step - 1]
    view = TourView(step=link.step - 1, revealed={key} if link.revealed else set())
    if any(v is not None for v in (link.mu, link.sigma, link.eps)):
        view.pads[key] = TourPad(list(link.mu or ()), list(link.sigma or ()), list(link.eps or ()), linked=True)
    return view


def read_link(
    params: Mapping[str, str], step_keys: Sequence[str]
) -> tuple[str | None, ExplorerView, TourView | None, list[str]]:
    """The views a link describes (untrusted text; never raises for bad input).

    Args:
        params: the query parameters (st.query_params.to_dict(), or a dict).
        step_keys: the tour's step keys in order.
    Returns:
        (page or None, the Explorer's view, the tour's view or None when the link names no step,
        problems): one message per part that was dropped, naming it. Parts the codec cannot check
        (a dataset with no models, a gallery row past the gallery's end, a vector whose length is
        not the model's latent size) are checked by the page that uses them (ui.links, and the
        playground for a LINKED pipeline).
    """
    link, problems = parse_link(params)
    tour = None
    if link.step is not None or link.page == "tour":
        tour = _tour(link, step_keys, problems) if link.step is not None else TourView()
        return link.page, ExplorerView(choices=Choices(presentation=bool(link.present))), tour, problems
    view = ExplorerView(k=link.k or 0, posterior=bool(link.posterior), choices=_choices(link))
    pipeline = _pipeline(link, problems)
    if pipeline is not None:
        view = view.with_pipeline(link.model or "vae", pipeline)
    return link.page, view, tour, problems
