"""View 1: the ELBO's terms and the importance-weighted bound L_k against the exact log p(x).

Numbers from ui.pages.maths_lab.compute (vae_core.inference.bounds, iwae_curve, marginal), sentences
from bound_text, charts from vae_core.viz.maths_figures. Each column is a fragment: its slider
reruns only it. The numbers come first and the charts under them (ui.pages.maths_lab.later).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from vae_core.inference.iwae_curve import check_bounds
from vae_core.viz import maths_figures as figures

from . import bound_text, compute, later
from .bound_text import fmt
from .errors import computed

__all__ = ["bounds_intro", "elbo_view", "iwae_view", "CHART_HEIGHT"]

CHART_HEIGHT = 380
"""Height in px of both charts of view 1 (bound_figures' default)."""


def bounds_intro() -> None:
    """View 1's heading and formulas (static)."""
    st.subheader("1 · ELBO and the importance-weighted bound")
    st.latex(
        r"\mathrm{ELBO}(x) = \mathbb{E}_{q(z\mid x)}\big[\log p(x\mid z)\big]"
        r" - \mathrm{KL}\big(q(z\mid x)\,\|\,p(z)\big) \;\le\; \log p(x)"
    )
    st.markdown(
        "(Kingma & Welling 2014, eq. 3.) The reconstruction term is a Monte Carlo average over M "
        r"samples $z = \mu + \sigma \odot \varepsilon$ (error bar: ±2 standard errors); the KL is exact "
        "(closed form). The importance-weighted bound (Burda, Grosse & Salakhutdinov 2016, eq. 8)"
    )
    st.latex(
        r"\mathcal{L}_k(x) = \mathbb{E}\Big[\log \frac{1}{k}\sum_{i=1}^{k}"
        r" \frac{p(x, z_i)}{q(z_i\mid x)}\Big], \quad z_i \sim q(z\mid x)"
    )
    st.markdown(
        r"equals the ELBO at k = 1 and rises with k towards $\log p(x)$ (their theorem 1). That is said of "
        "the means: an estimate from finitely many draws is off by Monte Carlo noise, so each number below "
        "carries its standard error and each sentence says only what the noise allows. All values in nats."
    )


@st.fragment
def elbo_view(model, key: str, x: np.ndarray, seed: int, deferred: bool) -> None:
    """View 1, left: reconstruction, KL and ELBO from the first M draws, then as bars."""
    m = st.select_slider("M: samples for E_q[log p(x|z)]", compute.M_OPTIONS, value=100, key="maths_elbo_m")
    terms = computed("Could not compute the ELBO", compute.elbo, model, key, x, m, seed)
    if terms is None:
        return
    st.markdown(
        f"E_q[log p(x|z)] = **{fmt(terms.reconstruction, terms.reconstruction_se)} nats** (M = {m}: the "
        f"first M of the {compute.IWAE_DRAWS:,} draws behind L_k) · KL = **{fmt(terms.kl)} nats** · "
        f"ELBO = **{fmt(terms.elbo, terms.elbo_se)} nats** (± is 1 SE)"
    )
    later.chart(lambda: figures.elbo_figure(terms), key="maths_elbo_chart", height=CHART_HEIGHT, deferred=deferred)


@st.fragment
def iwae_view(model, key: str, x: np.ndarray, seed: int, deferred: bool) -> None:
    """View 1, right: L_k against k from one set of draws, the exact log p(x) of a 2-D VAE, and
    sentences that claim only what their standard errors allow (bound_text); then the chart."""
    k = st.select_slider("k: importance samples for L_k", compute.K_OPTIONS, value=100, key="maths_iwae_k")
    bounds = computed("Could not compute the bounds", _bounds, model, key, x, seed)
    if bounds is None:
        return
    curve, log_px, log_px_error, checks = bounds
    st.markdown(bound_text.chosen_k(curve, k))
    st.markdown(bound_text.l1_and_elbo(curve, checks))
    st.markdown(bound_text.rise(curve, checks))
    st.markdown(bound_text.exact(curve, checks, log_px, log_px_error))
    later.chart(
        lambda: figures.iwae_figure(curve, curve.elbo, highlight_k=k, log_px=log_px),
        key="maths_iwae_chart",
        height=CHART_HEIGHT,
        deferred=deferred,
    )


def _bounds(model, key: str, x: np.ndarray, seed: int):
    """L_k's curve, log p(x) and its error (compute.bounds_and_log_px), and what the three show
    (check_bounds at bound_text.Z standard errors), as one tuple."""
    curve, log_px, log_px_error = compute.bounds_and_log_px(model, key, x, seed)
    return curve, log_px, log_px_error, check_bounds(curve, log_px, log_px_error, bound_text.Z)
