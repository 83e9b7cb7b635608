"""The state of a live run (vae_core.training.live): its curves' points, the snapshot a page
draws, the mutable control block, and the checkpoint written when it stops."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..models.checkpoint import save_checkpoint
from ..models.networks import LatentVariableModel
from .config import TrainConfig
from .live_data import LiveData

__all__ = ["CurvePoint", "RunSnapshot", "Control", "save_run"]


@dataclass(frozen=True)
class CurvePoint:
    """A point of the curves: after `step` optimizer steps (epoch = step / steps per epoch, a
    fraction during an epoch), -ELBO (β = 1, nats/image, one z per image) on 1,000 training
    images and the 1,000 test images, and the run's training time so far (seconds, queue and
    pauses not counted)."""

    epoch: float
    step: int
    train_neg_elbo: float
    test_neg_elbo: float
    seconds: float


@dataclass(frozen=True)
class RunSnapshot:
    """What the page draws, copied under the run's lock.

    state: "new", "queued", "training", "paused", "finished", "cancelled" or "failed".
    queue_position: k >= 1 while queued, else None. points: the curves' points, oldest first.
    steps / epochs_done: optimizer steps taken and epochs (steps / steps per epoch, a float).
    variance: (step, encoder-gradient variance) pairs (VAE only). codes: float32 (1000, 2)
    encoder means of the test images at the last point (None before). grid_png: the decoded grid
    as PNG bytes. scatter_png: the codes drawn on [-scatter_limit, scatter_limit]^2
    (vae_core.viz.training_figures.points_png; the limit only grows: axis_limit). checkpoint:
    path of the saved model (after the run stops with at least one point), else None.
    """

    name: str
    state: str
    queue_position: int | None
    points: tuple[CurvePoint, ...]
    steps: int
    epochs_done: float
    variance: tuple[tuple[int, float], ...]
    codes: np.ndarray | None
    grid_png: bytes | None
    checkpoint: Path | None
    error: str | None = None
    scatter_png: bytes | None = None
    scatter_limit: float = 4.0

    @property
    def epochs(self) -> tuple[CurvePoint, ...]:
        """The points (the name benchmarks/training.py reads)."""
        return self.points


@dataclass
class Control:
    """A LiveRun's mutable state, read and written under its lock."""

    playing: bool = False
    steps: int = 0  # epoch ends asked for by "one epoch"
    state: str = "new"
    error: str | None = None
    done: int = 0  # optimizer steps taken
    records: list[CurvePoint] = field(default_factory=list)
    variance: list[tuple[int, float]] = field(default_factory=list)
    codes: np.ndarray | None = None
    grid_png: bytes | None = None
    scatter_png: bytes | None = None
    scatter_limit: float = 4.0
    checkpoint: Path | None = None


def save_run(
    model: LatentVariableModel,
    config: TrainConfig,
    data: LiveData,
    name: str,
    records: list[CurvePoint],
    folder: Path,
) -> Path:
    """Write the run's model as a float32 safetensors checkpoint in folder, named after the run,
    with its config, data, curve (train -ELBO at each point, and the points' epochs) and last
    test -ELBO in the metadata. records: at least one. Returns the path (.safetensors).
    Raises OSError as save_checkpoint."""
    training = {
        **config.to_dict(),
        "command": "the Train page of the app (vae_core.training.live)",
        "data": data.describe,
        "n_train": int(data.train.shape[0]),
        "world_size": 1,
        "epochs_done": round(records[-1].epoch, 4),
        "steps_done": records[-1].step,
        "history": [r.train_neg_elbo for r in records],
        "history_epochs": [round(r.epoch, 4) for r in records],
        "seconds": records[-1].seconds,
    }
    metrics = {"test": {"n": int(data.test.shape[0]), "neg_elbo": records[-1].test_neg_elbo, "data": "held out"}}
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name).strip("-")
    return save_checkpoint(
        model, folder / f"trained-{safe}", training=training, metrics=metrics, weights_dtype="float32"
    )
