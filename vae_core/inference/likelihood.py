"""log p(x|z) of one image under a VAE's Bernoulli decoder, for many latent codes z at once.

The bounds (L_k from 40,000 draws), the exact log p(x) by quadrature and the true posterior's
heat-map all ask the same question of thousands of codes: how likely is this one image x under
the decoder at z? For a Bernoulli decoder with logits l = W h(z) + b (h: the decoder's layers
before its last Linear; Kingma & Welling 2014, appendix C.1)

    log p(x|z) = sum_i [ x_i l_i - log(1 + exp(l_i)) ]
               = h(z) . (W^T x) + b . x - sum_i softplus(l_i).

The first term is linear in the logits, so it is one dot product per code with the fixed vector
W^T x instead of 784 products; only the log-partition sum_i softplus(l_i) needs every logit.
It equals -vae_core.maths.losses.reconstruction_nll(x, decode_logits(z)) (binary cross-entropy
with logits) to float32 rounding (the tests check both against torch.distributions.Bernoulli).
The codes are decoded in batches on up to WORKERS threads (torch releases the GIL inside its
kernels; the app runs torch with one intra-op thread, so a page's many decodes would otherwise
use one core of the machine).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import MAX_DECODED_SAMPLES, check_count, check_tensor
from ..constants import IMAGE_SHAPE, NUM_PIXELS

__all__ = ["log_likelihood", "WORKERS", "CHUNK"]

Tensor = torch.Tensor
CHUNK = 4096
"""Codes decoded per batch (4096 x 784 logits: 13 MB of float32)."""
WORKERS = max(1, min(4, os.cpu_count() or 1))
"""Threads one call decodes its batches on: the machine's cores, at most 4. One pool per call,
so a session never queues behind another's."""


@torch.no_grad()
def log_likelihood(model, x: Tensor, z: Tensor) -> Tensor:
    """log p(x|z) of one image x at each code z under the model's Bernoulli decoder (module docstring).

    Args:
        model: a VAE or AE whose decoder is an nn.Sequential ending in a Linear layer (every
            model of vae_core.models). x: float (1, 1, 28, 28), pixels in [0, 1].
        z: float (S, latent_dim), 1 <= S <= 200,000, finite.
    Returns:
        float64 (S,), nats: log p(x|z_s), computed in float32 (the decoder's dtype) and summed
        over the 784 pixels.
    Raises:
        TypeError: x or z not a floating-point tensor.
        ValueError: x not one image, z of the wrong shape, too many rows or not finite, or z so
            large that the decoder overflows (a logit, or the sum over the pixels, not finite).
    """
    x = check_tensor("x (one image with pixels in [0, 1])", x, (1, *IMAGE_SHAPE))
    z = check_tensor("z", z, (None, model.latent_dim))
    check_count("the number of codes", z.shape[0], 1, MAX_DECODED_SAMPLES)
    decoder = model.decoder
    last = decoder[-1]
    if not isinstance(decoder, nn.Sequential) or not isinstance(last, nn.Linear):
        raise TypeError("the decoder must be an nn.Sequential ending in nn.Linear (its outputs are the logits)")
    body = decoder[:-1]
    weight, bias = last.weight, last.bias if last.bias is not None else torch.zeros(NUM_PIXELS)
    # W^T x (hidden,) and b . x, in float64 and with torch's own reductions rather than BLAS's
    # matrix-vector products, whose sums split differently in threads that hold a different BLAS
    # thread count (the same bits in every session's thread: st.cache_data shares the results).
    pixels = x.reshape(NUM_PIXELS).double()
    w_x = (weight.double() * pixels[:, None]).sum(dim=0).to(weight.dtype)
    b_x = (bias.double() * pixels).sum().to(weight.dtype)

    def batch(codes: Tensor) -> Tensor:
        with torch.no_grad():  # grad mode is per thread: the pool's threads must turn it off too
            h = body(codes.to(weight.dtype))
            logits = torch.addmm(bias, h, weight.t())
            finite = bool(torch.isfinite(logits.amin()) and torch.isfinite(logits.amax()))
            out = (h * w_x).sum(dim=1) + b_x - F.softplus(logits).sum(dim=1)
        # finite logits can still sum past float32 (|z| ~ 1e36): inf - inf
        if not (finite and bool(torch.isfinite(out).all())):
            raise ValueError(
                f"z is too large to decode (max |z| = {float(codes.abs().max()):.3g}): "
                "the decoder's output overflowed to NaN or infinity"
            )
        return out.double()

    batches = z.split(CHUNK)
    if len(batches) == 1 or WORKERS == 1:
        return torch.cat([batch(codes) for codes in batches])
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(batches)), thread_name_prefix="log-likelihood") as pool:
        return torch.cat(list(pool.map(batch, batches)))
