"""Holes in a latent space, measured with a classifier (see measure.py), and interpolation
endpoints chosen by that measure (endpoints.py). ``python -m vae_core.holes --json`` prints the
measure for every shipped model."""

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
)

__all__ = [
    "DEFAULT_CLASSES",
    "DEFAULT_STEPS",
    "HOLE",
    "N_CODES",
    "RARE",
    "RECOGNISABLE",
    "CodeDistribution",
    "HolesReport",
    "PairScore",
    "class_entropy_bits",
    "code_distribution",
    "default_pair",
    "draw_codes",
    "hole_pairs",
    "max_entropy_bits",
    "path_verdict",
    "random_code_report",
    "score_pairs",
]
