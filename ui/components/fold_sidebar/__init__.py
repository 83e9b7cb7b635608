"""Presentation mode folds the sidebar away: a browser component that presses Streamlit's « once.

API: ``fold_sidebar(token)`` mounts an empty element (no room on the page) while presentation mode
is on; `token` counts the times it was turned on in this session. Each time the page receives a
token it has not folded for (the switch turned on, a ``present=1`` link opened, the page reloaded),
the component presses the sidebar's own collapse button « if the sidebar is open, exactly as the
teacher would; a sidebar opened again with » stays open. (set_page_config's
initial_sidebar_state is not enough: once a browser has opened or closed the sidebar by hand,
Streamlit keeps that choice in localStorage and ignores the initial state in every later tab.)
It sends no message. Frontend: frontend/fold_sidebar.{html,css,js}.
"""

from __future__ import annotations

import streamlit as st

from ui.components.assets import frontend_component

__all__ = ["fold_sidebar"]

_FOLD = frontend_component("fold_sidebar", __file__, "fold_sidebar")


def fold_sidebar(token: int) -> None:
    """In the sidebar: fold it once for this token (an int >= 1, new each time presentation mode
    turns on)."""
    with st.sidebar:
        _FOLD(key="fold_sidebar", data={"token": int(token)})
