"""The Train page's figures (vae_core.viz.training_figures) as plain functions."""

import numpy as np

from vae_core.viz.training_figures import RunCurves, axis_limit, race_figure, training_scatter, variance_figure


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
