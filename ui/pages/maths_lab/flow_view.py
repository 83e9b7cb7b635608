"""View 2: where the gradient of log p(x|z) flows, through z = mu + sigma * eps and through .sample().

Numbers from vae_core.inference.gradient_flow (one decoder pass each way), the chart from
vae_core.viz.maths_figures. Below view 1, the page draws this view once the learner scrolls to it
(ui.pages.maths_lab.later).
"""

from __future__ import annotations

import streamlit as st
import torch

from ui.views.charts import plotly_chart
from vae_core import gradients
from vae_core.constants import EPS_LIMIT
from vae_core.viz import maths_figures as figures

from .errors import computed

__all__ = ["gradient_flow_view", "HEADING", "CHART_HEIGHT"]

HEADING = "2 · Where the gradient flows"

CHART_HEIGHT = 380
"""Height in px of the gradient chart (gradient_figures' default)."""


def _vector(values) -> str:
    return "(" + ", ".join(f"{float(v):+.3f}" for v in values) + ")"


def _cell(value) -> str:
    if value is None:
        return "**None**"
    return _vector(value) if isinstance(value, torch.Tensor) else f"{value:.3f}"


@st.fragment
def gradient_flow_view(model, x: torch.Tensor, seed: int) -> None:
    """View 2: gradients of log p(x|z) w.r.t. mu, sigma through reparameterize vs .sample()."""
    st.subheader(HEADING)
    st.markdown(
        r"Backpropagate the reconstruction term $\log p(x\mid z)$ for this x. On the left z is built as "
        r"$z = \mu + \sigma \odot \varepsilon$, so $\partial z/\partial\mu = 1$ and "
        r"$\partial z/\partial\sigma = \varepsilon$ and the gradient reaches the encoder. On "
        "the right z comes from `torch.distributions.Normal(μ, σ).sample()`, which draws under "
        "`torch.no_grad()`: z is a constant to autograd and **nothing reaches μ, σ or the "
        "encoder**."
    )
    d = model.latent_dim
    columns = st.columns(min(d, 8))
    eps = [
        columns[j % len(columns)].slider(
            f"ε{j + 1}", -EPS_LIMIT, EPS_LIMIT, 1.0 if j % 2 == 0 else -0.5, 0.01, key=f"maths_flow_eps_{j}"
        )
        for j in range(d)
    ]
    comparison = computed(
        "Could not compute the gradients", lambda: gradients.gradient_flow(model, x, torch.tensor(eps), seed)
    )
    if comparison is None:
        return
    rep, smp = comparison
    norm = "‖gradient‖ over"
    st.markdown(
        "\n".join(
            [
                "| | z = μ + σ ⊙ ε | z = Normal(μ, σ).sample() |",
                "|---|---|---|",
                f"| z | {_vector(rep.z)} | {_vector(smp.z)} |",
                f"| log p(x\\|z) (nats) | {rep.reconstruction:.2f} | {smp.reconstruction:.2f} |",
                f"| z.requires_grad · z.grad_fn | {rep.z_requires_grad} · {rep.z_grad_fn} "
                f"| {smp.z_requires_grad} · {smp.z_grad_fn} |",
                f"| ∂ log p(x\\|z)/∂μ (mu.grad) | {_cell(rep.grad_mu)} | {_cell(smp.grad_mu)} |",
                f"| ∂ log p(x\\|z)/∂σ (sigma.grad) | {_cell(rep.grad_sigma)} | {_cell(smp.grad_sigma)} |",
                f"| {norm} encoder weights | {_cell(rep.encoder_grad_norm)} | {_cell(smp.encoder_grad_norm)} |",
                f"| {norm} decoder weights | {_cell(rep.decoder_grad_norm)} | {_cell(smp.decoder_grad_norm)} |",
            ]
        )
    )
    st.caption(f"Reparameterized: {rep.explanation}  \nSampled: {smp.explanation}")
    plotly_chart(figures.gradient_flow_figure(comparison, CHART_HEIGHT), width="stretch", key="maths_flow_chart")
