"""The latent pad: drag z on the 2-D latent plane and watch the decoded image follow, live.

A Streamlit slider reports only on release and each change costs a server round trip, so the
pad runs the decoder in the browser instead: the MLP decoder is exported once
(vae_core.models.export.decoder_spec), cached in the page under its content hash, and evaluated in plain
JavaScript on every animation frame while the user drags. Python hears about z only when the
user lets go (or releases an arrow key), and the rest of the page updates then.

The component is a ``st.components.v2`` component (inline HTML/CSS/JS, no build step); its
assets live in ui/latent_pad_assets/ (pad.js and its parts in js/, joined into one module) and
are read once at import. (components.v2 accepts asset
*paths* only for installed packages that declare an ``asset_dir`` in pyproject.toml, so the
files are passed as inline strings.)

Data flow and caching:
- The weights (~2.8 MB of base64 for the shipped decoder) and the gallery points are sent only
  the first time this session renders them; later reruns send just their hashes. The page keeps
  parsed weights in a module-level Map keyed by hash, shared by every pad on the page.
- If the page lacks a hash (a reload of the module, a lost message) it sends a "need" trigger,
  and the next run resends everything.

Test and benchmark hooks (used by tests/e2e/test_latent_pad.py):
- The root element ``[data-testid="latent-pad"]`` (inside the component's open shadow root;
  Playwright CSS locators pierce it) carries ``data-pad-key``, ``data-ready`` ("true" once the
  decoder is loaded), ``data-dragging``, ``data-frames`` (animation frames run while dragging),
  ``data-decodes``, ``data-last-decode-ms``, ``data-drag-fps`` (of the last drag),
  ``data-commits``, ``data-z`` (JSON, full latent vector), ``data-sigma-zero``,
  ``data-spec-hash``, ``data-spec-parses`` and ``data-last-data-had-weights``. Inside it:
  ``[data-testid="latent-pad-svg"]`` (the focusable plane), ``[data-testid="latent-pad-image"]``
  (the canvas), ``[data-testid="latent-pad-readout"]``.
- ``window.__latentPad`` (every method takes an optional pad key, default the newest pad):
  ``decode(z, key)`` -> 784 floats in [0, 1] for a full latent vector z;
  ``bench(n, key)`` -> {n, p50, p90, mean, min, max} ms of n decodes of random z;
  ``stats(key)`` -> {frames, decodes, lastDecodeMs, decodeMsP50 (decode + draw, last 240),
  dragFps, dragDecodeFps (of the last drag), commits, specParses, z, dims, dragging, ready};
  ``clientPoint(zi, zj, key)`` -> {x, y} viewport px of a latent point (for mouse moves);
  ``pixels(key)`` -> the 784 floats on display; ``keys()``; ``dropCaches()`` (forget the
  cached weights, to exercise the resend path).
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import streamlit as st
import torch

from vae_core.constants import DIGIT_COLOURS
from vae_core.maths.projection import Projection, axes_projection

__all__ = ["latent_pad", "COMPONENT_NAME"]

COMPONENT_NAME = "vae_latent_explorer.latent_pad"
_ASSETS = Path(__file__).resolve().parent / "latent_pad_assets"
_SENT_KEY = "_latent_pad_sent_hashes"
_SPEC_HEADER_KEYS = (
    "format",
    "latent_dim",
    "activation",
    "output",
    "image_shape",
    "dtype",
    "byte_order",
    "num_params",
    "hash",
)


_JS_PARTS = ("util", "weights", "projection", "geometry", "drawing", "input", "messaging", "instrumentation")
"""pad.js's parts (ui/latent_pad_assets/js/), joined in this order before pad.js into one module."""


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _module() -> str:
    """The component's JavaScript: the parts, then pad.js (the Pad and the entry point)."""
    return "\n".join([*(_asset(f"js/{part}.js") for part in _JS_PARTS), _asset("pad.js")])


# Defined once at import: registering the same name again on every rerun would be wasteful.
_COMPONENT = st.components.v2.component(
    COMPONENT_NAME,
    html=_asset("pad.html"),
    css=_asset("pad.css"),
    js=_module(),
)


def _floats(name: str, values: Sequence[float], length: int) -> list[float]:
    try:
        out = [float(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a sequence of {length} numbers ({exc})") from None
    if len(out) != length:
        raise ValueError(f"{name} must have {length} values (the model's latent_dim), got {len(out)}")
    if not all(math.isfinite(v) for v in out):
        raise ValueError(f"{name} contains NaN or infinite values")
    return out


def _projection_payload(projection: Projection) -> dict:
    """The plane for pad.js: origin, basis rows, axis labels, and dims [i, j] when it is the plane
    of two latent dimensions (the pad then shows their values and holds the others by name)."""
    dims = projection.dims
    return {
        "origin": projection.origin.tolist(),
        "basis": projection.basis.tolist(),
        "labels": list(projection.labels),
        "dims": list(dims) if dims else None,
    }


def _points_payload(points: tuple[Any, Any], projection: Projection, latent_dim: int) -> dict:
    """{"hash", "n", "xy": base64 float32 (n, 2) interleaved, "labels": base64 uint8 (n,)}."""
    if not isinstance(points, (tuple, list)) or len(points) != 2:
        raise ValueError("points must be a pair (codes float (N, 2) or (N, latent_dim), labels int (N,))")
    codes = np.asarray(points[0], dtype=np.float32)
    labels = np.asarray(points[1]).reshape(-1)
    if codes.ndim != 2 or codes.shape[0] != labels.shape[0]:
        raise ValueError(
            f"points: codes must be (N, 2) or (N, latent_dim) with N labels, got "
            f"{codes.shape} and {labels.shape[0]} labels"
        )
    if codes.shape[1] == latent_dim:
        codes = projection.to_plane(torch.from_numpy(codes)).numpy().astype(np.float32)
    elif codes.shape[1] != 2:
        raise ValueError(f"points: codes must have 2 or {latent_dim} columns, got {codes.shape[1]}")
    keep = np.isfinite(codes).all(axis=1)
    codes, labels = codes[keep], labels[keep]
    # Digits 0-9 keep their colour; anything else is drawn in a neutral colour (index 255).
    labels = np.where((labels >= 0) & (labels <= 9), labels, 255).astype(np.uint8)
    xy = np.ascontiguousarray(codes, dtype="<f4").tobytes()
    lab = labels.tobytes()
    digest = hashlib.sha256(xy + b"|" + lab).hexdigest()
    return {
        "hash": digest,
        "n": int(codes.shape[0]),
        "xy": base64.b64encode(xy).decode("ascii"),
        "labels": base64.b64encode(lab).decode("ascii"),
    }


def _sent() -> set[str]:
    return st.session_state.setdefault(_SENT_KEY, set())


def _resend_everything() -> None:
    """The "need" trigger: the page lacks some cached payload, so send all of them again."""
    st.session_state[_SENT_KEY] = set()


def _normalise_commit(value: Any) -> dict | None:
    if not isinstance(value, dict) or not isinstance(value.get("z"), list):
        return None
    z = [float(v) for v in value["z"]]
    eps_raw = value.get("eps")
    eps = None
    if isinstance(eps_raw, list) and any(e is not None for e in eps_raw):
        eps = [None if e is None else float(e) for e in eps_raw]
    dims = value.get("dims") or [0, 1]
    return {"z": z, "eps": eps, "dims": (int(dims[0]), int(dims[1])), "source": value.get("source")}


def latent_pad(
    spec: dict,
    points: tuple[Any, Any] | None,
    mu: Sequence[float],
    sigma: Sequence[float],
    z: Sequence[float],
    dims: tuple[int, int] = (0, 1),
    key: str = "latent_pad",
    extent: float = 4.0,
    on_commit: Callable[[dict], None] | None = None,
    projection: Projection | None = None,
) -> dict | None:
    """Draw the latent pad; return the z the user committed in the run their release triggered.

    The plane shows the gallery points by digit, the prior N(0, I) at 1σ and 2σ (dashed), q(z|x)
    = N(μ, diag σ²) at 1σ and 2σ around μ, μ, and z as a draggable star. While the user drags
    (mouse, pen or touch) or holds an arrow key, the browser decodes z on every animation frame;
    on release / key-up the new z goes to Python, which reruns the script (or the enclosing
    fragment). For latent_dim > 2 the plane is `projection` (vae_core.maths.projection: the first
    two principal components of the gallery's codes, say) or, by default, the latent dimensions
    dims; a drag moves z on that plane and keeps every coordinate off it.

    Args:
        spec: vae_core.models.export.decoder_spec(model) (cache it, e.g. with st.cache_resource).
        points: (codes, labels) for the background: codes float (N, 2) already on the plane, or
            (N, latent_dim) (projected here); labels int (N,) digits 0-9 (others
            are drawn grey). None for no background.
        mu, sigma: float (latent_dim,) of q(z|x) for the chosen input; sigma = 0 (the AE) means
            ε is undefined: the pad then says "σ = 0: ε has no effect" and moves z directly.
        z: float (latent_dim,) the current z. The pad follows it whenever it differs from the z
            passed on the previous run; pass the committed z back so the two stay in step.
        dims: the two latent dimensions on the plane's x and y axes (0-based, distinct), when no
            projection is given.
        key: Streamlit widget key, unique per pad on the page (also the key in window.__latentPad).
        extent: the plane shows [-extent, extent]² in latent units; drags are clamped to it.
        on_commit: optional callback run *before* the rerun with the commit dict, the place to
            copy z / ε into other widgets' session_state keys (sliders drawn earlier in the
            script cannot be changed after they are drawn).
        projection: the plane to show (overrides dims); points with latent_dim columns are
            projected onto it.
    Returns:
        On the run triggered by a commit: {"z": list[float] (latent_dim,) the full latent
        vector, "eps": list[float | None] (latent_dim,) = (z - mu) / sigma with None where
        sigma = 0, or None when sigma = 0 in every dim, "dims": (i, j) the plane's two latent
        dims ((0, 1) on a PCA plane), "source": "drag" | "key"}.
        On every other run: None.
    Raises:
        ValueError: a spec without hash/latent_dim, mu/sigma/z of the wrong length or not finite,
            sigma < 0, dims not two distinct indices below latent_dim, extent not positive, or
            malformed points.
    """
    if not isinstance(spec, dict) or "hash" not in spec or "latent_dim" not in spec:
        raise ValueError("spec must be a dict from vae_core.models.export.decoder_spec()")
    d = int(spec["latent_dim"])
    mu_l, sigma_l, z_l = _floats("mu", mu, d), _floats("sigma", sigma, d), _floats("z", z, d)
    if any(s < 0 for s in sigma_l):
        raise ValueError("sigma must be >= 0")
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

    sent = _sent()
    spec_payload = spec if spec["hash"] not in sent else {k: spec[k] for k in _SPEC_HEADER_KEYS if k in spec}
    points_payload = None
    if points is not None:
        full = _points_payload(points, projection, d)
        points_payload = full if full["hash"] not in sent else {"hash": full["hash"], "n": full["n"]}

    def _commit_callback() -> None:
        if on_commit is None:
            return
        state = st.session_state.get(key)
        commit = _normalise_commit(state.get("commit") if isinstance(state, dict) else None)
        if commit is not None:
            on_commit(commit)

    data = {
        "key": str(key),
        "spec": spec_payload,
        "points": points_payload,
        "mu": mu_l,
        "sigma": sigma_l,
        "z": z_l,
        "projection": _projection_payload(projection),
        "extent": float(extent),
        "colours": list(DIGIT_COLOURS),
    }
    result = _COMPONENT(key=key, data=data, on_commit_change=_commit_callback, on_need_change=_resend_everything)
    sent.add(spec["hash"])
    if points_payload is not None:
        sent.add(points_payload["hash"])
    return _normalise_commit(result.get("commit"))
