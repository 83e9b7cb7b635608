"""``python -m vae_core.holes [--json] [--n 1000] [--pairs 200] [--seed 0]``: how many random
codes of each shipped model decode to something the classifier recognises, which classes they
reach, and how often a straight path between two random gallery images crosses a hole.

With --json, prints {"<model name>": {"recognisable": <fraction>, "class_entropy_bits":
<float>, "classes_reached": <int>, "n": 1000, "path_hole_frames": <fraction>,
"paths_with_a_hole": <fraction>, "pairs": 200}, ...}; otherwise a table with the predicted
classes' histogram and where the codes were drawn from (see vae_core.holes.measure, .paths).
"""

from __future__ import annotations

import argparse
import json
import sys

import torch

from ..checks import MAX_DECODED_SAMPLES
from ..cli_checks import MAX_SEED, CliParser, bounded_int
from .measure import N_CODES, max_entropy_bits
from .paths import N_PAIRS
from .report import report_all


def main(argv: list[str] | None = None) -> int:
    """The CLI: check --n and --seed (vae_core.cli_checks) before any model is loaded, then measure.
    Returns 0, or 2 after one ``error:`` line on stderr."""
    parser = CliParser(
        prog="python -m vae_core.holes", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument(
        "--n",
        type=bounded_int(1, MAX_DECODED_SAMPLES),
        default=N_CODES,
        help=f"random codes per model, 1 to {MAX_DECODED_SAMPLES:,} (default: %(default)s)",
    )
    parser.add_argument(
        "--pairs",
        type=bounded_int(1, 10_000),
        default=N_PAIRS,
        help="random pairs of gallery images walked per model, 1 to 10,000 (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=bounded_int(0, MAX_SEED),
        default=0,
        help="seed of the torch.Generator, 0 <= seed < 2**63 (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    try:
        reports, skipped = report_all(args.n, args.seed, n_pairs=args.pairs)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    if args.json:
        print(json.dumps({name: r.as_json() for name, r in reports.items()}))
        return 0
    print(
        f"{'model':<22} {'paths w/ hole':>13} {'recognisable':>12} {'entropy':>14}  predicted classes 0-9"
        "   codes drawn from"
    )
    for name, both in reports.items():
        r, p = both.codes, both.paths
        print(
            f"{name:<22} {p.paths_with_a_hole:>13.1%} {r.recognisable:>12.1%} {r.class_entropy_bits:>6.2f} / "
            f"{max_entropy_bits():.2f} b  {' '.join(f'{c:3d}' for c in r.counts)}   {r.source}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
