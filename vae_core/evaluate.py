"""``python -m vae_core.evaluate``: the evaluation CLI (it lives in vae_core.training.evaluate)."""

import sys

from .training.evaluate import evaluate_model, main

__all__ = ["evaluate_model", "main"]

if __name__ == "__main__":
    sys.exit(main())
