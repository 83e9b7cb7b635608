"""The maths lab page: five views of the maths behind a VAE, for the chosen input.

1. ELBO terms and the IWAE bound (bounds_view; vae_core.inference.bounds, iwae_curve, marginal;
   the sentences from bound_text)                                  needs a VAE
2. Gradient flow through z = mu + sigma * eps vs .sample()    needs a VAE (flow_view)
3. Pathwise vs score-function estimator variance             (estimator_views; vae_core.maths)
4. LOTUS: sampling z vs sampling eps and mapping it           (estimator_views)
5. Inverse-CDF sampling                                       (estimator_views)

A thin layer: every number comes from the core modules through the caches of compute (per model,
input and seed), every chart from vae_core.viz.maths_figures; these modules only lay out widgets.
What is ready first is drawn first: with a VAE, view 1's numbers fill the first screen, and its
charts and views 2-5 wait until the learner scrolls down to them (later). Widget keys start with
"maths_".
"""

from __future__ import annotations

from functools import partial

import streamlit as st
import torch

from ui.views.charts import presenting
from ui.views.keyboard_scroll import keyboard_scrollable
from vae_core.constants import IMAGE_SHAPE

from . import bound_text, estimator_views, flow_view, later
from .bounds_view import bounds_intro, elbo_view, iwae_view
from .compute import model_key
from .estimator_views import inverse_cdf_view, lotus_view, variance_view
from .flow_view import gradient_flow_view

__all__ = ["render", "VIEWS", "bound_text"]  # the Monte Carlo sizes live in .compute

VIEWS = (
    "1 · ELBO and IWAE",
    "2 · Where the gradient flows",
    "3 · Estimator variance",
    "4 · LOTUS",
    "5 · Inverse-CDF sampling",
)
"""The lab's five views; presentation mode shows one at a time."""
HEADINGS = (flow_view.HEADING, *estimator_views.HEADINGS)
"""The headings of views 2-5 (each view draws its own; its box until then shows it too)."""
KEY_PREFIXES = ("maths_flow_", "maths_var_", "maths_lotus_", "maths_icdf_")
"""The widget keys' prefix in each of views 2-5: their values outlive the views' boxes."""
BOX_HEIGHTS = (1000, 1050, 800, 800)
"""About the height in px of views 2-5 at 1440 px wide: their boxes until they are drawn."""


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
    _lab(model, x, presentation)


@st.fragment
def _lab(model, x: torch.Tensor, presentation: bool) -> None:
    """Everything under the caption, as one fragment: the seed, and the sentinel's "reached",
    rerun the lab alone (not the sidebar, which they do not change); each view is a fragment too."""
    seed = int(st.number_input("Random seed (all views)", 0, 2**31 - 1, 0, step=1, key="maths_seed"))
    is_vae = getattr(model, "kind", None) == "vae"
    vae = is_vae and isinstance(x, torch.Tensor) and tuple(x.shape) == (1, *IMAGE_SHAPE)
    if is_vae and not vae:
        st.error(f"The input must be one 28×28 image, shape (1, 1, 28, 28); got {tuple(getattr(x, 'shape', ()))}.")
    if vae:
        x = x.detach().float().cpu()
        key, pixels = model_key(model), x.numpy()
    shown = _one_view(vae) if presentation else None  # presentation mode: one view at a time
    # With view 1 on top, everything under its numbers waits until scrolled to (an AE's page opens
    # on view 3, whose numbers are its first screen).
    deferred = vae and shown is None
    if vae and shown in (None, VIEWS[0]):
        bounds_intro()
        left, right = st.columns(2)
        with left:
            elbo_view(model, key, pixels, seed, deferred)
        with right:  # drawn in place, not last: the sentinel below must not move up while L_k is computed
            iwae_view(model, key, pixels, seed, deferred)
        if deferred:
            later.sentinel()
        st.divider()
    if not is_vae and shown is None:
        st.info(
            "This model is a plain autoencoder: it has no posterior q(z|x) (σ = 0), so the ELBO "
            "and gradient-flow views need a VAE. Views 3–5 below do not depend on the model."
        )
    below = [partial(gradient_flow_view, model, x, seed) if vae else None]
    below += [partial(draw, seed) for draw in (variance_view, lotus_view, inverse_cdf_view)]
    rows = zip(VIEWS[1:], HEADINGS, below, BOX_HEIGHTS, KEY_PREFIXES, strict=True)
    for i, (view, heading, draw, height, prefix) in enumerate(rows):
        if draw is None or shown not in (None, view):
            continue
        if shown is None and i > 0:  # (view 2 follows view 1's divider)
            st.divider()
        if later.now(deferred):
            draw()
        else:
            later.view_box(heading, key=f"maths_view_{i + 2}", height=height, keep=prefix)
    keyboard_scrollable()  # the wide formulas scroll sideways on a phone
