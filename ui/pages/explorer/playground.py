"""Section 1 of the explorer: the reparameterization as one pipeline.

Follow one input: the sidebar picks x; the encoder gives mu(x), sigma(x); ε is drawn from N(0, I)
on the ε-plane; z = mu + sigma * ε lands on the z-plane and is decoded — all in one row drawn by
the browser component (ui/latent_pad.py), live while the user drags. The sliders for mu, sigma
and ε sit below, bound to the same state: a slider moves the planes, a drag on a plane moves the
sliders when it ends.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st
import torch

from ui import keys, links
from ui.components.latent_pad import latent_pad
from ui.components.latent_pad.payloads import CLOUD_SIZES
from ui.kept import is_kept, kept, restore, set_kept
from ui.resources import encode_input, gallery_codes, get_decoder_spec, get_gallery, load_or_explain, session_generator
from ui.selection import Selection
from ui.text import escape_markdown
from ui.views import posterior
from ui.views.planes import plane_choice, projection, slider_bounds
from vae_core import reparameterize
from vae_core.constants import EPS_LIMIT
from vae_core.maths.losses import negative_elbo
from vae_core.maths.projection import Projection

LABELS = {"vae": "VAE", "ae": "Plain autoencoder (AE)"}
SMALL_SIGMA = 0.25
"""Below this every σ_j(x) is called small next to the prior's 1 (the 2-D VAE's are ~0.05)."""


def _key(kind: str, what: str, j: int) -> str:
    return f"pg_{kind}_{what}_{j}"


def _current(key: str) -> float:
    """A playground slider's value before the slider is drawn (the component comes first)."""
    restore(key)
    return float(st.session_state[key])


def _set_state(kind: str, mu: list[float], sigma: list[float], eps: list[float]) -> None:
    for j, m in enumerate(mu):
        set_kept(_key(kind, "mu", j), round(float(m), 3))
    for j, s_ in enumerate(sigma):
        set_kept(_key(kind, "sigma", j), round(float(s_), 4))
    _set_eps(kind, eps)
    # μ and σ jumped (Encoder, Prior, a new input): show q(z|x) afresh.
    st.session_state[f"pg_{kind}_refits"] = st.session_state.get(f"pg_{kind}_refits", 0) + 1


def _reset_to_encoder(kind: str, mu: list[float], sigma: list[float]) -> None:
    _set_state(kind, mu, sigma, [0.0] * len(mu))


def _set_eps(kind: str, eps: list[float]) -> None:
    """Set the ε sliders, within their fixed range ±EPS_LIMIT."""
    for j, e in enumerate(eps):
        set_kept(_key(kind, "eps", j), round(max(-EPS_LIMIT, min(EPS_LIMIT, float(e))), 2))


def _commit_from_pad(kind: str, mu_range: float, commit: dict) -> None:
    """A release on the pipeline: copy what moved into the sliders, within their ranges (a
    message may carry anything: ui.messages checked its form, this its range). ε was dragged
    (source "eps"), or z with ε following ("z"; where σ = 0 that moves μ), or μ with ε held ("mu")."""
    if commit["mu"] is not None:
        for j, m in enumerate(commit["mu"]):
            m = max(-mu_range, min(mu_range, m))
            if abs(m - st.session_state.get(_key(kind, "mu", j), m)) > 5e-4:
                set_kept(_key(kind, "mu", j), round(float(m), 3))
    if commit["eps"] is not None:
        _set_eps(kind, [0.0 if e is None else e for e in commit["eps"]])


def _draw_cloud(kind: str, latent_dim: int, k: int) -> None:
    cloud = torch.randn(k, latent_dim, generator=session_generator()).tolist() if k else None
    st.session_state[f"pg_{kind}_cloud"] = cloud


def _resample(kind: str, latent_dim: int) -> None:
    g = session_generator()
    _set_eps(kind, torch.randn(latent_dim, generator=g).tolist())
    k = int(st.session_state.get(keys.CLOUD_K, 0))
    _draw_cloud(kind, latent_dim, k)


def _view_key(kind: str, stamp: str) -> str:
    """Changes whenever the z-plane should be fitted afresh (a new model or input, Encoder, Prior)."""
    return f"{stamp}|{st.session_state.get(f'pg_{kind}_refits', 0)}"


def _keep_window(kind: str, view_key: str, window: list[float] | None) -> None:
    """Remember the z-plane's window for this view (the user's zoom, or a link's)."""
    st.session_state[f"pg_{kind}_window"] = (view_key, window)


def _kept_window(kind: str, view_key: str) -> list[float] | None:
    kept_key, window = st.session_state.get(f"pg_{kind}_window", (None, None))
    return window if kept_key == view_key else None


def _open_pending_link(kind: str, path: str, enc_mu: list[float], enc_sigma: list[float]) -> None:
    """A link's μ, σ, ε and zoom (ui.links), once: clamped to the sliders' ranges."""
    link = links.take_pending(kind, len(enc_mu))
    if link is None:
        return
    mu_range, sigma_max = slider_bounds(path, kind)
    notes: list[str] = []
    mu = _within("mu", link.mu or enc_mu, -mu_range, mu_range, notes)
    sigma = _within("sigma", link.sigma or enc_sigma, 0.0, sigma_max, notes)
    eps = _within("eps", link.eps or [0.0] * len(enc_mu), -EPS_LIMIT, EPS_LIMIT, notes)
    if notes:
        st.warning(escape_markdown("The link's values lay outside the sliders' ranges: " + "; ".join(notes), 600) + ".")
    _set_state(kind, mu, sigma, eps)
    if link.zoom is not None:
        _keep_window(kind, _view_key(kind, st.session_state[f"pg_{kind}_stamp"]), list(link.zoom))


def _within(name: str, values, low: float, high: float, notes: list[str]) -> list[float]:
    """values clamped to [low, high]; each value that had to move is named in notes."""
    out = []
    for j, v in enumerate(values):
        clamped = max(low, min(high, float(v)))
        if clamped != v:
            notes.append(f"{name}{j + 1} = {v:g} set to {clamped:g} (the range is {low:g} to {high:g})")
        out.append(clamped)
    return out


def _slider_keys(kind: str, latent_dim: int) -> list[str]:
    return [_key(kind, what, j) for what in ("mu", "sigma", "eps") for j in range(latent_dim)]


def _slider(column, label: str, low: float, high: float, step: float, key: str, **kwargs) -> float:
    """A playground slider whose value survives a visit to the Maths lab (ui.state.kept)."""
    return kept(column.slider, label, low, high, step=step, key=key, **kwargs)


def playground(selection: Selection) -> tuple:
    """The pipeline x → μ, σ → ε → z → x̂, its controls, sliders and (2-D VAE) the true posterior.

    Returns the plane chosen for latent_dim > 2 (see ui.planes.plane_choice), which the sections
    below share. The model choice is drawn here (a change reruns the page); the pipeline, its
    buttons and sliders live in the fragment _live_playground, so a slider move or a drag reruns
    only that, with every cached resource passed in rather than looked up.
    """
    st.subheader("1 · The reparameterization: x → μ, σ → ε → z → x̂")
    options = [(k, e) for k, e in (("vae", selection.vae), ("ae", selection.ae)) if e is not None]
    top = st.columns([1.25, 3], vertical_alignment="bottom")
    kind = kept(top[0].radio, "Model", [k for k, _ in options], format_func=LABELS.get, horizontal=True, key="pg_model")
    entry = dict(options)[kind]
    model = load_or_explain(entry, LABELS[kind])
    if model is None:
        return ("dims", 0, 1)
    d = model.latent_dim
    enc_mu, enc_sigma = encode_input(model, selection.x)
    stamp = f"{entry['path']}|{selection.input_id}"
    if not all(is_kept(key) for key in _slider_keys(kind, d)):
        st.session_state.pop(f"pg_{kind}_stamp", None)  # never drawn at this size: start from the encoder
    if st.session_state.get(f"pg_{kind}_stamp") != stamp:
        _reset_to_encoder(kind, enc_mu, enc_sigma)
        st.session_state[f"pg_{kind}_stamp"] = stamp
    _open_pending_link(kind, entry["path"], enc_mu, enc_sigma)
    top[1].markdown(
        r"The encoder maps $x$ to $q(z\mid x)=\mathcal{N}\big(\mu(x),\sigma(x)^2\big)$; a sample is "
        r"$z=\mu+\sigma\odot\varepsilon$ with $\varepsilon\sim\mathcal{N}(0,I)$. All the randomness is in "
        r"$\varepsilon$, so $z$ is a smooth function of $\mu$ and $\sigma$ and gradients reach the encoder."
        if kind == "vae"
        else r"The plain autoencoder's encoder maps $x$ to one code $z = \mu(x)$: no $\sigma$, no sampling, so "
        r"$\varepsilon$ does nothing. Compare its z-plane with the VAE's: no prior ties its codes to "
        r"$\mathcal{N}(0, I)$."
    )
    choice = plane_choice(d)
    _live_playground(
        kind,
        model,
        entry["path"],
        selection,
        enc_mu,
        enc_sigma,
        gallery_codes(entry["path"])[0],
        get_gallery(selection.dataset).labels.numpy(),
        get_decoder_spec(entry["path"]),
        projection(entry["path"], choice),
        stamp,
    )
    return choice


@st.fragment
def _live_playground(
    kind: str,
    model,
    path: str,
    selection: Selection,
    enc_mu: list[float],
    enc_sigma: list[float],
    codes: np.ndarray,
    labels_np: np.ndarray,
    spec: dict,
    plane: Projection,
    stamp: str,
) -> None:
    """What a slider, a button or a drag reruns: the controls, the pipeline, the sliders, the numbers."""
    d = model.latent_dim
    vae = kind == "vae"
    mu_range, sigma_max = slider_bounds(path, kind)
    exact = vae and d == 2

    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.button(
        "Resample ε",
        icon=":material/casino:",
        key=f"pg_{kind}_resample",
        on_click=_resample,
        args=(kind, d),
        help="Draw a fresh ε ∼ N(0, I) (and a fresh cloud of K samples)",
        disabled=not vae,
    )
    row.button("ε = 0", key=f"pg_{kind}_zero", on_click=_set_eps, args=(kind, [0.0] * d), disabled=not vae)
    row.button(
        "Encoder",
        icon=":material/restart_alt:",
        key=f"pg_{kind}_reset",
        on_click=_reset_to_encoder,
        args=(kind, enc_mu, enc_sigma),
        help="Reset μ and σ to the encoder's μ(x), σ(x), and ε to 0",
    )
    row.button(
        "Prior",
        icon=":material/blur_on:",
        key=f"pg_{kind}_prior",
        on_click=_set_state,
        args=(kind, [0.0] * d, [1.0] * d, torch.randn(d, generator=session_generator()).tolist()),
        help="μ = 0, σ = 1: z = ε is a draw from the prior N(0, I), i.e. generation",
        disabled=not vae,
    )
    k = row.select_slider(
        "Samples K",
        CLOUD_SIZES,
        key=keys.CLOUD_K,
        width=220,
        disabled=not vae,
        help="Draw K samples ε_k ∼ N(0, I): both planes show them, z_k = μ + σ ⊙ ε_k, decoded on the right",
    )
    show_heat = row.toggle(
        "True posterior p(z|x)",
        key=keys.POSTERIOR,
        disabled=not exact,
        help=(
            "Heat-map of the exact posterior, with log p(x), the ELBO and the IWAE bound"
            if exact
            else (
                "Only a VAE has a posterior: a plain AE defines no likelihood p(x|z) or prior p(z)."
                if not vae
                else "Exact by quadrature only for a 2-D latent: choose the 2-D VAE."
            )
        ),
    )
    cloud = st.session_state.get(f"pg_{kind}_cloud")
    if vae and (0 if cloud is None else len(cloud)) != k or cloud and len(cloud[0]) != d:
        _draw_cloud(kind, d, k)
        cloud = st.session_state.get(f"pg_{kind}_cloud")

    mu = [_current(_key(kind, "mu", j)) for j in range(d)]
    sigma = [0.0] * d if not vae else [_current(_key(kind, "sigma", j)) for j in range(d)]
    eps = [_current(_key(kind, "eps", j)) for j in range(d)]
    view_key = _view_key(kind, stamp)
    heat = None
    if show_heat and exact:
        heat = posterior.posterior_map(path, selection.input_id, selection.x.numpy())

    latent_pad(
        spec,
        (codes, labels_np),
        mu,
        sigma,
        eps,
        x=selection.x[0],
        encoder=(enc_mu, [0.0] * d if not vae else enc_sigma),
        cloud=cloud if vae else None,
        heat=heat,
        key=f"pg_{kind}_pad",
        extent=mu_range,
        on_commit=partial(_commit_from_pad, kind, mu_range),
        projection=plane,
        mode="z",
        default_view="q" if vae else "prior",
        view_key=view_key,
        window=_kept_window(kind, view_key),
        on_view=partial(_keep_window, kind, view_key),
        class_names=selection.class_names,
    )
    links.share(
        model=kind,
        mu=mu,
        sigma=sigma if vae else None,
        eps=eps if vae else None,
        zoom=_kept_window(kind, view_key),
        k=k if vae else None,
        posterior=bool(show_heat) if exact else None,
    )

    mu_t = torch.tensor([mu], dtype=torch.float32)
    sigma_t = torch.tensor([sigma], dtype=torch.float32)
    z = reparameterize(mu_t, sigma_t, torch.tensor([eps], dtype=torch.float32))
    with torch.no_grad():
        terms = negative_elbo(selection.x, model.decode_logits(z), mu_t, sigma_t if vae else None)
    recon, kl = float(terms.reconstruction[0]), float(terms.kl[0])
    if vae:
        st.markdown(
            rf"At this $z$: $-\log p(x\mid z) = {recon:.1f}$ nats, the reconstruction error of $x$; "
            rf"$\mathrm{{KL}}\big(q(z\mid x)\,\|\,\mathcal{{N}}(0,I)\big) = {kl:.2f}$ nats in closed form for "
            r"these $\mu, \sigma$. "
            + (
                rf"The encoder's $\sigma(x)$ is small (at most {max(enc_sigma):.2f}), so q(z|x) is small on the "
                "prior's scale: "
                if max(enc_sigma) < SMALL_SIGMA
                else ""
            )
            + "**fit q(z|x)** zooms to q (the scale bar gives its true size); **fit prior** shows the whole "
            "latent space."
        )
    else:
        st.markdown(
            rf"A plain autoencoder is deterministic: $\sigma = 0$, so $z = \mu + 0\odot\varepsilon = \mu$ and the "
            r"ε-plane is inert. Drag on the z-plane to move $z=\mu$ itself. "
            rf"At this $z$: $-\log p(x\mid z) = {recon:.1f}$ nats. It has no prior and no likelihood model of "
            "$p(x)$, so there is no posterior to draw."
        )

    if heat is not None:
        posterior.numbers(path, selection, mu, sigma, heat)

    with st.expander("Sliders for μ, σ and ε (the same state as the planes)", expanded=d <= 2):
        c_mu, c_sigma, c_eps = st.columns(3)
        for j in range(d):
            _slider(c_mu, f"μ{j + 1}", -mu_range, mu_range, 0.01, _key(kind, "mu", j))
        if vae:
            for j in range(d):
                _slider(c_sigma, f"σ{j + 1}", 0.0, max(sigma_max, 0.01), 0.005, _key(kind, "sigma", j))
        else:
            c_sigma.caption("σ = 0 for a plain autoencoder: there is nothing to set.")
        for j in range(d):
            _slider(c_eps, f"ε{j + 1}", -EPS_LIMIT, EPS_LIMIT, 0.01, _key(kind, "eps", j), disabled=not vae)
