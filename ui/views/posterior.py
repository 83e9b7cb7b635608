"""The true posterior next to q(z|x): a heat-map of p(z|x) and the numbers log p(x), ELBO, L_k.

With a 2-D latent the marginal likelihood p(x) = ∫ p(x|z) p(z) dz is a plain 2-D integral
(vae_core.maths.marginal: a grid that follows the mass, coarse over the plane and split where
the posterior is, with its own error), so the gap the ELBO leaves, log p(x) - ELBO =
KL(q(z|x) ‖ p(z|x)) (Kingma & Welling 2014, eq. 1-2), can be shown as a number, and the
posterior q approximates as a picture: the heat-map is that grid's own cells
(vae_core.inference.adaptive_grid), so the decoder runs once per (model, input), and the result
is cached by both. The bounds are computed for the q(z|x) set in the playground (μ, σ of the
sliders), so moving q towards the heat-map's peak visibly closes the gap: the ELBO and L_k from
the same IWAE_SAMPLES draws, decoded in one batch (vae_core.inference.iwae_curve).
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st
import torch

from ui.resources import get_model
from vae_core.inference.adaptive_grid import posterior_heatmap
from vae_core.inference.iwae_curve import iwae_curve
from vae_core.viz.images import density_png

IWAE_SAMPLES = 4_000
"""Draws of q(z|x), decoded in one batch: the ELBO's reconstruction term is their mean (its KL is
exact), and L_k the mean of IWAE_SAMPLES // k disjoint groups of k (8 at k = 500)."""
ELBO_SAMPLES = IWAE_SAMPLES
IWAE_KS = (1, 5, 50, 500)
_SEED = 20_261_123
"""The bounds' noise comes from a generator seeded with this: the same q gives the same numbers."""


@st.cache_data(max_entries=64, show_spinner="Integrating p(x) = ∫ p(x|z) p(z) dz over the plane…")
def posterior_map(path: str, input_id: str, _x: np.ndarray) -> dict:
    """{"log_px", "log_px_error", "box", "png", "peak"} for one model and input (cached by path
    and input_id): log p(x) and its quadrature error in nats, the heat-map's box and PNG, and
    where p(z|x) peaks."""
    grid = posterior_heatmap(get_model(path), torch.from_numpy(_x))
    where = int(torch.argmax(grid.log_posterior))
    i, j = divmod(where, grid.log_posterior.shape[1])
    return {
        "log_px": grid.log_px,
        "log_px_error": grid.log_px_error,
        "box": list(grid.box),
        "png": density_png(grid.log_posterior),
        "peak": [float(grid.xs[j]), float(grid.ys[i])],
    }


@st.cache_data(max_entries=256, show_spinner=False)
def bounds_for(path: str, input_id: str, _x: np.ndarray, mu: tuple, sigma: tuple, k: int) -> dict:
    """ELBO and L_k (nats, ± standard errors) of the q(z|x) = N(mu, diag sigma^2) given, for one
    model and input, from the same IWAE_SAMPLES draws (one decoder pass)."""
    model = get_model(path)
    x = torch.from_numpy(_x)
    posterior = (torch.tensor([mu], dtype=torch.float32), torch.tensor([sigma], dtype=torch.float32))
    generator = torch.Generator().manual_seed(_SEED)
    curve = iwae_curve(model, x, [k], IWAE_SAMPLES, generator, posterior=posterior)
    iwae = curve.at(k)
    return {"elbo": curve.elbo.elbo, "elbo_se": curve.elbo.elbo_se, "iwae": iwae.mean, "iwae_se": iwae.se}


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
    repeats = IWAE_SAMPLES // k
    error = heat.get("log_px_error", math.nan)
    c1.metric(
        "log p(x), exact",
        f"{_nats(log_px)} nats",
        help="Quadrature of p(x|z) p(z) over the plane"
        + (f", to within {error:.1g} nats (the grid's own error estimate)." if math.isfinite(error) else "."),
    )
    # The standard error goes in the label: a metric's value is cut to its column's width.
    c2.metric(
        f"ELBO of this q{_plus_minus(values['elbo_se'])}",
        f"{_nats(values['elbo'])} nats",
        help=f"Monte Carlo over {ELBO_SAMPLES:,} samples of q (the same as L_k's), ± one standard error",
    )
    c3.metric(
        f"IWAE L_{k}{_plus_minus(values['iwae_se'])}",
        f"{_nats(values['iwae'])} nats",
        help=f"Mean of {repeats} estimates of {k} samples each, ± one standard error",
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
        f"The heat-map is p(z|x), exact on the quadrature's grid; its peak is at ({peak[0]:+.3f}, "
        f"{peak[1]:+.3f}), {distance:.1f} σ of q from μ along the worse axis. "
        "Drag μ (mode “μ” on the z-plane) or the σ sliders: the closer q(z|x) hugs p(z|x), the smaller "
        f"the gap. A bigger k tightens L_k towards log p(x) (Burda et al. 2016). ELBO ± its Monte Carlo "
        "standard error."
    )
    if outside_q(peak, mu, sigma):
        encoder = _encoder_q(path, selection.input_id, x)
        # the pipeline keeps μ to 3 decimals and σ to 4 (ui.view_state.DECIMALS)
        own = all(abs(a - b) <= 6e-4 for a, b in zip(mu, encoder[:2], strict=True)) and all(
            abs(a - b) <= 6e-5 for a, b in zip(sigma, encoder[2:], strict=True)
        )
        st.warning(
            OUTSIDE_Q_TEXT.format(distance=distance) + (" " + AMORTISATION_TEXT if own else ""),
            icon=":material/open_in_full:",
        )


OUTSIDE_Q_TEXT = (
    "The true posterior's mass lies outside q(z|x)'s 3σ ellipse ({distance:.1f} σ away along the worse "
    "axis), so it is off the z-plane while the plane fits q(z|x): press **fit prior** or zoom out to see "
    "the heat-map."
)
AMORTISATION_TEXT = (
    "This q is the encoder's: one encoder gives q for every input (amortised inference), and for inputs "
    "unlike its training data it can miss the posterior by far. That part of the gap log p(x) − ELBO is "
    "the *amortisation gap* (Cremer, Li & Duvenaud 2018)."
)


@st.cache_data(max_entries=64, show_spinner=False)
def _encoder_q(path: str, input_id: str, _x: np.ndarray) -> list[float]:
    """The encoder's μ(x) then σ(x) (floats) for one model and input."""
    with torch.no_grad():
        mu, sigma = get_model(path).posterior(torch.from_numpy(_x))
    return [float(v) for v in (*mu[0], *sigma[0])]


def outside_q(peak, mu, sigma) -> bool:
    """Does the posterior's peak (z_1, z_2) lie outside the 3σ ellipse of q = N(mu, diag sigma²)
    (Mahalanobis distance above 3)? sigma > 0."""
    return math.fsum(((peak[d] - mu[d]) / sigma[d]) ** 2 for d in range(2)) > 9.0
