"""What the pipeline component (ui/latent_pad.py) sends and receives, as plain data: checked
vectors, the plane, the gallery points (base64 float32), the decoder's weights (one binary Arrow
column), the sample cloud, the heat-map, the classifier's verdict on x̂, and the commit it sends
back. No Streamlit here."""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import torch

from vae_core.maths.projection import Projection
from vae_core.models.export import packed_weights

MAX_CLOUD = 200
"""Most samples the cloud may hold (each is drawn in both planes and decoded in the browser)."""
CLOUD_SIZES = (0, 1, 10, 50, 200)
"""Choices for K, the size of the sample cloud (the Samples K slider's and a link's)."""
assert max(CLOUD_SIZES) <= MAX_CLOUD


def floats(name: str, values: Sequence[float], length: int) -> list[float]:
    try:
        out = [float(v) for v in np.asarray(values, dtype=np.float64).reshape(-1)]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a sequence of {length} numbers ({exc})") from None
    if len(out) != length:
        raise ValueError(f"{name} must have {length} values (the model's latent_dim), got {len(out)}")
    if not all(math.isfinite(v) for v in out):
        raise ValueError(f"{name} contains NaN or infinite values")
    return out


def projection_payload(projection: Projection) -> dict:
    """The plane for pad.js: origin, basis rows, axis labels, and dims [i, j] when it is the plane
    of two latent dimensions (the pad then shows their values and holds the others by name)."""
    dims = projection.dims
    return {
        "origin": projection.origin.tolist(),
        "basis": projection.basis.tolist(),
        "labels": list(projection.labels),
        "dims": list(dims) if dims else None,
    }


def points_payload(points: tuple[Any, Any], projection: Projection, latent_dim: int) -> tuple[dict, pa.Table]:
    """({"hash", "n"}, an Arrow table with float32 columns "x", "y" (the codes on the plane) and
    uint8 "label" (255 for anything but 0-9)): the gallery points, sent binary like the weights."""
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
    codes = np.ascontiguousarray(codes, dtype="<f4")
    digest = hashlib.sha256(codes.tobytes() + b"|" + labels.tobytes()).hexdigest()
    table = pa.table({"x": pa.array(codes[:, 0]), "y": pa.array(codes[:, 1]), "label": pa.array(labels)})
    return {"hash": digest, "n": int(codes.shape[0])}, table


def window_payload(window: Any, name: str = "window") -> list[float] | None:
    """A z-plane view [cx, cy, half] (centre and half-width, latent units) as three finite floats
    with half > 0, or None for None. Raises ValueError naming `name` otherwise."""
    if window is None:
        return None
    try:
        cx, cy, half = (float(v) for v in window)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be three numbers [cx, cy, half], got {window!r}") from None
    if not all(math.isfinite(v) for v in (cx, cy, half)) or half <= 0:
        raise ValueError(f"{name} must be finite with a positive half-width, got {window!r}")
    return [cx, cy, half]


def weights_table(spec: dict) -> tuple[str, pa.Table]:
    """The decoder's weights as one Arrow column "w" (float16 bit patterns as uint16, or float32)."""
    dtype, flat = packed_weights(spec)
    column = flat.view("<u2") if dtype == "float16" else flat
    return dtype, pa.table({"w": pa.array(column)})


def cloud_payload(cloud: Any, latent_dim: int) -> tuple[dict, pa.Table] | None:
    """({"hash", "k", "d"}, an Arrow table with one float64 column "eps": the K draws ε_k row after
    row, rounded to 4 places) for a cloud of K <= MAX_CLOUD rows of latent_dim numbers, or None.

    Raises:
        ValueError: not (K, latent_dim) with K <= MAX_CLOUD, or a value that is not finite.
    """
    if cloud is None:
        return None
    array = np.asarray(cloud, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != latent_dim or array.shape[0] > MAX_CLOUD:
        raise ValueError(f"cloud must be (K, {latent_dim}) with K <= {MAX_CLOUD}, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError("cloud contains NaN or infinite values")
    flat = np.ascontiguousarray(np.round(array, 4).reshape(-1), dtype="<f8")
    digest = hashlib.sha256(flat.tobytes() + str(array.shape).encode()).hexdigest()
    return {"hash": digest, "k": int(array.shape[0]), "d": latent_dim}, pa.table({"eps": pa.array(flat)})


def verdict_payload(verdict: Any, latent_dim: int) -> dict | None:
    """The classifier's verdict on the decoded image of one z, for the pad's spoken description:
    {"z": latent_dim floats, "label": the class name, "confidence": in [0, 1]} checked, or None.

    Raises:
        ValueError: z not latent_dim finite numbers, an empty label, or a confidence outside [0, 1].
    """
    if verdict is None:
        return None
    label = str(verdict["label"])
    confidence = float(verdict["confidence"])
    if not label or not (0.0 <= confidence <= 1.0):
        raise ValueError(f"verdict needs a class name and a confidence in [0, 1], got {label!r}, {confidence!r}")
    return {"z": floats("verdict z", verdict["z"], latent_dim), "label": label, "confidence": confidence}


def heat_payload(heat: Any) -> dict | None:
    if heat is None:
        return None
    box = [float(v) for v in heat["box"]]
    if len(box) != 4 or not all(math.isfinite(v) for v in box) or box[1] <= box[0] or box[3] <= box[2]:
        raise ValueError(f"heat box must be [x0, x1, y0, y1] with x0 < x1, y0 < y1, got {box}")
    peak = [float(v) for v in heat["peak"]] if heat.get("peak") is not None else None
    return {"src": "data:image/png;base64," + base64.b64encode(heat["png"]).decode("ascii"), "box": box, "peak": peak}
