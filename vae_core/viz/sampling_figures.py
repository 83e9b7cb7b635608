"""Figure of inverse-CDF sampling (Devroye 1986, chapter II.2), a plain function (no Streamlit):
the CDF with u -> z = F^-1(u) marked, and a histogram of samples against the density.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from ..maths import inverse_cdf
from .maths_style import COLOURS, style

__all__ = ["inverse_cdf_figure"]


MAX_RANGE_IN_IQR = 20.0
"""The plotted range is the central 99 % of the distribution, but at most this many interquartile
ranges wide: for the Cauchy the central 99 % spans ±64 scales, and 60 bins over that would be
two scales wide, flattening the peak to half its density; the cut samples are counted."""


def _plot_range(dist: str, params: dict) -> tuple[float, float]:
    levels = torch.tensor([0.005, 0.25, 0.5, 0.75, 0.995], dtype=torch.float64)
    low, q1, median, q3, high = (float(v) for v in inverse_cdf.sample(dist, levels, **params))
    half = MAX_RANGE_IN_IQR * (q3 - q1) / 2
    low, high = max(low, median - half), min(high, median + half)
    pad = 0.05 * (high - low)
    low = 0.0 if dist == "exponential" else low - pad
    return low, high + pad


def inverse_cdf_figure(dist: str, params: dict, u: float, samples, bins: int = 60, height: int = 400) -> go.Figure:
    """Left: the CDF F with u on the y axis mapped to z = F^-1(u). Right: histogram of samples vs density.

    The x range holds the central 99% of the distribution, at most MAX_RANGE_IN_IQR interquartile
    ranges wide (plus a margin); the histogram is a density over that range normalised by the
    total number of samples, so it matches the density even for the Cauchy's heavy tails (samples
    outside the range are counted in the title).

    Args:
        dist: a name of vae_core.inverse_cdf.DISTRIBUTIONS. params: its parameters.
        u: the level in (0, 1) to mark. samples: float array or tensor (N,) of draws.
        bins: histogram bins.
    Returns:
        Figure with two subplots and traces "cdf", "u → z" (guide lines and marker),
        "histogram" (Bar) and "density".
    Raises:
        ValueError: as for inverse_cdf.sample (bad dist, parameters or u).
    """
    z_u = float(inverse_cdf.sample(dist, torch.tensor([float(u)], dtype=torch.float64), **params)[0])
    low, high = _plot_range(dist, params)
    grid = torch.linspace(low, high, 400, dtype=torch.float64)
    samples = np.asarray(samples, dtype=np.float64).ravel()
    counts, edges = np.histogram(samples, bins=bins, range=(low, high))
    density = counts / (max(len(samples), 1) * np.diff(edges))
    outside = int(len(samples) - counts.sum())
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(
            f"CDF: u = {u:.3f} → z = F⁻¹(u) = {z_u:.3f}",
            f"{len(samples):,} samples z = F⁻¹(u) vs density",
        ),
    )
    fig.add_trace(
        go.Scatter(
            x=grid.numpy(),
            y=inverse_cdf.cdf(dist, grid, **params).numpy(),
            mode="lines",
            name="cdf",
            line=dict(color=COLOURS["pathwise"]),
            hovertemplate="z = %{x:.3f}: F(z) = %{y:.3f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[low, z_u, z_u],
            y=[u, u, 0.0],
            mode="lines+markers",
            name="u → z",
            line=dict(color=COLOURS["kl"], dash="dot"),
            marker=dict(size=[0, 11, 8]),
            hovertemplate="u = %{y:.3f}, z = %{x:.3f}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=0.5 * (edges[:-1] + edges[1:]),
            y=density,
            width=np.diff(edges),
            name="histogram",
            marker_color="#aec7e8",
            hovertemplate="z ≈ %{x:.3f}: %{y:.4f}<extra>histogram</extra>",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=grid.numpy(),
            y=inverse_cdf.pdf(dist, grid, **params).numpy(),
            mode="lines",
            name="density",
            line=dict(color=COLOURS["exact"]),
            hovertemplate="z = %{x:.3f}: density %{y:.4f}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.update_xaxes(title_text="z", range=[low, high])
    fig.update_yaxes(title_text="u = F(z)", range=[0, 1.02], row=1, col=1)
    fig.update_yaxes(title_text="density", row=1, col=2)
    note = f" ({outside:,} samples lie outside the plotted range)" if outside else ""
    return style(fig, f"Inverse-CDF sampling: {dist}{note}", height)
