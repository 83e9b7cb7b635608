"""The gradient-flow view: what one backward pass of log p(x|z) reaches in a VAE, two ways.

Through z = mu + sigma * eps (Kingma & Welling 2014, section 2.4, eq. 10) the gradient reaches mu,
sigma and the encoder; through a draw like Normal(mu, sigma).sample(), made without a graph,
it reaches only the decoder (Mohamed et al. 2020, section 4: such a draw needs the score
function instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import torch

from ..checks import check_tensor
from ..constants import IMAGE_SHAPE
from ..maths.losses import reconstruction_nll
from ..maths.reparam import reparameterize
from ..models.networks import require_vae

__all__ = ["GradientFlow", "GradientFlowComparison", "gradient_flow"]

Tensor = torch.Tensor


@dataclass
class GradientFlow:
    """What one backward pass of log p(x|z) reaches, for one way of drawing z.

    Attributes:
        path: "reparameterized" (z = mu + sigma * eps) or "sampled" (Normal(mu, sigma).sample()).
        z: float (latent_dim,), the latent sample used.
        reconstruction: log p(x|z) in nats (the Bernoulli log-likelihood summed over pixels).
        grad_mu, grad_sigma: float (latent_dim,) d log p(x|z) / d mu_j and / d sigma_j, or None
            when autograd finds no path from the output to mu, sigma (torch.autograd.grad with
            allow_unused=True returns None, as mu.grad would stay None after .backward()).
        encoder_grad_norm, decoder_grad_norm: L2 norm of the gradient over all encoder / decoder
            weights, or None when no encoder / decoder weight is in the graph.
        z_requires_grad: whether z is in the autograd graph at all.
        z_grad_fn: name of z's grad_fn (e.g. "AddBackward0"), or None.
        explanation: one sentence saying what happened.
    """

    path: str
    z: Tensor
    reconstruction: float
    grad_mu: Tensor | None
    grad_sigma: Tensor | None
    encoder_grad_norm: float | None
    decoder_grad_norm: float | None
    z_requires_grad: bool
    z_grad_fn: str | None
    explanation: str


class GradientFlowComparison(NamedTuple):
    reparameterized: GradientFlow
    sampled: GradientFlow


def _norm(grads: Sequence[Tensor | None]) -> float | None:
    present = [g for g in grads if g is not None]
    if not present:
        return None
    return float(torch.sqrt(sum((g.double() ** 2).sum() for g in present)))


def _flow(model, x: Tensor, path: str, eps: Tensor, seed: int) -> GradientFlow:
    encoder = [p for p in model.encoder.parameters() if p.requires_grad]
    decoder = [p for p in model.decoder.parameters() if p.requires_grad]
    with torch.enable_grad():
        mu, sigma = model.posterior(x)
        if not mu.requires_grad:  # an encoder with frozen weights: make leaves
            mu, sigma = mu.detach().requires_grad_(True), sigma.detach().requires_grad_(True)
        if path == "reparameterized":
            z = reparameterize(mu, sigma, eps)  # z = mu + sigma * eps
        else:
            # What Normal(mu, sigma).sample() does: torch.normal under no_grad, so z is detached;
            # drawn here from an explicit generator so sessions never share random state.
            with torch.no_grad():
                z = torch.normal(mu, sigma, generator=torch.Generator().manual_seed(seed))
        log_px = -reconstruction_nll(x, model.decode_logits(z))[0]
        inputs = [mu, sigma, *encoder, *decoder]
        if log_px.requires_grad:
            grads = torch.autograd.grad(log_px, inputs, allow_unused=True)
        else:
            grads = [None] * len(inputs)
    grad_mu, grad_sigma = grads[0], grads[1]
    enc = _norm(grads[2 : 2 + len(encoder)])
    dec = _norm(grads[2 + len(encoder) :])
    if path == "reparameterized":
        explanation = (
            "z = mu + sigma * eps is a differentiable function of mu and sigma "
            "(dz/dmu = 1, dz/dsigma = eps), so the gradient of log p(x|z) reaches mu, "
            "sigma and every encoder weight."
        )
    else:
        explanation = (
            "Normal(mu, sigma).sample() runs under torch.no_grad(): z has no grad_fn, "
            "so autograd finds no path from log p(x|z) back to mu or sigma; "
            f"mu.grad is {'None' if grad_mu is None else 'not None'} and "
            f"sigma.grad is {'None' if grad_sigma is None else 'not None'}, and the "
            "encoder receives no gradient (only the decoder does)."
        )
    return GradientFlow(
        path,
        z.detach()[0],
        float(log_px.detach()),
        None if grad_mu is None else grad_mu.detach()[0],
        None if grad_sigma is None else grad_sigma.detach()[0],
        enc,
        dec,
        bool(z.requires_grad),
        None if z.grad_fn is None else type(z.grad_fn).__name__,
        explanation,
    )


def gradient_flow(model, x: Tensor, eps: Tensor, seed: int = 0) -> GradientFlowComparison:
    """Where the gradient of the reconstruction term log p(x|z) goes, for two ways of drawing z.

    1. reparameterized: z = mu(x) + sigma(x) * eps (Kingma & Welling 2014, section 2.4, eq. 10):
       d log p(x|z)/d mu_j = d log p/d z_j and d/d sigma_j = d log p/d z_j * eps_j reach the encoder.
    2. sampled: z = torch.distributions.Normal(mu, sigma).sample() (a non-reparameterized draw,
       made under torch.no_grad(), so detached): no gradient reaches mu, sigma or the encoder;
       only the decoder's weights get one. Training through it would need the score function
       (Mohamed et al. 2020, section 4).

    The model is not modified (torch.autograd.grad, no .grad fields are written).

    Args:
        model: a VAE (kind "vae") with encode_params and decode_logits.
        x: float (1, 1, 28, 28), pixels in [0, 1].
        eps: float (latent_dim,) or (1, latent_dim), the noise of the reparameterized path.
        seed: seeds the torch.Generator of the sampled draw.
    Returns:
        GradientFlowComparison(reparameterized, sampled), each a GradientFlow; the sampled one
        has grad_mu = grad_sigma = None and encoder_grad_norm = None.
    Raises:
        TypeError: an AE (no posterior), x or eps not float tensors.
        ValueError: x not a single image, eps of the wrong shape.
    """
    require_vae(model)
    check_tensor("x (one image)", x, (1, *IMAGE_SHAPE))
    check_tensor("eps", eps)
    if eps.numel() != model.latent_dim or eps.dim() > 2:
        raise ValueError(f"eps must have shape ({model.latent_dim},), got {tuple(eps.shape)}")
    eps = eps.reshape(1, model.latent_dim).to(torch.float32)
    return GradientFlowComparison(_flow(model, x, "reparameterized", eps, seed), _flow(model, x, "sampled", eps, seed))
