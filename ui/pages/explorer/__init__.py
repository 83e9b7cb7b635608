"""The explorer page: the reparameterization playground, latent space, interpolation, grids.

Follow one input: the sidebar picks x; the encoder gives mu(x), sigma(x); the sliders set
mu, sigma and eps; z = mu + sigma * eps is drawn on the plane and decoded. Below, the VAE's
latent space is laid next to the plain autoencoder's; its charts are drawn once the learner
scrolls down to them (ui/below_fold.py), so the pipeline is ready first.
"""

from __future__ import annotations

import streamlit as st

from ui.pages.explorer.latent_space import grid_section, interpolation_section
from ui.pages.explorer.playground import playground
from ui.selection import Selection
from ui.views import below_fold


def render(selection: Selection) -> None:
    """The whole explorer page for the sidebar's selection."""
    st.title("VAE Latent Explorer")
    choice = playground(selection)
    st.divider()
    below_fold.sentinel()  # the charts of sections 2-3 wait for the learner to scroll here
    interpolation_section(selection, choice)
    st.divider()
    grid_section(selection, choice)
