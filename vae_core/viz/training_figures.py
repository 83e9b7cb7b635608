"""Figures of live training (the Train page), as plain functions (no Streamlit).

- race_figure: -ELBO on the training and test images after every epoch, one colour per run,
  so runs with different gradient estimators race on one chart.
- variance_figure: the variance of each run's encoder-gradient estimate per optimizer step,
  on a log axis (Mohamed et al. 2020, section 3.2: estimators compared by their variance).
- training_scatter: the latent codes of the fixed test images on fixed axes, so that redrawn
  after each epoch the picture animates rather than rescales.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from .figures import latent_scatter
from .maths_style import COLOURS, style

__all__ = ["RunCurves", "ESTIMATOR_COLOURS", "race_figure", "variance_figure", "training_scatter", "axis_limit"]

ESTIMATOR_COLOURS = {
    "pathwise": COLOURS["pathwise"],
    "score_function": COLOURS["score_function"],
    "score_function_baseline": "#bcbd22",
    "blocked": "#7f7f7f",
    "ae": "#8c564b",
}
"""One colour per way of training the encoder (pathwise and score function as in the Maths lab)."""
OFF_CHART = 1.6
"""The race chart's y axis stops at 1.6 x the lowest -ELBO when some value lies above that."""
DASHES = ("solid", "dot", "dash", "longdash", "dashdot")


@dataclass(frozen=True)
class RunCurves:
    """One run's curves: label (legend), colour key (an ESTIMATOR_COLOURS key), and per epoch
    its number, train and test -ELBO (nats/image); per step the gradient variance."""

    label: str
    colour_key: str
    epochs: Sequence[int]
    train: Sequence[float]
    test: Sequence[float]
    steps: Sequence[int] = ()
    variance: Sequence[float] = ()


def _dash(runs: Sequence[RunCurves], index: int) -> str:
    """Runs of the same colour are told apart by the dash of their lines."""
    same = sum(r.colour_key == runs[index].colour_key for r in runs[:index])
    return DASHES[same % len(DASHES)]


def race_figure(runs: Sequence[RunCurves], height: int = 380) -> go.Figure:
    """-ELBO against epoch for every run: the test images as lines with markers, the training
    images as thin lines of the same colour (legend group per run). Lower is better.

    Returns a Figure with two Scatter traces per run ("<label>, test", "<label>, train").
    """
    fig = go.Figure()
    for i, run in enumerate(runs):
        colour, dash = ESTIMATOR_COLOURS.get(run.colour_key, "#333333"), _dash(runs, i)
        fig.add_trace(
            go.Scatter(
                x=list(run.epochs),
                y=list(run.test),
                mode="lines+markers",
                name=f"{run.label}, test",
                legendgroup=run.label,
                line=dict(color=colour, width=2.5, dash=dash),
                marker=dict(size=5),
                hovertemplate="epoch %{x}<br>test −ELBO %{y:.1f} nats<extra>" + run.label + "</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=list(run.epochs),
                y=list(run.train),
                mode="lines",
                name=f"{run.label}, train",
                legendgroup=run.label,
                line=dict(color=colour, width=1, dash=dash),
                opacity=0.6,
                hovertemplate="epoch %{x}<br>train −ELBO %{y:.1f} nats<extra>" + run.label + "</extra>",
            )
        )
    style(fig, "−ELBO per epoch (nats; lower is better)", height)
    fig.update_xaxes(title_text="epoch", rangemode="tozero")
    fig.update_yaxes(title_text="−ELBO (nats)")
    values = [v for run in runs for v in (*run.train, *run.test) if math.isfinite(v)]
    if values and max(values) > OFF_CHART * min(values):
        # A diverging run (the score function's can reach 10^4 nats) would flatten every other curve.
        low, cap = min(values), OFF_CHART * min(values)
        fig.update_yaxes(range=[low - 0.05 * (cap - low), cap])
        fig.add_annotation(
            text=f"values above {cap:.0f} nats are off the chart (largest: {max(values):,.0f})",
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=11, color="#b00"),
        )
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def variance_figure(runs: Sequence[RunCurves], height: int = 340) -> go.Figure:
    """Per step, the variance of each run's estimate of d reconstruction / d(mu, sigma), log y.

    Runs without positive values (blocked: exactly 0; an AE: no sampling) get no trace: a log
    axis cannot show 0. Returns a Figure with one Scatter trace per run with values: SVG lines
    (a run has at most a few thousand steps), not WebGL, which a browser without a GPU renders in
    software on every redraw (each point on the race redraws this chart).
    """
    fig = go.Figure()
    for i, run in enumerate(runs):
        points = [(s, v) for s, v in zip(run.steps, run.variance, strict=True) if v > 0 and math.isfinite(v)]
        if not points:
            continue
        steps, values = zip(*points, strict=True)
        fig.add_trace(
            go.Scatter(
                x=list(steps),
                y=list(values),
                mode="lines",
                name=run.label,
                line=dict(color=ESTIMATOR_COLOURS.get(run.colour_key, "#333333"), width=1.5, dash=_dash(runs, i)),
                hovertemplate="step %{x}<br>variance %{y:.3g}<extra>" + run.label + "</extra>",
            )
        )
    style(fig, "Encoder gradient variance per step", height)
    fig.update_xaxes(title_text="optimizer step", rangemode="tozero")
    fig.update_yaxes(title_text="variance (log scale)", type="log", exponentformat="power")
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def axis_limit(codes: np.ndarray | None, previous: float = 4.0) -> float:
    """A half-width for the scatter's square axes that only grows: at least `previous` (4 = four
    prior standard deviations) and the 99th percentile of |code| (a few far-flung codes may fall
    outside), rounded up to a whole number."""
    if codes is None or len(codes) == 0:
        return previous
    spread = float(np.nanpercentile(np.abs(codes), 99))
    return max(previous, math.ceil(spread * 1.1)) if math.isfinite(spread) else previous


def training_scatter(
    codes: np.ndarray, labels: np.ndarray, title: str, limit: float, class_names: Sequence[str], height: int = 440
) -> go.Figure:
    """latent_scatter of the test images' codes (float (N, 2)) on the fixed square [-limit, limit]^2."""
    fig = latent_scatter(codes, labels, title, height=height, class_names=class_names, opacity=0.7)
    fig.update_xaxes(range=[-limit, limit], autorange=False)
    fig.update_yaxes(range=[-limit, limit], autorange=False)
    return fig
