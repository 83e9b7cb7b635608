"""The Explorer's charts below the first screen, drawn once the learner scrolls down to them.

A new browser tab spends about 1.3 s of its one main thread loading Plotly (Streamlit's 4.7 MB
chart bundle) and about 0.3 s more on each latent scatter; while it does, the pipeline above does
not answer the mouse. So the first screen comes first: sections 2 and 3 draw their text, strips
and controls at once, and each Plotly chart in them waits in a placeholder of its own height
(nothing jumps when it arrives) until `reached()`.

`sentinel()` sits at the top of section 2: a one-pixel browser component that asks for a rerun
once the learner has scrolled it to within MARGIN of the viewport (or past it). From then on
the session stays "reached" (REACHED_KEY, a plain session key): reruns, another input, a visit to
the Maths lab and back all draw the charts at once. AppTest runs no JavaScript: a test sets
``at.session_state[REACHED_KEY] = True`` first.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from ui.components.scroll_sentinel import SENTINEL as _SENTINEL
from ui.views.charts import plotly_chart

__all__ = ["REACHED_KEY", "MARGIN", "sentinel", "reached", "chart"]

REACHED_KEY = "_below_fold_reached"
MARGIN = 300
"""How far (CSS pixels) below the viewport's bottom edge the sentinel starts the charts: ahead of the learner
(at 1440×900 section 1 ends about 1,340 px down, so scrolling past its sliders starts them), yet
never on the first screen."""


def _mark_reached() -> None:
    st.session_state[REACHED_KEY] = True


def reached() -> bool:
    """Whether this session has scrolled down to the charts (or a test said so)."""
    return bool(st.session_state.get(REACHED_KEY, False))


def sentinel(key: str = "below_fold") -> None:
    """Watch for the learner scrolling down to here (disarmed once reached, but still drawn, so
    nothing below moves). Put it in the page's main body, outside any fragment, so its rerun
    redraws every section below."""
    _SENTINEL(key=key, data={"margin": MARGIN, "armed": not reached()}, on_reached_change=_mark_reached)


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
