"""The true posterior next to q(z|x): a heat-map of p(z|x) and the numbers log p(x), ELBO, L_k.

With a 2-D latent the marginal likelihood p(x) = ∫ p(x|z) p(z) dz is a plain 2-D integral
(vae_core.maths.marginal, exact to 0.01 nats), so the gap the ELBO leaves, log p(x) - ELBO =
KL(q(z|x) ‖ p(z|x)) (Kingma & Welling 2014, eq. 1-2), can be shown as a number, and the
posterior q approximates as a picture. The bounds are computed for the q(z|x) set in the
playground (μ, σ of the sliders), so moving q towards the heat-map's peak visibly closes the gap.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st
import torch

from ui.resources import get_model
from vae_core.inference.bounds import elbo_terms, iwae_bound
from vae_core.inference.marginal import posterior_grid
from vae_core.viz.images import density_png

ELBO_SAMPLES = 2_000
"""Monte Carlo samples behind the ELBO's reconstruction term (its KL is exact)."""
IWAE_SAMPLES = 4_000
"""Samples behind each L_k: R = IWAE_SAMPLES // k repeats of k, averaged (at least 4)."""
IWAE_KS = (1, 5, 50, 500)
_SEED = 20_261_123
"""The bounds' noise comes from a generator seeded with this: the same q gives the same numbers."""


@st.cache_data(max_entries=32, show_spinner="Integrating p(x) = ∫ p(x|z) p(z) dz over the plane (a few seconds)…")
def posterior_map(path: str, input_id: str, _x: np.ndarray) -> dict:
    """{"log_px", "box", "png", "peak"} for one model and input (cached by path and input_id)."""
    grid = posterior_grid(get_model(path), torch.from_numpy(_x))
    where = int(torch.argmax(grid.log_posterior))
    i, j = divmod(where, grid.log_posterior.shape[1])
    return {
        "log_px": grid.log_px,
        "box": list(grid.box),
        "png": density_png(grid.log_posterior),
        "peak": [float(grid.xs[j]), float(grid.ys[i])],
    }


@st.cache_data(max_entries=256, show_spinner=False)
def bounds_for(path: str, input_id: str, _x: np.ndarray, mu: tuple, sigma: tuple, k: int) -> dict:
    """ELBO and L_k (nats) of the q(z|x) = N(mu, diag sigma^2) given, for one model and input."""
    model = get_model(path)
    x = torch.from_numpy(_x)
    posterior = (torch.tensor([mu], dtype=torch.float32), torch.tensor([sigma], dtype=torch.float32))
    generator = torch.Generator().manual_seed(_SEED)
    elbo = elbo_terms(model, x, ELBO_SAMPLES, generator, posterior=posterior)
    iwae = iwae_bound(model, x, k, max(4, IWAE_SAMPLES // k), generator, posterior=posterior)
    return {"elbo": elbo.elbo, "elbo_se": elbo.elbo_se, "iwae": iwae.mean, "iwae_se": iwae.se}


def _nats(value: float) -> str:
    return f"{value:,.2f}"


def _plus_minus(se: float) -> str:
    """', ± se' for a metric's label (nothing when the standard error is not finite)."""
    return f", ± {se:.2f}" if math.isfinite(se) else ""


def numbers(path: str, selection, mu: list[float], sigma: list[float], heat: dict) -> None:
    """The panel under the pipeline: log p(x), the ELBO, L_k for a chosen k, and the gaps."""
    k = st.select_slider(
        "k, the number of importance samples in the IWAE bound $L_k$",
        IWAE_KS,
        value=50,
        key="pg_iwae_k",
    )
    if min(sigma) <= 0:
        st.info("σ must be above 0 for q(z|x) to have a density: raise the σ sliders to see the bounds.")
        return
    x = selection.x.numpy()
    values = bounds_for(path, selection.input_id, x, tuple(mu), tuple(sigma), int(k))
    log_px = heat["log_px"]
    gap_elbo, gap_iwae = log_px - values["elbo"], log_px - values["iwae"]
    c1, c2, c3, c4 = st.columns(4)
    repeats = max(4, IWAE_SAMPLES // k)
    c1.metric("log p(x), exact", f"{_nats(log_px)} nats", help="Quadrature of p(x|z) p(z) over the plane.")
    # The standard error goes in the label: a metric's value is cut to its column's width.
    c2.metric(
        f"ELBO of this q{_plus_minus(values['elbo_se'])}",
        f"{_nats(values['elbo'])} nats",
        help=f"Monte Carlo over {ELBO_SAMPLES:,} samples, ± one standard error",
    )
    c3.metric(
        f"IWAE L_{k}{_plus_minus(values['iwae_se'])}",
        f"{_nats(values['iwae'])} nats",
        help=f"Mean of {repeats} estimates, ± one standard error",
    )
    c4.metric("gap log p(x) − ELBO", f"{_nats(gap_elbo)} nats", help="= KL(q(z|x) ‖ p(z|x)) ≥ 0")
    st.latex(
        r"\log p(x) - \text{ELBO} = \mathrm{KL}\big(q(z\mid x)\,\|\,p(z\mid x)\big) = "
        + f"{gap_elbo:.2f}"
        + r"\ \text{nats}, \qquad \log p(x) - \mathcal{L}_{"
        + str(k)
        + "} = "
        + f"{gap_iwae:.2f}"
        + r"\ \text{nats}"
    )
    peak = heat["peak"]
    distance = max(abs(peak[d] - mu[d]) / sigma[d] for d in range(2))
    st.caption(
        f"The heat-map is p(z|x), exact on a grid; its peak is at ({peak[0]:+.3f}, {peak[1]:+.3f}), "
        f"{distance:.1f} σ of q from μ along the worse axis. "
        "Drag μ (mode “μ” on the z-plane) or the σ sliders: the closer q(z|x) hugs p(z|x), the smaller "
        f"the gap. A bigger k tightens L_k towards log p(x) (Burda et al. 2016). ELBO ± its Monte Carlo "
        "standard error."
    )
