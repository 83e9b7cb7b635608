"""Clicks on charts that change the input: a scatter point or a grid cell becomes the sidebar's x.

st.plotly_chart(on_select=callback, selection_mode="points") hands the clicked point (with its
customdata) to a callback. The callback sets the sidebar's gallery input (ui.kept.show_gallery_row)
and raises a flag; the section, a fragment, then reruns the whole app (rerun_if_picked), so the
sidebar and the playground follow. Each handled click bumps a counter that is part of the
charts' keys, so the next run draws fresh charts with no stale selection.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st
import torch

from ui.kept import show_gallery_row
from ui.views.planes import nearest_gallery_row, projection

__all__ = ["chart_key", "pick_point", "pick_cell", "rerun_if_picked"]

_PICKED = "_latent_picked"
_NONCE = "_latent_pick_nonce"


def chart_key(base: str) -> str:
    """The key of a clickable chart: base plus the count of handled clicks."""
    return f"{base}_{st.session_state.get(_NONCE, 0)}"


def _points(key: str) -> list[dict]:
    state = st.session_state.get(key)
    selection = getattr(state, "selection", None) or (state or {}).get("selection", {})
    return list(selection.get("points", [])) if selection else []


def _handled(row: int, dataset: str) -> None:
    show_gallery_row(row)
    st.session_state[_PICKED] = row
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1


def pick_point(key: str, dataset: str) -> Callable[[], None]:
    """on_select callback of a path_scatter: the clicked point's customdata is a gallery row."""

    def callback() -> None:
        for point in _points(key):
            data = point.get("customdata")
            row = data[0] if isinstance(data, list) else data
            if isinstance(row, (int, float)) and not isinstance(row, bool):
                _handled(int(row), dataset)
                return

    return callback


def pick_cell(key: str, dataset: str, path: str, choice: tuple, base: tuple[float, ...]) -> Callable[[], None]:
    """on_select callback of a grid_figure: the clicked cell's customdata is (row, column, x, y)
    on the plane; the gallery image whose code is nearest that cell's z becomes the input."""

    def callback() -> None:
        for point in _points(key):
            data = point.get("customdata")
            if isinstance(data, list) and len(data) == 4:
                plane = projection(path, choice)
                z = plane.lift(torch.tensor([data[2:]], dtype=torch.float64), torch.tensor(base)).float()[0]
                _handled(nearest_gallery_row(path, np.asarray(z)), dataset)
                return

    return callback


def rerun_if_picked() -> None:
    """In a fragment: after a click changed the input, rerun the whole app."""
    if st.session_state.pop(_PICKED, None) is not None:
        st.rerun()
