"""The explorer page: the reparameterization playground, latent space, interpolation, grids.

Follow one input: the sidebar picks x; the encoder gives mu(x), sigma(x); the sliders set
mu, sigma and eps; z = mu + sigma * eps is drawn on the plane and decoded. Below, the VAE's
latent space is laid next to the plain autoencoder's; its charts are drawn once the learner
scrolls down to them (ui/below_fold.py), so the pipeline is ready first.
"""

from __future__ import annotations

import streamlit as st

from ui.kept import choices
from ui.pages.explorer.latent_space import grid_section, interpolation_section
from ui.pages.explorer.playground import playground
from ui.selection import Selection
from ui.views import below_fold
from ui.views.planes import plane_choice

SECTIONS = ("1 · The reparameterization", "2 · Latent spaces", "3 · Decoded grids")
"""The Explorer's sections; presentation mode shows one at a time."""


def render(selection: Selection) -> None:
    """The whole explorer page for the sidebar's selection; in presentation mode one section at a
    time, picked above it, and no page title, so the pipeline row fits a projector's screen."""
    if not choices().presentation:
        st.title("VAE Latent Explorer")
        choice = playground(selection)
        st.divider()
        below_fold.sentinel()  # the charts of sections 2-3 wait for the learner to scroll here
        interpolation_section(selection, choice)
        st.divider()
        grid_section(selection, choice)
        return
    shown = st.segmented_control("Section", SECTIONS, default=SECTIONS[0], key="present_section") or SECTIONS[0]
    if shown == SECTIONS[0]:
        playground(selection)
        return
    choice = plane_choice((selection.vae or selection.ae)["latent_dim"])
    below_fold.sentinel()
    if shown == SECTIONS[1]:
        interpolation_section(selection, choice)
    else:
        grid_section(selection, choice)
