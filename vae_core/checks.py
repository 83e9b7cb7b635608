"""Input checks shared by the whole core: one policy, one set of limits.

Policy: a **TypeError** when an argument is of the wrong kind (not a tensor, not floating point,
not an integer, a plain autoencoder where a VAE is needed: vae_core.models.require_vae); a
**ValueError** when it is of the right kind but a wrong value or shape (NaN, infinite, negative
σ, a count out of range). Every message names the argument and what was expected.

Limits (named once, quoted by the docstrings that use them):
- MAX_DECODED_SAMPLES = 200,000 latent samples decoded in one call (each one is a 784-pixel
  image through the decoder: ~0.6 GB of activations at the largest, a few seconds on one core);
- MAX_SCALAR_SAMPLES = 20,000,000 scalar draws in one call of the 1-D estimators and samplers
  (160 MB of float64);
- MAX_K = 5,000 importance samples for one IWAE bound.

A leaf of the core: it imports nothing from vae_core, so every layer may use it (the checks that
need to know the models, such as require_vae, live in vae_core.models).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch

__all__ = [
    "MAX_DECODED_SAMPLES",
    "MAX_SCALAR_SAMPLES",
    "MAX_K",
    "check_tensor",
    "check_sigma",
    "check_count",
    "check_real",
]

MAX_DECODED_SAMPLES = 200_000
MAX_SCALAR_SAMPLES = 20_000_000
MAX_K = 5_000


def check_tensor(
    name: str, value: object, shape: Sequence[int | None] | None = None, finite: bool = True
) -> torch.Tensor:
    """Return value if it is a floating-point tensor of the given shape (None = any size there).

    Raises:
        TypeError: not a torch.Tensor, or not floating point.
        ValueError: a different number of dimensions or size, or (finite=True) NaN/inf entries.
    """
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if not torch.is_floating_point(value):
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    if shape is not None:
        want = tuple(shape)
        got = tuple(value.shape)
        if len(got) != len(want) or any(w is not None and w != g for w, g in zip(want, got, strict=True)):
            shown = "(" + ", ".join("N" if w is None else str(w) for w in want) + ")"
            raise ValueError(f"{name} must have shape {shown}, got {got}")
    if finite and not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} contains NaN or infinite values")
    return value


def check_sigma(sigma: torch.Tensor, name: str = "sigma") -> torch.Tensor:
    """Return sigma if every entry is a finite number >= 0 (a standard deviation, not log_var).

    Raises:
        TypeError: not a floating-point tensor. ValueError: a NaN, infinite or negative entry.
    """
    check_tensor(name, sigma, finite=False)
    values = sigma.detach()
    if bool(torch.isnan(values).any()):
        raise ValueError(f"{name} contains NaN")
    if bool((values < 0).any()):
        raise ValueError(f"{name} must be >= 0 (it is a standard deviation, not log_var)")
    if bool(torch.isinf(values).any()):
        raise ValueError(f"{name} contains infinite values")
    return sigma


def check_count(name: str, value: object, low: int, high: int) -> int:
    """Return value as an int if it is an integer in [low, high].

    Raises:
        TypeError: not an integer (bool is refused too). ValueError: outside [low, high].
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low:,}, {high:,}], got {value!r}")
    return int(value)


def check_real(name: str, value: object) -> float:
    """Return a finite real number given as a Python number or a one-element tensor.

    Raises:
        TypeError: not a number (or a tensor with more than one element).
        ValueError: NaN or infinite.
    """
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            raise TypeError(f"{name} must be a scalar, got a tensor of shape {tuple(value.shape)}")
        value = float(value.detach())
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value
