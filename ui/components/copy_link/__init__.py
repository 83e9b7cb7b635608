"""The "Copy link to this view" button: a browser component that copies the page's URL.

API: ``copy_link_button()`` draws it in the sidebar with a caption. The page keeps the query string
in step with the view (ui.links), so the URL is the view's link; where the browser refuses the
clipboard (plain http on another host) the link is shown selected instead. It sends no message.
Frontend: frontend/copy_link.{html,css,js}.
"""

from __future__ import annotations

import streamlit as st

from ui.components.assets import frontend_component

__all__ = ["copy_link_button"]

_COPY_LINK = frontend_component("copy_link", __file__, "copy_link")


def copy_link_button() -> None:
    """A sidebar button that copies the page's URL (this view's link) to the clipboard; where the
    browser refuses the clipboard (plain http on another host) it shows the link selected."""
    with st.sidebar:
        _COPY_LINK(key="copy_link")
        st.caption(
            "The link reopens this view: the page, models, input, μ, σ, ε, zoom, Samples K, the posterior "
            "and presentation mode (on the Tour: the step, its μ, σ, ε and the answer). An uploaded picture "
            "stays here."
        )
