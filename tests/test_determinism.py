"""Sessions share one process: every seeded function must give the same bits in any thread.

Streamlit runs each browser session as a thread of one server process. A function that seeded
torch's global generator (torch.manual_seed) would let concurrent sessions change each other's
draws, and st.cache_data would then serve a wrong value to everyone. Here the seeded functions
run in 8 threads at once and must match a single-thread run bit for bit.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

from vae_core import gradients, inverse_cdf
from vae_core.inference import bounds
from vae_core.models import ModelConfig, build_model
from vae_core.training import TrainConfig, evaluate_model, train

THREADS = 8


def _model():
    return build_model(ModelConfig(kind="vae", latent_dim=2, hidden=[16]), generator=torch.Generator().manual_seed(0))


def _seeded_results(seed: int) -> list[np.ndarray]:
    """Every seeded computation of the core, each reduced to a numpy array."""
    model = _model().eval()
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
    f = lambda z: (z - 1) ** 2  # noqa: E731
    out = [
        gradients.pathwise_grad(f, 0.0, 1.0, 500, torch.Generator().manual_seed(seed)).numpy(),
        gradients.score_function_grad(f, 0.0, 1.0, 500, torch.Generator().manual_seed(seed)).numpy(),
        gradients.lotus_running_means(f, 0.5, 1.5, 500, seed=seed).direct,
        gradients.lotus_running_means(f, 0.5, 1.5, 500, seed=seed).reparameterized,
        gradients.variance_vs_num_samples(f, 0.0, 1.0, [1, 10], num_repeats=20, seed=seed).variance["score_function"],
        gradients.gradient_flow(model, x, torch.zeros(2), seed=seed).sampled.z.numpy(),
        np.array(bounds.elbo_terms(model, x, 50, torch.Generator().manual_seed(seed))[:4]),
        bounds.iwae_bound(model, x, 10, 4, torch.Generator().manual_seed(seed)).values,
        inverse_cdf.draw("gumbel", 300, torch.Generator().manual_seed(seed))[1].numpy(),
        np.array(list(evaluate_model(model, x.expand(4, 1, 28, 28), seed=seed).values())),
    ]
    trained = _model()
    config = TrainConfig(hidden=[16], epochs=1, batch_size=8, augment=0.3, seed=seed)
    out.append(
        np.array(
            train(
                trained, torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(1)), config, progress=False
            )
        )
    )
    out.append(next(trained.parameters()).detach().numpy().copy())
    return out


def test_seeded_functions_give_identical_bits_in_8_threads_at_once():
    seeds = [0, 1, 2, 3, 0, 1, 2, 3]
    alone = {seed: _seeded_results(seed) for seed in set(seeds)}
    with ThreadPoolExecutor(THREADS) as pool:
        together = list(pool.map(_seeded_results, seeds))
    differing = [
        (seed, i)
        for seed, results in zip(seeds, together, strict=True)
        for i, (a, b) in enumerate(zip(alone[seed], results, strict=True))
        if not np.array_equal(a, b)
    ]
    assert not differing, f"(seed, result index) that changed under threads: {differing}"


def test_no_seeded_function_touches_the_global_generator():
    state = torch.random.get_rng_state()
    _seeded_results(5)
    assert torch.equal(torch.random.get_rng_state(), state)
