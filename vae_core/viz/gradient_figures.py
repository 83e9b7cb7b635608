"""Figures of the gradient estimators (Mohamed, Rosca, Figurnov & Mnih 2020, JMLR, section 3
figures, sections 4-5; Kingma & Welling 2014, section 2.4), as plain functions (no Streamlit).

- gradient_flow_figure: d log p(x|z) / d mu_j and / d sigma_j through z = mu + sigma * eps, next
  to the detached .sample() path, where they do not exist.
- variance_figure: variance of the M-sample pathwise and score-function estimates against M,
  log-log, with the closed form for the quadratic.
- lotus_figure: running means of f(z) with z sampled directly or as mu + sigma * eps (LOTUS).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..inference.gradient_flow import GradientFlowComparison
from ..maths.estimators import ESTIMATORS
from ..maths.lotus import LotusResult
from ..maths.variance import VarianceCurve
from .layout import legend_below
from .maths_style import COLOURS, ESTIMATOR_NAMES, PARAMETER_NAMES, style

__all__ = ["gradient_flow_figure", "variance_figure", "lotus_figure", "NO_GRADIENT_NOTE", "GRADIENT_DIGITS"]


def _fmt(values) -> list[str]:
    return [f"{float(v):+.3f}" for v in values]


GRADIENT_DIGITS = 2
"""Decimals of the values printed on the gradient bars (the hover gives 3): on a phone's column two
bars share ~60 px, and "−53.997" twice did not fit side by side."""

NO_GRADIENT_NOTE = "no gradient<br>reaches μ or σ:<br>mu.grad is None,<br>sigma.grad is None"
"""What the detached panel says where autograd returns no gradient: one note, in short lines that a
phone's half-column holds, in place of a "None" printed under every bar."""


def gradient_flow_figure(comparison: GradientFlowComparison, height: int = 380) -> go.Figure:
    """Per-dimension d log p(x|z)/d mu_j and d/d sigma_j for the two ways of drawing z, side by side.

    Args:
        comparison: vae_core.gradients.GradientFlowComparison.
    Returns:
        Figure with two subplots. Left (reparameterized): Bar traces "∂/∂μ" and "∂/∂σ" with one bar
        per latent dimension, each value printed on its bar (GRADIENT_DIGITS decimals). Right
        (sampled): where autograd returned no gradient, bars of height 0 that print nothing (their
        hover says None) and one note in the middle of the panel (NO_GRADIENT_NOTE); the values,
        where it returned some. The legend sits below the axes (layout.legend_below).
    """
    rep, smp = comparison
    d = len(rep.z)
    dims = [f"z{j + 1}" for j in range(d)]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        subplot_titles=("reparameterized:<br>z = μ + σ ⊙ ε", "detached:<br>z = Normal(μ, σ).sample()"),
    )
    fig.update_annotations(font_size=13)  # the subplot titles: each gets half a (phone's) column
    colours = ("#1f77b4", "#ff7f0e")
    for col, flow in ((1, rep), (2, smp)):
        for i, (name, grad) in enumerate((("∂/∂μ", flow.grad_mu), ("∂/∂σ", flow.grad_sigma))):
            values = [0.0] * d if grad is None else [float(g) for g in grad]
            hover = ["None"] * d if grad is None else _fmt(values)
            fig.add_trace(
                go.Bar(
                    x=dims,
                    y=values,
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    marker_color=colours[i],
                    text=[""] * d if grad is None else [f"{v:+.{GRADIENT_DIGITS}f}" for v in values],
                    textposition="outside",
                    textfont=dict(size=11),
                    customdata=hover,
                    hovertemplate=f"{name} log p(x|z), %{{x}}: %{{customdata}}<extra>{flow.path}</extra>",
                ),
                row=1,
                col=col,
            )
        if flow.grad_mu is None and flow.grad_sigma is None:
            axis = "" if col == 1 else str(col)
            fig.add_annotation(
                text=NO_GRADIENT_NOTE,
                xref=f"x{axis} domain",
                yref=f"y{axis} domain",
                x=0.5,
                y=0.5,
                yanchor="middle",
                showarrow=False,
                font=dict(size=13, color="#d62728"),
            )
    # A gap between the two bars of a dimension: each bar's value is printed as wide as its bar.
    fig.update_layout(barmode="group", bargroupgap=0.15)
    fig.update_yaxes(title_text="∂ log p(x|z) (nats per unit)", row=1, col=1)
    return legend_below(style(fig, "Gradient of log p(x|z) w.r.t. μ and σ", height))


def variance_figure(
    curve: VarianceCurve,
    closed_form: dict[str, tuple[float, float]] | None = None,
    cost_label: str = "f",
    height: int = 420,
) -> go.Figure:
    """Variance of the M-sample gradient estimates against M, log-log, one panel per parameter.

    Args:
        curve: vae_core.gradients.VarianceCurve (empirical variance across repeats).
        closed_form: optional {"pathwise": (var_mu, var_sigma), "score_function": (...)}
            single-sample variances; drawn as dashed lines Var / M (the quadratic's closed form).
        cost_label: text of f for the title.
    Returns:
        Figure with two subplots (∂/∂μ, ∂/∂σ), both axes of type "log"; traces named
        "<estimator's name>" (measured, markers) and "<estimator's name>, closed form" (dashed
        lines), the names of ESTIMATOR_NAMES.
    """
    ms = np.asarray(curve.num_samples)
    fig = make_subplots(rows=1, cols=2, subplot_titles=tuple(f"{p} E[f]" for p in PARAMETER_NAMES))
    for col in (1, 2):
        for est in ESTIMATORS:
            fig.add_trace(
                go.Scatter(
                    x=ms,
                    y=curve.variance[est][:, col - 1],
                    mode="lines+markers",
                    name=ESTIMATOR_NAMES[est],
                    legendgroup=est,
                    showlegend=col == 1,
                    line=dict(color=COLOURS[est]),
                    hovertemplate=f"{ESTIMATOR_NAMES[est]}<br>M = %{{x}}: variance %{{y:.3g}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
            if closed_form is not None:
                fig.add_trace(
                    go.Scatter(
                        x=ms,
                        y=closed_form[est][col - 1] / ms,
                        mode="lines",
                        name=f"{ESTIMATOR_NAMES[est]}, closed form",
                        legendgroup=est,
                        showlegend=col == 1,
                        line=dict(color=COLOURS[est], dash="dash"),
                        hovertemplate=f"closed form Var/M = %{{y:.3g}}<extra>{ESTIMATOR_NAMES[est]}</extra>",
                    ),
                    row=1,
                    col=col,
                )
    # dtick=1: a label per decade only (the default labels 2 and 5 of every decade crowd a narrow panel).
    fig.update_xaxes(type="log", dtick=1, title_text="M (samples averaged)")
    fig.update_yaxes(type="log", dtick=1)
    fig.update_yaxes(title_text="variance of the estimate", row=1, col=1)  # once: the second overlapped the first
    # One item a row below the axes: side by side, the long names ran into each other.
    return legend_below(
        style(
            fig,
            f"Estimator variance for f(z) = {cost_label} ({curve.num_repeats} repeats per M"
            f"{'; dashed: closed form' if closed_form is not None else ''})",
            height,
        ),
        orientation="v",
    )


def _log_spaced(n: int, points: int = 400) -> np.ndarray:
    return np.unique(np.geomspace(1, n, num=min(points, n)).round().astype(int)) - 1


def lotus_figure(
    result: LotusResult, exact: float | None = None, cost_label: str = "f", height: int = 380
) -> go.Figure:
    """Running means of f(z) against M for z sampled directly and for z = mu + sigma * eps.

    Args:
        result: vae_core.gradients.LotusResult. exact: optional E_q[f(z)] drawn as a line.
        cost_label: text of f for the title.
    Returns:
        Figure with traces "direct", "reparameterized" (and "exact"), x axis of type "log";
        at most about 400 log-spaced points per curve.
    """
    idx = _log_spaced(len(result.num_samples))
    m = result.num_samples[idx]
    fig = go.Figure()
    for name, values, colour, label in (
        ("sampling z ∼ N(μ, σ²)", result.direct, COLOURS["score_function"], "z ~ Normal(μ, σ).sample()"),
        ("sampling ε, z = μ + σ·ε", result.reparameterized, COLOURS["pathwise"], "z = μ + σ·ε, ε ~ N(0, 1)"),
    ):
        fig.add_trace(
            go.Scatter(
                x=m,
                y=values[idx],
                mode="lines",
                name=name,
                line=dict(color=colour),
                hovertemplate=f"{label}<br>M = %{{x}}: mean %{{y:.4f}}<extra></extra>",
            )
        )
    if exact is not None:
        fig.add_trace(
            go.Scatter(
                x=[m[0], m[-1]],
                y=[exact, exact],
                mode="lines",
                name="exact E[f]",
                line=dict(color=COLOURS["exact"], dash="dash"),
                hovertemplate="exact E[f] = %{y:.4f}<extra></extra>",
            )
        )
    fig.update_xaxes(type="log", title_text="M (samples)")
    fig.update_yaxes(title_text="running mean of f(z)")
    return style(fig, f"LOTUS: E_q[{cost_label}] by sampling z, or ε mapped to z", height)
