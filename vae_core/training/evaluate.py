"""Evaluate a checkpoint: the average -ELBO, reconstruction and KL on an IDX split, in nats/image.

    python -m vae_core.evaluate models/mnist-vae-2d.safetensors --data-dir ../shared/data/mnist --json

prints one JSON object {"model", "n", "neg_elbo", "recon", "kl"}. The reconstruction term of the
VAE is a Monte Carlo estimate with one z per image (or --samples S of them) from a seeded
generator, so the figure is reproducible; for the AE z = mu, kl = 0 and neg_elbo = recon.
"""

from __future__ import annotations

import argparse
import json
import sys

import torch

from ..checks import MAX_DECODED_SAMPLES, check_count
from ..cli_checks import MAX_SAMPLES_PER_IMAGE, MAX_SEED, CliParser, bounded_int, input_dir, input_file
from ..data.datasets import Dataset, load_idx_split
from ..maths.losses import model_negative_elbo
from ..models.checkpoint import load_model
from ..models.networks import LatentVariableModel

__all__ = ["evaluate_model", "main"]


@torch.no_grad()
def evaluate_model(
    model: LatentVariableModel, images: torch.Tensor, batch_size: int = 1000, samples: int = 1, seed: int = 0
) -> dict:
    """Average -ELBO terms over images, in nats per image.

    Args:
        model: a VAE or AE. images: float (N, 1, 28, 28) in [0, 1].
        samples: draws of eps ~ N(0, I) per image (a generator seeded by seed) over which the
            reconstruction term is averaged; the KL is exact. Ignored for the AE (z = mu).
    Returns:
        {"n", "neg_elbo", "recon", "kl"}: n an int, the others floats in nats per image.
    Raises:
        ValueError: samples < 1, or images of the wrong shape.
    """
    check_count("samples", samples, 1, MAX_DECODED_SAMPLES)
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    total_recon = total_kl = 0.0
    draws = samples if model.kind == "vae" else 1
    for start in range(0, images.shape[0], batch_size):
        x = images[start : start + batch_size]
        for _ in range(draws):
            eps = torch.randn(x.shape[0], model.latent_dim, generator=generator)
            terms = model_negative_elbo(model, x, eps)
            total_recon += float(terms.reconstruction.sum()) / draws
            total_kl += float(terms.kl.sum()) / draws
    n = int(images.shape[0])
    return {"n": n, "neg_elbo": (total_recon + total_kl) / n, "recon": total_recon / n, "kl": total_kl / n}


def main(argv: list[str] | None = None) -> int:
    """The CLI: check the checkpoint, the data folder and the sizes (vae_core.cli_checks), then
    evaluate. Returns 0, or 2 after one ``error:`` line on stderr."""
    parser = CliParser(
        prog="python -m vae_core.evaluate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("checkpoint", type=input_file("model file"), help="a .safetensors checkpoint")
    parser.add_argument(
        "--data-dir", required=True, type=input_dir("data folder"), help="directory with t10k-*-idx*-ubyte(.gz)"
    )
    parser.add_argument("--split", default="test", choices=["test", "train"])
    parser.add_argument(
        "--samples",
        type=bounded_int(1, MAX_SAMPLES_PER_IMAGE),
        default=1,
        help=f"z samples per image, 1 to {MAX_SAMPLES_PER_IMAGE:,} (default 1)",
    )
    parser.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=0, help="0 <= seed < 2**63 (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        model = load_model(args.checkpoint)
        data: Dataset = load_idx_split(args.data_dir, args.split, name=model.dataset)
        result = {"model": model.name, **evaluate_model(model, data.images, samples=args.samples, seed=args.seed)}
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['model']}: n={result['n']}  -ELBO={result['neg_elbo']:.2f}  "
            f"recon={result['recon']:.2f}  KL={result['kl']:.2f}  (nats/image)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
