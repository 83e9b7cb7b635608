"""What the figures' layouts share so that each fits the narrowest column it is drawn in: a title
wrapped to lines a phone's column holds, a top margin that holds those lines even at presentation
size, and a legend at the bottom of the figure, below the x-axis title and never over it.

Why these numbers: a figure does not know the width it will get (a phone's column is ~358 px, the
Tour's ~510 px at 1440 x 900), and Plotly neither wraps a title nor moves a legend out of an axis
title's way. A horizontal legend placed below the axes in paper units (``y=-0.16``) lands a fixed
fraction of the plot's height below them, while the axis title sits a fixed number of pixels
below: in a short figure the two overlap. A legend anchored to the bottom of the container
(``yref="container"``) is laid out by Plotly's automatic margins below everything else.
"""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = [
    "TITLE_LINE_CHARS",
    "PRESENTATION_TITLE_PX",
    "PRESENTATION_TEXT_PX",
    "LINE_HEIGHT_EM",
    "wrap_title",
    "title_lines",
    "top_margin",
    "fit_title",
    "legend_below",
]

TITLE_LINE_CHARS = 40
"""Most characters on one title line. Measured in Chromium with Streamlit's font: a bold 15 px title
line averages ~6.6 px per character, ~8.8 px at the 20 px of presentation mode, so 40 characters
(~265 px, ~350 px) fit a phone's ~358 px column either way."""

PRESENTATION_TITLE_PX = 20
"""A chart title's size in presentation mode (ui.views.charts.presented sets it in the figure before
Plotly lays it out): the top margin leaves room for lines this tall."""

PRESENTATION_TEXT_PX = 18
"""Every other chart text's size in presentation mode (subplot titles, annotations, legends)."""

LINE_HEIGHT_EM = 1.3
"""Plotly's spacing of the lines of a text broken with <br>, in ems of its font size."""

TITLE_PAD_PX = 10
"""Room above the title and between it (or the subplot titles) and the plot, in px."""


def wrap_title(text: str, width: int = TITLE_LINE_CHARS) -> str:
    """The title broken into lines of at most `width` characters with <br> (Plotly's line break).

    A line that fits is left alone; a longer one is broken before a bracketed part when both halves
    fit (so "(40,000 draws in groups of k)" stays whole), otherwise between words, greedily. A word
    longer than `width` gets a line of its own. Existing <br> breaks are kept.
    """
    lines: list[str] = []
    for line in text.split("<br>"):
        lines.extend(_wrap_line(line.strip(), width))
    return "<br>".join(lines)


def _wrap_line(line: str, width: int) -> list[str]:
    if len(line) <= width:
        return [line]
    cut = line.find(" (")
    if 0 < cut <= width and len(line) - cut - 1 <= width:
        return [line[:cut], line[cut + 1 :]]
    out: list[str] = []
    current = ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return out


def title_lines(text: str | None) -> int:
    """How many lines a Plotly text takes (one more per <br>); 0 for no text."""
    return 0 if not text else text.count("<br>") + 1


def top_margin(title: str | None, subplot_title_lines: int = 0) -> int:
    """The top margin in px that holds the title's lines and, under them, the subplot titles'
    lines, at presentation size (the largest the text gets), with TITLE_PAD_PX above, between
    and below."""
    height = TITLE_PAD_PX + title_lines(title) * LINE_HEIGHT_EM * PRESENTATION_TITLE_PX + TITLE_PAD_PX
    if subplot_title_lines:
        height += subplot_title_lines * LINE_HEIGHT_EM * PRESENTATION_TEXT_PX + TITLE_PAD_PX / 2
    return int(round(height))


def _subplot_title_lines(fig: go.Figure) -> int:
    """Lines of the tallest subplot title (make_subplots writes them as annotations anchored at the
    bottom to the top of their subplot's domain, y = 1 in paper units)."""
    return max(
        (
            title_lines(a.text)
            for a in fig.layout.annotations
            if a.yref == "paper" and a.yanchor == "bottom" and a.y is not None and a.y >= 1
        ),
        default=0,
    )


def fit_title(fig: go.Figure, title: str, size: int = 15) -> go.Figure:
    """Set the figure's title wrapped (wrap_title), its first line TITLE_PAD_PX below the top of
    the figure and the rest under it, and a top margin that holds it and any subplot titles
    (top_margin). The figure's height must be set. Returns the figure (changed in place).

    How Plotly places a title of several lines (measured, plotly.js 4 in Chromium): its first line
    sits at the anchor and the others follow below it with yanchor "bottom", whereas with yanchor
    "top" the block is pushed up by its extra lines, above the figure. So the first line is
    bottom-anchored at TITLE_PAD_PX + one line.
    """
    text = wrap_title(title)
    height = fig.layout.height
    if height is None:
        raise ValueError("fit_title: set the figure's height first (the title is placed in pixels)")
    first_line_bottom = TITLE_PAD_PX + LINE_HEIGHT_EM * size
    fig.update_layout(
        title=dict(
            text=text,
            x=0.02,
            xanchor="left",
            yref="container",
            y=1 - first_line_bottom / height,
            yanchor="bottom",
            font=dict(size=size),
        ),
        margin=dict(t=top_margin(text, _subplot_title_lines(fig))),
    )
    return fig


def legend_below(fig: go.Figure, orientation: str = "h", font_size: int = 11) -> go.Figure:
    """Put the legend at the bottom of the figure (anchored to the container, so Plotly's automatic
    margins lay it out below the x-axis title, never over it). Returns the figure (changed in place)."""
    fig.update_layout(
        legend=dict(
            orientation=orientation,
            xref="paper",  # with yref "container", Plotly reserves a bottom margin for it (either orientation)
            yref="container",
            x=0,
            xanchor="left",
            y=0,
            yanchor="bottom",
            font=dict(size=font_size),
        )
    )
    return fig
