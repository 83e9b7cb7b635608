"""Figures of the bounds on log p(x) for one input (Kingma & Welling 2014, eq. 3; Burda, Grosse &
Salakhutdinov 2016, eq. 8), as plain functions of computed numbers (no Streamlit).

- elbo_figure: reconstruction E_q[log p(x|z)], KL and ELBO (and L_k) as bars with +-2 SE bars.
- iwae_figure: L_k against k on a log axis, with the ELBO for reference.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..inference.bounds import ElboTerms, IwaeEstimate
from ..inference.iwae_curve import IwaeCurve
from .maths_style import COLOURS, ERROR_BAR_SE, error_bar, style

__all__ = ["elbo_figure", "iwae_figure"]


def elbo_figure(terms: ElboTerms, iwae: IwaeEstimate | None = None, height: int = 380) -> go.Figure:
    """Bars for the reconstruction term, the KL and the ELBO of one input (and L_k if given), nats.

    Args:
        terms: vae_core.inference.bounds.ElboTerms from M samples. iwae: optional IwaeEstimate of L_k.
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
                error_y=error_bar(se),
                text=[f"{value:.2f}"],
                textposition="outside",
                hovertemplate=f"{label}: %{{y:.3f}} nats ± {ERROR_BAR_SE * (se or 0):.3f}<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="nats")
    fig.update_layout(showlegend=False)
    return style(fig, f"ELBO terms for this x (M = {terms.num_samples}; error bars ±{ERROR_BAR_SE:g} SE)", height)


def iwae_figure(
    curve: IwaeCurve,
    elbo: ElboTerms | None = None,
    highlight_k: int | None = None,
    height: int = 380,
    log_px: float | None = None,
) -> go.Figure:
    """L_k against k (log x axis) with +-2 SE error bars from the repeats, and the ELBO as a line.

    Args:
        curve: vae_core.inference.iwae_curve.IwaeCurve. elbo: optional ElboTerms drawn as a horizontal
            line (curve.elbo: the same draws, so L_1 and the line are two estimates of one number).
            highlight_k: optional k of the curve to mark. log_px: optional exact log p(x) in nats
            (a 2-D VAE's quadrature, vae_core.log_marginal_likelihood), the line L_k climbs towards.
    Returns:
        Figure with traces "iwae" (markers+lines, error_y), and "elbo", "log p(x)" and "chosen
        k" when asked for; x axis of type "log".
    """
    ks = np.asarray(curve.ks)
    fig = go.Figure()
    if log_px is not None:
        fig.add_trace(
            go.Scatter(
                x=[ks.min(), ks.max()],
                y=[log_px, log_px],
                mode="lines",
                name="log p(x), exact",
                line=dict(color="black", width=1.5),
                hovertemplate="log p(x) %{y:.3f} nats (quadrature)<extra></extra>",
            )
        )
    if elbo is not None:
        fig.add_trace(
            go.Scatter(
                x=[ks.min(), ks.max()],
                y=[elbo.elbo, elbo.elbo],
                mode="lines",
                name="ELBO",
                line=dict(color=COLOURS["elbo"], dash="dash"),
                hovertemplate=f"ELBO %{{y:.3f}} nats (M = {elbo.num_samples:,})<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=ks,
            y=curve.means,
            mode="lines+markers",
            name="IWAE bound L_k",
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
    title = f"IWAE bound L_k → log p(x) ({curve.num_samples:,} draws in groups of k, ±{ERROR_BAR_SE:g} SE)"
    return style(fig, title, height)
