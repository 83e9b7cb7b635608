"""Measure a trained checkpoint on a test split and store it for shipping, compactly.

    python -m vae_core.training.ship /tmp/runs/mnist-vae-16d.safetensors --data-dir ../shared/data/mnist \\
        --out models/mnist-vae-16d

1. the single-sample test -ELBO of the float32 weights (vae_core.evaluate, seeded);
2. the same with every weight rounded to float16; if it moves by less than --tolerance nats
   (default 0.05) the file is stored in float16 (half the bytes), else in float32;
3. for a VAE, the importance-weighted bound L_k (Burda et al. 2016, eq. 8; k = 1000 by default)
   on every --iwae-every-th test image; for a 2-D VAE also the exact log p(x) by quadrature
   (vae_core.log_marginal_likelihood) on every --exact-every-th test image, with the ELBO and
   L_k of the same images, so the gaps log p(x) - L_k and log p(x) - ELBO can be quoted;
4. writes --out with the checkpoint's config and training record and these metrics under
   "test", and prints them as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys

import torch

from ..data.datasets import load_idx_split
from ..inference.bounds import iwae_bounds
from ..inference.marginal import log_marginal_likelihood
from ..models.checkpoint import load_model, save_checkpoint
from .evaluate import evaluate_model

__all__ = ["ship", "main"]


def ship(
    path: str,
    data_dir: str,
    out: str,
    tolerance: float = 0.05,
    iwae_k: int = 1000,
    iwae_every: int = 20,
    seed: int = 0,
    exact_every: int = 100,
) -> dict:
    """Measure the checkpoint at path on the test split in data_dir and write it to out.

    Returns the metrics written: {"test": {n, neg_elbo, recon, kl, data, weights_dtype,
    neg_elbo_float32, float16_delta_nats, iwae_k, neg_iwae, iwae_n, neg_elbo_on_iwae_images, and for
    a 2-D VAE exact_n, neg_log_px, neg_elbo_on_exact_images, neg_iwae_on_exact_images}} (nats per
    image; the IWAE keys for a VAE only). Raises FileNotFoundError / ValueError as load_model and
    load_idx_split.
    """
    model = load_model(path)
    test = load_idx_split(data_dir, "test", name=model.dataset)
    full = evaluate_model(model, test.images, seed=seed)
    rounded = load_model(path)
    with torch.no_grad():
        for p in rounded.parameters():
            p.copy_(p.half().float())
    half = evaluate_model(rounded, test.images, seed=seed)
    delta = half["neg_elbo"] - full["neg_elbo"]
    use_half = abs(delta) < tolerance
    chosen = rounded if use_half else model
    metrics = {
        **(half if use_half else full),
        "data": test.source,
        "weights_dtype": "float16" if use_half else "float32",
        "neg_elbo_float32": full["neg_elbo"],
        "float16_delta_nats": delta,
    }
    if chosen.kind == "vae":
        subset = test.images[::iwae_every]
        bounds = iwae_bounds(chosen, subset, iwae_k, torch.Generator().manual_seed(seed))
        elbo_subset = evaluate_model(chosen, subset, seed=seed)["neg_elbo"]
        metrics.update(
            {
                "iwae_k": iwae_k,
                "iwae_n": int(subset.shape[0]),
                "neg_iwae": float(-bounds.mean()),
                "neg_elbo_on_iwae_images": elbo_subset,
            }
        )
        if chosen.latent_dim == 2 and exact_every:
            few = test.images[::exact_every]
            log_px = log_marginal_likelihood(chosen, few)
            few_iwae = iwae_bounds(chosen, few, iwae_k, torch.Generator().manual_seed(seed))
            metrics.update(
                {
                    "exact_n": int(few.shape[0]),
                    "neg_log_px": float(-log_px.mean()),
                    "neg_elbo_on_exact_images": evaluate_model(chosen, few, seed=seed)["neg_elbo"],
                    "neg_iwae_on_exact_images": float(-few_iwae.mean()),
                }
            )
    written = save_checkpoint(
        chosen,
        out,
        training=model.metadata["training"],
        metrics={"test": metrics},
        weights_dtype=metrics["weights_dtype"],
    )
    return {"model": written.name, **metrics}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vae_core.training.ship",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("checkpoint")
    parser.add_argument("--data-dir", required=True, help="folder with the test split's IDX files")
    parser.add_argument("--out", required=True, help="where to write the shipped checkpoint")
    parser.add_argument("--tolerance", type=float, default=0.05, help="largest |float16 - float32| -ELBO, nats")
    parser.add_argument("--iwae-k", type=int, default=1000)
    parser.add_argument("--iwae-every", type=int, default=20, help="L_k on every n-th test image")
    parser.add_argument("--exact-every", type=int, default=100, help="exact log p(x) on every n-th test image (2-D)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        result = ship(
            args.checkpoint,
            args.data_dir,
            args.out,
            args.tolerance,
            args.iwae_k,
            args.iwae_every,
            args.seed,
            args.exact_every,
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
