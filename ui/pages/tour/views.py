"""The live views beside the tour's steps, and what each step's "Reveal" button does to them.

Every view reuses the app's pieces: the pipeline component (ui/latent_pad.latent_pad, as the
Explorer's playground draws it), the cached measurements (ui/judged.py, ui/posterior.py) and the
figure functions of vae_core.viz. A step's view state lives under session keys starting with
``tour_<step key>_`` (ui.tour clears them when the learner enters the step, so every visit starts
from the state the step's text describes). VIEWS maps a step's key to its View.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import streamlit as st
import torch

from ui import keys
from ui.components.latent_pad import latent_pad
from ui.components.latent_pad.payloads import MAX_CLOUD
from ui.pages.tour.facts import GRID_N, REVEAL_EPS, TourContext
from ui.resources import encode_input, gallery_codes, get_decoder_spec, get_gallery, get_model, session_generator
from ui.view_state import TourPad, TourView
from ui.views.charts import plotly_chart, presenting
from ui.views.judged import judged_grid, judged_path
from ui.views.latent_grids import as_latent_grid
from ui.views.planes import slider_bounds
from ui.views.posterior import posterior_map
from vae_core.classifier import HOLE
from vae_core.constants import EPS_LIMIT
from vae_core.data.galleries import CLASS_NAMES
from vae_core.viz.animation import strip_png
from vae_core.viz.gradient_figures import gradient_flow_figure, variance_figure
from vae_core.viz.latent_grid_figure import grid_figure
from vae_core.viz.latent_space_figures import class_spread_bars, confidence_curve, path_scatter
from vae_core.viz.layout import legend_below
from vae_core.viz.sampling_figures import inverse_cdf_figure

__all__ = ["View", "VIEWS", "pad_key", "state_prefix"]

NAMES = CLASS_NAMES["mnist"]
MODEL_TITLES = {"ae": "Plain autoencoder (AE)", "vae": "VAE"}
_NO_MODEBAR = {"displayModeBar": False}


def state_prefix(step_key: str) -> str:
    """Every widget key of a step's view starts with this (cleared when the step is entered)."""
    return f"tour_{step_key}_"


def _tour() -> TourView:
    view = st.session_state.get(keys.TOUR)
    if not isinstance(view, TourView):
        view = st.session_state[keys.TOUR] = TourView()
    return view


def pad_key(step_key: str) -> str:
    """The pipeline component's key on a step (also its key in window.__latentPad)."""
    return f"tour_pad_{step_key}"


@dataclass(frozen=True)
class View:
    """render(ctx, facts, revealed) draws the view; reveal(ctx, facts) (a button callback) puts
    it in the state that shows the step's answer, or is None when showing the answer is enough."""

    render: Callable[[TourContext, dict, bool], None]
    reveal: Callable[[TourContext, dict], None] | None = None


# --- the pipeline component, with its state under tour_<step>_pad --------------------------------


def _path(ctx: TourContext, kind: str) -> str:
    return ctx.vae_path if kind == "vae" else ctx.ae_path


def _pad_state(step_key: str, initial: Callable[[], dict], kind: str = "vae") -> TourPad:
    """The step's pipeline (a TourPad in the tour's state object), made on first use from initial().
    A pad read from a link (TourPad.linked) gives it the vector the learner moves on this step (μ on
    the AE's, where σ = 0; ε elsewhere) where that has as many numbers, within the pad's ranges."""
    pads = _tour().pads
    linked = pads.get(step_key)
    if linked is None or linked.linked:
        pad = TourPad(**initial())
        if linked is not None and kind == "ae" and len(linked.mu) == len(pad.mu):
            pad.mu = [max(-AE_EXTENT, min(AE_EXTENT, m)) for m in linked.mu]
        if linked is not None and kind == "vae" and len(linked.eps) == len(pad.eps):
            pad.eps = [round(max(-EPS_LIMIT, min(EPS_LIMIT, e)), 2) for e in linked.eps]
        pads[step_key] = pad
    return pads[step_key]


def _existing(step_key: str) -> TourPad | None:
    return _tour().pads.get(step_key)


def _encoder_state(ctx: TourContext, kind: str, view: str = "q") -> dict:
    mu, sigma = encode_input(get_model(_path(ctx, kind)), ctx.x_tensor)
    return {"mu": mu, "sigma": sigma if kind == "vae" else [0.0] * len(mu), "eps": [0.0] * len(mu), "view": view}


def _prior_state() -> dict:
    eps = torch.randn(2, generator=session_generator()).clamp(-3, 3)
    return {"mu": [0.0, 0.0], "sigma": [1.0, 1.0], "eps": [round(float(e), 2) for e in eps]}


def _commit(step_key: str, commit: dict) -> None:
    """A release on the pad: keep what moved (ε, or μ where σ = 0), within the pad's ranges."""
    pad = _existing(step_key)
    if pad is None:
        return
    if commit["mu"] is not None:
        pad.mu = [max(-AE_EXTENT, min(AE_EXTENT, float(m))) for m in commit["mu"]]
    if commit["eps"] is not None:
        pad.eps = [round(max(-EPS_LIMIT, min(EPS_LIMIT, 0.0 if e is None else float(e))), 2) for e in commit["eps"]]


AE_EXTENT = 12.0
"""The AE step's z-plane spans ±12 (three quarters of the AE's codes; the whole space reaches ±190,
where the input's code and the holes between the clusters would be too small to see)."""


def _pad(
    ctx: TourContext, step_key: str, kind: str, state: TourPad, heat: dict | None = None, extent: float | None = None
) -> None:
    path = _path(ctx, kind)
    enc_mu, enc_sigma = encode_input(get_model(path), ctx.x_tensor)
    latent_pad(
        get_decoder_spec(path),
        (gallery_codes(path)[0], get_gallery("mnist").labels.numpy()),
        state.mu,
        state.sigma,
        state.eps,
        x=ctx.x_tensor[0],
        encoder=(enc_mu, enc_sigma if kind == "vae" else [0.0] * len(enc_mu)),
        cloud=state.cloud,
        heat=heat,
        key=pad_key(step_key),
        extent=extent or slider_bounds(path, kind)[0],
        on_commit=partial(_commit, step_key),
        mode="z",
        default_view=state.view,
        view_key=f"{step_key}|{state.views}",
        class_names=NAMES,
        sliders=False,
        presentation=presenting(),
    )


def _now(state: TourPad) -> None:
    z = [m + s * e for m, s, e in zip(state.mu, state.sigma, state.eps, strict=True)]
    st.caption(
        "Now: ε = ("
        + ", ".join(f"{e:.2f}" for e in state.eps)
        + "), z = μ + σ ⊙ ε = ("
        + ", ".join(f"{v:.3f}" for v in z)
        + ")."
    )


def _new_draw(step_key: str) -> None:
    state = _tour().pads[step_key]
    state.eps = _prior_state()["eps"]


# --- one view per step ----------------------------------------------------------------------------


def _autoencoder(ctx: TourContext, facts: dict, revealed: bool) -> None:
    state = _pad_state("autoencoder", lambda: _encoder_state(ctx, "ae", "prior"), kind="ae")
    _pad(ctx, "autoencoder", "ae", state, extent=AE_EXTENT)
    st.caption(
        "Left to right: x, its code, the (inert) ε-plane, the z-plane with every gallery image's code coloured "
        "by digit (the plane shown spans ±12; the AE's codes reach ±190), and the decoded x̂. A plain AE has "
        "σ = 0: drag the star to move the code itself."
    )


def _reveal_hole(ctx: TourContext, facts: dict) -> None:
    if "hole_z" in facts:
        _tour().pads["autoencoder"].mu = list(facts["hole_z"])


def _strip(path: str, data: dict, title: str, marked: bool) -> None:
    confidence = data["confidence"]
    holes = [c < HOLE for c in confidence] if marked else [False] * len(confidence)
    marked_frames = [str(i + 1) for i, hole in enumerate(holes) if hole]
    alt = f"{title}: {len(holes)} decoded frames in a row" + (
        f"; frames {', '.join(marked_frames)} are holes (a red bar under each)" if marked_frames else ""
    )
    st.image(
        strip_png(torch.from_numpy(data["frames"]), holes), caption=title, width="stretch", output_format="PNG", alt=alt
    )


def _holes(ctx: TourContext, facts: dict, revealed: bool) -> None:
    data = judged_path(ctx.ae_path, facts["a"], facts["b"], facts["steps"], "linear")
    fig = path_scatter(
        gallery_codes(ctx.ae_path)[0],
        get_gallery("mnist").labels.numpy(),
        "AE: codes of 5,000 gallery images<br>and the straight line 2 → 9",
        data["line"],
        data["confidence"] if revealed else None,
        class_names=NAMES,
        height=440,
    )
    plotly_chart(fig, key="tour_holes_scatter", config=_NO_MODEBAR)
    _strip(ctx.ae_path, data, "AE: the decoded line, frame 1 (the 2) to frame 10 (the 9)", revealed)
    if revealed:
        plotly_chart(
            confidence_curve(data["confidence"], data["labels"], NAMES, "AE: classifier's confidence per frame"),
            key="tour_holes_confidence",
            config=_NO_MODEBAR,
        )


def _lvm(ctx: TourContext, facts: dict, revealed: bool) -> None:
    state = _pad_state("lvm", _prior_state)
    st.button("New draw ε ∼ N(0, I)", icon=":material/casino:", key="tour_lvm_draw", on_click=_new_draw, args=("lvm",))
    _pad(ctx, "lvm", "vae", state)
    _now(state)


def _reveal_cloud(ctx: TourContext, facts: dict) -> None:
    state = _tour().pads["lvm"]
    state.cloud = torch.randn(MAX_CLOUD, 2, generator=session_generator()).tolist()


def _q(ctx: TourContext, facts: dict, revealed: bool) -> None:
    state = _pad_state("q", lambda: _encoder_state(ctx, "vae", "prior"))
    _pad(ctx, "q", "vae", state)
    st.caption("**fit q(z|x)** and **fit prior** on the z-plane switch between the two scales.")


def _reveal_zoom(ctx: TourContext, facts: dict) -> None:
    state = _tour().pads["q"]
    state.view, state.views = "q", state.views + 1


def _elbo(ctx: TourContext, facts: dict, revealed: bool) -> None:
    state = _pad_state("elbo", lambda: _encoder_state(ctx, "vae", "q"))
    heat = posterior_map(ctx.vae_path, ctx.input_id, ctx.x) if revealed else None
    _pad(ctx, "elbo", "vae", state, heat=heat)
    c1, c2, c3 = st.columns(3)
    c1.metric("log p(x), exact (nats)", f"{facts['log_px']:.2f}")
    c2.metric("ELBO of q (nats)", f"{facts['elbo']:.2f}")
    c3.metric(
        "gap (nats)",
        f"{round(facts['log_px'], 2) - round(facts['elbo'], 2):.2f}" if revealed else "?",
        help="log p(x) − ELBO, a Monte Carlo estimate of KL(q(z|x) ‖ p(z|x))",
    )


_BACKWARD = """mu, sigma = model.encode(x)     # in the graph
mu.retain_grad()                 # mu is not a leaf: ask autograd to keep its .grad
z = Normal(mu, sigma).sample()   # z ~ q(z|x)
log_px_z = -bce(model.decode_logits(z), x)
log_px_z.backward()
mu.grad                          # ?"""


def _gradient(ctx: TourContext, facts: dict, revealed: bool) -> None:
    st.code(_BACKWARD, language="python")
    if revealed:
        fig = gradient_flow_figure(facts["comparison"], height=420)
        plotly_chart(fig, key="tour_gradient_flow", config=_NO_MODEBAR)


def _reparam(ctx: TourContext, facts: dict, revealed: bool) -> None:
    state = _pad_state("reparam", lambda: _encoder_state(ctx, "vae", "q"))
    _pad(ctx, "reparam", "vae", state)
    _now(state)


def _reveal_eps(ctx: TourContext, facts: dict) -> None:
    _tour().pads["reparam"].eps = list(REVEAL_EPS)


def _mc(ctx: TourContext, facts: dict, revealed: bool) -> None:
    fig = variance_figure(facts["curve"], facts["closed"], facts["label"], height=480)
    plotly_chart(
        fig,
        key="tour_mc_variance",
        config=_NO_MODEBAR,
    )
    st.caption(
        "Variance of the M-sample average against M, measured over 200 repeats (solid) and in closed form Var/M "
        "(dashed): left ∂/∂μ, right ∂/∂σ."
    )


def _icdf(ctx: TourContext, facts: dict, revealed: bool) -> None:
    u = facts["u"] if revealed else 0.5
    params = {"loc": facts["mu"], "scale": facts["sigma"]}
    fig = inverse_cdf_figure("normal", params, u, facts["draws"], height=400)
    for note, text in zip(fig.layout.annotations, ("CDF F: u → z₁ = F⁻¹(u)", "draws vs density"), strict=False):
        note.text = text  # the column is narrow: the full subplot titles would overlap
    legend_below(fig)  # the column is narrow: below the axes, not beside them
    plotly_chart(fig, key="tour_icdf", config=_NO_MODEBAR)
    st.caption(
        f"q(z₁|x) of this 2: left, its CDF F, with u = {u:.4f} on the vertical axis carried across to "
        f"z₁ = F⁻¹(u) below; right, {len(facts['draws']):,} draws F⁻¹(u) with u ∼ U(0, 1) against its density."
    )


def _kl(ctx: TourContext, facts: dict, revealed: bool) -> None:
    for kind in ("ae", "vae") if revealed else ("ae",):
        path = _path(ctx, kind)
        data = judged_path(path, facts["a"], facts["b"], 10, "linear")
        _strip(path, data, f"{MODEL_TITLES[kind]}: the straight line 2 → 9, decoded", True)
    counts = {f"{kind.upper()}": facts["counts"][kind] for kind in ("ae", "vae")}
    plotly_chart(
        class_spread_bars(counts, NAMES, f"What {facts['n']:,} random codes of each model decode to"),
        key="tour_kl_spread",
        config=_NO_MODEBAR,
    )


def _generate(ctx: TourContext, facts: dict, revealed: bool) -> None:
    state = _pad_state("generate", _prior_state)
    st.button(
        "New draw ε ∼ N(0, I)",
        icon=":material/casino:",
        key="tour_generate_draw",
        on_click=_new_draw,
        args=("generate",),
    )
    _pad(ctx, "generate", "vae", state)
    grids = (("vae", ctx.vae_path, "inverse-cdf"), ("ae", ctx.ae_path, "linear"))
    for kind, path, spacing in grids if revealed else grids[:1]:  # stacked: the column is narrow
        data = judged_grid(path, GRID_N, spacing, ("dims", 0, 1), (0.0, 0.0))
        fig = grid_figure(
            as_latent_grid(data),
            f"{MODEL_TITLES[kind]}: decoded {GRID_N}×{GRID_N} grid",
            data["labels"],
            data["confidence"],
            NAMES,
            overlay=revealed,
            height=420,
        )
        plotly_chart(fig, key=f"tour_generate_grid_{kind}", config=_NO_MODEBAR)


VIEWS: dict[str, View] = {
    "autoencoder": View(_autoencoder, _reveal_hole),
    "holes": View(_holes),
    "lvm": View(_lvm, _reveal_cloud),
    "q": View(_q, _reveal_zoom),
    "elbo": View(_elbo),
    "gradient": View(_gradient),
    "reparam": View(_reparam, _reveal_eps),
    "mc": View(_mc),
    "icdf": View(_icdf),
    "kl": View(_kl),
    "generate": View(_generate),
}
