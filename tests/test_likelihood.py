"""vae_core.inference.likelihood: log p(x|z) folded into the decoder's last layer, on several threads,
against torch.distributions.Bernoulli over the decoder's logits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch.distributions import Bernoulli

from vae_core.inference import likelihood
from vae_core.inference.likelihood import CHUNK, log_likelihood
from vae_core.models import load_model

REPO = Path(__file__).resolve().parents[1]


def _bernoulli(model, x, z) -> torch.Tensor:
    with torch.no_grad():
        logits = model.decode_logits(z)
    return Bernoulli(logits=logits).log_prob(x.expand_as(logits)).flatten(1).sum(1).double()


@pytest.fixture(scope="module")
def trained(shipped):
    return load_model(shipped["vae"]["path"])


@pytest.mark.parametrize("rows", [1, 7, 2 * CHUNK + 5])
def test_it_equals_the_bernoulli_log_probability_row_by_row(small_vae2, binary_x, rows):
    z = 3 * torch.randn(rows, 2, generator=torch.Generator().manual_seed(rows))
    got = log_likelihood(small_vae2, binary_x, z)
    assert got.dtype == torch.float64 and got.shape == (rows,)
    # several batches on several threads come back in the order of z
    torch.testing.assert_close(got, _bernoulli(small_vae2, binary_x, z), rtol=1e-5, atol=1e-3)


def test_a_trained_decoder_and_grey_pixels_agree_too(trained):
    """Pixels in [0, 1], not only binary ones: the same sum, x_i l_i - softplus(l_i)."""
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(3))
    z = torch.randn(CHUNK + 100, 2, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        logits = trained.decode_logits(z)
    expected = (x.flatten() * logits.flatten(1) - torch.nn.functional.softplus(logits.flatten(1))).sum(1).double()
    torch.testing.assert_close(log_likelihood(trained, x, z), expected, rtol=1e-5, atol=2e-3)


def test_one_thread_and_several_give_the_same_numbers(small_vae2, binary_x, monkeypatch):
    z = torch.randn(3 * CHUNK, 2, generator=torch.Generator().manual_seed(5))
    threaded = log_likelihood(small_vae2, binary_x, z)
    monkeypatch.setattr(likelihood, "WORKERS", 1)
    torch.testing.assert_close(log_likelihood(small_vae2, binary_x, z), threaded, rtol=0, atol=0)


def test_bad_arguments_are_named(small_vae2, binary_x):
    with pytest.raises(ValueError, match="one image"):
        log_likelihood(small_vae2, binary_x.expand(2, 1, 28, 28), torch.zeros(3, 2))
    with pytest.raises(TypeError, match="z must be a floating-point"):
        log_likelihood(small_vae2, binary_x, torch.zeros(3, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match="z must have shape"):
        log_likelihood(small_vae2, binary_x, torch.zeros(3, 5))
    with pytest.raises(ValueError, match="NaN or infinite"):
        log_likelihood(small_vae2, binary_x, torch.tensor([[float("nan"), 0.0]]))


def test_an_overflowing_decoder_is_refused_not_summed(trained, binary_x):
    z = torch.zeros(CHUNK + 1, 2)
    z[-1] = 1e38  # one code, in the second batch, overflows the decoder
    with pytest.raises(ValueError, match="too large to decode"):
        log_likelihood(trained, binary_x, z)
    assert torch.isfinite(log_likelihood(trained, binary_x, torch.full((1, 2), 1e3))).all()


_THREADS_SCRIPT = """
import threading, torch
setter = threading.Thread(target=torch.set_num_threads, args=(1,))  # as app.py does, from a script thread
setter.start(); setter.join()
import vae_core
from vae_core.models import load_model
from vae_core.inference.likelihood import CHUNK, log_likelihood
model = load_model([e for e in vae_core.list_models() if e["name"] == "mnist-vae-2d"][0]["path"])
x = (torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0)) > 0.7).float()
z = torch.randn(2 * CHUNK + 7, 2, generator=torch.Generator().manual_seed(0))
here, elsewhere = log_likelihood(model, x, z), []
threads = [threading.Thread(target=lambda: elsewhere.append(log_likelihood(model, x, z))) for _ in range(3)]
for t in threads: t.start()
for t in threads: t.join()
print(len(elsewhere) == 3 and all(torch.equal(here, other) for other in elsewhere))
"""


def test_the_same_bits_in_every_thread_after_the_app_sets_one_torch_thread():
    """app.py calls torch.set_num_threads(1) from a script thread; a thread that did not (here the
    main one of a fresh interpreter) keeps the BLAS's own thread count, and a matrix-vector product
    there summed the 784 terms in another order. Sessions share st.cache_data, so every thread must
    get the same bits."""
    done = subprocess.run(
        [sys.executable, "-c", _THREADS_SCRIPT], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "True", done.stdout[-500:]
