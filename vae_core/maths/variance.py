"""Measured moments of the gradient estimators, and their variance against the number of samples M.

The variance of the M-sample average falls as Var(g)/M for both estimators; the score
function's Var(g) is far larger (Mohamed et al. 2020, section 3 figures and sections 4-5).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import torch

from ..checks import MAX_SCALAR_SAMPLES, check_count
from .estimators import GRADIENT_ESTIMATORS

__all__ = ["EstimatorMoments", "estimator_moments", "VarianceCurve", "variance_vs_num_samples"]

Tensor = torch.Tensor


class EstimatorMoments(NamedTuple):
    """Sample mean and variance of one estimator's single-sample estimates, as (d/dmu, d/dsigma)."""

    mean: tuple[float, float]
    variance: tuple[float, float]
    standard_error: tuple[float, float]  # of the mean: sqrt(variance / M)
    num_samples: int


def estimator_moments(
    f: Callable[[Tensor], Tensor], mu, sigma, num_samples: int, seed: int = 0
) -> dict[str, EstimatorMoments]:
    """Measured mean and single-sample variance of both estimators, on common random numbers.

    Args:
        f, mu, sigma, num_samples: as for pathwise_grad. seed: seeds a torch.Generator; both
            estimators use the same eps.
    Returns:
        {"pathwise": EstimatorMoments, "score_function": EstimatorMoments} (unbiased variances).
    Raises:
        ValueError: as for pathwise_grad.
    """
    out = {}
    for name, estimator in GRADIENT_ESTIMATORS.items():
        g = estimator(f, mu, sigma, num_samples, torch.Generator().manual_seed(seed))
        var = g.var(dim=0, unbiased=True) if len(g) > 1 else torch.full((2,), float("nan"), dtype=g.dtype)
        out[name] = EstimatorMoments(
            tuple(g.mean(dim=0).tolist()), tuple(var.tolist()), tuple((var / len(g)).sqrt().tolist()), len(g)
        )
    return out


class VarianceCurve(NamedTuple):
    """Variance of the M-sample average estimator against M."""

    num_samples: np.ndarray  # int (S,), the M values
    variance: dict[str, np.ndarray]  # {estimator: float (S, 2)}, columns d/dmu, d/dsigma
    num_repeats: int


def variance_vs_num_samples(
    f: Callable[[Tensor], Tensor], mu, sigma, num_samples_grid: Sequence[int], num_repeats: int = 200, seed: int = 0
) -> VarianceCurve:
    """Empirical variance of the M-sample gradient estimate (1/M) sum_i g_i for each M in a grid.

    For each M, num_repeats independent M-sample averages are formed and their variance taken
    across repeats; it should fall as Var(g)/M (Mohamed et al. 2020, section 3 figures). The
    two estimators share eps (common random numbers).

    Args:
        f, mu, sigma: as for pathwise_grad. num_samples_grid: the M values, integers >= 1.
        num_repeats: R >= 2 repeats per M. seed: seeds the generator.
    Returns:
        VarianceCurve(num_samples int (S,), {estimator: float (S, 2)}, R).
    Raises:
        ValueError: an M < 1, R < 2, too many samples in all (R * max M > 2e7), or as for
        pathwise_grad.
    """
    grid = np.asarray(sorted({int(m) for m in num_samples_grid}), dtype=np.int64)
    if grid.size == 0 or grid[0] < 1:
        raise ValueError(f"num_samples_grid must hold integers >= 1, got {list(num_samples_grid)!r}")
    num_repeats = check_count("num_repeats (a variance needs two repeats)", num_repeats, 2, MAX_SCALAR_SAMPLES)
    total = num_repeats * int(grid[-1])
    if total > MAX_SCALAR_SAMPLES:
        raise ValueError(f"num_repeats * max(M) = {total:,} samples is more than the limit of {MAX_SCALAR_SAMPLES:,}")
    variance = {}
    for name, estimator in GRADIENT_ESTIMATORS.items():
        g = estimator(f, mu, sigma, total, torch.Generator().manual_seed(seed))
        g = g.reshape(int(num_repeats), int(grid[-1]), 2)
        rows = [g[:, :m].mean(dim=1).var(dim=0, unbiased=True).numpy() for m in grid]
        variance[name] = np.stack(rows)
    return VarianceCurve(grid, variance, int(num_repeats))
