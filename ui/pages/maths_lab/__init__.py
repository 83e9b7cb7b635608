"""The maths lab page: five views of the maths behind a VAE, for the chosen input.

1. ELBO terms and the IWAE bound (vae_core.inference.bounds, iwae_curve, marginal; the sentences
   from bound_text)                                                  needs a VAE
2. Gradient flow through z = mu + sigma * eps vs .sample()    needs a VAE (vae_core.maths.gradient_flow)
3. Pathwise vs score-function estimator variance             (vae_core.maths.estimators, variance)
4. LOTUS: sampling z vs sampling eps and mapping it           (vae_core.maths.lotus)
5. Inverse-CDF sampling                                       (vae_core.maths.inverse_cdf)

A thin layer: every number comes from the core modules and every chart from
vae_core.viz.maths_figures; this module only lays out widgets. Widget keys start with "maths_".
"""

from __future__ import annotations

import hashlib
import weakref

import numpy as np
import streamlit as st
import torch

from ui.views.charts import plotly_chart, presenting
from ui.views.keyboard_scroll import keyboard_scrollable
from vae_core import gradients, inverse_cdf
from vae_core.constants import EPS_LIMIT, IMAGE_SHAPE
from vae_core.inference import bounds
from vae_core.inference.iwae_curve import IwaeCurve, check_bounds, iwae_curve
from vae_core.inference.marginal import quadrature
from vae_core.viz import maths_figures as figures

from . import bound_text

M_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
K_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
IWAE_DRAWS = 40_000
"""N draws of q(z|x) behind view 1 (vae_core.inference.iwae_curve.DEFAULT_DRAWS): 8 groups of
k = 5000, 400 of k = 100, and M's largest value, 10,000, for the ELBO's bars."""
VARIANCE_GRID = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
VARIANCE_REPEATS = 200
MOMENT_SAMPLES = 1_000_000
LOTUS_OPTIONS = (100, 1000, 10_000, 100_000)
ICDF_SAMPLES = 10_000
_MODEL_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def model_key(model) -> str:
    """A fingerprint of the model's weights: the hashable stand-in for the model in st.cache_data.

    Computed once per model object (the app's models are cached resources and never change):
    hashing 4 MB of weights on every rerun would be wasted work.
    """
    cached = _MODEL_KEYS.get(model)
    if cached is not None:
        return cached
    digest = hashlib.sha1()
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    key = f"{model.path or 'in-memory'}#{digest.hexdigest()[:16]}"
    _MODEL_KEYS[model] = key
    return key


def _fmt(value: float, se: float | None = None, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    return text if se is None or not np.isfinite(se) else f"{text} ± {se:.{digits}f}"


def _vector(values) -> str:
    return "(" + ", ".join(f"{float(v):+.3f}" for v in values) + ")"


# --- cached computations (hashable arguments; the model travels as _model with its key) -----------


def _draws(latent_dim: int, seed: int) -> torch.Tensor:
    """The N eps ~ N(0, I) behind every number of view 1, float (N, latent_dim): the ELBO's bars
    use the first M rows, the L_k curve all N."""
    return torch.randn(IWAE_DRAWS, latent_dim, generator=torch.Generator().manual_seed(seed))


@st.cache_data(show_spinner="Estimating the ELBO…", max_entries=64)
def _elbo(_model, key: str, x: np.ndarray, num_samples: int, seed: int) -> bounds.ElboTerms:
    eps = _draws(_model.latent_dim, seed)[:num_samples]
    return bounds.elbo_terms(_model, torch.from_numpy(x), eps=eps)


@st.cache_data(max_entries=32, show_spinner="Integrating p(x) = ∫ p(x|z) p(z) dz over the plane…")
def _log_px(_model, key: str, x: np.ndarray) -> tuple[float, float]:
    """Exact log p(x) of a 2-D VAE and the quadrature's error, nats (vae_core.inference.marginal)."""
    q = quadrature(_model, torch.from_numpy(x))
    return q.log_px, q.error


@st.cache_data(show_spinner=f"Decoding {IWAE_DRAWS:,} draws for L_k, k = 1 … 5000…", max_entries=32)
def _iwae_curve(_model, key: str, x: np.ndarray, seed: int) -> IwaeCurve:
    return iwae_curve(_model, torch.from_numpy(x), K_OPTIONS, eps=_draws(_model.latent_dim, seed))


@st.cache_data(show_spinner="Measuring estimator variances…", max_entries=64)
def _variance(name: str, k: float, mu: float, sigma: float, max_m: int, seed: int):
    f = gradients.cost_function(name, k)
    grid = [m for m in VARIANCE_GRID if m <= max_m]
    curve = gradients.variance_vs_num_samples(f, mu, sigma, grid, VARIANCE_REPEATS, seed)
    return curve, gradients.estimator_moments(f, mu, sigma, MOMENT_SAMPLES, seed)


@st.cache_data(show_spinner=False, max_entries=64)
def _lotus(name: str, k: float, mu: float, sigma: float, num_samples: int, seed: int):
    return gradients.lotus_running_means(gradients.cost_function(name, k), mu, sigma, num_samples, seed)


@st.cache_data(show_spinner=False, max_entries=64)
def _icdf_samples(dist: str, params: tuple[tuple[str, float], ...], seed: int) -> np.ndarray:
    _, z = inverse_cdf.draw(dist, ICDF_SAMPLES, torch.Generator().manual_seed(seed), **dict(params))
    return z.numpy()


# --- views ------------------------------------------------------------------------------------------


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
def elbo_view(model, key: str, x: np.ndarray, seed: int) -> None:
    """View 1, left: reconstruction, KL and ELBO from the first M draws, as bars."""
    m = st.select_slider("M: samples for E_q[log p(x|z)]", M_OPTIONS, value=100, key="maths_elbo_m")
    try:
        terms = _elbo(model, key, x, m, seed)
    except (TypeError, ValueError) as exc:
        st.error(f"Could not compute the ELBO: {exc}")
        return
    plotly_chart(figures.elbo_figure(terms), width="stretch", key="maths_elbo_chart")
    st.markdown(
        f"E_q[log p(x|z)] = **{_fmt(terms.reconstruction, terms.reconstruction_se)} nats** (M = {m}: the "
        f"first M of the {IWAE_DRAWS:,} draws behind L_k) · KL = **{_fmt(terms.kl)} nats** · "
        f"ELBO = **{_fmt(terms.elbo, terms.elbo_se)} nats** (± is 1 SE)"
    )


@st.fragment
def iwae_view(model, key: str, x: np.ndarray, seed: int) -> None:
    """View 1, right: L_k against k from one set of draws, the exact log p(x) of a 2-D VAE,
    and sentences that claim only what their standard errors allow (bound_text)."""
    k = st.select_slider("k: importance samples for L_k", K_OPTIONS, value=100, key="maths_iwae_k")
    try:
        curve = _iwae_curve(model, key, x, seed)
        log_px, log_px_error = _log_px(model, key, x) if model.latent_dim == 2 else (None, 0.0)
        checks = check_bounds(curve, log_px, log_px_error, bound_text.Z)
    except (TypeError, ValueError) as exc:
        st.error(f"Could not compute the bounds: {exc}")
        return
    plotly_chart(
        figures.iwae_figure(curve, curve.elbo, highlight_k=k, log_px=log_px), width="stretch", key="maths_iwae_chart"
    )
    st.markdown(bound_text.chosen_k(curve, k))
    st.markdown(bound_text.l1_and_elbo(curve, checks))
    st.markdown(bound_text.rise(curve, checks))
    st.markdown(bound_text.exact(curve, checks, log_px, log_px_error))


@st.fragment
def gradient_flow_view(model, x: torch.Tensor, seed: int) -> None:
    """View 2: gradients of log p(x|z) w.r.t. mu, sigma through reparameterize vs .sample()."""
    st.subheader("2 · Where the gradient flows")
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
    try:
        comparison = gradients.gradient_flow(model, x, torch.tensor(eps), seed)
    except (TypeError, ValueError) as exc:
        st.error(f"Could not compute the gradients: {exc}")
        return
    plotly_chart(figures.gradient_flow_figure(comparison), width="stretch", key="maths_flow_chart")
    rep, smp = comparison

    def cell(value) -> str:
        if value is None:
            return "**None**"
        return _vector(value) if isinstance(value, torch.Tensor) else f"{value:.3f}"

    st.markdown(
        "\n".join(
            [
                "| | z = μ + σ ⊙ ε | z = Normal(μ, σ).sample() |",
                "|---|---|---|",
                f"| z | {_vector(rep.z)} | {_vector(smp.z)} |",
                f"| log p(x\\|z) (nats) | {rep.reconstruction:.2f} | {smp.reconstruction:.2f} |",
                f"| z.requires_grad · z.grad_fn | {rep.z_requires_grad} · {rep.z_grad_fn} "
                f"| {smp.z_requires_grad} · {smp.z_grad_fn} |",
                f"| ∂ log p(x\\|z)/∂μ (mu.grad) | {cell(rep.grad_mu)} | {cell(smp.grad_mu)} |",
                f"| ∂ log p(x\\|z)/∂σ (sigma.grad) | {cell(rep.grad_sigma)} | {cell(smp.grad_sigma)} |",
                f"| ‖gradient‖ over encoder weights | {cell(rep.encoder_grad_norm)} | {cell(smp.encoder_grad_norm)} |",
                f"| ‖gradient‖ over decoder weights | {cell(rep.decoder_grad_norm)} | {cell(smp.decoder_grad_norm)} |",
            ]
        )
    )
    st.caption(f"Reparameterized: {rep.explanation}  \nSampled: {smp.explanation}")


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


@st.fragment
def variance_view(seed: int) -> None:
    """View 3: variance of pathwise and score-function estimates against M, log-log."""
    st.subheader("3 · Estimator variance: pathwise vs score function")
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
    try:
        f = gradients.cost_function(name, k)
        curve, moments = _variance(name, k, mu, sigma, max_m, seed)
        closed = gradients.quadratic_single_sample_variances(mu, sigma, k) if name == "quadratic" else None
    except (TypeError, ValueError) as exc:
        st.error(f"Bad parameters: {exc}")
        return
    plotly_chart(figures.variance_figure(curve, closed, f.label), width="stretch", key="maths_var_chart")
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
                f"| {figures.ESTIMATOR_NAMES[est]} | {theta} | {_fmt(mom.mean[i], mom.standard_error[i], 4)} "
                f"| {exact[i]:.4f} | {mom.variance[i]:.4g} | {closed_text} |"
            )
    st.markdown("\n".join(rows))
    st.caption(
        f"f(z) = {f.label}, μ = {mu:g}, σ = {sigma:g}; means and variances from "
        f"{MOMENT_SAMPLES:,} single-sample estimates (± is 1 SE); the curves use "
        f"{VARIANCE_REPEATS} repeats per M. Both estimators use the same ε."
    )


@st.fragment
def lotus_view(seed: int) -> None:
    """View 4: E_q[f(z)] by sampling z directly vs by sampling eps and mapping it."""
    st.subheader("4 · LOTUS: sample z, or sample ε and map it")
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
    m = st.select_slider("M (samples)", LOTUS_OPTIONS, value=10_000, key="maths_lotus_m")
    try:
        f = gradients.cost_function(name, k)
        result = _lotus(name, k, mu, sigma, m, seed)
        exact = f.expectation(mu, sigma)
    except (TypeError, ValueError) as exc:
        st.error(f"Bad parameters: {exc}")
        return
    plotly_chart(figures.lotus_figure(result, exact, f.label), width="stretch", key="maths_lotus_chart")
    st.markdown(
        f"After M = {m:,}: sampling z gives **{_fmt(result.direct[-1], result.direct_se, 4)}**, "
        f"sampling ε gives **{_fmt(result.reparameterized[-1], result.reparameterized_se, 4)}**; "
        f"exact E[{f.label}] = **{exact:.4f}** (± is 1 SE)."
    )


@st.fragment
def inverse_cdf_view(seed: int) -> None:
    """View 5: z = F^-1(u) on the CDF, a histogram of samples against the density."""
    st.subheader("5 · Inverse-CDF sampling")
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
    try:
        z = float(inverse_cdf.sample(dist, torch.tensor([u], dtype=torch.float64), **params)[0])
        samples = _icdf_samples(dist, tuple(sorted(params.items())), seed)
        fig = figures.inverse_cdf_figure(dist, params, u, samples)
    except (TypeError, ValueError) as exc:
        st.error(f"Bad parameters: {exc}")
        return
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


VIEWS = (
    "1 · ELBO and IWAE",
    "2 · Where the gradient flows",
    "3 · Estimator variance",
    "4 · LOTUS",
    "5 · Inverse-CDF sampling",
)
"""The lab's five views; presentation mode shows one at a time."""


def _one_view(vae: bool) -> str:
    """Presentation mode's picker: the view to show (views 1-2 need a VAE)."""
    options = VIEWS if vae else VIEWS[2:]
    return st.segmented_control("View", options, default=options[0], key="present_maths_view") or options[0]


def render(model, x: torch.Tensor, label: int | str | None) -> None:
    """The maths lab page for one model and one input.

    Args:
        model: a loaded VAE (all five views) or AE (views 3-5; views 1-2 need a posterior).
        x: float (1, 1, 28, 28) in [0, 1], the chosen input.
        label: how the input is described (e.g. "gallery #1: a Pullover"), its digit, or None
            (an upload).
    """
    presentation = presenting()
    if not presentation:
        st.title("Maths lab")
    what = label if isinstance(label, str) else (f"a {label}" if label is not None else "the uploaded image")
    st.caption(
        f"The maths behind the VAE, with numbers you can check. Input x: {what}; "
        f"model: {getattr(model, 'name', 'in-memory model')}."
    )
    seed = int(st.number_input("Random seed (all views)", 0, 2**31 - 1, 0, step=1, key="maths_seed"))
    is_vae = getattr(model, "kind", None) == "vae"
    vae = is_vae and isinstance(x, torch.Tensor) and tuple(x.shape) == (1, *IMAGE_SHAPE)
    if is_vae and not vae:
        st.error(f"The input must be one 28×28 image, shape (1, 1, 28, 28); got {tuple(getattr(x, 'shape', ()))}.")
    if vae:
        x = x.detach().float().cpu()
        key, pixels = model_key(model), x.numpy()
    shown = _one_view(vae) if presentation else None  # presentation mode: one view at a time
    later = None
    if vae and shown in (None, VIEWS[0]):
        bounds_intro()
        left, later = st.columns(2)  # L_k and log p(x) take longest: the right column is drawn last
        with left:
            elbo_view(model, key, pixels, seed)
        st.divider()
    if vae and shown in (None, VIEWS[1]):
        gradient_flow_view(model, x, seed)
    elif not is_vae and shown is None:
        st.info(
            "This model is a plain autoencoder: it has no posterior q(z|x) (σ = 0), so the ELBO "
            "and gradient-flow views need a VAE. Views 3–5 below do not depend on the model."
        )
    for view, draw in zip(VIEWS[2:], (variance_view, lotus_view, inverse_cdf_view), strict=True):
        if shown in (None, view):
            if shown is None:
                st.divider()
            draw(seed)
    if later is not None:
        with later:
            iwae_view(model, key, pixels, seed)
    keyboard_scrollable()  # the wide formulas scroll sideways on a phone
