"""Hostile checks of vae_core.inference.likelihood: every shipped model against
torch.distributions.Bernoulli, the batch edges, dtypes and layouts, the worker threads (grad mode,
exceptions, concurrent callers, determinism) and overflow."""

from __future__ import annotations

import threading
import time

import pytest
import torch
from torch import nn
from torch.distributions import Bernoulli

import vae_core
from vae_core.data.galleries import load_gallery
from vae_core.inference import likelihood
from vae_core.inference.likelihood import CHUNK, log_likelihood
from vae_core.models import ModelConfig, build_model, load_model

pytestmark = pytest.mark.slow  # shipped models and 200,000-code calls: seconds, not milliseconds

SHIPPED = sorted(e["name"] for e in vae_core.list_models())


@pytest.fixture(scope="module")
def models():
    return {e["name"]: load_model(e["path"]) for e in vae_core.list_models()}


def _image(name: str) -> torch.Tensor:
    images = load_gallery("fashion-mnist" if name.startswith("fashion") else "mnist").images
    x = images[11:12].float()
    return x / 255 if x.max() > 1 else x


def _truth(model, x, z) -> torch.Tensor:
    """sum_i x_i l_i - softplus(l_i) in float64 over the decoder's float32 logits."""
    with torch.no_grad():
        logits = model.decode_logits(z.float()).double().flatten(1)
    return (x.double().flatten() * logits - nn.functional.softplus(logits)).sum(1)


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("rows", [1, CHUNK, CHUNK + 1])
def test_every_shipped_model_grey_and_binary_agrees_with_bernoulli(models, name, rows):
    model = models[name]
    grey = _image(name)
    binary = (grey > 0.5).float()
    z = 2 * torch.randn(rows, model.latent_dim, generator=torch.Generator().manual_seed(rows))
    with torch.no_grad():
        logits = model.decode_logits(z)
    bernoulli = Bernoulli(logits=logits).log_prob(binary.expand_as(logits)).flatten(1).sum(1).double()
    got = log_likelihood(model, binary, z)
    assert got.shape == (rows,) and got.dtype == torch.float64
    torch.testing.assert_close(got, bernoulli, rtol=2e-6, atol=2e-3)
    torch.testing.assert_close(log_likelihood(model, grey, z), _truth(model, grey, z), rtol=2e-6, atol=2e-3)


def test_dtypes_and_layouts_of_z_give_the_float32_answer(models):
    model = models["mnist-vae-2d"]
    x = _image("mnist-vae-2d")
    z = torch.randn(2, CHUNK + 3, generator=torch.Generator().manual_seed(0)).t()  # not contiguous
    assert not z.is_contiguous()
    reference = log_likelihood(model, x, z.contiguous())
    # a strided z may take another matmul kernel: float32 rounding, nothing more
    torch.testing.assert_close(log_likelihood(model, x, z), reference, rtol=1e-6, atol=0)
    torch.testing.assert_close(log_likelihood(model, x, z.double()), reference, rtol=1e-6, atol=0)
    half = z.half()
    torch.testing.assert_close(
        log_likelihood(model, x, half), log_likelihood(model, x, half.float()), rtol=1e-6, atol=0
    )
    torch.testing.assert_close(log_likelihood(model, x.double(), z), reference, rtol=1e-6, atol=0)


def test_a_nan_pixel_is_refused(models):
    x = _image("mnist-vae-2d").clone()
    x[0, 0, 3, 3] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        log_likelihood(models["mnist-vae-2d"], x, torch.zeros(5, 2))


def test_a_decoder_without_bias(binary_x):
    model = build_model(ModelConfig(kind="vae", latent_dim=2, hidden=[16]), generator=torch.Generator().manual_seed(0))
    last = model.decoder[-1]
    model.decoder[-1] = nn.Linear(last.in_features, last.out_features, bias=False)
    model.eval()
    z = torch.randn(CHUNK + 2, 2, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(log_likelihood(model, binary_x, z), _truth(model, binary_x, z), rtol=2e-6, atol=1e-3)


def test_the_worker_threads_build_no_autograd_graph(models, binary_x):
    """The function is @torch.no_grad(), but grad mode is thread-local: the pool's threads decode
    with grad enabled unless they set it themselves, and every batch's graph (its activations) is
    then kept until the batches are concatenated (200,000 codes: ~2 GB peak instead of ~0.4 GB)."""
    model = models["mnist-vae-2d"]
    seen: list[bool] = []
    handle = model.decoder[0].register_forward_hook(lambda *_: seen.append(torch.is_grad_enabled()))
    try:
        log_likelihood(model, binary_x, torch.zeros(3 * CHUNK, 2))
    finally:
        handle.remove()
    assert seen and not any(seen), f"grad mode in the decoding threads: {seen}"


def test_an_error_in_a_worker_keeps_its_message_and_cancels_the_rest(models, binary_x):
    model = models["mnist-vae-2d"]
    z = torch.zeros(48 * CHUNK, 2)
    z[:CHUNK] = 1e38  # the first batch overflows
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"^z is too large to decode \(max \|z\| = 1e\+38\)"):
        log_likelihood(model, binary_x, z)
    full = time.perf_counter()
    log_likelihood(model, binary_x, torch.zeros(48 * CHUNK, 2))
    # the remaining batches were cancelled, not all decoded before the error came back
    assert full - start < 0.5 * (time.perf_counter() - full)
    assert not [t for t in threading.enumerate() if t.name.startswith("log-likelihood")]


def test_sums_that_overflow_float32_are_not_nan(models, binary_x):
    """Logits finite (about 1e36) but their softplus sum beyond float32: the old per-pixel BCE gave
    -inf; h.W^T x - sum softplus gives inf - inf = NaN, which the docstring's ValueError misses."""
    z = torch.tensor([[1e36, 1e36], [1e37, -1e37]])
    try:
        got = log_likelihood(models["mnist-vae-2d"], binary_x, z)
    except ValueError:
        return
    assert not torch.isnan(got).any(), got


def test_concurrent_callers_get_their_own_answers_deterministically(models):
    """Streamlit sessions call from several threads at once: each gets what it gets alone."""
    cases = []
    for i, name in enumerate(["mnist-vae-2d", "mnist-vae-16d", "fashion-vae-2d", "mnist-ae-2d"]):
        model = models[name]
        z = torch.randn(2 * CHUNK + 7, model.latent_dim, generator=torch.Generator().manual_seed(i))
        cases.append((model, _image(name), z))
    alone = [log_likelihood(*case) for case in cases]
    results: dict[int, torch.Tensor] = {}
    errors: list[BaseException] = []

    def call(i: int) -> None:
        try:
            results[i] = log_likelihood(*cases[i % len(cases)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and not any(t.is_alive() for t in threads)
    for i, got in results.items():
        torch.testing.assert_close(got, alone[i % len(cases)], rtol=0, atol=0)


def test_one_thread_and_the_pool_agree_bit_for_bit_on_a_trained_model(models, monkeypatch):
    model = models["mnist-vae-16d"]
    x = _image("mnist-vae-16d")
    z = torch.randn(3 * CHUNK + 1, 16, generator=torch.Generator().manual_seed(9))
    pooled = log_likelihood(model, x, z)
    torch.testing.assert_close(log_likelihood(model, x, z), pooled, rtol=0, atol=0)
    monkeypatch.setattr(likelihood, "WORKERS", 1)
    torch.testing.assert_close(log_likelihood(model, x, z), pooled, rtol=0, atol=0)
