"""The Explorer's pipeline as state: one Pipeline per model kind inside the ExplorerView, and the
callbacks that change it (buttons, sliders, a release on a plane, the zoom). The sliders are views
of the state; `slider` draws one and keeps its stale echo from undoing a drag (see its docstring).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
import torch

from ui import keys, links
from ui.resources import session_generator
from ui.text import escape_markdown
from ui.view_state import LINKED, Bounds, ExplorerView, Pipeline
from ui.views.planes import slider_bounds

_ECHOES = "_pg_slider_echoes"
"""{slider key: [(a value the browser may still send, the run that left it), ...]} (see slider)."""
_SHOWN = "_pg_slider_shown"
"""{slider key: the value the last run drew the slider with}."""
_LINK_NOTE = "_pg_link_note"
"""What the playground said about the link's μ, σ, ε (clamped, or ignored), kept a while (ui.links)."""
_RUNS = "_pg_runs"
"""Runs of the pipeline's fragment in this session: how old an echo is."""


def count_run() -> None:
    """One more run of the pipeline's fragment (at its start): the clock of slider's echoes."""
    st.session_state[_RUNS] = st.session_state.get(_RUNS, 0) + 1


def slider_key(kind: str, what: str, j: int) -> str:
    """The widget key of slider `what` (mu, sigma, eps) j of this model kind: a view of the state."""
    return f"pg_{kind}_{what}_{j}"


def explorer_view() -> ExplorerView:
    """The session's Explorer state (a fresh one before the first run has stored it)."""
    return st.session_state.get(keys.EXPLORER) or ExplorerView()


def pipeline_of(kind: str) -> Pipeline:
    """The pipeline (μ, σ, ε, cloud, zoom) of model kind "vae" or "ae"."""
    return explorer_view().pipelines[kind]


def store(kind: str, pipeline: Pipeline) -> None:
    """Put the pipeline of this kind into the one state object."""
    st.session_state[keys.EXPLORER] = explorer_view().with_pipeline(kind, pipeline)


def bounds_of(path: str, kind: str) -> Bounds:
    """The sliders' ranges for the model file at path (ui.views.planes.slider_bounds)."""
    mu_range, sigma_max = slider_bounds(path, kind)
    return Bounds(mu_range, sigma_max)


# --- callbacks: each changes the one state object, validated as a whole (ui.view_state) ----------


def reset_to_encoder(kind: str, bounds: Bounds, mu: list[float], sigma: list[float]) -> None:
    """The encoder's μ(x), σ(x) and ε = 0."""
    store(kind, pipeline_of(kind).refit(bounds, mu, sigma, [0.0] * len(mu)))


def prior(kind: str, bounds: Bounds) -> None:
    """μ = 0, σ = 1 and a fresh ε: z = ε is a draw from the prior (generation)."""
    d = pipeline_of(kind).latent_dim
    eps = torch.randn(d, generator=session_generator()).tolist()
    store(kind, pipeline_of(kind).refit(bounds, [0.0] * d, [1.0] * d, eps))


def set_eps(kind: str, bounds: Bounds, eps: list[float]) -> None:
    """ε set to the given values (the "ε = 0" button)."""
    store(kind, pipeline_of(kind).changed(bounds, eps=eps))


def resample(kind: str, bounds: Bounds) -> None:
    """A fresh ε ~ N(0, I) and a fresh cloud of K draws."""
    pipeline = pipeline_of(kind)
    g = session_generator()
    eps = torch.randn(pipeline.latent_dim, generator=g).tolist()
    store(kind, pipeline.changed(bounds, eps=eps).with_cloud(explorer_view().k, g, fresh=True))


def commit_from_pad(kind: str, bounds: Bounds, commit: dict) -> None:
    """A release on the pipeline (ui.messages checked its form; the state clamps its range): ε was
    dragged (source "eps"), or z with ε following ("z"; where σ = 0 that moves μ), or μ with ε held."""
    pipeline = pipeline_of(kind)
    eps = None if commit["eps"] is None else [0.0 if e is None else e for e in commit["eps"]]
    store(kind, pipeline.changed(bounds, mu=commit["mu"], eps=eps))


def keep_window(kind: str, window: list[float] | None) -> None:
    """The z-plane's zoom, as the learner left it."""
    store(kind, replace(pipeline_of(kind), window=None if window is None else tuple(window)))


def from_slider(kind: str, bounds: Bounds, what: str, j: int) -> None:
    """A slider moved: its value into the state (the slider is a view of it), unless the message
    is a stale echo of values the state has just left (see slider and _stale_echo)."""
    key = slider_key(kind, what, j)
    value = float(st.session_state[key])
    if _stale_echo(kind):
        return  # the run draws the slider from the state again
    pipeline = pipeline_of(kind)
    values = list(getattr(pipeline, what))
    values[j] = value
    store(kind, pipeline.changed(bounds, **{what: values}))


def _stale_echo(kind: str) -> bool:
    """Whether this message puts two or more of this kind's sliders back on values the state left
    under them in the last two runs (see slider). A learner moves one slider per message, so a
    genuine move, even back to where a slider was, is never taken for an echo; a stale message
    after a change of one coordinate only (an arrow key on a plane) is not caught."""
    runs = st.session_state.get(_RUNS, 0)
    shown = st.session_state.get(_SHOWN, {})
    back = 0
    for key, left in st.session_state.get(_ECHOES, {}).items():
        if not key.startswith(f"pg_{kind}_") or key not in st.session_state:
            continue
        value = float(st.session_state[key])
        if value == shown.get(key):  # where the last run drew it: not moved by this message
            continue
        back += any(value == old and runs - run <= 1 for old, run in left)
    return back >= 2


def from_controls() -> None:
    """Samples K or the posterior toggle changed: into the state."""
    view = explorer_view()
    st.session_state[keys.EXPLORER] = replace(
        view, k=int(st.session_state[keys.CLOUD_K]), posterior=bool(st.session_state[keys.POSTERIOR])
    )


def fit(kind: str, entry: dict, d: int, enc_mu: list[float], enc_sigma: list[float], stamp: str) -> None:
    """The pipeline for this model and input: kept while they stay; the encoder's q for a new one;
    a link's (LINKED) checked against the model: its length, and the sliders' ranges (values
    outside are clamped and named, in every run of the next ui.links.NOTE_SECONDS)."""
    bounds = bounds_of(entry["path"], kind)
    old = explorer_view().pipelines.get(kind)
    encoder = (enc_mu, enc_sigma if kind == "vae" else [0.0] * d)
    if old is not None and old.source == LINKED and old.latent_dim == d:
        notes: list[str] = []
        linked = Pipeline.fitted(*encoder, bounds, stamp, refits=1)
        given = [v or None for v in (old.mu, old.sigma, old.eps)]  # a link may leave one out
        store(kind, replace(linked.changed(bounds, *given, notes), window=old.window))
        if notes:
            text = "The link's values lay outside the sliders' ranges: " + "; ".join(notes)
            links.keep_note(_LINK_NOTE, escape_markdown(text, 600) + ".")
    elif old is not None and old.source == LINKED:
        text = f"The link's μ, σ and ε did not have {d} numbers (the model's latent size): ignored."
        links.keep_note(_LINK_NOTE, text)
        store(kind, Pipeline.fitted(*encoder, bounds, stamp, 0))
    elif old is None or old.source != stamp or old.latent_dim != d:  # a new model or input: the encoder's q
        store(kind, Pipeline.fitted(*encoder, bounds, stamp, 0 if old is None else old.refits + 1))
    note = links.kept_note(_LINK_NOTE)
    if note:
        st.warning(note)


def slider(column, label: str, low: float, high: float, step: float, kind: str, what: str, j: int, bounds, **kw):
    """Slider `what` j, drawn from the state and writing back to it.

    When the state has moved under the slider (a drag on a plane, a button), the browser still
    holds the slider's old value until this run's output reaches it, and any message it sends
    meanwhile (another component's event) carries that old value: Streamlit would take it for a
    move of the slider and from_slider would put the state back. So the values the state left
    under the slider (the browser's, and the one this slider last showed) are kept for two runs
    as echoes (_stale_echo decides).
    """
    key = slider_key(kind, what, j)
    value = getattr(pipeline_of(kind), what)[j]
    echoes = st.session_state.setdefault(_ECHOES, {})
    runs = st.session_state.get(_RUNS, 0)
    left = [(old, run) for old, run in echoes.get(key, ()) if runs - run <= 1]
    for old in (st.session_state.get(key), st.session_state.get(_SHOWN, {}).get(key)):
        if old is not None and float(old) != value and (float(old), runs) not in left:
            left.append((float(old), runs))
    echoes[key] = left[-4:]
    st.session_state.setdefault(_SHOWN, {})[key] = value
    st.session_state[key] = value
    return column.slider(
        label, low, high, step=step, key=key, on_change=from_slider, args=(kind, bounds, what, j), **kw
    )
