"""The chart defects of issue 22, each checked on the figure object where it shows in the
figure's data or layout (tests/e2e/test_chart_defects_browser.py measures the same charts as
Chromium draws them):

1. the "near the path" scatters left empty bands (the Fashion VAE's space looked like a stripe):
   every gallery code is drawn, the window is square and kept exactly, the path's neighbours
   are highlighted;
2. titles cut off (Tour steps 2 and 8): titles are wrapped to lines a phone's column holds, and
   the top margin holds them at presentation size;
3. a legend over the z₁ axis title: legends are anchored to the bottom of the figure;
4. "None" printed under every bar of the gradient chart, colliding with its note: the note alone
   says it, in lines half a phone's column holds;
5. the x-range moved when step 2's answer was revealed: it is the same window, kept exactly.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import vae_core
from vae_core import gradients
from vae_core.data.galleries import load_gallery
from vae_core.inference.codes import encode_images
from vae_core.viz.gradient_figures import NO_GRADIENT_NOTE, gradient_flow_figure, variance_figure
from vae_core.viz.latent_grid_figure import grid_figure
from vae_core.viz.latent_space_figures import class_spread_bars, confidence_curve, path_scatter
from vae_core.viz.layout import (
    LINE_HEIGHT_EM,
    PRESENTATION_TEXT_PX,
    PRESENTATION_TITLE_PX,
    TITLE_LINE_CHARS,
    TITLE_PAD_PX,
    legend_below,
    title_lines,
    wrap_title,
)
from vae_core.viz.plane_window import NEAR_FRACTION, near_path, zoom_box

# Titles that were cut off: Tour step 2's scatter and step 8's variance chart (at 513 px and on a phone).
CUT_TITLES = (
    "AE: codes of 5,000 gallery images and the straight line 2 → 9",
    "Estimator variance for f(z) = (z − 1)² (200 repeats per M; dashed: closed form)",
    "Gradient of the reconstruction term log p(x|z) w.r.t. μ and σ",
    "IWAE bound L_k → log p(x) (40,000 draws in groups of k, ±2 SE)",
)


@pytest.fixture(scope="module")
def fashion_ae_codes() -> tuple[np.ndarray, np.ndarray]:
    """The shipped Fashion-MNIST AE's codes μ of its 3,000 gallery images, and their labels."""
    entries = {e["name"]: e for e in vae_core.list_models()}
    model = vae_core.load_model(entries["fashion-ae-2d"]["path"])
    gallery = load_gallery("fashion-mnist")
    with torch.no_grad():
        mu, _ = encode_images(model, gallery.images)
    return mu.numpy(), gallery.labels.numpy()


def _drawn_rows(fig) -> list[int]:
    return sorted(int(r) for t in fig.data if t.customdata is not None for r in t.customdata)


def _a_flat_path(codes: np.ndarray) -> np.ndarray:
    """A long, nearly horizontal path between two gallery codes (the case that drew a stripe):
    from the code with the smallest z₁ to the one with the largest z₁ among codes with z₂ near the
    median."""
    band = np.abs(codes[:, 1] - np.median(codes[:, 1])) < 0.05 * np.ptp(codes[:, 1])
    row = np.flatnonzero(band)
    a, b = row[codes[row, 0].argmin()], row[codes[row, 0].argmax()]
    return np.linspace(codes[a], codes[b], 10)


# --- 1. every code in view; the path's neighbours highlighted ----------------------------------------


def test_a_flat_path_s_scatter_draws_every_code_in_a_square_window_kept_exactly(fashion_ae_codes):
    codes, labels = fashion_ae_codes
    path = _a_flat_path(codes)
    assert np.ptp(path[:, 1]) < 0.1 * np.ptp(path[:, 0])  # flat: its bounding box is a strip
    fig = path_scatter(codes, labels, "AE", path)
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    # Square, on one scale, and kept exactly (the plot shrinks instead): the ranges are the view.
    assert x1 - x0 == pytest.approx(y1 - y0)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.constrain == fig.layout.yaxis.constrain == "domain"
    in_view = np.flatnonzero((codes[:, 0] >= x0) & (codes[:, 0] <= x1) & (codes[:, 1] >= y0) & (codes[:, 1] <= y1))
    drawn = _drawn_rows(fig)
    assert set(in_view) <= set(drawn)  # every code in view is plotted...
    assert drawn == list(range(len(codes)))  # ...and every other one, once (panning shows no empty ground)
    # The window shows ground above and below the flat path, and codes there (it was a stripe).
    above = in_view[codes[in_view, 1] > path[:, 1].max() + 0.25 * (y1 - y0)]
    below = in_view[codes[in_view, 1] < path[:, 1].min() - 0.25 * (y1 - y0)]
    assert len(above) > 0 and len(below) > 0


def test_the_codes_near_the_path_are_highlighted_and_only_they(fashion_ae_codes):
    codes, labels = fashion_ae_codes
    path = _a_flat_path(codes)
    fig = path_scatter(codes, labels, "AE", path, rows=np.arange(len(codes)) + 7)
    near_trace = next(t for t in fig.data if t.name == "near the path")
    side = fig.layout.xaxis.range[1] - fig.layout.xaxis.range[0]
    expected = near_path(codes, path, NEAR_FRACTION * side)
    assert 0 < expected.sum() < len(codes)
    assert sorted(int(r) - 7 for r in near_trace.customdata) == np.flatnonzero(expected).tolist()
    others = [t for t in fig.data if t.customdata is not None and t.name != "near the path"]
    assert near_trace.marker.size > max(t.marker.size for t in others)  # larger, and outlined
    assert near_trace.marker.line.width > 0 and (near_trace.marker.opacity or 1) > max(t.marker.opacity for t in others)
    # Each keeps its class's colour and symbol.
    k = int(labels[np.flatnonzero(expected)[0]])
    assert near_trace.marker.color[0] == vae_core.constants.DIGIT_COLOURS[k]


def test_near_path_is_the_distance_to_the_polyline():
    g = np.random.default_rng(0)
    codes = g.normal(size=(200, 2)) * 3
    path = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 3.0]])
    # Brute force: the distance to a densely sampled polyline (points 0.005 apart).
    dense = np.concatenate([np.linspace(path[i], path[i + 1], 801) for i in range(2)])
    distance = np.linalg.norm(codes[:, None] - dense[None], axis=2).min(1)
    mask = near_path(codes, path, 0.8)
    clear = np.abs(distance - 0.8) > 1e-2  # away from the boundary, where sampling decides
    assert (mask[clear] == (distance[clear] <= 0.8)).all()
    assert near_path(codes, path[:1], 1.0).tolist() == (np.linalg.norm(codes, axis=1) <= 1.0).tolist()


def test_zoom_box_is_square_and_holds_the_path():
    codes = np.random.default_rng(1).normal(size=(500, 2)) * 10
    for path in (np.linspace([-8.0, 1.0], [9.0, 1.5], 10), np.array([[3.0, 3.0], [3.0, 3.0]])):
        (x0, x1), (y0, y1) = zoom_box(path, codes)
        assert x1 - x0 == pytest.approx(y1 - y0) and x1 - x0 > 0
        assert x0 < path[:, 0].min() and path[:, 0].max() < x1 and y0 < path[:, 1].min() and path[:, 1].max() < y1


# --- 2. titles that fit -------------------------------------------------------------------------------


@pytest.mark.parametrize("title", CUT_TITLES)
def test_a_long_title_is_wrapped_to_lines_a_phone_holds_and_keeps_its_words(title):
    wrapped = wrap_title(title)
    lines = wrapped.split("<br>")
    assert len(lines) >= 2 and all(len(line) <= TITLE_LINE_CHARS for line in lines)
    assert " ".join(lines) == title  # nothing lost, only line breaks
    assert wrap_title("short") == "short" and wrap_title(wrapped) == wrapped


def _assert_title_fits(fig) -> None:
    title = fig.layout.title
    lines = title.text.split("<br>")
    assert all(len(line) <= TITLE_LINE_CHARS for line in lines), lines
    # The first line is bottom-anchored one line below the top pad (Plotly puts the others under it).
    first_bottom = (1 - title.y) * fig.layout.height
    assert title.yref == "container" and title.yanchor == "bottom"
    assert first_bottom == pytest.approx(TITLE_PAD_PX + LINE_HEIGHT_EM * title.font.size)
    # The top margin holds every line at presentation size, then the subplot titles, if any.
    need = TITLE_PAD_PX + len(lines) * LINE_HEIGHT_EM * PRESENTATION_TITLE_PX + TITLE_PAD_PX
    subplot = [a for a in fig.layout.annotations if a.yref == "paper" and a.yanchor == "bottom" and a.y == 1]
    if subplot:
        need += max(title_lines(a.text) for a in subplot) * LINE_HEIGHT_EM * PRESENTATION_TEXT_PX
    assert fig.layout.margin.t >= need


def _tour_figures(tiny_vae):
    """The figures of Tour steps 2, 6, 8 and 10-11 (and the Explorer's), with their long titles."""
    g = np.random.default_rng(0)
    codes, labels = g.normal(size=(300, 2)), np.repeat(np.arange(10), 30)
    path = np.linspace([-1.0, -1.0], [1.0, 1.0], 10)
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    f = gradients.cost_function("quadratic", 1.0)
    curve = gradients.variance_vs_num_samples(f, 0.0, 1.0, [1, 10], num_repeats=20)
    closed = gradients.quadratic_single_sample_variances(0.0, 1.0, 1.0)
    from vae_core.maths.latent import LatentGrid, inverse_cdf_axis

    axis = inverse_cdf_axis(4)
    grid = LatentGrid(torch.rand(4, 4, 28, 28), axis, axis, ("z₁", "z₂"))
    return {
        "step 2 scatter": path_scatter(codes, labels, CUT_TITLES[0], path, height=440),
        "step 2 confidence": confidence_curve([0.9, 0.3, 0.8], [2, 5, 9], [str(k) for k in range(10)]),
        "step 6 gradient": gradient_flow_figure(gradients.gradient_flow(tiny_vae, x, torch.tensor([1.0, 0.0]))),
        "step 8 variance": variance_figure(curve, closed, f.label, height=480),
        "step 10 bars": class_spread_bars(
            {"AE": [1] * 10, "VAE": [2] * 10}, list("0123456789"), "What 1,000 random codes of each model decode to"
        ),
        "step 11 grid": grid_figure(grid, "Plain autoencoder (AE): decoded 15×15 grid"),
    }


def test_every_tour_figure_s_title_fits_its_margin(tiny_vae):
    for name, fig in _tour_figures(tiny_vae).items():
        try:
            _assert_title_fits(fig)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


# --- 3. legends below the axis titles -----------------------------------------------------------------


def test_legends_are_anchored_to_the_bottom_of_the_figure(tiny_vae):
    figures = _tour_figures(tiny_vae)
    for name in ("step 2 scatter", "step 6 gradient", "step 8 variance", "step 10 bars"):
        legend = figures[name].layout.legend
        # yref "container": Plotly reserves a bottom margin for it under everything the axes
        # push (ticks, the z₁ title); in paper units (y = -0.16) it landed on the title.
        assert (legend.yref, legend.y, legend.yanchor, legend.xref) == ("container", 0, "bottom", "paper"), name
    assert legend_below(figures["step 11 grid"]).layout.legend.yref == "container"


# --- 4. the gradient chart says None once --------------------------------------------------------------


def test_the_gradient_chart_prints_no_none_under_its_bars_and_its_note_fits_half_a_phone(tiny_vae):
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    fig = gradient_flow_figure(gradients.gradient_flow(tiny_vae, x, torch.tensor([1.0, 0.0])))
    printed = [text for t in fig.data for text in t.text]
    assert "None" not in printed  # was printed under each of the detached side's bars
    detached = [t for t in fig.data if t.xaxis == "x2"]
    assert detached and all(list(t.customdata) == ["None"] * len(t.x) for t in detached)  # said in the hover
    notes = [a for a in fig.layout.annotations if a.text == NO_GRADIENT_NOTE]
    assert len(notes) == 1
    note = notes[0]
    # In the middle of the detached panel, clear of the bars' baseline labels and the subplot title.
    assert (note.xref, note.yref, note.x, note.y, note.yanchor) == ("x2 domain", "y2 domain", 0.5, 0.5, "middle")
    # Half of a phone's ~358 px column is ~150 px: at most 18 characters a line (~8 px each at 13 px).
    assert max(len(line) for line in NO_GRADIENT_NOTE.split("<br>")) <= 18
    subplot_titles = [a.text for a in fig.layout.annotations if a.text != NO_GRADIENT_NOTE]
    assert all(len(line) <= 26 for t in subplot_titles for line in t.split("<br>"))


# --- 5. the x-range on Reveal ---------------------------------------------------------------------------


def test_revealing_the_verdict_keeps_the_scatter_s_ranges(fashion_ae_codes):
    codes, labels = fashion_ae_codes
    path = _a_flat_path(codes)
    before = path_scatter(codes, labels, CUT_TITLES[0], path, None, height=440)
    after = path_scatter(codes, labels, CUT_TITLES[0], path, [0.9] * 4 + [0.2] + [0.9] * 5, height=440)
    assert any(t.name.startswith("hole") for t in after.data)  # the legend grows by an item
    assert before.layout.xaxis.range == after.layout.xaxis.range
    assert before.layout.yaxis.range == after.layout.yaxis.range
    # Kept exactly: with constrain "range" (Plotly's default) a taller legend widened the x-range.
    assert after.layout.xaxis.constrain == after.layout.yaxis.constrain == "domain"
