"""Plotly figure of a decoded latent grid, as a plain function (no Streamlit), so tests can call
it: grid_figure draws the grid as one image whose axes carry its cells' z values, each cell
clickable, and optionally each cell's classified class overlaid (coloured by verdict_colour);
tick_every chooses how many of the cells' z values label an axis (the grid PNG in animation.py
uses it too).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..constants import IMAGE_SHAPE
from ..maths.latent import LatentGrid
from .images import tile, to_png
from .latent_space_figures import verdict_colour
from .layout import fit_title

__all__ = ["grid_figure", "tick_every"]


def tick_every(n: int, most: int = 8) -> int:
    """Label every k-th of n grid cells on an axis so that at most `most` labels show."""
    return max(1, -(-n // most))


def grid_figure(
    grid: LatentGrid,
    title: str,
    labels: np.ndarray | None = None,
    confidence: np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    overlay: bool = False,
    scale: int = 2,
    height: int = 580,
) -> go.Figure:
    """A decoded grid as an image whose axes carry the z values of its cells.

    Args:
        grid: a LatentGrid (n_y x n_x images; row 0 is the largest y value).
        labels, confidence: optional (n_y, n_x) classifier verdict on each cell (for hover and
            the overlay).
        overlay: draw each cell's predicted class in its corner, coloured by verdict_colour.
        scale: upscaling of the embedded PNG (nearest neighbour).
    Returns:
        plotly Figure: an Image trace (the grid), then a "cells" Scatter with one invisible,
        clickable marker per cell whose customdata is (row, column, z_x, z_y); with overlay,
        one annotation per cell. Tick labels are the cells' z values, so non-uniform spacing
        (inverse CDF) reads correctly.
    """
    n_y, n_x = grid.images.shape[:2]
    side = IMAGE_SHAPE[-1] * scale
    png = to_png(tile(grid.images.reshape(n_y * n_x, *IMAGE_SHAPE[1:]), n_x, pad=0), scale)
    source = "data:image/png;base64," + base64.b64encode(png).decode()
    x_values = grid.x_axis.tolist()
    y_values = grid.y_axis.flip(0).tolist()  # top row first
    fig = go.Figure(go.Image(source=source, x0=0, y0=0, dx=1, dy=1, hoverinfo="skip"))
    names = list(class_names) if class_names is not None else [str(k) for k in range(10)]
    cx, cy, custom, hover = [], [], [], []
    for i in range(n_y):
        for j in range(n_x):
            cx.append((j + 0.5) * side)
            cy.append((i + 0.5) * side)
            custom.append([i, j, x_values[j], y_values[i]])
            verdict = ""
            if labels is not None and confidence is not None:
                verdict = f"<br>looks like {names[int(labels[i, j])]} (p = {float(confidence[i, j]):.2f})"
            hover.append(
                f"{grid.axis_labels[0]} = {x_values[j]:.2f}, {grid.axis_labels[1]} = {y_values[i]:.2f}{verdict}"
            )
    fig.add_trace(
        go.Scatter(
            x=cx,
            y=cy,
            mode="markers",
            name="cells",
            customdata=custom,
            text=hover,
            marker=dict(size=max(6, min(40, 300 // max(n_x, n_y))), symbol="square", color="rgba(0,0,0,0)"),
            unselected=dict(marker=dict(opacity=0)),
            selected=dict(marker=dict(color="rgba(255,215,0,0.35)")),
            hovertemplate="%{text}<br><i>click: the nearest gallery image becomes the input</i><extra></extra>",
            showlegend=False,
        )
    )
    if overlay and labels is not None and confidence is not None:
        short = [n if len(n) <= 2 else str(k) for k, n in enumerate(names)]
        size = 11 if n_x <= 10 else 10 if n_x <= 15 else 8
        # Set once as plain dicts: 225 add_annotation calls took ~4 s (each validates the layout).
        fig.layout.annotations = [
            dict(
                x=j * side + 2,
                y=i * side + 2,
                xanchor="left",
                yanchor="top",
                showarrow=False,
                text=f"<b>{short[int(labels[i, j])]}</b>",
                bgcolor="rgba(0,0,0,0.6)",
                font=dict(size=size, color=verdict_colour(float(confidence[i, j]))),
                borderpad=1,
            )
            for i in range(n_y)
            for j in range(n_x)
        ]
    fig.update_xaxes(**_cell_axis(grid.axis_labels[0], x_values, side, downwards=False))
    fig.update_yaxes(**_cell_axis(grid.axis_labels[1], y_values, side, downwards=True), scaleanchor="x", scaleratio=1)
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, b=10),
        plot_bgcolor="white",
        clickmode="event+select",
        dragmode=False,
        hovermode="closest",
    )
    return fit_title(fig, title, size=14)


def _cell_axis(title: str, values, side: float, downwards: bool) -> dict:
    """A grid axis's layout: one tick per tick_every cells at the cells' centres, labelled with the
    latent values (2 decimals), over the n cells of the given side (downwards: the first at the top)."""
    n = len(values)
    shown = range(0, n, tick_every(n))
    return dict(
        title_text=title,
        tickvals=[(i + 0.5) * side for i in shown],
        ticktext=[f"{values[i]:.2f}" for i in shown],
        showgrid=False,
        zeroline=False,
        range=[n * side, 0] if downwards else [0, n * side],
    )
