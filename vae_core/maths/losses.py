"""The VAE objective: the negative ELBO, in nats per image — the one place it is computed.

    ELBO(x) = E_q(z|x)[log p(x|z)] - KL(q(z|x) || p(z))       (Kingma & Welling 2014, eq. 3)

with a Bernoulli decoder p(x|z) = prod_i Bern(x_i; sigmoid(logits_i(z))) over the 784 pixels
and a diagonal Gaussian posterior q(z|x) = N(mu, diag(sigma^2)) against the prior N(0, I), whose
KL has the closed form (Kingma & Welling 2014, appendix B):

    KL = 1/2 * sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)

The β-VAE objective weights the KL (Higgins et al. 2017, eq. 4): -ELBO_β = reconstruction + β·KL;
β = 1 is the ELBO itself. Grey pixel values in [0, 1] are used as Bernoulli targets, as in
pytorch/examples vae/main.py, so the reconstruction term is the binary cross-entropy summed over
pixels.

σ convention: past the encoder's last layer (which emits log σ² for numerical range) everything
speaks of sigma, the standard deviation; sigma = None stands for a plain autoencoder (no
posterior, KL = 0).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F

from ..checks import check_real, check_sigma
from .reparam import reparameterize

__all__ = ["LossTerms", "reconstruction_nll", "kl_to_standard_normal", "negative_elbo", "model_negative_elbo"]


class LossTerms(NamedTuple):
    """Per-image terms, each a float tensor (N,) in nats.

    neg_elbo = reconstruction + beta * kl (beta = 1: the negative ELBO itself).
    """

    neg_elbo: torch.Tensor
    reconstruction: torch.Tensor
    kl: torch.Tensor


def reconstruction_nll(x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """-log p(x|z) under a Bernoulli decoder, summed over pixels.

    Args:
        x: float (N, 1, 28, 28) (any (N, ...)), targets in [0, 1].
        logits: float tensor of x's shape, the decoder's pre-sigmoid outputs.
    Returns:
        float (N,), nats per image.
    Raises:
        ValueError: shapes differ.
    """
    if x.shape != logits.shape:
        raise ValueError(f"x {tuple(x.shape)} and logits {tuple(logits.shape)} must match")
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
    return bce.flatten(1).sum(dim=1)


def kl_to_standard_normal(mu: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag(sigma^2)) || N(0, I)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2).

    Kingma & Welling (2014), appendix B.

    Args:
        mu: float (N, latent_dim).
        sigma: float (N, latent_dim), standard deviations >= 0 (sigma = 0 gives KL = inf).
    Returns:
        float (N,), nats.
    Raises:
        ValueError: shapes differ, or sigma negative or NaN.
    """
    if mu.shape != sigma.shape:
        raise ValueError(f"mu {tuple(mu.shape)} and sigma {tuple(sigma.shape)} must match")
    check_sigma(sigma)
    return 0.5 * (mu.pow(2) + sigma.pow(2) - 1.0 - 2.0 * torch.log(sigma)).sum(dim=1)


def negative_elbo(
    x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, sigma: torch.Tensor | None, beta: float = 1.0
) -> LossTerms:
    """-ELBO_β = reconstruction NLL + β·KL for one z per image (nats).

    Args:
        x: float (N, 1, 28, 28) in [0, 1].
        logits: float (N, 1, 28, 28), decoder output for z (e.g. z = mu + sigma * eps).
        mu: float (N, latent_dim).
        sigma: float (N, latent_dim), or None for a deterministic autoencoder (KL = 0).
        beta: KL weight >= 0 (Higgins et al. 2017); 1 gives the ELBO of Kingma & Welling (2014).
    Returns:
        LossTerms of float (N,) tensors in nats per image.
    Raises:
        ValueError: shapes differ, sigma negative or NaN, beta negative or not finite.
    """
    beta = check_real("beta", beta)
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta:g}")
    reconstruction = reconstruction_nll(x, logits)
    kl = torch.zeros_like(reconstruction) if sigma is None else kl_to_standard_normal(mu, sigma)
    return LossTerms(reconstruction + beta * kl, reconstruction, kl)


def model_negative_elbo(model, x: torch.Tensor, eps: torch.Tensor | None = None, beta: float = 1.0) -> LossTerms:
    """Encode x, draw z = mu + sigma * eps, decode, and return the terms of -ELBO_β (nats).

    Args:
        model: a VAE or AE of vae_core.models (for the AE z = mu and KL = 0; eps is ignored).
        x: float (N, 1, 28, 28) in [0, 1].
        eps: float (N, latent_dim) standard normal noise; required for a VAE.
        beta: KL weight, as in negative_elbo.
    Returns:
        LossTerms of float (N,) tensors (differentiable in the model's weights).
    Raises:
        ValueError: eps missing for a VAE, or of the wrong shape; as negative_elbo.
    """
    mu, sigma = model.posterior(x)
    if sigma is None:
        return negative_elbo(x, model.decode_logits(mu), mu, None, beta)
    if eps is None:
        raise ValueError("eps is required for a VAE: z = mu + sigma * eps")
    z = reparameterize(mu, sigma, eps)
    return negative_elbo(x, model.decode_logits(z), mu, sigma, beta)
