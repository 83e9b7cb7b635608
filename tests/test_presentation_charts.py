"""Presentation mode sizes every chart text in the figure (ui.views.charts.presented), before Plotly
lays it out, so legends, margins and subplot titles make room instead of overlapping."""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui.views.charts import PRESENTATION_HEIGHT, TITLE_ROOM_PX, presented
from vae_core.viz.layout import PRESENTATION_TEXT_PX, PRESENTATION_TITLE_PX


def _figure() -> go.Figure:
    fig = make_subplots(rows=1, cols=2, subplot_titles=("left", "right"))
    fig.add_trace(go.Bar(x=[1, 2], y=[3, 4], text=["a", "b"], textfont=dict(size=9), name="bars"), row=1, col=1)
    fig.add_trace(go.Heatmap(z=[[1, 2], [3, 4]], colorbar=dict(tickfont=dict(size=8))), row=1, col=2)
    fig.add_annotation(text="a note", font=dict(size=11), x=0, y=0, showarrow=False)
    fig.update_layout(
        title=dict(text="A title", font=dict(size=14)), legend=dict(font=dict(size=10)), height=300, margin=dict(t=60)
    )
    fig.update_xaxes(tickfont=dict(size=12), title_text="z₁", title_font=dict(size=13))
    return fig


def test_every_text_of_a_figure_reaches_the_presentation_size():
    fig = presented(_figure())
    text = PRESENTATION_TEXT_PX
    assert fig.layout.font.size == text and fig.layout.legend.font.size == text
    assert fig.layout.title.font.size == PRESENTATION_TITLE_PX
    for axis in (fig.layout.xaxis, fig.layout.xaxis2, fig.layout.yaxis, fig.layout.yaxis2):
        assert axis.tickfont.size == text and axis.title.font.size == text
    assert all(a.font.size >= text for a in fig.layout.annotations)  # subplot titles and the note
    assert fig.data[0].textfont.size == text and fig.data[1].colorbar.tickfont.size == text
    assert fig.layout.height == round(300 * PRESENTATION_HEIGHT)  # the plot keeps its room beside the text
    assert fig.layout.margin.t == 60 + TITLE_ROOM_PX


def test_a_text_already_larger_stays_larger():
    fig = _figure()
    fig.layout.annotations[0].font.size = 30
    assert presented(fig).layout.annotations[0].font.size == 30
