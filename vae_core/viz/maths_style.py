"""What the maths lab's figures share: error bars, colours, names of the estimators, the layout."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from .layout import fit_title

__all__ = ["ERROR_BAR_SE", "COLOURS", "ESTIMATOR_NAMES", "PARAMETER_NAMES", "style", "error_bar"]

ERROR_BAR_SE = 2.0
"""Error bars span +- this many standard errors (about a 95% interval)."""
COLOURS = {
    "pathwise": "#1f77b4",
    "score_function": "#ff7f0e",
    "reconstruction": "#2ca02c",
    "kl": "#d62728",
    "elbo": "#1f77b4",
    "iwae": "#9467bd",
    "exact": "#444444",
}
ESTIMATOR_NAMES = {"pathwise": "pathwise (reparameterization)", "score_function": "score function (REINFORCE)"}
PARAMETER_NAMES = ("∂/∂μ", "∂/∂σ")


def style(fig: go.Figure, title: str, height: int) -> go.Figure:
    """The maths figures' look: the title wrapped to fit a phone's column with a top margin that
    holds it and any subplot titles (layout.fit_title), white plot, light grid. In place; returns fig."""
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, b=10), plot_bgcolor="white", legend=dict(font=dict(size=11))
    )
    fit_title(fig, title)
    fig.update_xaxes(showgrid=True, gridcolor="#eee", zeroline=True, zerolinecolor="#ccc")
    fig.update_yaxes(showgrid=True, gridcolor="#eee", zeroline=True, zerolinecolor="#ccc")
    return fig


def error_bar(se: float) -> dict:
    value = 0.0 if se is None or not math.isfinite(se) else ERROR_BAR_SE * se
    return dict(type="data", array=[value], visible=True)
