"""Plotly figures of the latent-space sections, as plain functions (no Streamlit), so tests can
call them:

- path_scatter: a gallery's codes by class, each point carrying its gallery row (for clicks),
  with an interpolation path drawn thick and on top, its hole frames marked, the codes near it
  highlighted, zoomed to a square window around the path;
- confidence_curve: the classifier's confidence in each frame of an interpolation, with the
  hole threshold;
- class_spread_bars: how the classifier's verdicts on random decodes spread over the classes.

The decoded latent grid with its z values on the axes is latent_grid_figure.grid_figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..classifier import HOLE, RECOGNISABLE
from ..constants import DIGIT_COLOURS, DIGIT_SYMBOLS
from .layout import fit_title, legend_below
from .plane_window import NEAR_FRACTION, near_path, zoom_box

__all__ = [
    "path_scatter",
    "confidence_curve",
    "class_spread_bars",
    "zoom_box",
    "near_path",
    "NEAR_FRACTION",
    "verdict_colour",
    "HOLE_COLOUR",
]

HOLE_COLOUR = "#d62728"
"""Red: a frame or cell the classifier is not sure of (confidence < HOLE)."""


def verdict_colour(confidence: float) -> str:
    """Green for a recognisable image (>= RECOGNISABLE), orange for an unsure one, red for a hole (< HOLE)."""
    if confidence >= RECOGNISABLE:
        return "#2ca02c"
    return "#ff9f1c" if confidence >= HOLE else HOLE_COLOUR


def path_scatter(
    codes: np.ndarray,
    labels: np.ndarray,
    title: str,
    path: np.ndarray,
    confidence: Sequence[float] | None = None,
    rows: np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    axis_labels: tuple[str, str] = ("z₁", "z₂"),
    zoom: bool = True,
    height: int = 520,
    current: Sequence[float] | None = None,
) -> go.Figure:
    """Codes on a plane with an interpolation path on top, the codes near the path highlighted.

    Args:
        codes: float (N, 2), e.g. the gallery's μ on the plane; labels: int (N,) classes 0-9.
        path: float (S, 2), the interpolation on the same plane (first row A, last row B).
        confidence: optional (S,) classifier confidence of each decoded frame; frames below
            HOLE are drawn as red crosses ("hole").
        rows: int (N,) each point's gallery row (default 0..N-1), stored as the point's
            customdata so a click can make that image the input.
        zoom: axes on the square window zoom_box(path, codes); False shows every code.
        current: optional (2,) code of the current input x on the same plane, drawn as a ring
            "input x" (a clicked point shows where it sits; outside a zoomed window it is not seen).
    Returns:
        plotly Figure: every one of the N codes, so the window, and wherever the learner pans,
        has no empty ground (each point's customdata is its gallery row): one Scattergl trace per
        class of the codes away from the path, then "near the path", the codes within
        NEAR_FRACTION of the window's side from it (near_path), larger, opaque and outlined in
        their class's colour and symbol; then the path (a white casing under a thick black line), "hole"
        frames, and the stars "A" and "B", all WebGL traces too: WebGL draws above SVG, so only a
        later WebGL trace is drawn on top. Zoomed, both axes keep exactly the window's ranges
        (constrain="domain"), whatever else the figure shows (a legend that grows on Reveal
        shrinks the plot, it does not move the ranges). The legend sits at the bottom of the
        figure (legend_below), below the z₁ title.
    """
    codes, labels, path = np.asarray(codes), np.asarray(labels), np.asarray(path)
    rows = np.arange(len(labels)) if rows is None else np.asarray(rows)
    names = list(class_names) if class_names is not None else [str(d) for d in range(10)]
    x_label, y_label = axis_labels
    window = zoom_box(path, codes)
    near = near_path(codes, path, NEAR_FRACTION * (window[0][1] - window[0][0]))
    fig = go.Figure()
    hover = (
        "gallery #%{customdata}: %{text}<br>"
        f"{x_label} = %{{x:.2f}}, {y_label} = %{{y:.2f}}<br><i>click: make it the input</i><extra></extra>"
    )
    for k in range(10):
        sel = (labels == k) & ~near
        if not sel.any():
            continue
        fig.add_trace(
            go.Scattergl(
                x=codes[sel, 0],
                y=codes[sel, 1],
                mode="markers",
                name=names[k],
                customdata=rows[sel],
                text=[names[k]] * int(sel.sum()),
                marker=dict(size=5, color=DIGIT_COLOURS[k], symbol=DIGIT_SYMBOLS[k], opacity=0.5),
                unselected=dict(marker=dict(opacity=0.5)),
                selected=dict(marker=dict(size=11, opacity=1.0)),
                hovertemplate=hover,
            )
        )
    if near.any():
        classes = labels[near].astype(int)
        fig.add_trace(
            go.Scattergl(
                x=codes[near, 0],
                y=codes[near, 1],
                mode="markers",
                name="near the path",
                customdata=rows[near],
                text=[f"{names[k]}, near the path" for k in classes],
                marker=dict(
                    size=8,
                    color=[DIGIT_COLOURS[k] for k in classes],
                    symbol=[DIGIT_SYMBOLS[k] for k in classes],
                    line=dict(color="#222", width=1),
                ),
                unselected=dict(marker=dict(opacity=0.5)),
                selected=dict(marker=dict(size=11, opacity=1.0)),
                hovertemplate=hover,
            )
        )
    frame_text = [f"frame {i + 1}" for i in range(len(path))]
    if confidence is not None:
        frame_text = [f"frame {i + 1}: confidence {c:.2f}" for i, c in enumerate(confidence)]
    fig.add_trace(
        go.Scattergl(
            x=path[:, 0],
            y=path[:, 1],
            mode="lines",
            name="path casing",
            line=dict(color="white", width=9),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scattergl(
            x=path[:, 0],
            y=path[:, 1],
            mode="lines+markers",
            name="path",
            line=dict(color="black", width=4),
            marker=dict(size=8, color="black"),
            text=frame_text,
            hovertemplate="%{text}<extra>path</extra>",
        )
    )
    if confidence is not None:
        holes = np.asarray(confidence) < HOLE
        if holes.any():
            fig.add_trace(
                go.Scattergl(
                    x=path[holes, 0],
                    y=path[holes, 1],
                    mode="markers",
                    name=f"hole (p < {HOLE})",
                    marker=dict(size=15, symbol="x", color=HOLE_COLOUR, line=dict(color="white", width=1.5)),
                    text=[t for t, h in zip(frame_text, holes, strict=True) if h],
                    hovertemplate="%{text}<extra>hole</extra>",
                )
            )
    if current is not None:
        fig.add_trace(
            go.Scattergl(
                x=[float(current[0])],
                y=[float(current[1])],
                mode="markers",
                name="input x",
                marker=dict(size=18, symbol="circle-open", color="black", line=dict(width=3)),
                hovertemplate="the input x now<extra></extra>",
            )
        )
    for name, point in (("A", path[0]), ("B", path[-1])):
        fig.add_trace(
            go.Scattergl(
                x=[point[0]],
                y=[point[1]],
                mode="markers+text",
                name=name,
                text=[name],
                textposition="top center",
                textfont=dict(size=15, color="black"),
                marker=dict(size=20, symbol="star", color="gold", line=dict(color="black", width=1.5)),
                hovertemplate=f"{name}<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, b=10),
        legend=dict(itemsizing="constant"),
        plot_bgcolor="white",
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
        modebar=dict(orientation="v"),  # down the right edge: across the top it covered the title
    )
    fit_title(fig, title)
    legend_below(fig)
    grid = dict(showgrid=True, gridcolor="#eee", zeroline=True, zerolinecolor="#ccc", constrain="domain")
    fig.update_xaxes(title_text=x_label, **grid)
    fig.update_yaxes(title_text=y_label, scaleanchor="x", scaleratio=1, **grid)
    if zoom:
        x_range, y_range = window
        fig.update_xaxes(range=x_range)
        fig.update_yaxes(range=y_range)
    return fig


def confidence_curve(
    confidence: Sequence[float],
    labels: Sequence[int],
    class_names: Sequence[str],
    title: str = "Classifier's confidence per frame",
    height: int = 230,
) -> go.Figure:
    """Confidence (largest class probability, in [0, 1]) of each frame, A to B.

    Each marker is coloured by verdict_colour and labelled with the predicted class; a dashed
    line marks HOLE (frames below it count as holes) and a dotted one RECOGNISABLE.
    Returns a plotly Figure with traces "confidence" (and the threshold lines as shapes).
    """
    confidence = [float(c) for c in confidence]
    frames = list(range(1, len(confidence) + 1))
    names = [class_names[int(k)] for k in labels]
    fig = go.Figure(
        go.Scatter(
            x=frames,
            y=confidence,
            mode="lines+markers+text",
            name="confidence",
            line=dict(color="#555", width=2),
            marker=dict(size=10, color=[verdict_colour(c) for c in confidence], line=dict(color="black", width=1)),
            text=[n if len(n) <= 2 else n[:4] for n in names],
            textposition="top center",
            customdata=names,
            hovertemplate="frame %{x}: looks like %{customdata} (p = %{y:.2f})<extra></extra>",
        )
    )
    fig.add_hline(y=HOLE, line=dict(color=HOLE_COLOUR, dash="dash", width=1.5))
    fig.add_hline(y=RECOGNISABLE, line=dict(color="#2ca02c", dash="dot", width=1))
    fig.add_annotation(
        x=1,
        xref="paper",
        xanchor="right",
        y=HOLE,
        yanchor="top",
        text=f"hole below {HOLE}",
        showarrow=False,
        font=dict(size=11, color=HOLE_COLOUR),
    )
    fig.update_layout(height=height, margin=dict(l=10, r=10, b=10), plot_bgcolor="white", showlegend=False)
    fit_title(fig, title, size=13)
    fig.update_xaxes(title_text="frame (A → B)", dtick=1, range=[0.5, len(frames) + 0.5], showgrid=False)
    fig.update_yaxes(title_text="confidence", range=[0, 1.3], tickvals=[0, HOLE, RECOGNISABLE], gridcolor="#eee")
    return fig


def class_spread_bars(
    counts: dict[str, Sequence[int]], class_names: Sequence[str], title: str, height: int = 300
) -> go.Figure:
    """Grouped bars: for each model (key of counts), how many of its decoded random codes the
    classifier assigns to each class (counts[model] has one integer per class).
    Returns a plotly Figure with one Bar trace per model, named by its key."""
    colours = ["#8c564b", "#1f77b4", "#7f7f7f"]
    fig = go.Figure()
    for i, (name, values) in enumerate(counts.items()):
        total = max(1, sum(values))
        fig.add_trace(
            go.Bar(
                x=list(class_names),
                y=list(values),
                name=name,
                marker_color=colours[i % len(colours)],
                customdata=[v / total for v in values],
                hovertemplate=f"{name}: %{{y}} decodes look like %{{x}} (%{{customdata:.1%}})<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", height=height, margin=dict(l=10, r=10, b=10), plot_bgcolor="white")
    fit_title(fig, title, size=13)
    legend_below(fig)  # above the axes, a phone's narrow column put the legend over the title
    fig.update_xaxes(type="category", title_text="class the classifier sees")
    fig.update_yaxes(title_text="decodes", gridcolor="#eee")
    return fig
