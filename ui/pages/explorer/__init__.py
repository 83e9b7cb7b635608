"""The explorer page: the reparameterization playground, latent space, interpolation, grids.

Follow one input: the sidebar picks x; the encoder gives mu(x), sigma(x); the sliders set
mu, sigma and eps; z = mu + sigma * eps is drawn on the plane and decoded. Below, the VAE's
latent space is laid next to the plain autoencoder's; those sections are drawn while the learner
is near them (ui/views/below_fold.py), so every click above reruns a light page.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui.kept import choices
from ui.pages.explorer.latent_space import PATHS_TITLE, grid_section, interpolation_section, path_widget_keys
from ui.pages.explorer.playground import playground
from ui.selection import Selection
from ui.views import below_fold
from ui.views.first_screen import fit_first_screen
from ui.views.latent_grids import GRID_WIDGET_KEYS, GRIDS_TITLE
from ui.views.planes import plane_choice

SECTIONS = ("1 · The reparameterization", "2 · Latent spaces", "3 · Decoded grids")
"""The Explorer's sections; presentation mode shows one at a time."""
PATHS_HEIGHT, GRIDS_HEIGHT = 2150, 1200
"""About the heights (CSS pixels, 1440 px wide) of sections 2 and 3, for their placeholders: the
page keeps about its length while they wait below the first screen."""


def render(selection: Selection) -> None:
    """The whole explorer page for the sidebar's selection; in presentation mode one section at a
    time, picked above it, and no page title, so the pipeline row fits a projector's screen."""
    fit_first_screen()
    if not choices().presentation:
        st.title("VAE Latent Explorer")
        choice = playground(selection)
        st.divider()
        below_fold.sentinel()  # sections 2-3 are drawn while the learner is near them
        below_fold.section(
            partial(interpolation_section, selection, choice),
            key="section_paths",
            title=PATHS_TITLE,
            height=PATHS_HEIGHT,
            keep=path_widget_keys(selection.dataset),
        )
        st.divider()
        below_fold.section(
            partial(grid_section, selection, choice),
            key="section_grids",
            title=GRIDS_TITLE,
            height=GRIDS_HEIGHT,
            keep=GRID_WIDGET_KEYS,
        )
        return
    shown = (
        st.segmented_control(
            "Section", SECTIONS, default=SECTIONS[0], key="present_section", label_visibility="collapsed"
        )
        or SECTIONS[0]
    )
    if shown == SECTIONS[0]:
        playground(selection)
        return
    choice = plane_choice((selection.vae or selection.ae)["latent_dim"])
    below_fold.sentinel()
    if shown == SECTIONS[1]:
        interpolation_section(selection, choice)
    else:
        grid_section(selection, choice)
