"""How the encoder gets its gradient from the reconstruction term: four surrogate losses.

The reconstruction term E_q(z|x)[-log p(x|z)] depends on the encoder's weights phi only through
the distribution q_phi(z|x) = N(mu, diag sigma^2) the expectation is taken over. Each estimator
below is a surrogate loss whose *value* is the -ELBO_β of one z per image (the number reported)
and whose *gradient* is one Monte Carlo estimate of the true gradient (Mohamed, Rosca, Figurnov
& Mnih 2020, "Monte Carlo Gradient Estimation in Machine Learning", JMLR 21(132)):

- "pathwise": z = mu + sigma * eps, eps ~ N(0, I); the gradient flows through z (the
  reparameterization trick, Kingma & Welling 2014, eq. 10; Mohamed et al. section 5).
  This is vae_core.maths.losses.model_negative_elbo unchanged.
- "score_function": z drawn without a graph (as Normal(mu, sigma).sample() does), and
      surrogate = -ELBO_β + f(z) * (log q(z|x) - stop_grad(log q(z|x))),   f = reconstruction NLL
  whose gradient adds f(z) * grad_phi log q(z|x): REINFORCE (Williams 1992, eq. 11 with
  b = 0; Mohamed et al. section 4). The value is unchanged (the added term is 0).
- "score_function_baseline": the same with f(z) - b, b the mean reconstruction NLL of the
  *other* images of the batch (a leave-one-out baseline: it does not depend on z_i, so the
  estimator stays unbiased; Williams 1992, "reinforcement comparison"; Mnih & Gregor 2014,
  section 3.3, "centering"; Kool, van Hoof & Welling 2019, leave-one-out).
- "blocked": z drawn without a graph and nothing added: the reconstruction term sends no
  gradient to the encoder at all; only the KL (analytic, Kingma & Welling 2014, appendix B)
  trains it. What happens when one writes z = Normal(mu, sigma).sample() in a VAE.

In every case the decoder gets its ordinary gradient of -log p(x|z) at the drawn z, and the KL
its analytic (pathwise) gradient. The draw is z = mu + sigma * eps from the caller's eps (from a
seeded torch.Generator) rather than Normal.sample(), which would use the global RNG; under
no_grad the two are the same distribution and the same (absent) graph.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from ..maths.losses import LossTerms, model_negative_elbo, negative_elbo
from ..maths.reparam import reparameterize

__all__ = [
    "ENCODER_GRADIENTS",
    "ESTIMATOR_TITLES",
    "check_estimator",
    "estimator_loss",
    "posterior_loss",
    "encoder_output_gradients",
    "encoder_gradient_variance",
]

ENCODER_GRADIENTS = ("pathwise", "score_function", "score_function_baseline", "blocked")
"""The ways the encoder can get its reconstruction gradient, in display order."""
ESTIMATOR_TITLES = {
    "pathwise": "pathwise (z = μ + σ ⊙ ε)",
    "score_function": "score function (REINFORCE)",
    "score_function_baseline": "score function + baseline",
    "blocked": "blocked (z = Normal(μ, σ).sample())",
}

Tensor = torch.Tensor


def check_estimator(estimator: str, kind: str = "vae") -> str:
    """estimator, checked. Raises ValueError: unknown, or not "pathwise" for an AE (no q(z|x))."""
    if estimator not in ENCODER_GRADIENTS:
        raise ValueError(f"estimator must be one of {ENCODER_GRADIENTS}, got {estimator!r}")
    if kind == "ae" and estimator != "pathwise":
        raise ValueError(
            f"an AE has no distribution q(z|x) to sample: only 'pathwise' (z = mu) applies, got {estimator!r}"
        )
    return estimator


def _leave_one_out_mean(f: Tensor) -> Tensor:
    """b_i = mean of f over the other entries, float (N,); 0 when N = 1 (no other image)."""
    n = f.shape[0]
    if n < 2:
        return torch.zeros_like(f)
    return (f.sum() - f) / (n - 1)


def posterior_loss(
    decode_logits: Callable[[Tensor], Tensor],
    x: Tensor,
    mu: Tensor,
    sigma: Tensor,
    eps: Tensor,
    beta: float,
    estimator: str,
) -> tuple[Tensor, LossTerms]:
    """The surrogate loss of one estimator, given the posterior's mu and sigma.

    Args:
        decode_logits: z float (N, latent_dim) -> logits float (N, 1, 28, 28) (the decoder).
        x: float (N, 1, 28, 28) in [0, 1]. mu, sigma, eps: float (N, latent_dim).
        beta: KL weight >= 0. estimator: one of ENCODER_GRADIENTS.
    Returns:
        (surrogate float (N,), LossTerms of float (N,) in nats): surrogate equals
        terms.neg_elbo in value; its gradient is the estimator's (see the module docstring).
    Raises:
        ValueError: unknown estimator; as negative_elbo.
    """
    check_estimator(estimator)
    if estimator == "pathwise":
        z = reparameterize(mu, sigma, eps)
        terms = negative_elbo(x, decode_logits(z), mu, sigma, beta)
        return terms.neg_elbo, terms
    with torch.no_grad():  # the draw Normal(mu, sigma).sample() makes: no path back to mu, sigma
        z = reparameterize(mu, sigma, eps)
    terms = negative_elbo(x, decode_logits(z), mu, sigma, beta)
    if estimator == "blocked":
        return terms.neg_elbo, terms
    f = terms.reconstruction.detach()
    if estimator == "score_function_baseline":
        f = f - _leave_one_out_mean(f)
    log_q = torch.distributions.Normal(mu, sigma).log_prob(z).sum(dim=1)
    return terms.neg_elbo + f * (log_q - log_q.detach()), terms


def estimator_loss(
    model, x: Tensor, eps: Tensor, beta: float = 1.0, estimator: str = "pathwise"
) -> tuple[Tensor, LossTerms]:
    """Encode x and return (surrogate float (N,), LossTerms float (N,), nats) for one estimator.

    "pathwise" is exactly model_negative_elbo (an AE: z = mu, KL = 0). Raises ValueError for
    an unknown estimator, or a non-pathwise one on an AE; as model_negative_elbo.
    """
    check_estimator(estimator, model.kind)
    if estimator == "pathwise":
        terms = model_negative_elbo(model, x, eps, beta=beta)
        return terms.neg_elbo, terms
    mu, sigma = model.posterior(x)
    return posterior_loss(model.decode_logits, x, mu, sigma, eps, beta, estimator)


def encoder_output_gradients(model, x: Tensor, eps: Tensor, estimator: str) -> Tensor:
    """Single-sample estimates of d E_q[-log p(x|z)] / d(mu, sigma), S per image, for one estimator.

    For each of the K images of x and each of S draws eps[k, s], the estimator's gradient of the
    reconstruction term (beta = 0) with respect to the encoder's outputs mu_k and sigma_k (the
    weights' gradient is these times the encoder's Jacobian). Each draw has its own copy of mu
    and sigma in the graph (as vae_core.maths.estimators.pathwise_grad), so one backward pass
    gives all K * S estimates. The baseline variant's leave-one-out baseline is taken over the
    K * S draws. The model's weights' .grad is untouched.

    Args:
        model: a VAE. x: float (K, 1, 28, 28) in [0, 1]. eps: float (K, S, latent_dim).
        estimator: one of ENCODER_GRADIENTS ("blocked" gives exactly 0).
    Returns:
        float (K, S, 2 * latent_dim): columns d/dmu_1..d, then d/dsigma_1..d (nats per unit).
    Raises:
        ValueError: an AE, eps of the wrong shape, or an unknown estimator.
    """
    check_estimator(estimator, model.kind)
    if model.kind != "vae":
        raise ValueError("the encoder's gradient estimate needs a VAE (an AE draws no z)")
    k = x.shape[0]
    if eps.ndim != 3 or eps.shape[0] != k or eps.shape[2] != model.latent_dim:
        raise ValueError(f"eps must be (K={k}, S, latent_dim={model.latent_dim}), got {tuple(eps.shape)}")
    s = eps.shape[1]
    with torch.no_grad():
        mu, sigma = model.posterior(x)
    mu_i = mu[:, None].expand(k, s, -1).reshape(k * s, -1).clone().requires_grad_(True)
    sigma_i = sigma[:, None].expand(k, s, -1).reshape(k * s, -1).clone().requires_grad_(True)
    x_i = x[:, None].expand(k, s, *x.shape[1:]).reshape(k * s, *x.shape[1:])
    surrogate, _ = posterior_loss(model.decode_logits, x_i, mu_i, sigma_i, eps.reshape(k * s, -1), 0.0, estimator)
    grads = torch.autograd.grad(surrogate.sum(), (mu_i, sigma_i), allow_unused=True)
    per_draw = torch.cat([torch.zeros_like(mu_i) if g is None else g for g in grads], dim=1)
    return per_draw.reshape(k, s, -1)


def encoder_gradient_variance(model, x: Tensor, eps: Tensor, estimator: str) -> float:
    """The variance over draws of encoder_output_gradients, averaged over images and columns.

    The noise one estimator feeds the encoder: what the Train page plots per step on a log axis
    (Mohamed et al. 2020, section 3.2, compare estimators by their variance). Args as
    encoder_output_gradients, with S >= 2. Returns a float >= 0 in (nats per unit)^2; exactly 0
    for "blocked". Raises ValueError as encoder_output_gradients, or S < 2.
    """
    if eps.ndim == 3 and eps.shape[1] < 2:
        raise ValueError(f"the variance needs S >= 2 draws per image, got eps {tuple(eps.shape)}")
    per_draw = encoder_output_gradients(model, x, eps, estimator)
    return float(per_draw.var(dim=1, unbiased=True).mean())
