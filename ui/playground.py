"""Section 1 of the explorer: the reparameterization playground.

Follow one input: the sidebar picks x; the encoder gives mu(x), sigma(x); the sliders set mu,
sigma and eps; z = mu + sigma * eps is drawn on the pad's plane and decoded.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st
import torch

from vae_core import reparameterize
from vae_core.constants import EPS_LIMIT
from vae_core.maths.losses import negative_elbo
from vae_core.maths.projection import Projection
from vae_core.viz.figures import posterior_plane
from vae_core.viz.images import to_png

from .latent_pad import latent_pad
from .planes import plane_choice, projection
from .state import (
    Selection,
    encode_input,
    gallery_codes,
    get_decoder_spec,
    get_gallery,
    is_kept,
    kept,
    load_or_explain,
    session_generator,
    set_kept,
)


def _key(kind: str, what: str, j: int) -> str:
    return f"pg_{kind}_{what}_{j}"


def _slider_bounds(path: str, kind: str) -> tuple[float, float]:
    """(mu_range, sigma_max) wide enough for every gallery code of this model."""
    mu, sigma = gallery_codes(path)
    mu_range = max(4.0, float(np.ceil(np.abs(mu).max() * 1.1)))
    sigma_max = 0.0 if kind == "ae" else max(1.5, float(np.ceil(sigma.max() * 20) / 10))
    return mu_range, sigma_max


def _eps_range(kind: str, j: int) -> float:
    """The eps slider's half-range: 3, or wider after the pad committed a z further out."""
    return st.session_state.get(_key(kind, "epsrange", j), EPS_LIMIT)


def _set_state(kind: str, mu: list[float], sigma: list[float], eps: list[float]) -> None:
    for j, m in enumerate(mu):
        set_kept(_key(kind, "mu", j), round(float(m), 3))
    for j, s in enumerate(sigma):
        set_kept(_key(kind, "sigma", j), round(float(s), 3))
    _set_eps(kind, eps)


def _reset_to_encoder(kind: str, mu: list[float], sigma: list[float]) -> None:
    _set_state(kind, mu, sigma, [0.0] * len(mu))


def _set_eps(kind: str, eps: list[float]) -> None:
    """Set the eps sliders; the range goes back to +-3 unless a value needs more."""
    for j, e in enumerate(eps):
        _set_eps_one(kind, j, e)


def _commit_from_pad(kind: str, commit: dict) -> None:
    """The pad's release: z was dragged with mu and sigma held, so eps = (z - mu) / sigma moves;
    where sigma = 0 (the AE, or a sigma slider at 0) z = mu, so mu moves instead."""
    eps = commit["eps"] or [None] * len(commit["z"])
    for j, (z_j, e_j) in enumerate(zip(commit["z"], eps, strict=True)):
        if e_j is None:
            set_kept(_key(kind, "mu", j), round(float(z_j), 2))
        else:
            _set_eps_one(kind, j, e_j)


def _set_eps_one(kind: str, j: int, e: float) -> None:
    st.session_state[_key(kind, "epsrange", j)] = max(EPS_LIMIT, float(np.ceil(abs(e))))
    set_kept(_key(kind, "eps", j), round(float(e), 2))


def _resample_eps(kind: str, latent_dim: int) -> None:
    _set_eps(kind, torch.randn(latent_dim, generator=session_generator()).tolist())


def _slider_keys(kind: str, latent_dim: int) -> list[str]:
    return [_key(kind, what, j) for what in ("mu", "sigma", "eps") for j in range(latent_dim)]


def _slider(column, label: str, low: float, high: float, step: float, key: str, **kwargs) -> float:
    """A playground slider whose value survives a visit to the Maths lab (ui.state.kept)."""
    return kept(column.slider, label, low, high, step=step, key=key, **kwargs)


def playground(selection: Selection) -> tuple:
    """Sliders over mu, sigma, eps of q(z|x); z = mu + sigma * eps; its decoded image; the plane.

    Returns the plane chosen for latent_dim > 2 (see ui.planes.plane_choice), which the sections below
    share.

    The model choice, explanations and buttons are drawn here (a change reruns the page); the
    sliders and everything that depends on them live in the fragment _live_playground, so a
    slider move reruns only that, with every cached resource passed in rather than looked up.
    """
    st.subheader("1 · Reparameterization playground")
    options = [(k, e) for k, e in (("vae", selection.vae), ("ae", selection.ae)) if e is not None]
    labels = {"vae": "VAE", "ae": "Plain autoencoder (AE)"}
    kind = kept(st.radio, "Model", [k for k, _ in options], format_func=labels.get, horizontal=True, key="pg_model")
    entry = dict(options)[kind]
    model = load_or_explain(entry, labels[kind])
    if model is None:
        return ("dims", 0, 1)
    d = model.latent_dim
    enc_mu, enc_sigma = encode_input(model, selection.x)
    mu_range, sigma_max = _slider_bounds(entry["path"], kind)
    stamp = f"{entry['path']}|{selection.input_id}"
    if not all(is_kept(key) for key in _slider_keys(kind, d)):
        st.session_state.pop(f"pg_{kind}_stamp", None)  # never drawn at this size: start from the encoder
    if st.session_state.get(f"pg_{kind}_stamp") != stamp:
        _reset_to_encoder(kind, enc_mu, enc_sigma)
        st.session_state[f"pg_{kind}_stamp"] = stamp

    st.markdown(
        r"The encoder maps x to the posterior $q(z\mid x) = \mathcal{N}\big(\mu(x), \sigma(x)^2\big)$. "
        r"A sample is drawn as $z = \mu + \sigma \odot \varepsilon$ with $\varepsilon \sim \mathcal{N}(0, I)$: "
        "all randomness sits in ε, so z is a smooth function of μ and σ and gradients can flow "
        "back into the encoder."
    )
    if kind == "ae":
        st.info(
            "A plain autoencoder is deterministic: **σ = 0**, so z = μ + 0 ⊙ ε = μ. Move ε — "
            "z and the decoded image do not change."
        )
    st.caption(
        f"Encoder output for this x: μ(x) = ({', '.join(f'{m:+.3f}' for m in enc_mu)}), "
        f"σ(x) = ({', '.join(f'{s_:.3f}' for s_ in enc_sigma)})"
    )

    b1, b2, b3, b4, _ = st.columns([1, 0.7, 1, 1, 2.2])
    b1.button(
        "Resample ε",
        icon=":material/casino:",
        key=f"pg_{kind}_resample",
        on_click=_resample_eps,
        args=(kind, d),
        help="Draw a fresh ε ∼ N(0, I)",
    )
    b2.button("ε = 0", key=f"pg_{kind}_zero", on_click=_set_eps, args=(kind, [0.0] * d))
    b3.button(
        "Encoder",
        icon=":material/restart_alt:",
        key=f"pg_{kind}_reset",
        on_click=_reset_to_encoder,
        args=(kind, enc_mu, enc_sigma),
        help="Reset μ and σ to the encoder's μ(x), σ(x)",
    )
    if kind == "vae":
        b4.button(
            "Prior",
            icon=":material/blur_on:",
            key=f"pg_{kind}_prior",
            on_click=_set_state,
            args=(kind, [0.0] * d, [1.0] * d, torch.randn(d, generator=session_generator()).tolist()),
            help="μ = 0, σ = 1: z = ε is a draw from the prior N(0, I), i.e. generation",
        )
    codes, _ = gallery_codes(entry["path"])
    choice = plane_choice(d)
    _live_playground(
        kind,
        model,
        selection.x,
        enc_mu,
        enc_sigma,
        mu_range,
        sigma_max,
        codes,
        get_gallery(selection.dataset).labels.numpy(),
        get_decoder_spec(entry["path"]),
        projection(entry["path"], choice),
    )
    return choice


@st.fragment
def _live_playground(
    kind: str,
    model,
    x: torch.Tensor,
    enc_mu: list[float],
    enc_sigma: list[float],
    mu_range: float,
    sigma_max: float,
    codes: np.ndarray,
    labels_np: np.ndarray,
    spec: dict,
    projection: Projection,
) -> None:
    """The part of the playground a slider or the pad reruns: sliders, z, decoded image, pad."""
    d = model.latent_dim
    title = "VAE" if kind == "vae" else "Plain autoencoder (AE)"
    controls, pad_column = st.columns([1.0, 1.3], gap="large")
    with controls:
        c_mu, c_sigma, c_eps = st.columns(3)
        mu = [_slider(c_mu, f"μ{j + 1}", -mu_range, mu_range, 0.01, _key(kind, "mu", j)) for j in range(d)]
        sigma = [
            _slider(
                c_sigma, f"σ{j + 1}", 0.0, max(sigma_max, 0.01), 0.005, _key(kind, "sigma", j), disabled=kind == "ae"
            )
            for j in range(d)
        ]
        eps = [
            _slider(c_eps, f"ε{j + 1}", -_eps_range(kind, j), _eps_range(kind, j), 0.01, _key(kind, "eps", j))
            for j in range(d)
        ]

    mu_t = torch.tensor([mu], dtype=torch.float32)
    sigma_t = torch.zeros_like(mu_t) if kind == "ae" else torch.tensor([sigma], dtype=torch.float32)
    eps_t = torch.tensor([eps], dtype=torch.float32)
    z = reparameterize(mu_t, sigma_t, eps_t)
    with torch.no_grad():
        logits = model.decode_logits(z)
        terms = negative_elbo(x, logits, mu_t, None if kind == "ae" else sigma_t)
    recon, kl = float(terms.reconstruction[0]), float(terms.kl[0])
    image = torch.sigmoid(logits)[0]

    def fmt(v):
        return "(" + ", ".join(f"{float(a):+.2f}" for a in v) + ")"

    with controls:
        c_image, c_text = st.columns([1, 1.4])
        c_image.image(
            to_png(image, 6), caption="decoded p(x|z): Bernoulli means (PyTorch)", width=168, output_format="PNG"
        )
        with c_text:
            lines = [f"−log p(x|z) = **{recon:.1f} nats**: the reconstruction error of x at this z"]
            if kind == "vae":
                lines.append(f"KL(q(z|x) ‖ N(0, I)) = **{kl:.2f} nats**, closed form for these μ, σ")
            # One element (the z lines, then the numbers) keeps the fragment's rerun small.
            st.container(key=f"pg_{kind}_z").markdown(
                f"z = μ + σ ⊙ ε  \n= {fmt(mu)} + {fmt(sigma_t[0])} ⊙ {fmt(eps)}  \n= **{fmt(z[0])}**"
                "\n\n" + "".join(f"<small>{line}</small><br>" for line in lines),
                unsafe_allow_html=True,
            )
            far = max((abs(e) for e, s_ in zip(eps, sigma_t[0].tolist(), strict=True) if s_ > 0), default=0.0)
            if far > EPS_LIMIT:
                st.warning(
                    f"z is {far:.0f} σ from μ along one axis: q(z|x) puts almost no "
                    "probability there, so training would almost never see this z."
                )

    with pad_column:
        latent_pad(
            spec,
            (codes, labels_np),
            mu,
            sigma_t[0].tolist(),
            z[0].tolist(),
            key=f"pg_{kind}_pad",
            extent=mu_range,
            on_commit=partial(_commit_from_pad, kind),
            projection=projection,
        )
        st.caption(
            "On release, z goes back to Python: "
            + ("ε = (z − μ)/σ moves the ε sliders." if kind == "vae" else "for the AE z = μ, so the μ sliders move.")
        )
        # Opt-in: a collapsed expander would still ship 5,000 points on every slider move. It
        # draws two latent dimensions (q's ellipse is exact there), so not a PCA plane.
        dims = projection.dims
        if dims is None:
            st.caption("The Plotly version of the plane shows two latent dimensions: pick them above.")
        elif st.toggle("Also show the plane as a Plotly figure (hover, zoom, download)", key=f"pg_{kind}_plotly"):
            fig = posterior_plane(
                mu,
                sigma_t[0].tolist(),
                z[0].tolist(),
                dims=dims,
                background=codes,
                background_labels=labels_np,
                title=f"{title}: z on the latent plane",
                height=420,
            )
            st.plotly_chart(fig, width="stretch", key=f"pg_{kind}_plane")
