"""The Train page's runs: the session's LiveRuns (vae_core.training.live), and what the page's
buttons do to them (Play, Pause, One epoch, Reset, Clear all runs).

Every run of the session stays in st.session_state[RUNS_KEY] (at most MAX_RUNS, oldest first);
the last is the session's current run, and only it may train. The callbacks run before the page
reruns, so Play waits (briefly) for the first point and Pause for the run to stop and save.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.trained import session_folder
from vae_core.training.live import LiveRun, live_config, shared_data

__all__ = [
    "Settings",
    "session_runs",
    "new_run",
    "current_run",
    "play",
    "step",
    "pause",
    "reset",
    "clear",
    "RUNS_KEY",
    "MAX_RUNS",
    "FIRST_POINT_WAIT_S",
    "PAUSE_WAIT_S",
]

RUNS_KEY = "_train_runs"
"""Session key: the session's LiveRuns, oldest first; the last is the current one."""
MAX_RUNS = 6
"""Runs kept on the race chart; older ones are dropped (their curves and model with them)."""
FIRST_POINT_WAIT_S = 2.0
"""Play's callback waits up to this for the run's first point (~16 steps, a fraction of a second;
not while another session's run holds the training slot)."""
PAUSE_WAIT_S = 2.0
"""Pause's callback waits up to this for the run to stop (one step, a last point, the save)."""


@dataclass(frozen=True)
class Settings:
    """What the learner chose above the buttons: the dataset ("mnist" or "fashion-mnist"), the
    model ("vae" or "ae"), β (1.0 for an AE) and the encoder's gradient estimator (a key of
    vae_core.training.estimators.ESTIMATOR_TITLES; "pathwise" for an AE)."""

    dataset: str
    model: str
    beta: float
    estimator: str

    @property
    def label(self) -> str:
        """The run's short name on the charts, e.g. "score function, β=0.5 (Fashion)"."""
        if self.model == "ae":
            return "AE"
        short = {
            "pathwise": "pathwise",
            "score_function": "score function",
            "score_function_baseline": "score fn + baseline",
            "blocked": "blocked",
        }[self.estimator]
        beta = "" if self.beta == 1.0 else f", β={self.beta:g}"
        data = "" if self.dataset == "mnist" else " (Fashion)"
        return f"{short}{beta}{data}"


def _settings_of(run: LiveRun) -> Settings:
    c = run.config
    return Settings(c.dataset, c.model, 1.0 if c.model == "ae" else c.beta, c.estimator)


def _alive():
    """A callable: is this browser session still connected? (Always True outside a server.)"""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return lambda: True
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)


def session_runs() -> list[LiveRun]:
    """The session's runs, oldest first (the last is the current one); an empty list on the first visit."""
    return st.session_state.setdefault(RUNS_KEY, [])


def new_run(settings: Settings) -> LiveRun:
    """Stop the current run (only one trains per session) and add a fresh one with the settings."""
    runs = session_runs()
    if runs:
        runs[-1].cancel(wait_s=2.0)
    config = live_config(settings.model, settings.beta, settings.estimator, settings.dataset)
    run = LiveRun(
        f"#{len(runs) + 1} {settings.label}",
        config,
        shared_data(settings.dataset),
        checkpoint_dir=session_folder(),
        alive=_alive(),
    )
    runs.append(run)
    del runs[:-MAX_RUNS]
    return run


def current_run(settings: Settings) -> LiveRun:
    """The run the buttons act on: the last one if it has these settings and can still train."""
    runs = session_runs()
    last = runs[-1] if runs else None
    if last is None or _settings_of(last) != settings or last.snapshot().state in ("finished", "cancelled", "failed"):
        return new_run(settings)
    return last


def play(settings: Settings) -> None:
    """Play's callback: train the current run (a new one if the settings changed) and wait up to
    FIRST_POINT_WAIT_S seconds for its first point."""
    run = current_run(settings)
    run.play()
    if not run.snapshot().points:
        run.wait_for_point(FIRST_POINT_WAIT_S)


def step(settings: Settings) -> None:
    """One epoch's callback: the current run (a new one if the settings changed) trains one epoch."""
    current_run(settings).step()


def pause() -> None:
    """Pause's callback: the current run stops within one step and saves (waiting up to PAUSE_WAIT_S)."""
    if session_runs():
        session_runs()[-1].pause(wait_s=PAUSE_WAIT_S)


def reset() -> None:
    """Cancel the current run and take it off the chart; the others stay."""
    runs = session_runs()
    if runs:
        runs.pop().cancel(wait_s=2.0)


def clear() -> None:
    """Clear all runs' callback: cancel every run of the session and take them all off the charts."""
    while session_runs():
        session_runs().pop().cancel(wait_s=2.0)
