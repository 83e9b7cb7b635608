"""Section 3 of the explorer: decoded grids of the latent plane, AE next to VAE, with axes in z,
the spacing stated, each cell's class overlaid on request, the classes missing from each grid,
a click on a cell making the nearest gallery image the input, and PNG downloads.
"""

from __future__ import annotations

from functools import partial

import streamlit as st
import torch

from ui.resources import encode_input, get_model, load_or_explain
from ui.selection import Selection
from ui.views import below_fold
from ui.views.chart_picks import chart_key, pick_cell, rerun_if_picked
from ui.views.judged import judged_grid, missing_classes
from vae_core.classifier import RECOGNISABLE
from vae_core.maths.latent import LatentGrid
from vae_core.viz.animation import grid_png
from vae_core.viz.latent_grid_figure import grid_figure

__all__ = ["grid_section", "as_latent_grid", "GRID_WIDGET_KEYS", "GRIDS_TITLE"]

GRID_MODELS = (("ae", "Plain autoencoder (AE)"), ("vae", "VAE"))
GRID_HEIGHT = 580
GRIDS_TITLE = "3 · Latent grids"
GRID_WIDGET_KEYS = ("grid_n", "grid_spacing", "grid_overlay")
"""Section 3's widgets with a value: kept while the section waits below the first screen."""
"""A grid figure's height in pixels (its placeholder keeps the same room)."""


def as_latent_grid(data: dict) -> LatentGrid:
    """The LatentGrid of a ui.judged.judged_grid result (its numpy arrays back as tensors)."""
    return LatentGrid(
        torch.from_numpy(data["images"]),
        torch.from_numpy(data["x_axis"]),
        torch.from_numpy(data["y_axis"]),
        data["spacing"],
        tuple(data["axis_labels"]),
    )


def _grid_png(
    path: str, n: int, spacing: str, choice: tuple, base: tuple, title: str, overlay: bool, names: tuple
) -> bytes:
    """The PNG of one model's grid, made when the download is asked for, from judged_grid's cache.

    The download button's callable holds only these small arguments: a closure over the grid kept
    each closed session's copy of both grids (~1.4 MB) alive for Streamlit's 120 s reconnect window,
    which made a class's server grow by ~100 MB over five classes (benchmarks/load.py --cycles 5)."""
    data = judged_grid(path, n, spacing, choice, base)
    grid = as_latent_grid(data)
    labels, confidence = (data["labels"], data["confidence"]) if overlay else (None, None)
    return grid_png(grid, f"{title}: {n}x{n} grid, {grid.spacing}", labels, confidence, names)


@st.fragment
def grid_section(selection: Selection, choice: tuple = ("dims", 0, 1)) -> None:
    """Decoded n x n grids over the latent plane, AE next to VAE."""
    rerun_if_picked()
    st.subheader(GRIDS_TITLE)
    st.markdown(
        "Decode a regular grid of z values. The VAE's grid uses the prior's own scale: Kingma & Welling "
        "(2014, fig. 4) space points through the inverse Gaussian CDF, so each cell holds equal prior mass. "
        "The AE has no prior, so its grid spans the box its codes fill. The axes give each column's and "
        "row's z; **click a cell** to make the gallery image whose code is nearest that z the input."
    )
    c1, c2, c3 = st.columns([1, 1.6, 1.1])
    n = c1.slider("Grid size n", 5, 25, 15, key=GRID_WIDGET_KEYS[0])
    vae_spacing = c2.radio(
        "VAE spacing",
        ["inverse-cdf", "linear"],
        horizontal=True,
        key=GRID_WIDGET_KEYS[1],
        format_func={
            "inverse-cdf": "Φ⁻¹ of an even grid (Kingma & Welling)",
            "linear": "linear over the codes' box",
        }.get,
    )
    overlay = c3.toggle(
        "Show what the classifier sees",
        key=GRID_WIDGET_KEYS[2],
        help="Each cell's predicted class in its corner: green if the classifier is ≥ 90 % sure, orange if "
        "50–90 %, red below 50 % (a hole).",
    )
    latent_dim = get_model((selection.vae or selection.ae)["path"]).latent_dim
    if latent_dim > 2:
        st.caption("Off the plane, every coordinate is held at the input's code μ(x) under each model.")
    names = selection.class_names
    missing: dict[str, list[int] | None] = {}
    columns = st.columns(2, gap="large")
    for column, (kind, title) in zip(columns, GRID_MODELS, strict=True):
        entry = getattr(selection, kind)
        spacing = "linear" if kind == "ae" else vae_spacing
        with column:
            model = load_or_explain(entry, title)
            if model is None:
                continue
            base = tuple(encode_input(model, selection.x)[0]) if latent_dim > 2 else (0.0,) * latent_dim
            data = judged_grid(entry["path"], n, spacing, choice, base)
            grid = as_latent_grid(data)
            labels, confidence = data["labels"], data["confidence"]
            key = chart_key(f"grid_{kind}")
            below_fold.chart(
                partial(
                    grid_figure,
                    grid,
                    f"{title}: decoded grid",
                    labels,
                    confidence,
                    names,
                    overlay=overlay,
                ),
                key=key,
                height=GRID_HEIGHT,
                on_select=pick_cell(key, selection.dataset, entry["path"], choice, base),
                selection_mode="points",
                width="stretch",
                config={"displayModeBar": False},
            )
            st.caption(f"{title}: {data['description']}.")
            if labels is not None:
                recognised = int((confidence >= RECOGNISABLE).sum())
                missing[kind] = missing_classes(labels, confidence)
                st.markdown(f"{recognised} of {n * n} cells recognisable (p ≥ {RECOGNISABLE}).")
            st.download_button(
                f"Download the {kind.upper()} grid (PNG)",
                data=partial(_grid_png, entry["path"], n, spacing, choice, base, title, overlay, names),
                file_name=f"{entry['name']}-grid-{n}x{n}-{spacing}.png",
                mime="image/png",
                icon=":material/download:",
                on_click="ignore",
                key=f"grid_{kind}_png",
            )
    if missing:
        thing = "Digits" if selection.dataset == "mnist" else "Classes"
        parts = [
            f"{thing.lower() if i else thing} missing from the {kind.upper()} grid: "
            f"**{', '.join(names[k] for k in classes) if classes else 'none'}**"
            for i, (kind, classes) in enumerate(missing.items())
        ]
        st.warning(
            "; ".join(parts) + f" (no cell recognised as them with p ≥ {RECOGNISABLE}).",
            icon=":material/search:",
        )
