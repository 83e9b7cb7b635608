"""The Explorer's sections below the first screen, drawn while the learner is near them.

A Streamlit rerun re-sends and re-renders every element on the page: with sections 2 and 3
drawn, a click in the sidebar or the pipeline costs the browser about twice the work (their
sliders, Markdown and charts), and a new browser tab spends about 1.3 s of its one main thread
loading Plotly and about 0.3 s more on each latent scatter, while the pipeline above does not
answer the mouse. So the first screen comes first: while the learner works above them, sections
2 and 3 are placeholders of about their height (`section`); their widgets' values are kept
(`section`'s `keep`), so nothing the learner set is lost.

`sentinel()` sits at the top of section 2: a one-pixel browser component that asks for a rerun
once the learner has scrolled it to within MARGIN of the viewport (or past it), and again once
they have scrolled back up so that it lies more than MARGIN + 100 px below the viewport (the
band between keeps the sections from coming and going as the learner scrolls about its edge).
IN_VIEW_KEY, a plain session key, holds which. AppTest runs no JavaScript: a test sets
``at.session_state[IN_VIEW_KEY] = True`` first.
Presentation mode shows one section at a time, chosen above it: the one chosen is drawn whole.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from ui.components.scroll_sentinel import SENTINEL as _SENTINEL
from ui.messages import once_per_message, reopen
from ui.views.charts import plotly_chart

__all__ = ["IN_VIEW_KEY", "REACHED_KEY", "MARGIN", "sentinel", "reached", "page_opened", "section", "chart"]

IN_VIEW_KEY = "_below_fold_in_view"
REACHED_KEY = IN_VIEW_KEY  # its name before the sections went back to placeholders above them
_PAGE_KEY = "_below_fold_page"
KEPT_KEY = "_below_fold_kept"
"""Session key: {widget key: value} of the widgets of sections waiting in placeholders."""
MARGIN = 100
"""How far (CSS pixels) below the viewport's bottom edge the sentinel starts the sections: a little
ahead of the learner, yet never on the first screen, where every click would pay for them (at
1440×900 the sentinel sits about 460 px below the first screen with a 2-D model and 260 px with a
16-D one, whose sliders are hidden; far from it means more than MARGIN + 100 px below)."""


def _set_in_view(value) -> None:
    """The sentinel's "near" message: "near" (scrolled near) or "far" (scrolled back above); any
    other value is ignored."""
    if value in ("near", "far"):
        st.session_state[IN_VIEW_KEY] = value == "near"


def page_opened(page: str) -> None:
    """Call at the top of every run with the page's name: a page another page led to opens at its
    top, so its sections below the first screen wait (the flag is one per session, shared by the
    pages that have such sections)."""
    before = st.session_state.get(_PAGE_KEY)
    st.session_state[_PAGE_KEY] = page
    if before is not None and before != page:
        st.session_state[IN_VIEW_KEY] = False


def reached() -> bool:
    """Whether the learner is near the sections below the first screen (or a test said so)."""
    return bool(st.session_state.get(IN_VIEW_KEY, False))


def sentinel(key: str = "below_fold") -> None:
    """Watch the learner scroll to within MARGIN of here, and back up. Put it in the page's main
    body, outside any fragment, so its rerun redraws every section below."""
    reopen(key)
    _SENTINEL(
        key=key,
        data={"margin": MARGIN, "near": reached()},
        on_near_change=once_per_message(key, "near", _set_in_view),
    )


def section(draw: Callable[[], None], *, key: str, title: str, height: int, keep: tuple[str, ...] = ()) -> None:
    """draw() while reached(); else a box `height` pixels tall under the section's title, saying
    it is drawn on scrolling. The box's element key is f"{key}_later".

    `keep` names the section's widget keys. Streamlit forgets a widget's value at the end of a run
    that does not draw it, so while the box stands in, each value is copied to KEPT_KEY; when the
    section is drawn again, each widget is handed its value back before it is drawn."""
    kept = st.session_state.setdefault(KEPT_KEY, {})
    if reached():
        for name in keep:
            if name not in st.session_state and name in kept:
                st.session_state[name] = kept.pop(name)
        draw()
        return
    for name in keep:
        if name in st.session_state:
            kept[name] = st.session_state[name]
    with st.container(height=height, border=False, key=f"{key}_later"):
        st.subheader(title)
        st.caption("Scroll down: this section is drawn as you reach it (the first screen comes first).")


def chart(build: Callable[[], go.Figure], *, key: str, height: int, **plotly_kwargs) -> None:
    """The figure build() returns, `height` pixels tall, as plotly_chart(fig, key=key,
    **plotly_kwargs) once reached(); before that, a box of the same height saying it is on its way,
    and build is not called (the server saves the figure too). One height for both, set here.
    The placeholder's element key is f"{key}_later"."""
    if reached():
        plotly_chart(build().update_layout(height=height), key=key, **plotly_kwargs)
        return
    with st.container(height=height, border=True, key=f"{key}_later"):
        st.caption("Drawing this chart… (the charts below the first screen come once you scroll to them)")
