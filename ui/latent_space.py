"""Sections 2 and 3 of the explorer: the latent spaces with an interpolation, and decoded grids,
the plain autoencoder next to the VAE.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from vae_core.maths.latent import code_box, interpolate, inverse_cdf_axis, latent_grid, linear_axis, nearest_distance
from vae_core.viz.figures import latent_scatter
from vae_core.viz.images import tile, to_png

from .planes import projection
from .state import Selection, encode_input, gallery_codes, gallery_index, get_gallery, get_model, load_or_explain


def _endpoint(label: str, default_digit: int, key: str, selection: Selection) -> int:
    c1, c2 = st.columns(2)
    names = selection.class_names
    digit = c1.selectbox(
        f"{label}: class", list(range(10)), index=default_digit, format_func=names.__getitem__, key=f"{key}_digit"
    )
    index = c2.number_input(f"{label}: index", 0, 499, 0, key=f"{key}_index")
    return gallery_index(digit, int(index), selection.dataset)


@st.cache_data(show_spinner=False, max_entries=64)
def _interpolation(path: str, index_a: int, index_b: int, steps: int) -> tuple[np.ndarray, bytes, list[float]]:
    """(path in latent space (steps, d), PNG strip, each frame's RMS distance to the nearest real
    gallery image) for one model."""
    model = get_model(path)
    images = get_gallery(model.dataset).images
    with torch.no_grad():
        mu, _ = model.encode(images[[index_a, index_b]])
        line = interpolate(mu[0], mu[1], steps)
        decoded = model.decode(line)
    return line.numpy(), to_png(tile(decoded, steps), 3), nearest_distance(decoded, images).tolist()


@st.fragment
def interpolation_section(selection: Selection, choice: tuple = ("dims", 0, 1)) -> None:
    """Latent scatters of both models and the decoded straight line between two inputs."""
    st.subheader("2 · Latent space and interpolation")
    st.markdown(
        "Each dot is one gallery image's code (μ), coloured by class. The black line is a "
        "straight path between two codes; below, its decoded images. Nothing asks a plain AE "
        "to fill the space between its clusters, so look for frames that resemble no real "
        "image; the VAE's KL term packs its codes around N(0, I)."
    )
    c1, c2, c3 = st.columns([1, 1, 0.8])
    with c1:
        index_a = _endpoint("From", 2, f"interp_a_{selection.dataset}", selection)
    with c2:
        index_b = _endpoint("To", 9, f"interp_b_{selection.dataset}", selection)
    steps = c3.slider("Steps", 3, 16, 10, key="interp_steps")
    gallery = get_gallery(selection.dataset)
    labels = gallery.labels.numpy()

    models = [("ae", "Plain autoencoder (AE)", selection.ae), ("vae", "VAE", selection.vae)]
    columns = st.columns(2, gap="large")
    for column, (kind, title, entry) in zip(columns, models, strict=True):
        with column:
            if load_or_explain(entry, title) is None:
                continue
            line, strip, distances = _interpolation(entry["path"], index_a, index_b, steps)
            codes, _ = gallery_codes(entry["path"])
            plane = projection(entry["path"], choice)
            flat = plane.to_plane(torch.from_numpy(line)).numpy()
            fig = latent_scatter(
                plane.to_plane(torch.from_numpy(codes)).numpy(),
                labels,
                f"{title}: latent space (μ of {len(labels):,} images)",
                path=flat,
                highlight={"A": flat[0], "B": flat[-1]},
                axis_labels=plane.labels,
                class_names=selection.class_names,
            )
            st.plotly_chart(fig, width="stretch", key=f"interp_{kind}_scatter")
            st.image(strip, caption=f"{title}: decoded path, A → B", width="stretch", output_format="PNG")
            st.caption(
                f"How far each frame is from the nearest of the {len(labels):,} real images (RMS "
                f"pixel distance): worst {max(distances):.3f}, mean {np.mean(distances):.3f}. "
                "Frames in a hole of the latent space resemble no real image."
            )


@st.cache_data(show_spinner=False, max_entries=32)
def _grid(path: str, n: int, spacing: str, choice: tuple, base: tuple[float, ...]) -> tuple[bytes, str]:
    """(PNG of the decoded n x n grid on the chosen plane, off-plane coordinates held at base,
    and the sentence stating its range and spacing)."""
    model = get_model(path)
    plane = projection(path, choice)
    base_t = torch.tensor(base, dtype=torch.float32)
    if spacing == "inverse-cdf":
        axis = inverse_cdf_axis(n)
        grid = latent_grid(
            model, axis, axis, "z = Φ⁻¹(u), u evenly spaced on [0.05, 0.95]", base=base_t, projection=plane
        )
    else:
        low, high = code_box(plane.to_plane(torch.from_numpy(gallery_codes(path)[0])))
        grid = latent_grid(
            model,
            linear_axis(n, float(low[0]), float(high[0])),
            linear_axis(n, float(low[1]), float(high[1])),
            "linear over the 1st–99th percentile box of the gallery's codes",
            base=base_t,
            projection=plane,
        )
    return to_png(tile(grid.images.reshape(n * n, 28, 28), n, pad=0), 2), grid.describe()


@st.fragment
def grid_section(selection: Selection, choice: tuple = ("dims", 0, 1)) -> None:
    """Decoded n x n grids over the latent plane, AE next to VAE."""
    st.subheader("3 · Latent grids")
    st.markdown(
        "Decode a regular grid of z values. The VAE's grid uses the prior's own scale: "
        "Kingma & Welling (2014, fig. 4) space points through the inverse Gaussian CDF, so "
        "each cell holds equal prior mass. The AE has no prior, so its grid spans the box "
        "its codes fill."
    )
    c1, c2 = st.columns([1, 2])
    n = c1.slider("Grid size n", 5, 25, 15, key="grid_n")
    vae_spacing = c2.radio(
        "VAE spacing",
        ["inverse-cdf", "linear"],
        horizontal=True,
        key="grid_spacing",
        format_func={
            "inverse-cdf": "Φ⁻¹ of an even grid (Kingma & Welling)",
            "linear": "linear over the codes' box",
        }.get,
    )
    latent_dim = get_model((selection.vae or selection.ae)["path"]).latent_dim
    if latent_dim > 2:
        st.caption("Off the plane, every coordinate is held at the input's code μ(x) under each model.")
    columns = st.columns(2, gap="large")
    for column, (_kind, title, entry, spacing) in zip(
        columns,
        [("ae", "Plain autoencoder (AE)", selection.ae, "linear"), ("vae", "VAE", selection.vae, vae_spacing)],
        strict=True,
    ):
        with column:
            if load_or_explain(entry, title) is None:
                continue
            model = get_model(entry["path"])
            base = tuple(encode_input(model, selection.x)[0]) if latent_dim > 2 else (0.0,) * latent_dim
            png, description = _grid(entry["path"], n, spacing, choice, base)
            st.image(png, caption=f"{title}: {description}", width="stretch", output_format="PNG")
