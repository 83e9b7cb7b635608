"""The plane a latent space with latent_dim > 2 is drawn on: the user's choice, and its projection.

Shared by the playground's pad and the latent-space sections, so all of them show the same plane.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from ui.resources import gallery_codes, get_model
from vae_core.maths.projection import Projection, axes_projection, pca_projection

PLANE_PCA = "PCA of the gallery's codes"


def plane_choice(latent_dim: int) -> tuple:
    """For latent_dim > 2, the user's plane: ("pca",) or ("dims", i, j); ("dims", 0, 1) for 2-D."""
    if latent_dim <= 2:
        return ("dims", 0, 1)
    c1, c2, c3 = st.columns([1.4, 1, 1])
    kind = c1.radio(
        "Plane of the latent space shown",
        [PLANE_PCA, "two latent dimensions"],
        key="plane_kind",
        help=f"A {latent_dim}-D space is drawn on a plane: its first two principal components, or two "
        "chosen dimensions. Off the plane, every coordinate is held at the input's code.",
    )
    if kind == PLANE_PCA:
        return ("pca",)
    i = c2.selectbox("x axis", range(latent_dim), 0, format_func=lambda k: f"z{k + 1}", key="plane_i")
    j = c3.selectbox("y axis", range(latent_dim), 1, format_func=lambda k: f"z{k + 1}", key="plane_j")
    if i == j:
        st.error("Pick two different latent dimensions for the plane.")
        return ("dims", 0, 1)
    return ("dims", i, j)


@st.cache_resource(show_spinner=False, max_entries=64)
def projection(path: str, choice: tuple) -> Projection:
    """The plane of choice for the model at path (PCA of its own gallery codes, or two dims)."""
    if choice[0] == "pca":
        return pca_projection(torch.from_numpy(gallery_codes(path)[0]))
    return axes_projection(get_model(path).latent_dim, choice[1], choice[2])


def slider_bounds(path: str, kind: str) -> tuple[float, float]:
    """(mu_range, sigma_max) wide enough for every gallery code of this model."""
    mu, sigma = gallery_codes(path)
    mu_range = max(4.0, float(np.ceil(np.abs(mu).max() * 1.1)))
    sigma_max = 0.0 if kind == "ae" else max(1.5, float(np.ceil(sigma.max() * 20) / 10))
    return mu_range, sigma_max


def nearest_gallery_row(path: str, z: np.ndarray) -> int:
    """The gallery row whose code μ under the model at path is nearest z float (latent_dim,)."""
    codes = gallery_codes(path)[0]
    return int(np.argmin(((codes - np.asarray(z, dtype=np.float32)) ** 2).sum(1)))
