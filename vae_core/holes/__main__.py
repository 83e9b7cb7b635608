"""``python -m vae_core.holes [--json] [--n 1000] [--seed 0]``: how many random codes of each
shipped model decode to something the classifier recognises.

With --json, prints {"<model name>": {"recognisable": <fraction>, "class_entropy_bits":
<float>, "n": 1000}, ...}; otherwise a table with the predicted classes' histogram and where
the codes were drawn from (see vae_core.holes.measure).
"""

from __future__ import annotations

import argparse
import json
import sys

import torch

from ..checks import MAX_DECODED_SAMPLES
from ..cli_checks import MAX_SEED, CliParser, bounded_int
from .measure import N_CODES, max_entropy_bits
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
        "--seed",
        type=bounded_int(0, MAX_SEED),
        default=0,
        help="seed of the torch.Generator, 0 <= seed < 2**63 (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    try:
        reports, skipped = report_all(args.n, args.seed)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    if args.json:
        print(json.dumps({name: r.as_json() for name, r in reports.items()}))
        return 0
    print(f"{'model':<22} {'recognisable':>12} {'entropy':>14}  predicted classes 0-9   codes drawn from")
    for name, r in reports.items():
        print(
            f"{name:<22} {r.recognisable:>12.1%} {r.class_entropy_bits:>6.2f} / {max_entropy_bits():.2f} b  "
            f"{' '.join(f'{c:3d}' for c in r.counts)}   {r.source}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
