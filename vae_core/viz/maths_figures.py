"""Plotly figures for the maths lab, as plain functions of computed numbers (no Streamlit).

One function per view; each takes results of vae_core.maths (bounds, the
estimators, lotus, gradient_flow, inverse_cdf) and returns a plotly.graph_objects.Figure:

- elbo_figure: reconstruction E_q[log p(x|z)], KL and ELBO (and L_k) as bars with +-2 SE error
  bars (Kingma & Welling 2014, eq. 3; Burda, Grosse & Salakhutdinov 2016, eq. 8).
- iwae_figure: L_k against k on a log axis, with the ELBO for reference (Burda et al. 2016).
- gradient_flow_figure: d log p(x|z) / d mu_j and / d sigma_j through z = mu + sigma * eps, next
  to the detached .sample() path, where they do not exist (Kingma & Welling 2014, section 2.4).
- variance_figure: variance of the M-sample pathwise and score-function estimates against M,
  log-log, with the closed form for the quadratic (Mohamed, Rosca, Figurnov & Mnih 2020, JMLR,
  section 3 figures, sections 4-5).
- lotus_figure: running means of f(z) with z sampled directly or as mu + sigma * eps (LOTUS).
- inverse_cdf_figure: the CDF with u -> z = F^-1(u) marked, and a histogram of samples
  against the density (Devroye 1986, chapter II.2).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from ..maths import inverse_cdf
from ..maths.bounds import ElboTerms, IwaeCurve, IwaeEstimate
from ..maths.estimators import ESTIMATORS
from ..maths.gradient_flow import GradientFlowComparison
from ..maths.lotus import LotusResult
from ..maths.variance import VarianceCurve

__all__ = [
    "ERROR_BAR_SE",
    "COLOURS",
    "elbo_figure",
    "iwae_figure",
    "gradient_flow_figure",
    "variance_figure",
    "lotus_figure",
    "inverse_cdf_figure",
]

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


def _style(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.02, font=dict(size=15)),
        height=height,
        margin=dict(l=10, r=10, t=60, b=10),
        plot_bgcolor="white",
        legend=dict(font=dict(size=11)),
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eee", zeroline=True, zerolinecolor="#ccc")
    fig.update_yaxes(showgrid=True, gridcolor="#eee", zeroline=True, zerolinecolor="#ccc")
    return fig


def _error(se: float) -> dict:
    value = 0.0 if se is None or not math.isfinite(se) else ERROR_BAR_SE * se
    return dict(type="data", array=[value], visible=True)


def elbo_figure(terms: ElboTerms, iwae: IwaeEstimate | None = None, height: int = 380) -> go.Figure:
    """Bars for the reconstruction term, the KL and the ELBO of one input (and L_k if given), nats.

    Args:
        terms: vae_core.bounds.ElboTerms from M samples. iwae: optional IwaeEstimate of L_k.
    Returns:
        Figure with one Bar trace per term (names "reconstruction", "kl", "elbo", "iwae"), each
        with error_y = 2 SE (0 for the closed-form KL), values printed on the bars.
    """
    fig = go.Figure()
    bars = [
        ("reconstruction", "E_q[log p(x|z)]", terms.reconstruction, terms.reconstruction_se),
        ("kl", "KL(q ‖ p)", terms.kl, 0.0),
        ("elbo", "ELBO = recon − KL", terms.elbo, terms.elbo_se),
    ]
    if iwae is not None:
        bars.append(("iwae", f"L_k, k = {iwae.k}", iwae.mean, iwae.se))
    for name, label, value, se in bars:
        fig.add_trace(
            go.Bar(
                x=[label],
                y=[value],
                name=name,
                marker_color=COLOURS[name],
                error_y=_error(se),
                text=[f"{value:.2f}"],
                textposition="outside",
                hovertemplate=f"{label}: %{{y:.3f}} nats ± {ERROR_BAR_SE * (se or 0):.3f}<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="nats")
    fig.update_layout(showlegend=False)
    return _style(fig, f"ELBO terms for this x (M = {terms.num_samples}; error bars ±{ERROR_BAR_SE:g} SE)", height)


def iwae_figure(
    curve: IwaeCurve, elbo: ElboTerms | None = None, highlight_k: int | None = None, height: int = 380
) -> go.Figure:
    """L_k against k (log x axis) with +-2 SE error bars from the repeats, and the ELBO as a line.

    Args:
        curve: vae_core.bounds.IwaeCurve. elbo: optional ElboTerms drawn as a horizontal line
            (the k = 1 value L_1 estimates the same quantity). highlight_k: optional k of the
            curve to mark.
    Returns:
        Figure with traces "iwae" (markers+lines, error_y), and "elbo" and "chosen k" when
        asked for; x axis of type "log".
    """
    ks = np.asarray(curve.ks)
    fig = go.Figure()
    if elbo is not None:
        fig.add_trace(
            go.Scatter(
                x=[ks.min(), ks.max()],
                y=[elbo.elbo, elbo.elbo],
                mode="lines",
                name="elbo",
                line=dict(color=COLOURS["elbo"], dash="dash"),
                hovertemplate="ELBO %{y:.3f} nats<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=ks,
            y=curve.means,
            mode="lines+markers",
            name="iwae",
            marker=dict(color=COLOURS["iwae"]),
            error_y=dict(type="data", array=ERROR_BAR_SE * np.nan_to_num(curve.ses), visible=True),
            hovertemplate="k = %{x}: L_k = %{y:.3f} nats<extra></extra>",
        )
    )
    if highlight_k is not None:
        chosen = curve.at(highlight_k)
        fig.add_trace(
            go.Scatter(
                x=[chosen.k],
                y=[chosen.mean],
                mode="markers",
                name="chosen k",
                marker=dict(color=COLOURS["kl"], size=13, symbol="diamond"),
                hovertemplate="chosen k = %{x}: L_k = %{y:.3f} nats<extra></extra>",
            )
        )
    fig.update_xaxes(type="log", title_text="k (importance samples)")
    fig.update_yaxes(title_text="L_k (nats)")
    title = f"IWAE bound L_k → log p(x) as k grows ({curve.num_repeats} repeats, ±{ERROR_BAR_SE:g} SE)"
    return _style(fig, title, height)


def _fmt(values) -> list[str]:
    return [f"{float(v):+.3f}" for v in values]


def gradient_flow_figure(comparison: GradientFlowComparison, height: int = 380) -> go.Figure:
    """Per-dimension d log p(x|z)/d mu_j and d/d sigma_j for the two ways of drawing z, side by side.

    Args:
        comparison: vae_core.gradients.GradientFlowComparison.
    Returns:
        Figure with two subplots. Left (reparameterized): Bar traces "∂/∂μ" and "∂/∂σ" with one bar
        per latent dimension. Right (sampled): bars of height 0 labelled "None" where autograd
        returned no gradient (or the values, if any), and an annotation saying so.
    """
    rep, smp = comparison
    d = len(rep.z)
    dims = [f"z{j + 1}" for j in range(d)]
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        subplot_titles=("z = μ + σ ⊙ ε (reparameterized)", "z = Normal(μ, σ).sample() (detached)"),
    )
    colours = ("#1f77b4", "#ff7f0e")
    for col, flow in ((1, rep), (2, smp)):
        for i, (name, grad) in enumerate((("∂/∂μ", flow.grad_mu), ("∂/∂σ", flow.grad_sigma))):
            values = [0.0] * d if grad is None else [float(g) for g in grad]
            text = ["None"] * d if grad is None else _fmt(values)
            fig.add_trace(
                go.Bar(
                    x=dims,
                    y=values,
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    marker_color=colours[i],
                    text=text,
                    textposition="outside",
                    hovertemplate=f"{name} log p(x|z), %{{x}}: %{{text}}<extra>{flow.path}</extra>",
                ),
                row=1,
                col=col,
            )
        if flow.grad_mu is None and flow.grad_sigma is None:
            axis = "" if col == 1 else str(col)
            fig.add_annotation(
                text="no gradient reaches μ, σ<br>(mu.grad is None, sigma.grad is None)",
                xref=f"x{axis} domain",
                yref=f"y{axis} domain",
                x=0.5,
                y=0.6,
                showarrow=False,
                font=dict(size=13, color="#d62728"),
            )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="∂ log p(x|z) (nats per unit)", row=1, col=1)
    return _style(fig, "Gradient of the reconstruction term log p(x|z) w.r.t. μ and σ", height)


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
        "<estimator>" (measured, markers) and "<estimator> closed form" (dashed lines).
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
                    name=est,
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
                        name=f"{est} closed form",
                        legendgroup=est,
                        showlegend=col == 1,
                        line=dict(color=COLOURS[est], dash="dash"),
                        hovertemplate=f"closed form Var/M = %{{y:.3g}}<extra>{est}</extra>",
                    ),
                    row=1,
                    col=col,
                )
    fig.update_xaxes(type="log", title_text="M (samples averaged)")
    fig.update_yaxes(type="log", title_text="variance of the estimate")
    return _style(
        fig,
        f"Estimator variance for f(z) = {cost_label} ({curve.num_repeats} repeats per M"
        f"{'; dashed: closed form' if closed_form is not None else ''})",
        height,
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
        ("direct", result.direct, COLOURS["score_function"], "z ~ Normal(μ, σ).sample()"),
        ("reparameterized", result.reparameterized, COLOURS["pathwise"], "z = μ + σ·ε, ε ~ N(0, 1)"),
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
                name="exact",
                line=dict(color=COLOURS["exact"], dash="dash"),
                hovertemplate="exact E[f] = %{y:.4f}<extra></extra>",
            )
        )
    fig.update_xaxes(type="log", title_text="M (samples)")
    fig.update_yaxes(title_text="running mean of f(z)")
    return _style(fig, f"LOTUS: E_q[{cost_label}] by sampling z, or ε mapped to z", height)


def _plot_range(dist: str, params: dict) -> tuple[float, float]:
    central = torch.tensor([0.005, 0.995], dtype=torch.float64)
    low, high = (float(v) for v in inverse_cdf.sample(dist, central, **params))
    pad = 0.05 * (high - low)
    low = 0.0 if dist == "exponential" else low - pad
    return low, high + pad


def inverse_cdf_figure(dist: str, params: dict, u: float, samples, bins: int = 60, height: int = 400) -> go.Figure:
    """Left: the CDF F with u on the y axis mapped to z = F^-1(u). Right: histogram of samples vs density.

    The x range holds the central 99% of the distribution (plus a margin); the histogram is a
    density over that range normalised by the total number of samples, so it matches the
    density even for the Cauchy's heavy tails (samples outside the range are counted in the title).

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
    return _style(fig, f"Inverse-CDF sampling: {dist}{note}", height)
