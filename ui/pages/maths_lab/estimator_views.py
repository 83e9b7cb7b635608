"""Views 3-5, which need no model: estimator variance, LOTUS, inverse-CDF sampling.

Numbers from ui.pages.maths_lab.compute (vae_core.maths, vae_core.inverse_cdf), charts from
vae_core.viz.maths_figures. Below view 1, the page draws these views once the learner scrolls to
them (ui.pages.maths_lab.later).
"""

from __future__ import annotations

import streamlit as st
import torch

from ui.views.charts import plotly_chart
from vae_core import gradients, inverse_cdf
from vae_core.viz import maths_figures as figures

from . import compute
from .bound_text import fmt
from .errors import computed

__all__ = ["variance_view", "lotus_view", "inverse_cdf_view", "HEADINGS"]

HEADINGS = (
    "3 · Estimator variance: pathwise vs score function",
    "4 · LOTUS: sample z, or sample ε and map it",
    "5 · Inverse-CDF sampling",
)

VARIANCE_HEIGHT = 420
LOTUS_HEIGHT = 380
ICDF_HEIGHT = 400
"""Chart heights in px (the figures' defaults)."""


def _cost_controls(prefix: str) -> tuple[str, float, float, float]:
    """Widgets for f, its k, mu and sigma; keys f"{prefix}_f", "_k", "_mu", "_sigma"."""
    c1, c2, c3, c4 = st.columns(4)
    name = c1.selectbox(
        "f(z)", list(gradients.COST_FUNCTIONS), format_func=gradients.COST_FUNCTIONS.get, key=f"{prefix}_f"
    )
    k = c2.slider("k (parameter of f)", -3.0, 3.0, 1.0, 0.1, key=f"{prefix}_k")
    mu = c3.slider("μ", -3.0, 3.0, 0.0, 0.1, key=f"{prefix}_mu")
    sigma = c4.slider("σ", 0.05, 3.0, 1.0, 0.05, key=f"{prefix}_sigma", help="σ > 0: the score d log N/dθ divides by σ")
    return name, float(k), float(mu), float(sigma)


def _variance(name: str, k: float, mu: float, sigma: float, max_m: int, seed: int):
    """f, the variance curve and the single-sample moments (compute.variance), and the closed-form
    variances where f is quadratic (else None)."""
    f = gradients.cost_function(name, k)
    curve, moments = compute.variance(name, k, mu, sigma, max_m, seed)
    closed = gradients.quadratic_single_sample_variances(mu, sigma, k) if name == "quadratic" else None
    return f, curve, moments, closed


def _lotus(name: str, k: float, mu: float, sigma: float, m: int, seed: int):
    """f, both running means (compute.lotus) and the exact E[f(z)]."""
    f = gradients.cost_function(name, k)
    result = compute.lotus(name, k, mu, sigma, m, seed)
    return f, result, f.expectation(mu, sigma)


def _inverse_cdf(dist: str, params: dict[str, float], u: float, seed: int):
    """z = F⁻¹(u) for the chosen distribution, and the figure of the CDF and the samples' histogram."""
    z = float(inverse_cdf.sample(dist, torch.tensor([u], dtype=torch.float64), **params)[0])
    samples = compute.icdf_samples(dist, tuple(sorted(params.items())), seed)
    return z, figures.inverse_cdf_figure(dist, params, u, samples, height=ICDF_HEIGHT)


@st.fragment
def variance_view(seed: int) -> None:
    """View 3: variance of pathwise and score-function estimates against M, log-log."""
    st.subheader(HEADINGS[0])
    st.markdown(
        "Two unbiased estimators of the gradient (Mohamed, Rosca, Figurnov & Mnih 2020, JMLR, "
        r"sections 4–5), $\theta = (\mu, \sigma)$:"
    )
    st.latex(
        r"\nabla_\theta\, \mathbb{E}_{z\sim\mathcal{N}(\mu,\sigma^2)}[f(z)]"
        r" = \underbrace{\mathbb{E}_{\varepsilon\sim\mathcal{N}(0,1)}"
        r"\big[\nabla_\theta f(\mu + \sigma\varepsilon)\big]}"
        r"_{\text{pathwise}}"
        r" = \underbrace{\mathbb{E}_{z}\big[f(z)\,\nabla_\theta \log \mathcal{N}(z;\mu,\sigma^2)\big]}"
        r"_{\text{score function}}"
    )
    st.markdown(
        "Averaging M single-sample estimates divides the variance by M; the constant in front is "
        "what differs (their section 3 figures)."
    )
    name, k, mu, sigma = _cost_controls("maths_var")
    max_m = st.select_slider("Largest M", (100, 1000, 10000), value=1000, key="maths_var_max_m")
    variance = computed("Bad parameters", _variance, name, k, mu, sigma, max_m, seed)
    if variance is None:
        return
    f, curve, moments, closed = variance
    exact = f.gradient(mu, sigma)
    rows = [
        "| estimator | θ | mean of estimates | exact ∂E[f]/∂θ | single-sample variance | closed form |",
        "|---|---|---|---|---|---|",
    ]
    for est in gradients.ESTIMATORS:
        mom = moments[est]
        for i, theta in enumerate(("μ", "σ")):
            closed_text = f"{closed[est][i]:.4g}" if closed is not None else "—"
            rows.append(
                f"| {figures.ESTIMATOR_NAMES[est]} | {theta} | {fmt(mom.mean[i], mom.standard_error[i], 4)} "
                f"| {exact[i]:.4f} | {mom.variance[i]:.4g} | {closed_text} |"
            )
    st.markdown("\n".join(rows))
    st.caption(
        f"f(z) = {f.label}, μ = {mu:g}, σ = {sigma:g}; means and variances from "
        f"{compute.MOMENT_SAMPLES:,} single-sample estimates (± is 1 SE); the curves use "
        f"{compute.VARIANCE_REPEATS} repeats per M. Both estimators use the same ε."
    )
    plotly_chart(
        figures.variance_figure(curve, closed, f.label, VARIANCE_HEIGHT), width="stretch", key="maths_var_chart"
    )


@st.fragment
def lotus_view(seed: int) -> None:
    """View 4: E_q[f(z)] by sampling z directly vs by sampling eps and mapping it."""
    st.subheader(HEADINGS[1])
    st.markdown(
        r"The law of the unconscious statistician: since $z = \mu + \sigma\varepsilon$ has law "
        r"$\mathcal{N}(\mu, \sigma^2)$ (Mohamed et al. 2020, section 5),"
    )
    st.latex(
        r"\mathbb{E}_{z\sim q}[f(z)] = \mathbb{E}_{\varepsilon\sim\mathcal{N}(0,1)}\big[f(\mu + \sigma\varepsilon)\big]"
    )
    st.markdown(
        "Both running means converge to the same number, the exact expectation; at any finite M each is off by "
        "Monte Carlo noise, from independent draws: usually within two standard errors (about one run in twenty "
        "lies further). Only the second one is a differentiable function of μ and σ."
    )
    name, k, mu, sigma = _cost_controls("maths_lotus")
    m = st.select_slider("M (samples)", compute.LOTUS_OPTIONS, value=10_000, key="maths_lotus_m")
    lotus = computed("Bad parameters", _lotus, name, k, mu, sigma, m, seed)
    if lotus is None:
        return
    f, result, exact = lotus
    st.markdown(
        f"After M = {m:,}: sampling z gives **{fmt(result.direct[-1], result.direct_se, 4)}**, "
        f"sampling ε gives **{fmt(result.reparameterized[-1], result.reparameterized_se, 4)}**; "
        f"exact E[{f.label}] = **{exact:.4f}** (± is 1 SE)."
    )
    plotly_chart(figures.lotus_figure(result, exact, f.label, LOTUS_HEIGHT), width="stretch", key="maths_lotus_chart")


@st.fragment
def inverse_cdf_view(seed: int) -> None:
    """View 5: z = F^-1(u) on the CDF, a histogram of samples against the density."""
    st.subheader(HEADINGS[2])
    st.markdown(
        r"If $u \sim \mathrm{Uniform}(0, 1)$ then $z = F^{-1}(u)$ has CDF F (Devroye 1986, ch. II.2). The map is a "
        "deterministic, differentiable function of the parameters, so it too is a "
        "reparameterization: the randomness sits in u."
    )
    dist = st.selectbox("Distribution", inverse_cdf.DISTRIBUTIONS, key="maths_icdf_dist")
    names = inverse_cdf.PARAMETERS[dist]
    columns = st.columns(len(names) + 1)
    params = {
        p: columns[i].number_input(
            p, value=inverse_cdf.DEFAULTS[dist][p], step=0.1, format="%.3f", key=f"maths_icdf_{dist}_{p}"
        )
        for i, p in enumerate(names)
    }
    u = columns[-1].slider("u", 0.001, 0.999, 0.8, 0.001, format="%.3f", key="maths_icdf_u")
    st.markdown(f"`{inverse_cdf.FORMULAS[dist]}`")
    drawn = computed("Bad parameters", _inverse_cdf, dist, params, u, seed)
    if drawn is None:
        return
    z, fig = drawn
    st.markdown(f"u = {u:.3f} → z = F⁻¹(u) = **{z:.4f}**")
    plotly_chart(fig, width="stretch", key="maths_icdf_chart")
    if dist == "normal":
        check = inverse_cdf.normal_check(torch.tensor([u], dtype=torch.float64), params["loc"], params["scale"])
        gap = abs(float(check.z_inverse_cdf[0] - check.z_reparameterized[0]))
        st.markdown(
            f"Same u, two roads: inverse CDF gives z = **{float(check.z_inverse_cdf[0]):.6f}**; "
            f"ε = Φ⁻¹(u) = {float(check.eps[0]):.6f} and μ + σε = **{float(check.z_reparameterized[0]):.6f}** "
            f"(difference {gap:.1e})."
        )
