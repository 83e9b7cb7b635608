"""Figures of live training (the Train page), as plain functions (no Streamlit).

- race_figure: -ELBO on the training and test images after every epoch, one colour per run,
  so runs with different gradient estimators race on one chart.
- variance_figure: the variance of each run's encoder-gradient estimate per optimizer step,
  on a log axis (Mohamed et al. 2020, section 3.2: estimators compared by their variance).
- training_scatter: the latent codes of the fixed test images on fixed axes, so that redrawn
  after each point the picture animates rather than rescales. The 1,000 markers are drawn into one
  PNG (points_png) laid under Plotly's axes: a browser without a GPU took 200-800 ms of its main
  thread to redraw them as WebGL (or SVG) markers at every point, which delayed everything else on
  the page, Pause included; an image costs it a decode (measured in headless Chromium, 2 cores).
  The rasterising is what datashader does for large scatters (rasterise, then lay under the axes).
"""

from __future__ import annotations

import base64
import functools
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw

from ..constants import DIGIT_COLOURS, DIGIT_SYMBOLS
from .maths_style import COLOURS, style

__all__ = [
    "RunCurves",
    "ESTIMATOR_COLOURS",
    "race_figure",
    "variance_figure",
    "training_scatter",
    "points_png",
    "axis_limit",
]

ESTIMATOR_COLOURS = {
    "pathwise": COLOURS["pathwise"],
    "score_function": COLOURS["score_function"],
    "score_function_baseline": "#bcbd22",
    "blocked": "#7f7f7f",
    "ae": "#8c564b",
}
"""One colour per way of training the encoder (pathwise and score function as in the Maths lab)."""
OFF_CHART = 1.6
"""The race chart's y axis stops at 1.6 x the lowest -ELBO when some value lies above that."""
DASHES = ("solid", "dot", "dash", "longdash", "dashdot")


@dataclass(frozen=True)
class RunCurves:
    """One run's curves: label (legend), colour key (an ESTIMATOR_COLOURS key), and per epoch
    its number, train and test -ELBO (nats/image); per step the gradient variance."""

    label: str
    colour_key: str
    epochs: Sequence[int]
    train: Sequence[float]
    test: Sequence[float]
    steps: Sequence[int] = ()
    variance: Sequence[float] = ()


def _dash(runs: Sequence[RunCurves], index: int) -> str:
    """Runs of the same colour are told apart by the dash of their lines."""
    same = sum(r.colour_key == runs[index].colour_key for r in runs[:index])
    return DASHES[same % len(DASHES)]


def race_figure(runs: Sequence[RunCurves], height: int = 380) -> go.Figure:
    """-ELBO against epoch for every run: the test images as lines with markers, the training
    images as thin lines of the same colour (legend group per run). Lower is better.

    Returns a Figure with two Scatter traces per run ("<label>, test", "<label>, train").
    """
    fig = go.Figure()
    for i, run in enumerate(runs):
        colour, dash = ESTIMATOR_COLOURS.get(run.colour_key, "#333333"), _dash(runs, i)
        fig.add_trace(
            go.Scatter(
                x=list(run.epochs),
                y=list(run.test),
                mode="lines+markers",
                name=f"{run.label}, test",
                legendgroup=run.label,
                line=dict(color=colour, width=2.5, dash=dash),
                marker=dict(size=5),
                hovertemplate="epoch %{x}<br>test −ELBO %{y:.1f} nats<extra>" + run.label + "</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=list(run.epochs),
                y=list(run.train),
                mode="lines",
                name=f"{run.label}, train",
                legendgroup=run.label,
                line=dict(color=colour, width=1, dash=dash),
                opacity=0.6,
                hovertemplate="epoch %{x}<br>train −ELBO %{y:.1f} nats<extra>" + run.label + "</extra>",
            )
        )
    style(fig, "−ELBO per epoch (nats; lower is better)", height)
    fig.update_xaxes(title_text="epoch", rangemode="tozero")
    fig.update_yaxes(title_text="−ELBO (nats)")
    values = [v for run in runs for v in (*run.train, *run.test) if math.isfinite(v)]
    if values and max(values) > OFF_CHART * min(values):
        # A diverging run (the score function's can reach 10^4 nats) would flatten every other curve.
        low, cap = min(values), OFF_CHART * min(values)
        fig.update_yaxes(range=[low - 0.05 * (cap - low), cap])
        fig.add_annotation(
            text=f"values above {cap:.0f} nats are off the chart (largest: {max(values):,.0f})",
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=11, color="#b00"),
        )
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def variance_figure(runs: Sequence[RunCurves], height: int = 340) -> go.Figure:
    """Per step, the variance of each run's estimate of d reconstruction / d(mu, sigma), log y.

    Runs without positive values (blocked: exactly 0; an AE: no sampling) get no trace: a log
    axis cannot show 0. Returns a Figure with one Scatter trace per run with values: SVG lines
    (a run has at most a few thousand steps), not WebGL, which a browser without a GPU renders in
    software on every redraw (each point on the race redraws this chart).
    """
    fig = go.Figure()
    for i, run in enumerate(runs):
        points = [(s, v) for s, v in zip(run.steps, run.variance, strict=True) if v > 0 and math.isfinite(v)]
        if not points:
            continue
        steps, values = zip(*points, strict=True)
        fig.add_trace(
            go.Scatter(
                x=list(steps),
                y=list(values),
                mode="lines",
                name=run.label,
                line=dict(color=ESTIMATOR_COLOURS.get(run.colour_key, "#333333"), width=1.5, dash=_dash(runs, i)),
                hovertemplate="step %{x}<br>variance %{y:.3g}<extra>" + run.label + "</extra>",
            )
        )
    style(fig, "Encoder gradient variance per step", height)
    fig.update_xaxes(title_text="optimizer step", rangemode="tozero")
    fig.update_yaxes(title_text="variance (log scale)", type="log", exponentformat="power")
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def axis_limit(codes: np.ndarray | None, previous: float = 4.0) -> float:
    """A half-width for the scatter's square axes that only grows: at least `previous` (4 = four
    prior standard deviations) and the 99th percentile of |code| (a few far-flung codes may fall
    outside), rounded up to a whole number."""
    if codes is None or len(codes) == 0:
        return previous
    spread = float(np.nanpercentile(np.abs(codes), 99))
    return max(previous, math.ceil(spread * 1.1)) if math.isfinite(spread) else previous


SCATTER_PX = 560
"""The scatter's image is SCATTER_PX square: its plot area is ~390 px high at the page's height of
440, so a screen of 1.5 times the density still gets about a pixel per pixel."""
MARKER_PX = 11
"""A marker's width in the image (~7.5 px on screen at the page's size; Plotly's latent scatters use 5)."""
SUPERSAMPLE = 4
"""Each class's marker is drawn once at SUPERSAMPLE times the size and shrunk: smooth edges."""


def _symbol(name: str) -> np.ndarray:
    """Vertices (k, 2) of a Plotly marker symbol of width ~2, centred on 0, y pointing down."""

    def regular(k: int, radius: float = 1.0, turn: float = 0.0) -> np.ndarray:
        t = 2 * math.pi * np.arange(k) / k + turn
        return radius * np.stack([np.sin(t), -np.cos(t)], axis=1)

    arm = 0.38
    plus = np.array(
        [(-arm, -1), (arm, -1), (arm, -arm), (1, -arm), (1, arm), (arm, arm)]
        + [(arm, 1), (-arm, 1), (-arm, arm), (-1, arm), (-1, -arm), (-arm, -arm)]
    )
    star = np.empty((10, 2))
    star[0::2], star[1::2] = regular(5, 1.15), regular(5, 0.48, math.pi / 5)
    shapes = {
        "circle": regular(32),
        "square": np.array([(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)]),
        "diamond": regular(4, 1.15),
        "triangle-up": regular(3, 1.1),
        "triangle-down": -regular(3, 1.1),
        "cross": plus,
        "x": plus @ np.array([[1, 1], [-1, 1]]) / math.sqrt(2),
        "star": star,
        "pentagon": regular(5),
        "hexagon": regular(6),
    }
    return shapes[name]


@functools.cache
def _sprite(name: str, colour: str, opacity: float) -> tuple[np.ndarray, np.ndarray]:
    """A marker as premultiplied RGB float32 (w, w, 3) and alpha float32 (w, w, 1), w = MARKER_PX + 2."""
    width = MARKER_PX + 2
    big = width * SUPERSAMPLE
    mask = Image.new("L", (big, big), 0)
    vertices = _symbol(name) * (MARKER_PX * SUPERSAMPLE / 2) + big / 2
    ImageDraw.Draw(mask).polygon([tuple(v) for v in vertices], fill=255)
    alpha = np.asarray(mask.reduce(SUPERSAMPLE), dtype=np.float32)[..., None] * np.float32(opacity / 255)
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)
    return rgb * alpha, alpha


def points_png(codes: np.ndarray, labels: np.ndarray, limit: float, opacity: float = 0.7) -> bytes:
    """A PNG (RGBA in a 256-colour palette), SCATTER_PX square and transparent, of codes float
    (N, 2) on the square [-limit, limit]^2 (row 0 at y = +limit): each a marker MARKER_PX wide in
    its class's colour and symbol (vae_core.constants.DIGIT_COLOURS, DIGIT_SYMBOLS; labels int (N,)
    in 0-9) at `opacity`. Codes outside the square or not finite are left out.

    Overlaps are blended in any order (weighted blended order-independent transparency, McGuire &
    Bavoil 2013, with weight = coverage): alpha = 1 - prod(1 - a_i), colour = sum(a_i c_i) / sum(a_i).
    So every marker is drawn at once with numpy (a few ms) instead of one after another.
    """
    codes, labels = np.asarray(codes, dtype=np.float64), np.asarray(labels).astype(int)
    width = MARKER_PX + 2
    sprites = [_sprite(n, c, opacity) for n, c in zip(DIGIT_SYMBOLS, DIGIT_COLOURS, strict=True)]
    cover = np.stack([a[..., 0] for _, a in sprites])  # (classes, w, w)
    colour = np.stack([np.divide(c, np.maximum(a, 1e-6)) for c, a in sprites])  # straight (classes, w, w, 3)
    with np.errstate(invalid="ignore"):
        inside = np.isfinite(codes).all(axis=1) & (np.abs(codes) <= limit).all(axis=1)
    codes, labels = codes[inside], labels[inside] % len(sprites)
    side = SCATTER_PX + 2 * width  # a margin: a marker at the edge is cut, not shifted
    scale = SCATTER_PX / (2 * limit)
    top = np.rint((limit - codes[:, 1]) * scale - width / 2).astype(int) + width
    left = np.rint((codes[:, 0] + limit) * scale - width / 2).astype(int) + width
    offsets = np.arange(width)
    pixel = ((top[:, None, None] + offsets[:, None]) * side + left[:, None, None] + offsets).ravel()
    a = cover[labels].ravel().astype(np.float64)
    total = np.bincount(pixel, a, minlength=side * side)
    clear = np.exp(np.bincount(pixel, np.log1p(-np.minimum(a, 0.999)), minlength=side * side))
    rgba = np.empty((side * side, 4), dtype=np.float32)
    total = np.maximum(total, 1e-9)  # 0 where nothing is drawn: colour 0, alpha 0
    for channel in range(3):
        rgba[:, channel] = np.bincount(pixel, a * colour[labels][..., channel].ravel(), minlength=side * side) / total
    rgba[:, 3] = 255 * (1 - clear)
    rgba = rgba.reshape(side, side, 4)[width:-width, width:-width] + 0.5  # in [0.5, 255.5): rounds on casting
    image = Image.fromarray(rgba.astype(np.uint8), mode="RGBA")
    buffer = io.BytesIO()  # 256 colours: a quarter of the bytes of full RGBA, no visible change
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    return buffer.getvalue()


def training_scatter(
    codes: np.ndarray,
    labels: np.ndarray,
    title: str,
    limit: float,
    class_names: Sequence[str],
    height: int = 440,
    image: bytes | None = None,
) -> go.Figure:
    """The test images' codes (float (N, 2); labels int (N,)) on the fixed square [-limit, limit]^2,
    x and y at one scale: points_png over Plotly's axes and grid, and a legend of the classes
    (colour and symbol; one empty trace each, so clicking it hides nothing: the legend is static).
    No hover: the points are pixels. image: points_png(codes, labels, limit) made already (a
    caller that redraws the same codes keeps it); None: made here.

    Returns a Figure with one empty Scatter trace per class (the legend) and one layout image (a
    data: URL).
    """
    fig = go.Figure()
    for digit, name in enumerate(class_names):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=name,
                marker=dict(size=7, color=DIGIT_COLOURS[digit], symbol=DIGIT_SYMBOLS[digit], opacity=0.7),
                hoverinfo="skip",
            )
        )
    png = image if image is not None else points_png(codes, labels, limit)
    source = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    fig.add_layout_image(
        source=source,
        xref="x",
        yref="y",
        x=-limit,
        y=limit,
        sizex=2 * limit,
        sizey=2 * limit,
        sizing="stretch",
        layer="above",
    )
    fig.update_layout(
        title=dict(text=title, x=0.02, font=dict(size=15)),
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(itemsizing="constant", font=dict(size=11), itemclick=False, itemdoubleclick=False),
        plot_bgcolor="white",
        hovermode=False,
    )
    axes = dict(range=[-limit, limit], autorange=False, constrain="domain", showgrid=True, gridcolor="#eee")
    fig.update_xaxes(title_text="z1", zeroline=True, zerolinecolor="#ccc", **axes)
    fig.update_yaxes(title_text="z2", zeroline=True, zerolinecolor="#ccc", scaleanchor="x", scaleratio=1, **axes)
    return fig
