"""Figures and pictures of the latent-space sections: the path scatter, the confidence curve,
the grid with axes and overlay, the strip with its holes, the GIF and the grid PNG."""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from vae_core.maths.latent import LatentGrid, inverse_cdf_axis
from vae_core.viz.animation import StripFrames, grid_png, interpolation_gif, strip_png
from vae_core.viz.latent_grid_figure import grid_figure
from vae_core.viz.latent_space_figures import (
    HOLE_COLOUR,
    confidence_curve,
    path_scatter,
    zoom_box,
)


def _codes():
    g = np.random.default_rng(0)
    return g.normal(size=(300, 2)) * 50, np.repeat(np.arange(10), 30)


def test_path_scatter_carries_rows_draws_the_path_on_top_and_zooms_to_it():
    codes, labels = _codes()
    path = np.linspace([0.0, 0.0], [10.0, 5.0], 6)
    confidence = [0.99, 0.95, 0.3, 0.2, 0.8, 0.97]
    whole = path_scatter(codes, labels, "AE", path, zoom=False, rows=np.arange(300) + 1000)
    assert [t.name for t in whole.data][:10] == [str(k) for k in range(10)]
    assert list(whole.data[3].customdata) == list(range(1090, 1120))  # each point knows its gallery row
    fig = path_scatter(codes, labels, "AE", path, confidence, rows=np.arange(300) + 1000)
    names = [t.name for t in fig.data]
    path_trace = fig.data[names.index("path")]
    assert path_trace.line.width >= 4 and names.index("path") > 9  # thick, and after (over) the codes
    holes = next(t for t in fig.data if t.name.startswith("hole"))
    assert list(holes.x) == [path[2, 0], path[3, 0]] and holes.marker.color == HOLE_COLOUR
    x_range, y_range = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert x_range[0] < 0 and x_range[1] > 10 and y_range[0] < 0 and y_range[1] > 5
    assert x_range[1] - x_range[0] < np.ptp(codes[:, 0]) / 3  # zoomed in, not the whole blob
    assert whole.layout.xaxis.range is None and not any(t.name.startswith("hole") for t in whole.data)


def test_a_zoomed_scatter_draws_every_code_and_only_zooms_the_axes():
    codes, labels = _codes()
    path = np.linspace([0.0, 0.0], [10.0, 5.0], 6)
    fig = path_scatter(codes, labels, "AE", path, rows=np.arange(300) + 1000)
    drawn = sorted(int(r) for t in fig.data if t.customdata is not None for r in t.customdata)
    assert drawn == list(range(1000, 1300)) and fig.layout.title.text == "AE"  # none left out, none said to be


def test_zoom_box_contains_the_path():
    codes, _ = _codes()
    path = np.array([[3.0, 3.0], [3.0, 3.0]])  # a path of no length still gets a window
    (x0, x1), (y0, y1) = zoom_box(path, codes)
    assert x0 < 3 < x1 and y0 < 3 < y1 and x1 - x0 > 1


def test_confidence_curve_marks_the_hole_threshold():
    fig = confidence_curve([0.99, 0.4, 0.7], [2, 5, 9], [str(k) for k in range(10)])
    (trace,) = fig.data
    assert list(trace.y) == [0.99, 0.4, 0.7] and list(trace.x) == [1, 2, 3]
    assert list(trace.customdata) == ["2", "5", "9"]
    assert trace.marker.color[1] == HOLE_COLOUR
    assert {s.y0 for s in fig.layout.shapes} == {0.5, 0.9}


def _grid(n=4):
    axis = inverse_cdf_axis(n)
    images = torch.rand(n, n, 28, 28, generator=torch.Generator().manual_seed(0))
    return LatentGrid(images, axis, axis, "inverse CDF")


def test_grid_figure_axes_carry_the_z_values_and_the_overlay_the_verdicts():
    grid = _grid()
    labels = np.arange(16).reshape(4, 4) % 10
    confidence = np.full((4, 4), 0.95)
    confidence[0, 0] = 0.2
    plain = grid_figure(grid, "VAE", labels, confidence)
    assert list(plain.layout.xaxis.ticktext) == [f"{v:.2f}" for v in grid.x_axis.tolist()]
    assert list(plain.layout.yaxis.ticktext) == [f"{v:.2f}" for v in grid.y_axis.flip(0).tolist()]  # top = largest
    cells = plain.data[1]
    assert len(cells.customdata) == 16
    assert list(cells.customdata[1]) == pytest.approx([0, 1, grid.x_axis[1].item(), grid.y_axis[-1].item()])
    assert not plain.layout.annotations
    overlaid = grid_figure(grid, "VAE", labels, confidence, overlay=True)
    texts = [a.text for a in overlaid.layout.annotations]
    assert len(texts) == 16 and texts[5] == "<b>5</b>"
    assert overlaid.layout.annotations[0].font.color == HOLE_COLOUR


def test_strip_png_marks_hole_frames_in_red():
    frames = torch.zeros(4, 1, 28, 28)
    png = Image.open(io.BytesIO(strip_png(frames, [False, True, False, False], scale=2, pad=2)))
    assert png.width == (4 * 28 + 3 * 2) * 2
    bar = np.asarray(png.convert("RGB"))[28 * 2 + 3]  # a row through the bars
    assert tuple(bar[(30 + 5) * 2]) == (214, 39, 40) and tuple(bar[5]) == (255, 255, 255)
    with pytest.raises(ValueError, match="holes has 3 flags for 4 frames"):
        strip_png(frames, [False] * 3)


def test_gif_has_one_frame_per_step_both_strips_and_loops():
    steps = 7
    strips = [
        StripFrames(title, torch.rand(steps, 1, 28, 28), [0.9] * 3 + [0.2] + [0.9] * 3, ["2"] * steps)
        for title in ("Plain autoencoder (AE)", "VAE")
    ]
    data = interpolation_gif(strips, caption="2 -> 9, linear", scale=4, strip_scale=2)
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.n_frames == steps and gif.info.get("loop") == 0
    panel = max(28 * 4, steps * (28 * 2 + 2)) + 20
    assert gif.size[0] == 2 * panel
    sizes = set()
    for k in range(gif.n_frames):
        gif.seek(k)
        sizes.add(gif.size)
    assert sizes == {gif.size}
    with pytest.raises(ValueError, match="same number of frames"):
        interpolation_gif([strips[0], StripFrames("x", torch.rand(3, 1, 28, 28), [1] * 3, ["1"] * 3)])


def test_grid_png_is_a_readable_picture_with_margins_for_the_axes():
    grid = _grid(5)
    png = Image.open(io.BytesIO(grid_png(grid, "VAE grid", np.zeros((5, 5), int), np.ones((5, 5)), scale=2)))
    assert png.format == "PNG" and png.width > 5 * 56 and png.height > 5 * 56
