"""The Maths lab's view 1 for a few inputs and seeds, as the page computes it: `python scripts/check_bounds.py`.

For each gallery row and seed: log p(x) by quadrature and its error, L_k for k = 1 ... 5000 from
the page's N draws (each with its standard error), the ELBO of the same draws, what
vae_core.inference.iwae_curve.check_bounds finds at 2 SE, and the four sentences the page shows
(ui.pages.maths_lab.bound_text). --json prints one JSON object; otherwise a readable report.
Ends with how many (input, seed) runs had an L_k more than 2 or 3 SE above log p(x) or a fall
between consecutive k of more than 2 SE.

    python scripts/check_bounds.py --model models/mnist-vae-2d.safetensors --rows 1000 4500 0 --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import json
import logging
import time

import torch

import vae_core
from vae_core.data.galleries import load_gallery
from vae_core.inference.iwae_curve import check_bounds, iwae_curve
from vae_core.inference.marginal import quadrature

logging.getLogger("streamlit").setLevel(logging.ERROR)  # the page's caches warn without a server
from ui.pages.maths_lab import IWAE_DRAWS, K_OPTIONS, bound_text  # noqa: E402  (after the line above)


def run(path: str, rows: list[int], seeds: list[int]) -> dict:
    """The report for one model (module docstring), as a JSON-ready dict."""
    torch.set_num_threads(1)
    model = vae_core.load_model(path)
    images = load_gallery(model.dataset).images
    out: dict = {"model": path, "draws": IWAE_DRAWS, "runs": []}
    for row in rows:
        x = images[row : row + 1]
        t0 = time.perf_counter()
        q = quadrature(model, x) if model.latent_dim == 2 else None
        quad_s = time.perf_counter() - t0
        for seed in seeds:
            eps = torch.randn(IWAE_DRAWS, model.latent_dim, generator=torch.Generator().manual_seed(seed))
            t0 = time.perf_counter()
            curve = iwae_curve(model, x, K_OPTIONS, eps=eps)
            curve_s = time.perf_counter() - t0
            log_px, error = (q.log_px, q.error) if q is not None else (None, 0.0)
            checks = check_bounds(curve, log_px, error, bound_text.Z)
            excess_3 = check_bounds(curve, log_px, error, 3.0).above
            out["runs"].append(
                {
                    "row": row,
                    "seed": seed,
                    "log_px": log_px,
                    "log_px_error": error,
                    "quadrature_s": round(quad_s, 3),
                    "curve_s": round(curve_s, 3),
                    "elbo": curve.elbo.elbo,
                    "elbo_se": curve.elbo.elbo_se,
                    "l_k": {int(k): [float(m), float(s)] for k, m, s in zip(*curve[:3], strict=True)},
                    "above_2se": checks.above,
                    "above_3se": excess_3,
                    "drops_2se": checks.drops,
                    "largest_excess_se": checks.largest_excess_se,
                    "sentences": [
                        bound_text.chosen_k(curve, 100),
                        bound_text.l1_and_elbo(curve, checks),
                        bound_text.rise(curve, checks),
                        bound_text.exact(curve, checks, log_px, error),
                    ],
                }
            )
    runs = out["runs"]
    out["summary"] = {
        "runs": len(runs),
        "with_an_l_k_above_2se": sum(bool(r["above_2se"]) for r in runs),
        "with_an_l_k_above_3se": sum(bool(r["above_3se"]) for r in runs),
        "with_a_fall_over_2se": sum(bool(r["drops_2se"]) for r in runs),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/mnist-vae-2d.safetensors")
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 4500, 0, 2200, 4321, 123, 3333])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args.model, args.rows, args.seeds)
    if args.json:
        print(json.dumps(report, indent=1))
        return
    for r in report["runs"]:
        print(f"#{r['row']} seed {r['seed']} (quadrature {r['quadrature_s']} s, curve {r['curve_s']} s)")
        for sentence in r["sentences"]:
            print("   ", sentence.replace("**", ""))
    print(json.dumps(report["summary"]))


if __name__ == "__main__":
    main()
