"""The latent-space sections' measurements, cached: the classifier, the holes measure of each
model, the endpoints it picks, and judged interpolations and grids (vae_core.holes).

Everything here is keyed by model file paths and plain numbers, so one server process computes
each measurement once for every session (st.cache_data / st.cache_resource).
"""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st
import torch

from ui.resources import gallery_codes, get_gallery, get_model
from ui.views.planes import projection
from vae_core.classifier import RECOGNISABLE, Classifier, classifiers_dir, find_classifier, judge, load_classifier
from vae_core.constants import IMAGE_SHAPE
from vae_core.holes import default_pair, hole_pairs, path_verdict, random_code_report
from vae_core.holes.stored import read_measures, stored_pair
from vae_core.inference.codes import latent_grid
from vae_core.maths.latent import code_box, interpolation_path, inverse_cdf_axis, linear_axis

__all__ = [
    "get_classifier",
    "holes_report",
    "slerp_centre",
    "measured_default",
    "measured_pairs",
    "judged_path",
    "judged_grid",
    "INVERSE_CDF_SPACING",
    "LINEAR_SPACING",
]

INVERSE_CDF_SPACING = "z = Φ⁻¹(u), u evenly spaced on [0.05, 0.95] (Kingma & Welling 2014, fig. 4)"
LINEAR_SPACING = "linear over the 1st–99th percentile box of the gallery's codes"


def get_classifier(dataset: str) -> Classifier | None:
    """The shipped classifier of dataset (models/classifiers/, under $VAE_EXPLORER_MODELS_DIR if
    set), or None if there is none."""
    return _classifier(dataset, str(classifiers_dir()))


@st.cache_resource(show_spinner="Loading the classifier…")
def _classifier(dataset: str, folder: str) -> Classifier | None:
    path = find_classifier(dataset, folder)
    return load_classifier(path) if path is not None else None


@st.cache_data(show_spinner="Decoding 1,000 random codes of each model…", max_entries=32)
def holes_report(path: str) -> dict | None:
    """vae_core.holes.random_code_report of the model at path, seed 0, as a dict (recognisable,
    class_entropy_bits, n, counts, source); None without a classifier. The same numbers as
    ``python -m vae_core.holes``; read from the record stored beside the model when it is current
    (vae_core.holes.stored), else computed."""
    model = get_model(path)
    stored = read_measures(path, model.dataset, len(get_gallery(model.dataset).labels))  # made when shipped
    if stored is not None:
        return stored["holes_report"]
    classifier = get_classifier(model.dataset)
    if classifier is None:
        return None
    codes = torch.from_numpy(gallery_codes(path)[0]) if model.kind == "ae" else None
    return asdict(random_code_report(model, classifier, codes, seed=0))


def slerp_centre(path: str) -> torch.Tensor:
    """The centre slerp turns about: the prior's mean 0 for a VAE, the mean of its gallery codes
    for an AE (the centre of the Gaussian fitted to them; an AE has no prior)."""
    model = get_model(path)
    if model.kind == "vae":
        return torch.zeros(model.latent_dim)
    return torch.from_numpy(gallery_codes(path)[0]).mean(0)


@st.cache_data(show_spinner="Measuring paths from a 2 to a 9 under both models…", max_entries=16)
def measured_default(ae_path: str, vae_path: str) -> dict | None:
    """The default endpoints (vae_core.holes.default_pair) as a PairScore dict, or None; read from
    the VAE's stored record when it is current for both files (vae_core.holes.stored)."""
    ae, vae = get_model(ae_path), get_model(vae_path)
    rows = len(get_gallery(vae.dataset).labels)
    found, stored = stored_pair(read_measures(vae_path, vae.dataset, rows), ae_path)  # made when shipped
    if found:
        return stored
    classifier = get_classifier(ae.dataset)
    if classifier is None:
        return None
    gallery = get_gallery(ae.dataset)
    pair = default_pair(ae, vae, classifier, gallery.images, gallery.labels)
    return asdict(pair) if pair is not None else None


@st.cache_data(show_spinner="Measuring paths between every pair of classes…", max_entries=16)
def measured_pairs(ae_path: str, vae_path: str) -> list[dict]:
    """Pairs whose AE path crosses a hole, one per pair of classes, best first (hole_pairs)."""
    ae, vae = get_model(ae_path), get_model(vae_path)
    classifier = get_classifier(ae.dataset)
    if classifier is None:
        return []
    gallery = get_gallery(ae.dataset)
    return [asdict(p) for p in hole_pairs(ae, vae, classifier, gallery.images, gallery.labels)]


@st.cache_data(show_spinner=False, max_entries=64)
def judged_path(path: str, row_a: int, row_b: int, steps: int, method: str) -> dict:
    """The interpolation from gallery row_a to row_b under the model at path.

    Returns {"line": float (steps, latent_dim), "frames": float (steps, 1, 28, 28), and, with a
    classifier, "confidence" and "labels" (steps,) lists; otherwise those two are None}.
    """
    model = get_model(path)
    images = get_gallery(model.dataset).images
    with torch.no_grad():
        mu, _ = model.encode(images[[row_a, row_b]])
        line = interpolation_path(mu[0], mu[1], steps, method, slerp_centre(path))
        classifier = get_classifier(model.dataset)
        if classifier is None:
            return {"line": line.numpy(), "frames": model.decode(line).numpy(), "confidence": None, "labels": None}
        frames, verdict = path_verdict(model, classifier, line)
    return {
        "line": line.numpy(),
        "frames": frames.numpy(),
        "confidence": verdict.confidence.tolist(),
        "labels": verdict.labels.tolist(),
    }


@st.cache_data(show_spinner=False, max_entries=32)
def judged_grid(path: str, n: int, spacing: str, choice: tuple, base: tuple[float, ...]) -> dict:
    """The decoded n x n grid on the chosen plane (off-plane coordinates held at base), and the
    classifier's verdict on every cell.

    spacing: "inverse-cdf" (z = Φ⁻¹(u), u even on [0.05, 0.95]) or "linear" (over the box of the
    gallery's codes). Returns {"images" float (n, n, 28, 28), "x_axis", "y_axis" (n,),
    "spacing", "axis_labels", "description", "labels" and "confidence" (n, n) or None}.
    """
    model = get_model(path)
    plane = projection(path, choice)
    base_t = torch.tensor(base, dtype=torch.float32)
    if spacing == "inverse-cdf":
        axis = inverse_cdf_axis(n)
        grid = latent_grid(model, axis, axis, INVERSE_CDF_SPACING, base=base_t, projection=plane)
    else:
        low, high = code_box(plane.to_plane(torch.from_numpy(gallery_codes(path)[0])))
        x_axis = linear_axis(n, float(low[0]), float(high[0]))
        y_axis = linear_axis(n, float(low[1]), float(high[1]))
        grid = latent_grid(model, x_axis, y_axis, LINEAR_SPACING, base=base_t, projection=plane)
    result = {
        "images": grid.images.numpy(),
        "x_axis": grid.x_axis.numpy(),
        "y_axis": grid.y_axis.numpy(),
        "spacing": grid.spacing,
        "axis_labels": grid.axis_labels,
        "description": grid.describe(),
        "labels": None,
        "confidence": None,
    }
    classifier = get_classifier(model.dataset)
    if classifier is not None:
        verdict = judge(classifier, grid.images.reshape(n * n, *IMAGE_SHAPE))
        result["labels"] = verdict.labels.reshape(n, n).numpy()
        result["confidence"] = verdict.confidence.reshape(n, n).numpy()
    return result


def missing_classes(labels, confidence, classes: int = 10) -> list[int]:
    """Classes no cell of a grid shows: none of its cells is recognised as them with p >= 0.9.
    labels, confidence: (n, n) arrays of the classifier's verdicts."""
    present = {int(k) for k, c in zip(labels.ravel(), confidence.ravel(), strict=True) if c >= RECOGNISABLE}
    return [k for k in range(classes) if k not in present]
