"""Holes in a latent space, measured with a classifier: random codes and what they decode to
(measure.py), hole frames on paths between random pairs of codes (paths.py), and interpolation
endpoints chosen to show a hole (endpoints.py). ``python -m vae_core.holes --json`` prints the
measures for every shipped model."""

from .endpoints import DEFAULT_CLASSES, DEFAULT_STEPS, PairScore, default_pair, hole_pairs, score_pairs
from .measure import (
    HOLE,
    N_CODES,
    RARE,
    RECOGNISABLE,
    CodeDistribution,
    HolesReport,
    class_entropy_bits,
    code_distribution,
    draw_codes,
    max_entropy_bits,
    path_verdict,
    random_code_report,
    share_difference,
)
from .paths import N_PAIRS, PathHolesReport, path_holes_report, random_pairs

__all__ = [
    "DEFAULT_CLASSES",
    "DEFAULT_STEPS",
    "HOLE",
    "N_CODES",
    "N_PAIRS",
    "RARE",
    "RECOGNISABLE",
    "CodeDistribution",
    "HolesReport",
    "PairScore",
    "PathHolesReport",
    "class_entropy_bits",
    "code_distribution",
    "default_pair",
    "draw_codes",
    "hole_pairs",
    "max_entropy_bits",
    "path_holes_report",
    "path_verdict",
    "random_code_report",
    "random_pairs",
    "score_pairs",
    "share_difference",
]
