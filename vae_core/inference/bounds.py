"""Bounds on log p(x) for one input under a VAE: the ELBO and the importance-weighted bound, in nats.

    ELBO(x) = E_q(z|x)[log p(x|z)] - KL(q(z|x) || p(z))        (Kingma & Welling 2014, eq. 3)

with the reconstruction term estimated from M samples z_m = mu + sigma * eps_m (with its
standard error) and the KL in closed form (Kingma & Welling 2014, appendix B). The
importance-weighted bound (Burda, Grosse & Salakhutdinov 2016, "Importance Weighted
Autoencoders", eq. 8)

    L_k(x) = E_{z_1..z_k ~ q(z|x)} [ log (1/k) sum_i p(x, z_i) / q(z_i|x) ],
    log w_i = log p(x|z_i) + log N(z_i; 0, I) - log q(z_i|x),

satisfies ELBO = E[L_1] <= E[L_k] <= E[L_{k+1}] <= log p(x) (their theorem 1) and tends to
log p(x) as k grows. It is computed with logsumexp over the k log-weights, in batches, for k up
to 5000. L_k for many k from one set of draws is in vae_core.inference.iwae_curve.
p(x|z) is the Bernoulli decoder of vae_core.maths.losses; the Gaussian log-densities come from
torch.distributions.Normal.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch
from torch.distributions import Normal

from ..checks import MAX_DECODED_SAMPLES, MAX_K, check_count, check_sigma, check_tensor
from ..constants import IMAGE_SHAPE
from ..maths.losses import kl_to_standard_normal
from ..maths.reparam import reparameterize
from ..models.networks import require_vae
from .likelihood import log_likelihood

__all__ = [
    "MAX_K",
    "MAX_NUM_SAMPLES",
    "require_vae",
    "LogWeights",
    "log_weights",
    "ElboTerms",
    "elbo_terms",
    "elbo_from_weights",
    "closed_form_kl",
    "IwaeEstimate",
    "iwae_bound",
    "iwae_bounds",
]

Tensor = torch.Tensor
MAX_NUM_SAMPLES = MAX_DECODED_SAMPLES
"""Largest number of latent samples decoded in one call (M for the ELBO, k * repeats for IWAE)."""


def _check_input(model, x) -> Tensor:
    require_vae(model)
    return check_tensor("x (one image with pixels in [0, 1])", x, (1, *IMAGE_SHAPE))


def _posterior(model, x: Tensor, posterior: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
    """(mu, sigma) of q(z|x), each float (1, latent_dim), without gradients: the encoder's, or
    the given pair (a q set by hand, e.g. moved towards the true posterior in the app)."""
    if posterior is not None:
        mu, sigma = posterior
        mu = check_tensor("posterior mu", mu, (1, model.latent_dim))
        sigma = check_sigma(check_tensor("posterior sigma", sigma, (1, model.latent_dim)), "posterior sigma")
        if bool((sigma <= 0).any()):
            raise ValueError("posterior sigma must be > 0: a point mass has no density q(z|x)")
        return mu.detach(), sigma.detach()
    with torch.no_grad():
        return model.posterior(x)


class LogWeights(NamedTuple):
    """Per-sample log-densities (float64 (S,), nats) at z_s = mu + sigma * eps_s."""

    log_px_given_z: Tensor  # log p(x|z), Bernoulli decoder
    log_prior: Tensor  # log N(z; 0, I)
    log_posterior: Tensor  # log q(z|x) = log N(z; mu, diag(sigma^2))

    @property
    def log_w(self) -> Tensor:
        """log w = log p(x|z) + log p(z) - log q(z|x) (Burda et al. 2016, eq. 8)."""
        return self.log_px_given_z + self.log_prior - self.log_posterior


def log_weights(model, x: Tensor, eps: Tensor, posterior: tuple[Tensor, Tensor] | None = None) -> LogWeights:
    """The three log-densities of the importance weights at z = mu(x) + sigma(x) * eps.

    Args:
        model: a VAE. x: float (1, 1, 28, 28) in [0, 1]. eps: float (S, latent_dim), S <= 200,000.
        posterior: optional (mu, sigma), each float (1, latent_dim), sigma > 0: the q(z|x) to use
            instead of the encoder's (every bound below holds for any q).
    Returns:
        LogWeights of float64 (S,) tensors in nats (log p(x|z) from vae_core.inference.likelihood:
        batches of 4096 decoded on every core, no gradients).
    Raises:
        TypeError: an AE (no posterior), x or eps not a float tensor.
        ValueError: x not one image, or eps of the wrong shape or with too many rows.
    """
    x = _check_input(model, x)
    eps = check_tensor("eps", eps, (None, model.latent_dim))
    check_count("the number of samples", eps.shape[0], 1, MAX_NUM_SAMPLES)
    mu, sigma = _posterior(model, x, posterior)
    eps = eps.to(mu.dtype)
    z = reparameterize(mu.expand_as(eps), sigma.expand_as(eps), eps)  # z = mu + sigma * eps
    log_px = log_likelihood(model, x, z)  # decoded in batches on every core, no gradients
    z64 = z.double()
    log_prior = Normal(0.0, 1.0).log_prob(z64).sum(dim=1)
    log_posterior = Normal(mu.double(), sigma.double()).log_prob(z64).sum(dim=1)
    return LogWeights(log_px, log_prior, log_posterior)


class ElboTerms(NamedTuple):
    """The ELBO of one input from M samples, in nats (floats)."""

    reconstruction: float  # (1/M) sum_m log p(x|z_m), estimates E_q[log p(x|z)]
    reconstruction_se: float  # its standard error, std / sqrt(M) (NaN for M = 1)
    kl: float  # KL(q(z|x) || N(0, I)), closed form
    elbo: float  # reconstruction - kl
    elbo_se: float  # = reconstruction_se (the KL is exact)
    kl_monte_carlo: float  # (1/M) sum_m [log q(z_m|x) - log p(z_m)], same samples
    elbo_monte_carlo: float  # (1/M) sum_m log w_m: the estimate L_1 averages
    num_samples: int
    kl_monte_carlo_se: float = math.nan  # std of log q(z|x) - log p(z) over sqrt(M) (NaN for M = 1)


def elbo_terms(
    model,
    x: Tensor,
    num_samples: int | None = None,
    generator: torch.Generator | None = None,
    eps: Tensor | None = None,
    posterior: tuple[Tensor, Tensor] | None = None,
) -> ElboTerms:
    """Reconstruction, KL and ELBO of one input x under a VAE (Kingma & Welling 2014, eq. 3, app. B).

    reconstruction = (1/M) sum_m log p(x | z_m), z_m = mu + sigma * eps_m, eps_m ~ N(0, I),
    kl = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2), elbo = reconstruction - kl.

    Args:
        model: a VAE (kind "vae"). x: float (1, 1, 28, 28) in [0, 1].
        num_samples: M in [1, 200,000]; may be omitted when eps is given.
        generator: optional torch.Generator for eps.
        eps: optional float (M, latent_dim) noise to use instead of drawing it.
        posterior: optional (mu, sigma) of a q(z|x) to use instead of the encoder's (log_weights).
    Returns:
        ElboTerms, all in nats. elbo_monte_carlo (the KL estimated from the same samples)
        equals iwae_bound(k=1) on the same eps.
    Raises:
        TypeError: an AE (no posterior), x or eps not a float tensor, M not an integer.
        ValueError: x not one image, M outside [1, 200,000], eps of the wrong shape or
        not matching num_samples.
    """
    _check_input(model, x)
    if eps is None:
        if num_samples is None:
            raise ValueError("give num_samples (M) or eps")
        m = check_count("num_samples (M)", num_samples, 1, MAX_NUM_SAMPLES)
        eps = torch.randn(m, model.latent_dim, generator=generator)
    elif num_samples is not None and (not isinstance(eps, Tensor) or eps.shape[0] != num_samples):
        raise ValueError(f"eps has {getattr(eps, 'shape', ('?',))[0]} rows but num_samples is {num_samples}")
    return elbo_from_weights(log_weights(model, x, eps, posterior), closed_form_kl(model, x, posterior))


def closed_form_kl(model, x: Tensor, posterior: tuple[Tensor, Tensor] | None = None) -> float:
    """KL(q(z|x) || N(0, I)) in nats, closed form (Kingma & Welling 2014, appendix B), for the
    encoder's q or the given (mu, sigma). Raises as log_weights."""
    mu, sigma = _posterior(model, _check_input(model, x), posterior)
    return float(kl_to_standard_normal(mu.double(), sigma.double())[0])


def elbo_from_weights(w: LogWeights, kl: float) -> ElboTerms:
    """ElboTerms from M draws' LogWeights (float64 (M,)) and the closed-form KL (nats): the
    reconstruction term, its standard error, and the ELBO with the KL both closed-form and
    estimated from the same draws (whose mean log w is L_1's). No decoding."""
    m = len(w.log_w)
    recon = float(w.log_px_given_z.mean())
    se = float(w.log_px_given_z.std() / math.sqrt(m)) if m > 1 else math.nan
    kl_terms = w.log_posterior - w.log_prior
    kl_se = float(kl_terms.std() / math.sqrt(m)) if m > 1 else math.nan
    return ElboTerms(recon, se, kl, recon - kl, se, float(kl_terms.mean()), float(w.log_w.mean()), m, kl_se)


class IwaeEstimate(NamedTuple):
    """R independent estimates of L_k for one input, in nats."""

    k: int
    values: np.ndarray  # float (R,): log (1/k) sum_i w_i for each repeat
    mean: float  # their mean, the estimate of L_k
    se: float  # std / sqrt(R) (NaN for R = 1)


def iwae_bound(
    model,
    x: Tensor,
    k: int,
    num_repeats: int = 1,
    generator: torch.Generator | None = None,
    eps: Tensor | None = None,
    posterior: tuple[Tensor, Tensor] | None = None,
) -> IwaeEstimate:
    """The importance-weighted bound L_k (Burda, Grosse & Salakhutdinov 2016, eq. 8), in nats.

    For each repeat r: z_ri = mu + sigma * eps_ri (i = 1..k),
    L_k^(r) = logsumexp_i(log w_ri) - log k, log w = log p(x|z) + log N(z; 0, I) - log q(z|x).

    Args:
        model: a VAE. x: float (1, 1, 28, 28). k: integer in [1, 5000].
        num_repeats: R >= 1 independent estimates, with R * k <= 200,000.
        generator: optional torch.Generator. eps: optional float (R, k, latent_dim) noise.
        posterior: optional (mu, sigma) of a q(z|x) to use instead of the encoder's (log_weights).
    Returns:
        IwaeEstimate(k, values (R,), mean, se). L_1 on eps equals elbo_terms(...,
        eps=eps.reshape(R, latent_dim)).elbo_monte_carlo.
    Raises:
        TypeError: an AE, k or R not integers, x or eps not float tensors.
        ValueError: k outside [1, 5000], R < 1, R * k > 200,000, eps of the wrong shape.
    """
    _check_input(model, x)
    k = check_count("k", k, 1, MAX_K)
    r = check_count("num_repeats", num_repeats, 1, MAX_NUM_SAMPLES)
    if r * k > MAX_NUM_SAMPLES:
        raise ValueError(f"num_repeats * k = {r * k:,} is more than {MAX_NUM_SAMPLES:,} samples")
    if eps is None:
        eps = torch.randn(r, k, model.latent_dim, generator=generator)
    check_tensor("eps", eps, (r, k, model.latent_dim))
    log_w = log_weights(model, x, eps.reshape(r * k, model.latent_dim), posterior).log_w.reshape(r, k)
    values = (torch.logsumexp(log_w, dim=1) - math.log(k)).numpy()
    se = float(values.std(ddof=1) / math.sqrt(r)) if r > 1 else float("nan")
    return IwaeEstimate(k, values, float(values.mean()), se)


def iwae_bounds(model, images: Tensor, k: int, generator: torch.Generator | None = None) -> Tensor:
    """L_k for each of N images (Burda et al. 2016, eq. 8), one estimate each, in nats.

    Args:
        model: a VAE. images: float (N, 1, 28, 28) in [0, 1]. k: integer in [1, 5000].
        generator: the source of eps (N * k draws, image by image).
    Returns:
        float64 (N,): log (1/k) sum_i w_i per image; its mean over a test set is the IWAE bound
        quoted in the model card.
    Raises:
        TypeError: an AE. ValueError: images not (N, 1, 28, 28), k outside [1, 5000].
    """
    require_vae(model)
    check_tensor("images", images, (None, *IMAGE_SHAPE))
    k = check_count("k", k, 1, MAX_K)
    values = torch.empty(images.shape[0], dtype=torch.float64)
    for n in range(images.shape[0]):
        eps = torch.randn(k, model.latent_dim, generator=generator)
        log_w = log_weights(model, images[n : n + 1], eps).log_w
        values[n] = torch.logsumexp(log_w, dim=0) - math.log(k)
    return values
