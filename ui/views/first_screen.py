"""The first screen of a page that opens on the pipeline row (the Explorer, the Tour): less empty
space above the content and, on a short screen (a projector's 1280 × 720), a smaller page title, so
that the row, its formula line and the Tour's Back / Next fit without scrolling (the pipeline pad
sizes its planes to the room left: ui/components/latent_pad/frontend/layout.css)."""

from __future__ import annotations

import streamlit as st

FIRST_SCREEN_CSS = """<style>
/* Streamlit starts the main column 6rem down, under its 3.75rem header bar: 4.5rem leaves a gap.
   From 641 px (where a phone's own narrow margins end) to 1500 px wide (a projector, a laptop) its
   5rem margins left and right shrink to 2.5rem. */
[data-testid="stMainBlockContainer"] { padding-top: 4.5rem; }
@media (min-width: 641px) and (max-width: 1500px) {
  [data-testid="stMainBlockContainer"] { padding-left: 2.5rem; padding-right: 2.5rem; }
}
/* A short screen: the page title at 2rem (from 2.75rem), less padding round the headings, and
   0.75rem between the elements (from 1rem). */
@media (max-height: 820px) {
  [data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding: 0.25rem 0 0.5rem; }
  [data-testid="stMainBlockContainer"] h2 { padding: 0.25rem 0 0.5rem; }
  [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.75rem; }
}
</style>"""
"""The style: Streamlit's own element names (data-testid), in rem so presentation mode's larger
root font scales it too."""


def fit_first_screen() -> None:
    """Put FIRST_SCREEN_CSS on the page (a style-only st.html takes no room on it)."""
    st.html(FIRST_SCREEN_CSS)
