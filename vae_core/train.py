"""``python -m vae_core.train``: the training CLI (it lives in vae_core.training.train)."""

import sys

from .training.train import main, train

__all__ = ["main", "train"]

if __name__ == "__main__":
    sys.exit(main())
