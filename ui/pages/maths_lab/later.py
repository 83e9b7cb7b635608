"""What the Maths lab draws at once and what waits until the learner scrolls down to it.

With a VAE, view 1's numbers (text) fill the first screen. A new tab spends over a second of its
one main thread loading Plotly's bundle, and each chart, slider and formula costs the server and
the browser on every rerun; none of them is needed for that first screen. So view 1's charts, and
views 2-5 whole (computed, charts and controls), wait in boxes of about their height until the
learner scrolls towards them: a sentinel under view 1 (ui.views.below_fold) marks the session as
reached, and from then on, as on a page that was scrolled before, everything is drawn at once.
Presentation mode shows one view on a projector: everything at once there too. An AE's page opens
on view 3, whose numbers are its first screen: nothing waits there (`deferred` False).
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from ui.views import below_fold
from ui.views.charts import plotly_chart, presenting

__all__ = ["now", "chart", "view_box", "sentinel"]


def now(deferred: bool) -> bool:
    """Whether what `deferred` would hold back is drawn now: not deferred, presentation mode, or
    the session has scrolled to the charts."""
    return not deferred or presenting() or below_fold.reached()


def chart(build: Callable[[], go.Figure], *, key: str, height: int, deferred: bool) -> None:
    """The figure build() returns (its height `height` px) at full width: now, or (deferred) once
    the learner has scrolled to the charts, a box of that height until then (build not called)."""
    if now(deferred):
        plotly_chart(build().update_layout(height=height), width="stretch", key=key)
    else:
        below_fold.chart(build, key=key, height=height, width="stretch")


def view_box(heading: str, *, key: str, height: int, keep: str) -> None:
    """A view's heading and a box `height` px tall (key f"{key}_later") where it will be drawn.

    Streamlit forgets a widget's value at the end of a run that does not draw it: each session key
    starting with `keep` (the view's widget keys' prefix) is written back, which makes it a plain
    session key that outlives the run, and the widget, drawn again under that key, takes its value.
    """
    for name in [name for name in st.session_state if str(name).startswith(keep)]:
        st.session_state[name] = st.session_state[name]
    st.subheader(heading)
    with st.container(height=height, border=True, key=f"{key}_later"):
        st.caption("This view is computed and drawn once you scroll down to it.")


def sentinel() -> None:
    """The scroll sentinel (ui.views.below_fold.sentinel), under view 1: outside the views' own
    fragments, inside the lab's (ui.pages.maths_lab._lab), so its rerun redraws every view."""
    below_fold.sentinel(key="maths_below_fold")
