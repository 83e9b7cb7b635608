"""The Train page's figures (vae_core.viz.training_figures) as plain functions."""

import base64
import io

import numpy as np
from PIL import Image

from vae_core.constants import DIGIT_COLOURS
from vae_core.viz.training_figures import (
    SCATTER_PX,
    RunCurves,
    axis_limit,
    points_png,
    race_figure,
    training_scatter,
    variance_figure,
)


def _run(label, key, test, variance=()):
    epochs = list(range(1, len(test) + 1))
    return RunCurves(label, key, epochs, [t - 3 for t in test], test, list(range(1, len(variance) + 1)), variance)


def test_race_has_a_test_and_a_train_line_per_run_in_its_colour():
    fig = race_figure([_run("#1 pathwise", "pathwise", [190, 175]), _run("#2 blocked", "blocked", [215, 212])])
    assert [t.name for t in fig.data] == [
        "#1 pathwise, test",
        "#1 pathwise, train",
        "#2 blocked, test",
        "#2 blocked, train",
    ]
    assert fig.data[0].line.color == fig.data[1].line.color != fig.data[2].line.color
    assert fig.layout.yaxis.range is None and not fig.layout.annotations  # nothing off the chart


def test_a_diverging_run_is_cut_off_the_race_chart_and_said_so():
    fig = race_figure([_run("#1 pathwise", "pathwise", [190, 170]), _run("#2 score", "score_function", [250, 9_000])])
    low, high = fig.layout.yaxis.range
    assert high == 1.6 * 167 and low < 167
    assert "9,000" in fig.layout.annotations[0].text


def test_variance_is_on_a_log_axis_and_leaves_out_exact_zeros():
    fig = variance_figure(
        [_run("#1 pathwise", "pathwise", [190], [3.0, 4.0]), _run("#2 blocked", "blocked", [215], [0.0, 0.0])]
    )
    assert fig.layout.yaxis.type == "log" and [t.name for t in fig.data] == ["#1 pathwise"]


def test_scatter_axes_are_fixed_and_only_grow():
    codes = np.array([[0.5, -1.0]] * 99 + [[40.0, 0.0]])  # one far code does not rescale the plot
    assert axis_limit(codes) == 4.0
    assert axis_limit(np.full((10, 2), 5.0)) == 6.0 and axis_limit(np.zeros((10, 2)), previous=6.0) == 6.0
    fig = training_scatter(codes, np.arange(100) % 10, "t", 4.0, [str(d) for d in range(10)])
    assert list(fig.layout.xaxis.range) == [-4, 4] and list(fig.layout.yaxis.range) == [-4, 4]
    (image,) = fig.layout.images  # the codes' picture covers exactly the axes' square
    assert (image.x, image.y, image.sizex, image.sizey, image.xref, image.yref) == (-4, 4, 8, 8, "x", "y")
    assert [t.name for t in fig.data] == [str(d) for d in range(10)] and all(t.x == (None,) for t in fig.data)


def _rgba(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(int)


def test_points_are_drawn_where_their_codes_are_in_their_class_colour():
    codes = np.array([[0.0, 0.0], [-3.0, 3.0], [9.0, 0.0], [np.nan, 0.0]])  # centre, top left, off, not finite
    pixels = _rgba(points_png(codes, np.array([0, 2, 1, 1]), limit=4.0, opacity=1.0))
    assert pixels.shape == (SCATTER_PX, SCATTER_PX, 4)
    centre = SCATTER_PX // 2
    top_left = round(SCATTER_PX / 8)  # z = (-3, 3) on [-4, 4]^2: 1/8 of the width from the left and the top
    for (row, column), digit in (((centre, centre), 0), ((top_left, top_left), 2)):
        colour = [int(DIGIT_COLOURS[digit][i : i + 2], 16) for i in (1, 3, 5)]
        assert pixels[row, column, 3] >= 250 and np.abs(pixels[row, column, :3] - colour).max() <= 8
    drawn = pixels[..., 3] > 0
    assert drawn.sum() < 2 * 0.01 * SCATTER_PX**2  # two small markers; the codes off the square are left out
    assert not drawn[:, -SCATTER_PX // 4 :].any()  # nothing near x = 4 (the code at x = 9)


def test_the_scatter_image_travels_in_the_figure():
    codes, labels = np.zeros((3, 2)), np.arange(3)
    fig = training_scatter(codes, labels, "t", 4.0, [str(d) for d in range(10)])
    png = base64.b64decode(fig.layout.images[0].source.split(",", 1)[1])
    assert png == points_png(codes, labels, 4.0)
    assert (
        training_scatter(codes, labels, "t", 4.0, list("abcdefghij"), image=b"kept")
        .layout.images[0]
        .source.endswith(base64.b64encode(b"kept").decode())
    )
