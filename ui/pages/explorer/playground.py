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
from ui.kept import kept
from ui.pages.explorer.pipeline_state import (
    bounds_of,
    commit_from_pad,
    count_run,
    explorer_view,
    fit,
    from_controls,
    keep_window,
    pipeline_of,
    prior,
    resample,
    reset_to_encoder,
    set_eps,
    slider,
    store,
)
from ui.resources import encode_input, gallery_codes, get_decoder_spec, get_gallery, load_or_explain, session_generator
from ui.selection import Selection
from ui.views import posterior
from ui.views.charts import presenting
from ui.views.judged import get_classifier
from ui.views.planes import plane_choice, projection
from vae_core import reparameterize
from vae_core.classifier import judge
from vae_core.constants import EPS_LIMIT
from vae_core.maths.losses import negative_elbo
from vae_core.maths.projection import Projection

LABELS = {"vae": "VAE", "ae": "Plain autoencoder (AE)"}
SMALL_SIGMA = 0.25
"""Below this every σ_j(x) is called small next to the prior's 1 (the 2-D VAE's are ~0.05)."""


def _verdict(selection: Selection, z: torch.Tensor, logits: torch.Tensor) -> dict | None:
    """What the dataset's classifier says decoder(z) shows, for the pad's words for screen readers:
    {"z", "label", "confidence"} (latent_pad's verdict), or None when there is no classifier.
    z float (1, latent_dim); logits float (1, 1, 28, 28), the decoder's at z."""
    classifier = get_classifier(selection.dataset)
    if classifier is None:
        return None
    verdict = judge(classifier, torch.sigmoid(logits))
    label = int(verdict.labels[0])
    return {"z": z[0].tolist(), "label": str(selection.class_names[label]), "confidence": float(verdict.confidence[0])}


def playground(selection: Selection) -> tuple:
    """The pipeline x → μ, σ → ε → z → x̂, its controls, sliders and (2-D VAE) the true posterior.

    Returns the plane chosen for latent_dim > 2 (see ui.planes.plane_choice), which the sections
    below share. The model choice is drawn here (a change reruns the page); the pipeline, its
    buttons and sliders live in the fragment _live_playground, so a slider move or a drag reruns
    only that, with every cached resource passed in rather than looked up.
    """
    presentation = presenting()  # the section picker above names the section; the teacher speaks the text
    if not presentation:
        st.subheader("1 · The reparameterization: x → μ, σ → ε → z → x̂")
    options = [(k, e) for k, e in (("vae", selection.vae), ("ae", selection.ae)) if e is not None]
    # Presenting, the radio has the row to itself (no paragraph beside it), so it stays one line.
    top = [st.container(), None] if presentation else st.columns([1.25, 3], vertical_alignment="bottom")
    kinds = [k for k, _ in options]
    kind = kept(
        top[0].radio,
        "Model",
        kinds,
        format_func=LABELS.get,
        horizontal=True,
        key="pg_model",
        field="model",
        # presenting, its options say what it is: the row of the pipeline keeps the line
        label_visibility="collapsed" if presentation else "visible",
    )
    entry = dict(options)[kind]
    model = load_or_explain(entry, LABELS[kind])
    if model is None:
        return ("dims", 0, 1)
    d = model.latent_dim
    enc_mu, enc_sigma = encode_input(model, selection.x)
    fit(kind, entry, d, enc_mu, enc_sigma, f"{entry['path']}|{selection.input_id}")
    if not presentation:
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
) -> None:
    """What a slider, a button or a drag reruns: the controls, the pipeline, the sliders, the numbers."""
    count_run()
    d = model.latent_dim
    vae = kind == "vae"
    bounds = bounds_of(path, kind)
    mu_range, sigma_max = bounds.mu_range, bounds.sigma_max
    exact = vae and d == 2

    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.button(
        "Resample ε",
        icon=":material/casino:",
        key=f"pg_{kind}_resample",
        on_click=resample,
        args=(kind, bounds),
        help="Draw a fresh ε ∼ N(0, I) (and a fresh cloud of K samples)",
        disabled=not vae,
    )
    row.button("ε = 0", key=f"pg_{kind}_zero", on_click=set_eps, args=(kind, bounds, [0.0] * d), disabled=not vae)
    row.button(
        "Encoder",
        icon=":material/restart_alt:",
        key=f"pg_{kind}_reset",
        on_click=reset_to_encoder,
        args=(kind, bounds, enc_mu, enc_sigma if vae else [0.0] * d),
        help="Reset μ and σ to the encoder's μ(x), σ(x), and ε to 0",
    )
    row.button(
        "Prior",
        icon=":material/blur_on:",
        key=f"pg_{kind}_prior",
        on_click=prior,
        args=(kind, bounds),
        help="μ = 0, σ = 1: z = ε is a draw from the prior N(0, I), i.e. generation",
        disabled=not vae,
    )
    explorer = explorer_view()
    st.session_state[keys.CLOUD_K] = explorer.k  # the controls are views of the state
    st.session_state[keys.POSTERIOR] = explorer.posterior
    k = row.select_slider(
        "Samples K",
        CLOUD_SIZES,
        key=keys.CLOUD_K,
        on_change=from_controls,
        width=220,
        disabled=not vae,
        help="Draw K samples ε_k ∼ N(0, I): both planes show them, z_k = μ + σ ⊙ ε_k, decoded on the right",
    )
    show_heat = row.toggle(
        "True posterior p(z|x)",
        key=keys.POSTERIOR,
        on_change=from_controls,
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
    state = pipeline_of(kind)
    if vae and len(state.cloud) != k:
        state = state.with_cloud(k, session_generator())
        store(kind, state)
    mu, sigma, eps = list(state.mu), list(state.sigma), list(state.eps)
    view_key = f"{state.source}|{state.refits}"
    heat = None
    if show_heat and exact:
        heat = posterior.posterior_map(path, selection.input_id, selection.x.numpy())
    mu_t = torch.tensor([mu], dtype=torch.float32)
    sigma_t = torch.tensor([sigma], dtype=torch.float32)
    z = reparameterize(mu_t, sigma_t, torch.tensor([eps], dtype=torch.float32))
    with torch.no_grad():
        logits = model.decode_logits(z)

    latent_pad(
        spec,
        (codes, labels_np),
        mu,
        sigma,
        eps,
        x=selection.x[0],
        encoder=(enc_mu, [0.0] * d if not vae else enc_sigma),
        cloud=[list(row) for row in state.cloud] if vae and state.cloud else None,
        heat=heat,
        key=f"pg_{kind}_pad",
        extent=mu_range,
        on_commit=partial(commit_from_pad, kind, bounds),
        projection=plane,
        mode="z",
        default_view="q" if vae else "prior",
        view_key=view_key,
        window=None if state.window is None else list(state.window),
        on_view=partial(keep_window, kind),
        class_names=selection.class_names,
        verdict=_verdict(selection, z, logits),
        presentation=presenting(),
    )
    links.share("explorer")  # a rerun of this fragment alone: the URL follows the slider or the drag

    with torch.no_grad():
        terms = negative_elbo(selection.x, logits, mu_t, sigma_t if vae else None)
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

    # Drawn only when shown: 16 dimensions make 48 sliders, which Streamlit would re-send and the
    # browser re-render on every run even inside a closed expander.
    if not st.toggle(
        "Sliders for μ, σ and ε (the same state as the planes)",
        value=d <= 2,
        key=f"pg_{kind}_sliders_{d}",
        help="One slider per coordinate of μ, σ and ε; shown from the start for a 2-D model.",
    ):
        return
    with st.container(border=True):
        c_mu, c_sigma, c_eps = st.columns(3)
        for j in range(d):
            slider(c_mu, f"μ{j + 1}", -mu_range, mu_range, 0.01, kind, "mu", j, bounds)
        if vae:
            for j in range(d):
                slider(c_sigma, f"σ{j + 1}", 0.0, max(sigma_max, 0.01), 0.005, kind, "sigma", j, bounds)
        else:
            c_sigma.caption("σ = 0 for a plain autoencoder: there is nothing to set.")
        for j in range(d):
            slider(c_eps, f"ε{j + 1}", -EPS_LIMIT, EPS_LIMIT, 0.01, kind, "eps", j, bounds, disabled=not vae)
