"""Plotly figures for the explorer, as plain functions (no Streamlit), so tests can call them.

- latent_scatter: codes of a gallery coloured by digit (Scattergl), with an optional
  interpolation path and marked points.
- posterior_plane: the 2-D latent plane around one input: the prior N(0, I) at 1 and 2 sigma,
  the posterior q(z|x) = N(mu, diag(sigma^2)) at 1 and 2 sigma, mu, and the sample
  z = mu + sigma * eps with the arrow sigma * eps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..constants import DIGIT_COLOURS, DIGIT_SYMBOLS

__all__ = ["DIGIT_COLOURS", "latent_scatter", "posterior_plane", "ellipse_xy"]


def ellipse_xy(center: Sequence[float], radii: Sequence[float], points: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """x, y of an axis-aligned ellipse (the contour of a diagonal Gaussian at radii = k * sigma)."""
    t = np.linspace(0.0, 2.0 * math.pi, points)
    return center[0] + radii[0] * np.cos(t), center[1] + radii[1] * np.sin(t)


def _contour(center: Sequence[float], radii: Sequence[float], name: str, line: dict, **extra) -> go.Scatter:
    """The contour of a diagonal Gaussian (an axis-aligned ellipse) as a line trace."""
    x, y = ellipse_xy(center, radii)
    return go.Scatter(x=x, y=y, mode="lines", name=name, hoverinfo="skip", line=line, **extra)


def _layout(
    fig: go.Figure, title: str, dims: tuple[int, int], height: int, axis_labels: tuple[str, str] | None = None
) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.02, font=dict(size=15)),
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(itemsizing="constant", font=dict(size=11)),
        plot_bgcolor="white",
        hovermode="closest",
    )
    grid = dict(showgrid=True, gridcolor="#eee", zeroline=True, zerolinecolor="#ccc")
    x_label, y_label = axis_labels or (f"z{dims[0] + 1}", f"z{dims[1] + 1}")
    fig.update_xaxes(title_text=x_label, **grid)
    fig.update_yaxes(title_text=y_label, scaleanchor="x", scaleratio=1, **grid)
    return fig


def latent_scatter(
    codes: np.ndarray,
    labels: np.ndarray,
    title: str,
    dims: tuple[int, int] = (0, 1),
    path: np.ndarray | None = None,
    highlight: dict[str, Sequence[float]] | None = None,
    height: int = 460,
    opacity: float = 0.55,
    axis_labels: tuple[str, str] | None = None,
    class_names: Sequence[str] | None = None,
) -> go.Figure:
    """Scatter of latent codes by class.

    Args:
        codes: float (N, latent_dim) (numpy or tensor), e.g. the encoder means mu of a gallery.
        labels: int (N,) classes 0-9.
        title: figure title.
        dims: which two columns of codes (and of path and highlight) to plot.
        axis_labels: the axes' titles (default "z{i+1}", "z{j+1}"); e.g. ("PC1", "PC2") for codes
            already projected onto a plane (vae_core.maths.projection).
        class_names: the ten class names for the legend and hover (default the digits).
        path: optional float (S, latent_dim), an interpolation path drawn as a line with markers.
        highlight: optional {name: z} points drawn as large stars (e.g. the two endpoints).
    Returns:
        plotly Figure: one Scattergl trace per digit (its colour and marker symbol:
        vae_core.constants), then "path" and highlight traces.
    """
    codes, labels = np.asarray(codes), np.asarray(labels)
    names = list(class_names) if class_names is not None else [str(d) for d in range(10)]
    x_label, y_label = axis_labels or (f"z{dims[0] + 1}", f"z{dims[1] + 1}")
    fig = go.Figure()
    for digit in range(10):
        sel = labels == digit
        if not sel.any():
            continue
        fig.add_trace(
            go.Scattergl(
                x=codes[sel, dims[0]],
                y=codes[sel, dims[1]],
                mode="markers",
                name=names[digit],
                marker=dict(size=5, color=DIGIT_COLOURS[digit], symbol=DIGIT_SYMBOLS[digit], opacity=opacity),
                hovertemplate=f"{names[digit]}<br>{x_label}=%{{x:.2f}}<br>{y_label}=%{{y:.2f}}<extra></extra>",
            )
        )
    if path is not None:
        path = np.asarray(path)
        fig.add_trace(
            go.Scatter(
                x=path[:, dims[0]],
                y=path[:, dims[1]],
                mode="lines+markers",
                name="path",
                line=dict(color="black", width=2),
                marker=dict(size=6, color="black"),
            )
        )
    for name, z in (highlight or {}).items():
        fig.add_trace(
            go.Scatter(
                x=[z[dims[0]]],
                y=[z[dims[1]]],
                mode="markers+text",
                name=name,
                text=[name],
                textposition="top center",
                marker=dict(size=16, symbol="star", color="gold", line=dict(color="black", width=1.5)),
            )
        )
    return _layout(fig, title, dims, height, axis_labels)


def posterior_plane(
    mu: Sequence[float],
    sigma: Sequence[float],
    z: Sequence[float],
    dims: tuple[int, int] = (0, 1),
    background: np.ndarray | None = None,
    background_labels: np.ndarray | None = None,
    title: str = "Latent plane",
    extent: float | None = None,
    height: int = 430,
) -> go.Figure:
    """The sample z = mu + sigma * eps on the latent plane, with q(z|x) and the prior for scale.

    Args:
        mu, sigma, z: float (latent_dim,) posterior mean, standard deviation, and sample.
        dims: the two dimensions shown (others are held and not drawn).
        background: optional float (N, latent_dim) gallery codes drawn faintly by digit.
    Returns:
        plotly Figure with traces named "prior 1σ", "prior 2σ", "q(z|x) 1σ", "q(z|x) 2σ",
        "μ", "σ⊙ε", "z" (the posterior ellipses are omitted where sigma = 0, as for an AE).
    """
    i, j = dims
    fig = go.Figure()
    if background is not None and background_labels is not None:
        background, background_labels = np.asarray(background), np.asarray(background_labels)
        for digit in range(10):
            sel = background_labels == digit
            fig.add_trace(
                go.Scattergl(
                    x=background[sel, i],
                    y=background[sel, j],
                    mode="markers",
                    name=str(digit),
                    showlegend=False,
                    hoverinfo="skip",
                    marker=dict(size=3, color=DIGIT_COLOURS[digit], symbol=DIGIT_SYMBOLS[digit], opacity=0.25),
                )
            )
    for k, dash in ((1, "dash"), (2, "dot")):
        fig.add_trace(_contour((0.0, 0.0), (k, k), f"prior {k}σ", dict(color="#888", dash=dash, width=1.2)))
    if sigma[i] > 0 or sigma[j] > 0:
        for k, width in ((1, 2.5), (2, 1.5)):
            fig.add_trace(
                _contour(
                    (mu[i], mu[j]),
                    (k * sigma[i], k * sigma[j]),
                    f"q(z|x) {k}σ",
                    dict(color="#d62728", width=width),
                    fill="toself" if k == 1 else None,
                    fillcolor="rgba(214,39,40,0.08)",
                )
            )
    fig.add_trace(
        go.Scatter(x=[mu[i]], y=[mu[j]], mode="markers", name="μ", marker=dict(size=9, color="#d62728", symbol="x"))
    )
    fig.add_trace(
        go.Scatter(x=[mu[i], z[i]], y=[mu[j], z[j]], mode="lines", name="σ⊙ε", line=dict(color="#444", width=1.5))
    )
    fig.add_trace(
        go.Scatter(
            x=[z[i]],
            y=[z[j]],
            mode="markers",
            name="z",
            marker=dict(size=15, symbol="star", color="gold", line=dict(color="black", width=1.5)),
            hovertemplate="z = (%{x:.3f}, %{y:.3f})<extra></extra>",
        )
    )
    if extent is None:
        extent = max(3.0, 1.15 * max(abs(float(v)) for v in (mu[i], mu[j], z[i], z[j])) + 0.5)
    _layout(fig, title, dims, height)
    fig.update_xaxes(range=[-extent, extent])
    fig.update_yaxes(range=[-extent, extent])
    return fig
