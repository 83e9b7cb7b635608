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
   "test", and prints them as one JSON object;
5. (re)writes the measures stored beside every model of --out's folder (vae_core.holes.stored:
   the holes measure and the default interpolation endpoints the Explorer shows), so a
   re-shipped model never keeps another's numbers; --no-measures skips this.
"""

from __future__ import annotations

import argparse
import json
import sys

import torch

from ..checks import MAX_K
from ..cli_checks import (
    MAX_EVERY,
    MAX_SEED,
    MAX_TOLERANCE_NATS,
    CliParser,
    bounded_float,
    bounded_int,
    check_output_path,
    check_range,
    input_dir,
    input_file,
    output_file,
)
from ..data.datasets import load_idx_split
from ..holes.stored import write_folder
from ..inference.bounds import iwae_bounds
from ..inference.marginal import log_marginal_likelihood
from ..models.checkpoint import SUFFIX, load_model, save_checkpoint
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
    measures: bool = True,
) -> dict:
    """Measure the checkpoint at path on the test split in data_dir and write it to out.

    Returns the metrics written: {"test": {n, neg_elbo, recon, kl, data, weights_dtype,
    neg_elbo_float32, float16_delta_nats, iwae_k, neg_iwae, iwae_n, neg_elbo_on_iwae_images, and for
    a 2-D VAE exact_n, neg_log_px, neg_elbo_on_exact_images, neg_iwae_on_exact_images}} (nats per
    image; the IWAE keys for a VAE only), plus "measures_written": the measures files rewritten
    beside the folder's models (none with measures=False or without a classifier).

    Raises:
        ValueError: out cannot be written (vae_core.cli_checks.check_output_path: a folder, not a
            regular file, not writable), or iwae_k, iwae_every or exact_every out of [1, MAX_K],
            [1, MAX_EVERY], [0, MAX_EVERY]: checked before anything is loaded or measured.
        FileNotFoundError / ValueError: as load_model and load_idx_split.
    """
    out = check_output_path(out, SUFFIX)
    check_range("iwae_k", iwae_k, 1, MAX_K)
    check_range("iwae_every", iwae_every, 1, MAX_EVERY)
    check_range("exact_every", exact_every, 0, MAX_EVERY)
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
    stored = [p.name for p in write_folder(written.parent)] if measures else []
    return {"model": written.name, **metrics, "measures_written": stored}


def main(argv: list[str] | None = None) -> int:
    """The CLI: check the checkpoint, the data folder, --out and the sizes (vae_core.cli_checks),
    then measure and write. Returns 0, or 2 after one ``error:`` line on stderr."""
    parser = CliParser(
        prog="python -m vae_core.training.ship",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("checkpoint", type=input_file("model file"))
    parser.add_argument(
        "--data-dir", required=True, type=input_dir("data folder"), help="folder with the test split's IDX files"
    )
    parser.add_argument(
        "--out",
        required=True,
        type=output_file(SUFFIX),
        help="where to write the shipped checkpoint (.safetensors is appended)",
    )
    parser.add_argument(
        "--tolerance",
        type=bounded_float(0.0, MAX_TOLERANCE_NATS),
        default=0.05,
        help=f"largest |float16 - float32| -ELBO, nats, 0 to {MAX_TOLERANCE_NATS:g}",
    )
    parser.add_argument("--iwae-k", type=bounded_int(1, MAX_K), default=1000, help=f"1 to {MAX_K:,} (default 1000)")
    parser.add_argument(
        "--iwae-every",
        type=bounded_int(1, MAX_EVERY),
        default=20,
        help=f"L_k on every n-th test image, 1 to {MAX_EVERY:,}",
    )
    parser.add_argument(
        "--exact-every",
        type=bounded_int(0, MAX_EVERY),
        default=100,
        help=f"exact log p(x) on every n-th test image (2-D), 0 (none) to {MAX_EVERY:,}",
    )
    parser.add_argument("--seed", type=bounded_int(0, MAX_SEED), default=0, help="0 <= seed < 2**63")
    parser.add_argument(
        "--no-measures", action="store_true", help="do not rewrite the measures stored beside the folder's models"
    )
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
            not args.no_measures,
        )
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
