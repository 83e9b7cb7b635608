"""The Maths lab's numbers, cached per (model, input, seed) so a rerun recomputes only what changed.

Every function here wraps a core function (vae_core.inference, vae_core.gradients,
vae_core.inverse_cdf) in st.cache_data with hashable arguments: the model travels as `_model`
(not hashed) beside its `key`, a fingerprint of its weights (model_key). Every random draw comes
from a torch.Generator seeded with the page's seed.
"""

from __future__ import annotations

import hashlib
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import streamlit as st
import torch

from vae_core import gradients, inverse_cdf
from vae_core.inference import bounds
from vae_core.inference.iwae_curve import IwaeCurve, iwae_curve
from vae_core.inference.marginal import quadrature

__all__ = [
    "M_OPTIONS",
    "K_OPTIONS",
    "IWAE_DRAWS",
    "VARIANCE_GRID",
    "VARIANCE_REPEATS",
    "MOMENT_SAMPLES",
    "LOTUS_OPTIONS",
    "ICDF_SAMPLES",
    "model_key",
    "elbo",
    "log_px",
    "iwae",
    "bounds_and_log_px",
    "variance",
    "lotus",
    "icdf_samples",
]

M_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
K_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
IWAE_DRAWS = 40_000
"""N draws of q(z|x) behind view 1 (vae_core.inference.iwae_curve.DEFAULT_DRAWS): 8 groups of
k = 5000, 400 of k = 100, and M's largest value, 10,000, for the ELBO's bars."""
VARIANCE_GRID = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
VARIANCE_REPEATS = 200
MOMENT_SAMPLES = 1_000_000
LOTUS_OPTIONS = (100, 1000, 10_000, 100_000)
ICDF_SAMPLES = 10_000
_MODEL_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def model_key(model) -> str:
    """A fingerprint of the model's weights: the hashable stand-in for the model in st.cache_data.

    Computed once per model object (the app's models are cached resources and never change):
    hashing 4 MB of weights on every rerun would be wasted work.
    """
    cached = _MODEL_KEYS.get(model)
    if cached is not None:
        return cached
    digest = hashlib.sha1()
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    key = f"{model.path or 'in-memory'}#{digest.hexdigest()[:16]}"
    _MODEL_KEYS[model] = key
    return key


def _draws(latent_dim: int, seed: int) -> torch.Tensor:
    """The N eps ~ N(0, I) behind every number of view 1, float (N, latent_dim): the ELBO's bars
    use the first M rows, the L_k curve all N."""
    return torch.randn(IWAE_DRAWS, latent_dim, generator=torch.Generator().manual_seed(seed))


@st.cache_data(show_spinner="Estimating the ELBO…", max_entries=64)
def elbo(_model, key: str, x: np.ndarray, num_samples: int, seed: int) -> bounds.ElboTerms:
    """ElboTerms of x float32 (1, 1, 28, 28) from the first num_samples of the seed's draws (nats)."""
    eps = _draws(_model.latent_dim, seed)[:num_samples]
    return bounds.elbo_terms(_model, torch.from_numpy(x), eps=eps)


@st.cache_data(max_entries=32, show_spinner=False)
def log_px(_model, key: str, x: np.ndarray) -> tuple[float, float]:
    """Exact log p(x) of a 2-D VAE and the quadrature's error, nats (vae_core.inference.marginal)."""
    q = quadrature(_model, torch.from_numpy(x))
    return q.log_px, q.error


@st.cache_data(show_spinner=f"Decoding {IWAE_DRAWS:,} draws for L_k, k = 1 … 5000…", max_entries=32)
def iwae(_model, key: str, x: np.ndarray, seed: int) -> IwaeCurve:
    """L_k for every k of K_OPTIONS from the seed's IWAE_DRAWS draws (vae_core.inference.iwae_curve)."""
    return iwae_curve(_model, torch.from_numpy(x), K_OPTIONS, eps=_draws(_model.latent_dim, seed))


def bounds_and_log_px(model, key: str, x: np.ndarray, seed: int) -> tuple[IwaeCurve, float | None, float]:
    """(iwae(...), log p(x), its error): L_k decoded in this thread while the quadrature of a 2-D
    VAE (log_px; cached per input, so a new seed finds it) runs in a thread of its own (one per
    call: sessions never queue behind each other's), so on two cores a new input waits for the
    longer of the two, not their sum (torch releases the GIL in both). Without a 2-D latent:
    (curve, None, 0.0). Raises what iwae and log_px raise (TypeError, ValueError)."""
    if model.latent_dim != 2:
        return iwae(model, key, x, seed), None, 0.0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="maths-log-px") as pool:
        exact = pool.submit(log_px, model, key, x)
        curve = iwae(model, key, x, seed)
        value, error = exact.result()
    return curve, value, error


@st.cache_data(show_spinner="Measuring estimator variances…", max_entries=64)
def variance(name: str, k: float, mu: float, sigma: float, max_m: int, seed: int):
    """(VarianceCurve over VARIANCE_GRID up to max_m, {estimator: EstimatorMoments} of
    MOMENT_SAMPLES single-sample estimates) for f = cost_function(name, k) under N(mu, sigma^2)."""
    f = gradients.cost_function(name, k)
    grid = [m for m in VARIANCE_GRID if m <= max_m]
    curve = gradients.variance_vs_num_samples(f, mu, sigma, grid, VARIANCE_REPEATS, seed)
    return curve, gradients.estimator_moments(f, mu, sigma, MOMENT_SAMPLES, seed)


@st.cache_data(show_spinner=False, max_entries=64)
def lotus(name: str, k: float, mu: float, sigma: float, num_samples: int, seed: int):
    """LotusResult: running means of f(z) with z drawn directly and as mu + sigma * eps."""
    return gradients.lotus_running_means(gradients.cost_function(name, k), mu, sigma, num_samples, seed)


@st.cache_data(show_spinner=False, max_entries=64)
def icdf_samples(dist: str, params: tuple[tuple[str, float], ...], seed: int) -> np.ndarray:
    """ICDF_SAMPLES draws z = F^-1(u) of the distribution, float (ICDF_SAMPLES,)."""
    _, z = inverse_cdf.draw(dist, ICDF_SAMPLES, torch.Generator().manual_seed(seed), **dict(params))
    return z.numpy()
