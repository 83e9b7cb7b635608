"""Every Plotly chart of the app goes on the page through `plotly_chart`, so presentation mode can
size its text before Plotly lays it out.

Presentation mode (a sidebar switch, `ExplorerView.choices.presentation`) asks for every label and
tick at 18 px or more on a projector. Enlarging the drawn text with CSS would come after Plotly has
placed the legend, the margins and the subplot titles, which then overlap; setting the sizes in the
figure lets Plotly's automatic margins make room. Sizes: vae_core.viz.layout's PRESENTATION_*_PX.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui import keys
from vae_core.viz.layout import PRESENTATION_TEXT_PX, PRESENTATION_TITLE_PX

__all__ = ["presenting", "presented", "plotly_chart", "PRESENTATION_HEIGHT", "TITLE_ROOM_PX"]

TITLE_ROOM_PX = 16
"""Extra top margin of a titled figure in presentation mode (measured: a two-line title at 20 px
touched the plot in the dark theme's layout)."""

PRESENTATION_HEIGHT = 1.4
"""A figure of a set height grows by this factor in presentation mode: its text is ~1.5 times
larger, and a plot area kept at the old height would shrink behind a taller legend and margins."""


def presenting() -> bool:
    """Whether this session is in presentation mode (read from the Explorer's state object)."""
    view = st.session_state.get(keys.EXPLORER)
    return bool(getattr(getattr(view, "choices", None), "presentation", False))


def presented(fig: go.Figure) -> go.Figure:
    """fig with every text at least PRESENTATION_TEXT_PX (titles PRESENTATION_TITLE_PX): the
    global font, legend, axis ticks and titles, colour bars, annotations (subplot titles, notes) and
    trace texts; a set height grows by PRESENTATION_HEIGHT. Changes fig in place and returns it."""
    text, title = PRESENTATION_TEXT_PX, PRESENTATION_TITLE_PX
    if fig.layout.height:
        fig.layout.height = round(fig.layout.height * PRESENTATION_HEIGHT)
    if fig.layout.title.text:  # a title's lines grow with its font: room for them above the plot
        fig.layout.margin.t = (fig.layout.margin.t if fig.layout.margin.t is not None else 80) + TITLE_ROOM_PX
    fig.update_layout(font_size=text, legend_font_size=text, title_font_size=title, hoverlabel_font_size=text)
    fig.update_xaxes(tickfont_size=text, title_font_size=text)
    fig.update_yaxes(tickfont_size=text, title_font_size=text)
    for annotation in fig.layout.annotations or ():
        annotation.font.size = max(annotation.font.size or 0, text)
    for trace in fig.data:
        if "textfont" in trace and not isinstance(trace.textfont.size, tuple | list):  # (not per point)
            trace.textfont.size = max(trace.textfont.size or 0, text)
        if "colorbar" in trace:
            trace.colorbar.tickfont.size = text
    return fig


def plotly_chart(fig: go.Figure, where=None, **kwargs):
    """(where or st).plotly_chart(fig, **kwargs), the figure sized for presentation mode when on.
    Returns what st.plotly_chart returns (the selection state of a chart with on_select)."""
    return (where or st).plotly_chart(presented(fig) if presenting() else fig, **kwargs)
