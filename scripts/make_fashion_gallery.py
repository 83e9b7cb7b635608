"""Make the Fashion-MNIST gallery the app ships: vae_core/data/galleries/fashion-mnist.npz.

    apt-get install -y dataset-fashion-mnist        # Debian's copy of the official IDX files
    python scripts/make_fashion_gallery.py [--source /usr/share/datasets/fashion-mnist]

Takes the first 300 images of each class of the official Fashion-MNIST *test* split (3,000 in
all, in test-set order within each class), and stores them as uint8 with their labels in a
compressed .npz (about 1.5 MB), so the app's gallery needs no download on a fresh machine.

Source: Xiao, Rasul & Vollgraf (2017), "Fashion-MNIST: a Novel Image Dataset for Benchmarking
Machine Learning Algorithms", arXiv:1708.07747, https://github.com/zalandoresearch/fashion-mnist.
Licence: MIT, Copyright (c) 2017 Zalando SE. The arrays are the dataset's own pixels, unchanged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from vae_core.data.datasets import load_idx_split
from vae_core.data.galleries import gallery_path
from vae_core.data.registry import REGISTRY

OUT = gallery_path("fashion-mnist")
PER_CLASS = REGISTRY["fashion-mnist"].gallery_per_class


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    test = load_idx_split(args.source, "test", name="fashion-mnist")
    labels = test.labels.numpy()
    rows = np.concatenate([np.flatnonzero(labels == c)[:PER_CLASS] for c in range(10)])
    rows.sort()
    images = np.rint(test.images[rows, 0].numpy() * 255).astype(np.uint8)
    np.savez_compressed(args.out, images=images, labels=labels[rows].astype(np.uint8), test_rows=rows.astype(np.int32))
    print(f"wrote {args.out}: {len(rows)} images, {Path(args.out).stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
