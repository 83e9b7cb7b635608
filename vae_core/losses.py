"""The VAE objective: the negative ELBO, in nats per image.

    ELBO(x) = E_q(z|x)[log p(x|z)] - KL(q(z|x) || p(z))       (Kingma & Welling 2014, eq. 3)

with a Bernoulli decoder p(x|z) = prod_i Bern(x_i; sigmoid(logits_i(z))) over the 784 pixels
and a diagonal Gaussian posterior q(z|x) = N(mu, diag(sigma^2)) against the prior N(0, I), whose
KL has the closed form (Kingma & Welling 2014, appendix B):

    KL = 1/2 * sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)

Grey pixel values in [0, 1] are used as Bernoulli targets, as in pytorch/examples vae/main.py,
so the reconstruction term is the binary cross-entropy summed over pixels.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F

__all__ = ["LossTerms", "reconstruction_nll", "kl_to_standard_normal", "negative_elbo"]


class LossTerms(NamedTuple):
    """Per-image terms, each a float tensor (N,) in nats."""

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


def kl_to_standard_normal(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag(exp(log_var))) || N(0, I)), closed form (Kingma & Welling 2014, app. B).

    Args:
        mu: float (N, latent_dim).
        log_var: float (N, latent_dim), log sigma^2.
    Returns:
        float (N,), nats.
    """
    if mu.shape != log_var.shape:
        raise ValueError(f"mu {tuple(mu.shape)} and log_var {tuple(log_var.shape)} must match")
    return 0.5 * (mu.pow(2) + log_var.exp() - 1.0 - log_var).sum(dim=1)


def negative_elbo(
    x: torch.Tensor, logits: torch.Tensor, mu: torch.Tensor, log_var: torch.Tensor | None
) -> LossTerms:
    """-ELBO = reconstruction NLL + KL, a one-sample estimate per image (nats).

    Args:
        x: float (N, 1, 28, 28) in [0, 1].
        logits: float (N, 1, 28, 28), decoder output for z ~ q(z|x).
        mu: float (N, latent_dim).
        log_var: float (N, latent_dim), or None for a deterministic autoencoder (KL = 0).
    Returns:
        LossTerms of float (N,) tensors in nats per image.
    """
    reconstruction = reconstruction_nll(x, logits)
    if log_var is None:
        kl = torch.zeros_like(reconstruction)
    else:
        kl = kl_to_standard_normal(mu, log_var)
    return LossTerms(reconstruction + kl, reconstruction, kl)
