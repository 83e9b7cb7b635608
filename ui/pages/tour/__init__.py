"""The guided tour page: the lesson (../shared/LESSON.md) one step at a time, each step's text
next to the live view it talks about, with Back / Next, a progress bar and a "try it" question.

The tour's state is one object, ui.view_state.TourView under the session key ui.keys.TOUR: the
step (0-based, clamped to [0, STEP_COUNT) whenever it is read), the revealed answers and each
step's pipeline. It is not a widget's state, so it survives a visit to another page, and a link
may set it before the page runs. Back, Next and the step picker go through _go, which also starts
the target step afresh, so each visit starts in the state the step's text describes (views.py).
"""

from __future__ import annotations

import streamlit as st

from ui import keys
from ui.pages.tour.facts import tour_context
from ui.pages.tour.steps import STEP_COUNT, STEPS, TITLES
from ui.pages.tour.views import VIEWS, state_prefix
from ui.view_state import TourView
from ui.views.charts import presenting
from ui.views.first_screen import fit_first_screen
from ui.views.keyboard_scroll import keyboard_scrollable

__all__ = ["render", "current_step", "STEP_COUNT", "STEP_KEYS"]

STEP_KEYS = tuple(step.key for step in STEPS)
"""The steps' keys in order: TourView keys its answers and pipelines by them, and so does a link."""

_JUMP_KEY = "tour_jump"


def tour_view() -> TourView:
    """The tour's state object (ui.view_state.TourView), made on first use, its step valid."""
    view = st.session_state.get(keys.TOUR)
    if not isinstance(view, TourView):
        view = st.session_state[keys.TOUR] = TourView()
    return view.validated(STEP_COUNT)


def current_step() -> int:
    """The tour's step, 0-based, within [0, STEP_COUNT)."""
    return tour_view().step


def _go(step: int) -> None:
    """Button callback: make `step` current and start it afresh (its widgets too)."""
    step = min(max(int(step), 0), STEP_COUNT - 1)
    prefix = state_prefix(STEPS[step].key)
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]
    tour_view().enter(step, STEPS[step].key)


def _jumped() -> None:
    _go(st.session_state[_JUMP_KEY])


def _reveal(ctx, facts: dict, step: int) -> None:
    key = STEPS[step].key
    tour_view().revealed.add(key)
    view = VIEWS[key]
    if view.reveal is not None:
        view.reveal(ctx, facts)


def _header(step: int, finish_page) -> None:
    """The page's title (not on a projector: the step's own title heads the page) and one row with
    Back, the progress bar, the step picker and Next: on a projector's 1280 × 720 and a laptop's
    1440 × 900 they stay on the first screen with the step's view, however long its text."""
    if not presenting():
        st.title("Guided tour")
        st.caption(
            f"From an autoencoder to a VAE in {STEP_COUNT} steps. Each step: read, predict the answer to its "
            "question, then let the live view show you."
        )
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    row.button(
        "Back", icon=":material/arrow_back:", key="tour_back", on_click=_go, args=(step - 1,), disabled=step == 0
    )
    row.progress((step + 1) / STEP_COUNT, text=f"Step {step + 1} of {STEP_COUNT}: {TITLES[step]}")
    st.session_state[_JUMP_KEY] = step
    row.selectbox(
        "Go to step",
        range(STEP_COUNT),
        format_func=lambda k: f"{k + 1}. {TITLES[k]}",
        key=_JUMP_KEY,
        on_change=_jumped,
        width=260,
    )
    if step < STEP_COUNT - 1:
        row.button(
            "Next", icon=":material/arrow_forward:", key="tour_next", type="primary", on_click=_go, args=(step + 1,)
        )
    elif row.button("Finish: open the Explorer", icon=":material/explore:", key="tour_finish", type="primary"):
        if finish_page is not None:
            st.switch_page(finish_page)


def render(finish_page=None) -> None:
    """The tour page. finish_page: the st.Page the last step's Finish button opens (the Explorer).
    Its link is written from the tour's state object (ui.links.share)."""
    view_state = tour_view()
    step = view_state.step
    fit_first_screen()
    _header(step, finish_page)
    ctx = tour_context()
    if ctx is None:
        st.error(
            "The tour needs the shipped 2-D MNIST VAE (β = 1) and plain autoencoder in models/: restore them with "
            "`git checkout -- models` (see models/README.md)."
        )
        return
    current = STEPS[step]
    facts = current.facts(ctx)
    revealed = current.key in view_state.revealed
    # The view's column at least 440 px wide on a projector's 1280 × 720, where the pipeline pad
    # lays x over x̂ beside its two planes (narrower, its stages stack as on a phone).
    text, view = st.columns([2, 3], gap="medium")
    with text:
        st.subheader(current.title)
        st.caption(f"“this 2” is the first 2 of the MNIST gallery (#{ctx.row})")
        st.latex(current.formula)
        if facts is None:
            st.warning(
                "This step measures with the digit classifier, and models/classifiers/ has none: restore it with "
                "`git checkout -- models`."
            )
        else:
            st.markdown(current.body(facts))
            with st.container(border=True):
                st.markdown(f"**Try it.** {current.prompt}")
                if revealed:
                    st.success(current.answer(facts), icon=":material/lightbulb:")
                else:
                    st.button(
                        current.reveal_label,
                        icon=":material/visibility:",
                        key=f"tour_reveal_{current.key}",
                        on_click=_reveal,
                        args=(ctx, facts, step),
                    )
    with view:
        if facts is not None:
            VIEWS[current.key].render(ctx, facts, revealed)
    keyboard_scrollable()  # a formula or code wider than its column scrolls sideways
