"""Inverse-CDF sampling, under the name the README uses; the code lives in vae_core.maths.inverse_cdf."""

from .maths.inverse_cdf import (
    DEFAULTS,
    DISTRIBUTIONS,
    FORMULAS,
    PARAMETERS,
    NormalCheck,
    cdf,
    draw,
    normal_check,
    pdf,
    sample,
)

__all__ = [
    "DISTRIBUTIONS",
    "PARAMETERS",
    "DEFAULTS",
    "FORMULAS",
    "sample",
    "draw",
    "cdf",
    "pdf",
    "NormalCheck",
    "normal_check",
]
