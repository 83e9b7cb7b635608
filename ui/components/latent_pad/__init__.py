"""The reparameterization pipeline: x → encoder → μ(x), σ(x) → ε-plane → z-plane → x̂, live.

One browser component draws the whole row: the input x with the encoder's μ and σ; the ε-plane
(N(0, I) in its own coordinates, 1σ/2σ/3σ rings, a draggable ε); the affine map z = μ + σ ⊙ ε;
the z-plane (the gallery's codes, the prior, q(z|x) at its true scale with a scale bar and zoom,
z, optionally the true posterior's heat-map and a cloud of K samples, drawn in both planes);
and the decoded image x̂ with the cloud's decoded samples. The live formula is typeset with
KaTeX (vendor/katex).

A Streamlit slider reports only on release and each change costs a server round trip, so the
component runs the decoder in the browser: the MLP decoder's weights are sent once per session
as one binary Arrow column (float16 when exact: vae_core.models.export.packed_weights), cached
in the page under the spec's content hash, and evaluated in plain JavaScript on every animation
frame while the user drags. Python hears about ε, z or μ only when the user lets go (or
releases an arrow key), and the rest of the page updates then.

Every drag has its keys (frontend/js/input.js): Tab reaches the ε-plane and the z-plane; on the
focused plane the arrow keys move its point (ε; z, or μ in the "μ" mode) by 1/40 of the window's
half-width, with Shift five times that, Home sends it back to the centre and Enter commits; on
the z-plane + and − zoom and M switches between moving z and moving μ. A ring in the theme's
primary colour marks the point the keys move. After each move an aria-live region says in words
where z is (and, from the `verdict` Python sends, what the decoded image looks like).

The row fits one screen and its planes grow with the width it is given (frontend/layout.css: one
row from 760 px, two columns in the Tour's narrower column, stacked on a phone); in presentation
mode its text is 18 px or more.

The component is a ``st.components.v2`` component (inline HTML/CSS/JS, no build step); its
assets live in ui/latent_pad_assets/ (pad.js and its parts in js/, joined into one module) and
are read once at import. (components.v2 accepts asset
*paths* only for installed packages that declare an ``asset_dir`` in pyproject.toml, so the
files are passed as inline strings.)

Data flow and caching:
- The weights (1.07 MB of float16 for the shipped 2-D decoder) and the gallery points are sent
  only the first time this session renders them; later reruns send just their hashes. The page keeps
  parsed weights in a module-level Map keyed by hash, shared by every pad on the page.
- If the page lacks a hash (a reload of the module, a lost message) it sends a "need" trigger,
  and the next run resends everything.

Test and benchmark hooks (used by tests/e2e/test_latent_pad.py):
- The root element ``[data-testid="latent-pad"]`` (inside the component's open shadow root;
  Playwright CSS locators pierce it) carries ``data-pad-key``, ``data-ready`` ("true" once the
  decoder is loaded), ``data-dragging``, ``data-frames`` (animation frames run while dragging),
  ``data-decodes``, ``data-last-decode-ms``, ``data-drag-fps`` (of the last drag),
  ``data-commits``, ``data-z``, ``data-eps``, ``data-mu`` (JSON, full vectors), ``data-sigma-zero``,
  ``data-mode`` ("z" | "mu"), ``data-tail``, ``data-view`` ("q" | "prior"), ``data-window``,
  ``data-spec-hash``, ``data-spec-parses`` and ``data-last-data-had-weights``. Inside it:
  ``[data-testid="latent-pad-svg"]`` (the focusable z-plane), ``[data-testid="eps-plane-svg"]``
  (the ε-plane), ``[data-testid="latent-pad-image"]`` (x̂), ``[data-testid="fit-q"]``,
  ``[data-testid="fit-prior"]``, ``[data-testid="mode-z"]``, ``[data-testid="mode-mu"]``,
  ``[data-testid="pipeline-formula"]``, ``[data-testid="eps-tail"]``,
  ``[data-testid="posterior-heatmap"]``, ``[data-testid="cloud-images"]``,
  ``[data-testid="pad-description"]`` (the planes in words, aria-live),
  ``[data-testid="posterior-pointer"]`` (the arrow to p(z|x)'s peak out of view, or the ring round
  it when q is a speck: ``data-state`` "outside" | "small" | "none", ``data-peak``),
  ``[data-testid="eps-dims"]`` and ``[data-testid="mu-sigma-dims"]`` (which coordinates of a
  latent_dim > 2 the ε-plane and the μ, σ readout show).
- ``window.__latentPad`` (every method takes an optional pad key, default the newest pad):
  ``decode(z, key)`` -> 784 floats in [0, 1] for a full latent vector z;
  ``bench(n, key)`` -> {n, p50, p90, mean, min, max} ms of n decodes of random z;
  ``stats(key)`` -> {frames, decodes, lastDecodeMs, decodeMsP50 (decode + draw, last 240),
  dragFps, dragDecodeFps (of the last drag), commits, specParses, z, mu, sigma, eps, dims,
  plane, mode, tail, window, view, ellipsePx (q's 1σ/2σ/3σ ellipses on screen), scaleBar,
  heat, cloud, cloudDecoded, createdAt / readyAt (page clock, ms) and parseMs (weights),
  dragging, ready};
  ``clientPoint(zi, zj, key)`` -> {x, y} viewport px of a point on the z-plane (for mouse moves);
  ``epsClientPoint(e0, e1, key)`` -> the same on the ε-plane;
  ``pixels(key)`` -> the 784 floats on display; ``keys()``; ``dropCaches()`` (forget the
  cached weights, to exercise the resend path).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st
import torch

from ui.components.assets import inline_component, read_assets
from ui.components.latent_pad.payloads import (
    cloud_payload,
    floats,
    heat_payload,
    points_payload,
    projection_payload,
    verdict_payload,
    weights_table,
    window_payload,
)
from ui.messages import commit_event, once_per_message, reopen, view_event
from vae_core.constants import DIGIT_COLOURS, EPS_LIMIT, IMAGE_SHAPE
from vae_core.maths.projection import Projection, axes_projection
from vae_core.viz.images import to_png

__all__ = ["latent_pad", "COMPONENT_NAME"]

COMPONENT_NAME = "vae_latent_explorer.latent_pad"
_ASSETS = Path(__file__).resolve().parent / "frontend"
_SENT_KEY = "_latent_pad_sent_hashes"
_SPEC_HEADER_KEYS = ("format", "latent_dim", "activation", "output", "image_shape", "num_params", "hash")
_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")


_JS_PARTS = (
    "util",
    "weights",
    "projection",
    "geometry",
    "formula",
    "drawing",
    "pointer",
    "input",
    "messaging",
    "instrumentation",
)
"""pad.js's parts (ui/latent_pad_assets/js/), joined in this order before pad.js into one module."""


def _asset(name: str) -> str:
    return read_assets(_ASSETS, name)


def _katex() -> str:
    """KaTeX's UMD script wrapped so the ES module gets it as the constant ``katex`` (the UMD
    header assigns module.exports when `module` and `exports` are objects)."""
    return (
        "const katex = (() => { const module = { exports: {} }; const exports = module.exports;\n"
        + _asset("vendor/katex/katex.min.js")
        + "\nreturn module.exports; })();"
    )


# Defined once at import (ui/inline_assets.py). JavaScript: KaTeX, the parts, then pad.js (the Pad
# and the entry point). CSS: KaTeX's rules (its @font-face rules dropped: Streamlit's page already
# declares the same KaTeX fonts, and the relative font URLs would not resolve here), then the pad's.
_COMPONENT = inline_component(
    COMPONENT_NAME,
    _ASSETS,
    html="pad.html",
    css=["pad.css", "layout.css"],
    js=[*(f"js/{part}.js" for part in _JS_PARTS), "pad.js"],
    css_before=_FONT_FACE.sub("", _asset("vendor/katex/katex.min.css")),
    js_before=_katex(),
)


def _sent() -> set[str]:
    return st.session_state.setdefault(_SENT_KEY, set())


def _resend_everything() -> None:
    """The "need" trigger: the page lacks some cached payload, so send all of them again."""
    st.session_state[_SENT_KEY] = set()


def latent_pad(
    spec: dict,
    points: tuple[Any, Any] | None,
    mu: Sequence[float],
    sigma: Sequence[float],
    eps: Sequence[float],
    *,
    x: torch.Tensor | None = None,
    encoder: tuple[Sequence[float], Sequence[float]] | None = None,
    cloud: Any = None,
    heat: dict | None = None,
    dims: tuple[int, int] = (0, 1),
    key: str = "latent_pad",
    extent: float = 4.0,
    on_commit: Callable[[dict], None] | None = None,
    projection: Projection | None = None,
    mode: str = "z",
    default_view: str = "prior",
    view_key: str = "",
    window: Sequence[float] | None = None,
    on_view: Callable[[list[float]], None] | None = None,
    class_names: Sequence[str] | None = None,
    eps_limit: float = EPS_LIMIT,
    sliders: bool = True,
    verdict: dict | None = None,
    presentation: bool = False,
) -> dict | None:
    """Draw the pipeline; return what the user committed in the run their release triggered.

    The z-plane shows the gallery points by class, the prior N(0, I) at 1σ and 2σ (dashed),
    q(z|x) = N(μ, diag σ²) at 1σ, 2σ and 3σ around μ, μ, and z = μ + σ ⊙ ε as a star; the
    ε-plane shows N(0, I) with ε. While the user drags (mouse, pen or touch) or holds an arrow
    key, the browser recomputes z and decodes it on every animation frame; on release / key-up
    the new values go to Python, which reruns the script (or the enclosing fragment). For
    latent_dim > 2 the z-plane is `projection` (vae_core.maths.projection: the first two
    principal components of the gallery's codes, say) or, by default, the latent dimensions
    dims; a drag moves z on that plane and keeps every coordinate off it.

    Args:
        spec: vae_core.models.export.decoder_spec(model) (cache it, e.g. with st.cache_resource).
        points: (codes, labels) for the background: codes float (N, 2) already on the plane, or
            (N, latent_dim) (projected here); labels int (N,) classes 0-9 (others are drawn
            grey). None for no background.
        mu, sigma, eps: float (latent_dim,) of q(z|x) and the noise; z = mu + sigma * eps.
            sigma = 0 (the AE) makes ε inert: the ε-plane says so and a z drag moves mu.
            The component follows them whenever they differ from the previous run's.
        x: the input image, float (1, 28, 28) or (28, 28), pixels in [0, 1] (shown at the left).
        encoder: (mu(x), sigma(x)), the encoder's own output, each (latent_dim,); the component
            marks mu, sigma "set by hand" when they differ. Default: mu, sigma.
        cloud: float (K, latent_dim) draws eps_k ~ N(0, I), K <= MAX_CLOUD (200), drawn in both
            planes (z_k = mu + sigma * eps_k) and decoded (a strip and the mean image); or None.
        heat: {"png": bytes, "box": [z0_min, z0_max, z1_min, z1_max], "peak": [z0, z1] or None}:
            an image drawn under q(z|x) over that box of the z-plane (the true posterior,
            ui.posterior) and where it peaks; or None.
        dims: the two latent dimensions on the plane's axes when no projection is given.
        key: Streamlit widget key, unique per pad on the page (also the key in window.__latentPad).
        extent: values on the z-plane are clamped to [-extent, extent]; "fit prior" shows that.
        on_commit: optional callback run *before* the rerun with the commit dict, the place to
            copy ε / μ into other widgets' session_state keys (sliders drawn earlier in the
            script cannot be changed after they are drawn).
        projection: the plane to show (overrides dims); points with latent_dim columns are
            projected onto it.
        mode: the z-plane's drag mode until the user picks one: "z" (ε follows, within
            ±eps_limit) or "mu" (μ moves, z follows with ε held).
        default_view: "q" (zoom so q(z|x)'s 3σ ellipse fills the z-plane) or "prior" (the
            whole plane), applied whenever view_key changes (a new model or input).
        window: (cx, cy, half) latent units: the z-plane's window to show instead of
            default_view when view_key changes (a zoom a link or the user kept); None: default_view.
        on_view: optional callback run before the rerun with [cx, cy, half] after the user zoomed
            or pressed a fit button (reported once the wheel has been still for 0.4 s).
        class_names: names of classes 0-9 for the legend (default the digits).
        eps_limit: the ε-plane shows and allows [-eps_limit, eps_limit]² (default EPS_LIMIT).
        sliders: whether sliders bound to the same μ, σ, ε and an Encoder button sit below (the
            help line then says they follow a release, and μ, σ away from the encoder's are marked
            "set by hand (Encoder resets)"); False where there are none (the tour).
        verdict: {"z": (latent_dim,) floats, "label": str, "confidence": float in [0, 1]}: what a
            classifier says decoder(z) shows, for the z = mu + sigma * eps of this run. The pad's
            description for screen readers (an aria-live region: "z = (…, …), inside q's 1σ
            ellipse, ε = (…); the decoded image looks like a 2, 93 %") names it while the pad's z
            is that z; None leaves it out.
        presentation: the page is in presentation mode (ui.views.charts.presenting(), read by the
            caller): every label, tick and number of the pad at 18 px or more (frontend/layout.css).
    Returns:
        On the run triggered by a commit: {"z": list[float] (latent_dim,), "eps": list[float |
        None] with None where sigma = 0 (or None when sigma = 0 everywhere), "mu": list[float],
        "dims": (i, j) the plane's two latent dims ((0, 1) on a PCA plane), "source": "eps"
        (ε moved), "z" (z moved, ε followed; or μ moved where σ = 0), "mu" (μ moved, ε held),
        "input": "drag" | "key", "mode": "z" | "mu"}. On every other run: None.
    Raises:
        ValueError: a spec without hash/latent_dim, mu/sigma/eps of the wrong length or not
            finite, sigma < 0, dims not two distinct indices below latent_dim, extent not
            positive, a cloud not (K, latent_dim) with K <= 200, a malformed heat box, a mode
            or default_view not among the choices, malformed points, a window that is not
            three finite numbers with a positive half-width, or a malformed verdict.
    """
    if not isinstance(spec, dict) or "hash" not in spec or "latent_dim" not in spec:
        raise ValueError("spec must be a dict from vae_core.models.export.decoder_spec()")
    d = int(spec["latent_dim"])
    mu_l, sigma_l, eps_l = floats("mu", mu, d), floats("sigma", sigma, d), floats("eps", eps, d)
    if any(s < 0 for s in sigma_l):
        raise ValueError("sigma must be >= 0")
    enc_mu, enc_sigma = (
        (mu_l, sigma_l)
        if encoder is None
        else (
            floats("encoder mu", encoder[0], d),
            floats("encoder sigma", encoder[1], d),
        )
    )
    try:
        i, j = (int(v) for v in dims)
    except (TypeError, ValueError):
        raise ValueError(f"dims must be two integers, got {dims!r}") from None
    if i == j or not (0 <= i < d and 0 <= j < d):
        raise ValueError(f"dims must be two distinct indices in [0, {d}), got {dims!r}")
    if projection is None:
        projection = axes_projection(d, i, j)
    elif projection.latent_dim != d:
        raise ValueError(f"the projection is for latent_dim {projection.latent_dim}, the model has {d}")
    if not (isinstance(extent, (int, float)) and math.isfinite(extent) and extent > 0):
        raise ValueError(f"extent must be a positive number, got {extent!r}")
    if mode not in ("z", "mu"):
        raise ValueError(f"mode must be 'z' or 'mu', got {mode!r}")
    if default_view not in ("q", "prior"):
        raise ValueError(f"default_view must be 'q' or 'prior', got {default_view!r}")
    window_l = window_payload(window)

    sent = _sent()
    header = {k: spec[k] for k in _SPEC_HEADER_KEYS if k in spec}
    header["layers"] = [{"in": int(layer["in"]), "out": int(layer["out"])} for layer in spec.get("layers", [])]
    weights = None
    if spec["hash"] not in sent:
        header["weights_dtype"], weights = weights_table(spec)
    else:
        header["weights_dtype"] = st.session_state.get(f"{_SENT_KEY}_dtype_{spec['hash']}", "float32")
    cloud_data = cloud_payload(cloud, d)
    points_data = points_table = None
    if points is not None:
        points_data, table = points_payload(points, projection, d)
        points_table = table if points_data["hash"] not in sent else None

    def _on_commit(value) -> None:
        commit = commit_event(value)
        if commit is not None and on_commit is not None and len(commit["z"]) == d:
            on_commit(commit)

    x_png = None
    if x is not None:
        x_png = (
            "data:image/png;base64," + base64.b64encode(to_png(torch.as_tensor(x).reshape(IMAGE_SHAPE[1:]), 3)).decode()
        )
    data = {
        "key": str(key),
        "spec": header,
        "points": points_data,
        "mu": mu_l,
        "sigma": sigma_l,
        "eps": eps_l,
        "enc_mu": enc_mu,
        "enc_sigma": enc_sigma,
        "x_png": x_png,
        "cloud": None if cloud_data is None else cloud_data[0],
        "heat": heat_payload(heat),
        "projection": projection_payload(projection),
        "extent": float(extent),
        "eps_limit": float(eps_limit),
        "sliders": bool(sliders),
        "mode": mode,
        "default_view": default_view,
        "view_key": str(view_key),
        "window": window_l,
        "colours": list(DIGIT_COLOURS),
        "names": [str(n) for n in class_names] if class_names is not None else None,
        "verdict": verdict_payload(verdict, d),
        "presentation": bool(presentation),
    }
    if weights is not None:
        data["weights"] = weights
    if points_table is not None:
        data["points_table"] = points_table  # binary, like the weights; sent once per hash
    if cloud_data is not None and cloud_data[0]["hash"] not in sent:
        data["cloud_table"] = cloud_data[1]  # binary; sent again only when the draws change

    def _on_view(value) -> None:
        view = view_event(value)
        if on_view is not None and view is not None:
            on_view(view)

    reopen(key)
    result = _COMPONENT(
        key=key,
        data=data,
        on_commit_change=once_per_message(key, "commit", _on_commit),
        on_need_change=once_per_message(key, "need", lambda _value: _resend_everything()),
        on_view_change=once_per_message(key, "view", _on_view),
    )
    if cloud_data is not None:
        sent.add(cloud_data[0]["hash"])
    sent.add(spec["hash"])
    st.session_state[f"{_SENT_KEY}_dtype_{spec['hash']}"] = header["weights_dtype"]
    if points_data is not None:
        sent.add(points_data["hash"])
    commit = commit_event(result.get("commit")) if result.get("commit") is not None else None
    return commit if commit is not None and len(commit["z"]) == d else None
