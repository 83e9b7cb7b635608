"""Runs of the Train page (vae_core.training.live) in worker threads: cancel, cap, session end.

Real MNIST digits and the real live architecture; the training set is cut to 1,280 images so an
epoch is short. Waits poll the run's state with a deadline; nothing sleeps a fixed time.
"""

import threading
import time

import pytest
import torch

import vae_core
from vae_core.training.live import (
    POINTS_PER_EPOCH,
    PROBE_EVERY,
    LiveData,
    LiveRun,
    TrainingSlots,
    live_config,
    live_data,
)
from vae_core.viz.training_figures import axis_limit, points_png


def wait_until(condition, timeout: float = 60.0, what: str = "condition") -> float:
    """Poll condition() until True; seconds it took. Raises AssertionError after timeout."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"timed out waiting for {what}"
        time.sleep(0.005)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def data() -> LiveData:
    full = live_data("mnist")
    return LiveData("mnist", full.train[::3][:1280], full.test[:300], full.test_labels[:300], "test subset")


def test_the_mnist_split_holds_out_100_test_images_per_digit():
    full = live_data("mnist")
    assert full.train.shape == (4000, 1, 28, 28) and full.test.shape == (1000, 1, 28, 28)
    assert torch.bincount(full.test_labels).tolist() == [100] * 10
    train_rows = {tuple(x.flatten()[::7].tolist()) for x in full.train[:, 0]}
    assert not any(tuple(x.flatten()[::7].tolist()) in train_rows for x in full.test[:, 0])


def test_a_step_trains_one_epoch_and_saves_a_checkpoint_the_explorer_can_open(data, tmp_path):
    run = LiveRun("#1 pathwise", live_config(), data, checkpoint_dir=tmp_path, slots=TrainingSlots(1))
    run.step()
    wait_until(lambda: not run.is_working, what="the step to end")
    snap = run.snapshot()
    assert snap.state == "paused" and snap.epochs_done == 1 and snap.steps == 1280 // 64
    # a point at the end of each quarter of the epoch: the first after 5 of its 20 steps
    assert [p.step for p in snap.points] == [5, 10, 15, 20] and len(snap.points) == POINTS_PER_EPOCH
    assert [p.epoch for p in snap.points] == [0.25, 0.5, 0.75, 1.0]
    assert all(100 < p.test_neg_elbo < 600 and p.train_neg_elbo > 0 for p in snap.points)
    assert snap.codes.shape == (300, 2) and snap.grid_png.startswith(b"\x89PNG")
    # the scatter's picture of the last point's codes, on axes that hold 99% of them
    assert snap.scatter_png == points_png(snap.codes, data.test_labels.numpy(), snap.scatter_limit)
    assert snap.scatter_limit == axis_limit(snap.codes, snap.scatter_limit) >= 4.0
    assert len(snap.variance) == 1280 // 64 // PROBE_EVERY and all(v > 0 for _, v in snap.variance)
    entries, problems = vae_core.models.checkpoint.scan_models(tmp_path)
    assert not problems and [e["path"] for e in entries] == [str(snap.checkpoint)]
    model = vae_core.load_model(snap.checkpoint)
    training = model.metadata["training"]
    assert training["estimator"] == "pathwise" and training["world_size"] == 1 and training["epochs_done"] == 1
    assert training["history_epochs"] == [0.25, 0.5, 0.75, 1.0] and len(training["history"]) == 4
    for got, want in zip(model.state_dict().values(), run.model.state_dict().values(), strict=True):
        assert torch.equal(got, want)


def test_pause_stops_within_one_step_with_a_point_there_and_play_resumes_the_same_epoch(data, tmp_path):
    paused = LiveRun("#1", live_config(), data, checkpoint_dir=tmp_path, slots=TrainingSlots(1))
    paused.play()
    wait_until(lambda: paused.snapshot().steps >= 7, what="seven steps")
    asked_at = paused.snapshot().steps
    paused.pause(wait_s=30)
    snap = paused.snapshot()
    assert not paused.is_working and snap.state == "paused"
    assert asked_at <= snap.steps <= asked_at + 1  # the step under way, no more
    assert snap.points[-1].step == snap.steps and snap.checkpoint is not None  # the curve ends where it stopped
    saved = vae_core.load_model(snap.checkpoint)
    assert saved.metadata["metrics"]["test"]["neg_elbo"] == snap.points[-1].test_neg_elbo
    stopped_at = snap.steps
    paused.step()  # on to the end of the epoch under way, in its own batch order
    wait_until(lambda: not paused.is_working, what="the rest of the epoch")
    assert paused.snapshot().steps == 1280 // 64 and paused.snapshot().epochs_done == 1
    straight = LiveRun("#2", live_config(), data, slots=TrainingSlots(1))
    straight.step()
    wait_until(lambda: not straight.is_working, what="one epoch without a pause")
    # the same draws in the same order: pausing changed nothing but the points
    for got, want in zip(paused.model.state_dict().values(), straight.model.state_dict().values(), strict=True):
        assert torch.equal(got, want)
    assert [p.step for p in paused.snapshot().points] == sorted({5, 10, 15, 20, stopped_at})


def test_a_run_cancels_within_one_second(data):
    run = LiveRun("#1", live_config(), data, slots=TrainingSlots(1))
    run.play()
    wait_until(lambda: len(run.snapshot().variance) >= 3, what="training to start")
    started = time.monotonic()
    run.cancel()
    took = wait_until(lambda: not run.is_working, timeout=5, what="the worker to end") + (time.monotonic() - started)
    assert took < 1.0, f"cancel took {took:.2f} s"
    steps = len(run.snapshot().variance)
    assert run.snapshot().state == "cancelled" and len(run.snapshot().variance) == steps
    run.play()  # a cancelled run stays cancelled
    assert not run.is_working


def test_two_sessions_training_at_once_keep_to_the_cap_and_queue_in_order(data):
    slots = TrainingSlots(1)
    runs = [LiveRun(f"#{i}", live_config(seed=i), data, slots=slots) for i in range(3)]
    seen = {"max_training": 0, "max_busy": 0}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            training = sum(r.snapshot().state == "training" for r in runs)
            seen["max_training"] = max(seen["max_training"], training)
            seen["max_busy"] = max(seen["max_busy"], slots.busy)
            time.sleep(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        first, second, third = runs
        first.play()
        wait_until(lambda: first.snapshot().state == "training", what="the first run to train")
        second.play()
        third.play()
        wait_until(lambda: second.snapshot().queue_position == 1 and third.snapshot().queue_position == 2)
        wait_until(lambda: len(first.snapshot().epochs) >= 2, what="two epochs of the first run")
        assert second.snapshot().epochs == () and second.snapshot().state == "queued"
        first.pause()
        wait_until(lambda: second.snapshot().state == "training", what="the second run to start")
        assert third.snapshot().queue_position == 1
        wait_until(lambda: len(second.snapshot().epochs) >= 1, what="an epoch of the second run")
        for run in runs:
            run.cancel()
        wait_until(lambda: not any(r.is_working for r in runs), timeout=5, what="every worker to end")
    finally:
        done.set()
        watcher.join()
        for run in runs:
            run.cancel(wait_s=5)
    assert seen == {"max_training": 1, "max_busy": 1}
    assert first.snapshot().state == "paused" or first.snapshot().state == "cancelled"


def test_a_run_whose_session_ended_cancels_itself(data):
    connected = threading.Event()
    connected.set()
    run = LiveRun("#1", live_config(), data, slots=TrainingSlots(1), alive=connected.is_set, grace_s=0.2)
    run.play()
    wait_until(lambda: len(run.snapshot().variance) >= 2, what="training to start")
    connected.clear()  # the browser tab closed
    took = wait_until(lambda: not run.is_working, timeout=5, what="the run to notice")
    assert took < 1.2 and run.snapshot().state == "cancelled"


def test_an_ae_run_and_bad_configs(data):
    with pytest.raises(ValueError, match="only 'pathwise'"):
        live_config(model="ae", estimator="blocked")
    with pytest.raises(ValueError, match="data of 'mnist'"):
        LiveRun("#1", live_config(dataset="fashion-mnist"), data)
    run = LiveRun("#1 AE", live_config(model="ae"), data, slots=TrainingSlots(1))
    run.step()
    wait_until(lambda: not run.is_working, what="the AE epoch")
    snap = run.snapshot()
    # an AE draws no z: no estimator variance
    assert snap.epochs_done == 1 and len(snap.points) == POINTS_PER_EPOCH and snap.variance == ()
